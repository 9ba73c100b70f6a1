"""The gazetteer's costs: index build (first use), load, lookups, and peak memory with it loaded.

    python bench/bench_gazetteer.py [--json] [--skip-build] [--names N]

* build        ``python -m sitrep.nlp.gazetteer build`` into a temporary folder, in a child
               process as sitrep runs it: seconds, the child's peak RSS, places, names, bytes;
* load         opening the built index and answering a first lookup;
* lookups      distinct names per second, cold (empty LRU cache: SQLite reads) and warm;
               the names are the LGL corpus' toponym phrases when ../shared/data/dev is there,
               else the sample corpus' capitalized words;
* pipeline     peak RSS of this process after running the spaCy model and the ``places``
               annotator over the sample corpus (gazetteer loaded), the figure the ≤ 1.5 GB
               goal is about.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sitrep.ingest.process import process
from sitrep.ingest.readers import read_path
from sitrep.nlp.gazetteer import Gazetteer, index_path, load_gazetteer
from sitrep.nlp.pipeline import analyze
from sitrep.records import RawDocument
from sitrep.settings import Limits, load_settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LGL = ROOT.parent / "shared" / "data" / "dev" / "geoparsing" / "lgl.xml"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def bench_build() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        path = index_path(Path(folder))
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "sitrep.nlp.gazetteer", "build", str(path)],
                              capture_output=True, text=True, check=True)
        seconds = time.perf_counter() - start
        stats = json.loads(done.stdout)
    return {"seconds": round(seconds, 1), "child_peak_rss_mb": peak_rss_mb(
        resource.RUSAGE_CHILDREN), "places": stats["places"], "names": stats["names"],
        "index_mb": round(stats["bytes"] / 2**20, 1)}


def names(limit: int) -> list[str]:
    if LGL.exists():
        found = re.findall(r"<phrase>([^<]+)</phrase>", LGL.read_text(encoding="utf-8"))
    else:
        found = []
        for path in sorted(SAMPLES.iterdir()):
            for raw in read_path(path, Limits()):
                if isinstance(raw, RawDocument):
                    found += re.findall(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?", process(
                        raw, Limits()).text)
    return list(dict.fromkeys(found))[:limit]


def bench_lookups(path: Path, queries: list[str]) -> dict[str, Any]:
    start = time.perf_counter()
    gazetteer = Gazetteer(path)
    gazetteer.lookup("Baghdad")
    load = time.perf_counter() - start
    gazetteer.lookup.cache_clear()
    start = time.perf_counter()
    found = sum(1 for q in queries if gazetteer.lookup(q))
    cold = time.perf_counter() - start
    start = time.perf_counter()
    for q in queries:
        gazetteer.lookup(q)
    warm = time.perf_counter() - start
    return {"load_seconds": round(load, 4), "names": len(queries), "found": found,
            "cold_per_second": round(len(queries) / cold), "warm_per_second": round(
                len(queries) / warm)}


def bench_pipeline() -> dict[str, Any]:
    docs = [process(raw, Limits()) for path in sorted(SAMPLES.iterdir())
            for raw in read_path(path, Limits()) if isinstance(raw, RawDocument)]
    start = time.perf_counter()
    refs = sum(len(a.found.get("places", ())) for a in analyze(
        docs, load_settings().spacy_model, annotators=("places",)))
    return {"documents": len(docs), "place_refs": refs,
            "seconds": round(time.perf_counter() - start, 2), "peak_rss_mb": peak_rss_mb()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--skip-build", action="store_true", help="do not time a fresh build")
    parser.add_argument("--names", type=int, default=5000, help="distinct names to look up")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    if not args.skip_build:
        report["build"] = bench_build()
    path = load_gazetteer().path  # builds the real cache's index if it is missing
    report["lookups"] = bench_lookups(path, names(args.names))
    report["pipeline"] = bench_pipeline()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for section, values in report.items():
            print(f"{section:9s} " + "  ".join(f"{k}={v}" for k, v in values.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
