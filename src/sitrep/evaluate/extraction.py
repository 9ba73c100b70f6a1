"""Main-text extraction, scored as trafilatura's own evaluation scores it.

For each page and each system: every "with" segment found in the extracted text is a true
positive (missing: a false negative); every "without" segment found is a false positive
(absent: a true negative). A system that returns nothing (or fails) gets the bulk counts of
trafilatura's script: all "with" segments missed, all "without" segments rightly absent.

trafilatura's script (tests/comparison_small.py) checks ``segment in text`` on the raw output.
sitrep separates paragraphs by a blank line where trafilatura uses one newline, and collapses
inline spaces (no-break spaces included), so the headline numbers compare both the segment and
the text after folding every whitespace run into one space (``" ".join(s.split())``), for every
system alike. The raw-substring counts are kept too (``raw_match``), for comparison with
trafilatura's published figures.

Systems, all run over the same pages in the same process:

* ``sitrep``            ``sitrep.ingest.process.process`` (what ``sitrep ingest`` stores);
* ``trafilatura``       bare ``trafilatura.extract(html)`` with default settings (which include
                        reader comments);
* ``trafilatura_eval``  ``extract`` as trafilatura's comparison script calls it: comments out,
                        tables in, no formatting, fallback extractors on. sitrep's own settings
                        match these, so this is the like-for-like baseline.

sitrep is given the gold URL, as ingest gives it one; the baselines are called without, as in
trafilatura's script (the URL feeds metadata, not the main-text extraction). ``run`` takes
other ``systems`` too: any function (html bytes, url) -> text or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from ..ingest.process import process
from ..records import RawDocument
from ..settings import Limits
from .datasets import Entry, Progress, load_dataset, pages
from .scoring import Clock, Failures, pct, ratio, table

TASK = "extraction"
REQUIRED_FIELDS = ("file", "with", "without")
MATCHING = "whitespace-folded substring: ' '.join(s.split()) on segment and text, every system"

Extractor = Callable[[bytes, str], str | None]


def sitrep_text(html: bytes, url: str) -> str | None:
    raw = RawDocument(raw=html, media="html", content=html, source_path=url, url=url)
    return process(raw, Limits()).text


def trafilatura_default(html: bytes, url: str) -> str | None:
    return trafilatura.extract(html)


def trafilatura_eval_settings(html: bytes, url: str) -> str | None:
    return trafilatura.extract(
        html, include_comments=False, include_tables=True, include_formatting=False
    )


@dataclass(frozen=True)
class System:
    name: str
    description: str
    extract: Extractor


SYSTEMS: tuple[System, ...] = (
    System("sitrep", "sitrep.ingest.process(...).text", sitrep_text),
    System("trafilatura", "trafilatura.extract(html) (defaults)", trafilatura_default),
    System(
        "trafilatura_eval",
        "trafilatura.extract(html, include_comments=False, include_tables=True, "
        "include_formatting=False) (trafilatura's comparison script)",
        trafilatura_eval_settings,
    ),
)


def collapse_whitespace(text: str) -> str:
    """Every run of whitespace (newlines, no-break spaces…) as one space, ends stripped."""
    return " ".join(text.split())


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn

    def as_list(self) -> list[int]:
        return [self.tp, self.fn, self.fp, self.tn]

    def scores(self) -> dict[str, Any]:
        tp, fn, fp, tn = self.tp, self.fn, self.fp, self.tn
        return {
            "tp": tp,
            "fn": fn,
            "fp": fp,
            "tn": tn,
            "precision": ratio(tp, tp + fp),
            "recall": ratio(tp, tp + fn),
            "f1": ratio(2 * tp, 2 * tp + fp + fn),
            "accuracy": ratio(tp + tn, tp + tn + fp + fn),
        }


def score_page(
    text: str | None, with_: list[str], without: list[str], *, folded: bool = True
) -> Counts:
    """trafilatura's evaluate_result, on folded (default) or raw text."""
    if text is None:
        return Counts(fn=len(with_), tn=len(without))
    prepare = collapse_whitespace if folded else _same
    haystack = prepare(text)
    found_with = sum(1 for s in with_ if prepare(s) in haystack)
    found_without = sum(1 for s in without if prepare(s) in haystack)
    return Counts(
        tp=found_with,
        fn=len(with_) - found_with,
        fp=found_without,
        tn=len(without) - found_without,
    )


def _same(text: str) -> str:
    return text


@dataclass
class _Tally:
    counts: Counts
    raw: Counts
    pages: int = 0
    no_text: int = 0  # None / blank output, or a failure
    failures: Failures = field(default_factory=Failures)


def run(
    data: Path | str,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    systems: tuple[System, ...] = SYSTEMS,
) -> dict[str, Any]:
    """Score every system on the same pages of an extraction set; a JSON-serializable report."""
    dataset = load_dataset(data, task=TASK, required=REQUIRED_FIELDS)
    entries = dataset.sample(limit)
    clock = Clock()
    tallies = {s.name: _Tally(Counts(), Counts()) for s in systems}
    per_page: list[dict[str, Any]] = []
    missing: list[str] = []
    for entry, html in pages(dataset, entries, progress, missing):
        per_page.append(_score_entry(entry, html, systems, clock, tallies))
    return {
        "task": TASK,
        "data": str(dataset.gold_path),
        "matching": MATCHING,
        "per_page_counts": ["tp", "fn", "fp", "tn"],
        "entries": len(entries),
        "pages": len(per_page),
        "missing_files": missing,
        "systems": {
            s.name: _system_report(s, tallies[s.name], clock.seconds.get(s.name, 0.0))
            for s in systems
        },
        "per_page": per_page,
    }


def _score_entry(
    entry: Entry,
    html: bytes,
    systems: tuple[System, ...],
    clock: Clock,
    tallies: dict[str, _Tally],
) -> dict[str, Any]:
    with_ = list(entry.gold["with"])
    without = list(entry.gold["without"])
    row: dict[str, Any] = {"url": entry.url, "file": entry.file}
    for system in systems:
        text, error = clock.run(system.name, system.extract, html, entry.url)
        tally = tallies[system.name]
        tally.pages += 1
        if error is not None:
            row[f"{system.name}_failure"] = tally.failures.add(error)
            text = None
        if text is not None and not text.strip():
            text = None
        if text is None:
            tally.no_text += 1
        counts = score_page(text, with_, without)
        tally.counts.add(counts)
        tally.raw.add(score_page(text, with_, without, folded=False))
        row[system.name] = counts.as_list()
    return row


def _system_report(system: System, tally: _Tally, seconds: float) -> dict[str, Any]:
    return {
        "description": system.description,
        **tally.counts.scores(),
        "pages": tally.pages,
        "no_text": tally.no_text,
        **tally.failures.report(),
        "seconds": round(seconds, 2),
        "raw_match": tally.raw.scores(),
    }


def format_report(report: dict[str, Any], *, worst: int = 10) -> str:
    """Plain-text tables: one row per system, then the pages where sitrep trails most."""
    lines = [
        f"extraction: {report['pages']} pages from {report['data']}",
        f"matching: {report['matching']}",
    ]
    if report["missing_files"]:
        lines.append(f"missing html files (not scored): {len(report['missing_files'])}")
    lines.append("")
    rows = [("system", "P", "R", "F1", "acc", "TP", "FN", "FP", "TN", "no text", "fail", "s")]
    for name, s in report["systems"].items():
        rows.append((
            name, pct(s["precision"]), pct(s["recall"]), pct(s["f1"]), pct(s["accuracy"]),
            str(s["tp"]), str(s["fn"]), str(s["fp"]), str(s["tn"]),
            str(s["no_text"]), str(s["failures"]), f"{s['seconds']:.1f}",
        ))  # fmt: skip
    lines.extend(table(rows))
    raw_rows = [("raw substring", "P", "R", "F1")]
    for name, s in report["systems"].items():
        r = s["raw_match"]
        raw_rows.append((name, pct(r["precision"]), pct(r["recall"]), pct(r["f1"])))
    lines.append("")
    lines.extend(table(raw_rows))
    for name, s in report["systems"].items():
        if s["failure_kinds"]:
            lines.append("")
            lines.append(f"{name} failures:")
            lines.extend(f"  {n:5d}  {kind}" for kind, n in s["failure_kinds"].items())
    baseline, trailing = sitrep_trails(report)
    if trailing:
        lines.append("")
        lines.append(f"pages where sitrep trails {baseline} most ([TP, FN, FP, TN]):")
        for loss, page in trailing[:worst]:
            lines.append(
                f"  -{loss}  {page['file']}  sitrep {page['sitrep']}  {baseline} {page[baseline]}"
            )
    return "\n".join(lines)


def sitrep_trails(report: dict[str, Any]) -> tuple[str | None, list[tuple[int, dict[str, Any]]]]:
    """The like-for-like baseline, and (loss, page) where sitrep misses or leaks more segments
    than it does, worst first. Each segment more missed or more leaked costs one point."""
    names = [n for n in report["systems"] if n != "sitrep"]
    if "sitrep" not in report["systems"] or not names:
        return None, []
    baseline = "trafilatura_eval" if "trafilatura_eval" in names else names[0]
    rows = []
    for page in report["per_page"]:
        ours, theirs = page["sitrep"], page[baseline]
        loss = (ours[1] - theirs[1]) + (ours[2] - theirs[2])
        if loss > 0:
            rows.append((loss, page))
    rows.sort(key=lambda r: -r[0])
    return baseline, rows
