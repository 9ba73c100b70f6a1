"""Near-duplicate detection at scale: sitrep's incremental link stage against a plain
datasketch MinHashLSH build + query over the same signatures, in one process.

    python bench/bench_dupes.py [--docs N] [--workers K] [--batches B] [--json]

Documents (not timed): the clean texts of the bundled samples are cut into sentences;
nine documents in ten are new stories (12-24 sentences drawn from all samples, one word in
three replaced by a word of the corpus), one in ten a repost of an earlier document (one of
the mutations of ``sitrep eval dupes``: boilerplate, 20/40% of sentences dropped,
paragraphs reordered, 5-15% of words replaced, all mixed), published 0-3 days after it.
They come from 5,000 sites; a third of the stories cite another site ("according to"), half
of the reposts credit the site they copy (a Sources block). They are stored in a real sitrep
database (SQLite file, FTS and all).

Timed:

* ``sitrep``      ``run_links`` with ``--workers`` fingerprinting processes (on 2 cores: one,
                  beside the process that writes SQLite), in ``--batches``
                  runs (the first run links into an empty index, later ones against
                  everything stored): fingerprints, band keys and outlet keys into SQLite,
                  candidate pairs from the band index, exact scoring, derived-from, origins;
* ``datasketch``  ``MinHashLSH`` with the same bands × rows, built from the signatures sitrep
                  stored (read from the database before the clock starts) and queried with
                  each: what a plain in-memory LSH pass costs once signatures exist.

Printed: seconds, documents/s, peak resident memory of the process (and of the worker
processes) per system, the ratio sitrep / datasketch for the whole stage and for its
index-and-candidates part, and how many of the generated reposts sitrep linked to their
source.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from sitrep.evaluate.mutations import KINDS, edit, join, paragraphs, vocabulary
from sitrep.ingest.batch import ingest_paths
from sitrep.ingest.process import fingerprint as text_fingerprint
from sitrep.link.minhash import NUM_PERM, SEED, lsh_params
from sitrep.link.stage import DEFAULT_WORKERS, run_links
from sitrep.records import CitedSource, Document, PublishedDate, RawDocument
from sitrep.settings import load_settings
from sitrep.store import Store, open_store

REPO = Path(__file__).resolve().parent.parent
REPOST_SHARE = 0.1
SITES = 5000  # outlets the documents are spread over (20 a year each at 100k)
BENCH_SEED = 11


class MemorySampler:
    """Peak resident memory of this process plus its worker processes, sampled every
    ``interval`` seconds from /proc (Linux), in MB."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss_kb(pid: int | str) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def total_mb(self) -> float:
        pid = os.getpid()
        kids: list[str] = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(OSError):
                kids += (task / "children").read_text().split()
        return (self._rss_kb(pid) + sum(self._rss_kb(k) for k in kids)) / 1024

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total_mb())
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self.peak = self.total_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.total_mb())


def sample_texts() -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(db_path=Path(tmp) / "samples.db")
        with open_store(settings.db_path) as store:
            ingest_paths([str(REPO / "samples")], store, settings)
            return [d.text for d in store.documents()]


def generate(store: Store, n: int) -> dict[str, str]:
    """Store ``n`` documents; repost id → the id of the document it copies."""
    texts = sample_texts()
    sentences = [s for t in texts for p in paragraphs(t) for s in p]
    vocab = vocabulary(texts)
    rng = random.Random(BENCH_SEED)
    kinds = list(KINDS.values())
    made: list[tuple[str, str, date]] = []
    copies: dict[str, str] = {}
    sites: dict[str, str] = {}
    start = date(2024, 1, 1)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    pending = []
    for i in range(n):
        if made and rng.random() < REPOST_SHARE:
            source_id, source_text, day = made[rng.randrange(len(made))]
            text = rng.choice(kinds)(source_text, rng, vocab)
            day = day + timedelta(days=rng.choice((0, 1, 1, 2, 3)))
        else:
            source_id = None
            picked = rng.sample(sentences, rng.randint(12, 24))
            text = edit(join([picked[j:j + 3] for j in range(0, len(picked), 3)]), 0.33,
                        rng, vocab)
            day = start + timedelta(days=rng.randrange(365))
        # Cited outlets: a third of the stories quote another site; half the reposts credit
        # the site they copy in a Sources block (what the cite rule looks up).
        site = f"Site {i % SITES}"
        if source_id:
            cited = (CitedSource(sites[source_id], sites[source_id], "sources-block", False),) \
                if rng.random() < 0.5 else ()
        else:
            other = f"Site {rng.randrange(SITES)}"
            cited = (CitedSource(other, other, "according-to", False),) \
                if rng.random() < 1 / 3 else ()
        raw = f"bench {i}\n{text}".encode()
        doc_id = hashlib.sha256(raw).hexdigest()
        sites[doc_id] = site
        doc = Document(doc_id, f"bench/{i}", f"bench/{i}", None, "file", "text", None,
                       site, None, None,
                       PublishedDate(day.isoformat(), "day", "html-meta"), "en", None, text,
                       cited, text_fingerprint(text), {}, now)
        pending.append((doc, RawDocument(raw, "text", raw, doc.source_path)))
        made.append((doc_id, text, day))
        if source_id:
            copies[doc_id] = source_id
        if len(pending) >= 5000 or i == n - 1:
            with store.transaction():
                for d, r in pending:
                    store.add_document(d, r, None)
            pending = []
    return copies


def run_sitrep(store: Store, n: int, workers: int, batches: int) -> dict:
    phases: dict[str, float] = {}
    summaries = []
    per_run = -(-n // batches)
    with MemorySampler() as memory:
        start = time.perf_counter()
        for _ in range(batches):
            s = run_links(store, workers=workers, limit=per_run)
            summaries.append(s)
            for k, v in s.seconds.items():
                phases[k] = round(phases.get(k, 0.0) + v, 3)
        seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "docs_per_s": round(n / seconds, 1),
            "peak_mb": round(memory.peak, 1), "phases": phases,
            "candidates": sum(s.candidates for s in summaries),
            "near_duplicates": sum(s.near_duplicates for s in summaries),
            "derived": sum(s.derived for s in summaries)}


def run_datasketch(store: Store) -> dict:
    signatures = [(r[0], np.frombuffer(r[1], dtype=np.uint32)) for r in store.conn.execute(
        "SELECT id, signature FROM link_documents WHERE signature IS NOT NULL")]
    with MemorySampler() as memory:
        start = time.perf_counter()
        lsh = MinHashLSH(num_perm=NUM_PERM, params=lsh_params())
        hashes = [(k, LeanMinHash(seed=SEED, hashvalues=v, scheme="affine32"))
                  for k, v in signatures]
        with lsh.insertion_session() as session:
            for k, m in hashes:
                session.insert(k, m, check_duplication=False)
        built = time.perf_counter()
        pairs = 0
        for k, m in hashes:
            pairs += sum(1 for other in lsh.query(m) if other > k)
        seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "build_s": round(built - start, 2),
            "query_s": round(seconds - (built - start), 2),
            "docs_per_s": round(len(signatures) / seconds, 1),
            "peak_mb": round(memory.peak, 1), "candidate_pairs": pairs}


def measure(db: Path, n: int, workers: int, batches: int) -> dict:
    """In a fresh process (no generation leftovers in memory): both systems, one after the
    other, on the database ``generate`` wrote."""
    with open_store(db) as store:
        base = MemorySampler().total_mb()
        sitrep = run_sitrep(store, n, workers, batches)
        linked = {r[0] for r in store.conn.execute(
            "SELECT document_id FROM document_links WHERE kind = 'derived-from'")}
        origin = dict(store.conn.execute("SELECT document_id, origin FROM document_origins"))
        plain = run_datasketch(store)
    copies = json.loads((db.parent / "copies.json").read_text())
    root = {}
    for doc, src in copies.items():
        while src in copies:
            src = copies[src]
        root[doc] = src
    return {
        "baseline_mb": round(base, 1), "sitrep": sitrep, "datasketch": plain,
        "ratio_total": round(sitrep["seconds"] / plain["seconds"], 2),
        "ratio_index_and_candidates": round(
            (sitrep["phases"].get("index", 0) + sitrep["phases"].get("candidates", 0))
            / plain["seconds"], 2),
        "reposts_linked": round(sum(1 for d in copies if d in linked) / max(1, len(copies)), 4),
        "reposts_right_origin": round(sum(1 for d, r in root.items() if origin.get(d) == r)
                                      / max(1, len(root)), 4),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                    help="Fingerprinting processes besides the writer (default: cores - 1).")
    ap.add_argument("--batches", type=int, default=2,
                    help="Link the documents in this many runs (incremental).")
    ap.add_argument("--dir", type=Path, help="Keep the database here (default: a temp dir).")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args(argv)
    if args.measure:
        json.dump(measure(args.measure, args.docs, args.workers, args.batches), sys.stdout)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "bench.db"
        db.unlink(missing_ok=True)
        t = time.perf_counter()
        with open_store(db) as store:
            copies = generate(store, args.docs)
        generated = time.perf_counter() - t
        (folder / "copies.json").write_text(json.dumps(copies))
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(db), "--docs", str(args.docs),
             "--workers", str(args.workers), "--batches", str(args.batches)],
            capture_output=True, text=True, check=True)
    report = {"docs": args.docs, "reposts": len(copies), "workers": args.workers,
              "batches": args.batches, "generate_s": round(generated, 1),
              **json.loads(child.stdout)}
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0
    s, p = report["sitrep"], report["datasketch"]
    print(f"{args.docs} documents ({len(copies)} reposts), {args.workers} worker(s), "
          f"{args.batches} run(s); generated in {generated:.0f} s (not timed)")
    print(f"sitrep      {s['seconds']:8.1f} s  {s['docs_per_s']:8.0f} docs/s  peak "
          f"{s['peak_mb']:.0f} MB (process + workers)  phases {s['phases']}")
    print(f"datasketch  {p['seconds']:8.1f} s  {p['docs_per_s']:8.0f} docs/s  peak "
          f"{p['peak_mb']:.0f} MB  (build {p['build_s']} s, query {p['query_s']} s, "
          f"{p['candidate_pairs']} candidate pairs)")
    print(f"(process before either: {report['baseline_mb']:.0f} MB)")
    print(f"ratio sitrep/datasketch: whole stage {report['ratio_total']}, index + candidates "
          f"{report['ratio_index_and_candidates']}")
    print(f"reposts linked to their source {report['reposts_linked']:.1%}, with the right "
          f"origin {report['reposts_right_origin']:.1%}; sitrep scored {s['candidates']} "
          f"candidate pairs, found {s['near_duplicates']} near-duplicate pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
