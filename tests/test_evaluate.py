"""Scorers on a tiny data set built here, in the layout of the real evaluation sets."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from sitrep.errors import EvaluationError, ExtractionError
from sitrep.evaluate import TASKS, dates, extraction, scorer
from sitrep.evaluate.dates import Answer
from sitrep.evaluate.extraction import Counts, System, collapse_whitespace, score_page

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<meta property="article:published_time" content="{date}T08:30:00+00:00">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/impressum">Impressum and legal notice</a></li></ul></nav>
<main><article>
<h1>{title}</h1>
{paragraphs}
</article></main>
<footer><p>Copyright 2021 Sahel Monitor. All rights reserved. Impressum.</p></footer>
</body></html>
"""

PARAGRAPHS_A = [
    "Gunmen attacked the army camp at Boulkessi before dawn on Thursday, the defence "
    "ministry said in a statement read on state television.",
    "Residents reached by telephone said the fighting lasted several hours and that "
    "reinforcements arrived from Mondoro in the afternoon.",
    "The ministry said eleven soldiers were killed and that the camp remained under the "
    "control of the armed forces by nightfall.",
]
PARAGRAPHS_B = [
    "Protesters gathered in the capital on Saturday to demand the release of detained "
    "journalists, according to organisers of the march.",
    "Police used tear gas to disperse the crowd near the central market, witnesses said, "
    "and at least twenty people were arrested.",
    "A government spokesman declined to comment on the arrests when contacted by phone.",
]


def page(title: str, date: str, paragraphs: list[str]) -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return ARTICLE.format(title=title, date=date, paragraphs=body).encode("utf-8")


PAGE_A = page("Attack on Boulkessi camp", "2021-03-04", PARAGRAPHS_A)
PAGE_B = page("Protest in the capital", "2020-11-21", PARAGRAPHS_B)

# Gold: keys sort as a < b. Segments chosen so that a text equal to the article paragraphs
# has known counts (see FIXED_* below).
EXTRACTION_GOLD: dict[str, Any] = {
    "https://b.example/protest": {
        "file": "b.example.protest.html",
        "with": ["Protesters gathered in the capital", "at least twenty people were arrested"],
        "without": ["Impressum", "All rights reserved"],
    },
    "https://a.example/attack": {
        "file": "a.example.attack.html",
        "with": [
            "Gunmen attacked the army camp",
            "reinforcements arrived from Mondoro",
            "eleven soldiers were killed",
        ],
        "without": ["Impressum", "Home World", "All rights reserved"],
        "date": "2021-03-04",  # extra fields, as in the real gold, are ignored
    },
}
DATES_GOLD: dict[str, Any] = {
    "https://a.example/attack": {"file": "a.example.attack.html", "date": "2021-03-04"},
    "https://b.example/protest": {"file": "b.example.protest.html", "date": "2020-11-22"},
}


def write_dataset(
    folder: Path, gold: dict[str, Any], *, name: str = "evaldata.json", gzip_b: bool = True
) -> Path:
    """<folder>/<name> and <folder>/html/: page a gzipped, page b gzipped or plain."""
    html = folder / "html"
    html.mkdir(parents=True)
    (html / "a.example.attack.html.gz").write_bytes(gzip.compress(PAGE_A))
    if gzip_b:
        (html / "b.example.protest.html.gz").write_bytes(gzip.compress(PAGE_B))
    else:
        (html / "b.example.protest.html").write_bytes(PAGE_B)
    gold_path = folder / name
    gold_path.write_text(json.dumps(gold), encoding="utf-8")
    return gold_path


def fixed_text(texts: dict[bytes, str | None]) -> System:
    """A real extractor that answers from a table: counts become hand-computable."""
    return System("fixed", "answers from a table", lambda html, url: texts[html])


# Page a: all three "with" in (one across a line break and a no-break space), "Impressum" leaks.
#   TP 3, FN 0, FP 1, TN 2
# Page b: one "with" in, one out; "All rights reserved" leaks.
#   TP 1, FN 1, FP 1, TN 1
FIXED_A = (
    "Gunmen attacked the army\ncamp at dawn.\n\nThen reinforcements\u00a0arrived from Mondoro "
    "and eleven soldiers were killed.\n\nImpressum"
)
FIXED_B = "Protesters gathered in the capital.\n\nAll rights reserved."


# --- counting ----------------------------------------------------------------------------


def test_fold_collapses_every_whitespace_run() -> None:
    assert collapse_whitespace("  a\n\nb\u00a0 c\t") == "a b c"


def test_score_page_counts_as_trafilatura_does() -> None:
    counts = score_page(FIXED_A, EXTRACTION_GOLD["https://a.example/attack"]["with"],
                        EXTRACTION_GOLD["https://a.example/attack"]["without"])  # fmt: skip
    assert counts.as_list() == [3, 0, 1, 2]


def test_raw_matching_misses_segments_split_by_newlines() -> None:
    gold = EXTRACTION_GOLD["https://a.example/attack"]
    raw = score_page(FIXED_A, gold["with"], gold["without"], folded=False)
    # "army\ncamp" and "reinforcements\xa0arrived" do not match without folding.
    assert raw.as_list() == [1, 2, 1, 2]


def test_no_text_gets_bulk_counts() -> None:
    assert score_page(None, ["x", "y"], ["z"]).as_list() == [0, 2, 0, 1]


def test_scores_from_counts() -> None:
    s = Counts(tp=4, fn=1, fp=2, tn=3).scores()
    assert s["precision"] == round(4 / 6, 4)
    assert s["recall"] == 0.8
    assert s["f1"] == round(8 / 11, 4)
    assert s["accuracy"] == 0.7
    assert Counts().scores()["precision"] is None


def test_extraction_run_totals_match_hand_counts(tmp_path: Path) -> None:
    write_dataset(tmp_path / "set", EXTRACTION_GOLD)
    system = fixed_text({PAGE_A: FIXED_A, PAGE_B: FIXED_B})
    report = extraction.run(tmp_path / "set", systems=(system,))
    s = report["systems"]["fixed"]
    assert (s["tp"], s["fn"], s["fp"], s["tn"]) == (4, 1, 2, 3)
    assert s["precision"] == round(4 / 6, 4)
    assert s["recall"] == 0.8
    assert s["pages"] == 2 and s["failures"] == 0 and s["no_text"] == 0
    assert [p["url"] for p in report["per_page"]] == sorted(EXTRACTION_GOLD)
    assert report["per_page"][0]["fixed"] == [3, 0, 1, 2]
    json.dumps(report)


def test_failures_are_counted_not_raised(tmp_path: Path) -> None:
    write_dataset(tmp_path / "set", EXTRACTION_GOLD)

    def refuses_b(html: bytes, url: str) -> str:
        if html == PAGE_B:
            raise ExtractionError("no main text found in the page")
        return FIXED_A

    def crashes_b(html: bytes, url: str) -> str:
        if html == PAGE_B:
            raise ValueError("bug")
        return FIXED_A

    report = extraction.run(
        tmp_path / "set",
        systems=(System("refuses", "", refuses_b), System("crashes", "", crashes_b)),
    )
    for name in ("refuses", "crashes"):
        s = report["systems"][name]
        # page a as before, page b in bulk: FN 2, TN 2
        assert (s["tp"], s["fn"], s["fp"], s["tn"]) == (3, 2, 1, 4)
        assert s["failures"] == 1 and s["no_text"] == 1
    assert report["systems"]["refuses"]["crashes"] == 0
    assert report["systems"]["crashes"]["crashes"] == 1
    assert report["per_page"][1]["refuses_failure"].startswith("ExtractionError: no main text")


def test_limit_takes_first_keys_in_sorted_order(tmp_path: Path) -> None:
    write_dataset(tmp_path / "set", EXTRACTION_GOLD)
    system = fixed_text({PAGE_A: FIXED_A, PAGE_B: FIXED_B})
    report = extraction.run(tmp_path / "set", limit=1, systems=(system,))
    assert report["pages"] == 1
    assert report["per_page"][0]["url"] == "https://a.example/attack"
    assert report["systems"]["fixed"]["tp"] == 3


# --- locating the data -------------------------------------------------------------------


def test_folder_and_file_path_give_the_same_report(tmp_path: Path) -> None:
    gold = write_dataset(tmp_path / "set", EXTRACTION_GOLD)
    system = fixed_text({PAGE_A: FIXED_A, PAGE_B: FIXED_B})
    by_folder = extraction.run(tmp_path / "set", systems=(system,))
    by_file = extraction.run(gold, systems=(system,))
    assert by_folder["systems"] == by_file["systems"]
    assert by_folder["data"] == by_file["data"] == str(gold)


def test_any_gold_name_and_uncompressed_html(tmp_path: Path) -> None:
    write_dataset(tmp_path / "split", EXTRACTION_GOLD, name="hidden_split.json", gzip_b=False)
    system = fixed_text({PAGE_A: FIXED_A, PAGE_B: FIXED_B})
    report = extraction.run(str(tmp_path / "split"), systems=(system,))
    assert report["data"].endswith("hidden_split.json")
    assert report["pages"] == 2 and not report["missing_files"]


def test_missing_folder_is_an_evaluation_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(EvaluationError, match="not found") as err:
        extraction.run(missing)
    assert str(missing) in str(err.value)
    with pytest.raises(EvaluationError, match="does not exist"):
        dates.run(missing)


def test_folder_without_gold_or_with_two(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    with pytest.raises(EvaluationError, match=r"no gold \*\.json"):
        extraction.run(tmp_path)
    (tmp_path / "one.json").write_text("{}")
    (tmp_path / "two.json").write_text("{}")
    with pytest.raises(EvaluationError, match="several"):
        extraction.run(tmp_path)


def test_gold_without_html_folder(tmp_path: Path) -> None:
    (tmp_path / "gold.json").write_text(json.dumps(EXTRACTION_GOLD))
    with pytest.raises(EvaluationError, match="no html/ folder"):
        extraction.run(tmp_path)


def test_gold_of_the_wrong_task(tmp_path: Path) -> None:
    write_dataset(tmp_path / "set", DATES_GOLD)
    with pytest.raises(EvaluationError, match=r"not gold for the extraction task.*'with'"):
        extraction.run(tmp_path / "set")


def test_unreadable_gold(tmp_path: Path) -> None:
    gold = write_dataset(tmp_path / "set", EXTRACTION_GOLD)
    gold.write_text("{not json")
    with pytest.raises(EvaluationError, match="cannot read the gold file"):
        extraction.run(gold)


def test_missing_page_is_reported_and_not_scored(tmp_path: Path) -> None:
    gold = dict(EXTRACTION_GOLD)
    gold["https://c.example/gone"] = {"file": "gone.html", "with": ["x"], "without": []}
    gold["https://d.example/escape"] = {"file": "../evaldata.json", "with": ["x"], "without": []}
    write_dataset(tmp_path / "set", gold)
    system = fixed_text({PAGE_A: FIXED_A, PAGE_B: FIXED_B})
    report = extraction.run(tmp_path / "set", systems=(system,))
    assert report["entries"] == 4 and report["pages"] == 2
    assert report["missing_files"] == ["gone.html", "../evaldata.json"]
    assert report["systems"]["fixed"]["fn"] == 1


def test_scorer_lookup() -> None:
    assert scorer("dates") is dates and scorer("extraction") is extraction
    assert {"extraction", "dates"} <= set(TASKS)
    for task in ("extraction", "dates"):
        module = scorer(task)
        assert task == module.TASK and callable(module.run) and callable(module.format_report)
    with pytest.raises(EvaluationError,
                       match=r"no evaluation task 'titles' \(known: attribution, cameo, dates, "):
        scorer("titles")


# --- dates -------------------------------------------------------------------------------


def fixed_dates(answers: dict[bytes, Answer]) -> dates.System:
    return dates.System("fixed", "answers from a table", lambda html, url: answers[html])


def test_date_counts_and_ratios(tmp_path: Path) -> None:
    write_dataset(tmp_path / "set", DATES_GOLD)
    right_then_wrong = fixed_dates({
        PAGE_A: Answer("2021-03-04", "html-meta"),
        PAGE_B: Answer("2020-11-21", "html-meta"),
    })  # fmt: skip
    month_then_none = dates.System(
        "coarse", "", lambda html, url: Answer("2021-03") if html == PAGE_A else Answer(None)
    )
    report = dates.run(tmp_path / "set", systems=(right_then_wrong, month_then_none))
    s = report["systems"]["fixed"]
    assert (s["correct"], s["wrong"], s["undated"]) == (1, 1, 0)
    assert (s["accuracy"], s["coverage"], s["precision"]) == (0.5, 1.0, 0.5)
    assert s["by_found_in"] == {"html-meta": {"entries": 2, "correct": 1, "precision": 0.5}}
    c = report["systems"]["coarse"]
    assert (c["correct"], c["wrong"], c["undated"]) == (0, 1, 1)
    assert (c["accuracy"], c["coverage"], c["precision"]) == (0.0, 0.5, 0.0)
    assert "by_found_in" not in c
    json.dumps(report)


def test_dates_with_the_real_systems(tmp_path: Path) -> None:
    """sitrep and htmldate all read the article:published_time of both pages; gold for page
    b is a day later, so every system is right once and wrong once."""
    write_dataset(tmp_path / "set", DATES_GOLD, name="eval_other.json")
    report = dates.run(tmp_path / "set")
    assert set(report["systems"]) == {"sitrep", "htmldate", "htmldate_original"}
    for s in report["systems"].values():
        assert (s["correct"], s["wrong"], s["failures"]) == (1, 1, 0)
    assert report["per_page"][0]["sitrep"] == "2021-03-04"
    assert report["per_page"][1]["htmldate"] == "2020-11-21"
    assert sum(b["entries"] for b in report["systems"]["sitrep"]["by_found_in"].values()) == 2
    text = dates.format_report(report)
    assert "htmldate_original" in text and "sitrep found_in" in text


def test_extraction_with_the_real_systems(tmp_path: Path) -> None:
    """Every system finds the article sentences; none keeps the navigation menu."""
    write_dataset(tmp_path / "set", EXTRACTION_GOLD)
    report = extraction.run(tmp_path / "set")
    assert set(report["systems"]) == {"sitrep", "trafilatura", "trafilatura_eval"}
    for name, s in report["systems"].items():
        assert s["tp"] == 5 and s["fn"] == 0, name
        assert s["tp"] + s["fn"] + s["fp"] + s["tn"] == 10, name
        assert s["pages"] == 2 and s["crashes"] == 0, name
    assert "trafilatura_eval" in extraction.format_report(report)


def test_cli_floors_fail_the_command_below_them(tmp_path: Path) -> None:
    """`sitrep eval … --floor KEY=VALUE` is the CI gate: exit 1 below a floor, 0 above."""
    from conftest import Cli

    write_dataset(tmp_path / "dates", DATES_GOLD)
    cli = Cli(tmp_path / "x.db")
    ok = cli("eval", "dates", "--data", str(tmp_path / "dates"),
             "--floor", "systems.sitrep.accuracy=0.4")
    assert ok.exit_code == 0
    below = cli("eval", "dates", "--data", str(tmp_path / "dates"),
                "--floor", "systems.sitrep.accuracy=0.99", ok=False)
    assert below.exit_code == 1 and "below floor" in below.stderr
    missing = cli("eval", "dates", "--data", str(tmp_path / "dates"),
                  "--floor", "sitrep.accuracy=0.1", ok=False)
    assert missing.exit_code == 1 and "not in the report" in missing.stderr
