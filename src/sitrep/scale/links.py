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

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

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


def _array(b64: str | None) -> np.ndarray | None:
    return None if b64 is None else np.frombuffer(base64.b64decode(b64), dtype=np.uint32)


def linked(r: Any) -> tuple[LinkedDocument, Fingerprint]:
    """A document of a candidate pair, decoded, from this Python worker's cache when it was
    decoded for an earlier pair (a document is in hundreds of pairs: each decoding its
    shingle hashes and signature again cost about as much as scoring the pair)."""
    key = (r["order"], r["document_id"], r["ingested_at"])  # (a worker serves many jobs)
    found = _decoded.get(key)
    if found is None:
        if len(_decoded) >= DECODED_CACHE:
            _decoded.clear()
        sig = _array(r["signature"])
        doc = LinkedDocument(r["order"], r["document_id"], r["day"], r["published"],
                             r["ingested_at"], r["site"], r["url"],
                             tuple(json.loads(r["cited_sources"])), r["shingles"], sig)
        found = _decoded[key] = (doc, Fingerprint(_array(r["hashes"]), sig))  # type: ignore[arg-type]
    return found


# Documents a Python worker keeps decoded (``linked``): a few KB each.
DECODED_CACHE = 20_000
_decoded: dict[tuple[int, str, str], tuple[LinkedDocument, Fingerprint]] = {}


def score_pair(a: Any, b: Any, band: bool, cite: bool) -> list[tuple[Any, ...]]:
    """The links one candidate pair makes (``a`` ingested first), as ``link.stage`` does:
    ``document_links`` rows, each value of its column's type (``link_row``)."""
    (da, fa), (db, fb) = linked(a), linked(b)

    def cited_worth() -> bool:  # link.stage: a citation pair estimated to share enough
        if fa.signature is None or fb.signature is None:  # too short to estimate: score
            return True
        return estimated_containment(fa.signature, da.shingles, fb.signature,
                                     db.shingles) >= CITED_MIN_ESTIMATE

    worth = (band and worth_scoring(fa, fb)) or (cite and cited_worth())
    if not worth:
        return []
    return [link_row(x) for x in pair_links(da, db, score(fa, fb))]


# ``document_links``' columns in its table's order, each with whether it is a DOUBLE.
_LINK_COLUMNS = tuple((name, kind == "DOUBLE") for name, kind in TABLES["document_links"])


def link_row(x: DocumentLink) -> tuple[Any, ...]:
    """A ``document_links`` row as a tuple in the table's column order (``scale.tables``),
    each value of its column's type: the frame is made without PySpark's per-row type check
    (``verifySchema``), and Spark reads an int in a DOUBLE column as null, so the DOUBLE
    columns are made floats here."""
    return tuple(float(getattr(x, name)) if double else getattr(x, name)
                 for name, double in _LINK_COLUMNS)


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

    spark = fingerprints.sparkSession
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
    rows = outlets.rdd.map(lambda r: ((r["okey"], r["role"]), (r["day"], r["order"])))
    asks = lookups.rdd.map(lambda r: ((r["okey"], r["role"]), (r["order"], r["day"])))
    cite_rdd = rows.cogroup(asks).flatMap(lambda kv: outlet_pairs(kv[1][0], kv[1][1]))
    cite_pairs = spark.createDataFrame(cite_rdd, "a BIGINT, b BIGINT", verifySchema=False
                                       ).distinct() \
        .withColumn("cite", F.lit(True))
    pairs = band_pairs.join(cite_pairs, ["a", "b"], "full_outer").fillna(False)
    sides = fp.select("order", "document_id", "shingles", "hashes", "signature", "day",
                      "published", "ingested_at", "site", "url", "cited_sources")
    scored = (pairs.join(sides.alias("A"), F.col("a") == F.col("A.order"))
              .join(sides.alias("B"), F.col("b") == F.col("B.order"))
              .select(F.struct("A.*").alias("A"), F.struct("B.*").alias("B"), "band", "cite"))
    link_rdd = scored.rdd.flatMap(lambda r: score_pair(r["A"], r["B"], r["band"], r["cite"]))
    links = spark.createDataFrame(link_rdd, _ddl("document_links"), verifySchema=False) \
        .dropDuplicates(["document_id", "other_id", "kind"])
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
