"""Near-duplicates, derived-from and origins, scored on a labelled set built from the sample
corpus and reposts of it made by program.

``--data`` is a gold file (default: the checkout's ``samples-src/dupes_gold.tsv``) naming a
folder of documents and, for the documents written by hand, which copies which (``copy``)
and which tell one happening independently (``story``).

How the labelled set is built (deterministic: fixed seed, one random stream per original
seeded by its name, so adding a document changes no other family):

1. The folder is ingested for real (readers, cleaning, metadata) into a temporary database.
   Each document that copies no other is an **original** and heads a **family**; a ``copy``
   row puts a hand-written repost in its source's family.
2. Every original gets one member per mutation kind (``mutations.KINDS``): boilerplate lines
   added and quotes restyled; 20% or 40% of sentences dropped; paragraphs reordered; 5%,
   10% or 15% of words replaced by words of the corpus; all of these mixed. Each is
   published 0-3 days after its original (a fifth on the same day; undated originals give
   undated members) by a site of its own. Originals with a site also get a
   ``credited-rewrite`` (a third of the sentences dropped, one word in five changed, a
   "Sources:" block crediting the original's outlet): derived from the original, but too
   rewritten to call a near-duplicate, so its pairs are left out of the near-duplicate
   labels.
3. Every fifth original that has a site, no hand-written copy and no story is **withheld**
   (not stored): its family is a repost crediting its outlet in a Sources block and an
   uncredited copy of that repost a day later. Both must get the origin ``outlet:<site>``.
4. Labels by construction: two documents of one family are near-duplicates; documents of
   different families are not; pairs of the families of one ``story`` (the three outlets'
   Boulkessi reports) are the hard negatives.

Scores:

* near-duplicate precision, recall and F1 over all labelled pairs, recall per mutation kind
  (an original with that member; ``member-member`` for two members), and
  ``hard_negative_accuracy`` (share of hard-negative pairs not called near-duplicates);
* ``derived``: precision (derived-from links within a family) and recall (members with a
  derived-from link into their family, withheld families aside);
* ``origins``: ``accuracy`` of every stored document's origin (an original: itself; a member
  or copy: its family's original; a withheld family: the original's outlet); ``same_origin``
  precision and recall over document pairs (sharing an origin vs being of one family: what
  counting independent sources as distinct origins needs), ``families_with_one_origin``.

Systems, over the same documents and shingles in the same run: ``sitrep`` (band candidates
at Jaccard 0.3, exact Jaccard ≥ 0.5 or containment ≥ 0.8); ``datasketch_lsh`` (a plain
datasketch MinHashLSH at threshold 0.5 over the same signatures: every candidate it returns is
called a near-duplicate); ``jaccard`` (exact Jaccard ≥ 0.5 over all pairs, no containment).
"""

from __future__ import annotations

import hashlib
import itertools
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from ..errors import EvaluationError
from ..ingest.batch import ingest_paths
from ..ingest.process import fingerprint as text_fingerprint
from ..link.minhash import NUM_PERM, SEED, fingerprint
from ..link.near_duplicates import NEAR_DUPLICATE_JACCARD
from ..link.stage import run_links
from ..records import CitedSource, Document, PublishedDate, RawDocument, Span
from ..settings import load_settings
from ..store import Store, open_store
from .mutations import KINDS, abridge, edit, restyle, rewrite, vocabulary
from .scoring import pct, ratio, table

TASK = "dupes"
DEFAULT_DATA = Path(__file__).resolve().parents[3] / "samples-src" / "dupes_gold.tsv"
# The seed of every random choice (mixed with each original's name).
EVAL_SEED = 7
# Days after its original a member is published: one in five the same day.
DAY_OFFSETS = (0, 1, 1, 2, 3)
# Every WITHHELD_EVERY-th eligible original (by name) is not stored (step 3).
WITHHELD_EVERY = 5
# What the plain datasketch baseline is tuned for (the near-duplicate Jaccard threshold).
BASELINE_THRESHOLD = NEAR_DUPLICATE_JACCARD


@dataclass(frozen=True)
class Gold:
    folder: Path
    copies: dict[str, str]  # document → the document it copies
    stories: dict[str, str]  # document → happening


def load_gold(path: Path) -> Gold:
    path = path / "dupes_gold.tsv" if path.is_dir() else path
    if not path.is_file():
        raise EvaluationError(f"{path}: no dupes gold file (see sitrep.evaluate.dupes)")
    folder, copies, stories = None, {}, {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = line.split("\t#")[0].split(" #")[0].rstrip() if not line.startswith("#") else ""
        if not body.strip():
            continue
        fields = [f.strip() for f in body.split("\t")]
        if fields[0] == "documents" and len(fields) == 2:
            folder = (path.parent / fields[1]).resolve()
        elif fields[0] in ("copy", "story") and len(fields) == 3:
            (copies if fields[0] == "copy" else stories)[fields[1]] = fields[2]
        else:
            raise EvaluationError(f"{path}:{n}: expected documents/copy/story row: {line!r}")
    if folder is None or not folder.is_dir():
        raise EvaluationError(f"{path}: no 'documents' row naming an existing folder")
    return Gold(folder, copies, stories)


@dataclass
class EvalDoc:
    id: str
    name: str
    family: str
    kind: str  # original | real-copy | a mutation kind | credited-rewrite | credited-repost …
    expected_origin: str
    story: str | None = None  # the happening its family's original tells (gold ``story``)


def run(data: Path | None = None, *, limit: int | None = None,
        progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    gold = load_gold(Path(data) if data else DEFAULT_DATA)
    step = progress or (lambda done, total: None)
    with tempfile.TemporaryDirectory(prefix="sitrep-eval-dupes-") as tmp:
        settings = load_settings(db_path=Path(tmp) / "corpus.db")
        with open_store(settings.db_path) as corpus:
            ingest_paths([str(gold.folder)], corpus, settings)
            step(1, 4)
            with open_store(Path(tmp) / "eval.db") as store:
                docs = _build(corpus, store, gold, limit)
                step(2, 4)
                start = time.perf_counter()
                summary = run_links(store, workers=1)
                seconds = time.perf_counter() - start
                step(3, 4)
                report = _score(store, docs, summary.seconds, seconds)
                step(4, 4)
    report["data"] = str(data or DEFAULT_DATA)
    return report


def _name(doc: Document, folder: Path) -> str:
    try:
        rel = Path(doc.source_path).resolve().relative_to(folder).as_posix()
    except ValueError:
        rel = Path(doc.source_path).name
    return rel + (f"#{doc.record}" if doc.record is not None else "")


def _synthetic(name: str, text: str, site: str | None, day: date | None,
               credit: str | None = None) -> tuple[Document, RawDocument]:
    if credit:
        text = f"{text}\n\nSources:\n{credit}"
    raw = f"{name}\n{text}".encode()
    cited = (CitedSource(credit, credit, "sources-block", False,
                         Span(len(text) - len(credit), len(text), credit)),) if credit else ()
    doc = Document(
        id=hashlib.sha256(raw).hexdigest(), source=f"synthetic/{name}",
        source_path=f"synthetic/{name}", record=None, container="file", media="text",
        url=None, site=site, title=None, byline=None,
        published=PublishedDate(day.isoformat(), "day", "html-meta") if day else None,
        language="en", language_score=None, text=text, cited_sources=cited,
        fingerprint=text_fingerprint(text), hints={},
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"))
    return doc, RawDocument(raw, "text", raw, doc.source_path)


def _build(corpus: Store, store: Store, gold: Gold, limit: int | None) -> list[EvalDoc]:
    """Store the real documents (withheld originals aside) and the members; the labels."""
    real = {_name(d, gold.folder): d for d in corpus.documents(order="ingested")}
    for name in (*gold.copies, *gold.copies.values(), *gold.stories):
        if name not in real:
            raise EvaluationError(f"gold names {name!r}, which {gold.folder} does not hold")

    def root(name: str) -> str:
        while name in gold.copies:
            name = gold.copies[name]
        return name

    originals = sorted(n for n in real if n not in gold.copies)[:limit]
    copied = {root(c) for c in gold.copies}
    eligible = [n for n in originals
                if real[n].site and n not in copied and n not in gold.stories]
    withheld = set(eligible[WITHHELD_EVERY // 2::WITHHELD_EVERY])
    vocab = vocabulary([d.text for d in real.values()])
    docs: list[EvalDoc] = []
    pending: list[tuple[Document, RawDocument, EvalDoc]] = []
    for name in sorted(real, key=lambda n: real[n].ingested_at or ""):
        fam = root(name)
        if fam not in originals or name in withheld:
            continue
        d = real[name]
        raw = RawDocument(corpus.raw(d.id), d.media, b"", d.source_path, d.record, d.container)
        pending.append((d, raw, EvalDoc(d.id, name, fam, "original" if fam == name
                                        else "real-copy", real[fam].id)))
    for fam in originals:
        orig = real[fam]
        rng = random.Random(f"{EVAL_SEED}:{fam}")
        day = date.fromisoformat(orig.published.value[:10]) if orig.published else None

        def later(n: int, day: date | None = day) -> date | None:
            return day + timedelta(days=n) if day else None
        site = orig.site
        if fam in withheld:
            body = restyle(abridge(orig.text, 0.2, rng), rng)
            copy = edit(body, 0.05, rng, vocab)
            for kind, text, offset, credit in (("credited-repost", body, 1, site),
                                               ("uncredited-copy", copy, 2, None)):
                d, raw = _synthetic(f"{fam}/{kind}", text, f"{kind} of {fam}", later(offset),
                                    credit)
                pending.append((d, raw, EvalDoc(d.id, d.source, fam, kind, f"outlet:{site}")))
            continue
        for kind, mutate in KINDS.items():
            text = mutate(orig.text, rng, vocab)
            d, raw = _synthetic(f"{fam}/{kind}", text, f"{kind} of {fam}",
                                later(rng.choice(DAY_OFFSETS)))
            pending.append((d, raw, EvalDoc(d.id, d.source, fam, kind, orig.id)))
        if site:
            d, raw = _synthetic(f"{fam}/credited-rewrite", rewrite(orig.text, rng, vocab),
                                f"credited-rewrite of {fam}", later(rng.choice(DAY_OFFSETS)),
                                site)
            pending.append((d, raw, EvalDoc(d.id, d.source, fam, "credited-rewrite", orig.id)))
    with store.transaction():
        for d, raw, e in pending:
            store.add_document(d, raw, None)
            docs.append(e)
    for e in docs:
        e.story = gold.stories.get(e.family)
    docs.sort(key=lambda e: e.name)
    return docs


def _labels(docs: list[EvalDoc]) -> dict[tuple[str, str], tuple[bool, bool, str]]:
    """(id, id) → (near-duplicate?, hard negative?, category) for every labelled pair."""
    out = {}
    for a, b in itertools.combinations(docs, 2):
        key = (min(a.id, b.id), max(a.id, b.id))
        if a.family == b.family:
            if "credited-rewrite" in (a.kind, b.kind):
                continue
            kinds = {a.kind, b.kind} - {"original"}
            category = kinds.pop() if len(kinds) == 1 else "member-member"
            out[key] = (True, False, category)
        else:
            out[key] = (False, bool(a.story and a.story == b.story), "negative")
    return out


def _metrics(predicted: set[tuple[str, str]], labels: dict[tuple[str, str],
                                                           tuple[bool, bool, str]]
             ) -> dict[str, Any]:
    tp = sum(1 for k, (pos, _, _) in labels.items() if pos and k in predicted)
    fp = sum(1 for k, (pos, _, _) in labels.items() if not pos and k in predicted)
    fn = sum(1 for k, (pos, _, _) in labels.items() if pos and k not in predicted)
    p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
    hard = [k for k, (_, h, _) in labels.items() if h]
    by_kind: dict[str, list[int]] = {}
    for k, (pos, _, cat) in labels.items():
        if pos:
            by_kind.setdefault(cat, [0, 0])[0] += k in predicted
            by_kind[cat][1] += 1
    return {"precision": p, "recall": r,
            "f1": round(2 * p * r / (p + r), 4) if p and r else 0.0,
            "tp": tp, "fp": fp, "fn": fn,
            "hard_negative_accuracy": ratio(sum(1 for k in hard if k not in predicted),
                                            len(hard)),
            "recall_by_kind": {c: ratio(n, t) for c, (n, t) in sorted(by_kind.items())}}


def _score(store: Store, docs: list[EvalDoc], phases: dict[str, float],
           seconds: float) -> dict[str, Any]:
    labels = _labels(docs)
    ids = {e.id for e in docs}
    rows = store.conn.execute("SELECT document_id, other_id, kind FROM document_links")
    links: dict[str, set[tuple[str, str]]] = {"near-duplicate": set(), "derived-from": set()}
    for a, b, kind in rows:
        links[kind].add((min(a, b), max(a, b)))
    systems = {"sitrep": {**_metrics(links["near-duplicate"], labels),
                          "seconds": round(seconds, 3), "phases": phases}}
    sigs = {r[0]: np.frombuffer(r[1], dtype=np.uint32) for r in store.conn.execute(
        "SELECT document_id, signature FROM link_documents WHERE signature IS NOT NULL")}
    start = time.perf_counter()
    systems["datasketch_lsh"] = {**_metrics(datasketch_pairs(sigs, BASELINE_THRESHOLD),
                                            labels)}
    systems["datasketch_lsh"]["seconds"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    texts = dict(store.conn.execute("SELECT id, text FROM documents"))
    shingles = {i: set(fingerprint(texts[i]).shingles.tolist()) for i in ids}
    exact = {(a, b) for (a, b) in labels
             if len(shingles[a] & shingles[b]) / max(1, len(shingles[a] | shingles[b]))
             >= NEAR_DUPLICATE_JACCARD}
    systems["jaccard"] = {**_metrics(exact, labels),
                          "seconds": round(time.perf_counter() - start, 3)}
    family = {e.id: e.family for e in docs}
    within = sum(1 for a, b in links["derived-from"] if family[a] == family[b])
    members = [e for e in docs if e.kind not in ("original",)
               and not e.expected_origin.startswith("outlet:")]
    linked = {x for pair in links["derived-from"] for x in pair
              if family[pair[0]] == family[pair[1]]}
    origins = dict(store.conn.execute("SELECT document_id, origin FROM document_origins"))
    same = {k for k in itertools.combinations(sorted(ids), 2)
            if origins.get(k[0]) == origins.get(k[1])}
    gold_same = {k for k in itertools.combinations(sorted(ids), 2)
                 if family[k[0]] == family[k[1]]}
    per_family: dict[str, set[str | None]] = {}
    for e in docs:
        per_family.setdefault(e.family, set()).add(origins.get(e.id))
    right = Counter(e.kind for e in docs if origins.get(e.id) == e.expected_origin)
    total = Counter(e.kind for e in docs)
    wrong = [{"document": e.name, "expected": _short(e.expected_origin, docs),
              "got": _short(origins.get(e.id) or "", docs)}
             for e in docs if origins.get(e.id) != e.expected_origin]
    return {
        "seed": EVAL_SEED,
        "documents": len(docs), "families": len({e.family for e in docs}),
        "originals": total["original"], "members": len(docs) - total["original"],
        "pairs": {"positive": sum(1 for v in labels.values() if v[0]),
                  "negative": sum(1 for v in labels.values() if not v[0]),
                  "hard_negative": sum(1 for v in labels.values() if v[1])},
        "systems": systems,
        "derived": {"links": len(links["derived-from"]),
                    "precision": ratio(within, len(links["derived-from"])),
                    "recall": ratio(sum(1 for e in members if e.id in linked), len(members))},
        "origins": {"accuracy": ratio(sum(right.values()), len(docs)),
                    "same_origin": {"precision": ratio(len(same & gold_same), len(same)),
                                    "recall": ratio(len(same & gold_same), len(gold_same))},
                    "families_with_one_origin": ratio(
                        sum(1 for o in per_family.values() if len(o) == 1), len(per_family)),
                    "by_kind": {k: ratio(right[k], n) for k, n in sorted(total.items())},
                    "errors": wrong[:20]},
    }


def _short(origin: str, docs: list[EvalDoc]) -> str:
    names = {e.id: e.name for e in docs}
    return names.get(origin, origin[:12] if not origin.startswith("outlet:") else origin)


def datasketch_pairs(signatures: dict[Any, np.ndarray], threshold: float
                     ) -> set[tuple[Any, Any]]:
    """Plain datasketch: a MinHashLSH at ``threshold`` built over the signatures, queried
    with each; every pair it returns (low key, high key)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes = {k: LeanMinHash(seed=SEED, hashvalues=v, scheme="affine32")
              for k, v in signatures.items()}
    with lsh.insertion_session() as session:
        for k, m in hashes.items():
            session.insert(k, m, check_duplication=False)
    pairs = set()
    for k, m in hashes.items():
        for other in lsh.query(m):
            if other != k:
                pairs.add((min(k, other), max(k, other)))
    return pairs


def format_report(report: dict[str, Any]) -> str:
    p = report["pairs"]
    lines = [f"{report['documents']} documents in {report['families']} families "
             f"({report['originals']} originals stored, {report['members']} reposts); "
             f"{p['positive']} near-duplicate pairs, {p['negative']} other pairs "
             f"({p['hard_negative']} hard negatives); seed {report['seed']}", ""]
    rows = [["system", "precision", "recall", "F1", "hard neg ok", "seconds"]]
    for name, s in report["systems"].items():
        rows.append([name, pct(s["precision"]), pct(s["recall"]), pct(s["f1"]),
                     pct(s["hard_negative_accuracy"]), f"{s['seconds']:.2f}"])
    lines += [*table(rows), "", "recall by kind of repost:"]
    kinds = report["systems"]["sitrep"]["recall_by_kind"]
    rows = [["kind", *report["systems"]]]
    for kind in kinds:
        rows.append([kind, *(pct(s["recall_by_kind"].get(kind))
                             for s in report["systems"].values())])
    lines += table(rows)
    d, o = report["derived"], report["origins"]
    lines += ["", f"derived-from: {d['links']} links, precision {pct(d['precision'])}, "
                  f"recall {pct(d['recall'])}",
              f"origins: the expected document {pct(o['accuracy'])}; two documents share an "
              f"origin iff one family: precision {pct(o['same_origin']['precision'])}, "
              f"recall {pct(o['same_origin']['recall'])}; families with one origin "
              f"{pct(o['families_with_one_origin'])}",
              "  expected origin by kind: "
              + ", ".join(f"{k} {pct(v)}" for k, v in o["by_kind"].items())]
    lines += [f"  wrong origin: {e['document']} → {e['got']} (expected {e['expected']})"
              for e in o["errors"]]
    return "\n".join(lines)
