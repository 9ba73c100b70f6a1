"""The link stage: fingerprint new documents, compare them with everything stored, store
near-duplicate and derived-from links, and (re)compute the origins they change.

Incremental: each document is fingerprinted once (its signature, band keys and outlet keys
are stored); a new batch is compared with the stored documents through the band and outlet
indexes in SQLite, never all pairs, and memory holds two batches at a time (one stored while
the next is fingerprinted). A pair is scored once, when its second document arrives, on
what the two documents hold, so running the stage again adds nothing and a batch added later
gives the links a rebuild from scratch gives. Band candidates are read from the documents
before each one only (``near_duplicates.MAX_PER_BAND`` per key, ``MAX_CANDIDATES`` in all),
so however the corpus is cut into batches a document has the same ones; citation candidates
(``derived.MAX_CITE_CANDIDATES`` nearest in time, either side) can differ when an outlet
has more than that many documents in the window. Two equal texts of one day are ordered by
ingestion. Origins are recomputed for the documents of the batch and those of its new
links, then for the documents derived from any whose origin changed. Each batch is committed
atomically with its fingerprints: a killed run resumes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..records import DocumentLink
from ..store import Store
from ..store.links import (
    LinkedDocument,
    PendingDocument,
    band_candidates,
    best_parents,
    count_pending,
    linked_documents,
    origins,
    outlet_facts,
    outlet_neighbours,
    pending_batch,
    reset_links,
    save_bands,
    save_fingerprint,
    save_links,
    save_origins,
    signatures,
    stored_params,
    stored_up_links,
    strongest_children,
    texts,
)
from .derived import (
    CITE_WINDOW_DAYS,
    CITED_MIN_ESTIMATE,
    MAX_CITE_CANDIDATES,
    OriginFacts,
    credits,
    link_strength,
    outlet_lookups,
    outlet_rows,
    pair_links,
    resolve_origins,
    site_keys,
)
from .minhash import Fingerprint, Fingerprinter, params, shingle_hashes
from .near_duplicates import (
    MAX_PER_BAND,
    estimated_containment,
    score,
    select_band_candidates,
    worth_scoring,
)

# Documents fingerprinted and compared per transaction: bounds memory (texts and shingle
# sets of one batch, of the stored documents they are compared with, and the batch's links)
# and the work a kill -9 can lose. bench_scale's 10k corpus, links from scratch: 5000 a batch
# 38.5 s and 789 MB peak, 2000 37.9 s and 477 MB, 1000 43.5 s and 357 MB.
BATCH_SIZE = 2000
# Processes that fingerprint big batches (minhash.POOL_MIN_TEXTS or more) while this one
# stores the previous batch: fingerprinting is half of the stage's CPU time and parallel, the
# SQLite side one writer. One core is left to the writer (on 2 cores, 1 worker beats 2).
DEFAULT_WORKERS = max(1, min(4, (os.cpu_count() or 1) - 1))
# Documents whose origin moved that a run's summary lists by id (it counts them all).
MOVED_LISTED = 1000


@dataclass
class LinkSummary:
    documents: int = 0  # fingerprinted in this run
    too_short: int = 0  # fewer shingles than minhash.MIN_SHINGLES: not compared
    candidates: int = 0  # pairs scored exactly
    near_duplicates: int = 0  # new links of each kind
    derived: int = 0
    origins: int = 0  # origins (re)computed
    # Documents stored before whose origin changed (a new batch held their source): what
    # counts independent sources must look at them again. How many, and the first
    # MOVED_LISTED of them (an archive read newest first moves every copy of a story at
    # every batch: a list of all of them would grow with the corpus).
    origins_moved_count: int = 0
    origins_moved: list[str] = field(default_factory=list)
    reindexed: bool = False  # the stored fingerprints had other parameters
    seconds: dict[str, float] = field(default_factory=dict)  # per phase


class LinkProgress:
    """What the stage reports while it works (the CLI draws a progress bar from it)."""

    def stage_start(self, name: str, total: int) -> None: ...
    def stage_advance(self) -> None: ...


class _Timer:
    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds

    def __call__(self, phase: str, start: float) -> float:
        now = time.perf_counter()
        self.seconds[phase] = round(self.seconds.get(phase, 0.0) + now - start, 4)
        return now


def run_links(store: Store, *, run_id: int | None = None, progress: LinkProgress | None = None,
              workers: int = DEFAULT_WORKERS, batch_size: int = BATCH_SIZE,
              limit: int | None = None) -> LinkSummary:
    """Link every document the stage has not seen yet, in ingestion order (at most
    ``limit`` of them), see the module docstring.

    With ``workers`` ≥ 1, batches of ``minhash.POOL_MIN_TEXTS`` documents or more are
    fingerprinted in spawned processes: a script calling this must guard its entry point
    with ``if __name__ == "__main__":``. ``workers=0`` keeps everything in this process.
    """
    progress = progress or LinkProgress()
    summary = LinkSummary()
    if stored_params(store) != params():
        with store.transaction():
            summary.reindexed = stored_params(store) is not None
            reset_links(store, params())
    pending = count_pending(store)
    left = pending if limit is None else min(limit, pending)
    progress.stage_start("links", left)
    with Fingerprinter(workers) as fingerprinter:

        def fetch(after: int) -> tuple[list[PendingDocument], Callable[[], list[Fingerprint]]]:
            nonlocal left
            batch = pending_batch(store, after, min(batch_size, left)) if left > 0 else []
            left -= len(batch)
            return batch, fingerprinter.start([d.text for d in batch])

        batch, fingerprints = fetch(0)
        while batch:
            # The next batch is fingerprinted (in the workers) while this one is stored.
            upcoming = fetch(batch[-1].rowid)
            t = time.perf_counter()
            fps = fingerprints()
            _Timer(summary.seconds)("fingerprint", t)
            _link_batch(store, batch, fps, run_id, summary)
            for _ in batch:
                progress.stage_advance()
            batch, fingerprints = upcoming
    return summary


def _day(doc: PendingDocument) -> str:
    return (doc.published or doc.ingested_at)[:10]


def _link_batch(store: Store, batch: Sequence[PendingDocument], fps: Sequence[Fingerprint],
                run_id: int | None, summary: LinkSummary) -> None:
    tick = _Timer(summary.seconds)
    t = time.perf_counter()
    with store.transaction():
        ids: dict[int, Fingerprint] = {}
        bands: list[tuple[int, int]] = []
        lookups: list[tuple[int, str, str, str | None]] = []
        for doc, fp in zip(batch, fps, strict=True):
            probe = LinkedDocument(0, doc.id, _day(doc), doc.published,
                                   doc.ingested_at, doc.site, doc.url, doc.cited_sources,
                                   len(fp.shingles), fp.signature)
            link_id = save_fingerprint(store, doc.id, len(fp.shingles), fp.signature,
                                       _day(doc), outlet_rows(probe), run_id)
            ids[link_id] = fp
            bands += [(k, link_id) for k in fp.bands]
            lookups += [(link_id, key, role, probe.day if probe.dated else None)
                        for key, role in outlet_lookups(probe)]
            summary.too_short += not fp.comparable
        save_bands(store, bands)
        summary.documents += len(batch)
        t = tick("index", t)
        band_pairs = select_band_candidates(band_candidates(
            store, {i: fp.bands for i, fp in ids.items() if fp.comparable}, MAX_PER_BAND))
        cite_pairs = {(min(a, b), max(a, b)) for a, key, role, day in lookups
                      for b in outlet_neighbours(store, key, role, day, CITE_WINDOW_DAYS,
                                                 MAX_CITE_CANDIDATES) if b != a}
        t = tick("candidates", t)
        links = _score_pairs(store, ids, band_pairs, cite_pairs, summary)
        t = tick("score", t)
        save_links(store, links, run_id)
        t = tick("save", t)
        summary.near_duplicates += sum(1 for x in links if x.kind == "near-duplicate")
        summary.derived += sum(1 for x in links if x.kind == "derived-from")
        docs = linked_documents(store, ids)
        fresh = {d.document_id for d in docs.values()}
        added: dict[str, list[DocumentLink]] = {}
        for x in links:
            if x.kind == "derived-from":
                added.setdefault(x.document_id, []).append(x)
        found, moved = _update_origins(store, fresh | set(added), fresh, added)
        summary.origins += found
        summary.origins_moved_count += len(moved)
        summary.origins_moved += moved[:MOVED_LISTED - len(summary.origins_moved)]
        tick("origins", t)


def _score_pairs(store: Store, batch: dict[int, Fingerprint], band_pairs: set[tuple[int, int]],
                 cite_pairs: set[tuple[int, int]], summary: LinkSummary) -> list[DocumentLink]:
    """Score candidate pairs exactly and turn them into links (later → earlier)."""
    # The cheap tests on signatures first: only pairs passing them need old texts re-shingled.
    stored = signatures(store, {i for p in band_pairs | cite_pairs for i in p if i not in batch})
    empty = np.empty(0, dtype=np.uint32)

    def signed(i: int) -> tuple[Fingerprint, int]:
        fp = batch.get(i)
        if fp is not None:
            return fp, len(fp.shingles)
        sig, n = stored[i]
        return Fingerprint(empty, sig), n

    def cited_worth(a: int, b: int) -> bool:
        (fa, na), (fb, nb) = signed(a), signed(b)
        if fa.signature is None or fb.signature is None:  # too short to estimate: score
            return True
        return estimated_containment(fa.signature, na, fb.signature, nb) >= CITED_MIN_ESTIMATE

    pairs = sorted({p for p in cite_pairs if cited_worth(*p)}
                   | {p for p in band_pairs if worth_scoring(signed(p[0])[0], signed(p[1])[0])})
    docs = linked_documents(store, {i for p in pairs for i in p})
    old = {i for p in pairs for i in p if i not in batch}
    old_texts = texts(store, [docs[i].document_id for i in old])
    fps = dict(batch)
    # Old documents: their signature is stored; only their shingles are computed again.
    fps.update({i: Fingerprint(shingle_hashes(old_texts[docs[i].document_id]), docs[i].signature)
                for i in old})
    links: list[DocumentLink] = []
    for a, b in pairs:
        links += pair_links(docs[a], docs[b], score(fps[a], fps[b]))
        summary.candidates += 1
    return links


def _update_origins(store: Store, touched: set[str], fresh: set[str],
                    added: dict[str, list[DocumentLink]]) -> tuple[int, list[str]]:
    """Recompute the origins of ``touched``, then of the documents derived from any whose
    origin changed, and so on down; how many were computed, and the documents stored before
    whose origin changed.

    Each origin is computed by walking up from the document through its strongest
    derived-from links (not from stored origins), so it is right whatever order they are
    computed in; a document's origin depends only on its strongest derived-from link and on
    the origin above it, so only the documents whose strongest link points at a changed one
    can change (found by their stored ``up_id``; a new document's children are in
    ``touched``: their links to it are new; a document given a stronger link is in
    ``touched`` too).

    Links are only ever added, and a pair is linked when the second of its documents comes:
    a document's strongest link is the stronger of the one stored with its origin and the
    derived-from links ``added`` to it by this batch (a document of this batch, ``fresh``,
    has only those). So no document's links are ranked again in SQL (a batch that moves a
    story's origin reaches every copy of it: ranking each one's hundreds of links was most of
    the stage's time on a corpus of copies)."""
    best: dict[str, DocumentLink | None] = {}
    facts: dict[str, tuple[str | None, str | None, tuple[dict[str, Any], ...]]] = {}

    def strongest(links: list[DocumentLink]) -> DocumentLink | None:
        return min(links, key=lambda p: (-link_strength(p), p.other_id)) if links else None

    def read_best(ids: Sequence[str]) -> None:
        ids = [i for i in ids if i not in best]
        stored = stored_up_links(store, [i for i in ids if i not in fresh])
        for i in ids:
            if i in fresh or i in stored:
                up = stored.get(i)
                best[i] = strongest(([up] if up else []) + added.get(i, []))
        rest = [i for i in ids if i not in best]  # (none: every linked document has one)
        best.update(dict.fromkeys(rest) | best_parents(store, rest))

    def parents_of(doc_id: str) -> list[DocumentLink]:
        read_best([doc_id])
        link = best[doc_id]
        return [link] if link else []

    def facts_of(doc_id: str) -> OriginFacts:
        if doc_id not in facts:
            facts.update(outlet_facts(store, [doc_id]))
        site, url, cited = facts.get(doc_id, (None, None, ()))
        return OriginFacts(site, credits(cited, site_keys(site, url)))

    computed, moved = 0, []
    done: set[str] = set()
    todo = set(touched)
    while todo:
        ids = sorted(todo)
        # One query each for the links and outlets of the documents to resolve (those an
        # earlier round's walk did not read already); a chain reaching above them (an old
        # parent) is read as it goes.
        read_best(ids)
        facts.update(outlet_facts(store, [i for i in ids if i not in facts]))
        before = origins(store, ids)
        found = resolve_origins(ids, parents_of, facts_of)
        save_origins(store, found, {o.document_id: _up(best[o.document_id]) for o in found})
        computed += len(found)
        changed = [o for o in found if o.document_id in before and before[o.document_id] != o]
        moved += [o.document_id for o in changed if before[o.document_id].origin != o.origin]
        done |= todo
        todo = strongest_children(store, [o.document_id for o in changed]) - done
    return computed, moved


def _up(link: DocumentLink | None) -> str | None:
    return link.other_id if link else None
