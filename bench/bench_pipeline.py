"""Throughput of sitrep's language pipeline against bare spaCy, on the same documents.

    python bench/bench_pipeline.py [--docs N] [--n-process K] [--json]

Documents: the clean texts of the bundled samples (and the seed when present), repeated to
``--docs`` documents. Both systems run in one process over the same texts:

* spacy   ``nlp.pipe(texts, n_process=K)`` of the same model (paragraph component included)
* sitrep  ``sitrep.nlp.pipeline.analyze``: the same parse plus the actors, places, times
          and figures annotators (what ``sitrep analyze`` runs per document).

Printed: docs/s of each, the ratio (goal ≥ 0.5), and the peak resident memory of the process
with the gazetteer loaded (goal ≤ 1.5 GB). The gazetteer's one-time build (first use on a
machine) is not timed; its load is reported apart.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

from sitrep.ingest.process import process
from sitrep.ingest.readers import read_path
from sitrep.nlp.model import load_model
from sitrep.nlp.pipeline import analyze
from sitrep.records import Document
from sitrep.settings import Limits, load_settings

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed" / "000_79db0cf0d7afe0ea.txt"
GOAL_RATIO = 0.5
GOAL_MEMORY_MB = 1536


def corpus(n: int) -> list[Document]:
    limits = Limits()
    paths = sorted((REPO / "samples").iterdir()) + ([SEED] if SEED.exists() else [])
    base = [process(raw, limits) for p in paths for raw in read_path(p, limits)
            if not isinstance(raw, Exception)]
    # Distinct ids, same texts: what a folder of similar articles looks like to the pipeline.
    return [replace(base[i % len(base)], id=f"{i:064x}") for i in range(n)]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--n-process", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    model = load_settings().spacy_model
    docs = corpus(args.docs)
    nlp = load_model(model)

    t = time.perf_counter()
    from sitrep.nlp.gazetteer import load_gazetteer
    load_gazetteer()
    gazetteer_s = time.perf_counter() - t
    # Warm both paths (model caches, lexicons) on a few documents before timing.
    list(analyze(docs[:5], model))

    t = time.perf_counter()
    for _ in nlp.pipe((d.text for d in docs), n_process=args.n_process, batch_size=32):
        pass
    spacy_s = time.perf_counter() - t

    t = time.perf_counter()
    done = sum(1 for a in analyze(docs, model) if a.status == "done")
    sitrep_s = time.perf_counter() - t

    report = {
        "documents": len(docs), "analysed": done, "n_process": args.n_process,
        "spacy_docs_per_s": round(len(docs) / spacy_s, 2),
        "sitrep_docs_per_s": round(len(docs) / sitrep_s, 2),
        "ratio": round(spacy_s / sitrep_s, 3), "goal_ratio": GOAL_RATIO,
        "gazetteer_load_s": round(gazetteer_s, 2),
        "peak_rss_mb": round(peak_mb(), 1), "goal_peak_rss_mb": GOAL_MEMORY_MB,
    }
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print(f"{len(docs)} documents, n_process={args.n_process}")
        print(f"  bare spaCy nlp.pipe  {report['spacy_docs_per_s']:8.2f} docs/s")
        print(f"  sitrep pipeline      {report['sitrep_docs_per_s']:8.2f} docs/s")
        print(f"  ratio {report['ratio']:.3f} (goal ≥ {GOAL_RATIO})")
        print(f"  gazetteer load {gazetteer_s:.2f} s; peak RSS {report['peak_rss_mb']:.0f} MB "
              f"(goal ≤ {GOAL_MEMORY_MB} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
