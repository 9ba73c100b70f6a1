"""``--workers N``: worker processes clean and analyse, one writer stores in input order, so
the database is the one a single process builds; kill -9 (of the whole run, or of one worker)
and a re-run still end with that database."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sitrep.scale.workers import IN_FLIGHT_PER_WORKER, ordered_map

from conftest import SAMPLES, run_sitrep

# Integer columns that point at another table's row number, compared through what that row
# stands for (row numbers are bookkeeping, not content).
ROW_REFERENCES = {("link_bands", "doc"): ("link_documents", "document_id"),
                  ("link_outlets", "doc"): ("link_documents", "document_id")}
N = 150  # documents in the kill tests' corpus: enough that a kill lands mid-analysis


def make_corpus(folder: Path, n: int, files: int = 3) -> None:
    """n distinct documents in JSONL files: the wire samples, each copy with its own update
    line and publication time."""
    records = [json.loads(line) for line in
               (SAMPLES / "wire.jsonl").read_text(encoding="utf-8").splitlines()]
    folder.mkdir()
    start = datetime(2024, 3, 1, 6, 0)
    parts = [(folder / f"part-{k}.jsonl").open("w", encoding="utf-8") for k in range(files)]
    for i in range(n):
        record = dict(records[i % len(records)])
        note = f"Update {i}: this report was revised with information from correspondent {i}."
        if "html" in record:
            record["html"] = record["html"].replace("</div>", f"<p>{note}</p></div>", 1)
        else:
            record["text"] += f"\n\n{note}"
        record["published"] = f"{(start + timedelta(minutes=7 * i)).isoformat()}+00:00"
        record["url"] = f"{record['url']}?copy={i}"
        parts[i * files // n].write(json.dumps(record, ensure_ascii=False) + "\n")
    for part in parts:
        part.close()


def db_contents(db: Path) -> dict[str, Counter[tuple]]:
    """Every table's rows (as a multiset), without what only says when or in which run a row
    was written: ``runs``, run ids, timestamps (``at``, ``*_at``) and row numbers (INTEGER
    PRIMARY KEY). The full-text index is derived from ``documents`` and left out."""
    con = sqlite3.connect(db)
    tables = [name for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'documents_fts%' AND name != 'runs' ORDER BY name")]
    contents = {}
    for table in tables:
        columns = []
        for _, name, kind, _, _, pk in con.execute(f"PRAGMA table_info({table})"):
            if name == "run_id" or name == "at" or name.endswith("_at") or (
                    pk == 1 and kind.upper() == "INTEGER"):
                continue
            if (table, name) in ROW_REFERENCES:
                other, column = ROW_REFERENCES[(table, name)]
                columns.append(f"(SELECT {column} FROM {other} WHERE id = {table}.{name})")
            else:
                columns.append(name)
        contents[table] = Counter(con.execute(f"SELECT {', '.join(columns)} FROM {table}"))
    con.close()
    return contents


def assert_same_contents(got: Path, expected: Path) -> None:
    a, b = db_contents(got), db_contents(expected)
    assert sorted(a) == sorted(b)
    for table in b:
        assert a[table] == b[table], f"table {table} differs"
    assert sum(b["analyses"].values()) > 0


def analyses_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(db, timeout=1)
        return con.execute("SELECT count(*) FROM analyses").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_two_workers_store_what_one_process_stores(tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    single = run_sitrep("--db", str(one), "analyze", str(SAMPLES), "--workers", "1", "--json")
    assert single.returncode == 0, single.stderr
    parallel = run_sitrep("--db", str(two), "analyze", str(SAMPLES), "--workers", "2",
                          "--json")
    assert parallel.returncode == 0, parallel.stderr
    assert json.loads(single.stdout)["analysis"]["workers"] == 1
    assert json.loads(parallel.stdout)["analysis"]["workers"] == 2
    assert_same_contents(two, one)
    # Rows went in in the same order too (rowids, run ids and times aside).
    def mentions(db: Path) -> list[tuple]:
        return sqlite3.connect(db).execute(
            "SELECT document_id, start_char, text, actor_id FROM actor_mentions "
            "ORDER BY id").fetchall()
    assert mentions(two) == mentions(one)


def test_documents_are_stamped_in_the_order_they_are_stored(tmp_path):
    """Workers finish out of order; the writer stores in input order and stamps each
    document as it stores it, so the stamps follow the order of storing, which the link
    stage's "ingested later" rule reads (a stamp taken where a worker cleaned the document
    could be a second earlier than one stored before it)."""
    corpus, db = tmp_path / "corpus", tmp_path / "stamps.db"
    make_corpus(corpus, 2000)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    result = run_sitrep("--db", str(db), "ingest", str(corpus), "--workers", "2", "--json")
    assert result.returncode == 0, result.stderr
    stamps = [at for (at,) in sqlite3.connect(db).execute(
        "SELECT ingested_at FROM documents ORDER BY rowid")]
    assert len(stamps) == 2000
    assert stamps == sorted(stamps)
    assert stamps[0] >= started


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_workers_must_be_one_or_more(tmp_path, workers):
    db = tmp_path / "never.db"
    run = run_sitrep("--db", str(db), "analyze", str(SAMPLES / "feed.atom"),
                     "--workers", workers)
    assert run.returncode == 2
    assert f"must be 1 or more, not {workers}" in " ".join(run.stderr.split())
    assert not db.exists()
    env = run_sitrep("--db", str(db), "ingest", str(SAMPLES / "feed.atom"),
                     env={"SITREP_WORKERS": workers})
    assert env.returncode == 2 and "must be 1 or more" in env.stderr


@pytest.fixture(scope="module")
def corpus_and_reference(tmp_path_factory) -> tuple[Path, Path]:
    """N distinct pages, and the database one uninterrupted single-process run builds."""
    folder = tmp_path_factory.mktemp("workers")
    corpus = folder / "corpus"
    make_corpus(corpus, N)
    reference = folder / "reference.db"
    run = run_sitrep("--db", str(reference), "analyze", str(corpus), "-q", "--workers", "1",
                     timeout=600)
    assert run.returncode == 0, run.stderr
    assert analyses_count(reference) == N
    return corpus, reference


def start_analyze(db: Path, corpus: Path) -> subprocess.Popen[bytes]:
    """``sitrep analyze --workers 2`` in a process group of its own, stopped once some of
    its analyses are committed."""
    env = {**os.environ, "SITREP_COMMIT_EVERY": "7"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "--db", str(db), "analyze", str(corpus), "-q",
         "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    return proc


def wait_for_analyses(proc: subprocess.Popen[bytes], db: Path, target: int) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if analyses_count(db) >= target:
            return
        time.sleep(0.02)
    pytest.fail(f"no {target} analyses before the run ended or timed out")


def rerun(db: Path, corpus: Path) -> dict:
    run = run_sitrep("--db", str(db), "analyze", str(corpus), "--workers", "2", "--json",
                     timeout=600)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.slow
def test_kill_9_mid_analysis_with_workers_then_rerun(tmp_path, corpus_and_reference):
    corpus, reference = corpus_and_reference
    rng = random.Random(20261209)
    db = tmp_path / "killed.db"
    proc = start_analyze(db, corpus)
    wait_for_analyses(proc, db, rng.randint(10, N // 2))
    time.sleep(rng.random() * 0.5)
    os.killpg(proc.pid, signal.SIGKILL)  # the writer and its workers
    proc.wait()
    done = analyses_count(db)
    assert done < N, "the kill came too late to test anything"

    report = rerun(db, corpus)
    # Only what was committed counted: the rest, and nothing else, was analysed again.
    assert report["documents_seen"] == N and report["documents_new"] == 0
    assert report["analysis"]["analysed"] == N - done
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert_same_contents(db, reference)


def worker_pids(parent: int) -> list[int]:
    """The pool's worker processes: the writer's children that run multiprocessing's spawn
    entry point (not its resource tracker)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"spawn_main" in cmdline:
            pids.append(int(entry.name))
    return pids


@pytest.mark.slow
def test_a_killed_worker_stops_the_run_clearly_and_a_rerun_finishes(tmp_path,
                                                                      corpus_and_reference):
    corpus, reference = corpus_and_reference
    db = tmp_path / "worker-killed.db"
    proc = start_analyze(db, corpus)
    wait_for_analyses(proc, db, 20)
    workers = worker_pids(proc.pid)
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGKILL)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "worker process stopped unexpectedly" in " ".join(stderr.decode().split())
    done = analyses_count(db)
    assert 20 <= done < N
    assert not worker_pids(proc.pid)

    report = rerun(db, corpus)
    assert report["analysis"]["analysed"] == N - done
    assert_same_contents(db, reference)


# -- the pool itself ----------------------------------------------------------------------------
def _square_all(numbers: list[int]) -> list[int]:
    return [n * n for n in numbers]


def test_ordered_map_keeps_order_passes_items_through_and_reads_ahead_boundedly():
    pulled = 0

    def items():
        nonlocal pulled
        for i in range(500):
            pulled += 1
            yield i

    yielded = 0
    batch_size, workers = 8, 2
    for item, result in ordered_map(items(), _square_all, workers=workers,
                                    batch_size=batch_size,
                                    work=lambda i: None if i % 5 == 0 else i):
        assert item == yielded
        assert result == (None if item % 5 == 0 else item * item)
        yielded += 1
        # Never more than the batches in flight (and the one being filled) read ahead.
        assert pulled - yielded <= (workers * IN_FLIGHT_PER_WORKER + 1) * batch_size
    assert yielded == 500


def test_ordered_map_works_here_when_there_is_too_little_to_start_workers():
    started = []
    results = list(ordered_map(range(5), _square_all, workers=2, batch_size=8,
                               initializer=started.append, initargs=("here",),
                               start_after=8))
    assert results == [(i, i * i) for i in range(5)]
    assert started == ["here"]  # ran in this process: a worker's initializer would not show
