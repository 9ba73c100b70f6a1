"""Throughput of sitrep's clean + metadata stage against bare trafilatura, on the same pages.

    python bench/bench_clean.py [--limit N] [--json] [--data DIR] [--tracemalloc] [--profile N]

Pages: the trafilatura evaluation HTML (../shared/data/dev/trafilatura_eval next to the repo)
when it exists, else the HTML files in samples/ repeated. All pages are read and decompressed
before timing. Both systems run in one process, page by page, alternating which goes first,
so machine noise (other jobs, CPU frequency, GC) hits both alike. One warm-up page each is not
timed (lazy model and table loading).

* sitrep       ``sitrep.ingest.process.process`` (extraction with metadata, boilerplate lines,
               date cascade, language, cited sources: what ingest runs per document);
* trafilatura  bare ``trafilatura.extract(html)`` with default settings.

The goal is a ratio (sitrep docs/s ÷ trafilatura docs/s) of at least 0.8. Peak memory is the
process's peak resident set (ru_maxrss); ``--tracemalloc`` adds an untimed pass per system that
reports the peak of Python allocations for one document.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from sitrep.errors import SitrepError
from sitrep.evaluate.datasets import load_dataset
from sitrep.ingest.process import process
from sitrep.records import RawDocument
from sitrep.settings import Limits

REPO = Path(__file__).resolve().parent.parent
EVAL_DATA = REPO.parent / "shared" / "data" / "dev" / "trafilatura_eval"
SAMPLES = REPO / "samples"
SAMPLE_REPEAT = 50  # the samples folder is tiny: repeat it for a stable rate
GOAL = 0.8
LIMITS = Limits()

Page = tuple[str, bytes]  # (url, html)


def run_sitrep(url: str, html: bytes) -> bool:
    raw = RawDocument(raw=html, media="html", content=html, source_path=url, url=url)
    try:
        process(raw, LIMITS)
    except SitrepError:
        return False
    return True


def run_trafilatura(url: str, html: bytes) -> bool:
    return bool(trafilatura.extract(html))


SYSTEMS: dict[str, Callable[[str, bytes], bool]] = {
    "sitrep": run_sitrep,
    "trafilatura": run_trafilatura,
}


def load_pages(data: Path | None, limit: int | None) -> tuple[str, list[Page]]:
    if data is not None or EVAL_DATA.is_dir():
        dataset = load_dataset(data or EVAL_DATA, task="extraction", required=("file",))
        pages = []
        for entry in dataset.sample(limit):
            html = dataset.page(entry)
            if html is not None:
                pages.append((entry.url, html))
        return str(dataset.gold_path), pages
    files = sorted(SAMPLES.glob("*.htm*"))
    if not files:
        sys.exit(f"no pages: neither {EVAL_DATA} nor HTML files in {SAMPLES}")
    samples = [(f"file://{f}", f.read_bytes()) for f in files]
    pages = (samples * SAMPLE_REPEAT)[: limit if limit is not None else None]
    return f"{SAMPLES} (x{SAMPLE_REPEAT})", pages


def bench(pages: list[Page]) -> dict[str, dict[str, float]]:
    """Seconds and successes per system, alternating which system runs first on each page."""
    names = list(SYSTEMS)
    for name in names:  # warm-up, untimed
        SYSTEMS[name](*pages[0])
    seconds = dict.fromkeys(names, 0.0)
    ok = dict.fromkeys(names, 0)
    gc.collect()
    for i, (url, html) in enumerate(pages):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            start = time.perf_counter()
            success = SYSTEMS[name](url, html)
            seconds[name] += time.perf_counter() - start
            ok[name] += int(success)
    return {
        name: {
            "seconds": round(seconds[name], 3),
            "docs_per_second": round(len(pages) / seconds[name], 2) if seconds[name] else 0.0,
            "ms_per_doc": round(1000 * seconds[name] / len(pages), 2),
            "with_text": ok[name],
        }
        for name in names
    }


def peak_rss_mb() -> float:
    """Peak resident set of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def traced_peaks(pages: list[Page]) -> dict[str, float]:
    """Largest tracemalloc peak (MB) of one document, per system (untimed pass)."""
    peaks: dict[str, float] = {}
    for name, system in SYSTEMS.items():
        worst = 0
        for page in pages:
            tracemalloc.start()
            system(*page)
            worst = max(worst, tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        peaks[name] = round(worst / (1024 * 1024), 1)
    return peaks


def profile(pages: list[Page], top: int) -> str:
    """cProfile of sitrep alone over the pages: the ``top`` functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for page in pages:
        run_sitrep(*page)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages to use (first N)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--data", type=Path, default=None, help="extraction set folder/JSON")
    parser.add_argument("--tracemalloc", action="store_true", help="per-document peak pass")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print sitrep's top N functions by cumulative time")  # fmt: skip
    args = parser.parse_args(argv)

    source, pages = load_pages(args.data, args.limit)
    if not pages:
        sys.exit(f"no readable pages in {source}")
    start = time.perf_counter()
    systems = bench(pages)
    wall = time.perf_counter() - start
    ratio = systems["sitrep"]["docs_per_second"] / systems["trafilatura"]["docs_per_second"]
    result: dict[str, Any] = {
        "pages": len(pages),
        "source": source,
        "systems": systems,
        "ratio": round(ratio, 3),
        "goal": GOAL,
        "meets_goal": ratio >= GOAL,
        "peak_rss_mb": peak_rss_mb(),
        "wall_seconds": round(wall, 1),
    }
    if args.tracemalloc:
        result["tracemalloc_peak_mb_per_doc"] = traced_peaks(pages)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{len(pages)} pages from {source}")
        for name, s in systems.items():
            print(f"  {name:12s} {s['docs_per_second']:8.2f} docs/s  {s['ms_per_doc']:8.2f} "
                  f"ms/doc  ({s['with_text']} with text)")  # fmt: skip
        verdict = "meets" if result["meets_goal"] else "below"
        print(f"  ratio sitrep/trafilatura {ratio:.3f} ({verdict} the goal of {GOAL})")
        print(f"  peak RSS {result['peak_rss_mb']} MB, wall {result['wall_seconds']} s")
        if "tracemalloc_peak_mb_per_doc" in result:
            peaks = result["tracemalloc_peak_mb_per_doc"]
            print("  tracemalloc peak per doc: "
                  + ", ".join(f"{n} {mb} MB" for n, mb in peaks.items()))  # fmt: skip
    if args.profile:
        print(profile(pages, args.profile), file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
