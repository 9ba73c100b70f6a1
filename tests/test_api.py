"""The HTTP API (`sitrep serve`), run as users run it: a real uvicorn server on 127.0.0.1 over
a real database of the sample corpus, queried over HTTP."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from conftest import SAMPLES, Cli, free_port, serving


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    db = tmp_path_factory.mktemp("api") / "api.db"
    Cli(db)("analyze", str(SAMPLES))
    with serving(db) as (client, _):
        yield client


def test_events_filter_and_page_with_a_cursor(api):
    everything = api.get("/api/events", params={"limit": 500}).json()["items"]
    assert everything
    seen, cursor = [], None
    while True:
        params = {"limit": 7} | ({"cursor": cursor} if cursor else {})
        page = api.get("/api/events", params=params).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [e["id"] for e in everything]  # every event once, in order
    mali = api.get("/api/events", params={"country": "ML", "min_sources": 3}).json()["items"]
    assert mali and all(e["location"]["country"] == "ML" and e["independent_sources"] >= 3
                        for e in mali)
    boxed = api.get("/api/events", params={"bbox": "-5,10,5,20", "limit": 500}).json()
    assert boxed["items"] and all(-5 <= e["location"]["longitude"] <= 5
                                  for e in boxed["items"])


def test_one_event_explains_itself_and_exports_as_geojson_and_csv(api):
    top = api.get("/api/events", params={"country": "ML", "min_sources": 3}).json()["items"][0]
    event = api.get(f"/api/events/{top['id']}").json()
    assert event["event"]["id"] == top["id"] and event["history"] and event["members"]
    geo = api.get("/api/events.geojson", params={"country": "ML"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert geo.json()["type"] == "FeatureCollection" and geo.json()["features"]
    csv_text = api.get("/api/events.csv", params={"country": "ML"}).text
    assert csv_text.splitlines()[0].startswith("event_id,event_date")


def test_documents_claims_stories_search(api):
    story = api.get("/api/stories").json()["items"][0]
    doc = api.get(f"/api/documents/{story['documents'][0]['id'][:12]}").json()
    assert doc["text"] and doc["events"] is not None
    assert api.get("/api/claims", params={"status": "disputed"}).json()["items"]
    hits = api.get("/api/search", params={"q": "Boulkessi"}).json()["items"]
    assert hits and all("snippet" in h for h in hits)
    assert api.get("/openapi.json").json()["info"]["title"] == "sitrep"


@pytest.mark.parametrize("path,params", [
    ("/api/events", {"limit": 100000}),
    ("/api/events", {"limit": -3}),
    ("/api/events", {"since": "12 March"}),
    ("/api/events", {"country": "Mali"}),
    ("/api/events", {"bbox": "1,2,3"}),
    ("/api/events", {"bbox": "0,50,10,40"}),
    ("/api/events", {"cursor": "not-a-cursor"}),
    ("/api/events", {"modality": "maybe"}),
    ("/api/documents/xyz", {}),
    ("/api/search", {"q": ""}),
    ("/api/claims", {"status": "true"}),
    ("/api/events", {"sort": "size"}),
    ("/api/events", {"status": "maybe"}),
    ("/api/events", {"as_of": "2024-02-31"}),
    ("/api/events", {"as_of": "yesterday"}),
    ("/api/events", {"as_of": "2024-03-20", "by": "fetched"}),
    ("/api/events", {"sort": "fatalities", "cursor": "WyIyMDI0LTAzLTEyIiwgImV2LTEiXQ"}),
    ("/api/events", {"sort": "-sources", "cursor": "WyJ4IiwgImV2LTEiLCAiLXNvdXJjZXMiXQ"}),
    ("/api/timeline", {"bin": "month"}),
    ("/api/timeline", {"since": "March"}),
    ("/api/map", {"bbox": "0,50,10,40"}),
    ("/api/map", {"status": "sure"}),
    ("/api/actors", {"limit": 501}),
    ("/api/actors", {"q": ""}),
    ("/api/places", {"offset": -1}),
    ("/api/claims/cg-xyz/reviews", {}),
])
def test_malformed_parameters_are_4xx_with_a_message(api, path, params):
    response = api.get(path, params=params)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_unknown_records_are_404(api):
    assert api.get("/api/events/ev-0000000000000000").status_code == 404
    assert api.get("/api/documents/" + "0" * 64).status_code == 404
    assert api.get("/api/events/ev-0000000000000000/reviews").status_code == 404
    assert api.get("/api/claims/cg-000000000000/reviews").status_code == 404


def _all(api, path, **params):
    """Every item of an events list, page by page (each page at most 13 items)."""
    seen, cursor = [], None
    while True:
        page = api.get(path, params=params | {"limit": 13} | (
            {"cursor": cursor} if cursor else {})).json()
        assert len(page["items"]) <= 13
        seen += page["items"]
        cursor = page["next"]
        if cursor is None:
            return seen


def _key(event, sort):
    if sort.lstrip("-") == "date":
        return event["date"]["start"] or ""
    if sort.lstrip("-") == "sources":
        return event["independent_sources"]
    best = event["fatalities"]["best"]
    return best if best is not None else (-1 if sort.startswith("-") else float("inf"))


@pytest.mark.parametrize("sort", ["date", "-date", "fatalities", "-fatalities", "sources",
                                  "-sources"])
def test_every_sort_pages_through_every_event_once_in_order(api, sort):
    everything = {e["id"] for e in api.get("/api/events", params={"limit": 500}).json()["items"]}
    paged = _all(api, "/api/events", sort=sort)
    ids = [e["id"] for e in paged]
    assert len(ids) == len(set(ids)) and set(ids) == everything
    keys = [(_key(e, sort), e["id"]) for e in paged]
    assert keys == sorted(keys, reverse=sort.startswith("-"))
    one = api.get("/api/events", params={"sort": sort, "limit": 500}).json()
    assert [e["id"] for e in one["items"]] == ids and one["next"] is None
    # A cursor pages only the order it was given for.
    cursor = api.get("/api/events", params={"sort": sort, "limit": 2}).json()["next"]
    other = "-date" if sort == "date" else "date"
    assert api.get("/api/events", params={"sort": other, "cursor": cursor}).status_code == 422


def test_status_filter_keeps_the_events_with_a_claim_group_of_that_status(api):
    groups = api.get("/api/claims", params={"limit": 500}).json()
    assert groups["total"] <= 500
    statuses: dict[str, set[str]] = {}
    for g in groups["items"]:
        statuses.setdefault(g["event"], set()).add(g["status"])
    facets = {f["value"]: f["count"] for f in api.get("/api/facets").json()["statuses"]}
    assert set(facets) == {"unverified", "unconfirmed-by", "disputed", "corroborated",
                           "confirmed"}
    for status, count in facets.items():
        found = _all(api, "/api/events", status=status)
        assert {e["id"] for e in found} == {e for e, s in statuses.items() if status in s}
        assert len(found) == count
    assert facets["disputed"] and facets["corroborated"]
    mali = _all(api, "/api/events", status="disputed", country="ML")
    assert all(e["location"]["country"] == "ML" for e in mali)


def test_as_of_gives_the_events_as_they_were(api):
    now = _all(api, "/api/events")
    everything = _all(api, "/api/events", as_of="2999-12-31", by="ingested")
    assert [e["id"] for e in everything] == [e["id"] for e in now]
    assert api.get("/api/events", params={"as_of": "1990-01-01"}).json()["items"] == []
    # Before the later reports of Boulkessi were published, fewer documents told it.
    early = _all(api, "/api/events", as_of="2024-03-13", country="ML")
    assert early and all(e["location"]["country"] == "ML" for e in early)
    assert all(e["first_published"][:10] <= "2024-03-13" for e in early)
    assert all(e["last_published"] is None or e["last_published"][:10] <= "2024-03-13"
               for e in early)
    for sort in ("-fatalities", "sources"):
        paged = _all(api, "/api/events", as_of="2024-03-20", sort=sort)
        keys = [(_key(e, sort), e["id"]) for e in paged]
        assert keys == sorted(keys, reverse=sort.startswith("-"))
        assert len({e["id"] for e in paged}) == len(paged)
    line = api.get("/api/timeline", params={"as_of": "2024-03-20"}).json()
    then = _all(api, "/api/events", as_of="2024-03-20")
    assert sum(i["events"] for i in line["items"]) + line["undated"] + line["vague"] == len(then)


@pytest.mark.parametrize("params", [{}, {"country": "ML"}, {"type": "Battles"},
                                    {"since": "2024-01-01", "until": "2024-06-30"}])
def test_timeline_counts_every_dated_event_once(api, params):
    from datetime import date

    events = _all(api, "/api/events", **params)
    for bin_ in ("day", "week"):
        line = api.get("/api/timeline", params=params | {"bin": bin_}).json()
        assert line["bin"] == bin_ and not line["truncated"]
        periods = [i["period"] for i in line["items"]]
        assert periods == sorted(set(periods))
        assert sum(i["events"] for i in line["items"]) + line["undated"] + line["vague"] \
            == len(events)
        assert line["undated"] == sum(1 for e in events if not e["date"]["start"])
        # Dated to a span longer than a month ("since 2017"): counted, never put in a bin.
        binned = [e for e in events if e["date"]["start"] and (
            date.fromisoformat(e["date"]["end"]) - date.fromisoformat(e["date"]["start"])).days
            <= 31]
        assert line["vague"] == len(events) - line["undated"] - len(binned)
        best = [e["fatalities"]["best"] for e in binned if e["fatalities"]["best"] is not None]
        assert sum(i["fatalities_best"] or 0 for i in line["items"]) == sum(best)
        if bin_ == "week":
            assert all(date.fromisoformat(p).weekday() == 0 for p in periods)
        else:
            assert set(periods) == {e["date"]["start"] for e in binned}


def test_map_points_are_the_located_events_deadliest_first(api):
    events = _all(api, "/api/events")
    located = {e["id"]: e for e in events if e["location"]
               and e["location"]["latitude"] is not None}
    points = api.get("/api/map").json()
    assert points["total"] == len(located) and len(points["items"]) == min(len(located), 5000)
    for event_id, lon, lat, kind, best in points["items"]:
        e = located[event_id]
        assert (lon, lat) == (e["location"]["longitude"], e["location"]["latitude"])
        assert kind == e["event_type"] and best == e["fatalities"]["best"]
    deaths = [-1 if p[4] is None else p[4] for p in points["items"]]
    assert deaths == sorted(deaths, reverse=True)
    boxed = api.get("/api/map", params={"bbox": "-5,10,5,20"}).json()
    assert boxed["items"] and all(-5 <= p[1] <= 5 and 10 <= p[2] <= 20 for p in boxed["items"])


def test_map_keeps_to_its_cap(tmp_path):
    """The cap, on fewer points than the sample has (the API's cap is 5000)."""
    from sitrep.store import consolidated, open_store

    db = tmp_path / "cap.db"
    Cli(db)("analyze", str(SAMPLES))
    with open_store(db, readonly=True) as s:
        everything = consolidated.event_points(s, consolidated.EventFilters(), cap=5000)
        capped = consolidated.event_points(s, consolidated.EventFilters(), cap=7)
    assert capped["total"] == everything["total"] > 7
    assert capped["items"] == everything["items"][:7]


def test_facets_count_the_events(api):
    facets = api.get("/api/facets").json()
    total = len(_all(api, "/api/events"))
    assert sum(t["count"] for t in facets["types"]) == total
    assert sum(m["count"] for m in facets["modalities"]) == total
    for t in facets["types"]:
        assert sum(s["count"] for s in t["sub_event_types"]) <= t["count"]
    country, count = facets["countries"][0]["value"], facets["countries"][0]["count"]
    assert len(_all(api, "/api/events", country=country)) == count


@pytest.mark.parametrize("path", ["/api/actors", "/api/places"])
def test_actors_and_places_page_by_offset(api, path):
    whole = api.get(path, params={"limit": 500}).json()
    assert whole["items"] and whole["total"] == len(whole["items"])
    seen, offset = [], 0
    while offset is not None:
        page = api.get(path, params={"offset": offset, "limit": 9}).json()
        seen += [r["id"] for r in page["items"]]
        offset = page["next_offset"]
    assert seen == [r["id"] for r in whole["items"]]
    q = "al" if path == "/api/places" else "qaeda"
    found = api.get(path, params={"q": q.upper()}).json()["items"]
    assert found and all(q in r["name"].lower() or any(q in a.lower() for a in
                                                       r.get("aliases", [])) for r in found)


def test_one_event_gives_the_evidence_of_each_field(api):
    top = api.get("/api/events", params={"country": "ML", "min_sources": 3}).json()["items"][0]
    answer = api.get(f"/api/events/{top['id']}").json()
    event, fields = answer["event"], answer["fields"]
    assert [f["field"] for f in fields] == ["event_type", "sub_event_type", "actor1", "actor2",
                                            "location", "date", "fatalities", "modality"]
    members = {m["report"]: m for m in event["reports"]}
    assert all("independent" in m for m in event["reports"])
    texts: dict[str, str] = {}
    for f in fields:
        if f["report"] is None:
            continue
        assert f["report"] in members and members[f["report"]]["document_id"] == f["document_id"]
        if f["span"]:
            if f["document_id"] not in texts:
                texts[f["document_id"]] = api.get(
                    f"/api/documents/{f['document_id']}").json()["text"]
            text = texts[f["document_id"]]
            assert text[f["span"]["start"]:f["span"]["end"]] == f["span"]["text"]
    by = {f["field"]: f for f in fields}
    assert by["event_type"]["value"] == event["event_type"] and by["event_type"]["span"]
    assert by["date"]["value"].startswith(event["date"]["start"])
    assert by["fatalities"]["span"]  # the figure the best comes from
    best = event["fatalities"]["best"]
    assert by["fatalities"]["value"].split()[0] == str(best)
    assert event["reviewed"] == {} == answer["reviewed"]


def test_a_read_only_server_refuses_reviews(api):
    top = api.get("/api/events", params={"limit": 1}).json()["items"][0]
    body = {"field": "fatalities", "value": 3, "reviewer": "A. Coder", "reason": "the text"}
    for headers in ({}, {"Authorization": "Bearer whatever-it-may-be"}):
        answer = api.post(f"/api/events/{top['id']}/reviews", json=body, headers=headers)
        assert answer.status_code == 403 and "--review" in answer.json()["detail"]
    assert api.get(f"/api/events/{top['id']}/reviews").json()["items"] == []
    assert api.get("/api/stats").json()["review"] is False


def test_reads_never_fail_while_analyze_writes(tmp_path):
    """Serving while ingest and analysis write to the same file: every request answers."""
    import shutil

    from conftest import FIXTURES

    db = tmp_path / "busy.db"
    first = tmp_path / "first"
    shutil.copytree(SAMPLES, first)
    Cli(db)("analyze", str(first))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                before = httpx.get(f"{base}/api/stats", timeout=2).json()["documents"]
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        writer = subprocess.Popen(
            [sys.executable, "-m", "sitrep", "--db", str(db), "analyze", "-q",
             str(FIXTURES / "docs")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        statuses = []
        with httpx.Client(base_url=base, timeout=30) as client:
            while writer.poll() is None or len(statuses) < 20:
                for path in ("/api/stats", "/api/events?limit=50", "/api/stories"):
                    statuses.append(client.get(path).status_code)
        assert writer.returncode == 0, writer.stderr.read().decode() if writer.stderr else ""
        assert statuses and set(statuses) == {200}
        with httpx.Client(base_url=base) as client:
            assert client.get("/api/stats").json()["documents"] > before  # the writer's landed
    finally:
        server.terminate()
        server.wait(timeout=10)
