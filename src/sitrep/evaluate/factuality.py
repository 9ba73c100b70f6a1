"""Event factuality, scored as Stanovsky et al. (2017) and Rudinger et al. (2018) score it.

Data: the unified factuality corpora (UW, MEANTIME) in their ``.conll`` layout: one token per
line, ``idx word factuality POS head deprel lemma`` separated by TABs, a blank line between
sentences; ``factuality`` is the gold value in [-3, +3] on annotated event tokens and ``_``
elsewhere. ``--data`` names the folder (searched recursively), a sub-corpus folder or one file,
so any split in that layout works (``test.conll`` too). A file's sub-corpus is the name of the
folder it sits in (``uw``, ``meantime``). The corpora's own parses are not used.

UDS It-Happened (White et al. 2016, Rudinger et al. 2018): an ``it-happened*.tsv`` file (one
row per annotator judgement: Sentence.ID "en-ud-dev.conllu 780", Pred.Token 1-based,
Happened, Confidence 0-4) is read with the UD English treebank file it points into, found next
to it by its split (``*-ud-dev.conllu`` or ``.conllu.gz``); rows whose treebank file is absent
(the train split) are counted, not scored. The sentence text is joined from the treebank's word
forms and ``SpaceAfter=No``; a row whose predicate word does not match ``Pred.Lemma`` (as word
or lemma) is counted as not aligned. Each judgement kept (Keep, Is.Predicate and
Is.Understandable true; Happened true/false) is ±3 × Confidence / 4, averaged over annotators:
a plain linear mapping, not the paper's ridit-normalized scores, so the numbers are not
comparable with the paper's.

For each sentence: the text is rebuilt from the tokens (PTB brackets and quotes written as
characters, no space before punctuation and clitics), keeping each token's characters; the text
is parsed with sitrep's spaCy model; each gold event token is aligned to the spaCy token at its
first character; ``sitrep.nlp.modality.modality_of`` is called on that token.

sitrep's modality maps onto the unified scale as ``sitrep.nlp.modality.FACTUALITY`` says
(MEANTIME's certain / probable / possible levels, +3 / +1.5 / +0.75, as Stanovsky et al.
convert them):

    asserted +3 · reported +2.5 · claimed +2 · threatened/planned +1.5 · hypothetical +0.75
    · denied -1.5 · negated -3; hedged: half of that ("reportedly killed" +1.25).

The scales of the corpora differ where sitrep's labels do not: UW and MEANTIME rate a future
the writer asserts ("will pay") as likely to happen, UDS It-Happened as not having happened;
one mapping serves all three, so read each sub-corpus on its own.

Metrics, over every gold event token (the papers' metrics):

* ``pearson``  Pearson's r between predicted and gold values (None for a constant system);
* ``mae``      mean absolute error;
* 3-way       gold ≥ 1 → happened, ≤ -1 → did not, else uncertain; the prediction is binned
              the same way: ``accuracy`` and ``macro_f1`` (mean F1 of the three classes).

Systems, on the same tokens and the same parse (an event a system fails on is counted under
``failures`` and scored as +3, the writer's default):

* ``sitrep``          ``modality_of(...).factuality``;
* ``all_asserted``    +3 for every event (the majority answer);
* ``spacy_negation``  -3 if the spaCy token has a ``neg`` child, else +3.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..errors import EvaluationError
from ..nlp.modality import FACTUALITY, HEDGE_FACTOR, modality_of
from ..nlp.model import load_model
from ..settings import load_settings
from .datasets import Progress, first
from .scoring import failure_kind, pct, ratio, table

TASK = "factuality"
SUFFIX = ".conll"
UDS_PATTERN = "it-happened*.tsv"
UDS_COLUMNS = ("Sentence.ID", "Pred.Token", "Pred.Lemma", "Happened", "Confidence")
CLASSES = ("happened", "uncertain", "not")
# What a system that fails on an event is scored with: the writer's default, asserted.
FAILED_VALUE = 3.0
# PTB escapes, written back as the characters the model was trained on.
PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
       "``": '"', "''": '"'}
NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "n't", "'s", "'re", "'ve",
                   "'ll", "'d", "'m", "'"}
NO_SPACE_AFTER = {"(", "[", "{", "$"}


@dataclass(frozen=True)
class Sentence:
    file: str  # relative to the data folder
    corpus: str  # the folder the file sits in
    number: int  # 1-based position in its file
    text: str
    offsets: tuple[tuple[int, int], ...]  # characters of each gold token in text
    events: tuple[tuple[int, float], ...]  # (gold token index, gold factuality)


@dataclass(frozen=True)
class System:
    name: str
    description: str
    predict: Callable[[Doc, int], tuple[float, str]]  # (doc, token index) → (value, label)


def sitrep_value(doc: Doc, i: int) -> tuple[float, str]:
    call = modality_of(doc, i, i + 1)
    return call.factuality, call.modality + (" hedged" if call.hedged else "")


def all_asserted(doc: Doc, i: int) -> tuple[float, str]:
    return 3.0, "asserted"


def spacy_negation(doc: Doc, i: int) -> tuple[float, str]:
    negated = any(c.dep_ == "neg" for c in doc[i].children)
    return (-3.0, "negated") if negated else (3.0, "asserted")


SYSTEMS: tuple[System, ...] = (
    System("sitrep", "sitrep.nlp.modality.modality_of(...).factuality", sitrep_value),
    System("all_asserted", "+3 for every event", all_asserted),
    System("spacy_negation", "-3 if the token has a spaCy 'neg' child, else +3", spacy_negation),
)


# -- reading ------------------------------------------------------------------------------------


def find_files(data: Path | str) -> tuple[Path, tuple[Path, ...]]:
    """The folder names are relative to, and the ``.conll`` and It-Happened ``.tsv`` files
    under ``data`` (sorted)."""
    data = Path(data)
    if not data.exists():
        raise EvaluationError(
            f"evaluation data not found: {data} does not exist (pass a folder of {SUFFIX} "
            f"files, searched recursively, or one {SUFFIX} file)")
    if data.is_file():
        return data.parent, (data,)
    files = tuple(sorted(p for pattern in (f"*{SUFFIX}", UDS_PATTERN)
                         for p in data.rglob(pattern) if p.is_file()))
    if not files:
        raise EvaluationError(f"no {SUFFIX} files under {data}")
    return data, files


def read_file(path: Path, name: str, counts: Counter[str]) -> list[Sentence]:
    """Sentences of a ``.conll`` file or an It-Happened ``.tsv`` file."""
    if path.suffix == ".tsv":
        return read_uds(path, name, counts)
    return read_conll(path, name)


def read_conll(path: Path, name: str | None = None) -> list[Sentence]:
    """The sentences of one file that have at least one gold event."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise EvaluationError(f"cannot read {path}: {err}") from err
    sentences: list[Sentence] = []
    rows: list[list[str]] = []
    number = 0
    for lineno, line in enumerate([*lines, ""], start=1):
        if line.strip():
            fields = line.split("\t")
            if len(fields) < 3:
                raise EvaluationError(f"{path}:{lineno}: expected TAB-separated idx, word, "
                                      f"factuality…, got {line[:60]!r}")
            rows.append(fields)
            continue
        if rows:
            number += 1
            sentence = _sentence(rows, path, name or path.name, number, lineno)
            if sentence.events:
                sentences.append(sentence)
            rows = []
    return sentences


def _sentence(rows: list[list[str]], path: Path, name: str, number: int,
              lineno: int) -> Sentence:
    words = [PTB.get(r[1], r[1]) for r in rows]
    text, offsets = detokenize(words)
    events = []
    for i, row in enumerate(rows):
        if row[2] != "_":
            try:
                value = float(row[2])
            except ValueError:
                raise EvaluationError(f"{path}: sentence ending at line {lineno}: factuality "
                                      f"{row[2]!r} is not a number") from None
            events.append((i, value))
    return Sentence(name, path.parent.name, number, text, tuple(offsets), tuple(events))


def read_uds(path: Path, name: str, counts: Counter[str]) -> list[Sentence]:
    """Sentences of an It-Happened file that have a treebank sentence next to it; ``counts``
    gets the judgements and predicates left out, and why."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise EvaluationError(f"cannot read {path}: {err}") from err
    if not rows or any(c not in rows[0] for c in UDS_COLUMNS):
        raise EvaluationError(f"{path} is not an It-Happened file: it needs the columns "
                              f"{', '.join(UDS_COLUMNS)}")
    judgements: dict[tuple[str, int], list[float]] = defaultdict(list)
    lemmas: dict[tuple[str, int], str] = {}
    for row in rows:
        if not all(row.get(c, "true").lower() == "true"
                   for c in ("Keep", "Is.Predicate", "Is.Understandable")) \
                or row["Happened"].lower() not in ("true", "false"):
            counts["uds judgements not kept"] += 1
            continue
        key = (row["Sentence.ID"], int(row["Pred.Token"]))
        sign = 1.0 if row["Happened"].lower() == "true" else -1.0
        judgements[key].append(sign * 3.0 * float(row["Confidence"]) / 4.0)
        lemmas[key] = row["Pred.Lemma"].lower()
    by_sentence: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for (sent_id, token), values in judgements.items():
        by_sentence[sent_id].append((token, sum(values) / len(values)))
    treebanks: dict[str, list[list[tuple[str, str, bool]]] | None] = {}
    sentences = []
    for sent_id in sorted(by_sentence, key=_uds_order):
        file, _, number = sent_id.partition(" ")
        if file not in treebanks:
            treebanks[file] = _treebank(path.parent, file)
        tree = treebanks[file]
        n = int(number) if number.isdigit() else 0
        if tree is None or not 0 < n <= len(tree):
            counts["uds predicates without treebank text"] += len(by_sentence[sent_id])
            continue
        words = tree[n - 1]
        text, offsets = _joined(words)
        events = []
        for token, value in sorted(by_sentence[sent_id]):
            form, lemma, _ = words[token - 1] if 0 < token <= len(words) else ("", "", False)
            if lemmas[(sent_id, token)] not in (form.lower(), lemma.lower()):
                counts["uds predicates not aligned"] += 1
                continue
            events.append((token - 1, round(value, 4)))
        if events:
            sentences.append(Sentence(name, path.parent.name, n, text, tuple(offsets),
                                      tuple(events)))
    return sentences


def _uds_order(sent_id: str) -> tuple[str, int]:
    file, _, number = sent_id.partition(" ")
    return file, int(number) if number.isdigit() else 0


def _treebank(folder: Path, file: str) -> list[list[tuple[str, str, bool]]] | None:
    """Sentences (form, lemma, space after) of the UD file ``file`` ("en-ud-dev.conllu") names,
    found by its split among ``*-ud-<split>.conllu[.gz]`` in ``folder``; None if absent."""
    split = re.search(r"-ud-(\w+)\.conllu", file)
    found = sorted(folder.glob(f"*-ud-{split.group(1)}.conllu*")) if split else []
    if not found:
        return None
    opener = gzip.open if found[0].suffix == ".gz" else open
    sentences: list[list[tuple[str, str, bool]]] = []
    current: list[tuple[str, str, bool]] = []
    with opener(found[0], "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if current:
                    sentences.append(current)
                current = []
            elif not line.startswith("#"):
                cols = line.split("\t")
                if len(cols) >= 10 and cols[0].isdigit():  # skip ranges and empty nodes
                    current.append((cols[1], cols[2], "SpaceAfter=No" not in cols[9]))
    if current:
        sentences.append(current)
    return sentences


def _joined(words: list[tuple[str, str, bool]]) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    length = 0
    for form, _, space in words:
        offsets.append((length, length + len(form)))
        parts.append(form + (" " if space else ""))
        length += len(form) + (1 if space else 0)
    return "".join(parts), offsets


def detokenize(words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text from tokens and each token's (start, end) in it."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    length = 0
    quotes = 0
    for n, word in enumerate(words):
        glue = n == 0 or word in NO_SPACE_BEFORE or words[n - 1] in NO_SPACE_AFTER
        if word == '"':  # opening quotes stick to what follows, closing ones to what precedes
            quotes += 1
            glue = n == 0 or quotes % 2 == 0
        elif n and words[n - 1] == '"' and quotes % 2 == 1:
            glue = True
        if not glue:
            parts.append(" ")
            length += 1
        offsets.append((length, length + len(word)))
        parts.append(word)
        length += len(word)
    return "".join(parts), offsets


def align(doc: Doc, start: int) -> int | None:
    """Index of the spaCy token holding character ``start`` (None if it falls on a space)."""
    tok = doc.char_span(start, start + 1, alignment_mode="expand")
    return None if tok is None or not len(tok) else tok[0].i


# -- scoring --------------------------------------------------------------------------------------


def three_way(value: float) -> str:
    return "happened" if value >= 1 else "not" if value <= -1 else "uncertain"


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return round(sxy / math.sqrt(sxx * syy), 4)


def scores(gold: list[float], predicted: list[float]) -> dict[str, Any]:
    """Pearson r, MAE, and 3-way accuracy and macro-F1 of ``predicted`` against ``gold``."""
    n = len(gold)
    gold_classes = [three_way(v) for v in gold]
    pred_classes = [three_way(v) for v in predicted]
    per_class = {}
    for c in CLASSES:
        tp = sum(1 for g, p in zip(gold_classes, pred_classes, strict=True) if g == p == c)
        gold_n, pred_n = gold_classes.count(c), pred_classes.count(c)
        per_class[c] = {"gold": gold_n, "predicted": pred_n, "correct": tp,
                        "f1": ratio(2 * tp, gold_n + pred_n) or 0.0}
    correct = sum(1 for g, p in zip(gold_classes, pred_classes, strict=True) if g == p)
    mae = sum(abs(g - p) for g, p in zip(gold, predicted, strict=True)) / n if n else None
    return {
        "n": n,
        "pearson": pearson(predicted, gold),
        "mae": None if mae is None else round(mae, 4),
        "accuracy": ratio(correct, n),
        "macro_f1": round(sum(c["f1"] for c in per_class.values()) / len(CLASSES), 4)
        if n else None,
        "classes": per_class,
    }


@dataclass
class _Pairs:
    gold: list[float]
    predicted: dict[str, list[float]]


def run(data: Path | str, *, limit: int | None = None, progress: Progress | None = None,
        systems: tuple[System, ...] = SYSTEMS, worst: int = 40) -> dict[str, Any]:
    """Score every system on the gold event tokens under ``data``; a JSON-serializable report.
    ``limit`` keeps the first N sentences (with events) of the run."""
    root, files = find_files(data)
    sentences: list[Sentence] = []
    skipped: Counter[str] = Counter()
    for path in files:
        sentences += read_file(path, str(path.relative_to(root)) if path != root else path.name,
                               skipped)
    sentences = first(sentences, limit)
    nlp = load_model(load_settings().spacy_model)
    groups: dict[str, _Pairs] = defaultdict(lambda: _Pairs([], defaultdict(list)))
    labels: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    seconds: Counter[str] = Counter()
    failures: dict[str, Counter[str]] = defaultdict(Counter)
    mistakes: list[dict[str, Any]] = []
    unaligned = 0
    started = time.perf_counter()
    pairs = ((s.text, s) for s in sentences)
    for done, (doc, sentence) in enumerate(nlp.pipe(pairs, as_tuples=True, batch_size=64), 1):
        for index, gold in sentence.events:
            i = align(doc, sentence.offsets[index][0])
            if i is None:
                unaligned += 1
                continue
            for key in ("all", f"corpus:{sentence.corpus}", f"file:{sentence.file}"):
                groups[key].gold.append(gold)
            for system in systems:
                clock = time.perf_counter()
                try:
                    value, label = system.predict(doc, i)
                except Exception as err:  # one event never stops an evaluation: it is counted
                    value, label = FAILED_VALUE, "failed"
                    failures[system.name][failure_kind(err)] += 1
                seconds[system.name] += time.perf_counter() - clock
                for key in ("all", f"corpus:{sentence.corpus}", f"file:{sentence.file}"):
                    groups[key].predicted[system.name].append(value)
                if system.name == "sitrep":
                    labels[sentence.corpus][label].append(gold)
                    if abs(value - gold) >= 2:
                        mistakes.append(_mistake(doc, i, sentence, gold, value))
        if progress is not None:
            progress(done, len(sentences))
    total = time.perf_counter() - started
    mistakes.sort(key=lambda m: -m["error"])
    return {
        "task": TASK,
        "data": str(Path(data)),
        "files": [str(p.relative_to(root)) if p != root else p.name for p in files],
        "sentences": len(sentences),
        "events": len(groups["all"].gold),
        "unaligned": unaligned,
        "skipped": dict(skipped),
        "failures": {name: dict(kinds) for name, kinds in failures.items()},
        "mapping": {**FACTUALITY, "hedge_factor": HEDGE_FACTOR},
        "seconds": {"total": round(total, 2),
                    **{name: round(s, 2) for name, s in seconds.items()}},
        "systems": _group_report(groups["all"], systems),
        "corpora": {key.split(":", 1)[1]: {
            "systems": _group_report(g, systems),
            "modalities": {label: {"n": len(v), "mean_gold": round(sum(v) / len(v), 3)}
                           for label, v in sorted(labels[key.split(":", 1)[1]].items(),
                                                  key=lambda kv: -len(kv[1]))},
        } for key, g in sorted(groups.items()) if key.startswith("corpus:")},
        "by_file": {key.split(":", 1)[1]: _group_report(g, systems)
                    for key, g in sorted(groups.items()) if key.startswith("file:")},
        "mistakes": mistakes[:worst],
        "descriptions": {s.name: s.description for s in systems},
    }


def _group_report(pairs: _Pairs, systems: tuple[System, ...]) -> dict[str, Any]:
    return {s.name: scores(pairs.gold, pairs.predicted[s.name]) for s in systems}


def _mistake(doc: Doc, i: int, sentence: Sentence, gold: float, value: float) -> dict[str, Any]:
    call = modality_of(doc, i, i + 1)
    return {"file": sentence.file, "sentence": sentence.number, "token": doc[i].text,
            "gold": gold, "predicted": value, "error": round(abs(value - gold), 3),
            "rule": call.rule, "text": sentence.text}


def format_report(report: dict[str, Any], *, worst: int = 15) -> str:
    """Plain-text tables: every system per sub-corpus, sitrep's modalities against the gold
    mean, and the largest errors."""
    lines = [f"factuality: {report['events']} gold events in {report['sentences']} sentences "
             f"from {report['data']} ({report['unaligned']} not aligned)",
             *[f"skipped: {n} {why}" for why, n in report["skipped"].items()],
             *[f"{name} failed on {n} events: {kind}"
               for name, kinds in report["failures"].items() for kind, n in kinds.items()],
             "mapping: " + ", ".join(f"{k} {v:+g}" if k != "hedge_factor" else f"hedged ×{v:g}"
                                     for k, v in report["mapping"].items()), ""]
    groups = [("all", report["systems"])]
    groups += [(name, c["systems"]) for name, c in report["corpora"].items()]
    groups += [(f"  {_short(name)}", s) for name, s in report["by_file"].items()]
    rows = [("corpus / system", "n", "r", "MAE", "acc", "macro-F1")]
    for name, systems in groups:
        for system, s in systems.items():
            rows.append((f"{name} {system}", str(s["n"]), _num(s["pearson"]), _num(s["mae"]),
                         pct(s["accuracy"]), pct(s["macro_f1"])))
    lines.extend(table(rows))
    for corpus, c in report["corpora"].items():
        lines += ["", f"sitrep modalities on {corpus} (mean gold factuality):"]
        mod_rows = [("modality", "n", "mean gold")]
        mod_rows += [(label, str(m["n"]), f"{m['mean_gold']:+.2f}")
                     for label, m in c["modalities"].items()]
        lines.extend(table(mod_rows))
    if report["mistakes"]:
        lines += ["", "largest sitrep errors (gold / predicted, rule):"]
        for m in report["mistakes"][:worst]:
            lines.append(f"  {m['gold']:+.1f} / {m['predicted']:+.2f}  {m['token']!r} "
                         f"[{m['rule']}]  {m['file']}#{m['sentence']}: {m['text'][:110]}")
    return "\n".join(lines)


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
