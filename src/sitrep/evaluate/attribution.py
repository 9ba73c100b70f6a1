"""Attribution (who said what), scored on PolNeAR (Newell, Margolin & Ruths, LREC 2018).

The data is PolNeAR repackaged as JSON lines (``<split>.jsonl.gz``; see its README): each
line is one annotator's file for one article, ``{"article", "annotator", "text", "ann"}``,
where ``ann`` is BRAT standoff: ``T`` lines are Source, Cue and Content spans (character
ranges into ``text``, ``;`` between the parts of a discontinuous span) and ``E`` lines tie one
attribution's parts together. An article annotated by several annotators is scored once per
annotation file, as PolNeAR ships them. ``--data`` names such a file (gzip or not) or a
folder holding ``dev.jsonl.gz``.

Metrics, as PARC 3.0 and PolNeAR report attribution extraction (Pareti 2016; Newell et al.
2018), over all files together:

* per part (source, cue, content): P / R / F1 of system spans against gold spans, *exact*
  (the same characters, once whitespace and edge punctuation — quote marks, commas, periods —
  are trimmed from both) and *overlap* (sharing at least one non-space character). Matching
  is one-to-one: each gold and each system span is used once, largest overlap first;
* *triple*: an attribution is found when its cue, content and source all match those of one
  gold attribution (exact, or overlap), a missing source matching a missing source. Triple F1
  (overlap) is the headline number.

PolNeAR annotates each token in at most one attribution, so nested attributions (a cue inside
another attribution's content) are left out of the system's output before scoring.

Systems, over the same files in the same run, on the same spaCy parse:

* ``sitrep``       the claims annotator's speech finder (``sitrep.nlp.speech``): cue words
                   from a commented table, content from complement clauses, objects, quotes
                   and "according to", source from the parse (``sitrep.nlp.attribution``);
* ``say_baseline`` every form of "say": its subject is the source, its complement clause the
                   content — the bare parse with one cue word.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..errors import EvaluationError
from ..nlp.model import load_model
from ..settings import load_settings
from .datasets import Progress, first
from .scoring import Clock, failure_kind, pct, ratio, table

TASK = "attribution"
DEFAULT_FILE = "dev.jsonl.gz"
PARTS = ("source", "cue", "content")
# Trimmed from both ends of every span before comparing (annotators differ on them).
EDGE = " \t\n\"'“”‘’«».,;:—–-()"
Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Attr:
    """One attribution: each part a tuple of character ranges (empty: absent)."""

    source: Ranges
    cue: Ranges
    content: Ranges

    def part(self, name: str) -> Ranges:
        return getattr(self, name)


@dataclass(frozen=True)
class Item:
    article: str
    annotator: str
    text: str
    gold: tuple[Attr, ...]


def read_items(data: Path) -> list[Item]:
    path = data / DEFAULT_FILE if data.is_dir() else data
    if not path.exists():
        raise EvaluationError(f"attribution data not found: {path} (pass a PolNeAR "
                              f"<split>.jsonl.gz or the folder holding {DEFAULT_FILE})")
    opener = gzip.open if path.suffix == ".gz" else open
    items = []
    try:
        with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                rec = json.loads(line)
                if not isinstance(rec, dict) or "text" not in rec or "ann" not in rec:
                    raise EvaluationError(f"{path}:{n}: not a PolNeAR record (needs text, ann)")
                items.append(Item(str(rec.get("article", n)), str(rec.get("annotator", "")),
                                  rec["text"], tuple(parse_brat(rec["ann"], rec["text"]))))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, EOFError) as err:
        raise EvaluationError(f"cannot read {path}: {err}") from err
    return items


_RANGE = re.compile(r"(?<!\d)(\d+) (\d+)")


def parse_brat(ann: str, text: str) -> list[Attr]:
    """The attributions of a BRAT standoff annotation (T and E lines)."""
    spans: dict[str, tuple[str, Ranges]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            kind, _, rest = fields[1].partition(" ")
            ranges = tuple((int(a), int(b)) for a, b in _RANGE.findall(rest))
            spans[fields[0]] = (kind, ranges)
        elif line.startswith("E") and len(fields) >= 2:
            args = dict(arg.split(":", 1) for arg in fields[1].split() if ":" in arg)
            events.append({re.sub(r"(?<!\d)\d+$", "", k): v for k, v in args.items()})
    out = []
    for args in events:
        def ranges(role: str, args: dict[str, str] = args) -> Ranges:
            ref = args.get(role)
            return spans[ref][1] if ref in spans else ()
        out.append(Attr(ranges("Source"), ranges("Cue"), ranges("Content")))
    return out


# -- matching -------------------------------------------------------------------------------------
def _trim(ranges: Ranges, text: str) -> Ranges:
    out = []
    for a, b in ranges:
        while a < b and text[a] in EDGE:
            a += 1
        while b > a and text[b - 1] in EDGE:
            b -= 1
        if b > a:
            out.append((a, b))
    return tuple(sorted(out))


def _overlap(x: Ranges, y: Ranges, text: str) -> int:
    n = 0
    for a, b in x:
        for c, d in y:
            lo, hi = max(a, c), min(b, d)
            if hi > lo:
                n += sum(1 for ch in text[lo:hi] if not ch.isspace())
    return n


def _match(gold: list[Ranges], system: list[Ranges], text: str, exact: bool) -> int:
    """One-to-one matches between two lists of spans, largest overlap first."""
    pairs = []
    for i, g in enumerate(gold):
        for j, s in enumerate(system):
            if exact:
                if g and g == s:
                    pairs.append((1, i, j))
            else:
                o = _overlap(g, s, text)
                if o:
                    pairs.append((o, i, j))
    return _assign(pairs)


def _assign(pairs: list[tuple[int, int, int]]) -> int:
    used_g: set[int] = set()
    used_s: set[int] = set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_s:
            used_g.add(i)
            used_s.add(j)
    return len(used_g)


def _triples(gold: list[Attr], system: list[Attr], text: str, exact: bool) -> int:
    def same(g: Ranges, s: Ranges) -> int:
        if not g and not s:
            return 1
        if not g or not s:
            return 0
        return int(g == s) if exact else _overlap(g, s, text)

    pairs = []
    for i, g in enumerate(gold):
        for j, s in enumerate(system):
            scores = [same(g.part(p), s.part(p)) for p in PARTS]
            if all(scores):
                pairs.append((sum(scores), i, j))
    return _assign(pairs)


@dataclass
class Counts:
    gold: int = 0
    system: int = 0
    matched: int = 0

    def prf(self) -> dict[str, float | None]:
        p, r = ratio(self.matched, self.system), ratio(self.matched, self.gold)
        f1 = round(2 * p * r / (p + r), 4) if p and r else (0.0 if p is not None
                                                             and r is not None else None)
        return {"precision": p, "recall": r, "f1": f1, "gold": self.gold,
                "system": self.system, "matched": self.matched}


def score_item(gold: Iterable[Attr], system: Iterable[Attr], text: str,
               counts: dict[str, Counts]) -> None:
    gold = [Attr(*(_trim(a.part(p), text) for p in PARTS)) for a in gold]
    system = [Attr(*(_trim(a.part(p), text) for p in PARTS)) for a in system]
    for mode in ("exact", "overlap"):
        for part in PARTS:
            g = [a.part(part) for a in gold if a.part(part)]
            s = [a.part(part) for a in system if a.part(part)]
            c = counts[f"{part}.{mode}"]
            c.gold += len(g)
            c.system += len(s)
            c.matched += _match(g, s, text, mode == "exact")
        c = counts[f"triple.{mode}"]
        c.gold += len(gold)
        c.system += len(system)
        c.matched += _triples(gold, system, text, mode == "exact")


# -- systems --------------------------------------------------------------------------------------
def sitrep_system(doc: Doc) -> list[Attr]:
    from ..nlp.modality import media
    from ..nlp.speech import find_speech

    found = find_speech(doc, media())
    outer = [s for s in found
             if not any(o is not s and o.start <= s.cue[0] < o.end for o in found)]
    return [Attr((s.source,) if s.source else (), (s.cue,), s.content) for s in outer]


def say_baseline(doc: Doc) -> list[Attr]:
    out = []
    for tok in doc:
        if tok.lemma_.lower() != "say":
            continue
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        comp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if comp is None:
            continue
        content = list(comp.subtree)
        source: Ranges = ()
        if subj is not None:
            st = list(subj.subtree)
            source = ((st[0].idx, st[-1].idx + len(st[-1].text)),)
        out.append(Attr(source, ((tok.idx, tok.idx + len(tok.text)),),
                        ((content[0].idx, content[-1].idx + len(content[-1].text)),)))
    return out


SYSTEMS: dict[str, Callable[[Doc], list[Attr]]] = {"sitrep": sitrep_system,
                                                    "say_baseline": say_baseline}
KEYS = [f"{part}.{mode}" for mode in ("exact", "overlap") for part in (*PARTS, "triple")]


def run(data: Path | str, *, limit: int | None = None,
        progress: Progress | None = None) -> dict[str, Any]:
    items = first(read_items(Path(data)), limit)
    settings = load_settings()
    nlp = load_model(settings.spacy_model)
    clock = Clock()
    counts = {name: {k: Counts() for k in KEYS} for name in SYSTEMS}
    failures: dict[str, dict[str, int]] = {name: {} for name in SYSTEMS}
    start = time.perf_counter()
    docs = nlp.pipe((item.text for item in items), batch_size=16)
    parse_seconds = 0.0
    for done, (item, doc) in enumerate(zip(items, docs, strict=True), start=1):
        for name, system in SYSTEMS.items():
            found, error = clock.run(name, system, doc)
            if error is not None:
                kind = failure_kind(error)
                failures[name][kind] = failures[name].get(kind, 0) + 1
                found = []
            score_item(item.gold, found, item.text, counts[name])
        if progress is not None:
            progress(done, len(items))
    parse_seconds = time.perf_counter() - start - sum(clock.seconds.values())
    systems = {}
    for name in SYSTEMS:
        report: dict[str, Any] = {}
        for key, c in counts[name].items():
            part, mode = key.split(".")
            report.setdefault(part, {})[mode] = c.prf()
        report["seconds"] = round(clock.seconds.get(name, 0.0), 2)
        report["failures"] = failures[name]
        systems[name] = report
    return {"task": TASK, "data": str(data), "files": len(items),
            "articles": len({i.article for i in items}),
            "gold_attributions": sum(len(i.gold) for i in items),
            "parse_seconds": round(parse_seconds, 2), "systems": systems}


def format_report(report: dict[str, Any]) -> str:
    lines = [f"attribution on {report['data']}: {report['files']} annotation files, "
             f"{report['articles']} articles, {report['gold_attributions']} gold attributions",
             ""]
    rows = [["system", "part", "exact P", "R", "F1", "overlap P", "R", "F1"]]
    for name, sys_report in report["systems"].items():
        for part in (*PARTS, "triple"):
            e, o = sys_report[part]["exact"], sys_report[part]["overlap"]
            rows.append([name, part, pct(e["precision"]), pct(e["recall"]), pct(e["f1"]),
                         pct(o["precision"]), pct(o["recall"]), pct(o["f1"])])
    lines += table(rows)
    for name, sys_report in report["systems"].items():
        for kind, n in sys_report["failures"].items():
            lines.append(f"{name}: {n} failed ({kind})")
    return "\n".join(lines)
