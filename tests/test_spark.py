"""The Spark job (issue 9): `sitrep spark analyze` in local[2] on the sample corpus, loaded by
`sitrep load`, equals a single-process `sitrep analyze` of the same files, table by table.

One Spark session and one job for the module (about a minute). Skipped when pyspark or Java
is missing, unless SITREP_REQUIRE_SPARK=1 (then missing is a failure)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sitrep.scale.tables import EXTRA_COLUMNS, TABLES

from conftest import SAMPLES, Cli


def _spark_missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'sitrep[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (Spark needs Java 17+)"
    return None


MISSING = _spark_missing()
if MISSING and os.environ.get("SITREP_REQUIRE_SPARK") == "1":
    raise RuntimeError(f"SITREP_REQUIRE_SPARK=1 but {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")

# Columns that differ between two runs by design: when, which run, SQLite's own row numbers.
VOLATILE = {"ingested_at", "run_id", "at", "first_at", "last_at", "seen_at"}
AUTO_ID = {"actor_mentions", "place_refs", "time_refs", "figures", "claim_verifications",
           "link_documents", "rejected", "runs"}
COMPARED = ("documents", "document_sources", "rejected", "analyses", "actors", "places",
            "actor_mentions", "place_refs", "time_refs", "figures", "event_reports", "claims",
            "claim_verifications", "claim_events", "link_documents", "link_bands",
            "link_outlets", "document_links", "document_origins", "events", "event_members",
            "event_decisions")
# Per document, rows are read back in insertion order (claim_events ORDER BY rowid, …).
ORDERED = ("actor_mentions", "place_refs", "time_refs", "figures", "event_reports", "claims",
           "claim_verifications", "claim_events")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """The samples, plus what a real crawl has: the same bytes twice, a broken JSONL line,
    a file that is no document."""
    folder = tmp_path_factory.mktemp("inputs") / "corpus"
    shutil.copytree(SAMPLES, folder)
    extra = folder / "zz-extra"
    extra.mkdir()
    shutil.copy(SAMPLES / "sahel-monitor-wire_bamako-protest.txt", extra / "saved-again.txt")
    (extra / "broken.jsonl").write_text(
        '{"text": "Short note.", "title": "A note"}\n{"text": oops}\n[1, 2]\n',
        encoding="utf-8")
    (extra / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    return folder


@pytest.fixture(scope="module")
def single(inputs, tmp_path_factory) -> Path:
    cli = Cli(tmp_path_factory.mktemp("single") / "single.db")
    cli("analyze", "-q", str(inputs), ok=False)
    return cli.db


@pytest.fixture(scope="module")
def spark():
    from sitrep.scale.spark import session

    s = session("local[2]", partitions=2)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def job(spark, inputs, tmp_path_factory):
    from sitrep.scale.spark import run

    out = tmp_path_factory.mktemp("spark") / "out"
    summary = run(spark, [str(inputs)], out, partitions=2)
    return out, summary


@pytest.fixture(scope="module")
def loaded(job, tmp_path_factory) -> tuple[Path, object]:
    from sitrep.scale.load import load
    from sitrep.store import open_store

    db = tmp_path_factory.mktemp("loaded") / "loaded.db"
    with open_store(db) as store:
        summary = load(store, job[0])
    return db, summary


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def contents(db: Path) -> dict[str, list[str]]:
    """Every compared table as sorted rows, without volatile columns; link tables name
    documents by id instead of SQLite's link ids."""
    conn = sqlite3.connect(db)
    doc = {r[0]: r[1] for r in conn.execute("SELECT id, document_id FROM link_documents")}
    out = {}
    for table in COMPARED:
        cols = [c for c in _columns(conn, table)
                if c not in VOLATILE and not (c == "id" and table in AUTO_ID)]
        rows = []
        for r in conn.execute(f"SELECT {', '.join(cols)} FROM {table}"):
            values = [v.hex() if isinstance(v, bytes) else v for v in r]
            if table in ("link_bands", "link_outlets"):
                values[cols.index("doc")] = doc[values[cols.index("doc")]]
            rows.append(json.dumps(values, ensure_ascii=False))
        out[table] = sorted(rows)
    return out


def per_document_order(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    out = {}
    for table in ORDERED:
        cols = [c for c in _columns(conn, table) if c not in ("id", "run_id")]
        out[table] = list(conn.execute(
            f"SELECT {', '.join(cols)} FROM {table} ORDER BY document_id, rowid"))
    return out


def test_the_job_reads_every_format_and_rejects_what_a_single_run_rejects(job):
    out, summary = job
    assert summary.files == 17 and summary.documents == 23  # 22 samples, the broken file's note
    assert summary.analyses == {"done": 22, "skipped": 1}  # "Short note.": too short to tell
    assert summary.links == {"near-duplicate": 3, "derived-from": 3}
    assert summary.rejected == 3  # two bad JSONL lines and the PDF
    for table in TABLES:
        assert (out / table).is_dir(), table
    assert not (out / "_staging").exists()


def test_parquet_tables_have_the_sqlite_columns(job, single):
    import pyarrow.parquet as pq

    conn = sqlite3.connect(single)
    for table in TABLES:
        parquet = pq.read_schema(next((job[0] / table).glob("*.parquet"))).names
        sqlite = [c for c in _columns(conn, table)
                  if c != "run_id" and not (c == "id" and table in AUTO_ID)]
        # In SQLite's order; left out only: when a row was written (the loader's time).
        parquet = ["doc" if c == "document_id" and table in ("link_bands", "link_outlets")
                   else c for c in parquet if c not in EXTRA_COLUMNS]  # ids, not link ids
        assert parquet == [c for c in sqlite if c in parquet or c not in VOLATILE], table


def test_loaded_spark_results_equal_the_single_process_results(loaded, single):
    db, summary = loaded
    assert summary.links == "spark" and summary.reclustered == 0  # Spark's blocks = SQLite's
    expected, got = contents(single), contents(db)
    for table in COMPARED:
        assert got[table] == expected[table], table
    assert per_document_order(db) == per_document_order(single)


def test_evidence_spans_point_into_the_stored_text(job):
    import duckdb

    out = job[0]
    [(bad,)] = duckdb.sql(f"""
        SELECT count(*) FROM read_parquet('{out}/actor_mentions/*.parquet') m
        JOIN read_parquet('{out}/documents/*.parquet') d ON d.id = m.document_id
        WHERE substr(d.text, m.start_char + 1, m.end_char - m.start_char) != m.text
    """).fetchall()
    assert bad == 0
    [claims] = duckdb.sql(f"""
        SELECT count(*), count(*) FILTER (WHERE json_extract_string(evidence, '$.cue.text')
                                          IS NOT NULL)
        FROM read_parquet('{out}/claims/*.parquet')""").fetchall()
    assert claims[0] == claims[1] > 0


def test_duckdb_answers_from_the_parquet_what_sqlite_answers(job, single):
    import duckdb

    out = job[0]
    query = """SELECT country, count(*) AS events, sum(fatalities) AS killed,
                      max(independent_sources) AS most_sources
               FROM {events} GROUP BY country ORDER BY country NULLS FIRST"""
    parquet = duckdb.sql(query.format(
        events=f"read_parquet('{out}/events/*.parquet')")).fetchall()
    conn = sqlite3.connect(single)
    sqlite = conn.execute(query.replace("NULLS FIRST", "").format(events="events")).fetchall()
    assert parquet == sqlite and len(parquet) > 3


def test_loading_twice_doubles_nothing(job, loaded):
    from sitrep.scale.load import load
    from sitrep.store import open_store

    db, _ = loaded
    before = contents(db)
    with open_store(db) as store:
        again = load(store, job[0])
    assert (again.documents_new, again.documents_seen, again.analyses) == (0, 23, 0)
    assert again.links == "relinked" and again.reclustered == 0
    assert contents(db) == before


def test_loading_beside_stored_documents_links_them_as_one_run_would(job, inputs, single,
                                                                     tmp_path):
    """A database holding some of the documents already: the job's documents join them, and
    links and events are computed over all of them, as `sitrep analyze` computes them."""
    from sitrep.scale.load import load
    from sitrep.store import open_store

    cli = Cli(tmp_path / "partial.db")
    cli("ingest", "-q", str(inputs / "nile-post-wire_el-fasher-abu-shouk-shelling.html"))
    with open_store(cli.db) as store:
        summary = load(store, job[0])
    assert (summary.documents_new, summary.documents_seen, summary.analyses) == (22, 1, 23)
    assert summary.links == "relinked"
    expected, got = contents(single), contents(cli.db)
    for table in ("documents", "event_reports", "claims", "document_links",
                  "document_origins", "events", "event_members"):
        assert got[table] == expected[table], table


def test_commands_load_and_report(job, tmp_path):
    """`sitrep load` and `sitrep spark analyze`'s argument check, through a Typer app the
    commands are registered on (as `sitrep.cli` does)."""
    from sitrep import cli as sitrep_cli
    from sitrep.scale.commands import register
    from sitrep.settings import load_settings

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    saved = sitrep_cli.State.settings
    sitrep_cli.State.settings = load_settings(db_path=tmp_path / "cli.db")
    try:
        result = runner.invoke(app, ["load", str(job[0]), "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["documents_new"] == 23
        result = runner.invoke(app, ["load", str(tmp_path)])
        assert result.exit_code == 2 and "not the output" in " ".join(result.stderr.split())
        result = runner.invoke(app, ["spark", "analyze", str(SAMPLES)])
        assert result.exit_code == 2 and "OUTPUT" in result.stderr
    finally:
        sitrep_cli.State.settings = saved
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        assert conn.execute("SELECT command, status FROM runs").fetchall() == [("load", "done")]


def test_spark_submit_entry_point_runs_as_a_script():
    """spark-submit runs a file, not a module: submit.py must work as a plain script."""
    import sitrep.scale

    script = Path(sitrep.scale.__file__).parent / "submit.py"
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True,
                          text=True, timeout=60, cwd="/")
    assert done.returncode == 0 and "--partitions" in done.stdout


# -- pure parts, no Spark --------------------------------------------------------------------------
def test_parquet_input_reads_as_the_jsonl_it_was_made_from(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sitrep.ingest.readers import read_jsonl
    from sitrep.records import RawDocument
    from sitrep.scale.spark_tasks import raw_document, read_file
    from sitrep.settings import Limits

    lines = [json.loads(x) for x in (SAMPLES / "wire.jsonl").read_text().splitlines() if x]
    rows = [{"id": f"w{n}", **x} for n, x in enumerate(lines)] + [{"id": "empty", "text": ""}]
    keys = sorted({k for r in rows for k in r})  # a column per field, null where absent
    pq.write_table(pa.Table.from_pylist([{k: r.get(k) for k in keys} for r in rows]),
                   tmp_path / "docs.parquet")
    got = list(read_file(3, str(tmp_path / "docs.parquet"), "docs.parquet", Limits()))
    raws = [raw_document(p) for t, _, _, p in got if t == "raw"]
    jsonl = [x for x in read_jsonl(SAMPLES / "wire.jsonl", "wire.jsonl", Limits())
             if isinstance(x, RawDocument)]
    assert [(r.content, r.url, r.hints, r.media) for r in raws] == \
        [(r.content, r.url, r.hints, r.media) for r in jsonl]
    assert {r.container for r in raws} == {"parquet"}
    assert [o for _, o, _, _ in got] == [3 * 2**32 + n for n in range(len(rows))]
    assert [json.loads(p)["source"] for t, _, _, p in got if t == "rejected"] == \
        [f"docs.parquet#{len(rows)}"]


def test_citation_neighbours_equal_the_sqlite_index(tmp_path):
    """``scale.links.neighbours`` picks the documents ``store.links.outlet_neighbours`` picks,
    for dated, undated and month-dated lookups, with more candidates than the cap."""
    import random

    from sitrep.scale.links import neighbours
    from sitrep.store import open_store
    from sitrep.store.links import UNDATED, outlet_neighbours

    rng = random.Random(9)
    start = date(2024, 3, 1)
    rows = []
    for doc in range(1, 400):
        day = UNDATED if rng.random() < 0.1 else (start + timedelta(rng.randrange(60))).isoformat()
        rows.append((day, doc))
    with open_store(tmp_path / "n.db") as store:
        with store.transaction() as c:
            c.executemany("INSERT INTO link_outlets(key, role, doc) VALUES (?, 'site', ?)",
                          [(f"reuters|{d}", doc) for d, doc in rows])
        for day in (None, "2024-03-01", "2024-03-20", "2024-04-29", "2024-06-30", "2024-03"):
            for limit in (5, 50):
                expected = outlet_neighbours(store, "reuters", "site", day, 14, limit)
                assert neighbours(sorted(rows), day, 14, limit) == expected, (day, limit)
