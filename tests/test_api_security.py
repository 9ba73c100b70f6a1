"""The HTTP API under attack, against a real ``sitrep serve --review`` on 127.0.0.1 over the
sample corpus:

- schemathesis (its CLI, in a subprocess) with every check it has (server errors, schema and
  status-code conformance, content types, headers, negative data rejected, positive data
  accepted, unsupported methods, the Allow header, ignored auth, ...) in its examples,
  coverage, fuzzing and stateful phases;
- SQL injection strings in every query parameter of every GET operation (read from
  /openapi.json, so a new filter is covered without editing this file) and in every path id:
  never a 5xx, never more results than a harmless value gives, the database unchanged;
- page sizes out of range: a 422 with a message, and the largest page is honoured;
- reviews refused without the token, with a wrong one, a shorter or longer one or a prefix of
  it, and the token compared by ``hmac.compare_digest`` (a constant-time comparison);
- the security headers (a strict Content-Security-Policy) on every route: API, static, UI,
  errors.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi import HTTPException
from fastapi.security import HTTPAuthorizationCredentials

from sitrep.api import create_app
from sitrep.web import CSP, STATIC

from conftest import SAMPLES, Cli, serving

TOKEN = "security-test-token-6c1d9e0a4b"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# Test cases per operation and phase: the coverage phase's boundary values and some fuzzing,
# bounded so that the run takes about half a minute on a busy machine.
MAX_EXAMPLES = 15
# positive_data_acceptance: a request the schema allows must not be refused, but the schema
# cannot say everything: which strings are cursors this API gave out, that a bounding box's
# south is below its north, that February 29 needs a leap year, which review values fit which
# field. For the operations taking those, a 422 (with its message) is right.
SCHEMATHESIS_TOML = """
[[operations]]
include-path-regex = "^/api/(events(\\\\.csv|\\\\.geojson)?|timeline|map)$"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]

[[operations]]
include-path-regex = "/reviews$"
include-method = "POST"
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "422"]
"""

# Classic injection strings, and strings that break naive quoting, LIKE patterns and FTS.
INJECTIONS = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '" OR ""="',
    "'; DROP TABLE events; --",
    '"; DROP TABLE events; --',
    "1; DELETE FROM documents",
    "1) UNION SELECT id, text FROM documents --",
    "x' UNION SELECT name FROM sqlite_master --",
    "%' AND 1=1 AND '%'='",
    "') OR ('a'='a",
    "1 OR 1=1",
    "%",
    "_",
    "%%",
    "*",
    "ev-%",
    "\\",
    "\x00",
    "a\x00' OR 1=1 --",
    "\u2019 OR 1=1 --",  # a typographic quote
    "\u02bc OR \u02bc1\u02bc=\u02bc1",
    "\uff07 OR 1=1 --",  # a fullwidth apostrophe
    "NEAR(a b) OR *",
    "' OR 1=1 --" + "A" * 5000,
]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("security") / "sample.db"
    Cli(db)("analyze", str(SAMPLES))
    return db


def _copy(sample_db: Path, tmp_path_factory, name: str) -> Path:
    db = tmp_path_factory.mktemp(name) / "api.db"
    shutil.copy(sample_db, db)
    return db


@pytest.fixture(scope="module")
def attacked(sample_db, tmp_path_factory):
    """A server with reviews on: (client, its database file)."""
    db = _copy(sample_db, tmp_path_factory, "attacked")
    with serving(db, "--review", "--token", TOKEN) as (client, _):
        yield client, db


@pytest.fixture(scope="module")
def api(attacked) -> httpx.Client:
    return attacked[0]


@pytest.fixture(scope="module")
def openapi(api) -> dict:
    return api.get("/openapi.json").json()


def _get_operations(openapi: dict) -> dict[str, list[dict]]:
    """Every GET path of the schema and its parameters."""
    return {path: ops["get"].get("parameters", []) for path, ops in openapi["paths"].items()
            if "get" in ops}


def _fingerprint(db: Path) -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of its rows (read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for table in tables:
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
                digest.update(repr(row).encode())
                count += 1
            out[table] = (count, digest.hexdigest())
        return out
    finally:
        conn.close()


# -- schemathesis, every check ---------------------------------------------------------------

def test_every_schemathesis_check_passes(sample_db, tmp_path_factory, tmp_path):
    db = _copy(sample_db, tmp_path_factory, "fuzzed")  # it stores the reviews it makes up
    config = tmp_path / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_TOML)
    with serving(db, "--review", "--token", TOKEN) as (client, server):
        run = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file",
             str(config), "run", f"{client.base_url}/openapi.json", "--checks", "all",
             "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--seed", "10",
             "--suppress-health-check", "all", "--header", f"Authorization: Bearer {TOKEN}",
             "--request-timeout", "30", "--report", "json", "--report-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=600, cwd=tmp_path)  # its cache there
        assert server.poll() is None
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    report = json.loads(next(tmp_path.glob("json-*.json")).read_text())
    assert report["complete"] and report["failures"] == [] and report["errors"] == []
    assert report["operations"]["tested"] == report["operations"]["total"] >= 18
    for phase in ("coverage", "fuzzing", "stateful"):
        assert report["phases"][phase]["status"] == "success", report["phases"]
    print(f"schemathesis: {report['test_cases']['generated']} test cases over "
          f"{report['operations']['tested']} operations, every check")


def test_every_answer_has_a_schema(openapi):
    """Each operation's success answer states its shape (what schemathesis checks answers
    against): an object schema with required keys, not FastAPI's bare "an object"."""
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            status = "201" if method == "post" else "200"
            content = operation["responses"][status]["content"]
            for media, body in content.items():
                if media == "text/csv":
                    continue
                schema = body["schema"]
                if method == "post":  # a stored review: its fields are the store's
                    assert schema["type"] == "object"
                    continue
                assert schema.get("required") and schema.get("properties"), (method, path)


# -- SQL injection -----------------------------------------------------------------------------

def _items(response: httpx.Response) -> list:
    """The records an answer holds, whatever its shape."""
    if response.headers["content-type"].startswith("text/csv"):
        return response.text.splitlines()[1:]
    body = response.json()
    if "features" in body:
        return body["features"]
    if "items" in body:
        return [i for i in body["items"] if not isinstance(i, dict)
                or i.get("events", 1)]  # timeline bins of no events are not results
    return [body]


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def test_injection_strings_in_every_query_parameter_and_path_id(attacked, openapi):
    api, db = attacked
    before = _fingerprint(db)
    events = api.get("/api/events", params={"limit": 500}).json()["items"]
    real_event = events[0]["id"]
    real_claim = api.get("/api/claims", params={"limit": 1}).json()["items"][0]["id"]
    real_doc = events[0]["reports"][0]["document_id"]
    substring = {  # (path, parameter): (the text it searches, every record)
        ("/api/actors", "q"): (lambda r: "\n".join([r["name"], *r["aliases"]]),
                               api.get("/api/actors", params={"limit": 500}).json()["items"]),
        ("/api/places", "q"): (lambda r: r["name"],
                               api.get("/api/places", params={"limit": 500}).json()["items"]),
        ("/api/claims", "claimant"): (
            lambda r: f"{r['claimant']} {r['claimant_name'] or ''}",
            api.get("/api/claims", params={"limit": 500}).json()["items"])}
    operations = _get_operations(openapi)
    queried = {p: [x for x in params if x["in"] == "query"] for p, params in operations.items()}
    assert sum(map(len, queried.values())) >= 60  # the filters of issue 8 and more
    tried = 0
    for path, params in queried.items():
        if "{" in path:
            continue
        for param in params:
            name = param["name"]
            for payload in INJECTIONS:
                response = api.get(path, params={name: payload})
                tried += 1
                where = f"{path}?{name}={payload[:60]!r}"
                assert response.status_code < 500, where
                if response.status_code != 200:
                    assert response.status_code == 422 and response.json()["detail"], where
                    continue
                found = _items(response)
                if path == "/api/search" and name == "q":
                    # Full-text search takes its words: a hit holds one of them, never
                    # "everything"; a string without words finds nothing.
                    words = _words(payload)
                    for hit in found:
                        text = api.get(f"/api/documents/{hit['id']}").json()
                        assert words & _words(f"{text['title']} {text['text']}"), where
                    assert words or not found, where
                elif (path, name) in substring:
                    # A substring filter finds the records holding the string as it is.
                    expected = {r["id"] for r in substring[path, name][1]
                                if payload.lower() in substring[path, name][0](r).lower()}
                    assert {r["id"] for r in found} <= expected, where
                    assert response.json()["total"] == len(expected), where
                else:
                    # A filter given a string no record carries selects nothing.
                    assert found == [], (where, found[:2])
    # Path ids: the strings themselves, and LIKE wildcards standing in for a real id's
    # characters (a prefix lookup must not treat them as patterns).
    ids = [*INJECTIONS, "%" + real_event[-10:], "ev-" + "_" * 16, "___" + real_event[3:],
           real_event[:-1] + "%", real_event[:-1] + "_", "%" + real_doc[-12:],
           real_doc[:-1] + "_", "cg-" + "_" * 12, real_claim[:-1] + "%"]
    for template in ("/api/events/{}", "/api/events/{}/reviews", "/api/documents/{}",
                     "/api/claims/{}/reviews"):
        for payload in ids:
            url = template.format(quote(payload, safe=""))
            for method in ("GET", "POST"):
                if method == "POST" and not template.endswith("/reviews"):
                    continue
                response = api.request(method, url, headers=AUTH, json={
                    "field": "status", "value": "confirmed", "reviewer": "x", "reason": "y"})
                tried += 1
                assert response.status_code in (404, 422), (method, url, response.text[:200])
                assert response.json()["detail"]
    assert _fingerprint(db) == before  # nothing dropped, deleted, added or changed
    assert api.get("/api/stats").json()["events"] == len(events)
    print(f"injection: {tried} requests, {len(INJECTIONS)} strings")


# -- page sizes ------------------------------------------------------------------------------

def test_page_sizes_out_of_range_are_422_and_the_largest_page_is_honoured(api, openapi):
    paged = {path: next(p for p in params if p["name"] == "limit")
             for path, params in _get_operations(openapi).items()
             if any(p["name"] == "limit" for p in params)}
    assert {"/api/events", "/api/claims", "/api/actors", "/api/places", "/api/search",
            "/api/stories", "/api/events.csv", "/api/events.geojson"} <= set(paged)
    for path, param in paged.items():
        most = param["schema"]["maximum"]
        base = {"q": "killed"} if path == "/api/search" else {}
        for bad in (str(most + 1), "0", "-1", "-100000", "1.5", "1e3", "ten", "", " ",
                    "99999999999999999999999999999999", "0x10", "NaN", "Infinity", "\x00"):
            response = api.get(path, params={**base, "limit": bad})
            assert response.status_code == 422, (path, bad, response.status_code)
            detail = response.json()["detail"]
            assert any(d["loc"][-1] == "limit" and d["msg"] for d in detail), (path, detail)
        response = api.get(path, params={**base, "limit": most})
        assert response.status_code == 200, (path, response.text[:300])
        assert len(_items(response)) <= most
        if "offset" in {p["name"] for p in _get_operations(openapi)[path]}:
            for bad in ("-1", "1.5", "99999999999999999999"):
                assert api.get(path, params={"offset": bad}).status_code == 422
    # The largest page is a page: with a smaller one the rest follows by cursor or offset.
    everything = api.get("/api/events", params={"limit": 500}).json()
    assert everything["next"] is None
    first = api.get("/api/events", params={"limit": 7}).json()
    assert len(first["items"]) == 7 and first["next"]
    claims = api.get("/api/claims", params={"limit": 500}).json()
    assert len(claims["items"]) == claims["total"] <= 500
    assert len(api.get("/api/claims", params={"limit": 3}).json()["items"]) == 3


# -- review tokens ----------------------------------------------------------------------------

def _review_targets(api) -> list[tuple[str, dict]]:
    event = api.get("/api/events", params={"limit": 1, "sort": "-sources"}).json()["items"][0]
    claim = api.get("/api/claims", params={"limit": 1}).json()["items"][0]
    return [(f"/api/events/{event['id']}/reviews",
             {"field": "fatalities", "value": 3, "reviewer": "A. Tester", "reason": "test"}),
            (f"/api/claims/{claim['id']}/reviews",
             {"field": "status", "value": "disputed", "reviewer": "A. Tester",
              "reason": "test"})]


WRONG_AUTHORIZATIONS = [
    None,
    "",
    "Bearer",
    "Bearer  x",
    f"Bearer {TOKEN[:-1]}X",  # the same length, the last character wrong
    f"Bearer X{TOKEN[1:]}",  # the same length, the first character wrong
    f"Bearer {TOKEN[:-1]}",  # a prefix
    f"Bearer {TOKEN[:1]}",
    f"Bearer {TOKEN}0",  # longer
    f"Bearer {TOKEN} {TOKEN}",
    f"Bearer {TOKEN.upper()}",
    f"Basic {TOKEN}",
    TOKEN,
    f"Bearer {'x' * 10_000}",
    "Bearer \u00e9t\u00e9",
]


def test_reviews_are_refused_without_the_exact_token(sample_db, tmp_path_factory):
    db = _copy(sample_db, tmp_path_factory, "reviews")
    with serving(db, "--review", "--token", TOKEN) as (api, _):
        before = _fingerprint(db)
        for url, body in _review_targets(api):
            for authorization in WRONG_AUTHORIZATIONS:
                headers = {} if authorization is None else {
                    "Authorization": authorization.encode()}
                response = api.post(url, json=body, headers=headers)
                assert response.status_code == 401, (authorization, response.text[:200])
                assert response.headers["www-authenticate"] == "Bearer"
                assert "token" in response.json()["detail"]
            # The token elsewhere than in the header does not count either.
            assert api.post(url, json=body, params={"token": TOKEN}).status_code == 401
            with httpx.Client(base_url=api.base_url, cookies={"token": TOKEN}) as other:
                assert other.post(url, json=body).status_code == 401
        assert _fingerprint(db) == before  # nothing stored
        for url, body in _review_targets(api):
            made = api.post(url, json=body, headers=AUTH)
            assert made.status_code == 201, made.text
        assert _fingerprint(db)["reviews"][0] == before["reviews"][0] + 2


def test_a_read_only_server_refuses_every_review_even_with_a_token(sample_db, tmp_path_factory):
    db = _copy(sample_db, tmp_path_factory, "readonly")
    with serving(db) as (api, _):
        before = _fingerprint(db)
        for url, body in _review_targets(api):
            for headers in ({}, AUTH, {"Authorization": "Bearer x"}):
                response = api.post(url, json=body, headers=headers)
                assert response.status_code == 403 and "--review" in response.json()["detail"]
        assert _fingerprint(db) == before


def test_the_token_is_compared_in_constant_time(sample_db, tmp_path):
    """The review routes' auth dependency, called as FastAPI calls it, with a wrong token of
    the right length: it refuses, and the comparison it made was hmac.compare_digest (seen by
    a profiler as the builtin called), not ``==`` (which stops at the first difference)."""
    db = tmp_path / "api.db"
    shutil.copy(sample_db, db)
    app = create_app(db, review_token=TOKEN)
    posts = [r for r in app.routes if getattr(r, "methods", None) == {"POST"}]
    assert len(posts) == 2
    for route in posts:
        (dependency,) = [d.call for d in route.dependant.dependencies
                         if d.call.__name__ == "may_review"]
        called: list[str] = []

        def profile(frame, event, arg, called=called):
            if event == "c_call":
                called.append(getattr(arg, "__qualname__", repr(arg)))

        for wrong in (TOKEN[:-1] + "X", TOKEN[:-1], TOKEN + "0"):
            called.clear()
            sys.setprofile(profile)
            try:
                with pytest.raises(HTTPException) as refused:
                    dependency(HTTPAuthorizationCredentials(scheme="Bearer", credentials=wrong))
            finally:
                sys.setprofile(None)
            assert refused.value.status_code == 401
            assert "compare_digest" in called, called
        dependency(HTTPAuthorizationCredentials(scheme="Bearer", credentials=TOKEN))


# -- security headers ---------------------------------------------------------------------------

def test_every_route_sends_the_security_headers(api, openapi):
    event = api.get("/api/events", params={"limit": 1}).json()["items"][0]
    claim = api.get("/api/claims", params={"limit": 1}).json()["items"][0]
    ids = {"event_id": event["id"], "claim_key": claim["id"],
           "doc_id": event["reports"][0]["document_id"]}
    urls = ["/", "/openapi.json", "/no/such/page", "/static/no-such-file.js",
            "/api/events?limit=0", "/api/events/ev-0000000000000000", "/api/events/%3Cscript%3E"]
    for path in openapi["paths"]:
        urls.append(path.format(**ids) + ("?q=killed" if path == "/api/search" else ""))
    urls += [f"/static/{p.relative_to(STATIC).as_posix()}" for p in sorted(STATIC.rglob("*"))
             if p.is_file()]
    assert len(urls) > 30
    for url in urls:
        response = api.get(url)
        assert response.headers["content-security-policy"] == CSP, url
        assert "script-src 'self';" in CSP and "unsafe" not in CSP
        assert response.headers["x-content-type-options"] == "nosniff", url
        assert response.headers["x-frame-options"] == "DENY", url
        assert response.headers["referrer-policy"] == "no-referrer", url
    for method, url in (("POST", "/api/events"), ("DELETE", f"/api/events/{event['id']}"),
                        ("PUT", "/"), ("POST", f"/api/events/{event['id']}/reviews")):
        response = api.request(method, url)
        assert response.headers["content-security-policy"] == CSP, (method, url)
    # The API docs page (Swagger UI, vendored): a policy of its own, the server's files and
    # no inline script but the page's own (by hash), no other origin, never framed.
    response = api.get("/docs")
    policy = dict(p.strip().split(" ", 1) for p in
                  response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["script-src"].startswith("'self' 'sha256-")
    assert "unsafe" not in policy["script-src"] and "*" not in policy["script-src"]
    assert not [v for v in policy.values() if "http" in v or "*" in v], policy
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert response.headers["x-frame-options"] == "DENY"
    # ReDoc and the OAuth2 redirect page are not served; their 404s have the strict policy.
    for url in ("/redoc", "/docs/oauth2-redirect"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-security-policy"] == CSP, url
    # Article text comes back as JSON, never as HTML a browser would render.
    doc = api.get(f"/api/documents/{ids['doc_id']}")
    assert doc.headers["content-type"] == "application/json"
    csv = api.get("/api/events.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.headers["content-disposition"].startswith("attachment")
