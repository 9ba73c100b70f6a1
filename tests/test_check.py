"""``sitrep check`` on a whole database and on copies broken one way each (a span that no
longer reads its text, a bad foreign key, a report gone from under its event, bytes that are
not their id, a damaged page); ``sitrep backup`` of a database being written and served."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitrep.store.check import MAX_EXAMPLES, check_database, json_spans, span_problem
from test_workers import analyses_count, assert_same_contents, make_corpus

from conftest import SAMPLES, Cli, run_sitrep, serving


@pytest.fixture(scope="module")
def analysed(tmp_path_factory) -> Path:
    """The samples, analysed: a database every check passes."""
    db = tmp_path_factory.mktemp("check") / "samples.db"
    run = run_sitrep("--db", str(db), "analyze", str(SAMPLES), "-q", "--workers", "1",
                     timeout=300)
    assert run.returncode == 0, run.stderr
    return db


def broken_copy(analysed: Path, tmp_path: Path, *statements: str) -> Path:
    """A copy of the analysed database with ``statements`` run on it (foreign keys off, as a
    buggy writer or a hand edit would)."""
    db = tmp_path / "broken.db"
    shutil.copy(analysed, db)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA foreign_keys = OFF")
    for sql in statements:
        assert con.execute(sql).rowcount != 0, sql
    con.close()
    return db


def check(db: Path, *args: str) -> tuple[int, dict]:
    """``sitrep check --json`` (in this process: the tests that need the exit status of a
    real process run it with ``run_sitrep``); its exit code and report."""
    result = Cli(db)("check", "--json", *args, ok=False)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def said(run: subprocess.CompletedProcess[str]) -> str:
    """A process's stderr with the console's line wrapping undone."""
    return " ".join(run.stderr.split())


def problems_of(report: dict, name: str) -> list[dict]:
    [found] = [c for c in report["checks"] if c["name"] == name]
    return found["examples"]


def test_an_analysed_database_passes_every_check(analysed):
    code, report = check(analysed)
    assert code == 0 and report["ok"] and report["problems"] == 0
    checked = {c["name"]: c["checked"] for c in report["checks"]}
    assert set(checked) == {"integrity", "foreign-keys", "documents", "spans", "references"}
    con = sqlite3.connect(analysed)
    assert checked["documents"] == con.execute("SELECT count(*) FROM documents").fetchone()[0]
    # Every span of every table: at least one per mention row, several per report and claim.
    rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (
        "actor_mentions", "place_refs", "time_refs", "figures", "event_reports", "claims"))
    assert checked["spans"] > rows
    assert report["notes"] == []
    table = run_sitrep("--db", str(analysed), "check")
    assert table.returncode == 0 and "no problems found" in table.stdout


def test_a_mention_whose_text_is_not_its_slice_is_reported(analysed, tmp_path):
    db = broken_copy(analysed, tmp_path, "UPDATE actor_mentions SET text = text || 'x' "
                                         "WHERE id = (SELECT min(id) FROM actor_mentions)")
    code, report = check(db)
    assert code == 1 and not report["ok"] and report["problems"] == 1
    [p] = problems_of(report, "spans")
    assert p["table"] == "actor_mentions" and "reads" in p["detail"]
    table = run_sitrep("--db", str(db), "check")
    assert table.returncode == 1
    assert "1 problem(s)" in table.stdout and "actor_mentions" in table.stdout


def test_a_shifted_span_inside_a_reports_evidence_is_reported(analysed, tmp_path):
    con = sqlite3.connect(analysed)
    report_id, evidence = con.execute(
        "SELECT id, evidence FROM event_reports WHERE json_extract(evidence, '$.actor1') "
        "IS NOT NULL LIMIT 1").fetchone()
    con.close()
    value = json.loads(evidence)
    value["actor1"]["start"] += 1
    value["actor1"]["end"] += 1
    db = broken_copy(analysed, tmp_path, "UPDATE event_reports SET evidence = "
                     f"'{json.dumps(value).replace(chr(39), chr(39) * 2)}' "
                     f"WHERE id = '{report_id}'")
    code, report = check(db)
    assert code == 1
    [p] = problems_of(report, "spans")
    assert (p["table"], p["key"]) == ("event_reports", report_id)
    assert p["detail"].startswith("evidence.actor1: span")


def test_edited_clean_text_breaks_the_spans_that_point_into_it(analysed, tmp_path):
    db = broken_copy(analysed, tmp_path, "UPDATE documents SET text = 'x' || text "
                     "WHERE id = (SELECT document_id FROM event_reports LIMIT 1)")
    _, report = check(db)
    [spans] = [c for c in report["checks"] if c["name"] == "spans"]
    assert spans["problems"] > MAX_EXAMPLES and len(spans["examples"]) == MAX_EXAMPLES
    tables = {p["table"] for p in spans["examples"]}
    assert tables <= {"actor_mentions", "place_refs", "time_refs", "figures", "claim_events",
                      "event_reports", "claims", "claim_verifications", "documents", "events"}


def test_a_dangling_foreign_key_is_reported(analysed, tmp_path):
    db = broken_copy(analysed, tmp_path, "UPDATE actor_mentions SET actor_id = 'nobody' "
                                         "WHERE id = (SELECT min(id) FROM actor_mentions)")
    code, report = check(db)
    assert code == 1
    [p] = problems_of(report, "foreign-keys")
    assert p["table"] == "actor_mentions" and "actor_id points at no row of actors" in p["detail"]


FIRST_MEMBER = "(SELECT report_id FROM event_members ORDER BY report_id LIMIT 1)"


def test_a_report_gone_from_under_its_event_is_reported(analysed, tmp_path):
    db = broken_copy(analysed, tmp_path, f"DELETE FROM event_reports WHERE id = {FIRST_MEMBER}",
                     "DELETE FROM analyses WHERE document_id = (SELECT document_id FROM "
                     f"event_members WHERE report_id = {FIRST_MEMBER})")
    code, report = check(db)
    assert code == 1
    details = [p["detail"] for p in problems_of(report, "references")]
    assert any(d.startswith("event member's report") for d in details), details


def test_events_a_re_analysis_left_stale_are_a_note_until_the_next_analyze(analysed, tmp_path):
    """A new pipeline version that finds fewer events in a document replaces its reports; the
    events keep the old report ids until the run's consolidation (or the next run's, after a
    kill)."""
    db = broken_copy(analysed, tmp_path,
                     f"DELETE FROM claim_events WHERE event_id = {FIRST_MEMBER}",
                     f"DELETE FROM event_reports WHERE id = {FIRST_MEMBER}")
    code, report = check(db)
    assert code == 0, report
    assert any("a later analysis replaced" in n for n in report["notes"]), report["notes"]
    again = run_sitrep("--db", str(db), "analyze", str(SAMPLES), "-q", timeout=300)
    assert again.returncode == 0, again.stderr
    code, report = check(db)
    assert code == 0 and report["notes"] == []


def test_an_event_counting_its_sources_wrong_is_reported(analysed, tmp_path):
    db = broken_copy(analysed, tmp_path, "UPDATE events SET sources = sources + 1 "
                                         "WHERE id = (SELECT min(id) FROM events)")
    _, report = check(db)
    [p] = problems_of(report, "references")
    assert p["table"] == "events" and p["detail"].startswith("event's members")


def test_an_event_actor_missing_from_the_lookup_is_reported(analysed, tmp_path):
    db = broken_copy(analysed, tmp_path, "DELETE FROM event_actors WHERE (actor_id, event_id) "
                     "= (SELECT actor_id, event_id FROM event_actors LIMIT 1)")
    _, report = check(db)
    [p] = problems_of(report, "references")
    assert p["table"] == "events" and "is not in event_actors" in p["detail"]


def test_raw_bytes_that_are_not_their_id_are_reported(analysed, tmp_path):
    db = broken_copy(analysed, tmp_path, "UPDATE documents SET raw = "
                     "(SELECT raw FROM documents ORDER BY id DESC LIMIT 1) "
                     "WHERE id = (SELECT min(id) FROM documents)")
    _, report = check(db)
    details = [p["detail"] for p in problems_of(report, "documents")]
    assert "id is not the SHA-256 of the raw bytes" in details
    code, quick = check(db, "--quick")  # does not read the blobs
    assert code == 0 and problems_of(quick, "documents") == []


def test_a_damaged_page_fails_the_integrity_check(analysed, tmp_path):
    db = tmp_path / "damaged.db"
    shutil.copy(analysed, db)
    con = sqlite3.connect(db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master "
                       "WHERE name = 'actor_mentions_document'").fetchone()[0]
    con.close()
    with db.open("r+b") as f:  # scribble over an index's root page, past its header
        f.seek((root - 1) * page_size + 16)
        f.write(b"\xff" * (page_size - 32))
    code, report = check(db)
    assert code == 1
    assert problems_of(report, "integrity")


def test_not_a_database_and_no_database(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    run = run_sitrep("--db", str(junk), "check")
    assert run.returncode == 2 and "not a SQLite database" in said(run)
    missing = run_sitrep("--db", str(tmp_path / "missing.db"), "check")
    assert missing.returncode == 2 and "no such database" in said(missing)


def test_work_a_run_left_undone_is_a_note_not_a_problem(tmp_path):
    db = tmp_path / "ingested.db"
    assert run_sitrep("--db", str(db), "ingest", str(SAMPLES / "feed.atom")).returncode == 0
    code, report = check(db)
    assert code == 0 and report["ok"]
    assert any("not analysed yet" in n for n in report["notes"]), report["notes"]


def test_span_rules():
    text = "Shelling hit Kherson on Tuesday."
    assert span_problem(text, 13, 20, "Kherson") is None
    assert "reads 'Kherso'" in span_problem(text, 13, 19, "Kherson")
    assert "outside the text" in span_problem(text, 30, 40, ".")
    assert "malformed" in span_problem(text, "13", 20, "Kherson")
    figures = [{"document_id": "d2", "span": {"start": 0, "end": 2, "text": "11"}}]
    assert list(json_spans({"figures": figures, "cue": {"start": 1, "end": 2, "text": "a"}},
                           "d1")) == [("figures[0].span", "d2", figures[0]["span"]),
                                      ("cue", "d1", {"start": 1, "end": 2, "text": "a"})]


# -- backup --------------------------------------------------------------------------------------
def test_backup_refuses_to_overwrite_or_copy_onto_itself(analysed, tmp_path):
    target = tmp_path / "copy.db"
    assert run_sitrep("--db", str(analysed), "backup", str(target)).returncode == 0
    again = run_sitrep("--db", str(analysed), "backup", str(target))
    assert again.returncode == 2 and "--force" in said(again)
    assert run_sitrep("--db", str(analysed), "backup", str(target), "--force").returncode == 0
    itself = run_sitrep("--db", str(analysed), "backup", str(analysed), "--force")
    assert itself.returncode == 2 and "the database itself" in said(itself)
    assert_same_contents(target, analysed)
    assert not list(tmp_path.glob(".copy.db.*"))  # no temporary file left behind


@pytest.mark.slow
def test_backup_while_analyze_writes_and_the_server_serves(tmp_path, analysed):
    """Backups taken mid-run are whole (they pass ``sitrep check``); one taken after the run
    equals the database."""
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 24)
    db = tmp_path / "live.db"
    shutil.copy(analysed, db)  # something to serve from the start
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "--db", str(db), "analyze", str(corpus), "-q",
         "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "SITREP_COMMIT_EVERY": "3"})
    taken = []
    with serving(db) as (client, _):
        deadline = time.monotonic() + 240
        while proc.poll() is None and time.monotonic() < deadline:  # one after the other
            target = tmp_path / f"backup-{len(taken)}.db"
            run = run_sitrep("--db", str(db), "backup", str(target), "--json")
            assert run.returncode == 0, f"backup {len(taken)}: {run.stderr}"
            assert json.loads(run.stdout)["pages"] > 0
            stats = client.get("/api/stats")
            assert stats.status_code == 200, stats.text
            taken.append(target)
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else ""
        final = tmp_path / "backup-final.db"
        assert run_sitrep("--db", str(db), "backup", str(final)).returncode == 0
    assert taken, "the run ended before a backup could be taken"
    counts = []
    for target in taken:
        report = check_database(target)
        assert report.ok, report.to_dict()
        counts.append(analyses_count(target))
    assert counts == sorted(counts) and counts[0] < analyses_count(db), (
        f"analyses in the backups {counts}, at the end {analyses_count(db)}")
    assert check_database(final).ok
    assert_same_contents(final, db)


def test_an_origin_whose_strongest_link_is_stale_is_reported(analysed, tmp_path):
    """The link stage follows up_id when an origin changes; a stale one would hide the
    change from the documents derived from it."""
    con = sqlite3.connect(analysed)
    doc = con.execute("SELECT document_id FROM document_origins WHERE up_id IS NOT NULL "
                      "ORDER BY document_id LIMIT 1").fetchone()[0]
    con.close()
    db = broken_copy(analysed, tmp_path, "UPDATE document_origins SET up_id = NULL "
                                         f"WHERE document_id = '{doc}'")
    code, report = check(db)
    assert code == 1 and report["problems"] == 1
    [p] = problems_of(report, "references")
    assert (p["table"], p["key"]) == ("document_origins", doc)
    assert "strongest derived-from link" in p["detail"]
