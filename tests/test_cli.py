"""The CLI contract later issues and outside tools rely on: names, JSON fields, exports."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

import sitrep

from conftest import SAMPLES, run_sitrep

DOC_FIELDS = {"id", "source", "url", "title", "byline", "published", "published_precision",
              "published_from", "site", "language", "cited_sources", "text"}


@pytest.fixture
def loaded(cli):
    cli("analyze", str(SAMPLES))
    return cli


def test_docs_json_carries_the_contract_fields(loaded):
    docs = loaded.json("docs")
    assert docs and all(set(d) >= DOC_FIELDS for d in docs)
    assert all(len(d["id"]) == 64 for d in docs)


def test_show_accepts_a_short_prefix_and_prints_text(loaded):
    doc = loaded.json("docs")[0]
    shown = loaded.json("show", doc["id"][:8])
    assert shown["id"] == doc["id"] and shown["text"] == doc["text"]
    plain = loaded("show", doc["id"][:8]).stdout
    assert doc["text"].split("\n")[0][:40] in plain.replace("\n", " ")


def test_export_jsonl_csv_parquet_hold_the_same_documents(loaded, tmp_path):
    ids = {d["id"] for d in loaded.json("docs")}
    loaded("export", "--format", "jsonl", "-o", str(tmp_path / "d.jsonl"))
    loaded("export", "--format", "csv", "-o", str(tmp_path / "d.csv"))
    loaded("export", "--format", "parquet", "-o", str(tmp_path / "d.parquet"))
    jsonl = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    with (tmp_path / "d.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = pq.read_table(tmp_path / "d.parquet").to_pylist()
    assert {d["id"] for d in jsonl} == {r["id"] for r in rows} == {r["id"] for r in table} == ids
    by_id = {r["id"]: r for r in table}
    for d in jsonl:
        assert by_id[d["id"]]["text"] == d["text"]
        assert [c["name"] for c in by_id[d["id"]]["cited_sources"]] == [
            c["name"] for c in d["cited_sources"]]
    assert not list(tmp_path.glob("*.partial"))


def test_export_of_unlocated_records_as_geojson_is_a_clear_error(loaded, tmp_path):
    result = loaded("export", "--what", "claims", "--format", "geojson", "-o",
                    str(tmp_path / "c.geojson"), ok=False)
    assert result.exit_code == 1 and "GeoJSON" in result.stderr
    assert not (tmp_path / "c.geojson").exists()
    located = loaded("export", "--what", "documents", "--format", "geojson", "-o",
                     str(tmp_path / "d.geojson"), ok=False)
    assert located.exit_code == 1 and "events" in located.stderr


def test_bad_options_are_rejected(loaded, tmp_path):
    assert loaded("export", "--format", "xml", "-o", str(tmp_path / "x"), ok=False).exit_code == 2
    assert loaded("eval", "sentiment", "--data", str(tmp_path), ok=False).exit_code == 2


def test_db_from_environment(tmp_path):
    db = tmp_path / "env.db"
    run = run_sitrep("ingest", "-q", str(SAMPLES / "feed.atom"), env={"SITREP_DB": str(db)})
    assert run.returncode == 0, run.stderr
    listed = run_sitrep("docs", "--json", env={"SITREP_DB": str(db)})
    assert len(json.loads(listed.stdout)) == 2


def test_runs_are_listed(loaded):
    loaded("ingest", str(SAMPLES / "feed.atom"))
    runs = loaded.json("runs")
    assert [r["command"] for r in runs] == ["analyze", "ingest"]
    assert runs[0]["status"] == "done" and runs[0]["documents_new"] >= 15
    assert runs[1]["documents_new"] == 0 and runs[1]["documents_seen"] == 2


def test_public_api_is_exactly_all():
    public = {name for name in dir(sitrep) if not name.startswith("_")}
    modules = {"cli", "errors", "ingest", "lexicon", "nlp", "records", "resources", "settings",
               "store", "evaluate", "link", "api", "geo", "web", "scale"}
    assert set(sitrep.__all__) - {"__version__"} == public - modules
    for name in sitrep.__all__:
        assert getattr(sitrep, name) is not None


def test_library_analyze_matches_cli(tmp_path):
    lines = (SAMPLES / "wire.jsonl").read_text(encoding="utf-8").splitlines()
    summary = sitrep.analyze([str(SAMPLES / "wire.jsonl")], db=str(tmp_path / "lib.db"))
    assert summary.documents_new == len(lines) and summary.rejected == 0
    with sitrep.open_store(tmp_path / "lib.db", readonly=True) as store:
        assert store.count_documents() == len(lines)
