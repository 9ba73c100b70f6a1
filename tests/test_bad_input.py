"""Bad input: every kind gets a one-line message naming the file and reason, a row in
``rejected``, and the rest of the batch is stored. Each case is a real file on disk."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import FIXTURES, SAMPLES, Cli, run_sitrep

BAD = FIXTURES / "bad"
GOOD_HTML = SAMPLES / "sahel-monitor_boulkessi-camp-attack.html"


def rejected_rows(db: Path) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    return [dict(r) for r in con.execute("SELECT * FROM rejected")]


def doc_count(db: Path) -> int:
    return sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]


def ingest_with_good(cli: Cli, tmp_path: Path, bad: Path) -> tuple[object, list[dict]]:
    """Ingest a bad file between two good ones; the good ones must be stored."""
    folder = tmp_path / "batch"
    folder.mkdir(exist_ok=True)
    shutil.copy(GOOD_HTML, folder / "a_good.html")
    target = folder / ("m_" + bad.name)
    if bad.is_file():
        shutil.copy(bad, target)
    shutil.copy(SAMPLES / "kherson-shelling_blog-dated-in-text.txt", folder / "z_good.txt")
    result = cli("ingest", str(folder))
    assert doc_count(cli.db) >= 2, "the good files around the bad one must be stored"
    return result, rejected_rows(cli.db)


@pytest.mark.parametrize(("name", "kind", "words"), [
    ("empty.txt", "unsupported", "empty"),
    ("blank.html", "unsupported", "empty"),
    ("photo.jpg.html", "unsupported", "PNG image"),
    ("undecodable.txt", "decode", "undecodable"),
])
def test_unreadable_file_is_rejected_and_batch_goes_on(cli, tmp_path, name, kind, words):
    result, rows = ingest_with_good(cli, tmp_path, BAD / name)
    assert len(rows) == 1
    assert rows[0]["source"].endswith("m_" + name)
    assert rows[0]["kind"] == kind
    assert words in rows[0]["reason"]
    # One line on stderr names the file and the reason.
    lines = [line for line in result.stderr.splitlines() if "rejected" in line]
    assert any("m_" + name in line and words in line for line in lines), result.stderr


def test_bad_json_lines_are_rejected_with_line_numbers(cli, tmp_path):
    cli("ingest", str(BAD / "bad_lines.jsonl"))
    rows = {r["source"].rsplit("#", 1)[1]: r for r in rejected_rows(cli.db)}
    assert set(rows) == {"2", "3", "4"}
    assert "bad JSON line" in rows["2"]["reason"]
    assert "not an object" in rows["3"]["reason"]
    assert "no non-empty 'html' or 'text'" in rows["4"]["reason"]
    docs = cli.json("docs")
    assert sorted(d["record"] for d in docs) == [1, 6]
    assert {d["title"] for d in docs} == {"Protesters in Goma demand end to M23 offensive",
                                          "Shelling hits Sake as fighting nears town"}


def test_malformed_feed_keeps_recovered_items(cli):
    result = cli("ingest", str(BAD / "malformed_feed.rss"))
    rows = {r["source"].rsplit("/", 1)[1]: r for r in rejected_rows(cli.db)}
    whole = rows.pop("malformed_feed.rss")
    assert whole["kind"] == "malformed" and "malformed feed" in whole["reason"]
    # The cut-off second item is rejected on its own, with its item number.
    assert list(rows) == ["malformed_feed.rss#2"]
    assert "malformed_feed.rss: malformed feed" in result.stderr
    titles = [d["title"] for d in cli.json("docs")]
    assert "Clashes near Kidal leave six dead" in titles


def test_truncated_warc_keeps_records_before_the_cut(cli, tmp_path):
    data = (SAMPLES / "crawl.warc.gz").read_bytes()
    whole = Cli(tmp_path / "whole.db")
    whole("ingest", str(SAMPLES / "crawl.warc.gz"))
    complete = whole.json("docs")
    assert len(complete) >= 2
    cut = tmp_path / "truncated.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.7)])
    cli("ingest", str(cut))
    kept = cli.json("docs")
    rows = rejected_rows(cli.db)
    assert 0 < len(kept) < len(complete)
    assert {d["id"] for d in kept} <= {d["id"] for d in complete}
    assert len(rows) == 1 and "truncated or corrupt WARC" in rows[0]["reason"]
    assert "#" in rows[0]["source"]  # names the record where reading stopped


def test_oversized_html_is_rejected_without_reading_it_all(cli, tmp_path):
    big = tmp_path / "huge.html"
    paragraph = "<p>" + "Shelling continued overnight in the eastern districts. " * 20 + "</p>\n"
    with big.open("w") as fh:
        fh.write("<html><body><article>")
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(paragraph * 100)
        fh.write("</article></body></html>")
    _, rows = ingest_with_good(cli, tmp_path, big)
    assert len(rows) == 1 and rows[0]["kind"] == "limit"
    assert "limit" in rows[0]["reason"] and "m_huge.html" in rows[0]["source"]


def test_gzip_bomb_is_stopped_at_the_ratio_limit(cli, tmp_path):
    bomb = tmp_path / "report.html.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        block = b"<p>" + b"A" * (1024 * 1024) + b"</p>"
        for _ in range(100):  # 100 MB of content in ~100 KB: ratio ~1000:1
            fh.write(block)
    assert bomb.stat().st_size * 500 < 100 * 1024 * 1024
    _, rows = ingest_with_good(cli, tmp_path, bomb)
    assert len(rows) == 1 and rows[0]["kind"] == "limit"
    assert "gzip" in rows[0]["reason"]


def test_missing_path_is_reported(cli, tmp_path):
    result = cli("ingest", str(GOOD_HTML), str(tmp_path / "nope.html"))
    rows = rejected_rows(cli.db)
    assert [r["kind"] for r in rows] == ["missing"]
    assert result.exit_code == 0


def test_exit_status_is_nonzero_only_when_everything_failed(cli, tmp_path):
    failed = cli("ingest", str(BAD / "empty.txt"), str(BAD / "photo.jpg.html"), ok=False)
    assert failed.exit_code == 1
    mixed = cli("ingest", str(BAD / "empty.txt"), str(GOOD_HTML))
    assert mixed.exit_code == 0


def test_rejection_is_not_doubled_on_rerun(cli):
    cli("ingest", str(BAD / "bad_lines.jsonl"))
    cli("ingest", str(BAD / "bad_lines.jsonl"))
    rows = rejected_rows(cli.db)
    assert len(rows) == 3
    assert all(r["times"] == 2 for r in rows)
    listed = cli.json("rejected")
    assert len(listed) == 3 and all("reason" in r and "source" in r for r in listed)


def test_limits_are_settings(tmp_path):
    """A lower limit from the environment rejects a page the default accepts."""
    db = tmp_path / "small.db"
    run = run_sitrep("--db", str(db), "ingest", str(GOOD_HTML),
                     env={"SITREP_MAX_DOCUMENT_BYTES": "1000"})
    assert run.returncode == 1
    assert "1,000 bytes" in run.stderr
    assert [r["kind"] for r in rejected_rows(db)] == ["limit"]


def test_a_text_spacy_refuses_fails_alone_and_the_run_goes_on(tmp_path):
    """With the text limit raised past what the model accepts (spaCy refuses texts over
    1,000,000 characters), that one document is marked failed, with spaCy's reason, and the
    others of its batch are analysed."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD_HTML, folder / GOOD_HTML.name)
    paragraph = ("Residents of the district said the market reopened on Tuesday after a week "
                 "of curfew, and traders counted their losses. ")
    (folder / "long-report.txt").write_text(
        "A very long report\n\n" + "\n\n".join([paragraph * 8] * 1100), encoding="utf-8")
    db = tmp_path / "long.db"
    run = run_sitrep("--db", str(db), "analyze", str(folder), "--workers", "1",
                     env={"SITREP_MAX_TEXT_CHARS": "2000000"}, timeout=600)
    assert run.returncode == 0, run.stderr
    con = sqlite3.connect(db)
    statuses = dict(con.execute(
        "SELECT d.source_path, a.status FROM analyses a JOIN documents d ON d.id = "
        "a.document_id"))
    assert statuses == {str(folder / GOOD_HTML.name): "done",
                        str(folder / "long-report.txt"): "failed"}, statuses
    reasons = [r[0] for r in con.execute("SELECT reason FROM rejected WHERE stage = 'nlp'")]
    assert len(reasons) == 1 and "spaCy" in reasons[0] and "E088" in reasons[0], reasons
