"""The SQLite store: migrations, WAL, idempotent ingest, id prefixes, search, read-only use."""

from __future__ import annotations

import sqlite3

import pytest

from sitrep import DocumentNotFound, StoreError, open_store
from sitrep.store.migrate import migrations

from conftest import SAMPLES


def test_schema_is_migrated_and_in_wal_mode(db):
    with open_store(db):
        pass
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(migrations())
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "rejected", "runs", "document_sources", "documents_fts"} <= tables
    # Opening again applies nothing twice.
    with open_store(db):
        pass
    assert con.execute("PRAGMA user_version").fetchone()[0] == len(migrations())


def test_per_document_rows_are_found_by_index_not_by_reading_the_table(db):
    """Re-analysing or deleting a document removes its rows from every table keyed by
    document (and SQLite checks each table referring to documents): each such lookup must be
    an index search, or the time per document grows with the database."""
    with open_store(db):
        pass
    con = sqlite3.connect(db)
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '%fts%'")]
    keyed = [t for t in tables if any(fk[2] == "documents" and fk[3] == "document_id"
                                      for fk in con.execute(f"PRAGMA foreign_key_list({t})"))]
    assert {"claims", "claim_events", "claim_verifications", "event_reports"} <= set(keyed)
    for table in keyed:
        plan = " ".join(r[3] for r in con.execute(
            f"EXPLAIN QUERY PLAN DELETE FROM {table} WHERE document_id = ?", ("x",)))
        assert plan.startswith("SEARCH"), f"{table}: {plan}"


def test_newer_schema_is_refused(db):
    with open_store(db):
        pass
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 999")
    con.commit()
    with pytest.raises(StoreError, match="newer than this sitrep"):
        open_store(db)


def test_not_a_database_is_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="cannot open"):
        open_store(bogus)


def test_reingesting_the_same_bytes_adds_nothing(cli):
    cli("ingest", str(SAMPLES))
    first = cli.json("docs")
    again = cli("ingest", str(SAMPLES), "--json")
    summary = __import__("json").loads(again.stdout)
    assert summary["documents_new"] == 0
    assert summary["documents_seen"] == len(first)
    assert cli.json("docs") == first


def test_same_bytes_under_two_names_is_one_document_seen_twice(cli, tmp_path):
    page = SAMPLES / "sahel-monitor_boulkessi-camp-attack.html"
    copy = tmp_path / "saved-again.html"
    copy.write_bytes(page.read_bytes())
    cli("ingest", str(page), str(copy))
    (doc,) = cli.json("docs")
    shown = cli.json("show", doc["id"][:10])
    assert shown["seen_in"] == [str(page), str(copy)]


def test_raw_bytes_are_kept(cli, db):
    page = SAMPLES / "sahel-monitor_boulkessi-camp-attack.html"
    cli("ingest", str(page))
    (doc,) = cli.json("docs")
    with open_store(db, readonly=True) as store:
        assert store.raw(doc["id"]) == page.read_bytes()


def test_id_prefix_resolves_to_one_document(cli, db):
    cli("ingest", str(SAMPLES))
    ids = [d["id"] for d in cli.json("docs")]
    with open_store(db, readonly=True) as store:
        for doc_id in ids:
            assert store.resolve_id(doc_id[:8].upper()) == doc_id
        absent = next(p for p in ("0000", "1111", "2222", "3333")
                      if not any(i.startswith(p) for i in ids))
        with pytest.raises(DocumentNotFound, match="no document id starts with"):
            store.resolve_id(absent)
        with pytest.raises(DocumentNotFound, match="at least 4"):
            store.resolve_id("ab")
    shown = cli("show", "zzzz", ok=False)
    assert shown.exit_code == 1 and "not a document id" in shown.stderr


def test_readonly_open_of_a_missing_database_says_so(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        open_store(tmp_path / "absent.db", readonly=True)


def test_search_finds_words_and_survives_bad_syntax(cli):
    cli("ingest", str(SAMPLES))
    hits = cli.json("search", "shelling")
    assert hits and all("shell" in (h["snippet"] + h["title"]).lower() for h in hits)
    # Not valid FTS5 syntax: searched as plain words instead of failing.
    odd = cli.json("search", 'al-Shabaab\'s "attack')
    assert isinstance(odd, list)
