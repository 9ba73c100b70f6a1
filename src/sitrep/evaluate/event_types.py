"""Event typing, scored on CASE 2021 Task 2 (fine-grained event classification, Haneczok et
al. 2021): one news snippet, one gold label; ACLED's sub-types under short names plus classes
ACLED has no type for (disasters, crime, diplomacy, attribution).

The data is a TSV file with the header ``id<TAB>EventSnippet<TAB>SubType``; ``--data`` names it
or a folder holding exactly one ``*.tsv``, so any split in the same layout works.

sitrep's answer for a snippet is ``classify_text`` (its highest-ranked trigger), its ACLED
sub-type mapped to the task's label by ``ACLED_TO_CASE`` below; no trigger (sitrep sees no
ACLED event) is scored as ``OTHER``, the label the task gives events outside its types.

Metrics, over all snippets:

* per label: precision, recall, F1 and support (gold count);
* ``acled``: macro-F1 (the unweighted mean of per-label F1) and micro-F1 (from the summed TP,
  FP and FN of those labels) over the ACLED labels present in the gold; a snippet of a
  non-ACLED class counts as a false positive of whatever ACLED label a system gives it;
* ``all``: the same over every gold label (micro-F1 is then accuracy);
* the most frequent confusions (gold → predicted).

Systems, over the same snippets in the same run and the same parse:

* ``sitrep``    triggers typed by their frames and sentence rules (``sitrep.nlp.event_types``);
* ``keywords``  the same lexicon without context: each trigger word's default sub-type, the
                highest-scoring word wins (what the frames and rules add);
* ``majority``  every snippet gets the most frequent ACLED label of the gold.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..errors import EvaluationError
from ..nlp.event_frames import forms
from ..nlp.event_types import Entry, Trigger, classify_text, lexicon, taxonomy
from ..nlp.model import load_model
from ..settings import load_settings
from .datasets import Progress, first, single_file
from .scoring import Clock, failure_kind, pct, ratio, table

TASK = "event-types"
COLUMNS = ("id", "EventSnippet", "SubType")
NO_EVENT = "OTHER"  # what the task calls an event outside its types; sitrep's "no trigger"
# ACLED sub-event type (verbatim) → CASE 2021 Task 2 label.
ACLED_TO_CASE: dict[str, str] = {
    "Armed clash": "ARMED_CLASH",
    "Government regains territory": "GOV_REGAINS_TERIT",
    "Non-state actor overtakes territory": "NON_STATE_ACTOR_OVERTAKES_TER",
    "Chemical weapon": "CHEM_WEAP",
    "Air/drone strike": "AIR_STRIKE",
    "Suicide bomb": "SUIC_BOMB",
    "Shelling/artillery/missile attack": "ART_MISS_ATTACK",
    "Remote explosive/landmine/IED": "REM_EXPLOS",
    "Grenade": "GRENADE",
    "Sexual violence": "SEX_VIOL",
    "Attack": "ATTACK",
    "Abduction/forced disappearance": "ABDUCT_DISSAP",
    "Peaceful protest": "PEACE_PROTEST",
    "Protest with intervention": "PROTEST_WITH_INTER",
    "Excessive force against protesters": "FORCE_AGAINST_PROTEST",
    "Violent demonstration": "VIOL_DEMONSTR",
    "Mob violence": "MOB_VIOL",
    "Agreement": "AGREEMENT",
    "Arrests": "ARREST",
    "Change to group/activity": "CHANGE_TO_GROUP_ACT",
    "Disrupted weapons use": "DISR_WEAP",
    "Headquarters or base established": "HQ_ESTABLISHED",
    "Looting/property destruction": "PROPERTY_DISTRUCT",
    "Non-violent transfer of territory": "NON_VIOL_TERRIT_TRANSFER",
    "Other": "OTHER",
}
ACLED_LABELS = frozenset(ACLED_TO_CASE.values())


@dataclass(frozen=True)
class Snippet:
    id: str
    text: str
    gold: str


def find_data(data: Path) -> Path:
    return single_file(data, "tsv", "snippets .tsv file")


def read_snippets(path: Path) -> tuple[Snippet, ...]:
    """Rows of a ``id<TAB>EventSnippet<TAB>SubType`` file, in file order."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (OSError, UnicodeDecodeError) as err:
        raise EvaluationError(f"cannot read {path}: {err}") from err
    if not rows or tuple(c.strip() for c in rows[0][:3]) != COLUMNS:
        raise EvaluationError(f"{path} is not event-type gold: the header must be "
                              f"{' <TAB> '.join(COLUMNS)}")
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 3 or not row[1].strip() or not row[2].strip():
            raise EvaluationError(f"{path}:{n}: expected id, snippet and label")
        out.append(Snippet(row[0].strip(), row[1].strip(), row[2].strip()))
    if not out:
        raise EvaluationError(f"{path} has no snippets")
    return tuple(out)


# -- systems ---------------------------------------------------------------------------------
def to_label(trigger: Trigger | None) -> str:
    return ACLED_TO_CASE[trigger.sub_event_type] if trigger is not None else NO_EVENT


def sitrep_label(doc: Doc) -> str:
    return to_label(classify_text(doc))


def best_keyword(doc: Doc) -> Entry | None:
    """The best-scoring lexicon entry found in ``doc``, no syntax, no context (the keyword
    baseline of this scorer and of the CAMEO one)."""
    best: Entry | None = None
    index = lexicon()
    for tok in doc:
        for form in forms(tok):
            for entry in index.get(form, ()):
                toks = doc[tok.i:tok.i + len(entry.words)]
                matched = len(toks) == len(entry.words) and all(
                    w in forms(t) for w, t in zip(entry.words, toks, strict=True))
                if matched and (best is None or entry.score > best.score):
                    best = entry
    return best


def keyword_label(doc: Doc) -> str:
    """The default sub-type of the best-scoring lexicon word, no syntax, no context."""
    entry = best_keyword(doc)
    if entry is None:
        return NO_EVENT
    return ACLED_TO_CASE[taxonomy()[entry.key].sub_event_type]


System = Callable[[Doc], str]
SYSTEMS: dict[str, tuple[str, System]] = {
    "sitrep": ("classify_text: lexicon + frames + sentence rules", sitrep_label),
    "keywords": ("the same lexicon, each word's default type, best score wins",
                 keyword_label),
}


# -- scoring ---------------------------------------------------------------------------------
def scores(gold: list[str], predicted: list[str]) -> dict[str, Any]:
    """Per-label P/R/F1/support; macro and micro F1 over the ACLED labels in the gold and
    over all gold labels; confusions (gold → predicted) by count."""
    labels = sorted(set(gold))
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, predicted, strict=True):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    support = Counter(gold)
    per_label, f1 = {}, {}
    for label in labels:
        f1[label] = 2 * tp[label] / (2 * tp[label] + fp[label] + fn[label])
        per_label[label] = {"precision": ratio(tp[label], tp[label] + fp[label]),
                            "recall": ratio(tp[label], tp[label] + fn[label]),
                            "f1": round(f1[label], 4), "support": support[label],
                            "predicted": tp[label] + fp[label]}

    def averaged(subset: list[str]) -> dict[str, Any]:
        t = sum(tp[x] for x in subset)
        f_ = sum(fp[x] for x in subset)
        n = sum(fn[x] for x in subset)
        macro = sum(f1[x] for x in subset) / len(subset) if subset else None
        return {"labels": len(subset), "macro_f1": round(macro, 4) if macro is not None
                else None, "micro_f1": ratio(2 * t, 2 * t + f_ + n)}

    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return {
        "acled": averaged([x for x in labels if x in ACLED_LABELS]),
        "all": averaged(labels),
        "accuracy": ratio(sum(tp.values()), len(gold)),
        "per_label": per_label,
        "confusions": [[g, p, n] for (g, p), n in confusions.most_common()],
    }


def run(data: Path | str, *, limit: int | None = None,
        progress: Progress | None = None) -> dict[str, Any]:
    """Score sitrep and the baselines on the same snippets; a JSON-serializable report."""
    path = find_data(Path(data))
    snippets = read_snippets(path)
    snippets = first(snippets, limit)
    nlp = load_model(load_settings().spacy_model)
    clock = Clock()
    gold = [s.gold for s in snippets]
    majority = Counter(g for g in gold if g in ACLED_LABELS).most_common(1)
    majority_label = majority[0][0] if majority else NO_EVENT
    predicted: dict[str, list[str]] = {name: [] for name in SYSTEMS}
    failures: Counter[str] = Counter()
    rows = []
    for done, snippet in enumerate(snippets, start=1):
        doc, error = clock.run("parse", nlp, snippet.text)
        row = {"id": snippet.id, "gold": snippet.gold}
        for name, (_, system) in SYSTEMS.items():
            label, error = (clock.run(name, system, doc) if doc is not None
                            else (None, error))
            if error is not None or label is None:
                failures[f"{name}: {failure_kind(error) if error else 'no parse'}"] += 1
                label = NO_EVENT
            predicted[name].append(label)
            row[name] = label
        rows.append(row)
        if progress is not None:
            progress(done, len(snippets))
    systems = {name: {"description": SYSTEMS[name][0], **scores(gold, predicted[name]),
                      "seconds": round(clock.seconds.get(name, 0.0), 2)}
               for name in SYSTEMS}
    systems["majority"] = {"description": f"every snippet labelled {majority_label}",
                           **scores(gold, [majority_label] * len(gold)), "seconds": 0.0}
    return {"task": TASK, "data": str(path), "snippets": len(snippets),
            "no_event_label": NO_EVENT, "mapping": ACLED_TO_CASE,
            "parse_seconds": round(clock.seconds.get("parse", 0.0), 2),
            "failures": dict(failures), "systems": systems, "per_snippet": rows}


def format_report(report: dict[str, Any], *, confusions: int = 12) -> str:
    """Plain-text tables: systems compared, sitrep's per-label scores, its top confusions."""
    lines = [f"event types: {report['snippets']} snippets from {report['data']}",
             f"no trigger is scored as {report['no_event_label']}", ""]
    rows = [("system", "ACLED macro-F1", "ACLED micro-F1", "all macro-F1", "accuracy", "s")]
    for name, s in report["systems"].items():
        rows.append((name, pct(s["acled"]["macro_f1"]), pct(s["acled"]["micro_f1"]),
                     pct(s["all"]["macro_f1"]), pct(s["accuracy"]), f"{s['seconds']:.1f}"))
    lines.extend(table(rows))
    if report["failures"]:
        lines += ["", "failures:", *(f"  {n:5d}  {k}" for k, n in report["failures"].items())]
    sitrep = report["systems"].get("sitrep")
    if sitrep is None:
        return "\n".join(lines)
    keywords = report["systems"].get("keywords", {}).get("per_label", {})
    lines += ["", "sitrep per label (ACLED labels first; kw F1 = keywords baseline):"]
    per = sitrep["per_label"]
    order = sorted(per, key=lambda x: (x not in ACLED_LABELS, x))
    label_rows = [("label", "P", "R", "F1", "support", "predicted", "kw F1")]
    for label in order:
        s = per[label]
        label_rows.append((label + ("" if label in ACLED_LABELS else " *"), pct(s["precision"]),
                           pct(s["recall"]), pct(s["f1"]), str(s["support"]),
                           str(s["predicted"]), pct(keywords.get(label, {}).get("f1"))))
    lines.extend(table(label_rows))
    lines.append("* not an ACLED type: sitrep cannot output it")
    lines += ["", "most frequent confusions (gold → sitrep):"]
    lines.extend(f"  {n:4d}  {g} → {p}" for g, p, n in sitrep["confusions"][:confusions])
    return "\n".join(lines)
