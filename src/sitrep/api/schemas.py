"""What each operation answers, as JSON Schema in /openapi.json.

The routes return plain dicts (their records are built by ``sitrep.store``), so FastAPI can only
say "an object". These schemas state the shape clients rely on: each envelope's keys, and the
fields of each item that are always there, with their types (``null`` where a value can be
unknown). Items may carry more fields than listed. They document the answers and are checked
against real ones by the schemathesis run of ``tests/test_api_security.py``; they do not filter
or validate answers at run time.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

Schema = dict[str, Any]


def _obj(required: dict[str, Schema], **more: Any) -> Schema:
    return {"type": "object", "required": sorted(required), "properties": required, **more}


def _null(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


STRING: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
ARRAY: Schema = {"type": "array"}
OBJECT: Schema = {"type": "object"}
INT_OR_NULL = _null(INT)
STRING_OR_NULL = _null(STRING)


def _list(items: Schema) -> Schema:
    return {"type": "array", "items": items}


EVENT = _obj({
    "id": STRING, "event_type": STRING, "sub_event_type": STRING_OR_NULL,
    "date": OBJECT, "fatalities": _obj({"best": INT_OR_NULL, "low": INT_OR_NULL,
                                        "high": INT_OR_NULL}),
    "location": _null(OBJECT), "modality": STRING, "hedged": BOOL, "happened": BOOL,
    "sources": INT, "independent_sources": INT, "reports": _list(OBJECT), "reviewed": OBJECT,
})
REVIEWS = {"items": _list(OBJECT), "reviewed": OBJECT}
OFFSET_PAGE = {"total": INT, "next_offset": INT_OR_NULL}

# (method, path) → the schema of its success answer.
RESPONSES: dict[tuple[str, str], Schema] = {
    ("GET", "/api/events"): _obj({"items": _list(EVENT), "next": STRING_OR_NULL}),
    ("GET", "/api/events/{event_id}"): _obj({
        "event": EVENT, "fields": _list(_obj({"field": STRING})), "reviewed": OBJECT}),
    ("GET", "/api/events/{event_id}/reviews"): _obj({"event": STRING, **REVIEWS}),
    ("POST", "/api/events/{event_id}/reviews"): OBJECT,
    ("GET", "/api/claims"): _obj({"items": _list(_obj({
        "id": STRING, "claimant": STRING, "claimant_name": STRING_OR_NULL, "content": STRING,
        "status": STRING, "sources": INT, "independent_sources": INT, "claims": ARRAY,
        "reviewed": OBJECT})), **OFFSET_PAGE}),
    ("GET", "/api/claims/{claim_key}/reviews"): _obj({"claim": STRING, **REVIEWS}),
    ("POST", "/api/claims/{claim_key}/reviews"): OBJECT,
    ("GET", "/api/actors"): _obj({"items": _list(_obj({
        "id": STRING, "name": STRING, "aliases": _list(STRING), "mentions": INT,
        "documents": INT})), **OFFSET_PAGE}),
    ("GET", "/api/places"): _obj({"items": _list(_obj({
        "id": STRING, "name": STRING, "mentions": INT, "documents": INT})), **OFFSET_PAGE}),
    ("GET", "/api/documents/{doc_id}"): _obj({
        "id": STRING, "text": STRING, "title": STRING_OR_NULL, "site": STRING_OR_NULL,
        "actors": ARRAY, "places": ARRAY, "times": ARRAY, "figures": ARRAY, "events": ARRAY,
        "claims": ARRAY}),
    ("GET", "/api/stories"): _obj({"items": _list(_obj({
        "id": STRING, "documents": ARRAY, "events": ARRAY}))}),
    ("GET", "/api/search"): _obj({"items": _list(_obj({
        "id": STRING, "title": STRING_OR_NULL, "site": STRING_OR_NULL,
        "snippet": STRING, "score": NUMBER}))}),
    ("GET", "/api/stats"): _obj({
        "documents": INT, "event_reports": INT, "events": INT, "claims": INT,
        "events_happened": INT, "fatalities_best": INT_OR_NULL, "review": BOOL}),
    ("GET", "/api/timeline"): _obj({
        "bin": {"enum": ["day", "week"]}, "items": _list(_obj({
            "period": STRING, "events": INT, "fatalities_best": INT_OR_NULL,
            "fatalities_low": INT_OR_NULL, "fatalities_high": INT_OR_NULL})),
        "undated": INT, "vague": INT, "truncated": BOOL}),
    ("GET", "/api/map"): _obj({"items": _list(ARRAY), "total": INT}),
    ("GET", "/api/facets"): _obj({"types": ARRAY, "countries": ARRAY, "modalities": ARRAY,
                                  "statuses": ARRAY}),
}
GEOJSON: Schema = _obj({"type": {"const": "FeatureCollection"}, "features": _list(_obj({
    "type": {"const": "Feature"}, "geometry": _null(OBJECT), "properties": OBJECT}))})


def describe_responses(app: FastAPI) -> None:
    """Put each route's answer schema into its documented responses (before /openapi.json
    is first built)."""
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        for method in route.methods:
            if route.path == "/api/events.geojson":
                media, schema = "application/geo+json", GEOJSON
            elif (method, route.path) in RESPONSES:
                media, schema = "application/json", RESPONSES[method, route.path]
            else:
                continue
            status = route.status_code or 200
            answer = dict(route.responses.get(status, {}))
            answer["content"] = {**answer.get("content", {}), media: {"schema": schema}}
            # A new dict: routes share the responses dict they were declared with.
            route.responses = {**route.responses, status: answer}
