"""``sitrep spark analyze`` in a local Spark against bare spaCy, on a generated corpus.

    python bench/bench_spark.py [--docs 10000] [--master local[2]] [--partitions 8]
                                [--dir DIR] [--load] [--json]

The corpus is ``bench_scale``'s (documents generated from the samples, varied, in JSONL files
of 1000; kept in ``--dir`` for the next run). Measured, each in a subprocess:

* spark   ``python -m sitrep.scale.spark --master local[2] CORPUS OUT``: wall time end to end
          (Spark start, read, clean, analyse, every table written, links, events), each phase
          from the job's summary, and the peak memory of the process tree (the driver JVM,
          Python driver, Spark's Python workers), summed RSS and PSS, sampled from /proc;
* spacy   bare ``nlp.pipe(texts, n_process=K)`` of the same model over the clean texts the
          job wrote (K = the cores of the master; model load not timed);
* load    (``--load``) ``sitrep load OUT`` into a new SQLite database.

Ratios: spaCy's time over the job's read+analyse phase (the per-document work, goal ≥ 0.5),
and over the whole job.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import BARE_SPACY, run_measured, write_corpus
from sitrep.settings import load_settings

GOAL_RATIO = 0.5


def spark_job(corpus: Path, out: Path, master: str, partitions: int | None
              ) -> dict[str, object]:
    args = [sys.executable, "-m", "sitrep.scale.spark", "--master", master]
    if partitions:
        args += ["--partitions", str(partitions)]
    # The corpus's JSONL files (not its "done" marker, which would be read as a text).
    seconds, memory, stdout = run_measured([*args, str(corpus / "*.jsonl"), str(out)])
    summary = json.loads(stdout[stdout.index("{"):])
    n = summary["documents"]
    phases = summary["seconds"]
    return {"system": "spark", "documents": n, "seconds": round(seconds, 1),
            "docs_per_s": round(n / seconds, 2), "ms_per_doc": round(1000 * seconds / n, 1),
            "analyse_s": phases["read+analyse"],
            "analyse_docs_per_s": round(n / phases["read+analyse"], 2),
            "phases_s": phases, "peak_rss_sum_mb": round(memory.rss_mb),
            "peak_pss_sum_mb": round(memory.pss_mb),
            "largest_process_mb": round(memory.largest_mb), "processes": memory.processes,
            "links": summary["links"], "events": summary["events"]}


def bare_spacy(out: Path, n_process: int, model: str, scratch: Path) -> dict[str, object]:
    """``nlp.pipe`` over the clean texts of the job's documents table, in ingest order."""
    import pyarrow.parquet as pq

    table = pq.read_table(out / "documents", columns=["text", "ingest_order"])
    texts = scratch / "texts.jsonl"
    with texts.open("w", encoding="utf-8") as f:
        for row in sorted(table.to_pylist(), key=lambda r: r["ingest_order"]):
            f.write(json.dumps(row["text"], ensure_ascii=False) + "\n")
    _, memory, stdout = run_measured(
        [sys.executable, "-c", BARE_SPACY, str(texts), model, str(n_process)])
    report = json.loads(stdout)
    n, pipe_s = report["documents"], report["pipe_s"]
    return {"system": "spacy", "documents": n, "n_process": n_process,
            "seconds": round(pipe_s, 1), "docs_per_s": round(n / pipe_s, 2),
            "ms_per_doc": round(1000 * pipe_s / n, 1), "peak_rss_sum_mb": round(memory.rss_mb),
            "peak_pss_sum_mb": round(memory.pss_mb)}


def load_db(out: Path, db: Path) -> dict[str, object]:
    db.unlink(missing_ok=True)
    seconds, memory, stdout = run_measured(
        [sys.executable, "-c", "import json, sys; from sitrep.store import open_store; "
         "from sitrep.scale.load import load; s = open_store(sys.argv[1]); "
         "print(json.dumps(load(s, sys.argv[2]).__dict__)); s.close()", str(db), str(out)])
    report = json.loads(stdout)
    return {"system": "load", "documents": report["documents_new"], "seconds": round(seconds, 1),
            "docs_per_s": round(report["documents_new"] / seconds, 2),
            "reclustered": report["reclustered"], "peak_rss_sum_mb": round(memory.rss_mb)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "sitrep-bench")
    ap.add_argument("--load", action="store_true", help="also time sitrep load of the output")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    cores = int(m[1]) if (m := re.fullmatch(r"local\[(\d+)\]", args.master)) else 2
    model = load_settings().spacy_model
    args.dir.mkdir(parents=True, exist_ok=True)
    corpus = write_corpus(args.dir, args.docs, args.seed)
    out = args.dir / f"spark-out-{args.docs}"
    started = time.perf_counter()
    rows = [spark_job(corpus, out, args.master, args.partitions)]
    rows.append(bare_spacy(out, cores, model, args.dir))
    if args.load:
        rows.append(load_db(out, args.dir / f"spark-load-{args.docs}.db"))
    spark, spacy = rows[0], rows[1]
    report = {"documents": args.docs, "master": args.master, "partitions": args.partitions,
              "runs": rows,
              "ratio_to_spacy_analysis": round(spacy["seconds"] / spark["analyse_s"], 2),
              "ratio_to_spacy_end_to_end": round(spacy["seconds"] / spark["seconds"], 2),
              "goal_ratio": GOAL_RATIO, "bench_seconds": round(time.perf_counter() - started)}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    console = Console()
    table = Table(title=f"{args.docs} generated documents, {args.master}", title_justify="left")
    for col in ("system", "documents", "seconds", "docs/s", "ms/doc", "peak RSS MB",
                "peak PSS MB"):
        table.add_column(col, justify="left" if col == "system" else "right")
    for r in rows:
        table.add_row(str(r["system"]), str(r["documents"]), str(r["seconds"]),
                      str(r["docs_per_s"]), str(r.get("ms_per_doc", "")),
                      str(r.get("peak_rss_sum_mb", "")), str(r.get("peak_pss_sum_mb", "")))
    console.print(table)
    console.print(f"job phases (s): {spark['phases_s']}; links {spark['links']}, "
                  f"{spark['events']} events")
    console.print(f"spaCy / Spark: {report['ratio_to_spacy_analysis']} on the per-document "
                  f"phase, {report['ratio_to_spacy_end_to_end']} end to end "
                  f"(goal ≥ {GOAL_RATIO})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
