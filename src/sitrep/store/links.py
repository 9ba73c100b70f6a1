"""Storing and reading links across documents: fingerprints, LSH band keys, outlet keys,
near-duplicate and derived-from links, origins (tables of migration 0005)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from ..records import DocumentLink, Origin
from .sqlite import Store

# Rows bound per SQL statement ("IN (?, ?, …)"): far below SQLite's variable limit.
CHUNK = 500


@dataclass(frozen=True)
class PendingDocument:
    """What the link stage reads of a document it has not seen yet."""

    rowid: int
    id: str
    text: str
    site: str | None
    url: str | None
    published: str | None
    ingested_at: str
    cited_sources: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class LinkedDocument:
    """What the derived-from rules and origins need of a stored document."""

    link_id: int
    document_id: str
    day: str  # the publication day, else the day it was ingested
    published: str | None  # ISO date or timestamp
    ingested_at: str
    site: str | None
    url: str | None
    cited_sources: tuple[dict[str, Any], ...]
    shingles: int
    signature: np.ndarray | None

    @property
    def dated(self) -> bool:
        return self.published is not None

    @property
    def ingested(self) -> tuple[str, int]:
        """The order of ingestion."""
        return (self.ingested_at, self.link_id)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


# -- parameters -----------------------------------------------------------------------------------
def stored_params(store: Store) -> str | None:
    row = store.conn.execute("SELECT value FROM link_state WHERE key = 'params'").fetchone()
    return row[0] if row else None


def reset_links(store: Store, params: str) -> None:
    """Forget every fingerprint, link and origin (they were made with other parameters).
    Call inside a transaction."""
    for t in ("link_bands", "link_outlets", "document_links", "document_origins",
              "link_documents"):
        store.conn.execute(f"DELETE FROM {t}")
    store.conn.execute("INSERT OR REPLACE INTO link_state(key, value) VALUES ('params', ?)",
                       (params,))


# -- the stage's input ----------------------------------------------------------------------------
def count_pending(store: Store) -> int:
    return store.conn.execute(
        "SELECT count(*) FROM documents d WHERE NOT EXISTS "
        "(SELECT 1 FROM link_documents l WHERE l.document_id = d.id)").fetchone()[0]


def pending_batch(store: Store, after_rowid: int, limit: int) -> list[PendingDocument]:
    """The next ``limit`` documents without fingerprints, in ingestion order."""
    rows = store.conn.execute(
        "SELECT d.rowid, d.id, d.text, d.site, d.url, d.published, d.ingested_at, "
        "d.cited_sources FROM documents d WHERE d.rowid > ? AND NOT EXISTS "
        "(SELECT 1 FROM link_documents l WHERE l.document_id = d.id) ORDER BY d.rowid LIMIT ?",
        (after_rowid, limit)).fetchall()
    return [PendingDocument(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or "",
                            tuple(json.loads(r[7] or "[]"))) for r in rows]


def save_fingerprint(store: Store, document_id: str, shingles: int,
                     signature: np.ndarray | None, day: str,
                     outlets: Iterable[tuple[str, str]], run_id: int | None) -> int:
    """Store one document's fingerprint and outlet keys; its link id (for its band keys)."""
    c = store.conn
    cur = c.execute(
        "INSERT INTO link_documents(document_id, shingles, signature, day, run_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (document_id, shingles, None if signature is None else signature.tobytes(), day, run_id))
    link_id = int(cur.lastrowid or 0)
    c.executemany("INSERT OR IGNORE INTO link_outlets(key, role, doc) VALUES (?, ?, ?)",
                  [(k, role, link_id) for k, role in outlets])
    return link_id


def save_bands(store: Store, rows: list[tuple[int, int]]) -> None:
    """Store (band key, link id) rows, in key order (B-tree pages filled in order)."""
    rows.sort()
    store.conn.executemany("INSERT OR IGNORE INTO link_bands(key, doc) VALUES (?, ?)", rows)


# -- candidates -----------------------------------------------------------------------------------
def band_candidates(store: Store, bands: dict[int, Sequence[int]], per_band: int
                    ) -> list[tuple[int, int, int]]:
    """(new doc, earlier doc, shared band keys) for the stored documents sharing a band key
    with one of ``bands`` (link id → its keys; these are stored already): under each key,
    the ``per_band`` latest documents before the new one (lower link ids)."""
    c = store.conn
    c.execute("CREATE TEMP TABLE IF NOT EXISTS link_batch_bands(key INTEGER, doc INTEGER)")
    c.execute("DELETE FROM temp.link_batch_bands")
    # In key order: the lookups then walk the band index in order (page locality).
    c.executemany("INSERT INTO temp.link_batch_bands(key, doc) VALUES (?, ?)",
                  sorted((k, doc) for doc, keys in bands.items() for k in keys))
    # The lowest id read under a key: the per_band-th before the new document (none: all).
    rows = c.execute(
        "SELECT t.doc, b.doc, count(*) FROM temp.link_batch_bands t "
        "JOIN link_bands b ON b.key = t.key AND b.doc < t.doc AND b.doc >= coalesce("
        " (SELECT x.doc FROM link_bands x WHERE x.key = t.key AND x.doc < t.doc"
        "  ORDER BY x.doc DESC LIMIT 1 OFFSET ?), 0) "
        "GROUP BY t.doc, b.doc", (per_band - 1,)).fetchall()
    c.execute("DELETE FROM temp.link_batch_bands")
    return [(r[0], r[1], r[2]) for r in rows]


UNDATED = "undated"  # the day part of an undated document's outlet rows


def outlet_neighbours(store: Store, key: str, role: str, day: str | None, window_days: int,
                      limit: int) -> list[int]:
    """Documents indexed under outlet ``key`` in ``role`` (site | cites) near ``day``: the
    ``limit`` nearest in time, by link id. A dated document's window is ``window_days``
    either side; an undated one's (``day`` None) is the outlet's latest documents. Undated
    documents of the outlet come last, in either case.

    Outlet rows are keyed ``<outlet key>|<day>``, so each side of ``day`` is one range scan
    of the primary key however many documents the outlet has.
    """
    def scan(sql: str, *args: object) -> list[tuple[str, int]]:
        return store.conn.execute(sql, (role, *args, limit)).fetchall()

    start = None
    if day is not None:
        with contextlib.suppress(ValueError):
            start = date.fromisoformat(day)
    if day is None:
        rows = scan("SELECT key, doc FROM link_outlets WHERE role = ? AND key > ? AND key < ? "
                    "ORDER BY key DESC, doc LIMIT ?", f"{key}|", f"{key}|9999")
    elif start is None:  # a month or a year: that period only
        rows = scan("SELECT key, doc FROM link_outlets WHERE role = ? AND key = ? "
                    "ORDER BY doc LIMIT ?", f"{key}|{day}")
    else:
        here = f"{key}|{day}"
        low = f"{key}|{(start - timedelta(days=window_days)).isoformat()}"
        high = f"{key}|{(start + timedelta(days=window_days)).isoformat()}"
        rows = scan("SELECT key, doc FROM link_outlets WHERE role = ? AND key BETWEEN ? AND ? "
                    "ORDER BY key DESC, doc LIMIT ?", low, here)
        rows += scan("SELECT key, doc FROM link_outlets WHERE role = ? AND key > ? "
                     "AND key <= ? ORDER BY key, doc LIMIT ?", here, high)

        # A document dated only to a month ("…|2024-05") sorts inside a day window; it is
        # not a day's neighbour (and has no distance to one).
        rows = [r for r in rows if len(r[0].rsplit("|", 1)[1]) == len("2024-05-01")]

        def gap(row: tuple[str, int]) -> tuple[int, int]:
            other = row[0].rsplit("|", 1)[1]
            return (abs((date.fromisoformat(other) - start).days), row[1])
        rows.sort(key=gap)
    rows += scan("SELECT key, doc FROM link_outlets WHERE role = ? AND key = ? "
                 "ORDER BY doc LIMIT ?", f"{key}|{UNDATED}")
    return [doc for _, doc in rows[:limit]]


def linked_documents(store: Store, link_ids: Iterable[int]) -> dict[int, LinkedDocument]:
    """Stored documents by link id, with what the rules need (not their text)."""
    ids = sorted(set(link_ids))
    out: dict[int, LinkedDocument] = {}
    for part in _chunks(ids):
        rows = store.conn.execute(
            "SELECT l.id, l.document_id, l.day, d.published, d.ingested_at, d.site, "
            "d.url, d.cited_sources, l.shingles, l.signature FROM link_documents l "
            "JOIN documents d ON d.id = l.document_id "
            f"WHERE l.id IN ({', '.join('?' * len(part))})", part).fetchall()
        for r in rows:
            sig = None if r[9] is None else np.frombuffer(r[9], dtype=np.uint32)
            out[r[0]] = LinkedDocument(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6],
                                       tuple(json.loads(r[7] or "[]")), r[8], sig)
    return out


def signatures(store: Store, link_ids: Iterable[int]
               ) -> dict[int, tuple[np.ndarray | None, int]]:
    """Stored MinHash signatures (None: too short to compare) and shingle counts, by link id."""
    out: dict[int, tuple[np.ndarray | None, int]] = {}
    for part in _chunks(sorted(set(link_ids))):
        for i, blob, n in store.conn.execute(
                "SELECT id, signature, shingles FROM link_documents "
                f"WHERE id IN ({', '.join('?' * len(part))})", part):
            out[i] = (None if blob is None else np.frombuffer(blob, dtype=np.uint32), n)
    return out


def outlet_facts(store: Store, document_ids: Sequence[str]
                 ) -> dict[str, tuple[str | None, str | None, tuple[dict[str, Any], ...]]]:
    """Site, URL and cited sources of documents, by id."""
    out = {}
    for part in _chunks(list(document_ids)):
        for r in store.conn.execute(
                "SELECT id, site, url, cited_sources FROM documents "
                f"WHERE id IN ({', '.join('?' * len(part))})", part):
            out[r[0]] = (r[1], r[2], tuple(json.loads(r[3] or "[]")))
    return out


def texts(store: Store, document_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(document_ids))
    out: dict[str, str] = {}
    for part in _chunks(ids):
        out.update(store.conn.execute(
            f"SELECT id, text FROM documents WHERE id IN ({', '.join('?' * len(part))})",
            part).fetchall())
    return out


# -- links ----------------------------------------------------------------------------------------
def save_links(store: Store, links: Iterable[DocumentLink], run_id: int | None) -> int:
    """Store links (a pair and kind already stored is kept as it was); how many were new.
    In key order: a batch of a dense story holds a million links, and B-tree pages filled in
    order are written once."""
    before = store.conn.total_changes
    store.conn.executemany(
        "INSERT OR IGNORE INTO document_links(document_id, other_id, kind, jaccard, "
        "jaccard_exact, contains_other, contained, reason, run_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        sorted((link.document_id, link.other_id, link.kind, link.jaccard, link.jaccard_exact,
                link.contains_other, link.contained, link.reason, run_id) for link in links))
    return store.conn.total_changes - before


def _link(row: Any) -> DocumentLink:
    return DocumentLink(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])


_LINK_NAMES = ("document_id", "other_id", "kind", "jaccard", "jaccard_exact", "contains_other",
               "contained", "reason")
_LINK_COLUMNS = ", ".join(_LINK_NAMES)


def best_parents(store: Store, document_ids: Sequence[str]) -> dict[str, DocumentLink]:
    """Each document's strongest derived-from link (``derived.link_strength``: the larger
    containment; then the lowest other id), the one its origin goes up. Chosen in SQL: a
    story copied hundreds of times gives each copy hundreds of derived-from links."""
    out: dict[str, DocumentLink] = {}
    for part in _chunks(list(document_ids)):
        for r in store.conn.execute(
                f"SELECT {_LINK_COLUMNS} FROM (SELECT {_LINK_COLUMNS}, row_number() OVER ("
                "PARTITION BY document_id ORDER BY max(contains_other, contained) DESC, "
                "other_id) AS n FROM document_links WHERE kind = 'derived-from' AND "
                f"document_id IN ({', '.join('?' * len(part))})) WHERE n = 1", part):
            out[r[0]] = _link(r)
    return out


def stored_up_links(store: Store, document_ids: Sequence[str]
                    ) -> dict[str, DocumentLink | None]:
    """The strongest derived-from link each document had when its origin was last stored
    (its ``up_id``'s link; None: it had none), for those with a stored origin. Still its
    strongest while no link was added to it since: one row read by key, where
    ``best_parents`` ranks every derived-from link of the document."""
    out: dict[str, DocumentLink | None] = {}
    for part in _chunks(list(document_ids)):
        for r in store.conn.execute(
                f"SELECT o.document_id, o.up_id, {', '.join('l.' + c for c in _LINK_NAMES)} "
                "FROM document_origins o LEFT JOIN document_links l ON l.document_id = "
                "o.document_id AND l.other_id = o.up_id AND l.kind = 'derived-from' "
                f"WHERE o.document_id IN ({', '.join('?' * len(part))})", part):
            if r[1] is None:
                out[r[0]] = None
            elif r[2] is not None:  # (a stored up link is never missing; read it again if so)
                out[r[0]] = _link(r[2:])
    return out


def strongest_children(store: Store, document_ids: Sequence[str]) -> set[str]:
    """Documents whose strongest derived-from link points at any of ``document_ids`` (their
    stored origin's ``up_id``): the only ones whose origin can change when these change."""
    found: set[str] = set()
    for part in _chunks(list(document_ids)):
        found.update(r[0] for r in store.conn.execute(
            "SELECT document_id FROM document_origins WHERE up_id "
            f"IN ({', '.join('?' * len(part))})", part))
    return found


def document_links(store: Store, document_id: str) -> list[DocumentLink]:
    """Every link of one document, either side."""
    return [_link(r) for r in store.conn.execute(
        f"SELECT {_LINK_COLUMNS} FROM document_links WHERE document_id = ? OR other_id = ? "
        "ORDER BY kind, document_id, other_id", (document_id, document_id))]


# -- origins --------------------------------------------------------------------------------------
def save_origins(store: Store, origins: Iterable[Origin],
                 up: Mapping[str, str | None]) -> None:
    """Store origins with, from ``up``, each document's strongest derived-from link's other
    end (``strongest_children`` follows it; None: no derived-from link)."""
    store.conn.executemany(
        "INSERT OR REPLACE INTO document_origins(document_id, origin, kind, name, parent_id, "
        "depth, reason, up_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(o.document_id, o.origin, o.kind, o.name, o.parent_id, o.depth, o.reason,
          up.get(o.document_id)) for o in origins])


def origins(store: Store, document_ids: Iterable[str]) -> dict[str, Origin]:
    """The origins of these documents (those the link stage has seen), by document id."""
    ids = sorted(set(document_ids))
    out: dict[str, Origin] = {}
    for part in _chunks(ids):
        for r in store.conn.execute(
                "SELECT document_id, origin, kind, name, parent_id, depth, reason FROM "
                f"document_origins WHERE document_id IN ({', '.join('?' * len(part))})", part):
            out[r[0]] = Origin(*r)
    return out


def origin_of(store: Store, document_id: str) -> Origin | None:
    """A document's origin: the independent source it ultimately carries (None until the
    link stage of ``sitrep analyze`` has seen it)."""
    return origins(store, [document_id]).get(document_id)


# -- listing --------------------------------------------------------------------------------------
def link_rows(store: Store, *, kind: str | None = None,
              limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Near-duplicate and derived-from pairs, strongest first, each with both documents'
    title, site and date; then documents derived from an outlet we do not hold."""
    where, params = ("WHERE l.kind = ?", [kind]) if kind else ("", [])
    sql = (
        f"SELECT l.document_id, l.other_id, l.kind, l.jaccard, l.jaccard_exact, "
        "l.contains_other, l.contained, l.reason, a.title, a.site, a.published, b.title, "
        "b.site, b.published FROM document_links l JOIN documents a ON a.id = l.document_id "
        f"JOIN documents b ON b.id = l.other_id {where} "
        "ORDER BY max(l.contains_other, l.contained) DESC, l.document_id, l.other_id, l.kind")
    n = 0
    for r in store.conn.execute(sql, params):
        if limit is not None and n >= limit:
            return
        n += 1
        yield {"kind": r[2], "document": {"id": r[0], "title": r[8], "site": r[9],
                                          "published": r[10]},
               "other": {"id": r[1], "title": r[11], "site": r[12], "published": r[13]},
               "jaccard": r[3], "jaccard_exact": r[4], "contains_other": r[5],
               "contained": r[6], "reason": r[7]}
    if kind not in (None, "derived-from"):
        return
    for r in store.conn.execute(
            "SELECT o.document_id, o.name, o.reason, d.title, d.site, d.published "
            "FROM document_origins o JOIN documents d ON d.id = o.document_id "
            "WHERE o.kind = 'outlet' AND o.depth = 0 ORDER BY o.document_id"):
        if limit is not None and n >= limit:
            return
        n += 1
        yield {"kind": "derived-from", "document": {"id": r[0], "title": r[3], "site": r[4],
                                                    "published": r[5]},
               "other": {"id": None, "outlet": r[1]}, "jaccard": None, "jaccard_exact": None,
               "contains_other": None, "contained": None, "reason": r[2]}
