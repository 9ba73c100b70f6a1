"""Consolidated events across documents: one happening told by many outlets is one event that
keeps every report and figure; reposts are sources but not independent ones; a similar
happening far away stays apart; incremental updates equal a rebuild; as-of gives the state
known on a day. (The sample stories are described in samples-src/README.md.)"""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3

import pytest

from conftest import SAMPLES, Cli

BOULKESSI = ("sahel-monitor_boulkessi-camp-attack.html", "wire.jsonl#1", "crawl.warc.gz#3",
             "sahel-security-digest_boulkessi-repost.html",
             "africa-news-now_boulkessi-copy.html")
REPOSTS = ("sahel-security-digest_boulkessi-repost.html", "africa-news-now_boulkessi-copy.html")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    cli = Cli(tmp_path_factory.mktemp("consolidation") / "all.db")
    cli("analyze", str(SAMPLES))
    return cli, cli.docs_by_name()


def boulkessi(events: list[dict], docs: dict[str, dict]) -> dict:
    """The event whose reports include the army's own account (Sahel Monitor)."""
    first = docs[BOULKESSI[0]]["id"]
    found = [e for e in events if e["happened"] and e["location"]
             and e["location"]["name"] == "Boulkessi"
             and any(r["document_id"] == first for r in e["reports"])
             and len({r["document_id"] for r in e["reports"]}) > 1]
    assert len(found) == 1, [(e["id"], e["sources"]) for e in found]
    return found[0]


def test_one_story_five_sources_three_independent(corpus):
    cli, docs = corpus
    event = boulkessi(cli.json("events", "--country", "ML"), docs)
    assert {r["document_id"] for r in event["reports"]} == {docs[n]["id"] for n in BOULKESSI}
    assert (event["sources"], event["independent_sources"]) == (5, 3)
    reposts = {docs[n]["id"] for n in REPOSTS}
    assert {r["document_id"] for r in event["reports"] if not r["independent"]} == reposts
    # Every figure kept, with the claimant of each; the DESIGN.md rule over all of them:
    # low 12 (the army), high 50 (JNIM), best 30 (the local official, the only non-party).
    values = {f.get("low") or f.get("value") for f in event["fatalities"]["figures"]}
    assert {12, 30, 50} <= values
    assert (event["fatalities"]["low"], event["fatalities"]["best"],
            event["fatalities"]["high"]) == (12, 30, 50)
    assert event["date"]["start"] == event["date"]["end"] == "2024-03-12"


def test_why_explains_the_merge_and_what_was_kept_apart(corpus):
    cli, docs = corpus
    event = boulkessi(cli.json("events", "--country", "ML"), docs)
    why = cli.json("why", event["id"])
    joined = [m for m in why["members"] if m["joined_because"]]
    assert len(joined) == len(why["members"]) - 1  # every member but the first has a reason
    assert all(m["joined_because"]["merged"] and "same" in m["joined_because"]["reason"]
               for m in joined)
    assert why["kept_apart"] and all(d["reason"].startswith("kept apart")
                                     for d in why["kept_apart"])
    # Two events: why they are not one (the Goundam attack, the same day, 300 km away).
    goundam = next(e for e in cli.json("events", "--country", "ML")
                   if any(r["document_id"] == docs["wire.jsonl#4"]["id"] for r in e["reports"])
                   and e["sub_event_type"] == "Armed clash")
    pairs = cli.json("why", event["id"], goundam["id"])
    assert pairs and all(not d["merged"] for d in pairs)
    assert any(d["conflict"] and "km apart" in d["reason"] for d in pairs)
    # History: the fatalities as each document came in, in publication order.
    assert [h["sources"] for h in why["history"]] == [1, 2, 3, 4, 5]
    assert why["history"][0]["best"] == 12 and why["history"][-1]["high"] == 50
    text = cli("why", event["id"][:10]).stdout
    assert "kept apart" in text and "history" in text
    assert "km apart" in cli("why", event["id"], goundam["id"]).stdout
    # An id prefix is characters, not a pattern: SQL wildcards name no event.
    for pattern in ("ev-%", "%", "_" * 3 + event["id"][3:], event["id"][:-1] + "_"):
        refused = cli("why", pattern, ok=False)
        assert refused.exit_code != 0 and event["id"] not in refused.stdout, pattern


def test_same_day_attack_300_km_away_stays_its_own_event(corpus):
    cli, docs = corpus
    events = cli.json("events", "--country", "ML", "--since", "2024-03-12",
                      "--until", "2024-03-12")
    goundam = [e for e in events if any(r["document_id"] == docs["wire.jsonl#4"]["id"]
                                        for r in e["reports"]) and e["happened"]]
    assert goundam
    for e in goundam:
        assert {r["document_id"] for r in e["reports"]} == {docs["wire.jsonl#4"]["id"]}
    assert boulkessi(events, docs)["id"] not in {e["id"] for e in goundam}


def test_as_of_returns_what_was_known_then(corpus):
    cli, docs = corpus
    early = [e for e in cli.json("events", "--country", "ML", "--as-of", "2024-03-12")
             if e["location"] and e["location"]["name"] == "Boulkessi" and e["happened"]]
    # On the 12th only the army's account (Sahel Monitor) was published.
    assert early and all(e["sources"] == 1 for e in early)
    assert max(e["fatalities"]["high"] or 0 for e in early) == 12
    later = boulkessi(cli.json("events", "--country", "ML", "--as-of", "2024-03-13"), docs)
    assert later["sources"] == 4 and later["fatalities"]["high"] == 30
    assert boulkessi(cli.json("events", "--country", "ML", "--as-of", "2024-12-31"),
                     docs)["sources"] == 5


def test_incremental_updates_equal_a_rebuild(corpus, tmp_path):
    cli, _ = corpus
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(SAMPLES, first)
    second.mkdir()
    for name in REPOSTS:  # the reposts arrive in a later batch
        shutil.move(first / name, second / name)
    step = Cli(tmp_path / "step.db")
    step("analyze", str(first))
    before = step.json("events")
    step("analyze", str(second))
    after = step.json("events")
    assert len(after) > len(before) - len(REPOSTS) and after != before

    def key(events: list[dict]) -> list[tuple]:
        return sorted((e["id"], e["sources"], e["independent_sources"],
                       e["fatalities"]["best"], e["fatalities"]["low"], e["fatalities"]["high"],
                       tuple(sorted(r["report"].split(":")[1] + r["document_id"]
                                    for r in e["reports"]))) for e in events)

    assert key(after) == key(cli.json("events"))


@pytest.mark.parametrize("stream_reports", [None, 1], ids=["in-memory", "streamed"])
def test_an_update_written_block_by_block_ends_where_one_transaction_does(corpus, tmp_path,
                                                                          stream_reports):
    """The events update writes every few thousand reports in a transaction of its own and
    drops a block's old versions as it writes the block: from the events of a first batch to
    those of all documents, one block per transaction, it ends with the very rows of the
    database that got there in one go (every table of the events, every decision). So does
    it when every block of two reports or more is streamed (clustered as read, into
    temporary tables, then written), as a block longer than ``STREAM_REPORTS`` is."""
    from sitrep.store import open_store
    from sitrep.store.consolidated import update_events

    cli, _ = corpus
    first = tmp_path / "first"
    shutil.copytree(SAMPLES, first)
    for name in REPOSTS:
        (first / name).unlink()
    early = Cli(tmp_path / "early.db")
    early("analyze", "-q", str(first))
    db = tmp_path / "late.db"
    with sqlite3.connect(cli.db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    # All the reports, links and origins, but the events of the first batch only: the state
    # the update finds after the reposts' analysis and link stage.
    with sqlite3.connect(db) as con:
        con.execute("ATTACH DATABASE ? AS early", (str(early.db),))
        for table in EVENT_TABLES:
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT * FROM early.{table}")
    assert event_tables(db) != event_tables(cli.db)
    with open_store(db) as store:
        summary = update_events(store, flush_reports=1, **(
            {"stream_reports": stream_reports} if stream_reports else {}))
    assert 0 < summary.reclustered < summary.blocks  # the blocks the reposts changed
    assert event_tables(db) == event_tables(cli.db)


EVENT_TABLES = ("events", "event_members", "event_decisions", "event_actors")


def event_tables(db) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in EVENT_TABLES}


def test_events_export_is_one_row_per_happening_with_its_sources(corpus, tmp_path):
    cli, docs = corpus
    cli("export", "--what", "events", "--format", "csv", "-o", str(tmp_path / "events.csv"))
    cli("export", "--what", "reports", "--format", "csv", "-o", str(tmp_path / "reports.csv"))
    with (tmp_path / "events.csv").open(newline="") as fh:
        events = list(csv.DictReader(fh))
    with (tmp_path / "reports.csv").open(newline="") as fh:
        reports = list(csv.DictReader(fh))
    assert len(events) < len(reports)
    event = boulkessi(cli.json("events", "--country", "ML"), docs)
    row = next(r for r in events if r["event_id"] == event["id"])
    assert (row["sources"], row["independent_sources"], row["fatalities"]) == ("5", "3", "30")
    assert row["event_date"] == "2024-03-12" and row["location"] == "Boulkessi"


def test_stories_group_the_documents_of_one_happening(corpus):
    cli, docs = corpus
    stories = cli.json("stories")
    boulkessi_docs = {docs[n]["id"] for n in BOULKESSI}
    story = next(s for s in stories if boulkessi_docs & {d["id"] for d in s["documents"]})
    assert {d["id"] for d in story["documents"]} == boulkessi_docs
    assert story["independent_sources"] == 3
    el_fasher = {docs["nile-post-wire_el-fasher-abu-shouk-shelling.html"]["id"],
                 docs["blogspot-repost_el-fasher-shelling.html"]["id"]}
    assert any({d["id"] for d in s["documents"]} == el_fasher for s in stories)
    assert not any(docs["wire.jsonl#4"]["id"] in {d["id"] for d in s["documents"]}
                   for s in stories)


def test_claims_across_documents_count_independent_outlets(corpus):
    """The army's toll told by two independent outlets (and reposted) is corroborated by
    them; JNIM's 50, which the army dismissed, is disputed; reposts add sources only."""
    cli, _ = corpus
    groups = cli.json("claims", "--across")
    army = [g for g in groups if g["claimant"] == "military:ML" and g["figure"] == 12]
    assert army
    told = max(army, key=lambda g: g["sources"])
    assert told["independent_sources"] >= 2 and told["sources"] > told["independent_sources"]
    assert told["status"] == "corroborated"
    assert any(v["status"] == "corroborated" for v in told["verifications"])
    jnim = [g for g in groups if g["claimant"] == "jnim" and g["figure"] == 50]
    assert jnim and all(g["status"] == "disputed" for g in jnim)
    assert cli.json("claims", "--across", "--status", "disputed")


def test_as_of_applies_to_claims_and_exports(corpus, tmp_path):
    cli, _ = corpus
    early = cli.json("claims", "--across", "--as-of", "2024-03-12")
    army = [g for g in early if g["claimant"] == "military:ML" and g["figure"] == 12]
    assert army and all(g["independent_sources"] == 1 for g in army)  # only Sahel Monitor
    assert not [g for g in early if g["claimant"] == "jnim" and g["figure"] == 50]
    per_document = cli.json("claims", "--as-of", "2024-03-12")
    later = {c["document_id"] for c in cli.json("claims")}
    assert {c["document_id"] for c in per_document} < later
    cli("export", "--what", "events", "--format", "jsonl", "--as-of", "2024-03-12",
        "-o", str(tmp_path / "early.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "early.jsonl").read_text().splitlines()]
    boulkessi_then = [e for e in rows if (e["location"] or {}).get("name") == "Boulkessi"]
    assert boulkessi_then and max(e["sources"] for e in boulkessi_then) == 1
    assert cli("export", "--as-of", "12 March", "-o", str(tmp_path / "x.jsonl"),
               ok=False).exit_code == 2


def test_a_block_chained_over_a_year_is_clustered_a_month_at_a_time(corpus):
    """A country reported every few days chains into one block over years; it is clustered as
    a stream: an event is final (given out) once a month starts that none of its reports
    reaches, so what is held is a month or two of reports, not the block. Here the sample
    corpus's most reported country is retold every third day for fifteen months."""
    from collections import Counter
    from dataclasses import replace
    from datetime import date, timedelta

    from sitrep.link.consolidate import (
        Cluster,
        block_numbers,
        block_order,
        chainable,
        cluster,
        cluster_stream,
    )
    from sitrep.store import open_store
    from sitrep.store.consolidated import report_views

    cli, _ = corpus
    with open_store(cli.db) as store:
        stored = [r for r in report_views(store) if chainable(r)]
    country = Counter(r.country for r in stored).most_common(1)[0][0]
    base = [r for r in stored if r.country == country]
    first = min(date.fromisoformat(r.date_start) for r in base)

    def shifted(r, n: int):
        def day(value: str) -> str:
            return (date.fromisoformat(value) - first + date(2020, 1, 1)
                    + timedelta(days=3 * n)).isoformat()
        return replace(r, id=f"{r.id}~{n}", document_id=f"{r.document_id}~{n}",
                       origin=f"{r.origin}~{n}", date_start=day(r.date_start),
                       date_end=day(r.date_end))

    copies = sorted((shifted(r, n) for n in range(150) for r in base), key=block_order)
    assert len({b for b, _ in block_numbers(copies)}) == 1  # one block
    pulled = given = held = 0

    def read():
        nonlocal pulled
        for r in copies:
            pulled += 1
            yield r

    streamed = []
    for x in cluster_stream(read()):
        if isinstance(x, Cluster):
            streamed.append(x)
            given += len(x.members)
            held = max(held, pulled - given)
    assert given == len(copies)  # every report in one event
    assert held <= len(base) * 2 * 31 // 3 + len(base), (held, len(base))  # two months at most
    assert held < len(copies) / 5, (held, len(base))

    def ids(clusters):
        return sorted(tuple(m.id for m in c.members) for c in clusters)

    assert ids(streamed) == ids(cluster(copies)[0])  # as the whole block in a list
