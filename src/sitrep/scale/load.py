"""``sitrep load PARQUET_DIR``: bring what ``sitrep spark analyze`` wrote into the SQLite store.

Idempotent: a document already stored is not stored again (its sources are added), and a
document whose analysis by the same pipeline version is stored keeps it; loading the same
folder twice changes nothing. Tables are read file by file, batch by batch (memory holds one
batch and the ids of the documents being loaded), and written in the order Spark wrote them
(documents in ingest order, each document's rows in order).

Cross-document results:

* Into an **empty** database the job's links, fingerprints, origins and consolidated events
  are stored as they are; the consolidation is then brought up to date as ``sitrep analyze``
  does (``store.consolidated.update_events``), which finds every block already clustered
  (``LoadSummary.reclustered`` is 0 when Spark and SQLite agree).
* Into a database that **holds documents already**, the job's links would miss the pairs
  between the stored documents and the loaded ones: the link stage and the consolidation of
  ``sitrep analyze`` run instead, over the loaded documents (the link stage reads stored
  fingerprints, so this costs what linking the new documents costs).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SitrepError
from ..store import Store
from ..store.claims import insert_actors
from ..store.mentions import MENTION_TABLES, STAGE, upsert_places
from ..store.rows import MENTION_COLUMNS
from ..store.sqlite import DOC_COLUMNS, now
from .tables import EXTRA_COLUMNS, JOB_FILE, PER_DOCUMENT, columns

# Rows read from Parquet and written per SQLite statement batch.
BATCH_ROWS = 2000
# Tables of the link stage and the consolidation, stored only into an empty database.
LINK_TABLES = ("link_documents", "link_bands", "link_outlets", "document_links",
               "document_origins")
EVENT_TABLES = ("events", "event_members", "event_decisions")


@dataclass
class LoadSummary:
    run_id: int
    documents_new: int = 0
    documents_seen: int = 0  # stored already (same bytes)
    analyses: int = 0  # documents whose analysis was stored
    rejected: int = 0
    links: str = ""  # "spark": the job's links and events; "relinked": the link stage ran
    near_duplicates: int = 0
    derived: int = 0
    events: int = 0
    reclustered: int = 0  # blocks the consolidation clustered again after the load


def _rows(folder: Path, table: str, cols: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """A table's rows, file by file in name order (Spark's part order), batch by batch."""
    import pyarrow.parquet as pq

    for path in sorted((folder / table).glob("*.parquet")):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=BATCH_ROWS, columns=cols):
            yield from batch.to_pylist()


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH_ROWS
             ) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def job_file(folder: Path) -> dict[str, Any]:
    path = folder / JOB_FILE
    if not path.is_file():
        raise SitrepError(f"{folder}: not the output of `sitrep spark analyze` (no {JOB_FILE})")
    return json.loads(path.read_text(encoding="utf-8"))


def load(store: Store, folder: str | Path) -> LoadSummary:
    """Store the job's output in ``store``; see the module docstring."""
    from ..link.minhash import params
    from ..link.stage import run_links
    from ..store.consolidated import update_events

    folder = Path(folder)
    job = job_file(folder)
    fresh = store.count_documents() == 0 and job.get("link_params") == params()
    run_id = store.begin_run("load", [str(folder)], {"job": {
        k: job.get(k) for k in ("sitrep", "version", "ingested_at", "inputs")}})
    summary = LoadSummary(run_id, links="spark" if fresh else "relinked")
    status = "failed"
    try:
        todo = _load_documents(store, folder, job, summary)
        _load_analyses(store, folder, todo, summary)
        if fresh:
            _load_links(store, folder, run_id)
            _load_events(store, folder)
            c = store.conn
            summary.near_duplicates, summary.derived = (c.execute(
                "SELECT count(*) FROM document_links WHERE kind = ?", (k,)).fetchone()[0]
                for k in ("near-duplicate", "derived-from"))
        else:
            links = run_links(store, run_id=run_id)
            summary.near_duplicates, summary.derived = links.near_duplicates, links.derived
        merged = update_events(store)
        summary.events, summary.reclustered = merged.events, merged.reclustered
        status = "done"
    finally:
        store.update_run(run_id, status=status, documents_new=summary.documents_new,
                         documents_seen=summary.documents_seen, rejected=summary.rejected)
    return summary


def _load_documents(store: Store, folder: Path, job: dict[str, Any],
                    summary: LoadSummary) -> set[str]:
    """Documents, their sources and rejections. Returns the ids whose analysis is to be
    stored: those without an analysis by the job's pipeline version."""
    c = store.conn
    names = [n.strip() for n in DOC_COLUMNS.split(",")]
    version = job["version"]
    todo: set[str] = set()
    for batch in _batches(_rows(folder, "documents", [*names, "raw", "raw_size"])):
        with store.transaction():
            for d in batch:
                cur = c.execute(
                    f"INSERT OR IGNORE INTO documents({DOC_COLUMNS}, raw, raw_size, run_id) "
                    f"VALUES ({', '.join('?' * (len(names) + 3))})",
                    (*(d[n] for n in names), d["raw"], d["raw_size"], summary.run_id))
                if cur.rowcount == 1:
                    summary.documents_new += 1
                    c.execute("DELETE FROM rejected WHERE source = ?", (d["source"],))
                else:
                    summary.documents_seen += 1
                done = c.execute("SELECT 1 FROM analyses WHERE document_id = ? AND stage = ? "
                                 "AND version = ?", (d["id"], STAGE, version)).fetchone()
                if done is None:
                    todo.add(d["id"])
    for batch in _batches(_rows(folder, "document_sources")):
        with store.transaction():
            c.executemany("INSERT OR IGNORE INTO document_sources(document_id, source, run_id, "
                          "seen_at) VALUES (?, ?, ?, ?)",
                          [(s["document_id"], s["source"], summary.run_id, s["seen_at"])
                           for s in batch])
    for batch in _batches(_rows(folder, "rejected")):
        with store.transaction():
            for r in batch:
                t = now()
                # A second load of the same folder is not a second attempt: ``times`` is
                # what the job counted, not incremented.
                c.execute(
                    "INSERT INTO rejected(source, stage, kind, reason, document_id, run_id, "
                    "first_at, last_at, times) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(source, stage) DO UPDATE SET kind = excluded.kind, "
                    "reason = excluded.reason, document_id = excluded.document_id",
                    (r["source"], r["stage"], r["kind"], r["reason"], r["document_id"],
                     summary.run_id, t, t, r["times"]))
                summary.rejected += 1
    return todo


def _load_analyses(store: Store, folder: Path, todo: set[str], summary: LoadSummary) -> None:
    """Every analysis table for the documents in ``todo`` (their old rows replaced)."""
    c = store.conn
    with store.transaction():
        for batch in _batches(_rows(folder, "actors")):
            insert_actors(store, batch)
        for batch in _batches(_rows(folder, "places")):
            upsert_places(store, batch)
    ids = sorted(todo)
    for i in range(0, len(ids), BATCH_ROWS):
        part = [(d,) for d in ids[i:i + BATCH_ROWS]]
        with store.transaction():
            for table in (*MENTION_TABLES, "event_reports", "claim_events",
                          "claim_verifications", "claims"):
                c.executemany(f"DELETE FROM {table} WHERE document_id = ?", part)
    for table in PER_DOCUMENT:
        cols = MENTION_COLUMNS.get(table) or [k for k in columns(table)
                                               if k not in EXTRA_COLUMNS]
        sql = f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        for batch in _batches(_rows(folder, table)):
            with store.transaction():
                c.executemany(sql, [tuple(r[k] for k in cols) for r in batch
                                    if r["document_id"] in todo])
    for batch in _batches(_rows(folder, "analyses")):
        with store.transaction():
            rows = [r for r in batch if r["document_id"] in todo]
            c.executemany(
                "INSERT INTO analyses(document_id, stage, version, status, detail, run_id, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(document_id, stage) DO UPDATE SET "
                "version = excluded.version, status = excluded.status, "
                "detail = excluded.detail, run_id = excluded.run_id, at = excluded.at",
                [(r["document_id"], r["stage"], r["version"], r["status"], r["detail"],
                  summary.run_id, r["at"]) for r in rows])
            summary.analyses += len(rows)


def _load_links(store: Store, folder: Path, run_id: int) -> None:
    """Fingerprints, band and outlet keys (documents numbered in ingest order, as the link
    stage numbers them), links and origins, into a database that had no documents."""
    from ..link.minhash import params
    from ..records import DocumentLink, Origin
    from ..store.links import reset_links, save_links, save_origins

    c = store.conn
    with store.transaction():
        reset_links(store, params())
    order = {r["id"]: r["ingest_order"] for r in _rows(folder, "documents",
                                                        ["id", "ingest_order"])}
    fingerprints = sorted(_rows(folder, "link_documents"),
                          key=lambda r: order[r["document_id"]])
    link_id: dict[str, int] = {}
    with store.transaction():
        for r in fingerprints:
            cur = c.execute("INSERT INTO link_documents(document_id, shingles, signature, day, "
                            "run_id) VALUES (?, ?, ?, ?, ?)",
                            (r["document_id"], r["shingles"], r["signature"], r["day"], run_id))
            link_id[r["document_id"]] = int(cur.lastrowid or 0)
    del fingerprints
    for batch in _batches(_rows(folder, "link_bands")):
        with store.transaction():
            c.executemany("INSERT OR IGNORE INTO link_bands(key, doc) VALUES (?, ?)",
                          sorted((r["key"], link_id[r["document_id"]]) for r in batch))
    for batch in _batches(_rows(folder, "link_outlets")):
        with store.transaction():
            c.executemany("INSERT OR IGNORE INTO link_outlets(key, role, doc) VALUES (?, ?, ?)",
                          [(r["key"], r["role"], link_id[r["document_id"]]) for r in batch])
    for batch in _batches(_rows(folder, "document_links")):
        with store.transaction():
            save_links(store, [DocumentLink(**r) for r in batch], run_id)
    for batch in _batches(_rows(folder, "document_origins")):
        with store.transaction():
            up = {r["document_id"]: r.pop("up_id") for r in batch}
            save_origins(store, [Origin(**r) for r in batch], up)


def _load_events(store: Store, folder: Path) -> None:
    from ..store.consolidated import refresh_event_actors

    c = store.conn
    for table in EVENT_TABLES:
        cols = columns(table)
        verb = "INSERT" if table == "event_decisions" else "INSERT OR REPLACE"
        with store.transaction():
            if table == "event_decisions":
                c.execute("DELETE FROM event_decisions")
            for batch in _batches(_rows(folder, table)):
                c.executemany(f"{verb} INTO {table}({', '.join(cols)}) "
                              f"VALUES ({', '.join('?' * len(cols))})",
                              [tuple(r[k] for k in cols) for r in batch])
    with store.transaction():  # who takes part in each event, as update_events keeps it
        refresh_event_actors(store)
