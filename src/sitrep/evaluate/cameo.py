"""CAMEO root codes of sitrep's event typing, scored on the PETRARCH2 validation records
(openeventdata/petrarch2 ``PETR.UnitTest.records.xml``): one sentence, zero or more gold CAMEO
codings.

The data is the validation XML: ``<Sentence id=... category=...>`` elements, each with
``<Text>``, a Penn parse (not used: sitrep parses the text itself) and ``<EventCoding
sourcecode=... targetcode=... eventcode="064"/>`` elements, or one ``noevents="True"``, or one
``error="..."``. ``--data`` names the XML file or a folder holding exactly one ``*.xml``.

Gold, per sentence:

* the root of a code is its first two characters (``"064"`` → 06, ``"1717"`` → 17, ``"174K"``
  → 17); a sentence's gold is the *set* of the roots of its codings (a sentence coded once per
  actor pair has several codings, most often of one root);
* ``noevents="True"``, or no ``EventCoding`` at all (a record whose coding is commented out,
  i.e. expected to code nothing), is gold **no event**;
* records with ``error=`` (dateline, unparsable input, discarded story or sentence) test
  PETRARCH's input handling, not event coding: skipped (all of the file's, whatever
  ``--limit``) and counted in ``skipped``;
* codes whose root is not a CAMEO root (01–20) stay gold that no system can match: the
  validation dictionaries (``PETR.Validate.verbs.txt``) use made-up test codes (9xx, 345, 802)
  and old WEIS codes (210 capture, 212 arrest, 222/223 burn down, attack, ambush, bomb). The
  dictionaries attach codes to verbs to test the coder's mechanics, not to follow the CAMEO
  codebook ("postponed their meeting" → 191, "wire tapped" → 1711), so these numbers measure
  agreement with a unit-test dictionary more than with CAMEO; ``gold_roots`` shows the spread.

sitrep → CAMEO (the mapping rules):

* sitrep's answer for a sentence is ``classify_text`` (its highest-ranked trigger, as in the
  event-types scorer), and its CAMEO code is the one sitrep stores on the event: the lexicon
  entry's own code where the entry names one and the sentence kept the entry's sub-type ("gun
  battle" → 193, "peace talks" → 036), else the sub-type's default code
  (resources/acled_types.tsv: Armed clash → 190, Shelling/artillery/missile attack → 194,
  Attack → 182, Arrests → 173, Peaceful protest → 141, Agreement → 057, Non-violent transfer
  of territory → 0874, Headquarters or base established → 15, …; names in
  resources/cameo.tsv). The predicted root is its first two digits;
* no trigger is ``none``; a trigger of ACLED's "Other" strategic development, which has no
  CAMEO counterpart, is ``unmapped``. Both mean "no CAMEO code";
* the **covered** roots are those of the codes in resources/cameo.tsv (03, 05, 08, 14, 15,
  17, 18, 19, 20), the only roots sitrep can give. The others (01 statements, 02 appeals,
  04 consultations, 06–07 cooperation and aid, 09–13, 16 reduced relations) have no ACLED
  event type.

Metrics, per system:

* ``accuracy`` over all scored sentences: right when the predicted root is one of the gold
  roots, or when the gold is no event and the system gives no CAMEO code; ``none`` or
  ``unmapped`` on a sentence with gold codings is wrong, and so is any root on a no-event
  sentence;
* ``covered_accuracy``: the same over the sentences whose gold has a covered root;
* ``covered``: per covered root precision, recall, F1, support (gold sentences) and predicted
  count, sentence by sentence (TP: root predicted and in the gold; FP: predicted, not in the
  gold; FN: in the gold, not predicted), over the covered roots present in the gold or the
  predictions; macro-F1 is their unweighted mean, micro-F1 comes from their summed counts;
* ``confusions``: the most frequent (gold, predicted) pairs of the wrong sentences; a gold of
  several roots is written ``03+05``.

Systems, over the same sentences in the same run and the same parse:

* ``sitrep``    ``classify_text``: lexicon + frames + sentence rules;
* ``keywords``  the best-scoring lexicon word without context: its entry's code, else its
                default sub-type's code (what the frames and rules add);
* ``majority``  every sentence gets the covered root most frequent in the gold.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..errors import EvaluationError
from ..nlp.event_types import Trigger, cameo_names, classify_text, taxonomy
from ..nlp.model import load_model
from ..settings import load_settings
from .datasets import Progress, first, single_file
from .event_types import best_keyword
from .scoring import Clock, failure_kind, pct, ratio, table

TASK = "cameo"
NO_EVENT = "none"  # no trigger, or a no-event gold
UNMAPPED = "unmapped"  # a trigger of an ACLED sub-type with no CAMEO counterpart ("Other")
CAMEO_ROOTS = frozenset(f"{n:02d}" for n in range(1, 21))


@cache
def covered_roots() -> frozenset[str]:
    """The CAMEO roots sitrep can give: those of the codes in resources/cameo.tsv."""
    return frozenset(code[:2] for code in cameo_names())


@dataclass(frozen=True)
class Record:
    id: str
    category: str
    text: str
    codes: tuple[str, ...]  # gold event codes in file order; () for no event

    @property
    def roots(self) -> frozenset[str]:
        return frozenset(code[:2] for code in self.codes)


def find_data(data: Path) -> Path:
    return single_file(data, "xml", "validation records .xml file")


def read_records(path: Path) -> tuple[tuple[Record, ...], dict[str, int]]:
    """The scorable sentences in file order, and the skipped error records by error kind."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise EvaluationError(f"cannot read {path}: {err}") from err
    sentences = list(root.iter("Sentence"))
    if not sentences:
        raise EvaluationError(f"{path} is not PETRARCH validation data: no <Sentence> records")
    records, skipped = [], Counter[str]()
    for n, node in enumerate(sentences, start=1):
        rid = node.get("id") or f"#{n}"
        text = " ".join((node.findtext("Text") or "").split())
        codings = node.findall("EventCoding")
        errors = [c.get("error") for c in codings if c.get("error") is not None]
        if errors:
            skipped[f"error={errors[0]}"] += 1
            continue
        if not text:
            raise EvaluationError(f"{path}: record {rid} has no <Text>")
        codes = tuple(c.get("eventcode", "").strip() for c in codings
                      if (c.get("noevents") or "").strip().lower() != "true")
        if any(len(code) < 2 for code in codes):
            raise EvaluationError(f"{path}: record {rid} has an EventCoding without an "
                                  "eventcode (or noevents=\"True\")")
        records.append(Record(rid, node.get("category") or "", text, codes))
    return tuple(records), dict(skipped)


# -- systems ---------------------------------------------------------------------------------
def to_root(trigger: Trigger | None) -> str:
    if trigger is None:
        return NO_EVENT
    return trigger.cameo or UNMAPPED


def keyword_root(doc: Doc) -> str:
    """The best-scoring lexicon word's code, no syntax, no context."""
    entry = best_keyword(doc)
    if entry is None:
        return NO_EVENT
    code = entry.cameo or taxonomy()[entry.key].cameo
    return code[:2] if code else UNMAPPED


System = Callable[[Doc], str]
SYSTEMS: dict[str, tuple[str, System]] = {
    "sitrep": ("classify_text: lexicon + frames + sentence rules",
               lambda doc: to_root(classify_text(doc))),
    "keywords": ("the same lexicon, the best-scoring word's code, no context", keyword_root),
}


# -- scoring ---------------------------------------------------------------------------------
def correct(gold: frozenset[str], predicted: str) -> bool:
    if not gold:
        return predicted in (NO_EVENT, UNMAPPED)
    return predicted in gold


def gold_label(gold: frozenset[str]) -> str:
    return "+".join(sorted(gold)) if gold else NO_EVENT


def scores(gold: list[frozenset[str]], predicted: list[str]) -> dict[str, Any]:
    """Accuracy (all sentences, covered sentences), per covered root P/R/F1 with macro and
    micro F1, and the confusions of the wrong sentences."""
    covered = covered_roots()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    right = right_covered = n_covered = 0
    confusions: Counter[tuple[str, str]] = Counter()
    for g, p in zip(gold, predicted, strict=True):
        ok = correct(g, p)
        right += ok
        if g & covered:
            n_covered += 1
            right_covered += ok
        if not ok:
            confusions[(gold_label(g), p)] += 1
        for root in g & covered:
            if root == p:
                tp[root] += 1
            else:
                fn[root] += 1
        if p in covered and p not in g:
            fp[p] += 1
    support = Counter(root for g in gold for root in g)
    roots = sorted(r for r in covered if tp[r] or fp[r] or fn[r])
    per_root, f1 = {}, {}
    for r in roots:
        f1[r] = 2 * tp[r] / (2 * tp[r] + fp[r] + fn[r])
        per_root[r] = {"precision": ratio(tp[r], tp[r] + fp[r]),
                       "recall": ratio(tp[r], tp[r] + fn[r]), "f1": round(f1[r], 4),
                       "support": support[r], "predicted": tp[r] + fp[r]}
    t, f_, n = (sum(c[r] for r in roots) for c in (tp, fp, fn))
    macro = sum(f1.values()) / len(f1) if f1 else None
    return {
        "accuracy": ratio(right, len(gold)),
        "covered_accuracy": ratio(right_covered, n_covered),
        "covered": {"roots": len(roots), "macro_f1": round(macro, 4) if macro is not None
                    else None, "micro_f1": ratio(2 * t, 2 * t + f_ + n)},
        "per_root": per_root,
        "predicted": dict(sorted(Counter(predicted).items())),
        "confusions": [[g, p, k] for (g, p), k in confusions.most_common()],
    }


def gold_summary(gold: list[frozenset[str]]) -> dict[str, Any]:
    """How many sentences have each gold root, and how many of them sitrep could get right."""
    covered = covered_roots()
    roots = Counter(root for g in gold for root in g)
    return {
        "roots": {r: {"sentences": n, "covered": r in covered, "cameo": r in CAMEO_ROOTS}
                  for r, n in sorted(roots.items())},
        "no_event": sum(1 for g in gold if not g),
        "covered": sum(1 for g in gold if g & covered),
        "uncovered_only": sum(1 for g in gold if g and not g & covered),
        "not_cameo": sum(1 for g in gold if g and not g & CAMEO_ROOTS),
    }


def run(data: Path | str, *, limit: int | None = None,
        progress: Progress | None = None) -> dict[str, Any]:
    """Score sitrep and the baselines on the same sentences; a JSON-serializable report."""
    path = find_data(Path(data))
    records, skipped = read_records(path)
    records = first(records, limit)
    nlp = load_model(load_settings().spacy_model)
    clock = Clock()
    gold = [r.roots for r in records]
    majority = Counter(root for g in gold for root in g if root in covered_roots())
    # most frequent, then lowest code: the same root whatever the order of the file
    majority_root = min(majority, key=lambda r: (-majority[r], r)) if majority else NO_EVENT
    predicted: dict[str, list[str]] = {name: [] for name in SYSTEMS}
    failures: Counter[str] = Counter()
    rows = []
    for done, record in enumerate(records, start=1):
        doc, error = clock.run("parse", nlp, record.text)
        row: dict[str, Any] = {"id": record.id, "category": record.category,
                               "gold": list(record.codes), "gold_roots": sorted(record.roots)}
        for name, (_, system) in SYSTEMS.items():
            root, error = (clock.run(name, system, doc) if doc is not None
                           else (None, error))
            if error is not None or root is None:
                failures[f"{name}: {failure_kind(error) if error else 'no parse'}"] += 1
                root = NO_EVENT
            predicted[name].append(root)
            row[name] = root
        row["correct"] = correct(record.roots, row["sitrep"])
        rows.append(row)
        if progress is not None:
            progress(done, len(records))
    systems = {name: {"description": SYSTEMS[name][0], **scores(gold, predicted[name]),
                      "seconds": round(clock.seconds.get(name, 0.0), 2)}
               for name in SYSTEMS}
    systems["majority"] = {"description": f"every sentence coded {majority_root}",
                           **scores(gold, [majority_root] * len(gold)), "seconds": 0.0}
    return {"task": TASK, "data": str(path), "sentences": len(records), "skipped": skipped,
            "covered_roots": sorted(covered_roots()), "gold_roots": gold_summary(gold),
            "parse_seconds": round(clock.seconds.get("parse", 0.0), 2),
            "failures": dict(failures), "systems": systems, "per_sentence": rows}


def format_report(report: dict[str, Any], *, confusions: int = 12) -> str:
    """Plain-text tables: systems compared, sitrep's per-root scores, its top confusions."""
    g = report["gold_roots"]
    skipped = ", ".join(f"{n} {k}" for k, n in report["skipped"].items()) or "none"
    lines = [f"CAMEO roots: {report['sentences']} sentences from {report['data']} "
             f"(skipped: {skipped})",
             f"gold: {g['covered']} with a root sitrep covers "
             f"({' '.join(report['covered_roots'])}), {g['uncovered_only']} only other roots "
             f"({g['not_cameo']} of them test or WEIS codes, not CAMEO), "
             f"{g['no_event']} no event", ""]
    rows = [("system", "accuracy", "covered acc", "covered macro-F1", "covered micro-F1", "s")]
    for name, s in report["systems"].items():
        rows.append((name, pct(s["accuracy"]), pct(s["covered_accuracy"]),
                     pct(s["covered"]["macro_f1"]), pct(s["covered"]["micro_f1"]),
                     f"{s['seconds']:.1f}"))
    lines.extend(table(rows))
    if report["failures"]:
        lines += ["", "failures:", *(f"  {n:5d}  {k}" for k, n in report["failures"].items())]
    sitrep = report["systems"].get("sitrep")
    if sitrep is None:
        return "\n".join(lines)
    keywords = report["systems"].get("keywords", {}).get("per_root", {})
    names = cameo_names()
    lines += ["", "sitrep per covered root (kw F1 = keywords baseline):"]
    root_rows = [("root", "P", "R", "F1", "support", "predicted", "kw F1")]
    for root, s in sitrep["per_root"].items():
        root_rows.append((f"{root} {names.get(root, '')}".strip(), pct(s["precision"]),
                          pct(s["recall"]), pct(s["f1"]), str(s["support"]),
                          str(s["predicted"]), pct(keywords.get(root, {}).get("f1"))))
    lines.extend(table(root_rows))
    lines += ["", "most frequent confusions (gold → sitrep):"]
    lines.extend(f"  {n:4d}  {gl} → {p}" for gl, p, n in sitrep["confusions"][:confusions])
    return "\n".join(lines)
