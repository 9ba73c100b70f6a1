"""Links across documents at scale: the link stage (``link.stage``) as Spark jobs.

The same rules on the same fingerprints (``link.minhash``: shingles, permutations, bands):

* **Band candidates**: documents sharing an LSH band key, under each key the
  ``near_duplicates.MAX_PER_BAND`` latest before a document, and of those its
  ``near_duplicates.MAX_CANDIDATES`` best (most shared keys, then earliest ingested).
* **Citation candidates**: a document citing an outlet against that outlet's documents of
  nearby days (``derived.CITE_WINDOW_DAYS``, at most ``derived.MAX_CITE_CANDIDATES``,
  nearest first), grouped per outlet.
* Each candidate pair is then scored exactly and ordered, and becomes a near-duplicate and/or
  derived-from link, by ``near_duplicates`` and ``derived``; origins follow derived-from
  links to their roots (``derived.resolve_origins``).

The results equal a single ``sitrep analyze`` of the same documents in one link batch
(``link.stage.BATCH_SIZE`` documents): the link stage compares each batch with what is stored,
so over several batches the citation candidate cap (which binds only for an outlet with
``MAX_CITE_CANDIDATES`` documents in the window) can keep different pairs. One difference
on purpose: a document dated only to a month or a year is not a citation candidate of a
dated document (``store.links.outlet_neighbours`` cannot compute its distance in days).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from ..link.derived import (
    CITE_WINDOW_DAYS,
    CITED_MIN_ESTIMATE,
    MAX_CITE_CANDIDATES,
    OriginFacts,
    _root_origin,
    credits,
    pair_links,
    resolve_origins,
    site_keys,
)
from ..link.minhash import Fingerprint
from ..link.near_duplicates import (
    MAX_CANDIDATES,
    MAX_PER_BAND,
    estimated_containment,
    score,
    worth_scoring,
)
from ..records import DocumentLink
from ..store.links import UNDATED, LinkedDocument
from .tables import TABLES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# The fingerprint rows the Spark tasks emit (``spark_tasks.link_row``).
LINK_DDL = (
    "document_id STRING, order BIGINT, shingles BIGINT, hashes STRING, signature STRING, "
    "bands ARRAY<BIGINT>, day STRING, published STRING, ingested_at STRING, site STRING, "
    "url STRING, cited_sources STRING, outlets ARRAY<ARRAY<STRING>>, "
    "lookups ARRAY<ARRAY<STRING>>")


# -- pure functions (run on executors) -------------------------------------------------------------
def neighbours(rows: list[tuple[str, int]], day: str | None,
               window_days: int = CITE_WINDOW_DAYS, limit: int = MAX_CITE_CANDIDATES
               ) -> list[int]:
    """``store.links.outlet_neighbours`` over one outlet's rows in one role, given as sorted
    ``(day part, order)`` pairs: the ``limit`` documents nearest in time to ``day``."""
    undated = [(d, o) for d, o in rows if d == UNDATED][:limit]
    start = None
    if day is not None:
        try:
            start = date.fromisoformat(day)
        except ValueError:
            start = None
    if day is None:  # the outlet's latest documents
        found = sorted(((d, o) for d, o in rows if "" < d < "9999"), key=lambda r: r[1])
        found = sorted(found, key=lambda r: r[0], reverse=True)[:limit]
    elif start is None:  # a month or a year: that period only
        found = [(d, o) for d, o in rows if d == day][:limit]
    else:
        low = (start - timedelta(days=window_days)).isoformat()
        high = (start + timedelta(days=window_days)).isoformat()
        before = sorted((r for r in rows if low <= r[0] <= day), key=lambda r: r[1])
        before = sorted(before, key=lambda r: r[0], reverse=True)[:limit]
        after = [r for r in rows if day < r[0] <= high][:limit]
        found = []
        for d, o in before + after:
            try:
                found.append((abs((date.fromisoformat(d) - start).days), o))
            except ValueError:  # a period inside the range of days: no distance in days
                continue
        found.sort()
    return [o for _, o in (found + undated)[:limit]]


def outlet_pairs(rows: Iterable[tuple[str, int]], lookups: Iterable[tuple[int, str | None]]
                 ) -> Iterator[tuple[int, int]]:
    """Citation candidate pairs (low order, high order) of one outlet key and role."""
    ordered = sorted(rows)
    for a, day in lookups:
        for b in neighbours(ordered, day):
            if b != a:
                yield (min(a, b), max(a, b))


def cited_pairs(rows: pa.Table, asks: pa.Table) -> pa.Table:
    """``outlet_pairs`` of one outlet key and role (``applyInArrow`` over the outlet's
    ``(day, order)`` rows and the ``(order, day)`` lookups of the documents citing it)."""
    found = sorted(set(outlet_pairs(
        zip(rows.column("day").to_pylist(), rows.column("order").to_pylist(), strict=True),
        zip(asks.column("order").to_pylist(), asks.column("day").to_pylist(), strict=True))))
    return pa.table([pa.array([p[0] for p in found], pa.int64()),
                     pa.array([p[1] for p in found], pa.int64())], schema=PAIR_SCHEMA)


PAIR_SCHEMA = pa.schema([("a", pa.int64()), ("b", pa.int64())])

# What the scoring job is given of each document of a pair (``link_row``'s fields, the
# shingle hashes and signature as bytes), each column prefixed ``a_`` or ``b_``.
SIDE = ("order", "document_id", "shingles", "hashes", "signature", "day", "published",
        "ingested_at", "site", "url", "cited_sources")


def _array(data: bytes | None) -> np.ndarray | None:
    return None if data is None else np.frombuffer(data, dtype=np.uint32)


class _Side:
    """One side's columns of a batch of candidate pairs: the key columns as Python lists, the
    others read row by row, only for a document not decoded yet."""

    def __init__(self, batch: pa.RecordBatch, prefix: str) -> None:
        self.columns = {k: batch.column(f"{prefix}{k}") for k in SIDE}
        self.keys = list(zip(*(self.columns[k].to_pylist()
                               for k in ("order", "document_id", "ingested_at")), strict=True))

    def linked(self, i: int) -> tuple[LinkedDocument, Fingerprint]:
        """Row ``i``'s document, decoded, from this Python worker's cache when it was decoded
        for an earlier pair (a document is in hundreds of pairs: each decoding its shingle
        hashes and signature again cost about as much as scoring the pair)."""
        key = self.keys[i]  # (order, id, job stamp: a worker serves many jobs)
        found = _decoded.get(key)
        if found is None:
            if len(_decoded) >= DECODED_CACHE:
                _decoded.clear()
            r = {k: self.columns[k][i].as_py() for k in SIDE}
            sig = _array(r["signature"])
            doc = LinkedDocument(r["order"], r["document_id"], r["day"], r["published"],
                                 r["ingested_at"], r["site"], r["url"],
                                 tuple(json.loads(r["cited_sources"])), r["shingles"], sig)
            found = _decoded[key] = (doc, Fingerprint(_array(r["hashes"]), sig))  # type: ignore[arg-type]
        return found


# Documents a Python worker keeps decoded (``_Side.linked``): a few KB each.
DECODED_CACHE = 20_000
_decoded: dict[tuple[int, str, str], tuple[LinkedDocument, Fingerprint]] = {}


def score_pairs(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` over candidate pairs (``a``, ``b``, ``band``, ``cite`` and both sides'
    ``SIDE`` columns): the ``document_links`` rows they make."""
    for batch in batches:
        a, b = _Side(batch, "a_"), _Side(batch, "b_")
        band, cite = batch.column("band").to_pylist(), batch.column("cite").to_pylist()
        rows = [row for i in range(batch.num_rows)
                for row in score_pair(a.linked(i), b.linked(i), band[i], cite[i])]
        if rows:
            yield pa.RecordBatch.from_arrays(
                [pa.array(column, field.type) for column, field in
                 zip(zip(*rows, strict=True), LINK_SCHEMA, strict=True)], schema=LINK_SCHEMA)


def score_pair(a: tuple[LinkedDocument, Fingerprint], b: tuple[LinkedDocument, Fingerprint],
               band: bool, cite: bool) -> list[tuple[Any, ...]]:
    """The links one candidate pair makes (``a`` ingested first), as ``link.stage`` does:
    ``document_links`` rows (``link_row``)."""
    (da, fa), (db, fb) = a, b

    def cited_worth() -> bool:  # link.stage: a citation pair estimated to share enough
        if fa.signature is None or fb.signature is None:  # too short to estimate: score
            return True
        return estimated_containment(fa.signature, da.shingles, fb.signature,
                                     db.shingles) >= CITED_MIN_ESTIMATE

    worth = (band and worth_scoring(fa, fb)) or (cite and cited_worth())
    if not worth:
        return []
    return [link_row(x) for x in pair_links(da, db, score(fa, fb))]


# ``document_links``' columns in its table's order, and their Arrow types.
_LINK_COLUMNS = attrgetter(*(name for name, _ in TABLES["document_links"]))
_ARROW_TYPES = {"STRING": pa.string(), "DOUBLE": pa.float64(), "BIGINT": pa.int64()}
LINK_SCHEMA = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in TABLES["document_links"]])


def link_row(x: DocumentLink) -> tuple[Any, ...]:
    """A ``document_links`` row as a tuple in the table's column order (``scale.tables``;
    ``score_pairs`` makes each column an array of its ``LINK_SCHEMA`` type)."""
    return _LINK_COLUMNS(x)


def root_origin(document_id: str, site: str | None, url: str | None,
                cited_sources: str) -> dict[str, Any]:
    cited = json.loads(cited_sources)
    return _root_origin(document_id, OriginFacts(site, credits(cited, site_keys(site, url)))
                        ).__dict__


# -- the Spark jobs --------------------------------------------------------------------------------
def link_tables(fingerprints: DataFrame) -> dict[str, DataFrame]:
    """``link_documents``, ``link_bands``, ``link_outlets`` and ``document_links`` from the
    fingerprint rows of the Spark tasks (``LINK_DDL`` columns); ``origin_table`` makes
    ``document_origins`` from the links as written (the links are computed once: a lazy
    links frame read by two jobs would score every pair twice)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    fp = fingerprints
    tables: dict[str, DataFrame] = {
        "link_documents": fp.select("document_id", "shingles",
                                    F.unbase64("signature").alias("signature"), "day"),
        "link_bands": fp.select(F.explode("bands").alias("key"), "document_id"),
        "link_outlets": fp.select(F.explode("outlets").alias("o"), "document_id").select(
            F.concat_ws("|", F.col("o")[0], F.col("o")[1]).alias("key"),
            F.col("o")[2].alias("role"), "document_id").dropDuplicates(),
    }
    # Band candidates: under each key a document's MAX_PER_BAND latest before it (numbered
    # by ingestion order within the key, each document asks for the numbers just below its
    # own: an equi-join, so a key shared by thousands of copies costs MAX_PER_BAND rows per
    # copy, not thousands), then each document's best MAX_CANDIDATES.
    bands = fp.select("order", F.explode("bands").alias("key")).withColumn(
        "n", F.row_number().over(Window.partitionBy("key").orderBy("order")))
    asks = bands.where(F.col("n") > 1).select(
        "key", F.col("order").alias("new"),
        F.explode(F.sequence(F.greatest(F.col("n") - MAX_PER_BAND, F.lit(1)),
                             F.col("n") - 1)).alias("n"))
    shared = (asks.join(bands.withColumnRenamed("order", "other"), ["key", "n"])
              .groupBy("new", "other").count())
    best = Window.partitionBy("new").orderBy(F.desc("count"), "other")
    band_pairs = (shared.withColumn("rank", F.row_number().over(best))
                  .where(F.col("rank") <= MAX_CANDIDATES)
                  .select(F.least("new", "other").alias("a"),
                          F.greatest("new", "other").alias("b")).distinct()
                  .withColumn("band", F.lit(True)))
    # Citation candidates, per outlet key and role. Of one day, only an outlet's first
    # MAX_CITE_CANDIDATES documents can ever be picked: the others are dropped first.
    outlets = fp.select("order", F.explode("outlets").alias("o")).select(
        F.col("o")[0].alias("okey"), F.col("o")[1].alias("day"), F.col("o")[2].alias("role"),
        "order").dropDuplicates()
    per_day = Window.partitionBy("okey", "role", "day").orderBy("order")
    outlets = (outlets.withColumn("rank", F.row_number().over(per_day))
               .where(F.col("rank") <= MAX_CITE_CANDIDATES))
    lookups = fp.select("order", F.explode("lookups").alias("k")).select(
        F.col("k")[0].alias("okey"), F.col("k")[1].alias("role"), F.col("k")[2].alias("day"),
        "order")
    cite_pairs = (outlets.groupBy("okey", "role")
                  .cogroup(lookups.groupBy("okey", "role"))
                  .applyInArrow(cited_pairs, "a BIGINT, b BIGINT")
                  .distinct().withColumn("cite", F.lit(True)))
    pairs = band_pairs.join(cite_pairs, ["a", "b"], "full_outer").fillna(False)
    sides = fp.select(*(F.unbase64(c).alias(c) if c in ("hashes", "signature") else c
                        for c in SIDE))
    scored = (pairs.join(sides.select(*(F.col(c).alias(f"a_{c}") for c in SIDE)),
                         F.col("a") == F.col("a_order"))
              .join(sides.select(*(F.col(c).alias(f"b_{c}") for c in SIDE)),
                    F.col("b") == F.col("b_order")))
    # Each pair is one row of ``pairs`` (both kinds of candidates are distinct pairs, joined
    # on the pair), and makes at most one link of each kind: no link comes twice.
    links = scored.mapInArrow(score_pairs, _ddl("document_links"))
    tables["document_links"] = links
    return tables


def _ddl(table: str) -> str:
    from .tables import ddl

    return ddl(table)


def origin_table(fp: DataFrame, links: DataFrame) -> DataFrame:
    """Every document's origin: its own root origin, unless it is derived from another.
    Each document's strongest derived-from link is chosen in Spark (the order of
    ``store.links.best_parents``); the chains of those are followed on the driver (memory:
    one link per derived document, and the outlet facts of the documents they join)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    spark = fp.sparkSession
    strongest = Window.partitionBy("document_id").orderBy(
        F.greatest("contains_other", "contained").desc(), "other_id")
    derived = [DocumentLink(**r.asDict()) for r in
               links.where(F.col("kind") == "derived-from")
               .withColumn("n", F.row_number().over(strongest)).where(F.col("n") == 1)
               .drop("n").collect()]
    parents: dict[str, list[DocumentLink]] = {}
    for x in derived:
        parents.setdefault(x.document_id, []).append(x)
    graph = sorted({x.document_id for x in derived} | {x.other_id for x in derived})
    facts: dict[str, OriginFacts] = {}
    if graph:
        wanted = spark.createDataFrame([(d,) for d in graph], "document_id STRING")
        for r in fp.join(wanted, "document_id").select(
                "document_id", "site", "url", "cited_sources").collect():
            cited = json.loads(r["cited_sources"])
            facts[r["document_id"]] = OriginFacts(
                r["site"], credits(cited, site_keys(r["site"], r["url"])))
    resolved = resolve_origins(graph, lambda d: parents.get(d, []),
                               lambda d: facts.get(d, OriginFacts(None, ())))
    columns = "document_id STRING, origin STRING, kind STRING, name STRING, " \
              "parent_id STRING, depth BIGINT, reason STRING"
    # up_id: the strongest link's other end (the parent, but for a circle's root, which
    # has a strongest link and no parent); documents without derived-from links have none.
    chained = spark.createDataFrame(
        [(*o.__dict__.values(), parents[o.document_id][0].other_id
          if o.document_id in parents else None) for o in resolved],
        f"{columns}, up_id STRING")
    roots = spark.createDataFrame(fp.select("document_id", "site", "url", "cited_sources").rdd
                                  .map(lambda r: root_origin(*r)), columns) \
        .withColumn("up_id", F.lit(None).cast("string"))
    return roots.join(chained.select("document_id"), "document_id", "left_anti") \
        .unionByName(chained)
