"""The CAMEO root scorer (``sitrep eval cameo``) on a tiny validation file written here in the
PETRARCH2 layout, with every number worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.errors import EvaluationError
from sitrep.evaluate import TASKS, scorer
from sitrep.evaluate.cameo import NO_EVENT, UNMAPPED, covered_roots, format_report, run, scores

# (id, text, gold) in file order. gold: event codes, "noevents", "error=<kind>", or None for a
# record whose coding is commented out. The comment is what sitrep and the keyword baseline
# answer (root): the sentences are plain enough for their typing not to be in doubt.
RECORDS = [
    ("R1", "Rebels fired mortar shells at the army base on Monday.", ["194"]),  # 19 / 19
    ("R2", "Police arrested three opposition leaders in the capital on Tuesday.",
     ["173"]),  # 17 / 17
    ("R3", "The two presidents met in Geneva on Wednesday to discuss trade.",
     ["040", "040"]),  # none / none; one coding per actor pair
    ("R4", "The weather was mild in the capital on Sunday.", "noevents"),  # none / none
    ("R5", "Government troops clashed with rebels near the border, and the minister "
           "criticised the rebels.", ["190", "111"]),  # 19 / 19
    ("R6", "The government condemned an attack by rebel fighters on a village on Thursday.",
     ["111"]),  # 18 / 18: the attack, not the condemnation
    ("R7", "The foreign minister praised the new trade deal.", ["051"]),  # none / 05 ("deal")
    ("R8", "The army withdrew from the town on Friday.", ["0874"]),  # 08 / 08
    ("R9", "DATELINE -- Nothing to code here.", "error=dateline"),  # skipped
    ("R10", "The prime minister will visit the neighbouring country next month.",
     None),  # none / none
    ("R11", "The two governments signed a trade agreement on Monday.",
     ["903"]),  # 05 / 05; 903 is a test code (root 90), not CAMEO
]
SITREP = ["19", "17", NO_EVENT, NO_EVENT, "19", "18", NO_EVENT, "08", NO_EVENT, "05"]
KEYWORDS = ["19", "17", NO_EVENT, NO_EVENT, "19", "18", "05", "08", NO_EVENT, "05"]


def write_records(path: Path) -> Path:
    parts = ['<Validation>\n<!-- written for the tests -->\n<Environment/>\n<Sentences>\n']
    for rid, text, gold in RECORDS:
        parts.append(f'<Sentence date="20240101" id="{rid}" category="TEST" sentence="true">\n')
        if gold is None:
            parts.append('<!-- <EventCoding sourcecode="AAA" eventcode="042"/> -->\n')
        elif gold == "noevents":
            parts.append('<EventCoding noevents = "True"></EventCoding>\n')
        elif isinstance(gold, str):
            parts.append(f'<EventCoding error="{gold.split("=")[1]}"></EventCoding>\n')
        else:
            parts.extend(f'<EventCoding sourcecode="AAA" targetcode="BBB" eventcode="{c}"/>\n'
                         for c in gold)
        parts.append(f"<Text>\n{text}\n</Text>\n<Parse>(ROOT (S ))</Parse>\n</Sentence>\n")
    parts.append("</Sentences>\n</Validation>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("petrarch")
    write_records(folder / "records.xml")
    (folder / "dictionaries").mkdir()  # beside the XML, as in the dev set: not read
    (folder / "dictionaries" / "verbs.txt").write_text("--- FIRE [190] ---\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def report(data: Path) -> dict:
    return run(data)


def test_covered_roots_are_those_of_cameo_tsv():
    assert covered_roots() == {"03", "05", "08", "14", "15", "17", "18", "19", "20"}


def test_scores_by_hand():
    gold = [frozenset(), frozenset({"19"}), frozenset({"03", "04"}), frozenset({"06"}),
            frozenset(), frozenset({"19"})]
    predicted = [UNMAPPED, "18", "03", NO_EVENT, "14", "19"]
    s = scores(gold, predicted)
    # Right: no event → unmapped (no CAMEO code either way), 03 among {03, 04}, 19.
    assert s["accuracy"] == 0.5
    # Covered sentences: the two 19s and {03, 04}; two of the three right.
    assert s["covered_accuracy"] == 0.6667
    # 19: TP 1, FN 1 → P 1, R .5, F1 2/3; 03: TP 1 → 1; 18 and 14: one FP each → 0.
    assert s["per_root"]["19"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667,
                                   "support": 2, "predicted": 1}
    assert s["per_root"]["03"]["f1"] == 1.0
    assert s["per_root"]["18"] == {"precision": 0.0, "recall": None, "f1": 0.0,
                                   "support": 0, "predicted": 1}
    assert set(s["per_root"]) == {"03", "14", "18", "19"}  # 04 and 06 are not covered
    # macro (2/3 + 1 + 0 + 0) / 4; micro TP 2, FP 2, FN 1 → 4 / 7.
    assert s["covered"] == {"roots": 4, "macro_f1": 0.4167, "micro_f1": 0.5714}
    assert s["confusions"] == [["19", "18", 1], ["06", NO_EVENT, 1], [NO_EVENT, "14", 1]]


def test_run_scores_sitrep_and_the_baselines(report):
    assert report["sentences"] == 10 and report["skipped"] == {"error=dateline": 1}
    assert [r["id"] for r in report["per_sentence"]] == [
        "R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R10", "R11"]
    assert [r["sitrep"] for r in report["per_sentence"]] == SITREP
    assert [r["keywords"] for r in report["per_sentence"]] == KEYWORDS
    assert report["per_sentence"][2]["gold"] == ["040", "040"]
    assert report["per_sentence"][4]["gold_roots"] == ["11", "19"]

    sitrep = report["systems"]["sitrep"]
    # Right: R1, R2, R4 (no event), R5 (19 of {11, 19}), R8, R10 (no event) = 6 of 10;
    # covered gold: R1 19, R2 17, R5 19, R7 05, R8 08, of which all but R7 are right.
    assert (sitrep["accuracy"], sitrep["covered_accuracy"]) == (0.6, 0.8)
    # 19, 17, 08: F1 1; 05: FN (R7) and FP (R11, gold 90) → 0; 18: FP (R6, gold 11) → 0.
    assert {r: s["f1"] for r, s in sitrep["per_root"].items()} == {
        "05": 0.0, "08": 1.0, "17": 1.0, "18": 0.0, "19": 1.0}
    assert sitrep["per_root"]["19"]["support"] == 2
    # macro 3 / 5; micro TP 4, FP 2, FN 1 → 8 / 11.
    assert sitrep["covered"] == {"roots": 5, "macro_f1": 0.6, "micro_f1": 0.7273}
    assert sitrep["confusions"] == [["04", NO_EVENT, 1], ["11", "18", 1], ["05", NO_EVENT, 1],
                                    ["90", "05", 1]]

    keywords = report["systems"]["keywords"]
    # As sitrep, and "deal" gets R7 right: 7 of 10, every covered sentence.
    assert (keywords["accuracy"], keywords["covered_accuracy"]) == (0.7, 1.0)
    # 05: TP 1, FP 1 → F1 2/3; macro (3 + 2/3 + 0) / 5; micro TP 5, FP 2, FN 0 → 10 / 12.
    assert keywords["per_root"]["05"]["f1"] == 0.6667
    assert keywords["covered"] == {"roots": 5, "macro_f1": 0.7333, "micro_f1": 0.8333}

    majority = report["systems"]["majority"]
    # 19 is the most frequent covered gold root (R1, R5): right on those 2 of 10, 2 of 5.
    assert majority["description"] == "every sentence coded 19"
    assert (majority["accuracy"], majority["covered_accuracy"]) == (0.2, 0.4)
    # 19: TP 2, FP 8 → F1 4 / 12; 17, 05, 08: FN only → 0; micro 4 / (4 + 8 + 3).
    assert majority["per_root"]["19"] == {"precision": 0.2, "recall": 1.0, "f1": 0.3333,
                                          "support": 2, "predicted": 10}
    assert majority["covered"] == {"roots": 4, "macro_f1": 0.0833, "micro_f1": 0.2667}


def test_run_summarizes_the_gold(report):
    g = report["gold_roots"]
    assert {r: v["sentences"] for r, v in g["roots"].items()} == {
        "04": 1, "05": 1, "08": 1, "11": 2, "17": 1, "19": 2, "90": 1}
    assert g["roots"]["90"] == {"sentences": 1, "covered": False, "cameo": False}
    assert g["roots"]["11"] == {"sentences": 2, "covered": False, "cameo": True}
    # No event: R4, R10; covered: R1 R2 R5 R7 R8; only other roots: R3, R6, R11 (R11 not CAMEO).
    assert (g["no_event"], g["covered"], g["uncovered_only"], g["not_cameo"]) == (2, 5, 3, 1)


def test_report_is_json_and_text(report):
    json.dumps(report)
    text = format_report(report)
    assert "covered macro-F1" in text and "19 Fight" in text and "11 → 18" in text
    assert "1 error=dateline" in text


def test_a_file_a_limit_and_progress(data):
    ticks: list[tuple[int, int]] = []
    two = run(data / "records.xml", limit=2,
              progress=lambda done, total: ticks.append((done, total)))
    assert two["sentences"] == 2 and ticks == [(1, 2), (2, 2)]
    assert two["systems"]["sitrep"]["accuracy"] == 1.0
    with pytest.raises(EvaluationError):
        run(data, limit=-1)


def test_the_task_is_registered_and_gated_by_floors(data, tmp_path):
    from conftest import Cli

    assert TASKS["cameo"] == "cameo" and scorer("cameo").TASK == "cameo"
    cli = Cli(tmp_path / "x.db")
    ok = cli("eval", "cameo", "--data", str(data), "--floor", "systems.sitrep.accuracy=0.55")
    assert ok.exit_code == 0 and "covered micro-F1" in ok.stdout
    below = cli("eval", "cameo", "--data", str(data), "--floor",
                "systems.sitrep.accuracy=0.65", ok=False)
    assert below.exit_code == 1 and "below floor" in below.stderr


def test_bad_data_is_an_evaluation_error(tmp_path):
    with pytest.raises(EvaluationError, match="does not exist"):
        run(tmp_path / "missing")
    with pytest.raises(EvaluationError, match="one"):
        run(tmp_path)
    bad = tmp_path / "bad.xml"
    bad.write_text("<Validation><Sentences>", encoding="utf-8")
    with pytest.raises(EvaluationError, match="cannot read"):
        run(bad)
    bad.write_text("<Validation><Sentences/></Validation>", encoding="utf-8")
    with pytest.raises(EvaluationError, match="no <Sentence>"):
        run(bad)
    bad.write_text('<Validation><Sentence id="X"><EventCoding sourcecode="A"/>'
                   "<Text>Rebels attacked.</Text></Sentence></Validation>", encoding="utf-8")
    with pytest.raises(EvaluationError, match="X has an EventCoding without an eventcode"):
        run(bad)
    write_records(tmp_path / "two.xml")
    with pytest.raises(EvaluationError, match="one"):
        run(tmp_path)  # bad.xml and two.xml
