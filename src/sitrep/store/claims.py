"""Storing, listing and exporting claims, and the claims behind each event report's figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..records import Actor, Claim, Claimant, Span
from .sqlite import Store


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def _claimant(c: Claimant | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {"span": _span(c.span), "antecedent": _span(c.antecedent), "rule": c.rule}


def actor_row(a: Actor, *, mentioned: bool) -> dict[str, Any]:
    """An ``actors`` row. ``mentioned``: the actor was mentioned in the text (its row
    replaces a stored one); else it only speaks or judges in a claim (its row is stored only
    when the id is new)."""
    return {"id": a.id, "name": a.name, "type": a.type, "country": a.country, "kind": a.kind,
            "aliases": json.dumps(list(a.aliases), ensure_ascii=False), "mentioned": mentioned}


CLAIM_COLUMNS = (
    "id", "document_id", "ordinal", "claimant_id", "claimant_name", "claimant_role",
    "claimant_affiliation", "kind", "stance", "status", "channel", "cue_lemma", "content_start",
    "content_end", "content", "date_start", "date_end", "hedged", "evidence", "rule")
CLAIM_VERIFICATION_COLUMNS = ("claim_id", "document_id", "status", "by_id", "by_name",
                              "from_claim", "evidence", "rule")
CLAIM_EVENT_COLUMNS = ("claim_id", "document_id", "event_id", "figure_start", "figure_end",
                       "figure_text")


def claim_table_rows(document_id: str, claims: tuple[Claim, ...]
                     ) -> tuple[dict[str, list[dict[str, Any]]], set[str]]:
    """A document's claims as rows of ``claims``, ``claim_verifications``, ``claim_events``
    and ``actors`` (claimants and judges, ``mentioned`` False), and the ids of the event
    reports that hedged claims lower (see ``hedge_events``). Pure: the SQLite store and the
    Spark job share it."""
    out: dict[str, list[dict[str, Any]]] = {
        "actors": [], "claims": [], "claim_verifications": [], "claim_events": []}
    hedged: set[str] = set()
    for n, cl in enumerate(claims, start=1):
        who = cl.claimant
        if who is not None and who.actor is not None:
            out["actors"].append(actor_row(who.actor, mentioned=False))
        first, last = cl.content[0], cl.content[-1]
        evidence = {
            "content": [_span(s) for s in cl.content], "cue": _span(cl.cue),
            "claimant": _claimant(who), "channel": _span(cl.channel_span),
            "date": _span(cl.time.span) if cl.time else None,
            "hedges": [_span(h) for h in cl.hedges],
        }
        out["claims"].append(dict(zip(CLAIM_COLUMNS, (
            cl.id, document_id, n, who.actor.id if who and who.actor else None,
            who.name if who else None, who.role if who else None,
            who.affiliation if who else None, cl.kind, cl.stance, cl.status, cl.channel,
            cl.cue_lemma, first.start, last.end, " … ".join(s.text for s in cl.content),
            cl.time.start if cl.time else None, cl.time.end if cl.time else None,
            int(bool(cl.hedges)), json.dumps(evidence, ensure_ascii=False), cl.rule),
            strict=True)))
        for v in cl.verifications:
            if v.by is not None and v.by.actor is not None:
                out["actors"].append(actor_row(v.by.actor, mentioned=False))
            out["claim_verifications"].append(dict(zip(CLAIM_VERIFICATION_COLUMNS, (
                cl.id, document_id, v.status, v.by.actor.id if v.by and v.by.actor else None,
                v.by.name if v.by else None, v.from_claim,
                json.dumps({"cue": _span(v.cue), "span": _span(v.span),
                            "by": _claimant(v.by)}, ensure_ascii=False), v.rule), strict=True)))
        figures = {e for e, _ in cl.figures}
        for event_id in cl.events:
            if event_id not in figures:
                out["claim_events"].append(dict(zip(CLAIM_EVENT_COLUMNS, (
                    cl.id, document_id, event_id, None, None, None), strict=True)))
        for event_id, f in cl.figures:
            out["claim_events"].append(dict(zip(CLAIM_EVENT_COLUMNS, (
                cl.id, document_id, event_id, f.start, f.end, f.text), strict=True)))
        if cl.hedges:
            hedged |= set(cl.events) | figures
    return out, hedged


def hedge_events(event_rows: list[dict[str, Any]], hedged: set[str]) -> None:
    """A hedged claim ("images purporting to show…", "reportedly") lowers the events it
    carries: marked hedged, and what the writer seemed to assert is reported."""
    for e in event_rows:
        if e["id"] in hedged:
            e["hedged"] = 1
            if e["modality"] == "asserted":
                e["modality"] = "reported"


def insert_actors(store: Store, rows: list[dict[str, Any]]) -> None:
    """Store actor rows in order: a mentioned actor replaces the stored row, a claimant only
    fills a missing one."""
    for a in rows:
        store.conn.execute(
            "INSERT INTO actors(id, name, type, country, kind, aliases) VALUES (?, ?, ?, ?, ?, ?) "
            + ("ON CONFLICT(id) DO UPDATE SET name = excluded.name, type = excluded.type, "
               "country = excluded.country, kind = excluded.kind, aliases = excluded.aliases"
               if a["mentioned"] else "ON CONFLICT(id) DO NOTHING"),
            (a["id"], a["name"], a["type"], a["country"], a["kind"], a["aliases"]))


def insert_claim_rows(store: Store, rows: dict[str, list[dict[str, Any]]]) -> None:
    for table, columns in (("claims", CLAIM_COLUMNS),
                           ("claim_verifications", CLAIM_VERIFICATION_COLUMNS),
                           ("claim_events", CLAIM_EVENT_COLUMNS)):
        store.conn.executemany(
            f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(r[c] for c in columns) for r in rows[table]])


def save_claims(store: Store, document_id: str, claims: tuple[Claim, ...]) -> None:
    """Replace a document's claims, their verifications and event links. Call inside a
    transaction, after its event reports are saved."""
    c = store.conn
    for t in ("claim_events", "claim_verifications", "claims"):
        c.execute(f"DELETE FROM {t} WHERE document_id = ?", (document_id,))
    rows, hedged = claim_table_rows(document_id, claims)
    insert_actors(store, rows["actors"])
    insert_claim_rows(store, rows)
    if hedged:
        c.executemany(
            "UPDATE event_reports SET hedged = 1, modality = CASE modality "
            "WHEN 'asserted' THEN 'reported' ELSE modality END WHERE id = ?",
            [(event_id,) for event_id in sorted(hedged)])


_SELECT = (
    "SELECT c.*, a.type AS claimant_type, a.kind AS claimant_kind, d.published AS published, "
    "d.site AS site, d.url AS url, d.source AS doc_source FROM claims c "
    "LEFT JOIN actors a ON a.id = c.claimant_id JOIN documents d ON d.id = c.document_id"
)


def claim_rows(store: Store, *, document_id: str | None = None, status: str | None = None,
               claimant: str | None = None, limit: int | None = None
               ) -> Iterator[dict[str, Any]]:
    """Claims as JSON-ready dicts with their verifications and events, in text order.
    ``claimant`` matches an actor id, or a name (case-insensitive, part of it)."""
    where, params = [], []
    if document_id:
        where.append("c.document_id = ?")
        params.append(document_id)
    if status:
        where.append("c.status = ?")
        params.append(status)
    if claimant:
        where.append("(c.claimant_id = ? OR c.claimant_name LIKE ? OR "
                     "c.claimant_affiliation = ?)")
        params += [claimant, f"%{claimant}%", claimant]
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY d.published IS NULL, d.published, c.document_id, c.ordinal"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    conn = store.conn
    for r in conn.execute(sql, params).fetchall():
        yield claim_dict(store, r)


def claim_dict(store: Store, r: Any) -> dict[str, Any]:
    evidence = json.loads(r["evidence"])
    verifications = [{
        "status": v["status"],
        "by": None if v["by_name"] is None else {"id": v["by_id"], "name": v["by_name"]},
        "from_claim": v["from_claim"], "rule": v["rule"], "evidence": json.loads(v["evidence"]),
    } for v in store.conn.execute("SELECT * FROM claim_verifications WHERE claim_id = ? "
                                  "ORDER BY id", (r["id"],))]
    events, figures = [], []
    for e in store.conn.execute("SELECT * FROM claim_events WHERE claim_id = ? ORDER BY rowid",
                                (r["id"],)):
        if e["event_id"] not in events:
            events.append(e["event_id"])
        if e["figure_start"] is not None:
            figures.append({"event": e["event_id"], "span": {
                "start": e["figure_start"], "end": e["figure_end"], "text": e["figure_text"]}})
    claimant = None if r["claimant_name"] is None else {
        "id": r["claimant_id"], "name": r["claimant_name"], "type": r["claimant_type"],
        "kind": r["claimant_kind"], "role": r["claimant_role"],
        "affiliation": r["claimant_affiliation"]}
    return {
        "id": r["id"], "document_id": r["document_id"], "claimant": claimant,
        "kind": r["kind"], "stance": r["stance"], "status": r["status"],
        "channel": r["channel"], "cue": evidence["cue"], "cue_lemma": r["cue_lemma"],
        "content": r["content"], "date": {"start": r["date_start"], "end": r["date_end"]},
        "hedged": bool(r["hedged"]), "verifications": verifications, "events": events,
        "figures": figures, "evidence": evidence, "rule": r["rule"],
        "source": {"document": r["doc_source"], "site": r["site"], "url": r["url"],
                   "published": r["published"]},
    }


def attach_claims(events: list[dict[str, Any]], claims: list[dict[str, Any]]) -> None:
    """Give each event report (as ``event_dict`` makes it) the ids of the claims that assert
    it (``claims``) and each of its fatality figures the claim it came from (``claim``; None:
    the writer's own figure)."""
    by_figure = {(f["event"], f["span"]["start"]): c["id"] for c in claims
                 for f in c["figures"]}
    for e in events:
        e["claims"] = [c["id"] for c in claims if e["id"] in c["events"]]
        for f in e["fatalities"]["figures"]:
            span = f.get("span") or {}
            f["claim"] = by_figure.get((e["id"], span.get("start")))
