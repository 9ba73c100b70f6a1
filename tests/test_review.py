"""Reviews over HTTP, as users run them: `sitrep serve --review` (a real uvicorn server on
127.0.0.1) over a real database of the sample corpus. A review needs the server's bearer token,
is shown beside the machine's value and outlives a rebuild of the consolidated events."""

from __future__ import annotations

import re
import sqlite3

import pytest

from sitrep.store import consolidated, open_store, reviews
from sitrep.store.migrate import migrations

from conftest import SAMPLES, Cli, serving

TOKEN = "review-test-token-4f9c2a7e1b"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("review") / "review.db"
    Cli(db)("analyze", str(SAMPLES))
    return db


def _boulkessi(client) -> dict:
    return client.get("/api/events", params={"country": "ML", "min_sources": 3}).json()[
        "items"][0]


def test_a_review_needs_the_token_and_shows_beside_the_machine_value(sample_db):
    body = {"field": "fatalities", "value": 29, "reviewer": "A. Coder",
            "reason": "the army's own count, published a day later"}
    with serving(sample_db, "--review", "--token", TOKEN) as (api, _):
        assert api.get("/api/stats").json()["review"] is True
        event = _boulkessi(api)
        url = f"/api/events/{event['id']}/reviews"
        missing = api.post(url, json=body)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        wrong = api.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}x"})
        assert wrong.status_code == 401
        assert api.post(url, json=body, headers={"Authorization": f"Basic {TOKEN}"}
                        ).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        made = api.post(url, json=body, headers=auth)
        assert made.status_code == 201, made.text
        review = made.json()
        machine = event["fatalities"]["best"]
        assert review["value"] == 29 and review["machine"] == machine
        assert review["members"] == [m["report"] for m in event["reports"]]
        # Malformed reviews: 422, nothing stored.
        for bad in ({**body, "value": -4}, {**body, "field": "weather"},
                    {**body, "reviewer": ""}, {**body, "reason": "x" * 2001},
                    {**body, "reviewer": "x" * 81}, {**body, "field": "status", "value": "meh"},
                    {k: v for k, v in body.items() if k != "reason"}):
            assert api.post(url, json=bad, headers=auth).status_code == 422, bad
        assert api.post("/api/events/ev-0000000000000000/reviews", json=body,
                        headers=auth).status_code == 404
        verdict = api.post(url, headers=auth, json={
            "field": "status", "value": "confirmed", "reviewer": "B. Editor",
            "reason": "confirmed by two field contacts"})
        assert verdict.status_code == 201
        # The event read: the machine's values unchanged, the reviewed ones beside them.
        one = api.get(f"/api/events/{event['id']}").json()
        assert one["event"]["fatalities"]["best"] == machine
        assert one["event"]["reviewed"]["fatalities"] == {
            "value": 29, "machine": machine, "reviewer": "A. Coder", "at": review["at"],
            "reason": body["reason"]}
        assert one["event"]["reviewed"]["status"]["value"] == "confirmed"
        statuses = {g["status"] for g in api.get("/api/claims", params={"limit": 500}).json()[
            "items"] if g["event"] == event["id"]}
        strongest = [s for s in ("disputed", "confirmed", "corroborated", "unconfirmed-by",
                                 "unverified") if s in statuses]
        assert one["event"]["reviewed"]["status"]["machine"] == strongest[0]
        listed = _boulkessi(api)
        assert listed["reviewed"]["fatalities"]["value"] == 29
        assert listed["fatalities"]["best"] == machine
        # The latest review of a field wins; every review stays listed.
        again = api.post(url, headers=auth, json={**body, "value": 31, "reason": "revised"})
        assert again.status_code == 201
        assert _boulkessi(api)["reviewed"]["fatalities"]["value"] == 31
        history = api.get(url).json()
        assert [r["value"] for r in history["items"] if r["field"] == "fatalities"] == [29, 31]
        # A claim group can be reviewed too.
        group = api.get("/api/claims", params={"status": "disputed"}).json()["items"][0]
        claim_url = f"/api/claims/{group['id']}/reviews"
        assert api.post(claim_url, json={"field": "status", "value": "rejected",
                                         "reviewer": "A. Coder", "reason": "misquoted"}
                        ).status_code == 401
        made = api.post(claim_url, headers=auth, json={
            "field": "status", "value": "rejected", "reviewer": "A. Coder",
            "reason": "misquoted"})
        assert made.status_code == 201 and made.json()["machine"] == "disputed"
        shown = [g for g in api.get("/api/claims", params={"limit": 500}).json()["items"]
                 if g["id"] == group["id"]]
        assert shown[0]["reviewed"]["status"]["value"] == "rejected"
        assert shown[0]["status"] == "disputed"

        # The consolidated events rebuilt from scratch: the reviews are still shown.
        with open_store(sample_db) as store:
            consolidated.update_events(store, rebuild=True)
        after = api.get(f"/api/events/{event['id']}").json()["event"]
        assert after["reviewed"]["fatalities"]["value"] == 31
        assert after["reviewed"]["status"]["value"] == "confirmed"

    # A read-only server over the same file shows the reviews and refuses new ones.
    with serving(sample_db) as (api, _):
        assert _boulkessi(api)["reviewed"]["fatalities"]["value"] == 31
        refused = api.post(f"/api/events/{event['id']}/reviews", json=body,
                           headers={"Authorization": f"Bearer {TOKEN}"})
        assert refused.status_code == 403
    with sqlite3.connect(sample_db) as con:  # the machine's records were never edited
        stored = con.execute("SELECT fatalities FROM events WHERE id = ?",
                             (event["id"],)).fetchone()[0]
    assert stored == machine


def test_a_review_follows_its_reports_when_the_event_id_changes(sample_db, tmp_path):
    """A re-analysis can give a happening a new event id (another seed report): the review
    attaches to the event that now holds most of the reports it was made on."""
    import shutil

    db = tmp_path / "renamed.db"
    shutil.copy(sample_db, db)
    with serving(db, "--review", "--token", TOKEN) as (api, _):
        event = _boulkessi(api)
        assert api.post(f"/api/events/{event['id']}/reviews",
                        headers={"Authorization": f"Bearer {TOKEN}"},
                        json={"field": "location", "value": "Boulkessi, Mopti, ML",
                              "reviewer": "A. Coder", "reason": "admin1 missing"}
                        ).status_code == 201
        with open_store(db) as store, store.transaction() as c:
            c.execute("UPDATE events SET id = 'ev-renamed000000' WHERE id = ?", (event["id"],))
            c.execute("UPDATE event_members SET event_id = 'ev-renamed000000' "
                      "WHERE event_id = ?", (event["id"],))
        assert api.get(f"/api/events/{event['id']}").status_code == 404
        moved = api.get("/api/events/ev-renamed000000").json()["event"]
        assert moved["reviewed"]["location"]["value"] == "Boulkessi, Mopti, ML"
        listed = api.get("/api/events/ev-renamed000000/reviews").json()["items"]
        assert listed[0]["target"]["id"] == event["id"]
        assert listed[0]["attached_to"] == "ev-renamed000000"
    # Split: the event that holds most of the reports gets it; none held: attached to none.
    members = [m["report"] for m in event["reports"]]
    with open_store(db, readonly=True) as store:
        split = reviews.reviews_in_memory(store, "event", {
            "ev-small": members[:1], "ev-big": members[1:]})
        assert list(split) == ["ev-big"]
        tie = reviews.reviews_in_memory(store, "event", {
            "ev-a": members[1:2], "ev-seed": members[:1]})
        assert list(tie) == ["ev-seed"]  # a tie goes to the event holding the seed
        assert reviews.reviews_in_memory(store, "event", {"ev-other": ["x:1"]}) == {}


def test_a_generated_or_environment_token(sample_db, tmp_path):
    import shutil

    db = tmp_path / "tokens.db"
    shutil.copy(sample_db, db)
    with serving(db, "--review") as (api, server):
        assert server.stderr is not None
        line = server.stderr.readline()
        token = line.rsplit(" ", 1)[-1].strip()
        assert len(token) >= 32, line
        event = _boulkessi(api)
        body = {"field": "actor2", "value": None, "reviewer": "A. Coder", "reason": "none"}
        assert api.post(f"/api/events/{event['id']}/reviews", json=body,
                        headers={"Authorization": f"Bearer {token}"}).status_code == 201
    with serving(db, "--review", env={"SITREP_REVIEW_TOKEN": TOKEN}) as (api, _):
        assert api.post(f"/api/events/{event['id']}/reviews", json=body,
                        headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 201
        assert api.post(f"/api/events/{event['id']}/reviews", json=body,
                        headers={"Authorization": f"Bearer {token}"}).status_code == 401
    cli = Cli(db)
    assert cli("serve", "--token", TOKEN, ok=False).exit_code == 2  # a token without --review


def test_a_read_only_server_on_a_database_without_reviews(sample_db, tmp_path):
    """A database made before migration 0007: read-only serving works and shows no reviews;
    a review server brings the schema up to date first."""
    import shutil

    db = tmp_path / "old.db"
    shutil.copy(sample_db, db)
    with sqlite3.connect(db) as con:  # undo migration 0007 and any later one
        for *_, sql in migrations()[6:]:
            for kind, name in re.findall(r"CREATE\s+(?:UNIQUE\s+)?(TABLE|INDEX)\s+"
                                         r"(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", sql, re.I):
                con.execute(f"DROP {kind} IF EXISTS {name}")
            for table, column in re.findall(r"ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)",
                                            sql, re.I):
                con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        con.execute("PRAGMA user_version = 6")
    with serving(db) as (api, _):
        event = _boulkessi(api)
        assert event["reviewed"] == {}
        assert api.get(f"/api/events/{event['id']}").json()["event"]["reviewed"] == {}
        assert api.get(f"/api/events/{event['id']}/reviews").json()["items"] == []
        assert api.get("/api/claims").status_code == 200
    with serving(db, "--review", "--token", TOKEN) as (api, _):
        assert api.post(f"/api/events/{event['id']}/reviews",
                        headers={"Authorization": f"Bearer {TOKEN}"},
                        json={"field": "date", "value": "2024-03-11", "reviewer": "A. Coder",
                              "reason": "the night of the 11th"}).status_code == 201
