"""The FastAPI application: events (JSON, GeoJSON, CSV, a timeline, map points, facets), one
event with the evidence of each field and why it was merged, claims across documents,
documents with their spans, actors, places, stories, search, stats, and reviews.

Every request opens its own read-only connection (SQLite in WAL mode: a reader never sees
"database is locked" while ``sitrep analyze`` writes). Lists are paged by a cursor (the last
item's sort key and id, opaque to clients) or an offset, with a hard page-size limit; a
malformed parameter is a 422 with a message, never a 500.

The aggregates (stats, facets, map points, timeline) read much of the database at a million
events: their last results are kept in this process, keyed on the request and on the
(mtime_ns, size) of the database file and of its -wal file. Any write changes one of those, so
a repeated aggregate on an unchanged database is answered at once and never from older data.

Reviews (``sitrep serve --review``): ``POST …/reviews`` with ``Authorization: Bearer <token>``
stores a person's value for one field beside the machine's (``sitrep.store.reviews``), through
a short write connection of its own. Without ``--review`` the API is read-only and those
requests are refused (403).
"""

from __future__ import annotations

import base64
import gc
import hmac
import io
import json
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi import Path as InPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, model_validator

from .. import __version__
from ..errors import SitrepError
from ..store import Store, consolidated, open_store, reviews
from ..store.export import geojson_feature, write_events_csv

# The most items one page may hold, and the default.
MAX_PAGE = 500
DEFAULT_PAGE = 100
# The most points /api/map returns (most fatalities first) and timeline bins.
MAP_CAP = 5000
MAX_BINS = 10_000
# A day of the years 1000 to 2999 (the queries subtract spans from it: it stays within
# Python's dates), as the schema can say it: only February 29 of a year not leap passes this
# and is refused when parsed.
DAY = (r"^[12]\d{3}-((0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-9])|(0[13-9]|1[0-2])-30"
       r"|(0[13578]|1[02])-31)$")
STATUS = "^(unverified|unconfirmed-by|disputed|corroborated|confirmed)$"
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such record"}}
REVIEW_RESPONSES: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND, 400: {"description": "The body is not JSON"},
    401: {"description": "No bearer token, or not the server's"},
    403: {"description": "The server is read-only (started without --review)"}}
READ_ONLY = ("this server is read-only: start it with `sitrep serve --review` to accept "
             "reviews")
# Aggregate results kept (the UI asks for a handful per filter; a map is ~200 kB).
CACHE_SIZE = 64
# A result is kept only when the database files were last written at least this long before:
# a commit appends to the -wal file a moment before readers see it (the wal-index is updated
# after), and a result read in that moment must not be kept under the new files' state.
SETTLE_NS = 1_000_000_000


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
Status = Annotated[str | None, Query(
    pattern=STATUS, description="events with a claim group of this verification status")]
AsOf = Annotated[str | None, Query(
    pattern=DAY, description="the events as the database held them on this day")]
By = Annotated[Literal["published", "ingested"], Query(
    description="as_of counts documents by publication or by ingestion date")]
Sort = Annotated[Literal["date", "-date", "fatalities", "-fatalities", "sources", "-sources"],
                 Query(description="order (sources: independent sources); - for descending")]
Cursor = Annotated[str | None, Query(max_length=400, description="from the last page")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Name = Annotated[str | None, Query(min_length=1, max_length=120,
                                   description="a substring of the name (any case)")]
# The reviewers' token (annotations are resolved at module level: not inside create_app).
# Path ids: an event id or a prefix of one (its first characters), a claim group id, a
# document id or a prefix of one. Anything else is a 422 before the database is asked (no
# LIKE wildcard reaches a prefix lookup).
EventId = Annotated[str, InPath(pattern=r"^ev-[0-9a-z]{0,77}$",
                                description="an event id (ev-…) or a prefix of one")]
ClaimKey = Annotated[str, InPath(pattern=r"^cg-[0-9a-f]{12}$",
                                 description="a claim group id: cg- and 12 hex digits")]
DocId = Annotated[str, InPath(pattern=r"^[0-9a-f]{6,64}$",
                              description="a document id or a prefix of 6 hex digits or more")]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(
    auto_error=False, description="the token `sitrep serve --review` was given or printed"))]


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


class CSVResponse(Response):
    media_type = "text/csv"


@dataclass(frozen=True)
class Selection:
    """The filters every event list, the timeline and the map share."""

    filters: consolidated.EventFilters
    status: str | None
    as_of: str | None
    by: str


def selection(type_: Type = None, country: Country = None, since: Since = None,
              until: Until = None, modality: Modality = None, min_sources: MinSources = None,
              actor: Actor = None, bbox: Bbox = None, status: Status = None,
              as_of: AsOf = None, by: By = "published") -> Selection:
    for name, day in (("since", since), ("until", until), ("as_of", as_of)):
        if day is not None:
            try:
                date.fromisoformat(day)
            except ValueError as exc:
                raise _invalid(name, "a date as YYYY-MM-DD") from exc
    return Selection(consolidated.EventFilters(
        event_type=type_, country=country, since=since, until=until, modality=modality,
        min_sources=min_sources, actor=actor, bbox=_bbox(bbox)), status, as_of, by)


Selected = Annotated[Selection, Depends(selection)]


@dataclass
class Chosen:
    """A selection applied: the SQL filters (status turned into event ids), and for as_of
    the events of that day (``then``: all of them, ``matching``: those that pass)."""

    filters: consolidated.EventFilters
    then: list[dict[str, Any]] | None = None
    matching: list[dict[str, Any]] | None = None


class ReviewIn(BaseModel):
    """A person's value for one field of an event (``status``: a verdict on all of it)."""

    model_config = ConfigDict(extra="forbid")
    field: Literal["event_type", "sub_event_type", "actor1", "actor2", "location", "date",
                   "fatalities", "modality", "status"]
    value: StrictInt | StrictStr | None = Field(
        description="the reviewed value: a count for fatalities, one of "
                    f"{', '.join(reviews.REVIEW_STATUSES)} for status, else text; null: "
                    "unknown or none")
    reviewer: str = Field(min_length=1, max_length=reviews.MAX_REVIEWER)
    reason: str = Field(min_length=1, max_length=reviews.MAX_REASON)

    @model_validator(mode="after")
    def _value_fits_field(self) -> ReviewIn:
        self.value = reviews.check_value(self.field, self.value)
        if not self.reviewer.strip() or not self.reason.strip():
            raise ValueError("reviewer and reason must not be blank")
        return self


class ClaimReviewIn(ReviewIn):
    """A person's value for a claim group's status or figure."""

    field: Literal["status", "figure"]  # type: ignore[assignment]


class Aggregates:
    """The last aggregate results, each valid while the database files are as they were when
    it was computed (``CACHE_SIZE`` of them, least recently used dropped first)."""

    def __init__(self, db: Path, size: int = CACHE_SIZE):
        self.files = (db, Path(f"{db}-wal"))
        self.size = size
        self.lock = threading.Lock()
        self.kept: OrderedDict[Hashable, Any] = OrderedDict()

    def state(self) -> tuple[tuple[int, int] | None, ...]:
        out: list[tuple[int, int] | None] = []
        for path in self.files:
            try:
                st = path.stat()
            except OSError:
                out.append(None)
            else:
                out.append((st.st_mtime_ns, st.st_size))
        return tuple(out)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``'s result for ``key``, computed again after any write."""
        state = self.state()  # before reading: the result is at least as new as this
        with self.lock:
            if (key, state) in self.kept:
                self.kept.move_to_end((key, state))
                return self.kept[(key, state)]
        value = compute()
        written = max((s[0] for s in state if s is not None), default=0)
        if time.time_ns() - written >= SETTLE_NS and self.state() == state:
            with self.lock:
                self.kept[(key, state)] = value
                while len(self.kept) > self.size:
                    self.kept.popitem(last=False)
        return value


@asynccontextmanager
async def _frozen(app: FastAPI) -> AsyncIterator[None]:
    """Before serving: what is alive then (modules, routes, schemas: some 80,000 objects that
    stay for the server's life) is moved out of the garbage collector's sight. A full
    collection walked them all, 35-45 ms in the middle of a request (measured on /api/map:
    once every hundred or so uncached maps); it now walks what requests made since."""
    gc.collect()
    gc.freeze()
    yield


def create_app(db: Path | str, *, review_token: str | None = None) -> FastAPI:
    """The API over the database file ``db``: read-only, unless ``review_token`` is given
    (then reviews bearing it are stored)."""
    db_path = Path(db)
    app = FastAPI(title="sitrep", version=__version__,
                  description="Events and claims from crisis news, each value with its "
                              "evidence span. Read-only, but for reviews when the server "
                              "is started with --review.",
                  responses={503: {"description": "The database cannot be opened"}},
                  docs_url=None, redoc_url=None,  # /docs: served offline by web.mount_ui
                  lifespan=_frozen)
    if review_token is not None and db_path.exists():
        with open_store(db_path):  # the reviews table exists before the first review
            pass
    aggregates = Aggregates(db_path)

    @contextmanager
    def store() -> Iterator[Store]:
        try:
            with open_store(db_path, readonly=True) as s:
                yield s
        except SitrepError as exc:
            raise HTTPException(503, str(exc)) from exc

    def may_review(credentials: Credentials) -> None:
        if review_token is None:
            raise HTTPException(403, READ_ONLY)
        if credentials is None or not hmac.compare_digest(
                credentials.credentials.encode(), review_token.encode()):
            raise HTTPException(401, "a review needs the header Authorization: Bearer <token> "
                                     "with this server's token",
                                headers={"WWW-Authenticate": "Bearer"})

    def choose(s: Store, sel: Selection) -> Chosen:
        f = sel.filters
        if sel.status:
            statuses = consolidated.event_statuses(s, as_of=sel.as_of, by=sel.by)
            f = replace(f, ids=frozenset(e for e, found in statuses.items()
                                         if sel.status in found))
        if sel.as_of is None:
            return Chosen(f)
        then = consolidated.events_as_of(s, sel.as_of, by=sel.by)
        return Chosen(f, then, consolidated.filter_events_by(then, f))

    def with_reviews(s: Store, items: list[dict[str, Any]], sel: Selection,
                     chosen: Chosen) -> list[dict[str, Any]]:
        ids = {e["id"] for e in items}
        if chosen.then is None:
            found = reviews.event_reviews(s, ids)
        else:
            found = reviews.reviews_in_memory(
                s, "event", {e["id"]: [m["report"] for m in e["reports"]]
                             for e in chosen.then}, until=sel.as_of)
        return [{**e, "reviewed": reviews.latest(found.get(e["id"], []))} for e in items]

    def events(sel: Selection, sort: str, cursor: str | None,
               limit: int) -> tuple[list[dict[str, Any]], str | None]:
        after = _decode(cursor, sort)
        with store() as s:
            chosen = choose(s, sel)
            if chosen.matching is None:
                rows = consolidated.event_page(s, chosen.filters, sort=sort, after=after,
                                               limit=limit + 1)
            else:
                rows = consolidated.page_in_memory(chosen.matching, sort=sort, after=after,
                                                   limit=limit + 1)
            more = len(rows) > limit
            rows = with_reviews(s, rows[:limit], sel, chosen)
        last = rows[-1] if rows and more else None
        nxt = None if last is None else _encode(
            (consolidated.sort_key(last, sort), last["id"]), sort)
        return rows, nxt

    @app.get("/api/events", summary="Consolidated events, filtered, a page at a time")
    def list_events(sel: Selected, sort: Sort = "date", cursor: Cursor = None,
                    limit: Limit = DEFAULT_PAGE) -> dict[str, Any]:
        items, nxt = events(sel, sort, cursor, limit)
        return {"items": items, "next": nxt}

    @app.get("/api/events.geojson", response_class=GeoJSONResponse,
             summary="The same events as a GeoJSON FeatureCollection")
    def events_geojson(sel: Selected, sort: Sort = "date", cursor: Cursor = None,
                       limit: Limit = DEFAULT_PAGE) -> GeoJSONResponse:
        rows, _ = events(sel, sort, cursor, limit)
        return GeoJSONResponse({"type": "FeatureCollection",
                                "features": [geojson_feature(e) for e in rows]})

    @app.get("/api/events.csv", response_class=CSVResponse,
             summary="The same events as CSV with ACLED's column names")
    def events_csv(sel: Selected, sort: Sort = "date", cursor: Cursor = None,
                   limit: Limit = DEFAULT_PAGE) -> CSVResponse:
        rows, _ = events(sel, sort, cursor, limit)
        buffer = io.StringIO()
        write_events_csv(rows, buffer)
        return CSVResponse(buffer.getvalue(),
                           headers={"Content-Disposition": 'attachment; filename="events.csv"'})

    @app.get("/api/timeline", summary="Events and fatalities per day or ISO week")
    def timeline(sel: Selected, bin_: Annotated[Literal["day", "week"], Query(
                     alias="bin", description="week: periods are Mondays")] = "day"
                 ) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            with store() as s:
                chosen = choose(s, sel)
                if chosen.matching is None:
                    return consolidated.event_timeline(s, chosen.filters, bin_=bin_,
                                                       max_bins=MAX_BINS)
            return consolidated.timeline_in_memory(chosen.matching, bin_=bin_,
                                                   max_bins=MAX_BINS)

        return aggregates.get(("timeline", sel, bin_), compute)

    @app.get("/api/map", summary=f"Up to {MAP_CAP} event points, most fatalities first")
    def map_points(sel: Selected) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            with store() as s:
                chosen = choose(s, sel)
                if chosen.matching is None:
                    return consolidated.event_points(s, chosen.filters, cap=MAP_CAP)
            return consolidated.points_in_memory(chosen.matching, cap=MAP_CAP)

        return aggregates.get(("map", sel), compute)

    @app.get("/api/facets", summary="The values the event filters can take, with counts")
    def facets() -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            with store() as s:
                return consolidated.event_facets(s, consolidated.event_statuses(s))

        return aggregates.get(("facets",), compute)

    def event_of(s: Store, event_id: str) -> dict[str, Any]:
        if not 3 <= len(event_id) <= 80:
            raise _path_invalid("event_id", "an event id is 3 to 80 characters (ev-…)")
        found = consolidated.resolve_event(s, event_id)
        if found is None:
            raise HTTPException(404, f"no single event matches {event_id!r}")
        return consolidated.event_rows_by_id(s, found)

    @app.get("/api/events/{event_id}", responses=NOT_FOUND,
             summary="One event, the evidence of each field, why it was merged, its history")
    def one_event(event_id: EventId) -> dict[str, Any]:
        with store() as s:
            event = event_of(s, event_id)
            out = consolidated.explain(s, event["id"])
            found = reviews.event_reviews(s, [event["id"]]).get(event["id"], [])
            out["event"]["reviewed"] = out["reviewed"] = reviews.latest(found)
            out["fields"] = consolidated.event_fields(s, out["event"])
        return out

    @app.get("/api/events/{event_id}/reviews", responses=NOT_FOUND,
             summary="The reviews of one event, oldest first")
    def event_reviews(event_id: EventId) -> dict[str, Any]:
        with store() as s:
            event = event_of(s, event_id)
            found = reviews.event_reviews(s, [event["id"]]).get(event["id"], [])
        return {"event": event["id"], "items": found, "reviewed": reviews.latest(found)}

    @app.post("/api/events/{event_id}/reviews", status_code=201, responses=REVIEW_RESPONSES,
              dependencies=[Depends(may_review)],
              summary="Review one field of an event (needs --review and the bearer token)")
    def review_event(event_id: EventId, review: ReviewIn) -> dict[str, Any]:
        with store() as s:
            event = event_of(s, event_id)
            statuses = (consolidated.event_statuses(s).get(event["id"], set())
                        if review.field == "status" else set())
        return write_review(
            kind="event", target=event["id"], members=[m["report"] for m in event["reports"]],
            review=review, machine=consolidated.machine_value(event, review.field, statuses))

    def write_review(*, kind: str, target: str, members: list[str], review: ReviewIn,
                     machine: Any) -> dict[str, Any]:
        try:
            return reviews.add_review(db_path, kind=kind, target=target, members=members,
                                      field=review.field, value=review.value, machine=machine,
                                      reviewer=review.reviewer.strip(),
                                      reason=review.reason.strip())
        except (SitrepError, sqlite3.Error) as exc:
            raise HTTPException(503, f"the review could not be stored: {exc}") from exc

    def claim_groups(s: Store) -> list[dict[str, Any]]:
        from ..store.claim_groups import claim_groups as groups

        found = groups(s)
        attached = reviews.reviews_in_memory(
            s, "claim", {g["id"]: [c["id"] for c in g["claims"]] for g in found})
        return [{**g, "reviewed": reviews.latest(attached.get(g["id"], []))} for g in found]

    def claim_group(s: Store, key: str) -> dict[str, Any]:
        if not (len(key) == 15 and key.startswith("cg-")
                and all(c in "0123456789abcdef" for c in key[3:])):
            raise _path_invalid("claim_key", "a claim group id is cg- and 12 hex digits")
        group = next((g for g in claim_groups(s) if g["id"] == key), None)
        if group is None:
            raise HTTPException(404, f"no claim group {key!r}")
        return group

    @app.get("/api/claims", summary="Claims across documents, with sources and status")
    def claims(status: Annotated[str | None, Query(pattern=STATUS)] = None,
               claimant: Annotated[str | None, Query(max_length=120)] = None,
               offset: Offset = 0, limit: Limit = DEFAULT_PAGE) -> dict[str, Any]:
        with store() as s:
            rows = [g for g in claim_groups(s)
                    if (status is None or g["status"] == status)
                    and (claimant is None or claimant.lower() in
                         f"{g['claimant']} {g['claimant_name'] or ''}".lower())]
        return _offset_page(rows, offset, limit)

    @app.get("/api/claims/{claim_key}/reviews", responses=NOT_FOUND,
             summary="The reviews of one claim group, oldest first")
    def claim_reviews(claim_key: ClaimKey) -> dict[str, Any]:
        with store() as s:
            group = claim_group(s, claim_key)
            found = reviews.reviews_in_memory(
                s, "claim", {group["id"]: [c["id"] for c in group["claims"]]})
        items = found.get(group["id"], [])
        return {"claim": group["id"], "items": items, "reviewed": reviews.latest(items)}

    @app.post("/api/claims/{claim_key}/reviews", status_code=201, responses=REVIEW_RESPONSES,
              dependencies=[Depends(may_review)],
              summary="Review a claim group's status or figure (needs --review and the token)")
    def review_claim(claim_key: ClaimKey, review: ClaimReviewIn) -> dict[str, Any]:
        with store() as s:
            group = claim_group(s, claim_key)
        return write_review(kind="claim", target=group["id"],
                            members=[c["id"] for c in group["claims"]], review=review,
                            machine=group[review.field])

    @app.get("/api/actors", summary="Canonical actors, most mentioned first")
    def actors(q: Name = None, offset: Offset = 0,
               limit: Limit = DEFAULT_PAGE) -> dict[str, Any]:
        from ..store.mentions import actor_table

        with store() as s:
            rows = actor_table(s)
        if q:
            rows = [r for r in rows if q.lower() in r["name"].lower()
                    or any(q.lower() in a.lower() for a in r["aliases"])]
        return _offset_page(rows, offset, limit)

    @app.get("/api/places", summary="Places, most mentioned first")
    def places(q: Name = None, offset: Offset = 0,
               limit: Limit = DEFAULT_PAGE) -> dict[str, Any]:
        from ..store.mentions import place_table

        with store() as s:
            rows = place_table(s)
        if q:
            rows = [r for r in rows if q.lower() in r["name"].lower()]
        return _offset_page(rows, offset, limit)

    @app.get("/api/documents/{doc_id}", responses=NOT_FOUND,
             summary="A document's clean text and every span")
    def document(doc_id: DocId) -> dict[str, Any]:
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
            except sqlite3.OperationalError as exc:  # even as plain words (a NUL character)
                raise _invalid("q", f"not a query the full-text index can run: {exc}") from exc
        return {"items": [{"id": d.id, "title": d.title, "site": d.site,
                           "published": d.published, "snippet": snippet, "score": score}
                          for d, snippet, score in hits]}

    @app.get("/api/stats", summary="How much the database holds")
    def stats() -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            with store() as s:
                count = {t: s.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                         for t in ("documents", "event_reports", "events", "claims")}
                happened = s.conn.execute("SELECT count(*), sum(fatalities) FROM events "
                                          "WHERE happened = 1").fetchone()
            return {**count, "events_happened": happened[0], "fatalities_best": happened[1],
                    "review": review_token is not None}

        return aggregates.get(("stats",), compute)

    from ..web import mount_ui
    from .schemas import describe_responses

    describe_responses(app)
    mount_ui(app)
    return app


def _offset_page(rows: list[dict[str, Any]], offset: int, limit: int) -> dict[str, Any]:
    return {"items": rows[offset:offset + limit], "total": len(rows),
            "next_offset": offset + limit if offset + limit < len(rows) else None}


def _encode(key: tuple[str | int, str], sort: str) -> str:
    """A page's cursor: the last item's sort key and id (and the order, but for date)."""
    payload = list(key) if sort == "date" else [*key, sort]
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _decode(cursor: str | None, sort: str) -> tuple[str | int, str] | None:
    if not cursor:
        return None
    numeric = sort.lstrip("-") != "date"
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not isinstance(parts, list) or len(parts) not in (2, 3):
            raise ValueError(cursor)
        key, last = parts[0], parts[1]
        if (parts[2] if len(parts) == 3 else "date") != sort:
            raise _invalid("cursor", f"this cursor pages another order than sort={sort}")
        if not isinstance(last, str) or isinstance(key, bool) or not isinstance(
                key, int if numeric else str) or (numeric and abs(key) > 1 << 62):
            raise ValueError(cursor)
    except ValueError as exc:
        raise _invalid("cursor", "not a cursor this API gave out") from exc
    return key, last


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
