"""Crash trials: kill -9 of ``sitrep analyze`` (the real CLI, its worker processes too) at
random points: mid-analysis, inside consolidation (the events update), or anywhere in the run.
After each kill ``sitrep check`` passes, and the same command again ends with the database an
uninterrupted run builds.

``make test`` runs ``SITREP_CRASH_TRIALS`` trials (default 4: two kills in analysis, two in
consolidation, with 1 and 2 workers, from an empty database and from one holding a first
batch); ``make crash`` runs 20. ``SITREP_CRASH_SEED`` changes the random points.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitrep.store.check import check_database
from test_workers import analyses_count, assert_same_contents, db_contents, make_corpus

from conftest import run_sitrep

TRIALS = int(os.environ.get("SITREP_CRASH_TRIALS", "4"))
SEED = int(os.environ.get("SITREP_CRASH_SEED", "20261210"))
N = 24  # documents (a third of them in the first batch, part-0): every stage takes a while
ATTEMPTS = 4  # a kill that misses the stage it aims at (it came too late) is tried again
PHASES = ("analysis", "consolidation", "analysis", "consolidation", "anywhere")


@dataclass(frozen=True)
class Trial:
    number: int
    phase: str  # where the kill is aimed: analysis | consolidation | anywhere
    workers: int
    start: str  # the database before the run: empty | first-batch

    @property
    def name(self) -> str:
        return f"{self.number:02d}-{self.phase}-w{self.workers}-{self.start}"


def plan(trials: int) -> list[Trial]:
    """Every phase with 1 and with 2 workers, from both starting points, within 4 trials."""
    return [Trial(i, PHASES[i % len(PHASES)], 1 + (i // 2) % 2,
                  "first-batch" if i % 4 in (0, 3) else "empty") for i in range(trials)]


@dataclass(frozen=True)
class Setup:
    corpus: Path
    reference: Path  # one uninterrupted run over the corpus
    first_batch: Path  # part-0 analysed alone
    seconds: float  # how long the uninterrupted run took
    analysis_seconds: float  # how long its analysis stage took


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Setup:
    folder = tmp_path_factory.mktemp("crash")
    corpus = folder / "corpus"
    make_corpus(corpus, N)
    reference = folder / "reference.db"
    started = time.monotonic()
    run = run_sitrep("--db", str(reference), "analyze", str(corpus), "--json", "--workers",
                     "1", timeout=600)
    seconds = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    analysis_seconds = json.loads(run.stdout)["analysis"]["seconds"]
    first = folder / "first-batch.db"
    run = run_sitrep("--db", str(first), "analyze", str(corpus / "part-0.jsonl"), "-q",
                     "--workers", "1", timeout=600)
    assert run.returncode == 0, run.stderr
    assert 0 < analyses_count(first) < N == analyses_count(reference)
    return Setup(corpus, reference, first, seconds, analysis_seconds)


def count(db: Path, table: str) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # not created yet
        return 0


def writing(db: Path) -> bool:
    """Whether a writer holds the database's write lock (the probe takes it for an instant
    when it is free)."""
    con = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return True
        raise
    finally:
        con.close()


def wait_until(proc: subprocess.Popen[bytes], condition, *, pause: float = 0.01) -> bool:
    """Poll ``condition`` until it holds (True) or the run ends (False)."""
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(pause)
    return False


def stage_reached(db: Path, reference_events: object) -> str:
    """Where the run was when it stopped, from what it had committed."""
    if count(db, "documents") < N:
        return "ingest"
    if analyses_count(db) < N:
        return "analysis"
    if count(db, "link_documents") < N:
        return "links"
    if db_contents(db)["events"] != reference_events:
        return "consolidation"
    return "finished"


def kill_run(trial: Trial, db: Path, setup: Setup, rng: random.Random, attempt: int) -> str:
    """Start ``sitrep analyze`` on ``db``, kill -9 it (and its workers) at a random point of
    the trial's phase; the stage it stopped in."""
    start_done = analyses_count(db)
    env = {**os.environ, "SITREP_COMMIT_EVERY": str(rng.choice((1, 3, 7)))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "--db", str(db), "analyze", str(setup.corpus), "-q",
         "--workers", str(trial.workers)], env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True)
    try:
        if trial.phase == "analysis":
            # Results come in bursts (spaCy's batches, the workers' tasks), each written in a
            # quick run of commits: a count of analyses to wait for would mostly fall after
            # a burst. Kill at a random moment of the stage's expected time, once ingest has
            # stored every document, or as soon as the first commit of results shows (the
            # machine may be faster now than when the time was measured).
            left = setup.analysis_seconds * (N - start_done) / N
            if wait_until(proc, lambda: count(db, "documents") >= N):
                kill_at = time.monotonic() + rng.uniform(0, 0.9 * left)
                wait_until(proc, lambda: time.monotonic() >= kill_at
                           or analyses_count(db) > start_done, pause=0.005)
        elif trial.phase == "consolidation":
            # Links are the last thing committed before the events update, which clusters and
            # then writes its events in one short transaction. Odd attempts kill while it
            # writes (the probe sees its write lock), even ones at a random moment after the
            # links, in a window that narrows when the kill came after the end.
            if wait_until(proc, lambda: count(db, "link_documents") >= N, pause=0.005):
                if attempt % 2:
                    wait_until(proc, lambda: writing(db), pause=0.001)
                    time.sleep(rng.random() * 0.005)
                else:
                    time.sleep(rng.uniform(0, 0.5 * 0.5 ** (attempt // 2 - 1)))
        else:  # the window narrows when a kill came after the end
            time.sleep(rng.uniform(0, setup.seconds * 0.6 ** (attempt - 1)))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode in (0, -signal.SIGKILL), stderr.decode()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return stage_reached(db, db_contents(setup.reference)["events"]) if db.exists() \
        else "ingest"


@pytest.mark.slow
@pytest.mark.parametrize("trial", plan(TRIALS), ids=lambda t: t.name)
def test_kill_9_then_check_then_rerun_builds_the_same_database(tmp_path, setup, trial):
    rng = random.Random(SEED * 1000 + trial.number)
    for attempt in range(1, ATTEMPTS + 1):
        db = tmp_path / f"killed-{attempt}.db"
        if trial.start == "first-batch":
            db.write_bytes(setup.first_batch.read_bytes())
        stopped = kill_run(trial, db, setup, rng, attempt)
        if stopped == trial.phase or (trial.phase == "anywhere" and stopped != "finished"):
            break
    print(f"crash trial {trial.name}: killed in {stopped} (attempt {attempt})")
    assert stopped == trial.phase or (trial.phase == "anywhere" and stopped != "finished"), \
        f"{ATTEMPTS} kills all missed the {trial.phase} stage"

    if db.exists():
        check = run_sitrep("--db", str(db), "check", "--json")
        assert check.returncode == 0, check.stdout + check.stderr
        assert json.loads(check.stdout)["ok"]

    rerun = run_sitrep("--db", str(db), "analyze", str(setup.corpus), "-q", "--workers",
                       str(trial.workers), timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert check_database(db).ok
    assert_same_contents(db, setup.reference)


def test_the_plan_covers_both_phases_with_one_and_two_workers():
    trials = plan(4)
    assert {(t.phase, t.workers) for t in trials} == {
        ("analysis", 1), ("analysis", 2), ("consolidation", 1), ("consolidation", 2)}
    assert {t.start for t in trials} == {"empty", "first-batch"}
    assert [t.phase for t in plan(20)].count("anywhere") == 4
