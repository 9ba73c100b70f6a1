"""Time expressions, scored as TempEval-3 scores TIMEX3 (UzZaman et al. 2013).

The data is TimeML: ``.tml`` files, each with a document creation time (``<DCT>``) and a
``<TEXT>`` whose ``<TIMEX3>`` tags are the gold. ``--data`` names one file or a folder searched
recursively, so any split in the layout of TempEval-3 (TBAQ-cleaned, TE3-platinum, …) works.
Each file becomes a sitrep Document whose clean text is the TEXT with its tags removed (entities
decoded, offsets kept) and whose publication date is the DCT; its times are found by the same
annotator the pipeline runs.

Metrics, as TempEval-3's scorer (``TE3-evaluation.py``, evaluation-entities) computes them over
all files together (DCTs are not scored):

* strict match   a system expression with exactly the gold extent;
* relaxed match  a system expression that overlaps the gold one (one-to-one: each gold and
                 each system expression is used once, largest overlap first);
* P / R / F1     matches / system expressions, matches / gold expressions, their harmonic mean;
* type, value    over the relaxed matches: accuracy = same attribute / relaxed matches, and
                 attribute F1 = accuracy × relaxed F1 (TempEval-3's "Attribute F1", the figure
                 its ranking used for value).

Systems, over the same files in the same run, on the same spaCy parse:

* ``sitrep``    the ``times`` annotator (``sitrep.nlp.times``), with ranges left as their two
                ends the way TimeML annotates them;
* ``spacy_ner`` the model's DATE and TIME entities as they stand (extent and type only; no
                value), the baseline sitrep's recognition is measured against.
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..errors import EvaluationError
from ..nlp.model import load_model
from ..records import Document, PublishedDate
from ..settings import load_settings
from .datasets import Progress, first
from .scoring import Clock, failure_kind, pct, ratio, table

TASK = "timex"
SUFFIX = ".tml"
KIND_TO_TYPE = {"date": "DATE", "time": "TIME", "duration": "DURATION", "set": "SET"}
NER_TYPES = {"DATE": "DATE", "TIME": "TIME"}

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)((?:\s+[^>]*?)?)\s*(/?)>")
_ATTR = re.compile(r'(?<![A-Za-z_:])([A-Za-z_:]+)\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class Timex:
    """A TIMEX3 extent in the text (gold or system), with its type and value."""

    start: int
    end: int
    text: str
    type: str
    value: str
    rule: str = ""


@dataclass(frozen=True)
class TimeMLFile:
    path: Path
    name: str  # path relative to the data folder
    text: str  # the TEXT element with tags removed
    dct: str | None  # the creation time's value, e.g. 1998-03-04 or 1998-11-20T19:30
    timexes: tuple[Timex, ...]


def read_timeml(path: Path, name: str | None = None) -> TimeMLFile:
    """Text (tags removed, entities decoded) and gold TIMEX3s of one TimeML file."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise EvaluationError(f"cannot read {path}: {err}") from err
    open_at, close_at = raw.find("<TEXT>"), raw.find("</TEXT>")
    if open_at < 0 or close_at < open_at:
        raise EvaluationError(f"{path} is not TimeML: no <TEXT> … </TEXT> element")
    text, timexes = _strip_tags(raw[open_at + len("<TEXT>"):close_at], path)
    return TimeMLFile(path, name or path.name, text, _dct(raw[:open_at] + raw[close_at:]),
                      tuple(timexes))


def _strip_tags(body: str, path: Path) -> tuple[str, list[Timex]]:
    out: list[str] = []
    length = 0
    open_timex: tuple[int, dict[str, str]] | None = None
    timexes: list[Timex] = []
    pos = 0
    for tag in _TAG.finditer(body):
        piece = html.unescape(body[pos:tag.start()])
        out.append(piece)
        length += len(piece)
        pos = tag.end()
        closing, name, attrs, selfclosing = tag.groups()
        if name != "TIMEX3" or selfclosing:
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(attrs)))
        elif open_timex is not None:
            start, attributes = open_timex
            open_timex = None
            if length > start:
                timexes.append(Timex(start, length, "", attributes.get("type", ""),
                                     attributes.get("value", "")))
    out.append(html.unescape(body[pos:]))
    text = "".join(out)
    if open_timex is not None:
        raise EvaluationError(f"{path}: a <TIMEX3> is never closed")
    return text, [Timex(t.start, t.end, text[t.start:t.end], t.type, t.value) for t in timexes]


def _dct(outside_text: str) -> str | None:
    for tag in re.findall(r"<TIMEX3\b[^>]*>", outside_text):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("functionInDocument") == "CREATION_TIME" and attrs.get("value"):
            return attrs["value"]
    return None


def find_files(data: Path | str) -> tuple[Path, tuple[Path, ...]]:
    """The folder names are relative to, and the ``.tml`` files under ``data`` (sorted)."""
    data = Path(data)
    if not data.exists():
        raise EvaluationError(
            f"evaluation data not found: {data} does not exist (pass a folder of TimeML "
            f"{SUFFIX} files, searched recursively, or one {SUFFIX} file)"
        )
    if data.is_file():
        return data.parent, (data,)
    files = tuple(sorted(p for p in data.rglob(f"*{SUFFIX}") if p.is_file()))
    if not files:
        raise EvaluationError(f"no TimeML {SUFFIX} files under {data}")
    return data, files


def document_for(tml: TimeMLFile) -> Document:
    """A minimal sitrep Document: the TEXT as clean text, the DCT as publication date."""
    published = None
    if tml.dct and re.match(r"\d{4}-\d\d-\d\d", tml.dct):
        precision = "datetime" if "T" in tml.dct else "day"
        published = PublishedDate(tml.dct, precision, "container")
    return Document(
        id=tml.name, source=str(tml.path), source_path=str(tml.path), record=None,
        container="file", media="text", url=None, site=None, title=None, byline=None,
        published=published, language="en", language_score=None, text=tml.text,
        cited_sources=(), fingerprint="",
    )


def sitrep_timexes(document: Document, doc: Doc) -> list[Timex]:
    from ..nlp.times import anchor_of, resolve_times

    # TimeML annotates the two ends of a range ("from 1991 to 1997") as two TIMEX3s; sitrep
    # stores one range, so its ends are scored as found apart.
    refs = resolve_times(document.text, doc, anchor_of(document), ranges=False)
    return [
        Timex(r.span.start, r.span.end, r.span.text, KIND_TO_TYPE.get(r.kind, "DATE"),
              r.value or "", r.rule)
        for r in refs
    ]


def spacy_timexes(document: Document, doc: Doc) -> list[Timex]:
    return [Timex(e.start_char, e.end_char, e.text, NER_TYPES[e.label_], "", e.label_)
            for e in doc.ents if e.label_ in NER_TYPES]


@dataclass(frozen=True)
class System:
    name: str
    description: str
    find: Callable[[Document, Doc], list[Timex]]


SYSTEMS: tuple[System, ...] = (
    System("sitrep", "sitrep.nlp.times (the times annotator)", sitrep_timexes),
    System("spacy_ner", "spaCy DATE/TIME entities (extent and type only)", spacy_timexes),
)


@dataclass
class Tally:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    type: int = 0
    value: int = 0
    failures: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    by_rule: dict[str, list[int]] = field(default_factory=dict)  # rule -> [found, matched, value]

    def add(self, other: Tally) -> None:
        for name in ("gold", "system", "strict", "relaxed", "type", "value"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for rule, counts in other.by_rule.items():
            mine = self.by_rule.setdefault(rule, [0, 0, 0])
            for i, n in enumerate(counts):
                mine[i] += n


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[tuple[Timex, Timex], ...]  # (gold, system), relaxed matches
    missed: tuple[Timex, ...]  # gold without a system match
    spurious: tuple[Timex, ...]  # system without a gold match


def align(gold: list[Timex] | tuple[Timex, ...], system: list[Timex]) -> Alignment:
    """One-to-one relaxed alignment: overlapping pairs, largest overlap first."""
    overlaps = sorted(
        ((min(g.end, s.end) - max(g.start, s.start), gi, si)
         for gi, g in enumerate(gold) for si, s in enumerate(system)
         if g.start < s.end and s.start < g.end),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, gi, si in overlaps:
        if gi not in used_g and si not in used_s:
            used_g.add(gi)
            used_s.add(si)
            pairs.append((gold[gi], system[si]))
    pairs.sort(key=lambda p: p[0].start)
    return Alignment(tuple(pairs),
                     tuple(g for i, g in enumerate(gold) if i not in used_g),
                     tuple(s for i, s in enumerate(system) if i not in used_s))


def score_file(gold: tuple[Timex, ...], system: list[Timex]) -> tuple[Tally, Alignment]:
    found = align(gold, system)
    tally = Tally(gold=len(gold), system=len(system), relaxed=len(found.pairs))
    for g, s in found.pairs:
        tally.strict += int(_trimmed(g) == _trimmed(s))
        tally.type += int(g.type == s.type)
        tally.value += int(g.value == s.value)
    matched = {id(s): g for g, s in found.pairs}
    for s in system:
        counts = tally.by_rule.setdefault(s.rule or "-", [0, 0, 0])
        counts[0] += 1
        g = matched.get(id(s))
        counts[1] += int(g is not None)
        counts[2] += int(g is not None and g.value == s.value)
    return tally, found


def _trimmed(t: Timex) -> tuple[int, int]:
    lead = len(t.text) - len(t.text.lstrip())
    trail = len(t.text) - len(t.text.rstrip())
    return t.start + lead, t.end - trail


def scores(t: Tally) -> dict[str, Any]:
    out: dict[str, Any] = {"gold": t.gold, "system": t.system}
    for name, matched in (("strict", t.strict), ("relaxed", t.relaxed)):
        out[f"{name}_matches"] = matched
        out[f"{name}_precision"] = ratio(matched, t.system)
        out[f"{name}_recall"] = ratio(matched, t.gold)
        out[f"{name}_f1"] = ratio(2 * matched, t.system + t.gold)
    relaxed_f1 = 2 * t.relaxed / (t.system + t.gold) if t.system + t.gold else 0.0
    for name, correct in (("type", t.type), ("value", t.value)):
        accuracy = correct / t.relaxed if t.relaxed else 0.0
        out[f"{name}_correct"] = correct
        out[f"{name}_accuracy"] = round(accuracy, 4) if t.relaxed else None
        out[f"{name}_f1"] = round(accuracy * relaxed_f1, 4)
    return out


def run(
    data: Path | str,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    systems: tuple[System, ...] = SYSTEMS,
    examples: int = 40,
) -> dict[str, Any]:
    """Score every system on the TimeML files under ``data``; a JSON-serializable report."""
    root, files = find_files(data)
    files = first(files, limit)
    nlp = load_model(load_settings().spacy_model)
    clock = Clock()
    totals = {s.name: Tally() for s in systems}
    per_file: list[dict[str, Any]] = []
    mistakes: dict[str, Counter[str]] = {"missed": Counter(), "spurious": Counter(),
                                         "wrong_value": Counter()}
    started = time.perf_counter()
    readable: list[TimeMLFile] = []
    unreadable: list[dict[str, str]] = []
    for path in files:  # a broken file is reported and skipped; the others are still scored
        try:
            readable.append(read_timeml(path, str(path.relative_to(root))))
        except EvaluationError as err:
            unreadable.append({"file": str(path.relative_to(root)), "reason": str(err)})
    timeml = ((t.text, t) for t in readable)
    for done, (doc, tml) in enumerate(nlp.pipe(timeml, as_tuples=True, batch_size=16), 1):
        document = document_for(tml)
        row: dict[str, Any] = {"file": tml.name, "dct": tml.dct, "gold": len(tml.timexes)}
        for system in systems:
            found, error = clock.run(system.name, system.find, document, doc)
            tally = totals[system.name]
            if error is not None:
                tally.failures += 1
                tally.kinds[failure_kind(error)] += 1
                found = []
            file_tally, alignment = score_file(tml.timexes, found)
            tally.add(file_tally)
            row[system.name] = [file_tally.system, file_tally.strict, file_tally.relaxed,
                                file_tally.value]
            if system.name == "sitrep":
                _note_mistakes(mistakes, alignment)
        per_file.append(row)
        if progress is not None:
            progress(done, len(readable))
    parse_seconds = time.perf_counter() - started - sum(clock.seconds.values())
    return {
        "task": TASK,
        "data": str(Path(data)),
        "files": len(readable),
        "unreadable": unreadable,
        "per_file_counts": ["system", "strict", "relaxed", "value"],
        "parse_seconds": round(parse_seconds, 2),
        "systems": {
            s.name: {
                "description": s.description,
                **scores(totals[s.name]),
                "failures": totals[s.name].failures,
                "failure_kinds": dict(totals[s.name].kinds.most_common()),
                "seconds": round(clock.seconds.get(s.name, 0.0), 2),
                "by_rule": {r: {"found": c[0], "matched": c[1], "value_correct": c[2]}
                            for r, c in sorted(totals[s.name].by_rule.items(),
                                               key=lambda kv: -kv[1][0])},
            }
            for s in systems
        },
        "mistakes": {k: [[text, n] for text, n in c.most_common(examples)]
                     for k, c in mistakes.items()},
        "per_file": per_file,
    }


def _note_mistakes(mistakes: dict[str, Counter[str]], alignment: Alignment) -> None:
    for g in alignment.missed:
        mistakes["missed"][f"{g.text} [{g.type} {g.value}]"] += 1
    for s in alignment.spurious:
        mistakes["spurious"][f"{s.text} [{s.rule}]"] += 1
    for g, s in alignment.pairs:
        if g.value != s.value:
            mistakes["wrong_value"][f"{g.text} gold {g.value} / {s.text} {s.value or '-'} "
                                    f"[{s.rule}]"] += 1


def format_report(report: dict[str, Any], *, worst: int = 15) -> str:
    """Plain-text tables: detection and attributes per system, sitrep by rule, common misses."""
    lines = [f"timex: {report['files']} TimeML files from {report['data']}",
             f"spaCy parse (shared by the systems): {report['parse_seconds']:.1f} s", ""]
    if report["unreadable"]:
        lines.append(f"unreadable files (not scored): {len(report['unreadable'])}")
        lines.extend(f"  {u['file']}: {u['reason']}" for u in report["unreadable"][:worst])
        lines.append("")
    rows = [("detection", "gold", "found", "strict P", "R", "F1", "relaxed P", "R", "F1")]
    for name, s in report["systems"].items():
        rows.append((
            name, str(s["gold"]), str(s["system"]),
            pct(s["strict_precision"]), pct(s["strict_recall"]), pct(s["strict_f1"]),
            pct(s["relaxed_precision"]), pct(s["relaxed_recall"]), pct(s["relaxed_f1"]),
        ))  # fmt: skip
    lines.extend(table(rows))
    rows = [("attributes", "type acc", "type F1", "value acc", "value F1", "fail", "seconds")]
    for name, s in report["systems"].items():
        rows.append((
            name, pct(s["type_accuracy"]), pct(s["type_f1"]), pct(s["value_accuracy"]),
            pct(s["value_f1"]), str(s["failures"]), f"{s['seconds']:.1f}",
        ))  # fmt: skip
    lines.append("")
    lines.extend(table(rows))
    sitrep = report["systems"].get("sitrep")
    if sitrep and sitrep["by_rule"]:
        lines += ["", "sitrep by rule:"]
        rule_rows = [("rule", "found", "matched", "value ok")]
        for rule, c in sitrep["by_rule"].items():
            rule_rows.append((rule, str(c["found"]), str(c["matched"]), str(c["value_correct"])))
        lines.extend(table(rule_rows))
    for name, s in report["systems"].items():
        if s["failure_kinds"]:
            lines += ["", f"{name} failures:"]
            lines.extend(f"  {n:5d}  {kind}" for kind, n in s["failure_kinds"].items())
    for kind, label in (("missed", "missed (gold, not found)"),
                        ("spurious", "spurious (found, not gold)"),
                        ("wrong_value", "wrong value")):
        items = report["mistakes"].get(kind, [])[:worst]
        if items:
            lines += ["", f"sitrep, most common {label}:"]
            lines.extend(f"  {n:4d}  {text}" for text, n in items)
    return "\n".join(lines)
