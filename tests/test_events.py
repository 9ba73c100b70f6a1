"""Event reports, end to end (`sitrep analyze` → `show --json` / `events` / export), on the seed
(its EXPECTED.md) and on the bundled samples (expectations written from their texts)."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES, SEED, Cli


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    cli = Cli(tmp_path_factory.mktemp("events") / "events.db")
    paths = [str(SAMPLES)] + ([str(SEED)] if SEED.exists() else [])
    cli("analyze", *paths)
    return cli, cli.docs_by_name()


def events_of(analysed, name: str) -> list[dict]:
    cli, docs = analysed
    return cli.json("show", docs[name]["id"])["events"]


def find(events: list[dict], sub_event_type: str) -> dict:
    matches = [e for e in events if e["sub_event_type"] == sub_event_type]
    assert matches, f"no {sub_event_type!r} in {[e['sub_event_type'] for e in events]}"
    return matches[0]


seed_only = pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not present")


@seed_only
def test_seed_capture_is_a_territorial_battle_on_publication_day(analysed):
    captures = [e for e in events_of(analysed, SEED.name)
                if e["sub_event_type"] == "Non-state actor overtakes territory"
                and any(t["text"] == "captured" for t in e["evidence"]["triggers"])]
    assert len(captures) == 1
    capture = captures[0]
    assert capture["event_type"] == "Battles"
    assert capture["date"]["start"] == capture["date"]["end"] == "2014-06-16"
    assert capture["location"]["country"] == "IQ"
    assert abs(capture["location"]["latitude"] - 36.38) < 0.1
    assert abs(capture["location"]["longitude"] - 42.45) < 0.1
    assert capture["fatalities"]["best"] is None  # "long and bloody" has no number
    assert capture["modality"] == "asserted" and capture["happened"]
    assert capture["evidence"]["trigger"]["text"].startswith("captured")


@seed_only
def test_seed_mass_killing_is_claimed_violence_against_civilians(analysed):
    killing = find(events_of(analysed, SEED.name), "Attack")
    assert killing["event_type"] == "Violence against civilians"
    assert killing["actor1"]["id"] == "islamic-state"
    assert killing["modality"] == "claimed" and killing["happened"]
    figures = killing["fatalities"]["figures"]
    at_least = [f for f in figures if f["qualifier"] == "at least"]
    assert at_least and at_least[0]["low"] == 1700
    assert at_least[0]["claimant"] == "islamic-state" and at_least[0]["party"]
    assert killing["fatalities"]["high"] == 1700
    # Before the Friday tweet: an interval ending 2014-06-13, not a day.
    assert killing["date"]["end"] <= "2014-06-13"
    assert killing["date"]["start"] < killing["date"]["end"]


@seed_only
def test_seed_embassy_relocation_is_a_strategic_development(analysed):
    events = events_of(analysed, SEED.name)
    relocation = next(e for e in events if e["event_type"] == "Strategic developments")
    # Announced on Sunday: on or before 2014-06-15 (ACLED's event_date is the end).
    assert relocation["date"]["end"] == "2014-06-15"
    assert relocation["location"]["name"] == "Baghdad"
    assert relocation["modality"] == "reported"


@seed_only
def test_seed_threat_is_kept_but_did_not_happen(analysed):
    events = events_of(analysed, SEED.name)
    threats = [e for e in events if e["modality"] == "threatened/planned"]
    assert threats and not any(e["happened"] for e in threats)
    assert any("Baghdad" in e["notes"] for e in threats)


@seed_only
def test_seed_related_post_titles_yield_no_events(analysed):
    for e in events_of(analysed, SEED.name):
        assert "Mosul Dam" not in e["notes"] and "French fighter jets" not in e["notes"]


def test_sample_market_strike_toll_is_not_its_subset(analysed):
    """"killing nine people, including three children": the toll is nine, not three."""
    events = events_of(analysed, "feed.rss#1")
    tolls = [e for e in events if e["fatalities"]["figures"]
             and e["location"] and e["location"]["country"] == "SY"
             and e["date"]["start"] == "2023-12-04"]
    assert tolls
    assert tolls[0]["fatalities"]["best"] == 9
    assert all(f["text"] != "three" for f in tolls[0]["fatalities"]["figures"])


def test_sample_abduction(analysed):
    abduction = find(events_of(analysed, "feed.atom#2"), "Abduction/forced disappearance")
    assert abduction["event_type"] == "Violence against civilians"
    assert abduction["location"]["country"] == "BF"


def test_events_command_filters_and_export_uses_acled_columns(analysed, tmp_path):
    cli, _ = analysed
    battles = cli.json("events", "--type", "Battles")
    assert battles and all(e["event_type"] == "Battles" for e in battles)
    mali = cli.json("events", "--country", "ML")
    assert mali and all(e["location"]["country"] == "ML" for e in mali)
    cli("export", "--what", "events", "--format", "csv", "-o", str(tmp_path / "e.csv"))
    with (tmp_path / "e.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for column in ("event_date", "event_type", "sub_event_type", "actor1", "inter1", "actor2",
                   "inter2", "interaction", "country", "admin1", "location", "latitude",
                   "longitude", "geo_precision", "time_precision", "fatalities", "notes",
                   "source", "fatalities_low", "fatalities_high", "modality", "evidence"):
        assert column in rows[0]
    # Only events that happened are exported by default; --all adds the others.
    everything = cli.json("events")
    happened = [e for e in everything if e["happened"]]
    assert len(rows) == len(happened) < len(everything)
    cli("export", "--what", "events", "--format", "geojson", "-o", str(tmp_path / "e.geojson"))
    collection = json.loads((tmp_path / "e.geojson").read_text())
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(happened)
    located = [f for f in collection["features"] if f["geometry"]]
    assert located and all(len(f["geometry"]["coordinates"]) == 2 for f in located)
    cli("export", "--what", "events", "--format", "parquet", "--all", "-o",
        str(tmp_path / "e.parquet"))
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.num_rows == len(everything)
    assert {"event_date", "sub_event_type", "fatalities", "modality"} <= set(table.column_names)


def test_every_event_field_points_at_its_text(analysed):
    cli, docs = analysed
    for doc in docs.values():
        shown = cli.json("show", doc["id"])
        for e in shown["events"]:
            for key, span in e["evidence"].items():
                for s in span if isinstance(span, list) else [span]:
                    if s:
                        assert shown["text"][s["start"]:s["end"]] == s["text"], key
            f = e["fatalities"]
            numbers = [x for x in f["figures"]
                       if any(x[k] is not None for k in ("value", "low", "high"))]
            if numbers:
                assert f["best"] is not None and f["low"] <= f["best"] <= f["high"]
            else:
                assert f["best"] is None  # unknown, never 0
