"""Throughput of sitrep's clean + metadata stage against bare trafilatura, on the same pages.

    python bench/bench_clean.py [--limit N] [--json] [--data DIR] [--metadata-baseline]
                                [--tracemalloc] [--profile N]

Pages: the trafilatura evaluation HTML (../shared/data/dev/trafilatura_eval next to the repo)
when it exists, else the HTML files in samples/ repeated. All pages are read and decompressed
before timing. Both systems run in one process, page by page, alternating which goes first,
so machine noise (other jobs, CPU frequency, GC) hits both alike. The first page of each system
is timed apart (``warmup_seconds``: lazy model and table loading). Lazy costs met later still
count (e.g. dateparser compiling a locale's regexes the first time htmldate's extensive search
needs it: seconds, once per process).

* sitrep       ``sitrep.ingest.process.process`` (extraction with metadata, boilerplate lines,
               date cascade, language, cited sources: what ingest runs per document);
* trafilatura  bare ``trafilatura.extract(html)`` with default settings;
* trafilatura_metadata (``--metadata-baseline``, context only) ``extract(html, url=url,
               with_metadata=True)``: trafilatura computing title, author, date… as sitrep must.

The goal is a ratio (sitrep docs/s ÷ trafilatura docs/s) of at least 0.8. Peak memory is the
process's peak resident set (ru_maxrss); ``--tracemalloc`` adds an untimed pass per system that
reports the peak of Python allocations for one document (libxml2's own memory is not traced
by tracemalloc; ru_maxrss sees it).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
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
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
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


def run_trafilatura_metadata(url: str, html: bytes) -> bool:
    return bool(trafilatura.extract(html, url=url, with_metadata=True))


System = Callable[[str, bytes], bool]
SYSTEMS: dict[str, System] = {"sitrep": run_sitrep, "trafilatura": run_trafilatura}
# Context, not the goal: trafilatura doing the metadata pass too (sitrep needs title, byline,
# site and date, which bare extract() does not compute).
METADATA_BASELINE: dict[str, System] = {"trafilatura_metadata": run_trafilatura_metadata}


def load_pages(data: Path | None, limit: int | None) -> tuple[str, list[Page]]:
    if data is not None or EVAL_DATA.is_dir():
        dataset = load_dataset(data or EVAL_DATA, task="extraction", required=("file",))
        pages = []
        for entry in dataset.sample(limit):
            html = dataset.page(entry)
            if html is not None:
                pages.append((entry.url, html))
        return str(dataset.gold_path), pages
    files = sorted(f for f in SAMPLES.iterdir() if f.name.endswith(HTML_SUFFIXES))
    if not files:
        sys.exit(f"no pages: neither {EVAL_DATA} nor HTML files in {SAMPLES}")
    samples = [(f"file://{f}", _read(f)) for f in files]
    pages = (samples * SAMPLE_REPEAT)[: limit if limit is not None else None]
    return f"{SAMPLES} (x{SAMPLE_REPEAT})", pages


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def bench(pages: list[Page], systems: dict[str, System]) -> dict[str, dict[str, float]]:
    """Seconds and successes per system, rotating which system runs first on each page."""
    names = list(systems)
    warmup = {}
    for name in names:  # first page: lazy loading (models, tables), timed apart
        start = time.perf_counter()
        systems[name](*pages[0])
        warmup[name] = time.perf_counter() - start
    seconds = dict.fromkeys(names, 0.0)
    ok = dict.fromkeys(names, 0)
    gc.collect()
    for i, (url, html) in enumerate(pages):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            success = systems[name](url, html)
            seconds[name] += time.perf_counter() - start
            ok[name] += int(success)
    return {
        name: {
            "warmup_seconds": round(warmup[name], 3),
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


def _ratio(systems: dict[str, dict[str, float]], baseline: str) -> float | None:
    """sitrep docs/s ÷ a baseline's docs/s."""
    if baseline not in systems or not systems[baseline]["docs_per_second"]:
        return None
    return round(systems["sitrep"]["docs_per_second"] / systems[baseline]["docs_per_second"], 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages to use (first N)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--data", type=Path, default=None, help="extraction set folder/JSON")
    parser.add_argument("--tracemalloc", action="store_true", help="per-document peak pass")
    parser.add_argument("--metadata-baseline", action="store_true",
                        help="also time trafilatura.extract(html, with_metadata=True)")  # fmt: skip
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print sitrep's top N functions by cumulative time")  # fmt: skip
    args = parser.parse_args(argv)

    source, pages = load_pages(args.data, args.limit)
    if not pages:
        sys.exit(f"no readable pages in {source}")
    start = time.perf_counter()
    chosen = SYSTEMS | (METADATA_BASELINE if args.metadata_baseline else {})
    systems = bench(pages, chosen)
    wall = time.perf_counter() - start
    ratio = _ratio(systems, "trafilatura") or 0.0
    result: dict[str, Any] = {
        "pages": len(pages),
        "source": source,
        "corpus_mb": round(sum(len(html) for _, html in pages) / (1024 * 1024), 1),
        "systems": systems,
        "ratio": ratio,
        "goal": GOAL,
        "meets_goal": ratio >= GOAL,
        "ratio_to_metadata": _ratio(systems, "trafilatura_metadata"),
        "peak_rss_mb": peak_rss_mb(),
        "wall_seconds": round(wall, 1),
    }
    if args.tracemalloc:
        result["tracemalloc_peak_mb_per_doc"] = traced_peaks(pages)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{len(pages)} pages ({result['corpus_mb']} MB, held in memory) from {source}")
        for name, s in systems.items():
            print(
                f"  {name:20s} {s['docs_per_second']:8.2f} docs/s {s['ms_per_doc']:7.2f} ms/doc"
                f"  ({s['with_text']} with text; first page {s['warmup_seconds']:.2f} s)"
            )
        verdict = "meets" if result["meets_goal"] else "below"
        print(f"  ratio sitrep/trafilatura {ratio:.3f} ({verdict} the goal of {GOAL})")
        if "trafilatura_metadata" in systems:
            print(f"  ratio sitrep/trafilatura_metadata {result['ratio_to_metadata']:.3f}")
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
