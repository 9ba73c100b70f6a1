"""``sitrep spark analyze INPUT… OUTPUT``: the per-document pipeline of ``sitrep analyze`` as
a PySpark job, then its cross-document stages, writing Parquet tables (``scale.tables``).

1. **Read.** The driver lists the input files (files, folders walked in sorted order, globs:
   ``ingest.batch.expand_paths``); each file is read on an executor by sitrep's own readers
   (HTML, text, WARC/WARC.gz response records, RSS/Atom, JSONL; gzip or not) or, for a
   Parquet file of documents, row by row (``spark_tasks.read_parquet``). Paths must be readable
   under the same name on every executor (a shared or mounted file system).
2. **One document per id.** The same bytes seen twice are one document (its id is the hash
   of its bytes), kept where a single run would first have seen it; every place it was seen
   goes to ``document_sources``.
3. **Analyse** in ``mapPartitions``: ``ingest.process.process`` then
   ``nlp.pipeline.analyze`` over the partition's documents, streaming, the spaCy model
   loaded once per Python worker; ``store.rows.analysis_rows`` makes the rows. The rows are
   staged as Parquet under ``OUTPUT/_staging`` (so no document is analysed twice however
   many tables are derived) and removed at the end.
4. **Links** (``scale.links``): MinHash band and citation candidates, exact scores,
   near-duplicate and derived-from links, origins.
5. **Events** (``scale.events``): blocks of chained dates per country, each clustered.

Run it with ``sitrep spark analyze`` (a local Spark, ``--master``), or on a cluster with
``spark-submit …/sitrep/scale/submit.py`` (options: ``python -m sitrep.scale.spark --help``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..ingest.batch import expand_paths
from ..link.minhash import params
from ..settings import Settings, load_settings
from .tables import JOB_FILE, PER_DOCUMENT

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[2]"
STAGING = "_staging"
# The rows the tasks stage (``spark_tasks.Out``): table, ingest order, row number, JSON.
STAGED = "table STRING, order BIGINT, seq BIGINT, payload STRING"


@dataclass
class JobSummary:
    output: str
    files: int = 0
    documents: int = 0
    rejected: int = 0
    analyses: dict[str, int] = field(default_factory=dict)  # status → documents
    links: dict[str, int] = field(default_factory=dict)  # kind → links
    events: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


ARROW_BATCH = 2000  # rows of an Arrow batch handed to Python (see ``session``)


def session(master: str | None = DEFAULT_MASTER, *, partitions: int | None = None,
            app: str = "sitrep", conf: dict[str, str] | None = None) -> SparkSession:
    """A Spark session. With a ``local[…]`` master the executors' Python is this one and
    Spark binds to the loopback interface; on a cluster (``master`` None: spark-submit's)
    both come from the cluster's configuration (see the README)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.ui.enabled", "false") \
            .config("spark.ui.showConsoleProgress", "false") \
            .config("spark.driver.memory", os.environ.get("SITREP_SPARK_DRIVER_MEMORY", "2g"))
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    # The links job hands candidate pairs to Python in Arrow batches, each pair with both
    # documents' shingle hashes (~5 KB): 2000 pairs a batch, not Spark's 10,000 rows.
    builder = builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH))
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(os.environ.get("SITREP_SPARK_LOG_LEVEL", "ERROR"))
    return spark


def _table(staged: DataFrame, name: str) -> DataFrame:
    """One table's rows out of the staged ``(table, order, seq, payload)`` rows."""
    from pyspark.sql import functions as F

    from .tables import BINARY_COLUMNS, TABLES, columns

    schema = ", ".join(f"`{c}` {'STRING' if kind == 'BINARY' else kind}"
                       for c, kind in TABLES[name] if c != "seq")
    rows = staged.where(F.col("table") == name).select(
        "order", "seq", F.from_json("payload", schema).alias("r")).select("order", "seq", "r.*")
    for table, column in BINARY_COLUMNS:
        if table == name:
            rows = rows.withColumn(column, F.unbase64(column))
    keep = [c for c in columns(name) if c != "seq"]
    return rows.select("order", "seq", *keep)


def require_arrow() -> None:
    """The links job runs Python over Arrow batches (``mapInArrow``, ``applyInArrow``), for
    which PySpark wants pandas and pyarrow: an ImportError now, not after the analysis."""
    from pyspark.sql.pandas.utils import (
        require_minimum_pandas_version,
        require_minimum_pyarrow_version,
    )

    require_minimum_pandas_version()
    require_minimum_pyarrow_version()


def run(spark: SparkSession, inputs: list[str], output: str | Path, *,
        partitions: int | None = None, settings: Settings | None = None) -> JobSummary:
    """Run the whole job; returns what it did. OUTPUT is replaced."""
    require_arrow()
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from ..nlp.pipeline import DEFAULT_ANNOTATORS, pipeline_version
    from ..store.sqlite import now
    from . import spark_tasks as tasks
    from .events import event_tables
    from .links import LINK_DDL, link_tables, origin_table

    settings = settings or load_settings()
    out = str(output).rstrip("/")
    summary = JobSummary(out)
    sc = spark.sparkContext
    partitions = partitions or 2 * sc.defaultParallelism
    limits, model = settings.limits, settings.spacy_model
    version = pipeline_version(model, DEFAULT_ANNOTATORS)
    ingested_at = now()
    started = tick = time.perf_counter()

    def timed(phase: str) -> None:
        nonlocal tick
        t = time.perf_counter()
        summary.seconds[phase] = round(t - tick, 2)
        tick = t

    # 1. Read: one task per file.
    files = list(expand_paths(inputs))
    summary.files = len(files)
    missing = [{"order": n * tasks.FILE_STRIDE, "source": shown, "stage": "read",
                "kind": "missing", "reason": "no such file or directory", "document_id": None}
               for n, (path, shown) in enumerate(files) if path is None]
    present = [(n, str(path), shown) for n, (path, shown) in enumerate(files) if path]
    read = sc.parallelize(present, max(1, len(present))).flatMap(
        lambda f: tasks.read_file(f[0], f[1], f[2], limits))
    # (Our tasks' rows are (str, int, int, str): PySpark's per-row type check is skipped,
    # ``verifySchema``, as in every frame the job makes of its own tasks' rows.)
    read_df = spark.createDataFrame(read, STAGED, verifySchema=False)
    # Staged once, so that the input files are read once (the documents are used again for
    # their sources and rejections after the analysis).
    staging = f"{out}/{STAGING}"
    (read_df.withColumn("id", F.get_json_object("payload", "$.id"))
     .withColumn("source", F.get_json_object("payload", "$.source"))
     .write.mode("overwrite").partitionBy("table").parquet(f"{staging}/read"))
    read_back = spark.read.parquet(f"{staging}/read")
    raw = read_back.where(F.col("table") == "raw").select("order", "id", "source", "payload")
    # 2. One document per id: where it was first seen.
    first = Window.partitionBy("id").orderBy("order")
    winners = raw.withColumn("n", F.row_number().over(first)).where(F.col("n") == 1)
    # 3. Analyse.
    todo = winners.select("order", "payload").repartition(partitions, "order") \
        .sortWithinPartitions("order")
    analysed = todo.rdd.mapPartitions(lambda rows: tasks.analyse(
        ((r["order"], r["payload"]) for r in rows), model=model, version=version,
        limits=limits, ingested_at=ingested_at))
    (spark.createDataFrame(analysed, STAGED, verifySchema=False)
     .unionByName(read_back.where(F.col("table") == "rejected").select(
         "table", "order", "seq", "payload"))
     .write.mode("overwrite").partitionBy("table").parquet(f"{staging}/rows"))
    timed("read+analyse")
    raw = raw.select("order", "id", "source")
    staged = spark.read.parquet(f"{staging}/rows")

    tables: dict[str, DataFrame] = {}
    documents = _table(staged, "documents")
    # Written in ingest order (per-document tables: then in their documents' order), which
    # is the order `sitrep load` stores them in.
    tables["documents"] = documents.orderBy("order").drop("seq", "order")
    tables["analyses"] = _table(staged, "analyses").drop("order", "seq")
    for name in PER_DOCUMENT:
        tables[name] = _table(staged, name).orderBy("order", "seq").drop("order")
    actors = _table(staged, "actors")
    # The row sitrep analyze would end with: the last mention's, else the first claimant's.
    last_mention = Window.partitionBy("id").orderBy(
        F.col("mentioned").desc(), F.when(F.col("mentioned"), -F.col("order")).otherwise(
            F.col("order")), F.when(F.col("mentioned"), -F.col("seq")).otherwise(F.col("seq")))
    tables["actors"] = actors.withColumn("n", F.row_number().over(last_mention)) \
        .where(F.col("n") == 1).drop("n", "order", "seq")
    places = _table(staged, "places")
    last = Window.partitionBy("id").orderBy(F.desc("order"), F.desc("seq"))
    tables["places"] = places.withColumn("n", F.row_number().over(last)) \
        .where(F.col("n") == 1).drop("n", "order", "seq")
    stored = documents.select(F.col("id").alias("document_id"))
    tables["document_sources"] = raw.join(stored, raw.id == stored.document_id).select(
        "document_id", "source", F.lit(ingested_at).alias("seen_at")).dropDuplicates(
        ["document_id", "source"])
    # Rejected: read errors, missing paths, and every place a document that failed to
    # clean was seen; a source rejected twice at one stage is one row, as in SQLite.
    rejected = _table(staged, "rejected")
    cleaned = rejected.where(F.col("stage") == "clean").alias("c").join(
        raw.alias("w"), F.col("c.document_id") == F.col("w.id")).select(
        F.col("w.order"), F.col("w.source"), "c.stage", "c.kind", "c.reason", "c.document_id")
    rejected = rejected.where(F.col("stage") != "clean").select(
        "order", "source", "stage", "kind", "reason", "document_id").unionByName(cleaned)
    if missing:
        rejected = rejected.unionByName(spark.createDataFrame(
            missing, "order BIGINT, source STRING, stage STRING, kind STRING, reason STRING, "
                     "document_id STRING"))
    latest = Window.partitionBy("source", "stage").orderBy(F.desc("order"))
    tables["rejected"] = (rejected.withColumn("n", F.row_number().over(latest))
                          .withColumn("times", F.count("*").over(
                              Window.partitionBy("source", "stage")))
                          .where(F.col("n") == 1).drop("n", "order"))
    for name in ("documents", "analyses", "actors", "places", "document_sources", "rejected",
                 *PER_DOCUMENT):
        _write(tables[name], out, name)
    timed("tables")

    # 4. Links.
    fingerprints = staged.where(F.col("table") == "link").select(
        F.from_json("payload", LINK_DDL).alias("r")).select("r.*").persist()
    links = link_tables(fingerprints)
    for name in ("link_documents", "link_bands", "link_outlets", "document_links"):
        _write(links[name], out, name)
    _write(origin_table(fingerprints, spark.read.parquet(f"{out}/document_links")), out,
           "document_origins")
    fingerprints.unpersist()
    timed("links")

    # 5. Events, from the tables as written.
    read_back = {n: spark.read.parquet(f"{out}/{n}") for n in (
        "event_reports", "documents", "document_origins", "document_links", "actors")}
    events = event_tables(read_back["event_reports"], read_back["documents"],
                          read_back["document_origins"], read_back["document_links"],
                          read_back["actors"])
    for name, df in events.items():
        _write(df, out, name)
    timed("events")

    counts = {n: spark.read.parquet(f"{out}/{n}") for n in (
        "documents", "rejected", "analyses", "document_links", "events")}
    summary.documents = counts["documents"].count()
    summary.rejected = counts["rejected"].count()
    summary.analyses = {r[0]: r[1] for r in
                        counts["analyses"].groupBy("status").count().collect()}
    summary.links = {r[0]: r[1] for r in
                     counts["document_links"].groupBy("kind").count().collect()}
    summary.events = counts["events"].count()
    _remove(spark, staging)
    summary.seconds["total"] = round(time.perf_counter() - started, 2)
    job = {"sitrep": __version__, "version": version, "link_params": params(),
           "ingested_at": ingested_at, "inputs": list(inputs), "partitions": partitions,
           "summary": summary.__dict__}
    _write_text(spark, f"{out}/{JOB_FILE}", json.dumps(job, indent=2, ensure_ascii=False))
    return summary


def _write(df: DataFrame, out: str, name: str) -> None:
    from .tables import columns

    df.select(*columns(name)).write.mode("overwrite").parquet(f"{out}/{name}")


def _local(path: str) -> Path | None:
    if "://" not in path:
        return Path(path)
    return Path(path[len("file://"):]) if path.startswith("file://") else None


def _remove(spark: SparkSession, path: str) -> None:
    local = _local(path)
    if local is not None:
        shutil.rmtree(local, ignore_errors=True)
        return
    jvm = spark.sparkContext._jvm  # a remote file system: through Hadoop's API
    hpath = jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
    hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).delete(hpath, True)


def _write_text(spark: SparkSession, path: str, text: str) -> None:
    local = _local(path)
    if local is not None:
        local.write_text(text + "\n", encoding="utf-8")
        return
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
    stream = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).create(hpath)
    stream.write(bytearray((text + "\n").encode("utf-8")))
    stream.close()


def job_info(output: str | Path) -> dict[str, Any]:
    """What a finished job wrote in ``OUTPUT/_sitrep_job.json``."""
    return json.loads((Path(output) / JOB_FILE).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    """``spark-submit …/sitrep/scale/submit.py INPUT… OUTPUT`` (the master from
    spark-submit) or ``python -m sitrep.scale.spark --master local[4] INPUT… OUTPUT``."""
    parser = argparse.ArgumentParser(prog="sitrep.scale.spark", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="INPUT… OUTPUT")
    parser.add_argument("--master", default=None,
                        help="Spark master (default: spark-submit's, else local[2])")
    parser.add_argument("--partitions", type=int, default=None,
                        help="partitions of the analysis (default: 2 × default parallelism)")
    args = parser.parse_args(argv)
    if len(args.paths) < 2:
        parser.error("give at least one INPUT and the OUTPUT folder")
    # Under spark-submit the master is spark-submit's (it starts Python with a gateway).
    master = args.master or (None if os.environ.get("PYSPARK_GATEWAY_PORT") else DEFAULT_MASTER)
    spark = session(master, partitions=args.partitions)
    try:
        summary = run(spark, args.paths[:-1], args.paths[-1], partitions=args.partitions)
    finally:
        spark.stop()
    print(json.dumps(summary.__dict__, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
