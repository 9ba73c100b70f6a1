"""The API's event filters and orders give the same events whichever way the database reads them
(issue 8's query plans for a million events): a rare filter read through its own index and
sorted, a common one tested along the order's index, since/until also as a range of the date
key (bounded by the longest event span), the actor filter through event_actors after updates
that drop and re-cluster blocks, and the cached aggregates after a write. Real databases of the
sample corpus (`sitrep analyze samples`), a real server on 127.0.0.1."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from sitrep.store import consolidated, open_store

from conftest import SAMPLES, Cli, serving

# Two reposts of the Boulkessi attack (samples-src/README.md): analyzed in a later batch, they
# change its block, which is dropped and clustered again.
REPOSTS = ("sahel-security-digest_boulkessi-repost.html", "africa-news-now_boulkessi-copy.html")
SORTS = ("date", "-date", "fatalities", "-fatalities", "sources", "-sources")


@pytest.fixture(scope="module")
def updated(tmp_path_factory) -> tuple[Path, set[str]]:
    """The samples analyzed in two batches, the reposts second; and the event ids after the
    first batch."""
    tmp = tmp_path_factory.mktemp("queries")
    first, second = tmp / "first", tmp / "second"
    shutil.copytree(SAMPLES, first)
    second.mkdir()
    for name in REPOSTS:
        shutil.move(first / name, second / name)
    db = tmp / "events.db"
    cli = Cli(db)
    cli("analyze", str(first))
    before = {e["id"] for e in cli.json("events")}
    cli("analyze", str(second))
    return db, before


@pytest.fixture(scope="module")
def api(updated):
    with serving(updated[0]) as (client, _):
        yield client


@pytest.fixture(scope="module")
def everything(updated) -> list[dict]:
    with open_store(updated[0], readonly=True) as s:
        return consolidated.event_page(s, consolidated.EventFilters(), limit=100_000)


def _all(api, **params) -> list[dict]:
    """Every event of a list, following the cursor (pages of 5)."""
    seen, cursor = [], None
    while True:
        page = api.get("/api/events", params=params | {"limit": 5} | (
            {"cursor": cursor} if cursor else {})).json()
        seen += page["items"]
        cursor = page["next"]
        if cursor is None:
            return seen


def _actors_of(event: dict) -> set[str]:
    return {a for a in ((event["actor1"] or {}).get("id"), (event["actor2"] or {}).get("id"),
                        *event["associated"]) if a}


def _pairs(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(actor, event) as the events table says."""
    out = set()
    for event_id, actor1, actor2, associated in conn.execute(
            "SELECT id, actor1_id, actor2_id, associated FROM events"):
        out |= {(a, event_id) for a in (actor1, actor2, *json.loads(associated)) if a}
    return out


def test_event_actors_stay_in_step_through_updates_and_a_rebuild(updated, tmp_path):
    db, before = updated
    conn = sqlite3.connect(db)
    now = {r[0] for r in conn.execute("SELECT id FROM events")}
    assert before - now, "the second batch re-clustered no block: nothing was dropped"
    pairs = _pairs(conn)
    assert pairs and set(conn.execute("SELECT actor_id, event_id FROM event_actors")) == pairs
    copy = tmp_path / "copy.db"
    with sqlite3.connect(copy) as target:
        conn.backup(target)
    conn.close()
    with open_store(copy) as s:
        consolidated.update_events(s, rebuild=True)
        kept = {tuple(r) for r in s.conn.execute("SELECT actor_id, event_id FROM event_actors")}
        assert kept == _pairs(s.conn) == pairs
        # As `sitrep load` fills it after writing events itself.
        with s.transaction():
            s.conn.execute("DELETE FROM event_actors")
            consolidated.refresh_event_actors(s)
        assert {tuple(r) for r in s.conn.execute(
            "SELECT actor_id, event_id FROM event_actors")} == pairs


def test_actor_filter_gives_exactly_the_events_with_that_actor(api, everything):
    actors = sorted(set().union(*(_actors_of(e) for e in everything)))
    assert len(actors) > 10
    for actor in actors:
        wanted = [e["id"] for e in everything if actor in _actors_of(e)]
        assert [e["id"] for e in _all(api, actor=actor)] == wanted, actor
        deadliest = _all(api, actor=actor, sort="-fatalities")
        assert sorted(e["id"] for e in deadliest) == sorted(wanted)
    assert _all(api, actor="nobody:at-all") == []


def test_type_is_an_event_type_or_a_sub_event_type(api, everything):
    battles = _all(api, type="Battles")
    clashes = _all(api, type="Armed clash")
    assert {e["id"] for e in battles} == {e["id"] for e in everything
                                          if e["event_type"] == "Battles"}
    assert {e["id"] for e in clashes} == {e["id"] for e in everything
                                          if e["sub_event_type"] == "Armed clash"}
    assert clashes and len(battles) > len(clashes)
    assert {e["id"] for e in clashes} < {e["id"] for e in battles}
    # The same in memory (as_of), and a name in neither vocabulary matches nothing.
    then = _all(api, type="Armed clash", as_of="2999-12-31", by="ingested")
    assert [e["id"] for e in then] == [e["id"] for e in clashes]
    assert _all(api, type="Armed clashes") == []


def test_since_and_until_keep_an_event_dated_to_a_long_period(api, everything):
    def span(e: dict) -> int:
        return (date.fromisoformat(e["date"]["end"])
                - date.fromisoformat(e["date"]["start"])).days

    dated = [e for e in everything if e["date"]["start"] and e["date"]["end"]]
    longest = max(dated, key=span)
    assert span(longest) > 365  # "since 2017": years long
    start = date.fromisoformat(longest["date"]["start"])
    end = date.fromisoformat(longest["date"]["end"])
    inside = (start + timedelta(days=span(longest) // 2)).isoformat()

    def ids(**params: str) -> set[str]:
        return {e["id"] for e in _all(api, **params)}

    assert longest["id"] in ids(since=inside) & ids(until=inside) & ids(since=inside,
                                                                          until=inside)
    assert longest["id"] in ids(since=end.isoformat()) & ids(until=start.isoformat())
    assert longest["id"] not in ids(since=(end + timedelta(days=1)).isoformat())
    assert longest["id"] not in ids(until=(start - timedelta(days=1)).isoformat())
    # Every boundary of every event, against the overlap test in Python, in both date orders.
    days = sorted({d for e in dated for d in (e["date"]["start"], e["date"]["end"])})
    for day in days[::3]:
        after = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        for params in ({"since": day}, {"until": day}, {"since": day, "until": after}):
            wanted = [e["id"] for e in dated
                      if ("since" not in params or e["date"]["end"] >= params["since"])
                      and ("until" not in params or e["date"]["start"] <= params["until"])]
            assert [e["id"] for e in _all(api, **params)] == wanted, params
            assert [e["id"] for e in _all(api, sort="-date", **params)] == wanted[::-1], params


FILTERS = [
    {}, {"country": "ML"}, {"event_type": "Battles"}, {"event_type": "Air/drone strike"},
    {"since": "2023-12-01"}, {"until": "2021-06-30"},
    {"since": "2021-03-01", "until": "2021-03-31"}, {"modality": "asserted"},
    {"min_sources": 2}, {"bbox": (-5.0, 10.0, 5.0, 20.0)},
    {"country": "SD", "event_type": "Explosions/Remote violence", "since": "2024-01-01"},
    {"actor": "jnim"}, {"bbox": (-20.0, -40.0, 60.0, 40.0), "min_sources": 1,
                               "since": "2023-01-01", "until": "2024-12-31"},
    # A day no calendar has (the API refuses it; the CLI passes it on): compared as text.
    {"since": "2024-02-31", "until": "2024-03-31"},
    # The map walks a type's own order (events_type_map) testing the rest in its entries, and
    # events_map_filters for a sub-event type, dates, modality, sources (migration 0012).
    {"event_type": "Battles", "since": "2023-01-01", "until": "2024-12-31"},
    {"event_type": "Explosions/Remote violence", "bbox": (-20.0, -40.0, 60.0, 40.0),
     "modality": "asserted"},
    {"event_type": "Violence against civilians", "min_sources": 1, "actor": "jnim"},
    {"event_type": "Air/drone strike", "since": "2023-01-01"},
    {"country": "ML", "bbox": (-5.0, 10.0, 5.0, 20.0)},
    # Every filter tested in the entries of the index read (migration 0014): a modality or a
    # number of sources with a country, a type, a period; a country's period walked count by
    # count of fatalities in its own order.
    {"country": "ML", "modality": "asserted"}, {"event_type": "Battles", "min_sources": 2},
    {"min_sources": 2, "since": "2023-01-01", "until": "2024-12-31"},
    {"modality": "reported", "since": "2023-01-01"},
    {"country": "ML", "since": "2023-01-01", "until": "2024-12-31"},
]


@pytest.mark.parametrize("sort", SORTS)
def test_both_plans_page_through_every_matching_event_once(updated, everything, sort):
    """Each filter read through its own index (drive_limit high) and tested along the order's
    index (drive_limit 0): the same events, those the filters give in Python, in order."""
    found = 0
    with open_store(updated[0], readonly=True) as s:
        for filters in FILTERS:
            f = consolidated.EventFilters(**filters)
            wanted = [e["id"] for e in consolidated.page_in_memory(
                consolidated.filter_events_by(everything, f), sort=sort, limit=100_000)]
            found += bool(wanted)
            for drive_limit in (0, 10**9):
                seen: list[str] = []
                after = None
                while True:
                    page = consolidated.event_page(s, f, sort=sort, after=after, limit=4,
                                                   drive_limit=drive_limit)
                    seen += [e["id"] for e in page]
                    if len(page) < 4:
                        break
                    after = (consolidated.sort_key(page[-1], sort), page[-1]["id"])
                assert seen == wanted, (filters, drive_limit)
            # Walked in the map's order (drive_limit 0) and sorted: what Python gives (a cap
            # of 2: a walk that stops before the matches end).
            for cap in (5000, 2):
                points = [consolidated.event_points(s, f, drive_limit=limit, cap=cap)
                          for limit in (0, 10**9)]
                assert points[0] == points[1] == consolidated.points_in_memory(
                    consolidated.filter_events_by(everything, f), cap=cap), (filters, cap)
    assert found == len(FILTERS)  # no filter is vacuous on the samples


class _Recording:
    """A connection that records the statements run on it, with their parameters."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.seen: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self.seen.append((sql, params))
        return self.conn.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def _statements(store, f: consolidated.EventFilters, **kwargs: Any) -> list[tuple[str, Any]]:
    """The statements ``event_points`` runs, with their parameters."""
    conn = store.conn
    store.conn = recording = _Recording(conn)
    try:
        consolidated.event_points(store, f, **kwargs)
    finally:
        store.conn = conn
    # (PRAGMA user_version, and the longest event span: the last entry of events_span)
    return [(sql, params) for sql, params in recording.seen
            if not sql.startswith(("PRAGMA", "SELECT max(julianday"))]


def _plan(conn: sqlite3.Connection, sql: str, params: Any) -> list[str]:
    return [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def _reads_rows(plan: list[str]) -> list[str]:
    """The steps of a plan that read rows of the events table (not only index entries)."""
    return [p for p in plan if re.match(r"(SCAN|SEARCH) events\b", p)
            and "COVERING INDEX" not in p]


def _walked(filters: dict[str, Any]) -> str:
    """The index a map walks in its order (event_points): a box's bands (events_grid_map),
    else a country's, a type's, or all events' order."""
    bbox = filters.get("bbox")
    if bbox and not {"since", "until", "actor"} & set(filters) and (
            int(bbox[3] // 1) - int(bbox[1] // 1) < consolidated.MAP_GRID_BANDS):
        return "events_grid_map"
    if {"bbox", "actor"} & set(filters):
        return "events_map_filters"
    if "country" in filters:
        return "events_country_map"
    typed = consolidated._type_columns().get(filters.get("event_type", ""))
    return "events_type_map" if typed == "event_type" else "events_map_filters"


def test_map_walks_read_index_entries_only(updated):
    """A map with more matches than it sorts walks an index in the map's order: a box's bands
    merged (events_grid_map), a country's (events_country_map), a type's (events_type_map),
    else events_map_filters, each holding every column the other filters test, so the walk
    reads no row of the table (migrations 0012, 0014). A period is walked one fatality count
    at a time, each count's period a range read in order; only the matches among the order's
    first entries (the highest counts, read as one range) are sorted."""
    with open_store(updated[0], readonly=True) as s:
        for filters in FILTERS:
            f = consolidated.EventFilters(**filters)
            ran = _statements(s, f, drive_limit=0)
            count = next(k for k, (sql, _) in enumerate(ran)
                         if sql.startswith("SELECT count(*) FROM events"))
            walk = ran[count + 1:]
            assert walk, filters
            for sql, params in walk:
                plan = _plan(s.conn, sql, params)
                if "actor" not in filters:
                    assert not _reads_rows(plan), (filters, sql, plan)
                if "coalesce(fatalities, -1) > ?" not in sql:
                    assert not any("TEMP B-TREE" in p for p in plan), (filters, sql, plan)
            index = _walked(filters)
            assert any(f"USING COVERING INDEX {index}" in p
                       for p in _plan(s.conn, *walk[-1])), (filters, walk[-1])
            if index == "events_grid_map":
                assert any("MERGE" in p for p in _plan(s.conn, *walk[-1])), filters


def test_map_counts_and_sorts_read_index_entries_only(updated):
    """The map's total, and its points when it sorts its matches, come from the entries of one
    filter's index, with a modality or a number of sources among the filters too (migration
    0014: they were tested in the table's rows, 0.2-0.5 s at a million events)."""
    with open_store(updated[0], readonly=True) as s:
        for filters in FILTERS:
            if {"actor", "ids"} & set(filters):
                continue  # the events of an actor are rows found through event_actors
            for sql, params in _statements(s, consolidated.EventFilters(**filters),
                                           drive_limit=10**9):
                assert not _reads_rows(_plan(s.conn, sql, params)), (filters, sql)


def test_map_of_a_database_before_the_map_indexes(updated, everything, tmp_path):
    """A database at migration 0011 (served read-only, not migrated) walks events_map as it
    was, with the same points."""
    old = tmp_path / "old.db"
    with sqlite3.connect(updated[0]) as source, sqlite3.connect(old) as target:
        source.backup(target)
    with sqlite3.connect(old) as con:
        con.execute("DROP INDEX events_type_map")
        con.execute("DROP INDEX events_map_filters")
        con.execute("CREATE INDEX events_map ON events(coalesce(fatalities, -1), "
                    "coalesce(date_start, ''), id DESC, latitude, longitude, event_type, "
                    "fatalities)")
        con.execute(f"PRAGMA user_version = {consolidated.EVENT_MAP_SCHEMA - 1}")
    _assert_points_as_in_memory(old, everything)


def _assert_points_as_in_memory(db, everything) -> None:
    """Every filter set's map, walked and sorted, served read-only from ``db``, equals the
    in-memory reference."""
    with open_store(db, readonly=True) as s:
        for filters in FILTERS:
            f = consolidated.EventFilters(**filters)
            wanted = consolidated.points_in_memory(consolidated.filter_events_by(everything, f))
            for limit in (0, 10**9):
                assert consolidated.event_points(s, f, drive_limit=limit) == wanted, filters


@pytest.mark.parametrize("index, schema", [
    ("events_grid_map", consolidated.EVENT_MAP_COVER_SCHEMA),
    ("events_sources_type", consolidated.EVENT_SOURCES_TYPE_SCHEMA),
])
def test_map_of_a_database_before_an_index_migration(updated, everything, tmp_path, index,
                                                      schema):
    """A database one migration before ``index`` (served read-only, so not migrated) maps as
    that migration found it, with the same points: at 0013 without events_grid_map, the map
    read as 0012 left it; at 0014 without events_sources_type, a minimum of sources counted
    and walked as 0014 did."""
    old = tmp_path / "old.db"
    with sqlite3.connect(updated[0]) as source, sqlite3.connect(old) as target:
        source.backup(target)
    with sqlite3.connect(old) as con:
        con.execute(f"DROP INDEX {index}")
        con.execute(f"PRAGMA user_version = {schema - 1}")
    _assert_points_as_in_memory(old, everything)


def test_aggregates_are_cached_until_the_database_changes(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES, corpus)
    held = tmp_path / "held"
    held.mkdir()
    shutil.move(corpus / "kherson-shelling_blog-dated-in-text.txt", held)
    db = tmp_path / "cached.db"
    cli = Cli(db)
    cli("analyze", str(corpus))
    paths = {"/api/stats": {}, "/api/facets": {}, "/api/map": {},
             "/api/timeline": {"bin": "week"}, "/api/events": {"limit": 500}}
    with serving(db) as (client, _):
        time.sleep(1.2)  # the files settle: answers from now on are kept
        first = {p: client.get(p, params=q).json() for p, q in paths.items()}
        again = {p: client.get(p, params=q).json() for p, q in paths.items()}
        assert again == first
        cli("analyze", str(held))  # while serving
        later = {p: client.get(p, params=q).json() for p, q in paths.items()}
        assert later["/api/stats"]["documents"] == first["/api/stats"]["documents"] + 1
        assert later["/api/stats"]["events"] == len(later["/api/events"]["items"]) > len(
            first["/api/events"]["items"])
        with open_store(db, readonly=True) as s:
            fresh_map = consolidated.event_points(s, consolidated.EventFilters())
            fresh_line = consolidated.event_timeline(s, consolidated.EventFilters(), bin_="week")
        # (points are tuples in Python, arrays in JSON)
        fresh_map = json.loads(json.dumps(fresh_map))
        assert later["/api/map"] == fresh_map != first["/api/map"]
        assert later["/api/timeline"] == fresh_line != first["/api/timeline"]
        assert sum(t["count"] for t in later["/api/facets"]["types"]) == len(
            later["/api/events"]["items"])
