"""Storing, listing and exporting event reports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..records import ACTOR_INTER, HAPPENED, EventReport, Span
from .sqlite import Store


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


# Columns of an event_reports row, in table order.
EVENT_REPORT_COLUMNS = (
    "id", "document_id", "event_type", "sub_event_type", "cameo", "actor1_id", "actor2_id",
    "associated", "inter1", "inter2", "interaction", "place_id", "location", "admin1", "country",
    "latitude", "longitude", "geo_precision", "place_from", "date_start", "date_end",
    "time_precision", "date_from", "fatalities", "fatalities_low", "fatalities_high", "figures",
    "modality", "happened", "hedged", "notes", "evidence", "score", "rule")


def event_report_rows(document_id: str, text: str,
                      events: tuple[EventReport, ...]) -> list[dict[str, Any]]:
    """A document's event reports as ``event_reports`` rows (JSON columns encoded); ``text``
    is its clean text (for the notes). Pure: the SQLite store and the Spark job share it."""
    rows = []
    for e in events:
        p = e.place.place if e.place else None
        evidence = {
            "trigger": _span(e.trigger),
            "triggers": [_span(s) for s in e.triggers],
            "actor1": _span(e.actor1.span) if e.actor1 else None,
            "actor2": _span(e.actor2.span) if e.actor2 else None,
            "associated": [_span(a.span) for a in e.associated],
            "location": _span(e.place.span) if e.place and e.place_from != "document" else None,
            "date": _span(e.time.span) if e.time else None,
            "modality": _span(e.modality_cue),
            "source": _span(e.modality_source.span) if e.modality_source else None,
            "fatalities": [_span(f.figure.span) for f in e.fatalities.figures],
        }
        figures = [{"text": f.figure.span.text, "value": f.figure.value, "low": f.figure.low,
                    "high": f.figure.high, "qualifier": f.figure.qualifier,
                    "vague": f.figure.vague, "unit": f.figure.unit,
                    "counted": f.figure.counted, "claimant": f.claimant, "party": f.party,
                    "span": _span(f.figure.span)} for f in e.fatalities.figures]
        values = (
            e.id, document_id, e.event_type, e.sub_event_type, e.cameo,
            e.actor1.actor.id if e.actor1 else None, e.actor2.actor.id if e.actor2 else None,
            json.dumps([a.actor.id for a in e.associated]),
            ACTOR_INTER.get(e.actor1.actor.type) if e.actor1 else None,
            ACTOR_INTER.get(e.actor2.actor.type) if e.actor2 else None, e.interaction,
            p.id if p else None, p.name if p else None, p.admin1 if p else None,
            p.country if p else None, p.lat if p else None, p.lon if p else None,
            e.geo_precision, e.place_from, e.date_start, e.date_end, e.time_precision,
            e.date_from, e.fatalities.best, e.fatalities.low, e.fatalities.high,
            json.dumps(figures, ensure_ascii=False), e.modality, int(e.modality in HAPPENED),
            int(e.hedged), _sentence(text, e.trigger), json.dumps(evidence, ensure_ascii=False),
            round(e.score, 4), e.rule)
        rows.append(dict(zip(EVENT_REPORT_COLUMNS, values, strict=True)))
    return rows


def insert_event_reports(store: Store, rows: list[dict[str, Any]]) -> None:
    store.conn.executemany(
        f"INSERT INTO event_reports({', '.join(EVENT_REPORT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(EVENT_REPORT_COLUMNS))})",
        [tuple(r[c] for c in EVENT_REPORT_COLUMNS) for r in rows])


def save_events(store: Store, document_id: str, text: str,
                events: tuple[EventReport, ...]) -> None:
    """Replace a document's event reports. Call inside a transaction, after its actors and
    places are saved (event rows refer to them)."""
    store.conn.execute("DELETE FROM event_reports WHERE document_id = ?", (document_id,))
    insert_event_reports(store, event_report_rows(document_id, text, events))


def _sentence(text: str, span: Span) -> str:
    """The sentence around a span (ACLED's "notes" column): up to the nearest sentence ends."""
    stop = text.rfind(". ", 0, span.start)
    start = max(stop + 2 if stop != -1 else 0, text.rfind("\n", 0, span.start) + 1)
    ends = [i for i in (text.find(". ", span.end), text.find("\n", span.end)) if i != -1]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()


_SELECT = (
    "SELECT e.*, a1.name AS actor1_name, a1.type AS actor1_type, a1.country AS actor1_country, "
    "a2.name AS actor2_name, a2.type AS actor2_type, a2.country AS actor2_country, "
    "d.published AS published, d.site AS site, d.url AS url, d.source AS doc_source "
    "FROM event_reports e LEFT JOIN actors a1 ON a1.id = e.actor1_id "
    "LEFT JOIN actors a2 ON a2.id = e.actor2_id JOIN documents d ON d.id = e.document_id"
)


def event_rows(store: Store, *, document_id: str | None = None, event_type: str | None = None,
               country: str | None = None, since: str | None = None, until: str | None = None,
               modality: str | None = None, happened_only: bool = False,
               limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Event reports as JSON-ready dicts, filtered, ordered by date then document."""
    where, params = [], []
    if document_id:
        where.append("e.document_id = ?")
        params.append(document_id)
    if event_type:
        where.append("(e.event_type = ? COLLATE NOCASE OR e.sub_event_type = ? COLLATE NOCASE)")
        params += [event_type, event_type]
    if country:
        where.append("e.country = ? COLLATE NOCASE")
        params.append(country)
    if since:
        where.append("e.date_end >= ?")
        params.append(since)
    if until:
        where.append("e.date_start <= ?")
        params.append(until)
    if modality:
        where.append("e.modality = ?")
        params.append(modality)
    if happened_only:
        where.append("e.happened = 1")
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY e.date_start IS NULL, e.date_start, e.document_id, e.rowid"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    for row in store.conn.execute(sql, params):
        yield event_dict(row)


def event_dict(r: Any) -> dict[str, Any]:
    def actor(prefix: str) -> dict[str, Any] | None:
        if r[f"{prefix}_id"] is None:
            return None
        return {"id": r[f"{prefix}_id"], "name": r[f"{prefix}_name"],
                "type": r[f"{prefix}_type"], "country": r[f"{prefix}_country"],
                "inter": r["inter1" if prefix == "actor1" else "inter2"]}

    location = None if r["place_id"] is None else {
        "place_id": r["place_id"], "name": r["location"], "admin1": r["admin1"],
        "country": r["country"], "latitude": r["latitude"], "longitude": r["longitude"]}
    return {
        "id": r["id"], "document_id": r["document_id"],
        "event_type": r["event_type"], "sub_event_type": r["sub_event_type"],
        "cameo": r["cameo"], "actor1": actor("actor1"), "actor2": actor("actor2"),
        "associated": json.loads(r["associated"]), "interaction": r["interaction"],
        "location": location, "geo_precision": r["geo_precision"], "place_from": r["place_from"],
        "date": {"start": r["date_start"], "end": r["date_end"],
                 "time_precision": r["time_precision"], "from": r["date_from"]},
        "fatalities": {"best": r["fatalities"], "low": r["fatalities_low"],
                       "high": r["fatalities_high"], "figures": json.loads(r["figures"])},
        "modality": r["modality"], "happened": bool(r["happened"]), "hedged": bool(r["hedged"]),
        "notes": r["notes"], "evidence": json.loads(r["evidence"]),
        "source": {"document": r["doc_source"], "site": r["site"], "url": r["url"],
                   "published": r["published"]},
        "score": r["score"], "rule": r["rule"],
    }
