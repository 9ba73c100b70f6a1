"""Benchmark: API latency over a synthetic database of 1,000,000 consolidated events (issue 8).

Database (built once, cached; ``--rebuild`` to build again): a real sitrep file made by
``open_store`` (every migration), then filled in bulk, not through consolidation:

* ``events``: ``--events`` rows (default 1,000,000) in ~60 countries, each with a weight (a
  few wars hold most events: UA about a tenth) and a latitude/longitude box; dates over ten
  years (2016-2025), more of them in later years; 85% one day long, some up to a month, 0.2%
  undated; ACLED's 25 sub-event types (``resources/acled_types.tsv``) in about ACLED's mix
  (clashes, shelling, protests most; chemical weapons in a few hundred events); fatalities
  NULL for 45%, 0 for 25%, else heavy-tailed; ``sources`` 1-10 (half are 1),
  ``independent_sources`` at most that; modality mostly asserted or reported; actor1 from the
  event's country (Zipf: a few actors hold most events), actor2 for two in three, one or two
  associated actors for one in five. Rows are inserted in random date order (the worst case
  for date-ordered reads: the table's rowid order says nothing about dates).
* ``documents``: ``--documents`` rows (default 300,000) spread over the same ten years, short
  texts (FTS5 filled by its trigger); ``event_members``: one row per source up to 3, each
  pointing at a document published near the event (the event lists join them).
* ``actors``: ``resources/actors.tsv``, state forces, police, protesters… of every country,
  and named groups and people up to ``--actors`` (default 20,000; the lists read actor names).
* ``event_actors``: who takes part in which event, filled from the events as update_events
  writes it (the actor filter reads it).

Data version 1 has no event longer than a month: a since= list reads one month before since;
``sitrep``'s own data (events dated "since 2017") takes the path that reads such events apart.

Timed, for each query (a row of the table): up to ``--requests`` GET requests (default 200)
to a real ``sitrep serve`` (uvicorn, 127.0.0.1, one process) over a keep-alive HTTP/1.1
connection, stopping once a query has taken ``--budget`` seconds (default 3: the whole run
takes a few minutes; ``--budget 20`` for 200 of each); with ``--in-process`` also the ASGI
app called in this process (no socket). The baseline, in this process: the SQL statements the
request runs (recorded with their parameters on the app's own connection), prepared and
fetched on one read-only connection, without the API around them. Ratio = HTTP p50 / SQL p50.
Each statement's ``EXPLAIN QUERY PLAN`` (with the same parameters: a plan can differ when the
values are written into the SQL) is checked for full scans (``SCAN events`` without an index)
and sorts (``USE TEMP B-TREE``); the table shows the access path of the main statement (the
longest one that reads ``events``; the others are the since bound's span lookup and a filter's
bounded count), the JSON every plan.

The app keeps the results of its aggregates (stats, facets, map, timeline) until the database
files change, so their repeated requests are answered from memory: the column "first" is the
first request of each query on a fresh server (it computes, and for the lists warms the page
cache), "SQL p50" what computing costs without the API.

``--varied N`` (default 300): N requests each to the event list and the map, every one with
filters no other request has (a box somewhere in a country, a country, a year or a period, a
type, a modality, a number of sources: ``VARIED_KINDS``): no cache answers them, as none answers
a user exploring the data; p50/p95 per kind of filter.

``--before`` also times every query without the indexes of migrations 0008, 0009, 0011, 0012,
0014 and 0015 (dropped, those they replaced made again; then restored; event_actors stays), so
the table shows what they buy.
``--analyze`` runs ANALYZE first (the app never does; without it the bench removes
``sqlite_stat1``). Goal (issue 8): p95 <= 50 ms per query on this machine.

    python bench/bench_api.py [--db PATH] [--rebuild] [--before] [--only TEXT] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import itertools
import json
import math
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from sitrep.lexicon import table
from sitrep.records import ACTOR_INTER, HAPPENED
from sitrep.store import open_store
from sitrep.store.migrate import migrations

DEFAULT_DB = Path(tempfile.gettempdir()) / "sitrep-bench-api" / "events.db"
# Bump when the synthetic data changes: a cached database of another version is rebuilt.
DATA_VERSION = 1
GOAL_P95_MS = 50.0

# ISO2: (weight, south, west, north, east). Weights: share of events, roughly as a conflict
# feed of the last decade spreads them (a few wars hold most of them); boxes: the country's
# extent, loosely (events fall uniformly inside).
COUNTRIES: dict[str, tuple[float, float, float, float, float]] = {
    "UA": (100, 44.4, 22.1, 52.4, 40.2), "SY": (70, 32.3, 35.7, 37.3, 42.4),
    "PS": (50, 31.2, 34.2, 32.6, 35.6), "SD": (45, 8.7, 21.8, 22.2, 38.6),
    "MM": (45, 9.8, 92.2, 28.5, 101.2), "NG": (40, 4.3, 2.7, 13.9, 14.7),
    "CD": (40, -13.5, 12.2, 5.4, 31.3), "ML": (30, 10.1, -12.2, 25.0, 4.3),
    "BF": (30, 9.4, -5.5, 15.1, 2.4), "SO": (30, -1.7, 41.0, 12.0, 51.4),
    "YE": (30, 12.1, 42.6, 19.0, 53.1), "AF": (30, 29.4, 60.5, 38.5, 74.9),
    "IQ": (25, 29.1, 38.8, 37.4, 48.6), "ET": (25, 3.4, 33.0, 14.9, 48.0),
    "MX": (25, 14.5, -117.1, 32.7, -86.7), "IN": (25, 6.7, 68.1, 35.5, 97.4),
    "PK": (22, 23.7, 60.9, 37.1, 77.8), "BR": (20, -33.7, -73.9, 5.3, -34.8),
    "CO": (20, -4.2, -79.0, 12.5, -66.9), "LB": (18, 33.1, 35.1, 34.7, 36.6),
    "IL": (18, 29.5, 34.3, 33.3, 35.9), "RU": (18, 43.0, 30.0, 60.0, 60.0),
    "PH": (15, 4.6, 116.9, 21.1, 126.6), "CM": (15, 1.7, 8.5, 12.3, 16.2),
    "LY": (12, 19.5, 9.3, 33.2, 25.2), "NE": (12, 11.7, 0.2, 23.5, 16.0),
    "CF": (12, 2.2, 14.4, 11.0, 27.5), "SS": (12, 3.5, 24.1, 12.2, 35.9),
    "HT": (10, 18.0, -74.5, 20.1, -71.6), "US": (10, 25.0, -125.0, 49.0, -67.0),
    "TR": (8, 36.0, 26.0, 42.1, 44.8), "IR": (8, 25.1, 44.0, 39.8, 63.3),
    "MZ": (8, -26.9, 30.2, -10.5, 40.8), "KE": (7, -4.7, 33.9, 5.0, 41.9),
    "BD": (7, 20.7, 88.0, 26.6, 92.7), "EG": (6, 22.0, 24.7, 31.7, 36.9),
    "VE": (6, 0.6, -73.4, 12.2, -59.8), "TD": (6, 7.4, 13.5, 23.4, 24.0),
    "BI": (5, -4.5, 29.0, -2.3, 30.8), "UG": (5, -1.5, 29.6, 4.2, 35.0),
    "PE": (5, -18.3, -81.3, -0.1, -68.7), "EC": (4, -5.0, -81.0, 1.4, -75.2),
    "ZA": (4, -34.8, 16.5, -22.1, 32.9), "ZW": (3, -22.4, 25.2, -15.6, 33.1),
    "DZ": (3, 19.0, -8.7, 37.1, 12.0), "TN": (3, 30.2, 7.5, 37.5, 11.6),
    "SA": (3, 16.4, 34.5, 32.2, 55.7), "JO": (2, 29.2, 34.9, 33.4, 39.3),
    "AM": (3, 38.8, 43.4, 41.3, 46.6), "AZ": (3, 38.4, 44.8, 41.9, 50.4),
    "GE": (2, 41.0, 40.0, 43.6, 46.7), "TH": (3, 5.6, 97.3, 20.5, 105.6),
    "ID": (3, -11.0, 95.0, 6.0, 141.0), "FR": (2, 42.3, -4.8, 51.1, 8.2),
    "DE": (1, 47.3, 5.9, 55.1, 15.0), "GB": (1, 49.9, -8.2, 58.7, 1.8),
    "KH": (1, 10.4, 102.3, 14.7, 107.6), "NP": (1, 26.3, 80.0, 30.4, 88.2),
    "LK": (1, 5.9, 79.6, 9.8, 81.9), "RW": (1, -2.8, 28.9, -1.0, 30.9),
}
# Share of events (%) per ACLED sub-event type (sitrep's keys in resources/acled_types.tsv),
# roughly ACLED's global mix of recent years: clashes, shelling, protests and attacks on
# civilians most; chemical weapons in a few hundred events of a million.
SUBTYPE_WEIGHTS = {
    "armed_clash": 20, "gov_regains": 0.5, "nsa_overtakes": 0.8, "chemical": 0.03,
    "air_drone": 9, "suicide": 0.2, "shelling": 16, "remote_explosive": 3, "grenade": 0.6,
    "sexual": 0.3, "attack": 10, "abduction": 2.5, "peaceful_protest": 18,
    "protest_intervention": 1.5, "excessive_force": 0.3, "violent_demonstration": 5,
    "mob_violence": 2, "agreement": 0.4, "arrests": 1.5, "change_group": 0.3,
    "disrupted_weapons": 1.5, "hq_established": 0.2, "looting": 0.8, "nonviolent_transfer": 0.4,
    "other": 0.5,
}
MODALITIES = {"asserted": 40, "reported": 45, "claimed": 6, "denied": 3, "hypothetical": 2,
              "threatened/planned": 3, "negated": 1}
GROUP_TYPES = ("rebel group", "political militia", "identity militia")
START, DAYS = date(2016, 1, 1), 3653
SITES = 400


@dataclass
class Built:
    events: int
    documents: int
    members: int
    actors: int
    seconds: float
    size_mb: float


class _Draw:
    """Weighted draws with the cumulative weights computed once (``random.choices`` would
    add them up at every call)."""

    def __init__(self, items: list[Any], weights: list[float]):
        self.items, self.cum = items, list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random, k: int = 1) -> list[Any]:
        return rng.choices(self.items, cum_weights=self.cum, k=k)


def _actors(rng: random.Random, total: int) -> list[tuple[str, str, str, str | None, str]]:
    """(id, name, type, country, kind): the bundled table, state bodies, protesters… of every
    country, then named groups and people of the countries up to ``total``."""
    rows = {r[0]: (r[0], r[1], r[2], r[3] or None, "organization")
            for r in table("actors.tsv")}
    for cc in COUNTRIES:
        for prefix, kind in (("military", "state forces"), ("police", "state forces"),
                             ("government", "state forces"), ("protesters", "protesters"),
                             ("rioters", "rioters"), ("civilians", "civilians")):
            rows.setdefault(f"{prefix}:{cc}", (f"{prefix}:{cc}", f"{prefix.title()} of {cc}",
                                               kind, cc, "group"))
    ccs = list(COUNTRIES)
    weights = [COUNTRIES[c][0] for c in ccs]
    k = 0
    while len(rows) < total:
        k += 1
        cc = rng.choices(ccs, weights=weights)[0]
        if k % 3:
            rows[f"grp-{cc.lower()}-{k}"] = (f"grp-{cc.lower()}-{k}", f"Group {k} of {cc}",
                                            rng.choice(GROUP_TYPES), cc, "organization")
        else:
            rows[f"person:{k}"] = (f"person:{k}", f"Person {k}", "unknown", cc, "person")
    return list(rows.values())


def build(path: Path, n_events: int, n_documents: int, n_actors: int, seed: int = 8) -> Built:
    """A real sitrep database at ``path`` (migrations by ``open_store``), filled in bulk."""
    t0 = time.perf_counter()
    rng = random.Random(seed)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with open_store(path):
        pass
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    # Indexes are dropped for the load and made again at the end (faster than updating them
    # row by row); their SQL comes from the migrations as they are.
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
        "tbl_name IN ('events', 'event_members')").fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")

    actors = _actors(rng, n_actors)
    conn.executemany("INSERT INTO actors(id, name, type, country, kind) VALUES (?, ?, ?, ?, ?)",
                     actors)
    by_country: dict[str, list[tuple[str, str]]] = {}
    for a in actors:
        if a[3]:
            by_country.setdefault(a[3], []).append((a[0], a[2]))
    for cc in by_country:  # Zipf: the state forces first, then groups by rank
        by_country[cc].sort(key=lambda a: (not a[0].startswith(("military:", "police:")),
                                           a[0]))
    cast = {cc: _Draw(v, [1 / (r + 1) for r in range(len(v))]) for cc, v in by_country.items()}

    # Documents, in publication order over the ten years.
    sites = [f"news{k}.example" for k in range(SITES)]
    doc_ids, doc_published = [], []
    words = ("shelling", "strike", "clashes", "killed", "protest", "village", "city", "forces",
             "attack", "militia", "drone", "police", "residents", "officials", "army", "town")
    doc_rows = []
    for k in range(n_documents):
        doc_id = f"{rng.getrandbits(256):064x}"
        day = START + timedelta(days=k * DAYS // n_documents)
        published = f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
        title = " ".join(rng.choices(words, k=8)).capitalize()
        raw = zlib.compress(title.encode())
        doc_ids.append(doc_id)
        doc_published.append(published)
        doc_rows.append((doc_id, f"bench/{k}.html", f"bench/{k}.html", "file", "html",
                         f"https://{sites[k % SITES]}/{k}", sites[k % SITES], title, published,
                         "day", "html-meta", "en", 0.99, f"{title}. {title.lower()}.",
                         f"{rng.getrandbits(64):016x}", raw, len(title), published))
    conn.executemany(
        "INSERT INTO documents(id, source, source_path, container, media, url, site, title, "
        "published, published_precision, published_from, language, language_score, text, "
        "fingerprint, raw, raw_size, ingested_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", doc_rows)
    del doc_rows

    taxonomy = [(event_type, sub, None if cameo == "-" else cameo, SUBTYPE_WEIGHTS.get(key, 1))
                for key, event_type, sub, cameo, *_ in table("acled_types.tsv")]
    draw_type = _Draw([t[:3] for t in taxonomy], [t[3] for t in taxonomy])
    draw_modality = _Draw(list(MODALITIES), list(MODALITIES.values()))
    draw_country = _Draw(list(COUNTRIES), [w for w, *_ in COUNTRIES.values()])
    ordinals = [0] * n_documents
    blocks: dict[tuple[str, int], str] = {}
    events, members = [], []
    for _ in range(n_events):
        cc = draw_country(rng)[0]
        _, south, west, north, east = COUNTRIES[cc]
        lat, lon = round(rng.uniform(south, north), 5), round(rng.uniform(west, east), 5)
        event_type, sub, cameo = draw_type(rng)[0]
        offset = int(DAYS * math.sqrt(rng.random()))  # density grows over the years
        day = START + timedelta(days=min(offset, DAYS - 1))
        span = rng.random()
        length = 0 if span < 0.85 else rng.randrange(1, 7) if span < 0.97 else \
            rng.randrange(7, 31)
        undated = rng.random() < 0.002
        date_start = None if undated else (day - timedelta(days=length)).isoformat()
        date_end = None if undated else day.isoformat()
        toll = rng.random()
        fatalities = None if toll < 0.45 or event_type == "Protests" else 0 if toll < 0.70 \
            else min(5000, int(rng.paretovariate(1.1)))
        sources = min(10, 1 + int(rng.expovariate(0.7)))
        independent = rng.randint(1, sources)
        modality = draw_modality(rng)[0]
        a1, a2 = cast[cc](rng, 2)
        actor2 = a2 if rng.random() < 0.65 and a2 != a1 else None
        extra = rng.random()
        associated = [] if extra < 0.8 else cast[cc](rng, 1 if extra < 0.95 else 2)
        inter1 = ACTOR_INTER.get(a1[1])
        inter2 = ACTOR_INTER.get(actor2[1]) if actor2 else None
        codes = sorted(x for x in (inter1, inter2) if x)
        week = offset // 7
        block = blocks.setdefault((cc, week), f"{rng.getrandbits(96):024x}")
        event_id = f"ev-{rng.getrandbits(64):016x}"
        figures = "[]" if not fatalities else json.dumps(
            [{"value": fatalities, "unit": "killed", "claimant": None, "report": "r"}])
        place = rng.randrange(5000)
        first = doc_published[min(n_documents - 1, offset * n_documents // DAYS)]
        events.append((
            event_id, block, event_type, sub, cameo, a1[0], actor2[0] if actor2 else None,
            json.dumps([a[0] for a in associated]), inter1, inter2,
            "".join(map(str, codes)) if len(codes) == 2 else f"{codes[0]}0" if codes else None,
            f"gn:{cc}{place}", f"Place {place}", f"{cc}.{place % 12:02d}", cc, lat, lon,
            rng.choice((1, 1, 2, 3)), date_start, date_end, 1 if length == 0 else 2 if
            length < 7 else 3, fatalities, fatalities, fatalities, figures, modality,
            int(modality in HAPPENED), sources, independent, first, first,
            f"{sub} reported near Place {place} ({cc}); {sources} sources, "
            f"{fatalities if fatalities is not None else 'unknown'} killed."))
        near = offset * n_documents // DAYS
        for j in range(min(sources, 3)):
            d = max(0, min(n_documents - 1, near + rng.randrange(0, 300)))
            ordinals[d] += 1
            origin = doc_ids[d] if j < independent else doc_ids[max(0, d - 1)]
            members.append((f"{doc_ids[d]}:{ordinals[d]}", event_id, doc_ids[d], origin, j))
        if len(events) >= 50_000:
            _insert(conn, events, members)
            events, members = [], []
    _insert(conn, events, members)
    # Who takes part in which event, as update_events writes it (migration 0009).
    conn.execute("INSERT OR IGNORE INTO event_actors(actor_id, event_id) "
                 "SELECT actor1_id, id FROM events WHERE actor1_id IS NOT NULL "
                 "UNION ALL SELECT actor2_id, id FROM events WHERE actor2_id IS NOT NULL "
                 "UNION ALL SELECT j.value, e.id FROM events e, json_each(e.associated) j "
                 "WHERE j.type = 'text'")
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("events", "documents", "event_members", "actors")]
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return Built(*counts, seconds=round(time.perf_counter() - t0, 1),
                 size_mb=round(path.stat().st_size / 2**20, 1))


def _insert(conn: sqlite3.Connection, events: list[tuple[Any, ...]],
            members: list[tuple[Any, ...]]) -> None:
    conn.executemany(
        "INSERT INTO events(id, block, event_type, sub_event_type, cameo, actor1_id, actor2_id, "
        "associated, inter1, inter2, interaction, place_id, location, admin1, country, "
        "latitude, longitude, geo_precision, date_start, date_end, time_precision, fatalities, "
        "fatalities_low, fatalities_high, figures, modality, happened, sources, "
        "independent_sources, first_published, last_published, notes) VALUES "
        f"({', '.join('?' * 32)})", events)
    conn.executemany("INSERT INTO event_members(report_id, event_id, document_id, origin, "
                     "joined) VALUES (?, ?, ?, ?, ?)", members)


# -- the database -----------------------------------------------------------------------------


def ensure_database(path: Path, *, events: int, documents: int, actors: int,
                    rebuild: bool) -> dict[str, Any]:
    """The cached database at ``path`` (built when missing, of other sizes or another
    DATA_VERSION, or when ``rebuild``), migrated to this sitrep's schema."""
    meta_path = path.with_name(path.name + ".json")
    wanted = {"data_version": DATA_VERSION, "events": events, "documents": documents,
              "actors": actors}
    meta = json.loads(meta_path.read_text()) if meta_path.exists() and path.exists() else {}
    if rebuild or {k: meta.get(k) for k in wanted} != wanted:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta_path.unlink(missing_ok=True)
        building = path.with_name(path.name + ".building")
        built = build(building, events, documents, actors)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        building.replace(path)
        meta = {**wanted, "build_seconds": built.seconds, "members": built.members,
                "size_mb": built.size_mb}
        meta_path.write_text(json.dumps(meta, indent=2))
    t = time.perf_counter()
    with open_store(path) as s:  # a cache built by an older sitrep gets the new migrations
        version = s.conn.execute("PRAGMA user_version").fetchone()[0]
    return {**meta, "schema_version": version, "migrate_seconds":
            round(time.perf_counter() - t, 1), "path": str(path)}


# The migrations that add indexes for the API (0008: list orders; 0009: type, place, span;
# 0011: the bounding box's grid; 0012: the map's walks; 0014: every filter in the entries of
# the index a map is read through, and the box's map order; 0015: a minimum of sources by
# type and date).
INDEX_MIGRATIONS = (8, 9, 11, 12, 14, 15)
_INDEX_STATEMENT = re.compile(r"(CREATE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)[^;]*)|"
                              r"DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?(\w+)", re.I)


def index_changes() -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The indexes the INDEX_MIGRATIONS leave made and those they drop that were there before
    them: name → CREATE statement (of a dropped one, as the earlier migration made it); and
    those one of them made and a later one dropped for good (events_map: 0008, dropped by
    0012). Statements are read in order: 0014 drops indexes of 0008-0012 and makes them again
    under the same names with more columns."""
    made: dict[str, str] = {}
    earlier: dict[str, str] = {}
    dropped: list[str] = []
    replaced: list[str] = []
    for number, _name, sql in migrations():
        for m in _INDEX_STATEMENT.finditer(sql):
            create, created, drop = m[1], m[2], m[3]
            if number < min(INDEX_MIGRATIONS):
                if create:
                    earlier[created] = create
            elif number in INDEX_MIGRATIONS:
                if create:
                    made[created] = create
                    if created in replaced:
                        replaced.remove(created)
                elif made.pop(drop, None) is not None:
                    replaced.append(drop)
                elif drop not in dropped:
                    dropped.append(drop)
    return made, {name: earlier[name] for name in dropped if name in earlier}, replaced


def set_indexes(db: Path, present: bool) -> float:
    """The indexes as the INDEX_MIGRATIONS leave them (``present``) or as they were before;
    seconds it took."""
    t = time.perf_counter()
    made, dropped, replaced = index_changes()
    add, remove = (made, [*dropped, *replaced]) if present else (dropped, [*made, *replaced])
    conn = sqlite3.connect(db, isolation_level=None)
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name in remove:
        if name in have:
            conn.execute(f"DROP INDEX {name}")
    for name, sql in add.items():
        if name not in have:
            conn.execute(sql)
    conn.close()
    return time.perf_counter() - t


def set_statistics(db: Path, analyze: bool) -> None:
    """ANALYZE (``sqlite_stat1`` for the planner) or no statistics, as the app leaves it."""
    conn = sqlite3.connect(db, isolation_level=None)
    if analyze:
        conn.execute("ANALYZE")
    elif conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        conn.execute("DELETE FROM sqlite_stat1")
    conn.close()


# -- the queries ------------------------------------------------------------------------------


@dataclass
class Query:
    name: str
    path: str
    params: list[dict[str, Any]]  # request k uses params[k % len]
    sql: list[list[tuple[str, Any]]] = field(default_factory=list)  # what each params runs


def queries(db: Path, routes: set[str], http_get: Callable[[str, dict[str, Any]], bytes]
            ) -> list[Query]:
    """The typical requests of the web UI and of API clients (those this app serves)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    # A rare actor: in about 50 events (the common one is in tens of thousands).
    rare = conn.execute(
        "SELECT actor1_id FROM events WHERE country = 'SY' GROUP BY actor1_id "
        "HAVING count(*) BETWEEN 30 AND 80 ORDER BY actor1_id LIMIT 1").fetchone()[0]
    conn.close()
    month = {"since": "2023-03-01", "until": "2023-03-31"}
    year = {"since": "2022-01-01", "until": "2022-12-31"}
    out = [
        Query("events: first page", "/api/events", [{}]),
        Query("events: country (UA, 10%)", "/api/events", [{"country": "UA"}]),
        Query("events: country (RW, 0.1%)", "/api/events", [{"country": "RW"}]),
        Query("events: type (Battles)", "/api/events", [{"type": "Battles"}]),
        Query("events: sub-type (Chemical weapon)", "/api/events",
              [{"type": "Chemical weapon"}]),
        Query("events: country+type+1 month", "/api/events",
              [{"country": c, "type": t, **month} for c, t in
               (("UA", "Battles"), ("SD", "Air/drone strike"), ("ML", "Attack"))]),
        Query("events: country+type+1 year", "/api/events",
              [{"country": c, "type": t, **year} for c, t in
               (("UA", "Battles"), ("SD", "Air/drone strike"), ("ML", "Attack"))]),
        Query("events: 1 month, all countries", "/api/events", [month]),
        Query("events: since (last 2 years)", "/api/events", [{"since": "2024-01-01"}]),
        Query("events: bbox (Donbas)", "/api/events", [{"bbox": "37,47,40.5,49.5"}]),
        Query("events: bbox (city: Kharkiv)", "/api/events", [{"bbox": "36.1,49.9,36.4,50.1"}]),
        Query("events: bbox (Middle East)", "/api/events", [{"bbox": "25,12,60,42"}]),
        Query("events: min_sources=5", "/api/events", [{"min_sources": 5}]),
        Query("events: min_sources=10", "/api/events", [{"min_sources": 10}]),
        Query("events: actor (military:UA)", "/api/events", [{"actor": "military:UA"}]),
        Query(f"events: actor (rare, {rare})", "/api/events", [{"actor": rare}]),
        Query("events: modality=denied", "/api/events", [{"modality": "denied"}]),
    ]
    for label, base in (("", {}), (" UA", {"country": "UA"})):
        params: dict[str, Any] = dict(base)
        for _ in range(49):  # follow `next` as a client does
            params["cursor"] = json.loads(http_get("/api/events", params))["next"]
        out.append(Query(f"events: page 50 by cursor{label}", "/api/events", [params]))
    out.append(Query("events.geojson: bbox (Donbas)", "/api/events.geojson",
                     [{"bbox": "37,47,40.5,49.5"}]))
    out.append(Query("stats", "/api/stats", [{}]))
    # The UI's endpoints and sorts (issue 8), when this app has them.
    if "/api/events" in routes:
        for sort in ("-date", "fatalities", "-fatalities", "-sources"):
            out.append(Query(f"events: sort={sort}", "/api/events", [{"sort": sort}]))
        out.append(Query("events: sort=-fatalities, country (UA)", "/api/events",
                         [{"sort": "-fatalities", "country": "UA"}]))
        # The UI lists newest first (sort=-date) under the same filters.
        out += [Query("events -date: country+type+1 month", "/api/events",
                      [{"sort": "-date", "country": c, "type": t, **month} for c, t in
                       (("UA", "Battles"), ("SD", "Air/drone strike"), ("ML", "Attack"))]),
                Query("events -date: until (2020)", "/api/events",
                      [{"sort": "-date", "until": "2020-12-31"}]),
                Query("events -date: bbox (city: Kharkiv)", "/api/events",
                      [{"sort": "-date", "bbox": "36.1,49.9,36.4,50.1"}])]
    if "/api/map" in routes:
        out += [Query("map: everything", "/api/map", [{}]),
                Query("map: country (UA)", "/api/map", [{"country": "UA"}]),
                Query("map: bbox (Donbas)", "/api/map", [{"bbox": "37,47,40.5,49.5"}]),
                Query("map: type+1 year", "/api/map", [{"type": "Battles", **year}]),
                Query("map: 1 month", "/api/map", [month]),
                Query("map: modality=denied", "/api/map", [{"modality": "denied"}]),
                Query("map: country+modality", "/api/map",
                      [{"country": "UA", "modality": "reported"}]),
                Query("map: min_sources=5", "/api/map", [{"min_sources": 5}]),
                Query("map: min_sources+1 year", "/api/map", [{"min_sources": 2, **year}])]
    if "/api/timeline" in routes:
        out += [Query("timeline: week, country (UA)", "/api/timeline",
                      [{"bin": "week", "country": "UA"}]),
                Query("timeline: day, country+type", "/api/timeline",
                      [{"bin": "day", "country": "SY", "type": "Battles"}]),
                Query("timeline: day, bbox (Donbas)", "/api/timeline",
                      [{"bin": "day", "bbox": "37,47,40.5,49.5"}]),
                Query("timeline: day, everything", "/api/timeline", [{"bin": "day"}]),
                Query("timeline: week, everything", "/api/timeline", [{"bin": "week"}])]
    if "/api/facets" in routes:
        out.append(Query("facets", "/api/facets", [{}]))
    return [q for q in out if q.path in routes]


# -- clients ----------------------------------------------------------------------------------


class Server:
    """``sitrep serve`` on a free port of 127.0.0.1, and a keep-alive connection to it."""

    def __init__(self, db: Path):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        fd, self.log = tempfile.mkstemp(prefix="sitrep-bench-api-", suffix=".log")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sitrep", "--db", str(db), "serve", "--port",
             str(self.port)], stdout=fd, stderr=fd)
        os.close(fd)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/openapi.json", {})
                return
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError(Path(self.log).read_text(errors="replace")) from None
                time.sleep(0.2)

    def get(self, path: str, params: dict[str, Any]) -> bytes:
        url = f"{path}?{urlencode(params)}" if params else path
        try:
            self.conn.request("GET", url)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.conn.close()  # uvicorn closes a connection idle for 5 s: open another
            self.conn.request("GET", url)
            response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} {params}: {response.status} {body[:300]!r}")
        return body

    def close(self) -> None:
        self.conn.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        Path(self.log).unlink(missing_ok=True)


class InProcess:
    """The same ASGI app called directly in this process (no socket, no HTTP parsing)."""

    def __init__(self, db: Path):
        from sitrep.api.app import create_app

        self.app = create_app(db)
        self.loop = asyncio.new_event_loop()
        self.routes = {getattr(r, "path", "") for r in self.app.routes}

    def get(self, path: str, params: dict[str, Any]) -> bytes:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": urlencode(params).encode(), "root_path": "",
                 "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1),
                 "server": ("bench", 80)}
        status, body = [0], []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        self.loop.run_until_complete(self.app(scope, receive, send))
        if status[0] != 200:
            raise RuntimeError(f"GET {path} {params}: {status[0]} {b''.join(body)[:300]!r}")
        return b"".join(body)

    def close(self) -> None:
        self.loop.close()


class _Recording(sqlite3.Connection):
    """A connection that notes every statement it executes, with its parameters."""

    seen: list[tuple[str, Any]]

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        self.seen.append((sql, parameters))
        return super().execute(sql, parameters)


@contextmanager
def recorded() -> Iterator[list[tuple[str, Any]]]:
    """Every statement run on connections opened meanwhile (the app's own), with its bound
    parameters: the baseline and EXPLAIN QUERY PLAN prepare them as the app does (a plan may
    differ when the values are written into the SQL)."""
    seen: list[tuple[str, Any]] = []
    real = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = real(*args, **kwargs, factory=_Recording)
        conn.seen = seen  # type: ignore[attr-defined]
        return conn

    sqlite3.connect = connect  # type: ignore[assignment]
    try:
        yield seen
    finally:
        sqlite3.connect = real  # type: ignore[assignment]


def capture(app: InProcess, q: Query) -> None:
    """The SQL statements each of the query's requests runs (PRAGMAs left out)."""
    q.sql = []
    for params in q.params:
        with recorded() as seen:
            app.get(q.path, params)
        q.sql.append([(sql, args) for sql, args in seen if not sql.lstrip().upper().startswith(
            ("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK"))])


def plans(conn: sqlite3.Connection, q: Query) -> dict[str, Any]:
    """EXPLAIN QUERY PLAN of the statements touching ``events``: full scans, sorts."""
    lines, scans, sorts = [], set(), 0
    for statement, args in q.sql[0]:
        if not re.search(r"\bevents\b", statement):
            continue
        rows = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + statement, args)]
        lines.append({"sql": statement[:300], "chars": len(statement),
                      "params": repr(args)[:200], "plan": rows})
        for detail in rows:
            m = re.match(r"SCAN (\w+)(?: AS \w+)?$", detail)
            if m and m[1] in ("events", "event_members", "documents", "e", "m", "d"):
                scans.add(m[1])
            sorts += detail.startswith("USE TEMP B-TREE")
    return {"statements": lines, "full_scans": sorted(scans), "temp_sorts": sorts}


def short_plan(p: dict[str, Any]) -> str:
    """The access path of the main statement on events (the longest), shortened."""
    if not p["statements"]:
        return ""
    parts = []
    for detail in max(p["statements"], key=lambda st: st["chars"])["plan"]:
        m = re.match(r"(SEARCH|SCAN) (\w+)(?: USING (?:COVERING )?INDEX (\w+))?(?: \((.*)\))?",
                     detail)
        if m and m[2] == "events":
            parts.append(f"{'scan' if m[1] == 'SCAN' else 'search'} "
                         f"{m[3] or 'table'}{f' ({m[4]})' if m[4] else ''}")
        elif detail.startswith("USE TEMP B-TREE"):
            parts.append("+sort")
    return "; ".join(parts)


# -- timing -----------------------------------------------------------------------------------


def timed(run: Callable[[int], Any], n: int, budget: float) -> list[float]:
    """Milliseconds of ``run(k)`` for k < n, stopping early past ``budget`` seconds (once
    there are 3 timings, or at once past 3 budgets: a query of seconds is timed once)."""
    out: list[float] = []
    start = time.perf_counter()
    for k in range(n):
        t = time.perf_counter()
        run(k)
        out.append((time.perf_counter() - t) * 1000)
        spent = time.perf_counter() - start
        if spent > budget and (len(out) >= 3 or spent > 3 * budget):
            break
    return out


def summary(ms: list[float]) -> dict[str, float | int]:
    ordered = sorted(ms)
    return {"n": len(ms), "p50": round(statistics.median(ordered), 1),
            "p95": round(ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)], 1),
            "max": round(ordered[-1], 1)}


def measure(q: Query, server: Server, app: InProcess, db: Path, *, requests: int,
            baseline_requests: int, budget: float, in_process: bool) -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    plan = plans(conn, q)

    def sql(k: int) -> None:
        for statement, args in q.sql[k % len(q.sql)]:
            conn.execute(statement, args).fetchall()

    def http(k: int) -> None:
        server.get(q.path, q.params[k % len(q.params)])

    def inproc(k: int) -> None:
        app.get(q.path, q.params[k % len(q.params)])

    t = time.perf_counter()
    server.get(q.path, q.params[0])  # warm: the OS page cache holds what it reads
    first_ms = round((time.perf_counter() - t) * 1000, 1)
    sql_ms = summary(timed(sql, baseline_requests, budget))
    body = server.get(q.path, q.params[0])  # and a fresh keep-alive connection
    http_ms = summary(timed(http, requests, budget))
    inproc_ms = summary(timed(inproc, baseline_requests, budget)) if in_process else None
    conn.close()
    return {"query": q.name, "path": q.path, "params": q.params, "bytes": len(body),
            "first": first_ms, "http": http_ms, "in_process": inproc_ms, "sql": sql_ms,
            "ratio": round(http_ms["p50"] / max(sql_ms["p50"], 0.01), 1),
            "goal_met": http_ms["p95"] <= GOAL_P95_MS, "plan": short_plan(plan),
            "full_scans": plan["full_scans"], "temp_sorts": plan["temp_sorts"],
            "plans": plan["statements"]}


def run_all(qs: list[Query], server: Server, app: InProcess, db: Path,
            args: argparse.Namespace, label: str) -> list[dict[str, Any]]:
    out = []
    for q in qs:
        capture(app, q)
        row = measure(q, server, app, db, requests=args.requests,
                      baseline_requests=args.baseline_requests, budget=args.budget,
                      in_process=args.in_process)
        out.append({"indexes": label, **row})
        print(f"  {label:>6}  {q.name:<42} p50 {row['http']['p50']:>8} ms  "
              f"p95 {row['http']['p95']:>8} ms", file=sys.stderr, flush=True)
    return out


def print_table(rows: list[dict[str, Any]], before: dict[str, dict[str, Any]],
                meta: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"sitrep API over {meta['events']:,} events ({meta['size_mb']} MB): "
                    f"milliseconds per request; goal p95 <= {GOAL_P95_MS:g} ms")
    in_process = any(r["in_process"] for r in rows)
    columns = ["query", *(["before p50", "before p95"] if before else []), "first", "n",
               "HTTP p50", "HTTP p95", "HTTP max", *(["in-proc p50"] if in_process else []),
               "SQL p50", "ratio", "plan (events)"]
    for col in columns:
        t.add_column(col, justify="left" if col in ("query", "plan (events)") else "right")
    for r in rows:
        b = before.get(r["query"])
        cells = [r["query"]]
        if before:
            cells += [f"{b['http']['p50']}" if b else "", f"{b['http']['p95']}" if b else ""]
        p95 = f"{r['http']['p95']}"
        cells += [f"{r['first']}", f"{r['http']['n']}", f"{r['http']['p50']}",
                  p95 if r["goal_met"] else f"[red]{p95}[/red]", f"{r['http']['max']}"]
        if in_process:
            cells.append(f"{r['in_process']['p50']}" if r["in_process"] else "")
        cells += [f"{r['sql']['p50']}", f"{r['ratio']}", r["plan"]]
        t.add_row(*cells)
    Console(width=200).print(t)


# Each varied request is one no other request repeats, so no cache answers it: what a user
# exploring the map and table meets (a box dragged, a country and year picked, a type added, a
# period brushed on the timeline, a modality or a number of sources asked for). The UI asks for
# its map without the box (its view) and with the period.
VARIED_KINDS = ("bbox", "bbox+type", "country", "country+year", "type+year", "period",
                "country+modality", "modality+year", "type+min_sources", "min_sources+year")
EVENT_TYPES = ("Battles", "Explosions/Remote violence", "Protests", "Riots",
               "Violence against civilians")


def varied_params(rng: random.Random) -> tuple[str, dict[str, Any]]:
    kind = rng.choice(VARIED_KINDS)
    parts = kind.split("+")
    params: dict[str, Any] = {}
    if "bbox" in parts:
        cc = rng.choice(list(COUNTRIES))
        _, south, west, north, east = COUNTRIES[cc]
        w, s = rng.uniform(west, east), rng.uniform(south, north)
        params["bbox"] = (f"{w:.3f},{s:.3f},{min(180, w + rng.uniform(0.2, 15)):.3f},"
                          f"{min(90, s + rng.uniform(0.2, 10)):.3f}")
    if "country" in parts:
        params["country"] = rng.choice(list(COUNTRIES))
    if "type" in parts:
        params["type"] = rng.choice(EVENT_TYPES)
    if "modality" in parts:
        params["modality"] = rng.choice(list(MODALITIES))
    if "min_sources" in parts:
        params["min_sources"] = rng.randint(2, 5)
    if "year" in parts:
        year = rng.randint(2016, 2025)
        params.update(since=f"{year}-01-01", until=f"{year}-12-31")
    if "period" in parts:  # a week to a year, anywhere in the ten years
        first = START + timedelta(days=rng.randrange(DAYS))
        last = min(first + timedelta(days=rng.randint(7, 366)), START + timedelta(days=DAYS))
        params.update(since=first.isoformat(), until=last.isoformat())
    return kind, params


def run_varied(server: Server, n: int, seed: int = 5) -> list[dict[str, Any]]:
    """``n`` varied requests to each of the event list and the map, each different (a draw
    that repeats an earlier one is drawn again)."""
    rows = []
    for path in ("/api/events", "/api/map"):
        rng = random.Random(seed)
        ms: dict[str, list[float]] = {}
        seen: set[str] = set()
        while len(seen) < n:
            kind, params = varied_params(rng)
            key = json.dumps(params, sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            started = time.perf_counter()
            server.get(path, params)
            took = 1000 * (time.perf_counter() - started)
            ms.setdefault(kind, []).append(took)
            ms.setdefault("all", []).append(took)
        for kind, values in ms.items():
            rows.append({"path": path, "kind": kind, "http": summary(values),
                         "goal_met": summary(values)["p95"] <= GOAL_P95_MS})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB, help="cached synthetic database")
    ap.add_argument("--rebuild", action="store_true", help="build the database again")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--documents", type=int, default=300_000)
    ap.add_argument("--actors", type=int, default=20_000)
    ap.add_argument("--requests", type=int, default=200, help="HTTP requests per query")
    ap.add_argument("--baseline-requests", type=int, default=20,
                    help="SQL (and in-process) runs per query")
    ap.add_argument("--budget", type=float, default=3.0,
                    help="seconds per query and client before stopping early")
    ap.add_argument("--in-process", action="store_true",
                    help="also time the ASGI app called in this process (no socket)")
    ap.add_argument("--before", action="store_true",
                    help="also time without the indexes of migrations 0008-0015")
    ap.add_argument("--analyze", action="store_true",
                    help="ANALYZE first (the app does not; without: no sqlite_stat1)")
    ap.add_argument("--only", help="only the queries whose name contains this")
    ap.add_argument("--varied", type=int, default=300,
                    help="varied uncached requests to the list and to the map (0: none)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    meta = ensure_database(args.db, events=args.events, documents=args.documents,
                           actors=args.actors, rebuild=args.rebuild)
    set_indexes(args.db, present=True)
    set_statistics(args.db, args.analyze)
    server, app = Server(args.db), InProcess(args.db)
    try:
        qs = queries(args.db, app.routes, server.get)
        if args.only:
            qs = [q for q in qs if args.only in q.name]
        after = run_all(qs, server, app, args.db, args, "now")
        varied = run_varied(server, args.varied) if args.varied else []
        before: list[dict[str, Any]] = []
        if args.before and index_changes()[0]:
            meta["drop_seconds"] = round(set_indexes(args.db, present=False), 1)
            try:
                before = run_all(qs, server, app, args.db, args, "none")
            finally:
                meta["index_seconds"] = round(set_indexes(args.db, present=True), 1)
    finally:
        server.close()
        app.close()
    meta["analyze"] = args.analyze
    if args.json:
        json.dump({"database": meta, "goal_p95_ms": GOAL_P95_MS, "after": after,
                   "before": before, "varied": varied}, sys.stdout, indent=2)
        print()
    else:
        print_table(after, {r["query"]: r for r in before}, meta)
        slow = [r["query"] for r in after if not r["goal_met"]]
        scans = [f"{r['query']}: {', '.join(r['full_scans'])}" for r in after
                 if r["full_scans"]]
        for r in varied:
            h = r["http"]
            print(f"varied, uncached: {r['path']:12s} {r['kind']:17s} n={h['n']:4d} "
                  f"p50 {h['p50']:7.1f} ms  p95 {h['p95']:7.1f} ms")
        slow += [f"varied {r['path']} {r['kind']}" for r in varied if not r["goal_met"]]
        print(f"p95 over {GOAL_P95_MS:g} ms: {', '.join(slow) or 'none'}")
        print(f"full table scans: {'; '.join(scans) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
