"""Storing and reading consolidated events (sitrep.link.consolidate).

``update_events`` keeps the ``events`` tables in step with the reports: it groups every stored
report into blocks, and re-clusters only the blocks whose content changed since the last run
(a block's signature covers its reports, their documents' origins and the text links between
them). Because a block is always clustered from scratch, the tables after any sequence of
incremental runs equal a rebuild (``rebuild=True``).

``events_as_of`` answers from the documents published (or ingested) up to a date: it runs the
same consolidation in memory over those documents' reports only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..link.compatibility import ReportView
from ..link.consolidate import Cluster, Considered, blocks, cluster, summarize
from ..records import ACTOR_INTER, HAPPENED
from .sqlite import Store

# What a report row carries into the consolidation (the rest stays in event_reports).
REPORT_COLUMNS = (
    "r.id, r.document_id, r.event_type, r.sub_event_type, r.cameo, r.actor1_id, r.actor2_id, "
    "r.associated, r.inter1, r.inter2, r.place_id, r.location, r.admin1, r.country, r.latitude, "
    "r.longitude, r.geo_precision, r.place_from, r.date_start, r.date_end, r.time_precision, "
    "r.figures, r.modality, r.happened, r.notes, d.published, d.ingested_at")


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


def _text_links(store: Store) -> set[tuple[str, str]]:
    if not _table_exists(store, "document_links"):
        return set()
    pairs: set[tuple[str, str]] = set()
    for a, b in store.conn.execute("SELECT document_id, other_id FROM document_links"):
        pairs.add((a, b))
        pairs.add((b, a))
    return pairs


def _death_figures(figures: list[dict[str, Any]]) -> tuple[int, ...]:
    out = []
    for f in figures:
        value = next((f.get(k) for k in ("low", "value", "high") if f.get(k) is not None), None)
        if value is not None:
            out.append(int(value))
    return tuple(sorted(set(out)))


def report_views(store: Store, *, until: str | None = None, by: str = "published",
                 origins: dict[str, str] | None = None,
                 ids: Iterable[str] | None = None) -> Iterator[ReportView]:
    """Every stored event report as the consolidation sees it (``until``: only reports of
    documents published, or ingested, on or before that date; ``ids``: only these)."""
    origins = _origins(store) if origins is None else origins
    where, params = "", ()
    if until is not None:
        column = "d.published" if by == "published" else "d.ingested_at"
        where, params = f"WHERE {column} IS NOT NULL AND substr({column}, 1, 10) <= ?", (until,)
    elif ids is not None:
        wanted = sorted(set(ids))
        where, params = f"WHERE r.id IN ({', '.join('?' * len(wanted))})", tuple(wanted)
    sql = (f"SELECT {REPORT_COLUMNS} FROM event_reports r JOIN documents d "
           f"ON d.id = r.document_id {where} ORDER BY r.document_id, r.id")
    for row in store.conn.execute(sql, params):
        r = dict(row)
        r["figures"] = json.loads(r["figures"] or "[]")
        r["associated"] = json.loads(r["associated"] or "[]")
        actors = frozenset(a for a in (r["actor1_id"], r["actor2_id"], *r["associated"]) if a)
        yield ReportView(
            id=r["id"], document_id=r["document_id"],
            origin=origins.get(r["document_id"], r["document_id"]),
            published=(r["published"] or "")[:10] or None, event_type=r["event_type"],
            sub_event_type=r["sub_event_type"], actors=actors, country=r["country"],
            admin1=r["admin1"], latitude=r["latitude"], longitude=r["longitude"],
            geo_precision=r["geo_precision"], date_start=r["date_start"],
            date_end=r["date_end"], figures=_death_figures(
                [f for f in r["figures"] if f.get("unit") in ("killed", "dead", "executed")]),
            happened=bool(r["happened"]), row=r)


def _signature(block: list[ReportView], links: set[tuple[str, str]]) -> str:
    docs = sorted({r.document_id for r in block})
    linked = sorted((a, b) for a in docs for b in docs if a < b and (a, b) in links)
    payload = json.dumps([[r.id, r.origin, r.row.get("modality"), r.date_start, r.date_end,
                           r.country, r.latitude, r.longitude, r.event_type,
                           r.sub_event_type, sorted(r.actors), r.figures]
                          for r in sorted(block, key=lambda r: r.id)] + [linked])
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def update_events(store: Store, *, rebuild: bool = False) -> ConsolidationSummary:
    """Bring the consolidated events up to date with the stored reports (one transaction)."""
    summary = ConsolidationSummary()
    links = _text_links(store)
    views = list(report_views(store))
    grouped = blocks(views)
    summary.blocks = len(grouped)
    signatures = {_signature(b, links): b for b in grouped}
    types = _actor_types(store)
    with store.transaction() as c:
        if rebuild:
            c.execute("DELETE FROM events")
            c.execute("DELETE FROM event_members")
            c.execute("DELETE FROM event_decisions")
        known = {r[0] for r in c.execute("SELECT DISTINCT block FROM events")}
        stale = known - set(signatures)
        for sig in sorted(stale):
            _drop_block(c, sig)
        for sig, block in signatures.items():
            if sig in known and not rebuild:
                continue
            clusters, considered = cluster(block, lambda a, b: (a, b) in links)
            _save_block(c, sig, clusters, considered, types)
            summary.reclustered += 1
        summary.events = c.execute("SELECT count(*) FROM events").fetchone()[0]
    return summary


def _drop_block(c: Any, sig: str) -> None:
    ids = [r[0] for r in c.execute("SELECT id FROM events WHERE block = ?", (sig,))]
    for event_id in ids:
        reports = [r[0] for r in c.execute(
            "SELECT report_id FROM event_members WHERE event_id = ?", (event_id,))]
        c.executemany("DELETE FROM event_decisions WHERE report_id = ?", [(r,) for r in reports])
        c.execute("DELETE FROM event_members WHERE event_id = ?", (event_id,))
    c.execute("DELETE FROM events WHERE block = ?", (sig,))


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
                types: dict[str, str]) -> None:
    for cl in clusters:
        e = _row(summarize(cl), cl, types)
        c.execute(
            "INSERT OR REPLACE INTO events(id, block, event_type, sub_event_type, cameo, "
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
        c.executemany(
            "INSERT OR REPLACE INTO event_members(report_id, event_id, document_id, origin, "
            "joined) VALUES (?, ?, ?, ?, ?)",
            [(m.id, cl.id, m.document_id, m.origin, k) for k, m in enumerate(cl.members)])
    c.executemany(
        "INSERT INTO event_decisions(report_id, other_id, event_id, merged, conflict, score, "
        "reason, features) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
        sql.append("AND (actor1_id = ? OR actor2_id = ? OR EXISTS (SELECT 1 FROM "
                   "json_each(events.associated) WHERE value = ?))")
        params += [actor, actor, actor]
    if after:
        sql.append("AND (coalesce(date_start, '') > ? OR (coalesce(date_start, '') = ? "
                   "AND id > ?))")
        params += [after[0], after[0], after[1]]
    if event_type:
        sql.append("AND (event_type = ? OR sub_event_type = ?)")
        params += [event_type, event_type]
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
    names = _actor_names(store)
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


def _actor_names(store: Store) -> dict[str, tuple[str, str, str | None]]:
    return {r[0]: (r[1], r[2], r[3]) for r in store.conn.execute(
        "SELECT id, name, type, country FROM actors")}


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
        "associated": json.loads(r["associated"] or "[]"), "interaction": r["interaction"],
        "location": None if r["place_id"] is None and r["country"] is None else {
            "place_id": r["place_id"], "name": r["location"], "admin1": r["admin1"],
            "country": r["country"], "latitude": r["latitude"], "longitude": r["longitude"]},
        "geo_precision": r["geo_precision"],
        "date": {"start": r["date_start"], "end": r["date_end"],
                 "time_precision": r["time_precision"]},
        "fatalities": {"best": r["fatalities"], "low": r["fatalities_low"],
                       "high": r["fatalities_high"],
                       "figures": json.loads(r["figures"] or "[]")},
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
    rows = store.conn.execute("SELECT id FROM events WHERE id LIKE ? LIMIT 2",
                              (prefix + "%",)).fetchall()
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
    links = _text_links(store)
    types = _actor_types(store)
    names = _actor_names(store)
    sites = {r[0]: r[1] for r in store.conn.execute("SELECT id, site FROM documents")}
    out = []
    for block in blocks(report_views(store, until=day, by=by)):
        clusters, _ = cluster(block, lambda a, b: (a, b) in links)
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
                      _actor_names(store))


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

    links = _text_links(store)

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
    out = []
    for a in a_ids:
        for b in b_ids:
            if a in views and b in views and a != b:
                d = decide(views[a], views[b], text_link=(views[a].document_id,
                                                          views[b].document_id) in links)
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
