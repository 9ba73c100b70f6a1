"""The HTTP API (`sitrep serve`), run as users run it: a real uvicorn server on 127.0.0.1 over
a real database of the sample corpus, queried over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from conftest import SAMPLES, Cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    db = tmp_path_factory.mktemp("api") / "api.db"
    Cli(db)("analyze", str(SAMPLES))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/api/stats", timeout=2)
            break
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(server.stderr.read().decode() if server.stderr else "") from None
            time.sleep(0.2)
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client
    server.terminate()
    server.wait(timeout=10)


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
])
def test_malformed_parameters_are_4xx_with_a_message(api, path, params):
    response = api.get(path, params=params)
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_unknown_records_are_404(api):
    assert api.get("/api/events/ev-0000000000000000").status_code == 404
    assert api.get("/api/documents/" + "0" * 64).status_code == 404


def test_reads_never_fail_while_analyze_writes(tmp_path):
    """Serving while ingest and analysis write to the same file: every request answers."""
    import shutil

    from conftest import FIXTURES

    db = tmp_path / "busy.db"
    first = tmp_path / "first"
    shutil.copytree(SAMPLES, first)
    Cli(db)("analyze", str(first))
    port = _free_port()
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
