"""The FastAPI application: events (JSON, GeoJSON, CSV), one event with why it was merged,
claims across documents, documents with their spans, stories, search and stats.

Every request opens its own read-only connection (SQLite in WAL mode: a reader never sees
"database is locked" while ``sitrep analyze`` writes). Lists are paged by a cursor (the last
item's sort key, opaque to clients) with a hard page-size limit; a malformed parameter is a
422 with a message, never a 500.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from .. import __version__
from ..errors import SitrepError
from ..store import Store, consolidated, open_store
from ..store.export import geojson_feature, write_events_csv

# The most items one page may hold, and the default.
MAX_PAGE = 500
DEFAULT_PAGE = 100
DAY = r"^\d{4}-\d{2}-\d{2}$"
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such record"}}


Type = Annotated[str | None, Query(alias="type", max_length=80,
                                   description="ACLED event type or sub-event type")]
Country = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$",
                                      description="ISO 3166-1 alpha-2")]
Since = Annotated[str | None, Query(pattern=DAY, description="events ending on or after")]
Until = Annotated[str | None, Query(pattern=DAY,
                                    description="events starting on or before")]
Modality = Annotated[str | None, Query(
    pattern="^(asserted|reported|claimed|denied|hypothetical|threatened/planned|negated)$")]
MinSources = Annotated[int | None, Query(ge=1, le=10_000,
                                         description="independent sources at least")]
Actor = Annotated[str | None, Query(max_length=120, description="actor id")]
Bbox = Annotated[str | None, Query(
    pattern=r"^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$", description="west,south,east,north")]
Cursor = Annotated[str | None, Query(max_length=400, description="from the last page")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


class CSVResponse(Response):
    media_type = "text/csv"


def create_app(db: Path | str) -> FastAPI:
    """The API over the database file ``db`` (read-only)."""
    db_path = Path(db)
    app = FastAPI(title="sitrep", version=__version__,
                  description="Events and claims from crisis news, each value with its "
                              "evidence span. Read-only.",
                  responses={503: {"description": "The database cannot be opened"}})

    @contextmanager
    def store() -> Iterator[Store]:
        try:
            with open_store(db_path, readonly=True) as s:
                yield s
        except SitrepError as exc:
            raise HTTPException(503, str(exc)) from exc

    def page_of(items: list[dict[str, Any]], limit: int) -> dict[str, Any]:
        more = len(items) > limit
        items = items[:limit]
        last = items[-1] if items and more else None
        cursor = None if last is None else _encode((last["date"]["start"] or "", last["id"]))
        return {"items": items, "next": cursor}

    def events(type_: str | None, country: str | None, since: str | None, until: str | None,
               modality: str | None, min_sources: int | None, actor: str | None,
               bbox: str | None, cursor: str | None, limit: int) -> list[dict[str, Any]]:
        with store() as s:
            return consolidated.event_rows(
                s, event_type=type_, country=country, since=since, until=until,
                modality=modality, min_sources=min_sources, actor=actor,
                bbox=_bbox(bbox), after=_decode(cursor), limit=limit + 1)

    @app.get("/api/events", summary="Consolidated events, filtered, a page at a time")
    def list_events(type_: Type = None, country: Country = None, since: Since = None,
                    until: Until = None, modality: Modality = None,
                    min_sources: MinSources = None, actor: Actor = None, bbox: Bbox = None,
                    cursor: Cursor = None, limit: Limit = DEFAULT_PAGE) -> dict[str, Any]:
        return page_of(events(type_, country, since, until, modality, min_sources, actor,
                              bbox, cursor, limit), limit)

    @app.get("/api/events.geojson", response_class=GeoJSONResponse,
             summary="The same events as a GeoJSON FeatureCollection")
    def events_geojson(type_: Type = None, country: Country = None, since: Since = None,
                       until: Until = None, modality: Modality = None,
                       min_sources: MinSources = None, actor: Actor = None, bbox: Bbox = None,
                       cursor: Cursor = None, limit: Limit = DEFAULT_PAGE) -> GeoJSONResponse:
        rows = events(type_, country, since, until, modality, min_sources, actor, bbox,
                      cursor, limit)[:limit]
        return GeoJSONResponse({"type": "FeatureCollection",
                                "features": [geojson_feature(e) for e in rows]})

    @app.get("/api/events.csv", response_class=CSVResponse,
             summary="The same events as CSV with ACLED's column names")
    def events_csv(type_: Type = None, country: Country = None, since: Since = None,
                   until: Until = None, modality: Modality = None,
                   min_sources: MinSources = None, actor: Actor = None, bbox: Bbox = None,
                   cursor: Cursor = None, limit: Limit = DEFAULT_PAGE) -> CSVResponse:
        rows = events(type_, country, since, until, modality, min_sources, actor, bbox,
                      cursor, limit)[:limit]
        buffer = io.StringIO()
        write_events_csv(rows, buffer)
        return CSVResponse(buffer.getvalue(),
                           headers={"Content-Disposition": 'attachment; filename="events.csv"'})

    @app.get("/api/events/{event_id}", responses=NOT_FOUND,
             summary="One event, why it was merged, its history")
    def one_event(event_id: str) -> dict[str, Any]:
        if not 3 <= len(event_id) <= 80:
            raise _path_invalid("event_id", "an event id is 3 to 80 characters (ev-…)")
        with store() as s:
            found = consolidated.resolve_event(s, event_id)
            if found is None:
                raise HTTPException(404, f"no single event matches {event_id!r}")
            return consolidated.explain(s, found)

    @app.get("/api/claims", summary="Claims across documents, with sources and status")
    def claims(status: Annotated[str | None, Query(
                   pattern="^(unverified|unconfirmed-by|disputed|corroborated|confirmed)$")
               ] = None,
               claimant: Annotated[str | None, Query(max_length=120)] = None,
               offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
               limit: Limit = DEFAULT_PAGE) -> dict[str, Any]:
        from ..store.claim_groups import claim_groups

        with store() as s:
            rows = [g for g in claim_groups(s)
                    if (status is None or g["status"] == status)
                    and (claimant is None or claimant.lower() in
                         f"{g['claimant']} {g['claimant_name'] or ''}".lower())]
        items = rows[offset:offset + limit]
        return {"items": items, "total": len(rows),
                "next_offset": offset + limit if offset + limit < len(rows) else None}

    @app.get("/api/documents/{doc_id}", responses=NOT_FOUND,
             summary="A document's clean text and every span")
    def document(doc_id: str) -> dict[str, Any]:
        if len(doc_id) < 6 or len(doc_id) > 64 or not all(
                c in "0123456789abcdef" for c in doc_id):
            raise _path_invalid("doc_id", "a document id is 6 to 64 hexadecimal characters")
        from ..store.mentions import document_mentions

        with store() as s:
            try:
                doc = s.document(doc_id)
            except SitrepError as exc:
                raise HTTPException(404, str(exc)) from exc
            return {**doc.to_dict(), **document_mentions(s, doc.id)}

    @app.get("/api/stories", summary="Documents grouped by the happenings they tell")
    def stories(limit: Limit = DEFAULT_PAGE) -> dict[str, Any]:
        with store() as s:
            return {"items": consolidated.stories(s)[:limit]}

    @app.get("/api/search", summary="Full-text search of the clean texts (FTS5)")
    def search(q: Annotated[str, Query(min_length=1, max_length=200)],
               limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
        with store() as s:
            try:
                hits = s.search(q, limit=limit)
            except SitrepError as exc:
                raise _invalid("q", str(exc)) from exc
        return {"items": [{"id": d.id, "title": d.title, "site": d.site,
                           "published": d.published, "snippet": snippet, "score": score}
                          for d, snippet, score in hits]}

    @app.get("/api/stats", summary="How much the database holds")
    def stats() -> dict[str, Any]:
        with store() as s:
            count = {t: s.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("documents", "event_reports", "events", "claims")}
            happened = s.conn.execute("SELECT count(*), sum(fatalities) FROM events "
                                      "WHERE happened = 1").fetchone()
        return {**count, "events_happened": happened[0], "fatalities_best": happened[1]}

    return app


def _encode(key: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[str, str] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        first, second = json.loads(raw)
        if not isinstance(first, str) or not isinstance(second, str):
            raise ValueError(cursor)
    except ValueError as exc:
        raise _invalid("cursor", "not a cursor this API gave out") from exc
    return first, second


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    west, south, east, north = (float(x) for x in text.split(","))
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise _invalid("bbox", "west,south,east,north in degrees, south ≤ north")
    return west, south, east, north


def _path_invalid(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ["path", field],
                                    "msg": message, "input": None}])


def _invalid(field: str, message: str) -> RequestValidationError:
    """A 422 in FastAPI's own validation-error shape (the schema's), for checks the schema
    cannot express (a cursor's content, a bounding box's ranges)."""
    return RequestValidationError([{"type": "value_error", "loc": ["query", field],
                                    "msg": message, "input": None}])
