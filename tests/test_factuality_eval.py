"""The factuality scorer (``sitrep eval factuality``) on tiny corpora written here, with every
number worked out by hand."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import pytest

from sitrep.errors import EvaluationError
from sitrep.evaluate import factuality
from sitrep.evaluate.factuality import detokenize, pearson, read_conll, run, scores

# (words, {token index: gold factuality}) per sentence, in the unified .conll layout.
UW = [
    ("Rebels captured the town .", {1: "3.0"}),         # asserted        → +3
    ("The army did not attack the base .", {4: "-2.0"}),  # negated       → -3
    ("Rebels may attack the city .", {2: "0.5"}),        # hypothetical    → +0.75
]
MEANTIME = [
    ("Police said protesters burned tyres .", {3: "2.0"}),  # reported     → +2.5
    ("The town fell , officials said .", {2: "0"}),         # reported     → +2.5
    ("Nothing here is an event .", {}),                     # no event: not scored
]
GOLD = [3.0, -2.0, 0.5, 2.0, 0.0]
SITREP = [3.0, -3.0, 0.75, 2.5, 2.5]


def write_conll(path: Path, sentences: list[tuple[str, dict[int, str]]]) -> Path:
    lines = []
    for text, gold in sentences:
        for i, word in enumerate(text.split()):
            lines.append(f"{i}\t{word}\t{gold.get(i, '_')}\t_\t0\t_\t{word.lower()}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_conll(tmp_path / "uw" / "dev.conll", UW)
    write_conll(tmp_path / "meantime" / "test.conll", MEANTIME)
    return tmp_path


def test_scores_by_hand():
    s = scores(GOLD, SITREP)
    # MAE: |0| + |−1| + |0.25| + |0.5| + |2.5| = 4.25, over 5.
    assert s["mae"] == 0.85
    # Pearson: means 1.15 (pred) and 0.7 (gold); Σdxdy = 16.35, Σdx² = 24.45, Σdy² = 14.8.
    assert s["pearson"] == round(16.35 / math.sqrt(24.45 * 14.8), 4) == 0.8595
    # 3-way: gold happened/not/uncertain/happened/uncertain; the last is predicted happened.
    assert s["accuracy"] == 0.8
    assert s["classes"]["happened"] == {"gold": 2, "predicted": 3, "correct": 2, "f1": 0.8}
    assert s["classes"]["uncertain"]["f1"] == 0.6667
    assert s["classes"]["not"]["f1"] == 1.0
    assert s["macro_f1"] == round((0.8 + 0.6667 + 1.0) / 3, 4)


def test_pearson_is_undefined_for_a_constant():
    assert pearson([3.0, 3.0, 3.0], [1.0, 2.0, 3.0]) is None
    assert pearson([1.0], [1.0]) is None
    assert pearson([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]) == 1.0


def test_run_scores_sitrep_and_the_baselines(corpus):
    report = run(corpus)
    assert (report["sentences"], report["events"], report["unaligned"]) == (5, 5, 0)
    sitrep = report["systems"]["sitrep"]
    assert (sitrep["mae"], sitrep["pearson"], sitrep["accuracy"]) == (0.85, 0.8595, 0.8)
    # Everything asserted: |0| + |5| + |2.5| + |1| + |3| = 11.5 → 2.3; right on the 2 happened.
    everything = report["systems"]["all_asserted"]
    assert (everything["mae"], everything["pearson"], everything["accuracy"]) == (2.3, None, 0.4)
    assert everything["macro_f1"] == round((2 * 2 / (2 + 5)) / 3, 4)
    # Negation only: -3 on "did not attack", +3 elsewhere: 0 + 1 + 2.5 + 1 + 3 = 7.5 → 1.5.
    negation = report["systems"]["spacy_negation"]
    assert (negation["mae"], negation["accuracy"]) == (1.5, 0.6)


def test_run_reports_each_sub_corpus_and_file(corpus):
    report = run(corpus)
    assert set(report["corpora"]) == {"uw", "meantime"}
    uw = report["corpora"]["uw"]["systems"]["sitrep"]
    # uw: errors 0, 1, 0.25 → MAE 1.25 / 3; all three in the right 3-way class.
    assert (uw["n"], uw["mae"], uw["accuracy"], uw["macro_f1"]) == (3, 0.4167, 1.0, 1.0)
    meantime = report["corpora"]["meantime"]["systems"]["sitrep"]
    assert (meantime["n"], meantime["mae"], meantime["pearson"]) == (2, 1.5, None)
    assert set(report["by_file"]) == {"uw/dev.conll", "meantime/test.conll"}
    assert report["corpora"]["uw"]["modalities"] == {
        "asserted": {"n": 1, "mean_gold": 3.0}, "negated": {"n": 1, "mean_gold": -2.0},
        "hypothetical": {"n": 1, "mean_gold": 0.5}}
    # The one error of 2 or more is listed with its rule and sentence.
    (mistake,) = report["mistakes"]
    assert (mistake["token"], mistake["gold"], mistake["predicted"]) == ("fell", 0.0, 2.5)
    assert mistake["text"] == "The town fell, officials said."
    text = factuality.format_report(report)
    assert "uw sitrep" in text and "meantime spacy_negation" in text and "'fell'" in text


def test_a_sub_corpus_folder_a_file_and_a_limit(corpus):
    assert run(corpus / "uw")["events"] == 3
    one = run(corpus / "meantime" / "test.conll")
    assert (one["events"], list(one["corpora"])) == (2, ["meantime"])
    assert run(corpus, limit=2)["events"] == 2
    with pytest.raises(EvaluationError):
        run(corpus, limit=-1)


def test_progress_is_called_per_sentence(corpus):
    calls: list[tuple[int, int]] = []
    run(corpus, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 5) for n in range(1, 6)]


def test_bad_data_is_an_evaluation_error(tmp_path):
    with pytest.raises(EvaluationError, match="does not exist"):
        run(tmp_path / "missing")
    with pytest.raises(EvaluationError, match=r"no \.conll files"):
        run(tmp_path)
    bad = tmp_path / "bad.conll"
    bad.write_text("0\tRebels\tmaybe\t_\t0\t_\trebels\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="not a number"):
        read_conll(bad)
    bad.write_text("Rebels captured the town\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="TAB-separated"):
        read_conll(bad)


def test_detokenize_keeps_each_token_s_characters():
    words = ["``", "We", "do", "n't", "know", ",", "''", "said", "Elian", "'s", "father",
             "-LRB-", "AP", "-RRB-", "."]
    words = [factuality.PTB.get(w, w) for w in words]
    text, offsets = detokenize(words)
    assert text == '"We don\'t know," said Elian\'s father (AP).'
    assert [text[s:e] for s, e in offsets] == words


def test_uds_it_happened_is_joined_from_the_treebank(tmp_path):
    folder = tmp_path / "uds_ih2"
    folder.mkdir()
    conllu = ("# sent_id = a-1\n"
              "1\tThey\tthey\tPRON\tPRP\t_\t2\tnsubj\t_\t_\n"
              "2\tdid\tdo\tAUX\tVBD\t_\t4\taux\t_\t_\n"
              "3\tn't\tnot\tPART\tRB\t_\t4\tneg\t_\t_\n"
              "4\tleave\tleave\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No\n"
              "5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n\n")
    with gzip.open(folder / "en_ewt-ud-dev.conllu.gz", "wt", encoding="utf-8") as f:
        f.write(conllu)
    header = ("Split\tAnnotator.ID\tDisplay.Position\tSentence.ID\tPred.Token\tPred.Lemma\t"
              "Is.Predicate\tIs.Understandable\tHappened\tConfidence\tKeep\n")
    rows = [
        "dev\t1\t1\ten-ud-dev.conllu 1\t4\tleave\tTrue\tTrue\tfalse\t4\tTrue",  # -3
        "dev\t2\t1\ten-ud-dev.conllu 1\t4\tleave\tTrue\tTrue\tfalse\t2\tTrue",  # -1.5
        "dev\t3\t1\ten-ud-dev.conllu 1\t4\tleave\tTrue\tTrue\tnan\tnan\tTrue",  # not kept
        "dev\t4\t1\ten-ud-dev.conllu 1\t2\tgo\tTrue\tTrue\ttrue\t4\tTrue",      # not aligned
        "train\t1\t1\ten-ud-train.conllu 7\t3\tsay\tTrue\tTrue\ttrue\t4\tTrue",  # no text
    ]
    (folder / "it-happened_test.tsv").write_text(header + "\n".join(rows) + "\n",
                                                 encoding="utf-8")
    report = run(folder)
    assert report["skipped"] == {"uds judgements not kept": 1, "uds predicates not aligned": 1,
                                 "uds predicates without treebank text": 1}
    assert report["events"] == 1
    sitrep = report["corpora"]["uds_ih2"]["systems"]["sitrep"]
    # "They didn't leave.": negated (-3) against the mean judgement -2.25.
    assert (sitrep["n"], sitrep["mae"], sitrep["accuracy"]) == (1, 0.75, 1.0)


def test_a_failing_system_is_counted_not_fatal(corpus):
    def broken(doc, i):
        raise RuntimeError("boom")
    systems = (*factuality.SYSTEMS[:1], factuality.System("broken", "always fails", broken))
    report = run(corpus, systems=systems)
    assert report["failures"] == {"broken": {"RuntimeError: boom": 5}}
    assert report["systems"]["broken"]["mae"] == 2.3  # every event scored as +3
    assert report["systems"]["sitrep"]["mae"] == 0.85
