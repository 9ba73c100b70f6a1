"""Storing and reading consolidated events (sitrep.link.consolidate).

``update_events`` keeps the ``events`` tables in step with the reports: it groups every stored
report into blocks, and re-clusters only the blocks whose content changed since the last run
(a block's signature covers its reports, their documents' origins and their text links).
Because a block is always clustered from scratch, the tables after any sequence of
incremental runs equal a rebuild (``rebuild=True``).

``events_as_of`` answers from the documents published (or ingested) up to a date: it runs the
same consolidation in memory over those documents' reports only.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import Any

from ..lexicon import table
from ..link.compatibility import ReportView
from ..link.consolidate import (
    Cluster,
    Considered,
    block_numbers,
    chained_blocks,
    cluster,
    cluster_stream,
    summarize,
)
from ..records import ACTOR_INTER, HAPPENED
from .sqlite import Store

# What a report row carries into the consolidation (the rest stays in event_reports).
REPORT_COLUMNS = (
    "r.id, r.document_id, r.event_type, r.sub_event_type, r.cameo, r.actor1_id, r.actor2_id, "
    "r.associated, r.inter1, r.inter2, r.place_id, r.location, r.admin1, r.country, r.latitude, "
    "r.longitude, r.geo_precision, r.place_from, r.date_start, r.date_end, r.time_precision, "
    "r.figures, r.modality, r.happened, r.notes, d.published, d.ingested_at")


# The schema version (migration 0009) from which event_actors and events_span exist.
EVENT_ACTORS_SCHEMA = 9
# The schema from which events_grid (migration 0011) reads bounding boxes.
EVENT_GRID_SCHEMA = 11
# The schema from which the map's walks read index entries only (migration 0012): events_map
# holds what every filter tests, and events_type_map is the map's order within a type.
EVENT_MAP_SCHEMA = 12


# Reports clustered before their events are written (each write one transaction): bounds the
# memory of an update, and how long a reader waits between two states of the events.
FLUSH_REPORTS = 20_000
# A block of more reports than this (a country reported every day chains into one block over
# years) is clustered as it is read, a month at a time (link.consolidate.cluster_stream), its
# events gathered in temporary tables and written with it when it ends: the memory of an
# update holds a month of one country's reports and its open events, not the whole block.
STREAM_REPORTS = 20_000
# Ids per IN (...) query (SQLite's default limit on parameters is 32,766).
_IN_CHUNK = 500
# link.consolidate.chainable in SQL: report_views' block order reads those that are not first.
_CHAINABLE = ("(coalesce(r.happened, 0) != 0 AND coalesce(r.country, '') != '' AND "
              "coalesce(r.date_start, '') != '' AND coalesce(r.date_end, '') != '')")
# The tables of a streamed block's events until it is written (temp: this connection's, on
# disk, and no lock on the database).
_PENDING = ("events", "event_members", "event_decisions", "event_actors")


@dataclass
class ConsolidationSummary:
    blocks: int = 0
    reclustered: int = 0
    events: int = 0


def _table_exists(store: Store, name: str) -> bool:
    return store.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (name,)).fetchone() is not None


def _origins(store: Store) -> dict[str, str]:
    if not _table_exists(store, "document_origins"):
        return {}
    return {r[0]: r[1] for r in store.conn.execute(
        "SELECT document_id, origin FROM document_origins")}


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _links_among(store: Store, documents: Iterable[str]) -> set[tuple[str, str]]:
    """The text links (either kind) between two of these documents, each pair once as
    (lower id, higher id): what a block's clustering and signature need, read per block."""
    wanted = set(documents)
    if len(wanted) < 2 or not _table_exists(store, "document_links"):
        return set()
    ids = sorted(wanted)
    if len(ids) <= _IN_CHUNK // 2:
        marks = ", ".join("?" * len(ids))
        return {_pair(a, b) for a, b in store.conn.execute(
            f"SELECT document_id, other_id FROM document_links WHERE document_id IN ({marks}) "
            f"AND other_id IN ({marks})", ids + ids)}
    pairs: set[tuple[str, str]] = set()
    for k in range(0, len(ids), _IN_CHUNK):
        part = ids[k:k + _IN_CHUNK]
        pairs.update(_pair(a, b) for a, b in store.conn.execute(
            "SELECT document_id, other_id FROM document_links WHERE document_id IN "
            f"({', '.join('?' * len(part))})", part) if b in wanted)
    return pairs


def _block_documents(store: Store, ids: Iterable[str], *, fresh: bool = False) -> set[str]:
    """Add documents to ``temp.block_documents`` (this connection's: the documents so far of
    the block ``update_events`` streams, emptied first when ``fresh``); returns those it did
    not hold yet."""
    c = store.conn
    c.execute("CREATE TEMP TABLE IF NOT EXISTS block_documents(id TEXT PRIMARY KEY) "
              "WITHOUT ROWID")
    if fresh:
        c.execute("DELETE FROM temp.block_documents")
    wanted = sorted(set(ids))
    held: set[str] = set()
    for k in range(0, len(wanted), _IN_CHUNK):
        part = wanted[k:k + _IN_CHUNK]
        held.update(r[0] for r in c.execute(
            f"SELECT id FROM temp.block_documents WHERE id IN ({', '.join('?' * len(part))})",
            part))
    new = [d for d in wanted if d not in held]
    c.executemany("INSERT INTO temp.block_documents(id) VALUES (?)", [(d,) for d in new])
    return set(new)


def _links_to_block(store: Store, ids: list[str]) -> set[tuple[str, str]]:
    """The text links between these documents and those of ``temp.block_documents``, as
    (lower, higher) pairs: SQLite keeps to the block's (a document of the generated corpora
    has hundreds of links, most to documents of other blocks)."""
    if not _table_exists(store, "document_links"):
        return set()
    pairs: set[tuple[str, str]] = set()
    for k in range(0, len(ids), _IN_CHUNK):
        part = ids[k:k + _IN_CHUNK]
        marks = ", ".join("?" * len(part))
        # (a link between two of these is read the first way only)
        pairs.update(_pair(a, b) for a, b in store.conn.execute(
            "SELECT l.document_id, l.other_id FROM document_links l JOIN temp.block_documents "
            f"b ON b.id = l.other_id WHERE l.document_id IN ({marks}) UNION ALL "
            "SELECT l.document_id, l.other_id FROM document_links l JOIN temp.block_documents "
            f"b ON b.id = l.document_id WHERE l.other_id IN ({marks}) AND l.document_id NOT IN "
            f"({marks})", part * 3))
    return pairs


def _linked(pairs: set[tuple[str, str]]) -> Callable[[str, str], bool]:
    return lambda a, b: _pair(a, b) in pairs


def _death_figures(figures: list[dict[str, Any]]) -> tuple[int, ...]:
    out = []
    for f in figures:
        value = next((f.get(k) for k in ("low", "value", "high") if f.get(k) is not None), None)
        if value is not None:
            out.append(int(value))
    return tuple(sorted(set(out)))


def report_views(store: Store, *, until: str | None = None, by: str = "published",
                 ids: Iterable[str] | None = None, order: str = "document"
                 ) -> Iterator[ReportView]:
    """Every stored event report as the consolidation sees it (``until``: only reports of
    documents published, or ingested, on or before that date; ``ids``: only these), streamed
    in document order or (``order="block"``) in the order ``chained_blocks`` reads them."""
    where, params = "", ()
    if until is not None:
        column = "d.published" if by == "published" else "d.ingested_at"
        where, params = f"WHERE {column} IS NOT NULL AND substr({column}, 1, 10) <= ?", (until,)
    elif ids is not None:
        wanted = sorted(set(ids))
        where, params = f"WHERE r.id IN ({', '.join('?' * len(wanted))})", tuple(wanted)
    origin, join = ("o.origin", "LEFT JOIN document_origins o ON o.document_id = r.document_id"
                    ) if _table_exists(store, "document_origins") else ("NULL", "")
    keys = (f"{_CHAINABLE}, coalesce(r.country, ''), coalesce(r.date_start, ''), "
            "coalesce(r.date_end, ''), r.id" if order == "block" else "r.document_id, r.id")
    sql = (f"SELECT {REPORT_COLUMNS}, {origin} AS origin_of FROM event_reports r "
           f"JOIN documents d ON d.id = r.document_id {join} {where} ORDER BY {keys}")
    for row in store.conn.execute(sql, params):
        r = dict(row)
        found = r.pop("origin_of")
        r["figures"] = json.loads(r["figures"] or "[]")
        r["associated"] = json.loads(r["associated"] or "[]")
        actors = frozenset(a for a in (r["actor1_id"], r["actor2_id"], *r["associated"]) if a)
        yield ReportView(
            id=r["id"], document_id=r["document_id"], origin=found or r["document_id"],
            published=(r["published"] or "")[:10] or None, event_type=r["event_type"],
            sub_event_type=r["sub_event_type"], actors=actors, country=r["country"],
            admin1=r["admin1"], latitude=r["latitude"], longitude=r["longitude"],
            geo_precision=r["geo_precision"], date_start=r["date_start"],
            date_end=r["date_end"], figures=_death_figures(
                [f for f in r["figures"] if f.get("unit") in ("killed", "dead", "executed")]),
            happened=bool(r["happened"]), row=r)


class _Signature:
    """What a block's clustering depends on: its reports as compared and the text links
    between its documents, added one by one in any order (a sum of their hashes), so a
    block streamed a month at a time is signed as it is read."""

    def __init__(self) -> None:
        self.reports = self.links = self.total = 0

    def _add(self, payload: list[Any]) -> None:
        digest = hashlib.sha256(json.dumps(payload).encode()).digest()
        self.total = (self.total + int.from_bytes(digest[:16], "big")) % (1 << 128)

    def report(self, r: ReportView) -> None:
        self._add([r.id, r.origin, r.row.get("modality"), r.date_start, r.date_end, r.country,
                   r.latitude, r.longitude, r.event_type, r.sub_event_type, sorted(r.actors),
                   r.figures])
        self.reports += 1

    def link(self, pair: tuple[str, str]) -> None:
        self._add(list(pair))
        self.links += 1

    def month(self, month: Iterable[ReportView], pairs: Iterable[tuple[str, str]],
              new: set[str]) -> None:
        """A month of a streamed block: its reports, and of ``pairs`` (its documents' links
        to the block's documents so far) those that reach a document ``new`` this month, each
        link of the block counted once so (when the later of its two documents comes)."""
        for r in month:
            self.report(r)
        for a, b in pairs:
            if a in new or b in new:
                self.link((a, b))

    def hexdigest(self) -> str:
        return hashlib.sha256(f"{self.reports}:{self.links}:{self.total:032x}".encode()
                              ).hexdigest()[:24]


def _signature(block: Iterable[ReportView], pairs: Iterable[tuple[str, str]]) -> str:
    """A block's signature (``_Signature``); ``pairs``: the links among its documents."""
    sig = _Signature()
    for r in block:
        sig.report(r)
    for pair in pairs:
        sig.link(pair)
    return sig.hexdigest()


def update_events(store: Store, *, rebuild: bool = False, flush_reports: int = FLUSH_REPORTS,
                  stream_reports: int = STREAM_REPORTS) -> ConsolidationSummary:
    """Bring the consolidated events up to date with the stored reports.

    Streamed, so memory holds a block or a month of one, not the corpus: reports are read in
    block order and each block, as it closes, gets its text links and its signature; a block
    whose signature is stored is left as it is, the others are clustered and written every
    ``flush_reports`` reports in a transaction of their own (clustered before it, so the
    write lock is held for writing only: a review posted meanwhile waits for the writes, not
    for the clustering). A block longer than ``stream_reports`` is clustered as it is read
    (``_stream_block``) and written alone. The transaction that writes a block drops its old
    versions (the stored blocks holding any of its reports) with it, so a reader sees each
    happening either as it was or as it is, never both; blocks left with no report are
    dropped last. A block another writer wrote meanwhile is not written twice."""
    summary = ConsolidationSummary()
    types = _actor_types(store)
    known = set() if rebuild else {r[0] for r in store.conn.execute(
        "SELECT DISTINCT block FROM events")}
    seen: set[str] = set()
    pending: list[tuple[str, list[ReportView], list[Cluster], list[Considered]]] = []
    held = 0
    wipe = rebuild

    def flush() -> None:
        nonlocal held, wipe
        with store.transaction() as c:
            if wipe:
                for table in ("events", "event_members", "event_decisions", "event_actors"):
                    c.execute(f"DELETE FROM {table}")
                wipe = False
            for sig, block, clusters, considered in pending:
                if c.execute("SELECT 1 FROM events WHERE block = ? LIMIT 1",
                             (sig,)).fetchone():
                    continue
                for old in sorted(_blocks_holding(c, [r.id for r in block])):
                    _drop_block(c, old)
                _save_block(c, sig, clusters, considered, types)
                summary.reclustered += 1
        pending.clear()
        held = 0

    for _, numbered in groupby(block_numbers(report_views(store, order="block")),
                               key=itemgetter(0)):
        summary.blocks += 1
        reports = (r for _, r in numbered)
        block = list(islice(reports, stream_reports + 1))
        if len(block) > stream_reports:
            flush()  # (a rebuild's wipe first)
            sig, written = _stream_block(store, chain(block, reports), known, types)
            seen.add(sig)
            summary.reclustered += written
            continue
        links = _links_among(store, {r.document_id for r in block})
        sig = _signature(block, links)
        seen.add(sig)
        if sig in known:
            continue
        pending.append((sig, block, *cluster(block, _linked(links))))
        held += len(block)
        if held >= flush_reports:
            flush()
    flush()
    with store.transaction() as c:
        stored = {r[0] for r in c.execute("SELECT DISTINCT block FROM events")}
        for sig in sorted(stored - seen):
            _drop_block(c, sig)
        summary.events = c.execute("SELECT count(*) FROM events").fetchone()[0]
    return summary


def _stream_block(store: Store, reports: Iterable[ReportView], known: set[str],
                  types: dict[str, str]) -> tuple[str, bool]:
    """Cluster a long block as it is read (``cluster_stream``, a month at a time, each
    month's text links read for it) into this connection's temporary tables, signing it on
    the way; then, unless its signature is known or stored, write it in one transaction that
    drops its old versions. Returns its signature and whether it was written."""
    c = store.conn
    for name in _PENDING:
        c.execute(f"CREATE TEMP TABLE IF NOT EXISTS pending_{name} AS "
                  f"SELECT * FROM main.{name} WHERE 0")
        c.execute(f"DELETE FROM temp.pending_{name}")
    sig = _Signature()
    _block_documents(store, (), fresh=True)

    def links_for(month: list[ReportView], live: set[str]) -> Callable[[str, str], bool]:
        # The month's documents' links to the block's so far (the open events' among them).
        docs = sorted({r.document_id for r in month})
        new = _block_documents(store, docs)
        pairs = _links_to_block(store, docs)
        sig.month(month, pairs, new)
        return _linked(pairs)

    clusters: list[Cluster] = []
    considered: list[Considered] = []
    for x in cluster_stream(reports, links_for=links_for):
        (clusters if isinstance(x, Cluster) else considered).append(x)
        if len(clusters) + len(considered) >= _IN_CHUNK:
            _save_block(c, "", clusters, considered, types, into="temp.pending_")
            clusters, considered = [], []
    _save_block(c, "", clusters, considered, types, into="temp.pending_")
    signed = sig.hexdigest()
    written = signed not in known
    if written:
        with store.transaction() as w:
            written = not w.execute("SELECT 1 FROM events WHERE block = ? LIMIT 1",
                                    (signed,)).fetchone()
            if written:
                for old in sorted({r[0] for r in w.execute(
                        "SELECT DISTINCT e.block FROM temp.pending_event_members p "
                        "JOIN event_members m ON m.report_id = p.report_id "
                        "JOIN events e ON e.id = m.event_id")}):
                    _drop_block(w, old)
                w.execute("UPDATE temp.pending_events SET block = ?", (signed,))
                for name in _PENDING:
                    w.execute(f"INSERT OR REPLACE INTO main.{name} "
                              f"SELECT * FROM temp.pending_{name}")
    for name in _PENDING:
        c.execute(f"DELETE FROM temp.pending_{name}")
    return signed, written


def _blocks_holding(c: Any, report_ids: Sequence[str]) -> set[str]:
    """The stored blocks that hold any of these reports."""
    found: set[str] = set()
    for k in range(0, len(report_ids), _IN_CHUNK):
        part = report_ids[k:k + _IN_CHUNK]
        found.update(r[0] for r in c.execute(
            "SELECT DISTINCT e.block FROM event_members m JOIN events e ON e.id = m.event_id "
            f"WHERE m.report_id IN ({', '.join('?' * len(part))})", part))
    return found


def _drop_block(c: Any, sig: str) -> None:
    ids = [r[0] for r in c.execute("SELECT id FROM events WHERE block = ?", (sig,))]
    c.executemany("DELETE FROM event_actors WHERE event_id = ?", [(i,) for i in ids])
    for event_id in ids:
        reports = [r[0] for r in c.execute(
            "SELECT report_id FROM event_members WHERE event_id = ?", (event_id,))]
        c.executemany("DELETE FROM event_decisions WHERE report_id = ?", [(r,) for r in reports])
        c.execute("DELETE FROM event_members WHERE event_id = ?", (event_id,))
    c.execute("DELETE FROM events WHERE block = ?", (sig,))


def _json_list(text: str | None) -> list[Any]:
    """A JSON list column; the empty one (most events' associated actors) without parsing."""
    return [] if not text or text == "[]" else json.loads(text)


def _event_actors(e: dict[str, Any]) -> list[str]:
    """The actors of an ``events`` row: actor1, actor2, the associated (JSON)."""
    return [a for a in dict.fromkeys((e["actor1_id"], e["actor2_id"],
                                      *_json_list(e["associated"]))) if a]


def refresh_event_actors(store: Store) -> None:
    """event_actors again from the events table, for events written otherwise than by
    ``update_events`` (``sitrep load``); the caller holds the transaction."""
    c = store.conn
    c.execute("DELETE FROM event_actors")
    c.executemany("INSERT OR IGNORE INTO event_actors(actor_id, event_id) VALUES (?, ?)",
                  ((a, r["id"]) for r in c.execute(
                      "SELECT id, actor1_id, actor2_id, associated FROM events").fetchall()
                   for a in _event_actors(r)))


def _actor_types(store: Store) -> dict[str, str]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT id, type FROM actors")}


def _row(e: dict[str, Any], cl: Cluster, types: dict[str, str]) -> dict[str, Any]:
    """A summarized event as an ``events`` row (JSON columns encoded, ACLED codes added)."""
    if not cl.members[0].happened:  # a denial, a threat: kept as its one report says
        e["modality"] = cl.members[0].row.get("modality")
    inter1 = ACTOR_INTER.get(types.get(e["actor1_id"] or "", ""))
    inter2 = ACTOR_INTER.get(types.get(e["actor2_id"] or "", ""))
    codes = sorted(x for x in (inter1, inter2) if x)
    return {**e, "associated": json.dumps(e["associated"]),
            "figures": json.dumps(e["figures"], ensure_ascii=False),
            "happened": int(e["modality"] in HAPPENED), "inter1": inter1, "inter2": inter2,
            "interaction": ("".join(map(str, codes)) if len(codes) == 2
                            else f"{codes[0]}0" if codes else None)}


def _save_block(c: Any, sig: str, clusters: list[Cluster], considered: list[Considered],
                types: dict[str, str], *, into: str = "") -> None:
    """Write clusters (and decisions) of block ``sig`` to the event tables (``into``: a prefix
    of their names, ``temp.pending_`` for a streamed block's)."""
    saved: list[str] = []
    taking_part: list[tuple[str, str]] = []
    for cl in clusters:
        e = _row(summarize(cl), cl, types)
        c.execute(
            f"INSERT OR REPLACE INTO {into}events(id, block, event_type, sub_event_type, cameo, "
            "actor1_id, actor2_id, associated, inter1, inter2, interaction, place_id, "
            "location, admin1, country, latitude, longitude, geo_precision, date_start, "
            "date_end, time_precision, fatalities, fatalities_low, fatalities_high, figures, "
            "modality, happened, sources, independent_sources, first_published, "
            f"last_published, notes) VALUES ({', '.join('?' * 32)})",
            (e["id"], sig, e["event_type"], e["sub_event_type"], e["cameo"], e["actor1_id"],
             e["actor2_id"], e["associated"], e["inter1"], e["inter2"], e["interaction"],
             e["place_id"], e["location"], e["admin1"], e["country"], e["latitude"],
             e["longitude"], e["geo_precision"], e["date_start"], e["date_end"],
             e["time_precision"], e["fatalities"], e["fatalities_low"], e["fatalities_high"],
             e["figures"], e["modality"], e["happened"],
             e["sources"], e["independent_sources"], e["first_published"],
             e["last_published"], e["notes"]))
        saved.append(e["id"])
        taking_part += [(a, e["id"]) for a in _event_actors(e)]
        c.executemany(
            f"INSERT OR REPLACE INTO {into}event_members(report_id, event_id, document_id, "
            "origin, joined) VALUES (?, ?, ?, ?, ?)",
            [(m.id, cl.id, m.document_id, m.origin, k) for k, m in enumerate(cl.members)])
    # An event replaced under the same id (INSERT OR REPLACE) keeps none of its old actors
    # (the pending tables start empty and have no index to find them by).
    if not into:
        c.executemany("DELETE FROM event_actors WHERE event_id = ?", [(i,) for i in saved])
    c.executemany(f"INSERT OR IGNORE INTO {into}event_actors(actor_id, event_id) VALUES (?, ?)",
                  taking_part)
    c.executemany(
        f"INSERT INTO {into}event_decisions(report_id, other_id, event_id, merged, conflict, "
        "score, reason, features) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(x.report, x.other, x.event, int(x.decision.merged), int(x.decision.conflict),
          x.decision.score, x.decision.reason, json.dumps(x.decision.features))
         for x in considered])


# -- reading --------------------------------------------------------------------------------------


def event_rows(store: Store, *, event_type: str | None = None, country: str | None = None,
               since: str | None = None, until: str | None = None,
               modality: str | None = None, happened_only: bool = False,
               min_sources: int | None = None, limit: int | None = None,
               bbox: tuple[float, float, float, float] | None = None,
               actor: str | None = None, after: tuple[str, str] | None = None
               ) -> list[dict[str, Any]]:
    """Consolidated events, filtered, in date order (``date_start``, then ``id``).

    ``bbox`` is (west, south, east, north) in degrees; ``actor`` an actor id among actor1,
    actor2 and the associated; ``after`` a (date_start, id) key: only events after it (the
    cursor of a page)."""
    sql = ["SELECT * FROM events WHERE 1 = 1"]
    params: list[Any] = []
    if bbox:
        west, south, east, north = bbox
        sql.append("AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?")
        params += [south, north, west, east]
    if actor:
        term = _actor_term(actor, _schema(store))
        sql.append(f"AND {term.sql.format(p='')}")
        params += term.params
    if after:
        sql.append("AND (coalesce(date_start, '') > ? OR (coalesce(date_start, '') = ? "
                   "AND id > ?))")
        params += [after[0], after[0], after[1]]
    if event_type:
        term = _type_term(event_type)
        sql.append(f"AND {term.sql.format(p='')}")
        params += term.params
    if country:
        sql.append("AND country = ?")
        params.append(country.upper())
    if since:
        sql.append("AND date_end >= ?")
        params.append(since)
    if until:
        sql.append("AND date_start <= ?")
        params.append(until)
    if modality:
        sql.append("AND modality = ?")
        params.append(modality)
    if happened_only:
        sql.append("AND happened = 1")
    if min_sources:
        sql.append("AND independent_sources >= ?")
        params.append(min_sources)
    sql.append("ORDER BY coalesce(date_start, ''), id")
    if limit:
        sql.append("LIMIT ?")
        params.append(limit)
    rows = [dict(r) for r in store.conn.execute(" ".join(sql), params)]
    members = _members(store, [r["id"] for r in rows])
    names = _actor_names(store, rows)
    return [event_dict(r, members.get(r["id"], []), names) for r in rows]


def filter_events(events: Iterable[dict[str, Any]], *, event_type: str | None = None,
                  country: str | None = None, since: str | None = None,
                  until: str | None = None, modality: str | None = None,
                  happened_only: bool = False, min_sources: int | None = None,
                  limit: int | None = None) -> list[dict[str, Any]]:
    """The filters of ``event_rows`` on events computed in memory (``events_as_of``)."""
    out = []
    for e in events:
        loc, d = e["location"] or {}, e["date"]
        if (event_type and event_type not in (e["event_type"], e["sub_event_type"])) or (
                country and loc.get("country") != country.upper()) or (
                since and (d["end"] or "") < since) or (
                until and (d["start"] or "9999") > until) or (
                modality and e["modality"] != modality) or (
                happened_only and not e["happened"]) or (
                min_sources and e["independent_sources"] < min_sources):
            continue
        out.append(e)
    return out[:limit] if limit else out


def _actor_names(store: Store, events: Iterable[dict[str, Any]] | None = None
                 ) -> dict[str, tuple[str, str, str | None]]:
    """Actor id → (name, type, country): of every actor, or only of those the ``events`` rows
    name as actor1 or actor2 (a page of a list reads a few hundred, not every actor)."""
    if events is None:
        return {r[0]: (r[1], r[2], r[3]) for r in store.conn.execute(
            "SELECT id, name, type, country FROM actors")}
    ids = sorted({a for r in events for a in (r["actor1_id"], r["actor2_id"]) if a})
    return {r[0]: (r[1], r[2], r[3]) for r in store.conn.execute(
        "SELECT id, name, type, country FROM actors WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),))}


def _members(store: Store, event_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    ids = list(event_ids)
    for k in range(0, len(ids), 500):
        part = ids[k:k + 500]
        for r in store.conn.execute(
                "SELECT m.event_id, m.report_id, m.document_id, m.origin, m.joined, "
                "d.published, d.site, d.title FROM event_members m JOIN documents d "
                f"ON d.id = m.document_id WHERE m.event_id IN ({', '.join('?' * len(part))}) "
                "ORDER BY m.joined", part):
            out.setdefault(r[0], []).append(
                {"report": r[1], "document_id": r[2], "origin": r[3], "published": r[5],
                 "site": r[6], "title": r[7], "independent": r[3] == r[2]})
    return out


def event_dict(r: dict[str, Any], members: list[dict[str, Any]],
               names: dict[str, tuple[str, str, str | None]] | None = None) -> dict[str, Any]:
    """A consolidated event in the shape of an event report (``store.events.event_dict``),
    with its sources and member reports."""
    names = names or {}

    def actor(key: str, inter: str) -> dict[str, Any] | None:
        if not r[key]:
            return None
        name, kind, country = names.get(r[key], (r[key], None, None))
        return {"id": r[key], "name": name, "type": kind, "country": country,
                "inter": r[inter]}

    sites = sorted({m["site"] or m["document_id"][:12] for m in members if m.get("site")
                    or m.get("document_id")})
    return {
        "id": r["id"], "event_type": r["event_type"], "sub_event_type": r["sub_event_type"],
        "cameo": r["cameo"], "actor1": actor("actor1_id", "inter1"),
        "actor2": actor("actor2_id", "inter2"),
        "associated": _json_list(r["associated"]), "interaction": r["interaction"],
        "location": None if r["place_id"] is None and r["country"] is None else {
            "place_id": r["place_id"], "name": r["location"], "admin1": r["admin1"],
            "country": r["country"], "latitude": r["latitude"], "longitude": r["longitude"]},
        "geo_precision": r["geo_precision"],
        "date": {"start": r["date_start"], "end": r["date_end"],
                 "time_precision": r["time_precision"]},
        "fatalities": {"best": r["fatalities"], "low": r["fatalities_low"],
                       "high": r["fatalities_high"],
                       "figures": _json_list(r["figures"])},
        "modality": r["modality"], "happened": bool(r["happened"]), "hedged": False,
        "sources": r["sources"], "independent_sources": r["independent_sources"],
        "first_published": r["first_published"], "last_published": r["last_published"],
        "notes": r["notes"], "source": {"site": "; ".join(sites), "document": None},
        "document_id": "; ".join(dict.fromkeys(m["document_id"] for m in members)),
        "evidence": {"reports": [m["report"] for m in members]}, "reports": members,
    }


def event_of_report(store: Store, report_id: str) -> str | None:
    row = store.conn.execute("SELECT event_id FROM event_members WHERE report_id = ?",
                             (report_id,)).fetchone()
    return row[0] if row else None


def resolve_event(store: Store, prefix: str) -> str | None:
    """The one event whose id starts with ``prefix`` (a range of the primary key, so ``%``
    and ``_`` in it are characters, not wildcards), or None."""
    if not prefix:
        return None
    rows = store.conn.execute("SELECT id FROM events WHERE id >= ? AND id < ? ORDER BY id "
                              "LIMIT 2", (prefix, prefix + "\U0010ffff")).fetchall()
    return rows[0][0] if len(rows) == 1 else None


def decisions(store: Store, event_id: str) -> list[dict[str, Any]]:
    """Every decision that involved a member of the event: why each joined, and which other
    reports were looked at and kept apart."""
    members = [r[0] for r in store.conn.execute(
        "SELECT report_id FROM event_members WHERE event_id = ? ORDER BY joined", (event_id,))]
    out = []
    for k in range(0, len(members), 400):
        part = members[k:k + 400]
        marks = ", ".join("?" * len(part))
        for r in store.conn.execute(
                "SELECT report_id, other_id, event_id, merged, conflict, score, reason, features "
                f"FROM event_decisions WHERE report_id IN ({marks}) OR other_id IN ({marks}) "
                "ORDER BY report_id, other_id", part + part):
            out.append({"report": r[0], "other": r[1], "event": r[2], "merged": bool(r[3]),
                        "conflict": bool(r[4]), "score": r[5], "reason": r[6],
                        "features": json.loads(r[7])})
    return out


def events_as_of(store: Store, day: str, *, by: str = "published") -> list[dict[str, Any]]:
    """The consolidated events as the database held them from the documents published (or
    ingested) up to ``day``: the same consolidation, run over those documents only."""
    types = _actor_types(store)
    names = _actor_names(store)
    sites = {r[0]: r[1] for r in store.conn.execute("SELECT id, site FROM documents")}
    out = []
    for block in chained_blocks(report_views(store, until=day, by=by, order="block")):
        links = _links_among(store, {r.document_id for r in block})
        clusters, _ = cluster(block, _linked(links))
        for cl in clusters:
            row = _row(summarize(cl), cl, types)
            members = [{"report": m.id, "document_id": m.document_id, "origin": m.origin,
                        "published": m.published, "site": sites.get(m.document_id),
                        "independent": m.origin == m.document_id} for m in cl.members]
            out.append(event_dict(row, members, names))
    return sorted(out, key=lambda e: (e["date"]["start"] or "", e["id"]))


def explain(store: Store, event_id: str) -> dict[str, Any]:
    """An event, each member with the decisions that let it join, the reports compared with
    it and kept apart (with the reason), and its history: the fatalities and source counts
    after each document, in publication order."""
    event = event_rows_by_id(store, event_id)
    members = event["reports"]
    ids = {m["report"] for m in members}
    decided = decisions(store, event_id)
    joined: dict[str, dict[str, Any]] = {}
    apart: dict[str, dict[str, Any]] = {}
    for d in decided:
        if d["report"] in ids and d["other"] in ids:
            if d["merged"] and d["score"] > joined.get(d["report"], {}).get("score", -1):
                joined[d["report"]] = d  # its strongest reason to join
        elif not d["merged"]:
            outsider = d["other"] if d["report"] in ids else d["report"]
            if d["score"] > apart.get(outsider, {}).get("score", -1):
                apart[outsider] = d  # the closest it came to joining
    kept_apart = sorted(apart.values(), key=lambda d: (-d["score"], d["report"], d["other"]))
    views = {v.id: v for v in report_views(store, ids=ids)}
    history = []
    ordered = sorted(members, key=lambda m: (m["published"] or "", m["report"]))
    for k in range(1, len(ordered) + 1):
        part = [views[m["report"]] for m in ordered[:k] if m["report"] in views]
        if not part:
            continue
        s = summarize(Cluster(event_id, tuple(part)))
        history.append({"report": ordered[k - 1]["report"],
                        "published": ordered[k - 1]["published"], "best": s["fatalities"],
                        "low": s["fatalities_low"], "high": s["fatalities_high"],
                        "sources": s["sources"], "independent_sources": s["independent_sources"],
                        "modality": s["modality"]})
    return {"event": event,
            "members": [{**m, "joined_because": joined.get(m["report"])} for m in members],
            "kept_apart": kept_apart, "history": history}


def event_rows_by_id(store: Store, event_id: str) -> dict[str, Any]:
    row = store.conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        raise KeyError(event_id)
    return event_dict(dict(row), _members(store, [event_id]).get(event_id, []),
                      _actor_names(store, [dict(row)]))


def stories(store: Store, *, min_documents: int = 2) -> list[dict[str, Any]]:
    """Documents grouped by the happenings they share (``sitrep.link.stories``)."""
    from ..link.stories import connected, story_id

    docs = {r[0]: dict(r) for r in store.conn.execute(
        "SELECT id, title, site, published FROM documents")}
    edges: list[tuple[str, str]] = []
    shared: dict[str, set[str]] = {}
    for event_id, members in store.conn.execute(
            "SELECT event_id, group_concat(document_id, ' ') FROM event_members m "
            "JOIN events e ON e.id = m.event_id WHERE e.sources > 1 AND e.happened = 1 "
            "GROUP BY event_id"):
        ids = sorted(set(members.split()))
        edges += [(ids[0], other) for other in ids[1:]]
        for d in ids:
            shared.setdefault(d, set()).add(event_id)
    if _table_exists(store, "document_links"):
        edges += [(a, b) for a, b in store.conn.execute(
            "SELECT document_id, other_id FROM document_links")]
    origins = _origins(store)
    out = []
    for group in connected(docs, edges):
        if len(group) < min_documents:
            continue
        ordered = sorted(group, key=lambda d: (docs[d]["published"] or "9999", d))
        out.append({
            "id": story_id(ordered[0]), "title": docs[ordered[0]]["title"],
            "documents": [{"id": d, "title": docs[d]["title"], "site": docs[d]["site"],
                           "published": docs[d]["published"],
                           "origin": origins.get(d, d)} for d in ordered],
            "independent_sources": len({origins.get(d, d) for d in group}),
            "events": sorted(set().union(*(shared.get(d, set()) for d in group))),
            "first_published": docs[ordered[0]]["published"],
            "last_published": docs[ordered[-1]]["published"],
        })
    return out


def explain_pair(store: Store, first: str, second: str) -> list[dict[str, Any]]:
    """Why two events (or two reports) are one happening or not: the decision for every pair
    of their reports, computed now by the same rules (pairs the clustering never compared,
    because no date or area could match, included)."""
    from ..link.compatibility import decide

    def reports_of(key: str) -> list[str]:
        event = resolve_event(store, key)
        if event is not None:
            return [r[0] for r in store.conn.execute(
                "SELECT report_id FROM event_members WHERE event_id = ?", (event,))]
        return [r[0] for r in store.conn.execute(
            "SELECT id FROM event_reports WHERE id = ? OR id LIKE ?", (key, key + "%"))]

    a_ids, b_ids = reports_of(first), reports_of(second)
    if not a_ids or not b_ids:
        raise KeyError(first if not a_ids else second)
    wanted = set(a_ids) | set(b_ids)
    views = {v.id: v for v in report_views(store, ids=wanted)}
    linked = _linked(_links_among(store, {v.document_id for v in views.values()}))
    out = []
    for a in a_ids:
        for b in b_ids:
            if a in views and b in views and a != b:
                d = decide(views[a], views[b], text_link=linked(views[a].document_id,
                                                                views[b].document_id))
                out.append({"report": a, "other": b, "merged": d.merged,
                            "conflict": d.conflict, "score": d.score, "reason": d.reason,
                            "features": d.features})
    return sorted(out, key=lambda d: (not d["conflict"], -d["score"]))


def documents_up_to(store: Store, day: str, *, by: str = "published") -> set[str]:
    """Ids of the documents published (or ingested) on or before ``day``."""
    column = "published" if by == "published" else "ingested_at"
    return {r[0] for r in store.conn.execute(
        f"SELECT id FROM documents WHERE {column} IS NOT NULL AND substr({column}, 1, 10) <= ?",
        (day,))}


# -- API helpers ----------------------------------------------------------------------------------
# What `sitrep serve` asks of the consolidated events beyond ``event_rows``: more filters, more
# orders (each a keyset), a timeline and map points grouped in SQL, facet counts, claim statuses
# per event, and the evidence behind each consolidated field. Events as of a day are computed in
# memory (``events_as_of``); each helper below has its in-memory twin with the same semantics.

# A count that sorts after every real one (unknown fatalities last in ascending order).
_UNKNOWN_LAST = 1 << 62

# The orders of the events table: name → (SQL key, descending). Each key is one value per event
# and the id breaks ties, so (key, id) is a keyset: a page's cursor. Unknown fatalities sort
# last both ways; undated events sort first by date (as ``event_rows``) and last by -date.
# "sources" counts independent sources, as the min_sources filter does.
EVENT_SORTS: dict[str, tuple[str, bool]] = {
    "date": ("coalesce(date_start, '')", False),
    "-date": ("coalesce(date_start, '')", True),
    "fatalities": (f"coalesce(fatalities, {_UNKNOWN_LAST})", False),
    "-fatalities": ("coalesce(fatalities, -1)", True),
    "sources": ("independent_sources", False),
    "-sources": ("independent_sources", True),
}
# The consolidated fields whose evidence the API shows (and a review may correct).
EVENT_FIELDS = ("event_type", "sub_event_type", "actor1", "actor2", "location", "date",
                "fatalities", "modality")
# Each field's key in a report's evidence JSON (sitrep.store.events.save_events).
_EVIDENCE_KEY = {"event_type": "trigger", "sub_event_type": "trigger", "actor1": "actor1",
                 "actor2": "actor2", "location": "location", "date": "date",
                 "modality": "modality"}


@dataclass(frozen=True)
class EventFilters:
    """The filters of the API's event lists, timeline and map. ``ids``: only these events
    (those with a claim status, computed by ``event_statuses``)."""

    event_type: str | None = None
    country: str | None = None
    since: str | None = None
    until: str | None = None
    modality: str | None = None
    min_sources: int | None = None
    actor: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    ids: frozenset[str] | None = None


# -- query plans ----------------------------------------------------------------------------------
# The app never runs ANALYZE, and without statistics SQLite takes an equality on any indexed
# column for a handful of rows: it would read every "asserted" event through the modality index
# and sort them all to return 100. So each query names the indexes it may use: a condition
# written with a unary plus (``+country = ?``) is still tested but cannot choose an index. The
# expressions below must stay word for word those of the indexes (migrations 0008, 0009).

# The date key of the lists, of events_date_order and of the (filter, date key, id) indexes.
_DATE_KEY = "coalesce(date_start, '')"
# An event's one-degree band of latitude, as indexed by events_grid (0 for -90…-89).
_GRID = "CAST(latitude + 90 AS INTEGER)"
# An event's span in days, as indexed by events_span (dates are ISO days: records.EventReport).
_SPAN = "julianday(date_end) - julianday(date_start)"
# A filter with at most this many events (counted from its index, counting stops here) is read
# through its index and its matches sorted; a commoner one is tested on the entries of the
# order's index until a page is full. At 1M events the sort of 2,000 rows costs a few ms, and a
# filter held by more than 0.2% of events fills a page of 100 within 50,000 index entries.
DRIVE_LIMIT = 2000
# The map reads the events of its filters through their index and sorts them when it has at
# most this many (the count it returns anyway says so); more, and it walks the map's own order
# (most fatalities first) until it has its points. The filters' indexes hold all a point needs,
# and so (from migration 0012) do the walked indexes' entries: events_map_filters holds every
# column a filter tests. The walk needs about cap / (share of events matching) entries, 100,000
# for 5% of 1M events; measured there, a sort costs ~1 us a match and the walk ~0.4 us an entry,
# so at 50,000 matches both take ~40 ms.
MAP_DRIVE_LIMIT = 50_000
# With an event type among the filters the walk is the map's order within the type
# (events_type_map), so it needs cap / (share of the type's events matching) entries: a year
# of a type is a tenth to a fifth of it. Measured at 1M events, a year of one type with
# 20,000-57,000 matches took 22-54 ms sorted, 11-22 ms walked (count included); around
# 15,000-20,000 matches both take 20-27 ms.
MAP_TYPE_DRIVE_LIMIT = 20_000
# The schema (migration 0014) from which the indexes a map is counted, sorted or walked
# through hold every column a filter but actor and status tests (modality and sources were
# read from the rows), and events_grid_map orders each band of latitude in the map's order.
EVENT_MAP_COVER_SCHEMA = 14
# The schema (migration 0015) from which events_sources_type holds each number of independent
# sources' events by event type and date key: a minimum of sources is counted and sorted one
# range per number (and type) at or above it (``_by_sources``), in proportion to its matches.
EVENT_SOURCES_TYPE_SCHEMA = 15
# A map over a period (since/until) walks its index in the map's order one fatality count at a
# time, each count's events of the period a range of the index (``_period_walk``): the walk
# reads the points and a seek or two per distinct count above the last one (a few hundred).
# Walking the map's order as one range instead read every later year first wherever many
# events share a count (unknown, 0, 1: protests have none): the map of one type's earliest
# year walked the type's whole order. Measured at 1M events, a year of a type took 3-10 ms
# walked count by count (5,000 points) and ~1 us a match sorted, 2-44 ms.
MAP_PERIOD_LIMIT = 8_000
# The period walk reads the top of the map's order (the highest fatality counts, each held by
# a few events) as one range of this many entries, then seeks count by count: visiting each of
# the 600 distinct counts of 1M events cost ~30 us.
MAP_SPARSE_TOP = 20_000
# A bounding box with more matches than this merges one walk per band of latitude in the map's
# order (events_grid_map): about cap / (the box's share of its bands' events) entries. At 1M
# events, boxes of 10,000-150,000 matches took 4-15 ms merged, 11-50 ms sorted.
MAP_GRID_LIMIT = 10_000
# A taller box (more bands than this) walks events_map_filters: its share of all events is
# then large, and a merge of many walks costs a comparison per walk and point.
MAP_GRID_BANDS = 30


@dataclass(frozen=True)
class _Term:
    """One condition: ``sql`` with ``{p}`` where a unary plus keeps it off an index; ``index``:
    the family of indexes it can be read through (None: only ever tested)."""

    sql: str
    params: tuple[Any, ...] = ()
    index: str | None = None
    test: str | None = None  # how to test it when not read through its index, if not sql
    # events_grid (0011) holds every column it tests: a box's count tests it there too.
    grid: bool = False

    def render(self, use: Iterable[str]) -> str:
        if self.index in set(use):
            return self.sql.format(p="")
        return self.test if self.test is not None else self.sql.format(p="+")


def _render(terms: list[_Term], use: Iterable[str]) -> tuple[str, list[Any]]:
    used = set(use)
    return (" AND ".join(["1 = 1", *(t.render(used) for t in terms)]),
            [p for t in terms for p in t.params])


@cache
def _type_columns() -> dict[str, str]:
    """ACLED's event types and sub-event types (resources/acled_types.tsv) → the events column
    that holds them: two vocabularies, no name in both."""
    out: dict[str, str] = {}
    for _key, event_type, sub, *_ in table("acled_types.tsv"):
        out[event_type] = "event_type"
        out[sub] = "sub_event_type"
    return out


def _type_term(value: str) -> _Term:
    """type=: an event type tests event_type, a sub-event type sub_event_type; a name in
    neither vocabulary (none sitrep writes) tests both."""
    column = _type_columns().get(value)
    if column is None:
        return _Term("(event_type = ? OR sub_event_type = ?)", (value, value))
    return _Term(f"{{p}}{column} = ?", (value,), column, grid=column == "event_type")


def _schema(store: Store) -> int:
    """The database's migration (PRAGMA user_version): which indexes a query may name. Read
    once per request and passed along (a read-only server may serve an older database)."""
    return store.conn.execute("PRAGMA user_version").fetchone()[0]


def _actor_term(actor: str, schema: int) -> _Term:
    """actor=: the events of event_actors (migration 0009): read from there, or tested by
    one lookup per event (an actor in 50,000 events is not gathered to fill a page of 100).
    On an older database served read-only: the three columns and the JSON list of each
    event."""
    if schema >= EVENT_ACTORS_SCHEMA:
        return _Term("id IN (SELECT event_id FROM event_actors WHERE actor_id = ?)",
                     (actor,), "actor", test="EXISTS (SELECT 1 FROM event_actors WHERE "
                                             "actor_id = ? AND event_id = events.id)")
    return _Term("(actor1_id = ? OR actor2_id = ? OR EXISTS (SELECT 1 FROM "
                 "json_each(events.associated) WHERE value = ?))", (actor, actor, actor))


def _bbox_term(bbox: tuple[float, float, float, float], schema: int) -> _Term:
    """bbox=: through events_grid, a longitude range in each band of latitude the box spans
    (one seek per band); before migration 0011, through events_place (the box's latitudes)."""
    west, south, east, north = bbox
    if schema < EVENT_GRID_SCHEMA:
        return _Term("{p}latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?",
                     (south, north, west, east), "place")
    bands = range(math.floor(south) + 90, math.floor(north) + 90 + 1)
    return _Term(f"{{p}}{_GRID} IN ({', '.join('?' * len(bands))}) AND longitude BETWEEN ? "
                 "AND ? AND +latitude BETWEEN ? AND ?", (*bands, west, east, south, north),
                 "place")


def _longest_span(store: Store, schema: int) -> int | None:
    """The longest span of a dated event in days (None: none dated, or a database older than
    events_span, where the lookup would be a scan)."""
    if schema < EVENT_ACTORS_SCHEMA:
        return None
    row = store.conn.execute(f"SELECT max({_SPAN}) FROM events").fetchone()
    return None if row[0] is None else math.ceil(row[0])


def _days_before(day: str, days: int) -> str | None:
    """The ISO day ``days`` before ``day`` (None: ``day`` is not a date, or too early; a filter
    is then only tested, not also a range)."""
    try:
        return (date.fromisoformat(day) - timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):
        return None


def _terms(store: Store, f: EventFilters, schema: int, *, date_key: str = _DATE_KEY,
           span: int | None = None) -> list[_Term]:
    """The filters as conditions (``schema``: the database's, ``_schema``). since/until are
    tested exactly (an event overlapping the period) and also as a range of ``date_key`` (an
    event overlapping ``since`` starts at most the longest span before it; ``span``: that many
    days instead, for events known to be no longer), which an index ordered by that key can
    seek to."""
    out = []
    if f.bbox:
        out.append(_bbox_term(f.bbox, schema))
    if f.actor:
        out.append(_actor_term(f.actor, schema))
    if f.event_type:
        out.append(_type_term(f.event_type))
    if f.country:
        out.append(_Term("{p}country = ?", (f.country.upper(),), "country"))
    if f.since:
        out.append(_Term("date_end >= ?", (f.since,), grid=True))
        span = _longest_span(store, schema) if span is None else span
        earliest = None if span is None else _days_before(f.since, span)
        if earliest is not None:
            out.append(_Term(f"{{p}}{date_key} >= ?", (earliest,), "date", grid=True))
    if f.until:
        out.append(_Term("+date_start <= ?", (f.until,), grid=True))
        out.append(_Term(f"{{p}}{date_key} <= ?", (f.until,), "date", grid=True))
    if f.modality:
        out.append(_Term("{p}modality = ?", (f.modality,), "modality"))
    if f.min_sources:
        out.append(_Term("{p}independent_sources >= ?", (f.min_sources,), "sources"))
    if f.ids is not None:
        out.append(_Term("{p}id IN (SELECT value FROM json_each(?))",
                         (json.dumps(sorted(f.ids)),), "ids"))
    return out


def _matches_up_to(store: Store, term: _Term, bound: int, along: Iterable[_Term] = ()) -> int:
    """How many events ``term`` holds (with the terms ``along`` it, tested in the entries of
    its index), counted from its index up to ``bound``."""
    if term.index == "ids":
        return min(bound, len(json.loads(term.params[0])))
    if term.index == "actor":
        sql, params = "SELECT 1 FROM event_actors WHERE actor_id = ?", list(term.params)
    else:
        where, params = _render([term, *along], [term.index or ""])
        sql = f"SELECT 1 FROM events WHERE {where}"
    return store.conn.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)",
                              [*params, bound]).fetchone()[0]


def _rarest(store: Store, terms: list[_Term], families: Iterable[str], bound: int,
            schema: int) -> str | None:
    """Of the terms whose index is one of ``families``, the one with fewest events, if it has
    fewer than ``bound``. A box is counted with the type and dates, which events_grid holds:
    a box of 20,000 events with 30 battles is read through the grid (its 30 matches sorted),
    not by walking every battle in date order for the 30 that lie in the box."""
    wanted = set(families)
    in_grid = [x for x in terms if x.grid] if schema >= EVENT_GRID_SCHEMA else []
    counted = [(_matches_up_to(store, t, bound, in_grid if t.index == "place" else ()), t.index)
               for t in terms if t.index in wanted]
    found = min(counted, default=(bound, None))
    return found[1] if found[0] < bound else None


# (filter index family, ordered by the date key within it), preferred in this order: a
# country's index carries type, bounding box and dates to test; the others carry less.
_DATE_ORDERED = ("country", "sub_event_type", "event_type", "modality")


def filter_events_by(events: Iterable[dict[str, Any]], f: EventFilters) -> list[dict[str, Any]]:
    """``EventFilters`` on events computed in memory (``filter_events`` plus bbox, actor, ids)."""
    out = []
    for e in filter_events(events, event_type=f.event_type, country=f.country, since=f.since,
                           until=f.until, modality=f.modality, min_sources=f.min_sources):
        loc = e["location"] or {}
        if f.bbox:
            west, south, east, north = f.bbox
            lat, lon = loc.get("latitude"), loc.get("longitude")
            if lat is None or lon is None or not (south <= lat <= north and west <= lon <= east):
                continue
        if f.actor and f.actor not in {(e["actor1"] or {}).get("id"),
                                       (e["actor2"] or {}).get("id"), *e["associated"]}:
            continue
        if f.ids is not None and e["id"] not in f.ids:
            continue
        out.append(e)
    return out


def sort_key(event: dict[str, Any], sort: str) -> str | int:
    """An event's key in ``sort`` (the Python twin of ``EVENT_SORTS``' SQL)."""
    if sort.lstrip("-") == "date":
        return event["date"]["start"] or ""
    if sort.lstrip("-") == "sources":
        return int(event["independent_sources"])
    best = event["fatalities"]["best"]
    return best if best is not None else (-1 if sort.startswith("-") else _UNKNOWN_LAST)


def event_page(store: Store, f: EventFilters, *, sort: str = "date",
               after: tuple[str | int, str] | None = None, limit: int = 100,
               drive_limit: int = DRIVE_LIMIT) -> list[dict[str, Any]]:
    """Up to ``limit`` events in ``sort`` order, after the keyset ``after`` (key, id).

    A filter with fewer than ``drive_limit`` events (an actor, a bounding box, a claim status;
    for the orders but date also a country, a type, a modality) is read through its index and
    its matches sorted. Otherwise the order's index is walked from the cursor on (for the date
    orders the country's, type's or modality's own index when one is filtered, from since or
    to until), each entry tested until the page is full."""
    key, descending = EVENT_SORTS[sort]
    by_date = key == _DATE_KEY
    schema = _schema(store)
    longest = _longest_span(store, schema) if f.since and by_date else None
    # One event dated "since 2017" would widen since='s range on the date key to years: the
    # events longer than VAGUE_DAYS that start before the short range are read apart.
    start = None if longest is None or longest <= VAGUE_DAYS or not f.since else _days_before(
        f.since, VAGUE_DAYS)
    terms = _terms(store, f, schema, span=VAGUE_DAYS if start else None)
    op, way = ("<", "DESC") if descending else (">", "ASC")
    cursor = None if after is None else _Term(  # its first condition makes a page a seek
        f"{{p}}{key} {op}= ? AND (+{key} {op} ? OR (+{key} = ? AND +id {op} ?))",
        (after[0], after[0], after[0], after[1]), "order")
    terms += [cursor] if cursor else []
    driver = _rarest(store, terms, {"actor", "place", "ids", "sources",
                                    *(() if by_date else _DATE_ORDERED)}, drive_limit, schema)
    if driver is not None:
        use, order = {driver}, f"+{key} {way}, +id {way}"
    else:
        use, order = {"order"}, f"{key} {way}, id {way}"
        if key == "independent_sources":
            use.add("sources")
        present = [x for x in _DATE_ORDERED if x in {t.index for t in terms}]
        if by_date:
            use |= {"date", *present[:1]}
    where, params = _render(terms, use)
    rows = [dict(r) for r in store.conn.execute(
        f"SELECT * FROM events WHERE {where} ORDER BY {order} LIMIT ?", [*params, limit])]
    if start is not None:
        rows = _with_long_events(store, f, schema, start, rows, cursor, descending, limit)
    members = _members(store, [r["id"] for r in rows])
    names = _actor_names(store, rows)
    return [event_dict(r, members.get(r["id"], []), names) for r in rows]


def _with_long_events(store: Store, f: EventFilters, schema: int, start: str,
                      rows: list[dict[str, Any]], cursor: _Term | None, descending: bool,
                      limit: int) -> list[dict[str, Any]]:
    """A date-ordered page merged with the matching events longer than ``VAGUE_DAYS`` that
    start before ``start`` (where the page's range began), read through events_span."""
    terms = [*_terms(store, f, schema), _Term(f"{{p}}{_SPAN} > ?", (VAGUE_DAYS,), "span"),
             _Term(f"+{_DATE_KEY} < ?", (start,)), *([cursor] if cursor else [])]
    where, params = _render(terms, {"span"})
    way = "DESC" if descending else "ASC"
    rows = rows + [dict(r) for r in store.conn.execute(
        f"SELECT * FROM events WHERE {where} ORDER BY +{_DATE_KEY} {way}, +id {way} LIMIT ?",
        [*params, limit])]
    rows.sort(key=lambda r: (r["date_start"] or "", r["id"]), reverse=descending)
    return rows[:limit]


def page_in_memory(events: Iterable[dict[str, Any]], *, sort: str = "date",
                   after: tuple[str | int, str] | None = None, limit: int = 100
                   ) -> list[dict[str, Any]]:
    """``event_page`` over events computed in memory."""
    descending = EVENT_SORTS[sort][1]
    ordered = sorted(events, key=lambda e: (sort_key(e, sort), e["id"]), reverse=descending)
    if after is not None:
        ordered = [e for e in ordered if ((sort_key(e, sort), e["id"]) < after if descending
                                          else (sort_key(e, sort), e["id"]) > after)]
    return ordered[:limit]


# An event dated only to a longer period than this (days) is left off the timeline's bins
# and counted as vague: a month is ACLED's coarsest time precision.
VAGUE_DAYS = 31


def _days(start: str | None, end: str | None) -> int:
    try:
        return (date.fromisoformat((end or "")[:10]) - date.fromisoformat((start or "")[:10])).days
    except ValueError:
        return 0


def _period(day: str | None, bin_: str) -> str | None:
    """The timeline bin of a date: the day, or the Monday of its ISO week."""
    try:
        d = date.fromisoformat((day or "")[:10])
    except ValueError:
        return None
    return (d - timedelta(days=d.weekday())).isoformat() if bin_ == "week" else d.isoformat()


def _binned(groups: Iterable[tuple[str | None, str | None, int, int | None, int | None,
                                     int | None]], bin_: str, max_bins: int) -> dict[str, Any]:
    """Timeline bins from (date_start, date_end, events, best, low, high) groups."""
    bins: dict[str, dict[str, Any]] = {}
    undated = vague = 0

    def add(a: int | None, b: int | None) -> int | None:
        return a if b is None else b if a is None else a + b

    for start, end, n, *figures in groups:
        p = _period(start, bin_)
        if p is None:
            undated += n
            continue
        if _days(start, end) > VAGUE_DAYS:
            vague += n
            continue
        item = bins.setdefault(p, {"period": p, "events": 0, "fatalities_best": None,
                                   "fatalities_low": None, "fatalities_high": None})
        item["events"] += n
        for k, value in zip(("best", "low", "high"), figures, strict=True):
            item[f"fatalities_{k}"] = add(item[f"fatalities_{k}"], value)
    items = [bins[p] for p in sorted(bins)]
    return {"bin": bin_, "items": items[:max_bins], "undated": undated, "vague": vague,
            "truncated": len(items) > max_bins}


def event_timeline(store: Store, f: EventFilters, *, bin_: str = "day", max_bins: int = 10_000
                   ) -> dict[str, Any]:
    """Events and fatalities per day (or ISO week, by its Monday) of their start date;
    ``undated``: the events without a start date; ``vague``: those dated only to a period
    longer than ``VAGUE_DAYS`` ("since 2017"), which a bin would misplace. At most ``max_bins``
    bins, oldest first (``truncated`` says when there were more).

    SQL groups the events by their (start, end) dates, walking events_date_figures (or a
    filter's index) in date order; the few thousand groups are put in bins here, by the same
    rules as ``timeline_in_memory``."""
    terms = _terms(store, f, _schema(store), date_key="date_start")
    where, params = _render(terms, {t.index for t in terms if t.index})
    groups = store.conn.execute(
        "SELECT date_start, date_end, count(*), sum(fatalities), sum(fatalities_low), "
        f"sum(fatalities_high) FROM events WHERE {where} GROUP BY date_start, date_end",
        params).fetchall()
    return _binned(groups, bin_, max_bins)


def timeline_in_memory(events: Iterable[dict[str, Any]], *, bin_: str = "day",
                       max_bins: int = 10_000) -> dict[str, Any]:
    """``event_timeline`` over events computed in memory."""
    return _binned(((e["date"]["start"], e["date"]["end"], 1, e["fatalities"]["best"],
                     e["fatalities"]["low"], e["fatalities"]["high"]) for e in events),
                   bin_, max_bins)


# The map's order, and its key's expressions (word for word those of the indexes).
_MAP_KEY = "coalesce(fatalities, -1)"
_MAP_ORDER = f"{_MAP_KEY} DESC, {_DATE_KEY} DESC, id"
_POINT = "id, longitude, latitude, event_type, fatalities"
# (From migration 0014.) The filter a map is counted and sorted through: the first of these
# among its filters, the narrowest as filters usually come (a box, a country, a type are each
# a few % of events, a period of a year a tenth or two). A modality or a minimum of sources
# usually holds tens of % of events but may hold 1-5% (negated, 4 sources or more): with one
# among the filters, its range is counted up to MAP_DRIVER_BOUND, and when smaller the others'
# up to its size; the smallest leads (``_map_driver``). The families whose index has the date
# key right after the filter's (a period is then a range within it).
_MAP_DRIVERS = ("ids", "actor", "place", "country", "sub_event_type", "event_type", "modality",
                "date", "sources", "placed")
_DATE_AFTER = {"country", "sub_event_type", "event_type", "modality"}
_MAP_WEAK = ("modality", "sources")
# Counting a range of this many index entries costs ~4 ms at 1M events; past it a filter is
# common enough that the order above decides.
MAP_DRIVER_BOUND = 50_000
# A map whose walk is not within its driver's range (a modality's or a box's period walked in
# all events' order) sorts up to this many matches: the walk reads about cap / (their share of
# the period's events) entries.
MAP_PERIOD_DRIVE_LIMIT = 20_000
# (From migration 0015.) A minimum of sources is read through events_sources_type as one range
# per number of sources at or above it, with the event type and the period's date key sought
# within each: only its matches of the type and period (a dozen numbers: 1M events have 1-10
# sources). Its range is then never wider than the type's or the period's, and leads them
# (2025 with at least 2 sources: 57,000 entries instead of the year's 190,000; explosions with
# at least 3: 34,000 instead of the type's 300,000). The numbers, and
# every event type (over a period without a type), are named by subqueries seeking them in
# the index they lead, in the statement that reads them: a write between two statements
# cannot hide one.
_SOURCE_NUMBERS = ("(WITH RECURSIVE n(v) AS (SELECT min(independent_sources) FROM events WHERE "
                   "independent_sources >= ? UNION ALL SELECT (SELECT min(independent_sources) "
                   "FROM events WHERE independent_sources > v) FROM n WHERE v IS NOT NULL) "
                   "SELECT v FROM n WHERE v IS NOT NULL)")
_EVENT_TYPES = ("(WITH RECURSIVE t(v) AS (SELECT min(event_type) FROM events UNION ALL SELECT "
                "(SELECT min(event_type) FROM events WHERE event_type > v) FROM t WHERE v IS NOT "
                "NULL) SELECT v FROM t WHERE v IS NOT NULL)")
_BY_SOURCES = {"sources", "event_type", "date"}
# A map read through a minimum of sources (0015) that walks a type's order or a period's sorts
# up to this many matches: the walk reads about cap / (their share of the type's or period's
# events) entries. Measured at 1M events (a year, or a type, with at least 2-5 sources), the
# two cost the same around 12,000-14,000 matches; a sort of 17,000-21,000 took 1.1-2.3 times
# as long as the walk, a walk among 8,400 (4% of a year's events) 2.7 times the sort.
MAP_SOURCES_DRIVE_LIMIT = 12_000


def _reads(driver: str, schema: int) -> set[str]:
    """The families of the terms sought in the index of ``driver`` (the others are tested in
    its entries): a period's date key within a country's, a type's, a modality's range; a
    type's and a period's within each number of sources (migration 0015)."""
    if driver == "sources" and schema >= EVENT_SOURCES_TYPE_SCHEMA:
        return _BY_SOURCES
    return {driver, "date"} if driver in _DATE_AFTER else {driver}


def _by_sources(terms: list[_Term]) -> list[_Term]:
    """The terms as read through events_sources_type (migration 0015): the minimum of sources
    as the numbers at or above it and, over a period without an event type, as every event
    type, so that a type and a period's date key are sought within each number's range. The
    same events: every event has an event type, and the numbers are those of the events."""
    typed = any(t.index == "event_type" for t in terms)
    dated = any(t.index == "date" for t in terms)
    out = []
    for t in terms:
        if t.index != "sources":
            out.append(t)
            continue
        out.append(_Term(f"{{p}}independent_sources IN {_SOURCE_NUMBERS}", t.params, t.index))
        if dated and not typed:
            out.append(_Term(f"{{p}}event_type IN {_EVENT_TYPES}", (), "event_type"))
    return out


def _read_terms(terms: list[_Term], driver: str, schema: int) -> list[_Term]:
    """The terms as read through the index of ``driver`` (``_by_sources`` for a minimum of
    sources from migration 0015)."""
    return _by_sources(terms) if _reads(driver, schema) is _BY_SOURCES else terms


def _map_driver(store: Store, terms: list[_Term], families: set[str | None], schema: int
                ) -> str:
    """The family of the filter a map is counted and sorted through (``_MAP_DRIVERS``)."""
    ordered = [x for x in _MAP_DRIVERS if x in families and x != "placed"] or ["placed"]
    if schema >= EVENT_SOURCES_TYPE_SCHEMA and "sources" in ordered:
        # a minimum of sources reads only its events of the type and period (_by_sources)
        ordered = [x for x in ordered if x not in ("event_type", "date")]
    weak = [x for x in ordered if x in _MAP_WEAK]
    if ordered[0] in ("ids", "actor") or len(ordered) == 1 or not weak:
        return ordered[0]

    def size(family: str, bound: int) -> int:
        along = _reads(family, schema)
        read = _read_terms(terms, family, schema)
        where, params = _render([t for t in read if t.index in along], along)
        return store.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM events WHERE {where} "
                                  "LIMIT ?)", [*params, bound]).fetchone()[0]

    sizes = {x: size(x, MAP_DRIVER_BOUND) for x in weak}
    smallest = min(sizes.values())
    if smallest >= MAP_DRIVER_BOUND:
        return ordered[0]
    # (up to one more: a filter as large leads only if it comes first in the order)
    sizes |= {x: size(x, smallest + 1) for x in ordered if x not in sizes}
    return min(ordered, key=lambda x: (sizes[x], ordered.index(x)))


def event_points(store: Store, f: EventFilters, *, cap: int = 5000,
                 drive_limit: int | None = None) -> dict[str, Any]:
    """Map points ``(id, lon, lat, event_type, best fatalities)`` of the events with
    coordinates: the ``cap`` with most fatalities (unknown last), then the latest;
    ``total``: how many events with coordinates match.

    Points are tuples (JSON arrays): a tuple of strings and numbers leaves the garbage
    collector's care, a list never does. The server keeps 64 answers; kept as 5,000 lists each,
    they made a full collection (every dozen map requests or so) take 45-70 ms.

    The total is counted through one filter's index (``_map_driver``: a box, a country, a
    type, a period…), whose entries hold every column the other filters test (migration 0014;
    actor and status excepted); a minimum of sources as one range per number of sources at or
    above it, the type and period sought within each (migration 0015, ``_by_sources``). Up to
    ``drive_limit`` matches are read there again and sorted; more, and an index in the map's
    order is walked until ``cap`` entries match:

    * a box: one walk per band of latitude (events_grid_map), merged (``MAP_GRID_LIMIT``);
    * else the map's order of the country (events_country_map), the type (events_type_map) or
      all events (events_map_filters); over a period one fatality count at a time
      (``_period_walk``), else as one range.

    A walk within the driver's own range (a type's or a country's order, a period of all
    events) reads at most what the sort would, and stops at ``cap``: it is taken from ``cap``
    matches on (over a period from ``MAP_PERIOD_LIMIT``: it seeks each count). A walk of a
    wider range is taken past ``MAP_DRIVE_LIMIT`` matches (over a period
    ``MAP_PERIOD_DRIVE_LIMIT``; a type or a period read through a minimum of sources
    ``MAP_SOURCES_DRIVE_LIMIT``)."""
    schema = _schema(store)
    if schema < EVENT_MAP_COVER_SCHEMA:
        return _points_before_cover(store, f, schema, cap=cap, drive_limit=drive_limit)
    # A box's BETWEENs already test that an event has a point.
    terms = [*_terms(store, f, schema), *([] if f.bbox else [
        _Term("{p}latitude IS NOT NULL AND longitude IS NOT NULL", (), "placed")])]
    families = {t.index for t in terms}
    driver = _map_driver(store, terms, families, schema)
    where, params = _render(_read_terms(terms, driver, schema), _reads(driver, schema))
    total = store.conn.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0]
    dated = "date" in families
    bands = 0 if not f.bbox else math.floor(f.bbox[3]) - math.floor(f.bbox[1]) + 1
    merged = 0 < bands <= MAP_GRID_BANDS and not dated and not families & {"actor", "ids"}
    # The order walked: a country's (events_country_map), else a type's (events_type_map),
    # else all events' (events_map_filters), each testing the other filters in its entries.
    prefix = None if f.bbox or families & {"actor", "ids"} else next(
        (t for family in ("country", "event_type") for t in terms if t.index == family), None)
    within = (prefix.index == driver) if prefix else (dated and driver == "date")
    # a minimum of sources read within a type or a period, whose order is walked (0015)
    narrowed = _reads(driver, schema) is _BY_SOURCES and (dated or (
        prefix is not None and prefix.index == "event_type"))
    if drive_limit is None:
        drive_limit = (MAP_GRID_LIMIT if merged
                       else (MAP_PERIOD_LIMIT if dated else cap) if within
                       else MAP_SOURCES_DRIVE_LIMIT if narrowed
                       else MAP_PERIOD_DRIVE_LIMIT if dated else MAP_DRIVE_LIMIT)
    if families == {"country", "placed"}:
        drive_limit = -1  # a country alone: the first cap entries of its order
    if total <= drive_limit:
        order = ", ".join(f"+{part}" for part in _MAP_ORDER.split(", "))
        items = store.conn.execute(f"SELECT {_POINT} FROM events WHERE {where} ORDER BY {order} "
                                   "LIMIT ?", [*params, cap]).fetchall()
    elif merged:
        items = _grid_walk(store, f, terms, cap)
    elif dated:
        items = _period_walk(store, terms, prefix, cap)
    else:
        where, params = _render(terms, {prefix.index} if prefix and prefix.index else set())
        items = store.conn.execute(f"SELECT {_POINT} FROM events WHERE {where} "
                                   f"ORDER BY {_MAP_ORDER} LIMIT ?", [*params, cap]).fetchall()
    return {"total": total, "items": [tuple(r) for r in items]}


def _grid_walk(store: Store, f: EventFilters, terms: list[_Term], cap: int) -> list[Any]:
    """A box's points: one walk of events_grid_map per band of latitude the box spans, each in
    the map's order testing the box and the other filters in its entries, merged by SQLite (a
    compound SELECT whose parts are each in the ORDER BY's order is read as a merge, stopping
    at the LIMIT)."""
    assert f.bbox is not None
    west, south, east, north = f.bbox
    where, params = _render([t for t in terms if t.index != "place"], ())
    part = (f"SELECT {_MAP_KEY} AS k, {_DATE_KEY} AS d, {_POINT} FROM events WHERE {_GRID} = ? "
            f"AND +longitude BETWEEN ? AND ? AND +latitude BETWEEN ? AND ? AND {where}")
    bands = range(math.floor(south) + 90, math.floor(north) + 90 + 1)
    rows = store.conn.execute(
        " UNION ALL ".join([part] * len(bands)) + " ORDER BY k DESC, d DESC, id LIMIT ?",
        [*(x for band in bands for x in (band, west, east, south, north, *params)), cap])
    return [r[2:] for r in rows]


def _period_walk(store: Store, terms: list[_Term], prefix: _Term | None, cap: int) -> list[Any]:
    """A period's points, walking the map's order (within the ``prefix`` filter's country or
    type: events_country_map, events_type_map; else events_map_filters) one fatality count at
    a time, highest first: each count's events of the period are a range of the index (the
    date key follows the count), read latest first, so the walk seeks the period instead of
    reading every later event that has the same count.

    The highest counts are each held by a few events (600 distinct counts at 1M events, all
    but a dozen above 20): the first ``MAP_SPARSE_TOP`` entries of the order are read as one
    range, tested, and their matches sorted; below, count by count (a seek for the next lower
    count, a range read of its events in the period) until ``cap`` match."""
    family = {prefix.index} if prefix and prefix.index else set()
    where, params = _render(terms, {"date", *family})
    head, head_params = ("1 = 1", []) if not family or prefix is None else (
        prefix.render(family), list(prefix.params))
    order = ", ".join(f"+{part}" for part in _MAP_ORDER.split(", "))
    # The count at the MAP_SPARSE_TOP-th entry of the order: those above it are read as a range.
    row = store.conn.execute(f"SELECT {_MAP_KEY} FROM events WHERE {head} ORDER BY {_MAP_KEY} "
                             "DESC LIMIT 1 OFFSET ?", [*head_params, MAP_SPARSE_TOP]).fetchone()
    top_where, top_params = _render(terms, family)  # the period tested, not sought
    items = store.conn.execute(
        f"SELECT {_POINT} FROM events WHERE {top_where} AND {_MAP_KEY} > ? ORDER BY {order} "
        "LIMIT ?", [*top_params, -2 if row is None else row[0], cap]).fetchall()
    value = None if row is None else row[0]
    while value is not None and len(items) < cap:
        # the index's order within one count: latest first, then by id
        items += store.conn.execute(
            f"SELECT {_POINT} FROM events WHERE {where} AND {_MAP_KEY} = ? ORDER BY "
            f"{_DATE_KEY} DESC, id LIMIT ?", [*params, value, cap - len(items)]).fetchall()
        value = store.conn.execute(f"SELECT max({_MAP_KEY}) FROM events WHERE {head} AND "
                                   f"{_MAP_KEY} < ?", [*head_params, value]).fetchone()[0]
    return items


def _points_before_cover(store: Store, f: EventFilters, schema: int, *, cap: int,
                         drive_limit: int | None) -> dict[str, Any]:
    """``event_points`` on a database older than migration 0014 (served read-only): up to
    ``drive_limit`` matches (by default ``MAP_DRIVE_LIMIT``, ``MAP_TYPE_DRIVE_LIMIT`` with an
    event type) read through their filter's index and sorted; more, and an index in the map's
    order walked, each entry tested until ``cap`` match: events_type_map for an event type
    (0012), events_country_map for a country, else events_map_filters (0012) or events_map."""
    # A box's BETWEENs already test that an event has a point (3 ms of a 150,000-event count).
    terms = [*_terms(store, f, schema), *([] if f.bbox else [
        _Term("{p}latitude IS NOT NULL AND longitude IS NOT NULL", (), "placed")])]
    # A box reads its own index (events_grid holds the type and dates to test there); "has a
    # point" (events_place) counts a map without one.
    where, params = _render(terms, {"place"} if f.bbox else {t.index for t in terms if t.index})
    total = store.conn.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0]
    order = "coalesce(fatalities, -1) DESC, coalesce(date_start, '') DESC, id"
    country_only = bool(f.country) and {t.index for t in terms} == {"country", "placed"}
    # A type walks its own order (0012) unless a country leads (events_country_map).
    by_type = (schema >= EVENT_MAP_SCHEMA and not f.country
               and any(t.index == "event_type" for t in terms))
    if drive_limit is None:
        drive_limit = MAP_TYPE_DRIVE_LIMIT if by_type else MAP_DRIVE_LIMIT
    if total <= drive_limit and not country_only:
        order = ", ".join(f"+{part}" for part in order.split(", "))
    else:
        where, params = _render(terms, {"country"} if f.country else
                                {"event_type"} if by_type else set())
    items = [tuple(r) for r in store.conn.execute(
        f"SELECT id, longitude, latitude, event_type, fatalities FROM events WHERE {where} "
        f"ORDER BY {order} LIMIT ?", [*params, cap])]
    return {"total": total, "items": items}


def points_in_memory(events: Iterable[dict[str, Any]], *, cap: int = 5000) -> dict[str, Any]:
    """``event_points`` over events computed in memory."""
    placed = [e for e in events if (e["location"] or {}).get("latitude") is not None
              and (e["location"] or {}).get("longitude") is not None]
    placed.sort(key=lambda e: e["id"])
    placed.sort(key=lambda e: (sort_key(e, "-fatalities"), e["date"]["start"] or ""),
                reverse=True)
    return {"total": len(placed), "items": [
        (e["id"], e["location"]["longitude"], e["location"]["latitude"], e["event_type"],
         e["fatalities"]["best"]) for e in placed[:cap]]}


def event_statuses(store: Store, *, as_of: str | None = None,
                   by: str = "published") -> dict[str, set[str]]:
    """Event id → the verification statuses of the claim groups about it
    (``sitrep.store.claim_groups``; ``as_of``: over the events as they were then)."""
    from .claim_groups import claim_groups

    out: dict[str, set[str]] = {}
    for g in claim_groups(store, as_of=as_of, by=by):
        out.setdefault(g["event"], set()).add(g["status"])
    return out


def event_facets(store: Store, statuses: dict[str, set[str]]) -> dict[str, Any]:
    """What the filters can choose from, with how many events have each value: event types
    (with their sub-event types), countries, modalities, claim statuses."""
    from collections import Counter

    from .claim_groups import STATUS_ORDER

    def counted(sql: str) -> list[dict[str, Any]]:
        return [{"value": r[0], "count": r[1]} for r in store.conn.execute(sql)]

    types: dict[str, dict[str, Any]] = {}
    for kind, sub, n in store.conn.execute(
            "SELECT event_type, sub_event_type, count(*) FROM events "
            "GROUP BY event_type, sub_event_type ORDER BY event_type, sub_event_type"):
        t = types.setdefault(kind, {"value": kind, "count": 0, "sub_event_types": []})
        t["count"] += n
        if sub is not None:
            t["sub_event_types"].append({"value": sub, "count": n})
    for t in types.values():
        t["sub_event_types"].sort(key=lambda s: (-s["count"], s["value"]))
    held = Counter(s for found in statuses.values() for s in found)
    return {
        "types": sorted(types.values(), key=lambda t: (-t["count"], t["value"])),
        "countries": counted("SELECT country, count(*) AS n FROM events WHERE country IS NOT "
                             "NULL GROUP BY country ORDER BY n DESC, country"),
        "modalities": counted("SELECT modality, count(*) AS n FROM events GROUP BY modality "
                              "ORDER BY n DESC, modality"),
        "statuses": [{"value": s, "count": held.get(s, 0)} for s in STATUS_ORDER],
    }


def field_values(event: dict[str, Any]) -> dict[str, str | None]:
    """Each consolidated field of an event as one display string (None: unknown)."""
    loc, d, f = event["location"] or {}, event["date"], event["fatalities"]
    place = ", ".join(dict.fromkeys(x for x in (loc.get("name"), loc.get("admin1"),
                                                loc.get("country")) if x)) or None
    when = None if not d["start"] else d["start"] if d["start"] == d["end"] or not d["end"] \
        else f"{d['start']}/{d['end']}"
    killed = None if f["best"] is None else str(f["best"]) if f["low"] == f["high"] \
        else f"{f['best']} ({f['low']}–{f['high']})"
    return {"event_type": event["event_type"], "sub_event_type": event["sub_event_type"],
            "actor1": (event["actor1"] or {}).get("name"),
            "actor2": (event["actor2"] or {}).get("name"), "location": place, "date": when,
            "fatalities": killed, "modality": event["modality"]}


def machine_value(event: dict[str, Any], field: str,
                  statuses: Iterable[str] = ()) -> str | int | None:
    """What sitrep says of ``field`` (a review keeps it beside the reviewer's value): the
    display value, but fatalities as the best figure and status as the strongest status of
    the event's claim groups."""
    from .claim_groups import STATUS_ORDER

    if field == "fatalities":
        return event["fatalities"]["best"]
    if field == "status":
        found = [s for s in STATUS_ORDER if s in set(statuses)]
        return found[0] if found else None
    return field_values(event)[field]


def event_fields(store: Store, event: dict[str, Any]) -> list[dict[str, Any]]:
    """The evidence behind each consolidated field: the member report that supplied the value
    (one whose own value equals the event's; the seed, else the earliest joined) and its span
    in that document's clean text. Fatalities: the span of a figure equal to the best."""
    members = [m["report"] for m in event["reports"]]
    reports = {r["id"]: dict(r) for r in store.conn.execute(
        "SELECT id, document_id, event_type, sub_event_type, actor1_id, actor2_id, associated, "
        "place_id, country, date_start, date_end, modality, evidence FROM event_reports "
        "WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(members),))}
    ordered = [reports[m] for m in members if m in reports]
    values = field_values(event)
    loc = event["location"] or {}
    wanted: dict[str, Any] = {
        "event_type": lambda r: r["event_type"] == event["event_type"],
        "sub_event_type": lambda r: r["sub_event_type"] == event["sub_event_type"],
        "location": lambda r: (r["place_id"] == loc.get("place_id") if loc.get("place_id")
                               else r["country"] == loc.get("country")),
        "date": lambda r: (r["date_start"], r["date_end"]) == (event["date"]["start"],
                                                               event["date"]["end"]),
        "modality": lambda r: r["modality"] == event["modality"],
    }
    out = []
    for field in EVENT_FIELDS:
        found: dict[str, Any] = {"field": field, "value": values[field], "report": None,
                                 "document_id": None, "span": None}
        out.append(found)
        if values[field] is None:
            continue
        if field == "fatalities":
            found.update(_figure_evidence(event, members))
            continue
        if field in ("actor1", "actor2"):
            actor = event[field]["id"]
            holding = [r for r in ordered if actor in (
                r["actor1_id"], r["actor2_id"], *json.loads(r["associated"] or "[]"))]
            # The same role first, then one with a span; min() keeps the joined order.
            r = min(holding, key=lambda r: (r[f"{field}_id"] != actor,
                                            _actor_span(r, actor) is None), default=None)
            span = None if r is None else _actor_span(r, actor)
        else:
            r = next((r for r in ordered if wanted[field](r)), None)
            span = None if r is None else json.loads(r["evidence"] or "{}").get(
                _EVIDENCE_KEY[field])
        if r is not None:
            found.update(report=r["id"], document_id=r["document_id"], span=span)
    return out


def _actor_span(report: dict[str, Any], actor: str) -> dict[str, Any] | None:
    """The span of ``actor`` in a report's evidence, whichever role it has there."""
    evidence = json.loads(report["evidence"] or "{}")
    if report["actor1_id"] == actor and evidence.get("actor1"):
        return evidence["actor1"]
    if report["actor2_id"] == actor and evidence.get("actor2"):
        return evidence["actor2"]
    associated = json.loads(report["associated"] or "[]")
    spans = evidence.get("associated") or []
    if actor in associated and associated.index(actor) < len(spans):
        return spans[associated.index(actor)]
    return None


def _figure_evidence(event: dict[str, Any], members: list[str]) -> dict[str, Any]:
    """The figure whose value is the event's best, from the earliest joined member."""
    best = event["fatalities"]["best"]
    rank = {m: k for k, m in enumerate(members)}
    candidates = [f for f in event["fatalities"]["figures"]
                  if best in (f.get("value"), f.get("low"), f.get("high")) and f.get("span")]
    if not candidates:
        return {}
    f = min(candidates, key=lambda f: (f.get("value") != best,
                                       rank.get(f.get("report_id"), len(rank))))
    return {"report": f.get("report_id"), "document_id": f.get("document_id"),
            "span": f["span"]}
