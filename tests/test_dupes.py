"""Near-duplicates, derived-from and origins (issue 7, documents): real samples, real SQLite,
the real CLI."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from sitrep.evaluate.mutations import abridge, edit, vocabulary
from sitrep.link.minhash import MIN_SHINGLES, fingerprint, shingle_hashes
from sitrep.link.near_duplicates import score

from conftest import SAMPLES, Cli

ORIGINAL = "nile-post-wire_el-fasher-abu-shouk-shelling.html"  # #8
REPOST = "blogspot-repost_el-fasher-shelling.html"  # #9
BOULKESSI = ("sahel-monitor_boulkessi-camp-attack.html", "wire.jsonl#1", "crawl.warc.gz#3")
CREDITED = "sahel-security-digest_boulkessi-repost.html"  # credits Sahel Monitor (#1)
UNCREDITED = "africa-news-now_boulkessi-copy.html"  # copies the PAWS wire (#2)
REPOST_FILES = (REPOST, CREDITED, UNCREDITED)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    cli = Cli(tmp_path_factory.mktemp("dupes") / "dupes.db")
    cli("analyze", str(SAMPLES))
    return cli


@pytest.fixture(scope="module")
def ids(analysed) -> dict[str, str]:
    return {name: d["id"] for name, d in analysed.docs_by_name().items()}


def links_by_pair(cli: Cli) -> dict[tuple[str, str, str], dict]:
    return {(r["document"]["id"], r["other"]["id"], r["kind"]): r for r in cli.json("dupes")}


def origins(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT document_id, origin, kind FROM document_origins")}


def test_el_fasher_repost_is_derived_from_the_original(analysed, ids):
    links = links_by_pair(analysed)
    repost, original = ids[REPOST], ids[ORIGINAL]
    derived = links[(repost, original, "derived-from")]
    near = links[(repost, original, "near-duplicate")]
    assert near["jaccard_exact"] >= 0.35 and derived["contained"] >= 0.6
    assert 0 < derived["jaccard"] <= 1 and derived["contains_other"] > 0
    assert "Nile Post Wire" in derived["reason"] and "2 days later" in derived["reason"]
    shown = analysed.json("show", repost[:10])
    assert shown["origin"]["origin"] == original and shown["origin"]["kind"] == "document"
    assert [x["other_id"] for x in shown["derived_from"]] == [original]
    assert analysed.json("show", original[:10])["origin"]["kind"] == "self"
    plain = analysed("show", repost[:10]).stdout
    assert "origin" in plain and original[:12] in plain


def test_boulkessi_reports_are_not_near_duplicates_and_each_is_its_own_origin(analysed, ids):
    trio = {ids[n] for n in BOULKESSI}
    assert not [k for k in links_by_pair(analysed) if {k[0], k[1]} <= trio]
    found = origins(analysed.db)
    assert all(found[i] == (i, "self") for i in trio)


def test_boulkessi_reposts_carry_their_sources_origin(analysed, ids):
    found = origins(analysed.db)
    assert found[ids[CREDITED]][0] == ids[BOULKESSI[0]]  # credits Sahel Monitor and copies it
    assert found[ids[UNCREDITED]][0] == ids[BOULKESSI[1]]  # copies the wire the same day
    story = [ids[n] for n in (*BOULKESSI, CREDITED, UNCREDITED)]
    assert len({found[i][0] for i in story}) == 3  # 5 documents, 3 independent sources
    reasons = {r["kind"]: r["reason"] for r in analysed.json("dupes", "--kind", "derived-from")
               if r["document"]["id"] == ids[UNCREDITED]}
    assert "the same day, the copy" in reasons["derived-from"]


def test_no_other_sample_pairs_are_linked(analysed, ids):
    pairs = {(k[0], k[1]) for k in links_by_pair(analysed)}
    assert pairs == {(ids[REPOST], ids[ORIGINAL]), (ids[CREDITED], ids[BOULKESSI[0]]),
                     (ids[UNCREDITED], ids[BOULKESSI[1]])}


def test_running_again_adds_nothing(analysed):
    before = analysed.json("dupes")
    again = analysed.json("analyze", str(SAMPLES))
    assert again["links"]["documents"] == 0 and again["links"]["near_duplicates"] == 0
    assert analysed.json("dupes") == before


def _copy(names: tuple[str, ...], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _state(cli: Cli) -> tuple[set, dict]:
    links = {(k, r["jaccard"], r["jaccard_exact"], r["contains_other"], r["contained"],
              r["reason"]) for k, r in links_by_pair(cli).items()}
    return links, origins(cli.db)


CORPUS = (ORIGINAL, REPOST, "sahel-monitor_boulkessi-camp-attack.html", CREDITED, UNCREDITED,
          "wire.jsonl")


def test_incremental_equals_rebuild(tmp_path):
    rebuilt = Cli(tmp_path / "rebuild.db")
    rebuilt("analyze", str(_copy(CORPUS, tmp_path / "all")))
    # The reposts arrive in a second run; then, in another database, a repost arrives
    # before its original (whose origin then moves from the repost to the original).
    stepwise = Cli(tmp_path / "steps.db")
    stepwise("analyze", str(_copy(tuple(n for n in CORPUS if n not in REPOST_FILES),
                                  tmp_path / "first")))
    second = stepwise.json("analyze", str(_copy(REPOST_FILES, tmp_path / "second")))
    assert second["links"]["documents"] == 3
    reversed_order = Cli(tmp_path / "reversed.db")
    reversed_order("analyze", str(_copy(tuple(n for n in CORPUS if n != ORIGINAL),
                                        tmp_path / "without-original")))
    before = origins(reversed_order.db)
    late = reversed_order.json("analyze", str(_copy((ORIGINAL,), tmp_path / "original")))
    assert _state(stepwise) == _state(rebuilt) == _state(reversed_order)
    repost = next(d["id"] for n, d in reversed_order.docs_by_name().items() if n == REPOST)
    assert before[repost] == (repost, "self") != origins(reversed_order.db)[repost]
    assert late["links"]["origins_moved"] == [repost]


def test_a_repost_crediting_one_outlet_we_do_not_hold_points_at_it(tmp_path):
    copy = Cli(tmp_path / "copy.db")
    copy("analyze", str(_copy((UNCREDITED,), tmp_path / "copy")))
    text = copy.json("docs")[0]["text"]
    credited = tmp_path / "credited" / "repost.txt"
    credited.parent.mkdir()
    credited.write_text(f"{text}\n\nSources:\nPan-African Wire Service\n", encoding="utf-8")
    cli = Cli(tmp_path / "credit.db")
    cli("analyze", str(credited))
    doc = cli.json("docs")[0]
    assert [c["name"] for c in doc["cited_sources"]] == ["Pan-African Wire Service"]
    shown = cli.json("show", doc["id"][:10])
    assert shown["origin"]["origin"] == "outlet:Pan-African Wire Service"
    assert [r["other"] for r in cli.json("dupes")] == [
        {"id": None, "outlet": "Pan-African Wire Service"}]
    # Once the wire itself is stored, the repost carries it (it cites its outlet).
    cli("analyze", str(_copy(("wire.jsonl",), tmp_path / "wire")))
    wire = cli.docs_by_name()["wire.jsonl#1"]["id"]
    assert cli.json("show", doc["id"][:10])["origin"]["origin"] == wire


def test_other_parameters_reindex_and_find_the_same_links(analysed):
    before = links_by_pair(analysed)
    with sqlite3.connect(analysed.db) as conn:
        conn.execute("UPDATE link_state SET value = 'words=5 (an older sitrep)'")
    again = analysed.json("analyze", str(SAMPLES))
    assert again["links"]["reindexed"] and again["links"]["documents"] == len(analysed.json("docs"))
    assert links_by_pair(analysed) == before


def test_shingles_ignore_case_quotes_dashes_and_accents():
    assert (shingle_hashes('“Sévaré is calm,” he said — briefly.').tolist()
            == shingle_hashes('"Sevare IS calm," he said - briefly').tolist())


def test_a_short_text_is_not_compared():
    short = fingerprint("Gunmen attacked a village near Djibo on Sunday, residents said.")
    assert not short.comparable and len(short.shingles) < MIN_SHINGLES
    text = (SAMPLES.parent / "samples-src" / "README.md").read_text(encoding="utf-8")
    long = fingerprint(text)
    s = score(long, long)
    assert long.comparable and s.jaccard == s.jaccard_exact == s.a_in_b == 1.0


def test_exact_shares_of_a_story_and_its_repost_are_those_of_their_shingle_sets():
    from sitrep.ingest.process import process
    from sitrep.ingest.readers import read_path
    from sitrep.settings import Limits

    texts = [process(next(iter(read_path(SAMPLES / name, Limits()))), Limits()).text
             for name in ("sahel-monitor_boulkessi-camp-attack.html",
                          "sahel-security-digest_boulkessi-repost.html")]
    a, b = (fingerprint(t) for t in texts)
    sa, sb = set(a.shingles.tolist()), set(b.shingles.tolist())
    shared = len(sa & sb)
    assert 0 < shared < min(len(sa), len(sb))  # a repost: much in common, not all
    s = score(a, b)
    assert s.jaccard_exact == round(shared / len(sa | sb), 4)
    assert (s.a_in_b, s.b_in_a) == (round(shared / len(sa), 4), round(shared / len(sb), 4))


def test_eval_dupes_runs_on_the_bundled_samples(cli):
    report = cli.json("eval", "dupes", "--floor", "systems.sitrep.precision=0.99")
    sitrep = report["systems"]["sitrep"]
    assert sitrep["hard_negative_accuracy"] == 1.0 and sitrep["recall"] > 0.8
    assert report["origins"]["same_origin"]["precision"] == 1.0
    assert set(report["systems"]) == {"sitrep", "datasketch_lsh", "jaccard"}


def test_a_rewrite_is_derived_only_when_it_credits_its_source(tmp_path):
    """A heavy rewrite shares too little text to be derived by containment alone; crediting
    the outlet in a Sources block makes it derived (the cite rule)."""
    wire_folder = _copy(("wire.jsonl",), tmp_path / "wire")
    found = {}
    dated = "Mali: dozens killed in Boulkessi attack\nMar 14, 2024\n\n"
    for head, credit in ((dated, "Sources:\nPan-African Wire Service"),
                         (dated, "Posted in Africa"),
                         ("", "Sources:\nPan-African Wire Service")):  # undated
        cli = Cli(tmp_path / f"{len(found)}.db")
        cli("analyze", str(wire_folder))
        wire = cli.docs_by_name()["wire.jsonl#1"]
        rng = random.Random(3)
        body = edit(abridge(wire["text"], 0.5, rng), 0.3, rng, vocabulary([wire["text"]]))
        rewrite = tmp_path / f"rewrite{len(found)}" / "rewrite.txt"
        rewrite.parent.mkdir()
        rewrite.write_text(f"{head}{body}\n\n{credit}\n", encoding="utf-8")
        cli("analyze", str(rewrite.parent))
        doc = cli.docs_by_name()["rewrite.txt"]
        assert bool(doc["published"]) == bool(head)
        found[len(found)] = [r for r in cli.json("dupes") if r["document"]["id"] == doc["id"]]
    credited, uncredited, undated = found.values()
    assert uncredited == []
    for [link] in (credited, undated):
        assert link["kind"] == "derived-from" and link["other"]["id"] == wire["id"]
        assert link["reason"].startswith("cites Pan-African Wire Service")
        assert 0.3 <= max(link["contains_other"], link["contained"]) < 0.5


def test_a_story_copied_hundreds_of_times_links_the_same_in_any_batches(tmp_path):
    """A wire story reposted 240 times (each copy edited a little): every copy is linked to
    earlier copies, no copy is compared with more than MAX_CANDIDATES of them, and cutting
    the corpus into small link batches gives exactly the links of one batch (the caps bind
    the same way: a copy's candidates come from the copies before it only)."""
    from sitrep.link.near_duplicates import MAX_CANDIDATES, MAX_PER_BAND
    from sitrep.link.stage import run_links
    from sitrep.store import open_store

    wire = Cli(tmp_path / "wire.db")
    wire("ingest", str(_copy(("wire.jsonl",), tmp_path / "wire")))
    text = wire.docs_by_name()["wire.jsonl#1"]["text"]
    rng = random.Random(11)
    vocab = vocabulary([text])
    folder = tmp_path / "copies"
    folder.mkdir()
    copies = 240
    for i in range(copies):
        copy = edit(abridge(text, 0.15, rng), 0.04, rng, vocab)
        (folder / f"copy-{i:03d}.txt").write_text(copy, encoding="utf-8")
    Cli(tmp_path / "ingested.db")("ingest", str(folder))
    states, summaries = [], []
    for batch_size in (1000, 37):  # each on a copy of one ingest (same times of ingestion)
        cli = Cli(tmp_path / f"batches-{batch_size}.db")
        shutil.copy(tmp_path / "ingested.db", cli.db)
        with open_store(cli.db) as store:
            summaries.append(run_links(store, workers=0, batch_size=batch_size))
        states.append(_state(cli))
    assert states[0] == states[1]
    assert summaries[0].near_duplicates == summaries[1].near_duplicates > copies
    # The caps bound the work: not every pair of copies is scored, and more copies share a
    # band key than are read back under it.
    assert summaries[0].candidates <= copies * MAX_CANDIDATES
    assert summaries[0].candidates < copies * (copies - 1) // 2
    with sqlite3.connect(tmp_path / "batches-1000.db") as conn:
        widest = conn.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM link_bands "
                              "GROUP BY key)").fetchone()[0]
        linked = conn.execute("SELECT count(DISTINCT document_id) FROM document_links "
                              "WHERE kind = 'near-duplicate'").fetchone()[0]
    assert widest > MAX_PER_BAND
    assert linked == copies - 1  # every copy but the first is found a near-duplicate of one


def test_an_archive_read_newest_first_gets_the_origins_of_one_batch(tmp_path, monkeypatch):
    """Copies of a story ingested newest first (an archive crawled backwards): each link
    batch holds earlier copies than every stored one, so each moves the story's origin down
    to its own earliest copy and every stored copy's origin with it. Links and every origin
    row (origin, parent, depth, reason) must be those of one batch over the whole archive."""
    from sitrep.link import stage
    from sitrep.link.stage import run_links
    from sitrep.store import open_store

    monkeypatch.setattr(stage, "MOVED_LISTED", 25)
    wire = Cli(tmp_path / "wire.db")
    wire("ingest", str(_copy(("wire.jsonl",), tmp_path / "wire")))
    text = wire.docs_by_name()["wire.jsonl#1"]["text"]
    rng = random.Random(5)
    vocab = vocabulary([text])
    copies = 90
    folder = tmp_path / "archive"
    folder.mkdir()
    with (folder / "archive.jsonl").open("w", encoding="utf-8") as out:
        for i in range(copies):  # the i-th read was published i days before the first
            out.write(json.dumps({
                "url": f"https://outlet{i % 7}.example/story-{i}", "site": f"Outlet {i % 7}",
                "published": (date(2024, 6, 1) - timedelta(days=i)).isoformat(),
                "text": edit(abridge(text, 0.15, rng), 0.04, rng, vocab)}) + "\n")
    Cli(tmp_path / "ingested.db")("ingest", str(folder))
    rows, moved = [], []
    for batch_size in (1000, 13):
        db = tmp_path / f"batches-{batch_size}.db"
        shutil.copy(tmp_path / "ingested.db", db)
        with open_store(db) as store:
            summary = run_links(store, workers=0, batch_size=batch_size)
            # The summary counts every move and lists the first few (stage.MOVED_LISTED,
            # made small here: the list must not grow with the corpus).
            assert len(summary.origins_moved) == min(summary.origins_moved_count, 25)
            moved.append(summary.origins_moved_count)
        with sqlite3.connect(db) as conn:
            rows.append((conn.execute("SELECT * FROM document_origins ORDER BY 1").fetchall(),
                         conn.execute("SELECT document_id, other_id, kind, contains_other, "
                                      "contained FROM document_links ORDER BY 1, 2, 3"
                                      ).fetchall()))
    assert rows[0] == rows[1]
    assert moved[0] == 0 and moved[1] > copies  # stored copies moved again and again
    origins_found = [r[1] for r in rows[0][0]]
    earliest = max(origins_found, key=origins_found.count)
    assert origins_found.count(earliest) > copies // 2  # one origin for most of the copies
    assert max(r[5] for r in rows[0][0]) >= 2  # chains of copies of copies
