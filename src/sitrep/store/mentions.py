"""Storing and reading what the language pipeline found: one transaction per batch of
documents, each document's mentions replaced as a whole (re-analysis never doubles them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..records import Document
from .claims import attach_claims, claim_rows, insert_actors, insert_claim_rows
from .events import event_rows, insert_event_reports
from .rows import MENTION_COLUMNS, PLACE_COLUMNS, analysis_rows
from .sqlite import DOC_COLUMNS, Store, now, row_to_document

STAGE = "nlp"
MENTION_TABLES = ("actor_mentions", "place_refs", "time_refs", "figures")
PAGE = 256


def pending_documents(store: Store, version: str) -> Iterator[Document]:
    """Documents not yet analysed by this pipeline version, in ingest order, page by page."""
    last = 0
    while True:
        rows = store.conn.execute(
            f"SELECT rowid AS rid, {DOC_COLUMNS} FROM documents d WHERE rowid > ? AND NOT EXISTS "
            "(SELECT 1 FROM analyses a WHERE a.document_id = d.id AND a.stage = ? "
            "AND a.version = ?) ORDER BY rowid LIMIT ?", (last, STAGE, version, PAGE)).fetchall()
        if not rows:
            return
        for row in rows:
            yield row_to_document(row)
        last = rows[-1]["rid"]


def count_pending(store: Store, version: str) -> int:
    return store.conn.execute(
        "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM analyses a "
        "WHERE a.document_id = d.id AND a.stage = ? AND a.version = ?)",
        (STAGE, version)).fetchone()[0]


def save_analysis(store: Store, document_id: str, status: str, detail: str | None,
                  found: dict[str, tuple[Any, ...]], version: str, run_id: int | None,
                  text: str = "") -> None:
    """Replace a document's mentions and events with ``found``. Call inside
    ``store.transaction()``; ``text`` is the document's clean text (for event notes)."""
    save_rows(store, document_id, analysis_rows(document_id, text, found))
    save_analysis_status(store, document_id, status, detail, version, run_id)


def save_rows(store: Store, document_id: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Replace a document's rows of every analysis table with ``rows``
    (``store.rows.analysis_rows``). Call inside a transaction."""
    c = store.conn
    for table in (*MENTION_TABLES, "event_reports", "claim_events", "claim_verifications",
                  "claims"):
        c.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))
    insert_actors(store, rows["actors"])
    upsert_places(store, rows["places"])
    for table in MENTION_TABLES:
        columns = MENTION_COLUMNS[table]
        c.executemany(f"INSERT INTO {table}({', '.join(columns)}) "
                      f"VALUES ({', '.join('?' * len(columns))})",
                      [tuple(r[k] for k in columns) for r in rows[table]])
    insert_event_reports(store, rows["event_reports"])
    insert_claim_rows(store, rows)


def upsert_places(store: Store, places: Iterable[dict[str, Any]]) -> None:
    """Store gazetteer places, new ones added, known ones brought up to date."""
    # An upsert, not INSERT OR REPLACE: REPLACE deletes the old row first, and with foreign
    # keys on, every delete of a place scans the tables that refer to it (event_reports has
    # no index on place_id), so the time per document grew with the database.
    store.conn.executemany(
        f"INSERT INTO places({', '.join(PLACE_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(PLACE_COLUMNS))}) ON CONFLICT(id) DO UPDATE "
        f"SET {', '.join(f'{k} = excluded.{k}' for k in PLACE_COLUMNS[1:])}",
        [tuple(p[k] for k in PLACE_COLUMNS) for p in places])


def save_analysis_status(store: Store, document_id: str, status: str, detail: str | None,
                         version: str, run_id: int | None, at: str | None = None) -> None:
    store.conn.execute(
        "INSERT INTO analyses(document_id, stage, version, status, detail, run_id, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(document_id, stage) DO UPDATE SET "
        "version = excluded.version, status = excluded.status, detail = excluded.detail, "
        "run_id = excluded.run_id, at = excluded.at",
        (document_id, STAGE, version, status, detail, run_id, at or now()))


def _span(row: Any) -> dict[str, Any]:
    return {"start": row["start_char"], "end": row["end_char"], "text": row["text"]}


def document_mentions(store: Store, document_id: str) -> dict[str, Any]:
    """Everything found in one document, as JSON-ready lists ordered by position."""
    c = store.conn
    analysis = c.execute("SELECT status, detail, version, at FROM analyses WHERE "
                         "document_id = ? AND stage = ?", (document_id, STAGE)).fetchone()
    actors = [{
        "span": _span(r), "actor": {"id": r["actor_id"], "name": r["name"], "type": r["type"],
                                    "country": r["country"], "kind": r["kind"]},
        "rule": r["rule"], "role": r["role"], "affiliation": r["affiliation"],
    } for r in c.execute(
        "SELECT m.*, a.name, a.type, a.country, a.kind FROM actor_mentions m JOIN actors a "
        "ON a.id = m.actor_id WHERE m.document_id = ? ORDER BY start_char, end_char DESC",
        (document_id,))]
    places = []
    for r in c.execute("SELECT r.*, p.name AS p_name, p.lat, p.lon, p.country, p.admin1, "
                       "p.feature_class, p.feature_code, p.population FROM place_refs r "
                       "LEFT JOIN places p ON p.id = r.place_id WHERE r.document_id = ? "
                       "ORDER BY start_char", (document_id,)):
        place = None if r["place_id"] is None else {
            "id": r["place_id"], "name": r["p_name"], "lat": r["lat"], "lon": r["lon"],
            "country": r["country"], "admin1": r["admin1"], "feature_class": r["feature_class"],
            "feature_code": r["feature_code"], "population": r["population"]}
        places.append({"span": _span(r), "place": place, "precision": r["precision"],
                       "role": r["role"], "rule": r["rule"],
                       "candidates": json.loads(r["candidates"])})
    times = [{"span": _span(r), "value": r["value"], "granularity": r["granularity"],
              "start": r["start_date"], "end": r["end_date"], "anchor": r["anchor"],
              "rule": r["rule"], "kind": r["kind"]}
             for r in c.execute("SELECT * FROM time_refs WHERE document_id = ? "
                                "ORDER BY start_char", (document_id,))]
    figures = [{"span": _span(r), "value": r["value"], "low": r["low"], "high": r["high"],
                "qualifier": r["qualifier"], "vague": r["vague"], "unit": r["unit"],
                "counted": r["counted"], "rule": r["rule"]}
               for r in c.execute("SELECT * FROM figures WHERE document_id = ? "
                                  "ORDER BY start_char", (document_id,))]
    events = list(event_rows(store, document_id=document_id))
    claims = list(claim_rows(store, document_id=document_id))
    attach_claims(events, claims)
    return {"analysis": dict(analysis) if analysis else None, "actors": actors,
            "places": places, "times": times, "figures": figures, "events": events,
            "claims": claims}


def actor_table(store: Store) -> list[dict[str, Any]]:
    """Canonical actors across the database, most mentioned first."""
    return [dict(r) | {"aliases": json.loads(r["aliases"])} for r in store.conn.execute(
        "SELECT a.id, a.name, a.type, a.country, a.kind, a.aliases, count(m.id) AS mentions, "
        "count(DISTINCT m.document_id) AS documents FROM actors a JOIN actor_mentions m "
        "ON m.actor_id = a.id GROUP BY a.id ORDER BY mentions DESC, a.name")]


def place_table(store: Store) -> list[dict[str, Any]]:
    """Places across the database, most mentioned first."""
    return [dict(r) for r in store.conn.execute(
        "SELECT p.id, p.name, p.lat, p.lon, p.country, p.admin1, p.feature_class, "
        "p.feature_code, p.population, count(r.id) AS mentions, "
        "count(DISTINCT r.document_id) AS documents FROM places p JOIN place_refs r "
        "ON r.place_id = p.id GROUP BY p.id ORDER BY mentions DESC, p.name")]


