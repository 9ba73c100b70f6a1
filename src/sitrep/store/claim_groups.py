"""Claims across documents: the same claim carried by several documents, grouped.

Two claims are one when they are about the same consolidated event (``store.consolidated``),
come from the same claimant (an actor, the body a spokesperson speaks for, or the writer) and
give the same death figure — or, without a figure, say that the event happened. A group counts
its documents (``sources``) and their distinct origins (``independent_sources``: a repost
repeats, it does not confirm). Its status is the strongest judgment any document makes of it
(disputed, confirmed, corroborated, unconfirmed-by, unverified, as in nlp.verification), and a
claim carried by two or more independent outlets that nobody disputes is ``corroborated``
by them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .sqlite import Store

# Strongest judgment first (the order nlp.verification uses within one document).
STATUS_ORDER = ("disputed", "confirmed", "corroborated", "unconfirmed-by", "unverified")


def _figure_values(figure_lists: Iterable[list[dict[str, Any]]]
                   ) -> dict[tuple[str, int, int], int]:
    """(document, figure start, figure end) → the figure's lower bound, from the events'
    figure lists."""
    out: dict[tuple[str, int, int], int] = {}
    for figures in figure_lists:
        for f in figures:
            span = f.get("span") or {}
            value = next((f.get(k) for k in ("low", "value", "high") if f.get(k) is not None),
                         None)
            if value is not None and "start" in span:
                out[(f["document_id"], span["start"], span["end"])] = int(value)
    return out


def claim_groups(store: Store, *, min_sources: int = 1, as_of: str | None = None,
                 by: str = "published") -> list[dict[str, Any]]:
    """Claims grouped across documents; ``as_of``: from the documents published (or ingested)
    up to that day, over the events as they were then."""
    if as_of is None:
        # Only what the claims refer to: the events with a member report from a document that
        # has claims (a figure is in the list of an event of its own document), those reports'
        # events, and those documents' origins (at 1M events, reading every event took 14 s).
        values = _figure_values(json.loads(f or "[]") for (f,) in store.conn.execute(
            "SELECT figures FROM events WHERE id IN (SELECT event_id FROM event_members "
            "WHERE document_id IN (SELECT document_id FROM claim_events))"))
        event_of = {r[0]: r[1] for r in store.conn.execute(
            "SELECT report_id, event_id FROM event_members "
            "WHERE report_id IN (SELECT event_id FROM claim_events)")}
        origin_of = {r[0]: r[1] for r in store.conn.execute(
            "SELECT DISTINCT document_id, origin FROM event_members "
            "WHERE document_id IN (SELECT document_id FROM claims)")}
    else:
        from .consolidated import events_as_of

        then = events_as_of(store, as_of, by=by)
        values = _figure_values(e["fatalities"]["figures"] for e in then)
        event_of = {r["report"]: e["id"] for e in then for r in e["reports"]}
        origin_of = {r["document_id"]: r["origin"] for e in then for r in e["reports"]}
    column = "d.published" if by == "published" else "d.ingested_at"
    where = (f" WHERE {column} IS NOT NULL AND substr({column}, 1, 10) <= ?"
             if as_of else "")
    claims = {r["id"]: dict(r) for r in store.conn.execute(
        "SELECT c.id, c.document_id, c.claimant_id, c.claimant_name, c.claimant_affiliation, "
        "c.content, c.status, c.cue_lemma, c.kind, d.site, d.published FROM claims c "
        f"JOIN documents d ON d.id = c.document_id{where}", (as_of,) if as_of else ())}
    verdicts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim_id, status, by_id, by_name, document_id in store.conn.execute(
            "SELECT claim_id, status, by_id, by_name, document_id FROM claim_verifications"):
        if claim_id in claims:
            verdicts[claim_id].append({"status": status, "by": by_id or by_name,
                                       "document_id": document_id})
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for claim_id, document_id, report_id, start, end in store.conn.execute(
            "SELECT claim_id, document_id, event_id, figure_start, figure_end "
            "FROM claim_events"):
        claim = claims.get(claim_id)
        event = event_of.get(report_id)
        if claim is None or event is None:
            continue
        who = (claim["claimant_affiliation"] or claim["claimant_id"]
               or (claim["claimant_name"] or "").strip().lower() or "writer")
        value = values.get((document_id, start, end)) if start is not None else None
        key = (event, who, "happened" if value is None else str(value))
        group = groups.setdefault(key, {"event": event, "claimant": who, "figure": value,
                                        "claims": {}})
        group["claims"][claim_id] = claim
    out = []
    for (event, who, what), g in sorted(groups.items()):
        members = sorted(g["claims"].values(), key=lambda c: (c["published"] or "", c["id"]))
        origins = {origin_of.get(c["document_id"], c["document_id"]) for c in members}
        documents = {c["document_id"] for c in members}
        if len(documents) < min_sources:
            continue
        judged = [v for c in members for v in verdicts.get(c["id"], [])]
        statuses = {c["status"] for c in members} | {v["status"] for v in judged}
        status = min(statuses, key=lambda s: STATUS_ORDER.index(s)
                     if s in STATUS_ORDER else len(STATUS_ORDER))
        outlets = sorted({c["site"] or c["document_id"][:12] for c in members})
        if len(origins) >= 2 and status not in ("disputed", "confirmed"):
            status = "corroborated"
            judged.append({"status": "corroborated", "by": "; ".join(outlets),
                           "document_id": None, "how": "carried by independent outlets"})
        gid = "cg-" + hashlib.sha256(f"{event}|{who}|{what}".encode()).hexdigest()[:12]
        out.append({
            "id": gid, "event": event, "claimant": who,
            "claimant_name": members[0]["claimant_name"], "figure": g["figure"],
            "content": members[0]["content"], "status": status,
            "sources": len(documents), "independent_sources": len(origins),
            "outlets": outlets, "verifications": judged,
            "claims": [{"id": c["id"], "document_id": c["document_id"], "site": c["site"],
                        "published": c["published"], "status": c["status"],
                        "origin": origin_of.get(c["document_id"], c["document_id"])}
                       for c in members],
        })
    return out
