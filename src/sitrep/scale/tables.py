"""The Parquet tables the Spark job writes: one folder per table under OUTPUT, with the
columns (names and meaning) of the SQLite table of the same name (``store/migrations``).

Differences from SQLite, all on purpose:

* Integer primary keys that SQLite numbers itself (``actor_mentions.id`` …) are left out;
  ``seq`` gives a row's place among its document's rows of that table, so that a loader
  keeps the order in which ``sitrep analyze`` would have inserted them.
* ``documents.ingest_order`` orders documents as a single ``sitrep analyze`` of the same
  inputs would have ingested them (file by file in sorted order, record by record); it is
  what ties between equal texts of one day are broken by, and the order ``sitrep load``
  stores them in. ``run_id`` columns are left out (a run is a SQLite notion).
* ``actors.mentioned``: the actor is mentioned in some document's text (else it only
  speaks or judges in a claim); ``sitrep load`` lets a mentioned actor replace a stored row,
  as ``sitrep analyze`` does.
* ``link_bands`` and ``link_outlets`` name documents by id (SQLite: by a compact link id).

Schemas are Spark DDL strings (this module imports no Spark): types are those of the SQLite
columns, TEXT → STRING, INTEGER → BIGINT, REAL → DOUBLE, BLOB → BINARY.
"""

from __future__ import annotations

# Columns of each table, as (name, Spark SQL type). Order: the SQLite table's.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "documents": (
        ("id", "STRING"), ("source", "STRING"), ("source_path", "STRING"),
        ("record", "BIGINT"), ("container", "STRING"), ("media", "STRING"), ("url", "STRING"),
        ("site", "STRING"), ("title", "STRING"), ("byline", "STRING"), ("published", "STRING"),
        ("published_precision", "STRING"), ("published_from", "STRING"),
        ("published_start", "BIGINT"), ("published_end", "BIGINT"), ("language", "STRING"),
        ("language_score", "DOUBLE"), ("text", "STRING"), ("cited_sources", "STRING"),
        ("fingerprint", "STRING"), ("hints", "STRING"), ("raw", "BINARY"),
        ("raw_size", "BIGINT"), ("ingested_at", "STRING"), ("ingest_order", "BIGINT")),
    "document_sources": (("document_id", "STRING"), ("source", "STRING"),
                         ("seen_at", "STRING")),
    "rejected": (("source", "STRING"), ("stage", "STRING"), ("kind", "STRING"),
                 ("reason", "STRING"), ("document_id", "STRING"), ("times", "BIGINT")),
    "analyses": (("document_id", "STRING"), ("stage", "STRING"), ("version", "STRING"),
                 ("status", "STRING"), ("detail", "STRING"), ("at", "STRING")),
    "actors": (("id", "STRING"), ("name", "STRING"), ("type", "STRING"),
               ("country", "STRING"), ("kind", "STRING"), ("aliases", "STRING"),
               ("mentioned", "BOOLEAN")),
    "places": (("id", "STRING"), ("name", "STRING"), ("lat", "DOUBLE"), ("lon", "DOUBLE"),
               ("country", "STRING"), ("admin1", "STRING"), ("feature_class", "STRING"),
               ("feature_code", "STRING"), ("population", "BIGINT")),
    "actor_mentions": (
        ("document_id", "STRING"), ("start_char", "BIGINT"), ("end_char", "BIGINT"),
        ("text", "STRING"), ("actor_id", "STRING"), ("rule", "STRING"), ("role", "STRING"),
        ("affiliation", "STRING"), ("seq", "BIGINT")),
    "place_refs": (
        ("document_id", "STRING"), ("start_char", "BIGINT"), ("end_char", "BIGINT"),
        ("text", "STRING"), ("place_id", "STRING"), ("precision", "STRING"),
        ("role", "STRING"), ("rule", "STRING"), ("candidates", "STRING"), ("seq", "BIGINT")),
    "time_refs": (
        ("document_id", "STRING"), ("start_char", "BIGINT"), ("end_char", "BIGINT"),
        ("text", "STRING"), ("value", "STRING"), ("granularity", "STRING"),
        ("start_date", "STRING"), ("end_date", "STRING"), ("anchor", "STRING"),
        ("rule", "STRING"), ("kind", "STRING"), ("seq", "BIGINT")),
    "figures": (
        ("document_id", "STRING"), ("start_char", "BIGINT"), ("end_char", "BIGINT"),
        ("text", "STRING"), ("value", "BIGINT"), ("low", "BIGINT"), ("high", "BIGINT"),
        ("qualifier", "STRING"), ("vague", "STRING"), ("unit", "STRING"),
        ("counted", "STRING"), ("rule", "STRING"), ("seq", "BIGINT")),
    "event_reports": (
        ("id", "STRING"), ("document_id", "STRING"), ("event_type", "STRING"),
        ("sub_event_type", "STRING"), ("cameo", "STRING"), ("actor1_id", "STRING"),
        ("actor2_id", "STRING"), ("associated", "STRING"), ("inter1", "BIGINT"),
        ("inter2", "BIGINT"), ("interaction", "STRING"), ("place_id", "STRING"),
        ("location", "STRING"), ("admin1", "STRING"), ("country", "STRING"),
        ("latitude", "DOUBLE"), ("longitude", "DOUBLE"), ("geo_precision", "BIGINT"),
        ("place_from", "STRING"), ("date_start", "STRING"), ("date_end", "STRING"),
        ("time_precision", "BIGINT"), ("date_from", "STRING"), ("fatalities", "BIGINT"),
        ("fatalities_low", "BIGINT"), ("fatalities_high", "BIGINT"), ("figures", "STRING"),
        ("modality", "STRING"), ("happened", "BIGINT"), ("hedged", "BIGINT"),
        ("notes", "STRING"), ("evidence", "STRING"), ("score", "DOUBLE"), ("rule", "STRING"),
        ("seq", "BIGINT")),
    "claims": (
        ("id", "STRING"), ("document_id", "STRING"), ("ordinal", "BIGINT"),
        ("claimant_id", "STRING"), ("claimant_name", "STRING"), ("claimant_role", "STRING"),
        ("claimant_affiliation", "STRING"), ("kind", "STRING"), ("stance", "STRING"),
        ("status", "STRING"), ("channel", "STRING"), ("cue_lemma", "STRING"),
        ("content_start", "BIGINT"), ("content_end", "BIGINT"), ("content", "STRING"),
        ("date_start", "STRING"), ("date_end", "STRING"), ("hedged", "BIGINT"),
        ("evidence", "STRING"), ("rule", "STRING"), ("seq", "BIGINT")),
    "claim_verifications": (
        ("claim_id", "STRING"), ("document_id", "STRING"), ("status", "STRING"),
        ("by_id", "STRING"), ("by_name", "STRING"), ("from_claim", "STRING"),
        ("evidence", "STRING"), ("rule", "STRING"), ("seq", "BIGINT")),
    "claim_events": (
        ("claim_id", "STRING"), ("document_id", "STRING"), ("event_id", "STRING"),
        ("figure_start", "BIGINT"), ("figure_end", "BIGINT"), ("figure_text", "STRING"),
        ("seq", "BIGINT")),
    "link_documents": (("document_id", "STRING"), ("shingles", "BIGINT"),
                       ("signature", "BINARY"), ("day", "STRING")),
    "link_bands": (("key", "BIGINT"), ("document_id", "STRING")),
    "link_outlets": (("key", "STRING"), ("role", "STRING"), ("document_id", "STRING")),
    "document_links": (
        ("document_id", "STRING"), ("other_id", "STRING"), ("kind", "STRING"),
        ("jaccard", "DOUBLE"), ("jaccard_exact", "DOUBLE"), ("contains_other", "DOUBLE"),
        ("contained", "DOUBLE"), ("reason", "STRING")),
    "document_origins": (
        ("document_id", "STRING"), ("origin", "STRING"), ("kind", "STRING"),
        ("name", "STRING"), ("parent_id", "STRING"), ("depth", "BIGINT"),
        ("reason", "STRING"), ("up_id", "STRING")),
    "events": (
        ("id", "STRING"), ("block", "STRING"), ("event_type", "STRING"),
        ("sub_event_type", "STRING"), ("cameo", "STRING"), ("actor1_id", "STRING"),
        ("actor2_id", "STRING"), ("associated", "STRING"), ("inter1", "BIGINT"),
        ("inter2", "BIGINT"), ("interaction", "STRING"), ("place_id", "STRING"),
        ("location", "STRING"), ("admin1", "STRING"), ("country", "STRING"),
        ("latitude", "DOUBLE"), ("longitude", "DOUBLE"), ("geo_precision", "BIGINT"),
        ("date_start", "STRING"), ("date_end", "STRING"), ("time_precision", "BIGINT"),
        ("fatalities", "BIGINT"), ("fatalities_low", "BIGINT"), ("fatalities_high", "BIGINT"),
        ("figures", "STRING"), ("modality", "STRING"), ("happened", "BIGINT"),
        ("sources", "BIGINT"), ("independent_sources", "BIGINT"),
        ("first_published", "STRING"), ("last_published", "STRING"), ("notes", "STRING")),
    "event_members": (("report_id", "STRING"), ("event_id", "STRING"),
                      ("document_id", "STRING"), ("origin", "STRING"), ("joined", "BIGINT")),
    "event_decisions": (
        ("report_id", "STRING"), ("other_id", "STRING"), ("event_id", "STRING"),
        ("merged", "BIGINT"), ("conflict", "BIGINT"), ("score", "DOUBLE"),
        ("reason", "STRING"), ("features", "STRING")),
}

# Columns of a table that SQLite does not have (see the module docstring).
EXTRA_COLUMNS = {"seq", "ingest_order", "mentioned"}
# Tables whose rows belong to one document and are written in the document's order.
PER_DOCUMENT = ("actor_mentions", "place_refs", "time_refs", "figures", "event_reports",
                "claims", "claim_verifications", "claim_events")
# Binary columns: carried base64-encoded in the JSON rows the Spark tasks emit.
BINARY_COLUMNS = {(t, c) for t, cols in TABLES.items() for c, kind in cols if kind == "BINARY"}
# What the job writes beside the tables: the pipeline version, link parameters, counts.
JOB_FILE = "_sitrep_job.json"


def columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]


def ddl(table: str) -> str:
    """The table's schema as a Spark DDL string ("id STRING, …")."""
    return ", ".join(f"`{c}` {kind}" for c, kind in TABLES[table])
