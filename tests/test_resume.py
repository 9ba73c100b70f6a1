"""kill -9 at any moment during ingest, then the same command again: each document stored
exactly once, and the database equals the one an uninterrupted run builds."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLES, run_sitrep

HTML_SAMPLES = sorted(SAMPLES.glob("*.html"))
N = 150  # documents in the corpus: enough that a kill lands mid-run


def make_corpus(folder: Path, n: int) -> None:
    """n distinct real pages: the sample articles, each copy with its own update line."""
    folder.mkdir()
    for i in range(n):
        page = HTML_SAMPLES[i % len(HTML_SAMPLES)].read_text(encoding="utf-8")
        note = (f"<p>Update {i}: this report was revised at {i % 24:02d}:{i % 60:02d} "
                f"with information from correspondent number {i}.</p>")
        marker = "</article>" if "</article>" in page else "</body>"
        (folder / f"page_{i:03d}.html").write_text(page.replace(marker, note + marker, 1),
                                                    encoding="utf-8")


def snapshot(db: Path) -> dict[str, tuple]:
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, source, title, published, text, cited_sources FROM documents")
    return {r[0]: r[1:] for r in rows}


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(db, timeout=1)
        return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_kill_9_then_rerun_stores_each_document_once(tmp_path):
    assert HTML_SAMPLES, "samples/ must hold HTML articles"
    corpus = tmp_path / "corpus"
    make_corpus(corpus, N)
    reference = tmp_path / "reference.db"
    assert run_sitrep("--db", str(reference), "ingest", str(corpus),
                      "--quiet").returncode == 0
    expected = snapshot(reference)
    assert len(expected) == N

    rng = random.Random(20261125)
    for trial, commit_every in enumerate((1, 7, 50)):
        db = tmp_path / f"trial{trial}.db"
        env = {**os.environ, "SITREP_COMMIT_EVERY": str(commit_every)}
        args = [sys.executable, "-m", "sitrep", "--db", str(db), "ingest", str(corpus), "-q"]
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        # Kill at a random moment once some work has been done (or at a random early time).
        target = rng.randint(1, N // 2)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if stored_count(db) >= target:
                break
            time.sleep(0.01)
        time.sleep(rng.random() * 0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        partial = stored_count(db)
        assert partial < N, "the kill came too late to test anything"

        rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        got = snapshot(db)
        assert set(got) == set(expected)
        for doc_id, row in got.items():
            assert row == expected[doc_id]
        # No source is recorded twice, and every file maps to exactly one document.
        sources = con.execute("SELECT source, count(*) FROM document_sources GROUP BY source")
        assert all(n == 1 for _, n in sources)
        assert con.execute("SELECT count(*) FROM document_sources").fetchone()[0] == N
        runs = con.execute("SELECT status, documents_new, documents_seen FROM runs").fetchall()
        assert runs[-1] == ("done", N - partial, partial)
