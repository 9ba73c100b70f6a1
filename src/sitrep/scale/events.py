"""Consolidated events at scale: ``link.consolidate`` run per block, as a Spark job.

A block is what ``link.consolidate.blocks`` makes: the reports of one country whose date
intervals chain together (each starts within ``compatibility.MAX_GAP_DAYS`` of the latest end
before it). The job finds blocks with a window over each country's reports sorted by date
(only four short columns per report are sorted), then clusters every block on an executor
with ``link.consolidate.cluster_stream`` (its rows sorted by date in the shuffle, a month at
a time: an executor holds a month of the block, its open events, and its documents' ids and
event rows until it ends) and summarizes its events with the functions
``store.consolidated`` uses, so the ``events``, ``event_members`` and ``event_decisions``
rows (and each event's block signature) equal those of ``sitrep analyze`` on the same
reports. Blocks, not (country, week) buckets, are the unit: a week bucket would cut the
chains that cross a week's end and merge less than the single-process consolidation. A
country reported every day forms one block, in one task, as it does in SQLite (the
clustering within a block is indexed by day and map cell, so it stays near-linear).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from typing import TYPE_CHECKING, Any

from ..link.compatibility import MAX_GAP_DAYS, ReportView
from ..link.consolidate import Considered, cluster_stream, summarize
from ..store.consolidated import _death_figures, _linked, _pair, _row, _Signature
from .tables import columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

DEATH_UNITS = ("killed", "dead", "executed")  # as store.consolidated.report_views
# The event_reports columns a report view reads (store.consolidated.REPORT_COLUMNS).
REPORT_COLUMNS = (
    "id", "document_id", "event_type", "sub_event_type", "cameo", "actor1_id", "actor2_id",
    "associated", "inter1", "inter2", "place_id", "location", "admin1", "country", "latitude",
    "longitude", "geo_precision", "place_from", "date_start", "date_end", "time_precision",
    "figures", "modality", "happened", "notes")


def report_view(row: dict[str, Any]) -> ReportView:
    """A report as the consolidation sees it (``store.consolidated.report_views`` for a row
    that has its document's ``published``, ``ingested_at`` and ``origin``)."""
    r = {k: row[k] for k in (*REPORT_COLUMNS, "published", "ingested_at")}
    r["figures"] = json.loads(r["figures"] or "[]")
    r["associated"] = json.loads(r["associated"] or "[]")
    actors = frozenset(a for a in (r["actor1_id"], r["actor2_id"], *r["associated"]) if a)
    return ReportView(
        id=r["id"], document_id=r["document_id"], origin=row["origin"] or r["document_id"],
        published=(r["published"] or "")[:10] or None, event_type=r["event_type"],
        sub_event_type=r["sub_event_type"], actors=actors, country=r["country"],
        admin1=r["admin1"], latitude=r["latitude"], longitude=r["longitude"],
        geo_precision=r["geo_precision"], date_start=r["date_start"], date_end=r["date_end"],
        figures=_death_figures([f for f in r["figures"] if f.get("unit") in DEATH_UNITS]),
        happened=bool(r["happened"]), row=r)


def block_events(rows: Iterable[Any], types: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Cluster one block of report rows, given in ``block_order``, as ``sitrep analyze``
    does (``cluster_stream``, a month at a time): ``(table, JSON row)`` for ``events``,
    ``event_members`` and ``event_decisions``. Members and decisions go out as they come;
    the events wait for the block's signature."""
    sig = _Signature()
    partners: dict[str, set[str]] = {}  # report id → its document's linked documents
    seen: set[str] = set()  # the block's documents so far

    def views() -> Iterator[ReportView]:
        for row in rows:
            r = row.asDict()
            partners[r["id"]] = set(r["linked"] or ())
            yield report_view(r)

    def links_for(month: list[ReportView], live: set[str]) -> Callable[[str, str], bool]:
        # The month's documents' links to the block's so far (as store.consolidated's).
        docs = {r.document_id for r in month}
        new = docs - seen
        seen.update(new)
        pairs = {_pair(r.document_id, other) for r in month for other in partners.pop(r.id)
                 if other in seen}
        sig.month(month, pairs, new)
        return _linked(pairs)

    events = []
    for x in cluster_stream(views(), links_for=links_for):
        if isinstance(x, Considered):
            yield "event_decisions", json.dumps({
                "report_id": x.report, "other_id": x.other, "event_id": x.event,
                "merged": int(x.decision.merged), "conflict": int(x.decision.conflict),
                "score": x.decision.score, "reason": x.decision.reason,
                "features": json.dumps(x.decision.features)}, ensure_ascii=False)
            continue
        e = _row(summarize(x), x, types)
        events.append({k: e.get(k) for k in columns("events")})
        for k, m in enumerate(x.members):
            yield "event_members", json.dumps({
                "report_id": m.id, "event_id": x.id, "document_id": m.document_id,
                "origin": m.origin, "joined": k})
    block = sig.hexdigest()
    for e in events:
        yield "events", json.dumps({**e, "block": block}, ensure_ascii=False)


def partition_events(rows: Iterable[Any], types: dict[str, str]) -> Iterator[tuple[str, str]]:
    """``block_events`` of each block of a partition whose rows come sorted by block."""
    for _, block in groupby(rows, key=lambda r: r["block"]):
        yield from block_events(block, types)


def event_tables(reports: DataFrame, documents: DataFrame, origins: DataFrame,
                 links: DataFrame, actors: DataFrame) -> dict[str, DataFrame]:
    """``events``, ``event_members`` and ``event_decisions`` from the job's tables."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from .tables import ddl

    spark = reports.sparkSession
    either = links.select("document_id", F.col("other_id").alias("o")).unionByName(
        links.select(F.col("other_id").alias("document_id"),
                     F.col("document_id").alias("o")))
    linked = either.groupBy("document_id").agg(F.collect_set("o").alias("linked"))
    views = (reports.select(*REPORT_COLUMNS)
             .join(documents.select(F.col("id").alias("document_id"), "published",
                                    "ingested_at"), "document_id")
             .join(origins.select("document_id", "origin"), "document_id", "left")
             .join(linked, "document_id", "left"))
    # Blocks: in each country, sorted by (date_start, date_end, id), a report starts a new
    # block when it starts more than MAX_GAP_DAYS after the latest end before it.
    chained = (F.col("happened") == 1) & F.col("country").isNotNull() \
        & (F.col("country") != "") & F.col("date_start").isNotNull() \
        & (F.col("date_start") != "") & F.col("date_end").isNotNull() \
        & (F.col("date_end") != "")
    keys = views.select("id", "country", "date_start", "date_end").where(chained)
    by_date = Window.partitionBy("country").orderBy("date_start", "date_end", "id")
    keys = keys.withColumn("reach", F.max("date_end").over(
        by_date.rowsBetween(Window.unboundedPreceding, -1)))
    keys = keys.withColumn("starts", (F.col("reach").isNull() | (F.datediff(
        F.to_date("date_start"), F.to_date("reach")) > MAX_GAP_DAYS)).cast("int"))
    keys = keys.withColumn("block", F.concat_ws(
        "#", "country", F.sum("starts").over(by_date.rowsBetween(
            Window.unboundedPreceding, Window.currentRow)).cast("string")))
    views = views.join(keys.select("id", "block"), "id", "left").withColumn(
        "block", F.coalesce("block", F.concat(F.lit("alone#"), F.col("id"))))
    types = dict(actors.select("id", "type").collect())
    bc = spark.sparkContext.broadcast(types)
    # Each block's rows brought together and in a row by the JVM (a shuffle of Spark's own
    # rows, sorted within each partition), then read block by block in Python: grouping in
    # Python (groupByKey) pickled every row twice more and held whole groups in lists.
    out = (views.repartition("block")
           .sortWithinPartitions("block", "date_start", "date_end", "id").rdd
           .mapPartitions(lambda rows: partition_events(rows, bc.value)))
    tagged = spark.createDataFrame(out, "table STRING, payload STRING", verifySchema=False
                                   ).persist()
    return {t: tagged.where(F.col("table") == t)
            .select(F.from_json("payload", ddl(t)).alias("r")).select("r.*")
            for t in ("events", "event_members", "event_decisions")}
