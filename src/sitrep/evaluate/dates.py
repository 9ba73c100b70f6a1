"""Publication dates, scored against day-precision gold (htmldate's evaluation data).

A system's answer is right when its YYYY-MM-DD equals the gold date. A month- or year-precision
answer from sitrep ("2014-06") is counted as dated and wrong. Per system:

* accuracy   correct / entries;
* coverage   entries with any date / entries;
* precision  correct / entries with a date;
* failures   entries where the system raised (counted as undated).

Systems, all run over the same pages in the same process, each given the gold URL (the JSON
key) as ``url``:

* ``sitrep``              ``sitrep.ingest.process(...).published`` (its date cascade), with a
                          breakdown by ``found_in``;
* ``htmldate``            bare ``htmldate.find_date(html, url=url)`` (defaults: extensive
                          search on, latest date);
* ``htmldate_original``   ``htmldate.find_date(html, url=url, original_date=True)``.

htmldate's own evaluation (tests/evaluation.py) calls ``find_date`` without a URL; a URL date
helps every system here alike, so these figures can run above htmldate's published ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import htmldate

from ..ingest.process import process
from ..records import RawDocument
from ..settings import Limits
from .datasets import Progress, load_dataset, pages
from .scoring import Clock, Failures, pct, ratio, table

TASK = "dates"
REQUIRED_FIELDS = ("file", "date")
DAY_PRECISIONS = ("day", "datetime")


@dataclass(frozen=True)
class Answer:
    date: str | None  # YYYY-MM-DD, or a coarser ISO value that can never equal the gold
    found_in: str | None = None  # how sitrep found it; None for other systems


def sitrep_date(html: bytes, url: str) -> Answer:
    raw = RawDocument(raw=html, media="html", content=html, source_path=url, url=url)
    published = process(raw, Limits()).published
    if published is None:
        return Answer(None, "none")
    value = published.value[:10] if published.precision in DAY_PRECISIONS else published.value
    return Answer(value, published.found_in)


def htmldate_default(html: bytes, url: str) -> Answer:
    return Answer(htmldate.find_date(html, url=url))


def htmldate_original(html: bytes, url: str) -> Answer:
    return Answer(htmldate.find_date(html, url=url, original_date=True))


@dataclass(frozen=True)
class System:
    name: str
    description: str
    find: Callable[[bytes, str], Answer]


SYSTEMS: tuple[System, ...] = (
    System("sitrep", "sitrep.ingest.process(...).published", sitrep_date),
    System("htmldate", "htmldate.find_date(html, url=url)", htmldate_default),
    System(
        "htmldate_original",
        "htmldate.find_date(html, url=url, original_date=True)",
        htmldate_original,
    ),
)


@dataclass
class _Tally:
    entries: int = 0
    correct: int = 0
    dated: int = 0
    failures: Failures = field(default_factory=Failures)  # counted as undated
    # found_in -> [answered, correct]; "none" for no date, "failure" when the system raised
    by_source: dict[str, list[int]] = field(default_factory=dict)

    def source(self, name: str, correct: bool) -> None:
        seen = self.by_source.setdefault(name, [0, 0])
        seen[0] += 1
        seen[1] += int(correct)


def run(
    data: Path | str,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    systems: tuple[System, ...] = SYSTEMS,
) -> dict[str, Any]:
    """Score every system on the same pages of a dates set; a JSON-serializable report."""
    dataset = load_dataset(data, task=TASK, required=REQUIRED_FIELDS)
    entries = dataset.sample(limit)
    clock = Clock()
    tallies = {s.name: _Tally() for s in systems}
    per_page: list[dict[str, Any]] = []
    missing: list[str] = []
    for entry, html in pages(dataset, entries, progress, missing):
        gold = entry.gold["date"]
        row: dict[str, Any] = {"url": entry.url, "file": entry.file, "gold": gold}
        for system in systems:
            answer, error = clock.run(system.name, system.find, html, entry.url)
            tally = tallies[system.name]
            tally.entries += 1
            if error is not None:
                row[f"{system.name}_failure"] = tally.failures.add(error)
                answer = Answer(None, "failure")
            correct = answer.date is not None and answer.date == gold
            tally.dated += int(answer.date is not None)
            tally.correct += int(correct)
            if answer.found_in is not None:
                tally.source(answer.found_in, correct)
                row[f"{system.name}_found_in"] = answer.found_in
            row[system.name] = answer.date
        per_page.append(row)
    return {
        "task": TASK,
        "data": str(dataset.gold_path),
        "entries": len(entries),
        "pages": len(per_page),
        "missing_files": missing,
        "systems": {
            s.name: _system_report(s, tallies[s.name], clock.seconds.get(s.name, 0.0))
            for s in systems
        },
        "per_page": per_page,
    }


def _system_report(system: System, tally: _Tally, seconds: float) -> dict[str, Any]:
    report: dict[str, Any] = {
        "description": system.description,
        "entries": tally.entries,
        "correct": tally.correct,
        "wrong": tally.dated - tally.correct,
        "undated": tally.entries - tally.dated,
        "accuracy": ratio(tally.correct, tally.entries),
        "coverage": ratio(tally.dated, tally.entries),
        "precision": ratio(tally.correct, tally.dated),
        **tally.failures.report(),
        "seconds": round(seconds, 2),
    }
    if tally.by_source:
        report["by_found_in"] = {
            name: {"entries": n, "correct": c, "precision": ratio(c, n)}
            for name, (n, c) in sorted(tally.by_source.items(), key=lambda kv: -kv[1][0])
        }
    return report


def format_report(report: dict[str, Any], *, worst: int = 10) -> str:
    """Plain-text tables: one row per system, sitrep by source, then sitrep's misses."""
    lines = [f"dates: {report['pages']} pages from {report['data']}"]
    if report["missing_files"]:
        lines.append(f"missing html files (not scored): {len(report['missing_files'])}")
    lines.append("")
    rows = [("system", "acc", "cover", "prec", "right", "wrong", "undated", "fail", "s")]
    for name, s in report["systems"].items():
        rows.append(
            (name, pct(s["accuracy"]), pct(s["coverage"]), pct(s["precision"]),
             str(s["correct"]), str(s["wrong"]), str(s["undated"]), str(s["failures"]),
             f"{s['seconds']:.1f}")
        )  # fmt: skip
    lines.extend(table(rows))
    for name, s in report["systems"].items():
        if "by_found_in" in s:
            lines.append("")
            src_rows = [(f"{name} found_in", "entries", "right", "prec")]
            for source, b in s["by_found_in"].items():
                src_rows.append((source, str(b["entries"]), str(b["correct"]),
                                 pct(b["precision"])))  # fmt: skip
            lines.extend(table(src_rows))
        if s["failure_kinds"]:
            lines.append("")
            lines.append(f"{name} failures:")
            lines.extend(f"  {n:5d}  {kind}" for kind, n in s["failure_kinds"].items())
    misses = sitrep_misses(report)
    if misses and worst > 0:
        others = [n for n in report["systems"] if n != "sitrep"]
        lines.append("")
        lines.append(f"sitrep wrong where {' or '.join(others)} is right (first {worst}):")
        for page in misses[:worst]:
            theirs = "  ".join(f"{n} {page[n]}" for n in others)
            lines.append(
                f"  {page['file']}  gold {page['gold']}  sitrep {page['sitrep']} "
                f"({page.get('sitrep_found_in')})  {theirs}"
            )
    return "\n".join(lines)


def sitrep_misses(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Pages where sitrep's date is not the gold one but another system's is."""
    others = [n for n in report["systems"] if n != "sitrep"]
    if "sitrep" not in report["systems"]:
        return []
    return [
        page
        for page in report["per_page"]
        if page["sitrep"] != page["gold"] and any(page[n] == page["gold"] for n in others)
    ]
