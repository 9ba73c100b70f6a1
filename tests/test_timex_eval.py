"""The TempEval-3 timex scorer, on a tiny TimeML folder written here and counted by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.errors import EvaluationError
from sitrep.evaluate import timex
from sitrep.evaluate.timex import System, Timex, align, read_timeml
from sitrep.records import Document

HEADER = ('<?xml version="1.0" ?>\n<TimeML>\n<DOCID>{docid}</DOCID>\n'
          '<DCT><TIMEX3 tid="t0" type="DATE" value="{dct}" temporalFunction="false" '
          'functionInDocument="CREATION_TIME">{dct}</TIMEX3></DCT>\n')
# DCT Monday 2014-06-16. Four TIMEX3s, one self-closing TIMEX3 (no extent: not scored), events,
# an entity (&amp;) that must become one character.
FILE_A = HEADER.format(docid="A", dct="2014-06-16") + (
    '<TEXT>\nRebels <EVENT eid="e1" class="OCCURRENCE">captured</EVENT> the town on '
    '<TIMEX3 tid="t1" type="DATE" value="2014-06-13">Friday</TIMEX3> and held it for '
    '<TIMEX3 tid="t2" type="DURATION" value="P3D">three days</TIMEX3>. Food &amp; water are '
    '<TIMEX3 tid="t3" type="DATE" value="PRESENT_REF">now</TIMEX3> scarce, aid groups said '
    '<TIMEX3 tid="t4" type="DATE" value="2014-W24">last week</TIMEX3>.'
    '<TIMEX3 tid="t5" type="DURATION" value="P1D" anchorTimeID="t1"/>\n</TEXT>\n'
    '<MAKEINSTANCE eventID="e1" eiid="ei1" tense="PAST"/>\n</TimeML>\n'
)
TEXT_A = ("\nRebels captured the town on Friday and held it for three days. Food & water are "
          "now scarce, aid groups said last week.\n")
# DCT Wednesday 1998-03-04, in a subfolder: one TIMEX3.
FILE_B = HEADER.format(docid="B", dct="1998-03-04") + (
    '<TEXT>\nPrices fell <TIMEX3 tid="t1" type="DATE" value="1998-03-03">yesterday</TIMEX3>.\n'
    '</TEXT>\n</TimeML>\n'
)
BROKEN = "<TimeML><DOCID>C</DOCID></TimeML>\n"  # no TEXT: reported, not scored


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.tml").write_text(FILE_A, encoding="utf-8")
    (tmp_path / "sub" / "b.tml").write_text(FILE_B, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not TimeML", encoding="utf-8")
    return tmp_path


def at(text: str, piece: str, type_: str, value: str) -> Timex:
    start = text.index(piece)
    return Timex(start, start + len(piece), piece, type_, value, "fixed")


def fixed_answers(document: Document, doc) -> list[Timex]:
    """A system with known answers: on a.tml one strict match, two relaxed-only matches (one
    with the wrong value), one spurious; on b.tml nothing (one miss)."""
    if document.id != "a.tml":
        return []
    text = document.text
    return [
        at(text, "Friday", "DATE", "2014-06-13"),  # strict; type and value right
        at(text, "three", "DURATION", "P3D"),  # relaxed only; type and value right
        at(text, "aid groups", "DATE", "2014"),  # spurious
        at(text, "said last week", "DATE", "2014-W23"),  # relaxed only; value wrong
    ]


FIXED = System("fixed", "answers written in the test", fixed_answers)


def test_timeml_text_and_offsets(data):
    tml = read_timeml(data / "a.tml", "a.tml")
    assert tml.text == TEXT_A
    assert tml.dct == "2014-06-16"
    assert [(g.text, g.type, g.value) for g in tml.timexes] == [
        ("Friday", "DATE", "2014-06-13"), ("three days", "DURATION", "P3D"),
        ("now", "DATE", "PRESENT_REF"), ("last week", "DATE", "2014-W24")]
    for g in tml.timexes:
        assert tml.text[g.start:g.end] == g.text


def test_scores_counted_by_hand(data):
    report = timex.run(data, systems=(FIXED,))
    assert report["files"] == 2
    assert report["unreadable"] == []
    s = report["systems"]["fixed"]
    assert (s["gold"], s["system"]) == (5, 4)
    assert (s["strict_matches"], s["relaxed_matches"]) == (1, 3)
    assert (s["strict_precision"], s["strict_recall"], s["strict_f1"]) == (0.25, 0.2, 0.2222)
    assert (s["relaxed_precision"], s["relaxed_recall"], s["relaxed_f1"]) == (0.75, 0.6, 0.6667)
    assert (s["type_correct"], s["type_accuracy"], s["type_f1"]) == (3, 1.0, 0.6667)
    # value: 2 right of 3 relaxed matches; F1 = accuracy x relaxed F1 = 2/3 x 2/3
    assert (s["value_correct"], s["value_accuracy"], s["value_f1"]) == (2, 0.6667, 0.4444)
    rows = {row["file"]: row["fixed"] for row in report["per_file"]}
    assert rows == {"a.tml": [4, 1, 3, 2], "sub/b.tml": [0, 0, 0, 0]}


def test_sitrep_on_the_tiny_folder(data):
    report = timex.run(data)
    s = report["systems"]["sitrep"]
    assert (s["gold"], s["system"], s["strict_matches"], s["value_correct"]) == (5, 5, 5, 5)
    assert s["value_f1"] == 1.0
    ner = report["systems"]["spacy_ner"]
    assert ner["value_correct"] == 0  # the baseline gives no values
    text = timex.format_report(report)
    assert "sitrep" in text and "relaxed P" in text and "value F1" in text


def test_broken_file_is_reported_and_the_rest_scored(data):
    (data / "c.tml").write_text(BROKEN, encoding="utf-8")
    report = timex.run(data, systems=(FIXED,))
    assert report["files"] == 2
    assert [u["file"] for u in report["unreadable"]] == ["c.tml"]
    assert "no <TEXT>" in report["unreadable"][0]["reason"]
    assert "unreadable files" in timex.format_report(report)


def test_one_file_limit_and_progress(data):
    seen: list[tuple[int, int]] = []
    report = timex.run(data / "sub" / "b.tml", systems=(FIXED,),
                       progress=lambda done, total: seen.append((done, total)))
    assert report["files"] == 1 and seen == [(1, 1)]
    assert timex.run(data, limit=1, systems=(FIXED,))["files"] == 1


def test_alignment_is_one_to_one():
    gold = [Timex(0, 6, "Friday", "DATE", "x"), Timex(7, 14, "evening", "TIME", "y")]
    system = [Timex(0, 14, "Friday evening", "TIME", "y"), Timex(20, 25, "today", "DATE", "z")]
    found = align(gold, system)
    # the long span overlaps both gold expressions but pairs with one: the larger overlap
    assert [(g.text, s.text) for g, s in found.pairs] == [("evening", "Friday evening")]
    assert [g.text for g in found.missed] == ["Friday"]
    assert [s.text for s in found.spurious] == ["today"]


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: p])
def test_bad_data_paths(tmp_path, make):
    with pytest.raises(EvaluationError):
        timex.run(make(tmp_path))
