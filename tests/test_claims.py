"""Claims, end to end (`sitrep analyze` → `show --json` / `claims` / export), on the seed (its
EXPECTED.md) and on the bundled samples (samples-src/README.md describes their quotes,
denials and hedges)."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES, SEED, Cli

seed_only = pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not present")


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    cli = Cli(tmp_path_factory.mktemp("claims") / "claims.db")
    paths = [str(SAMPLES)] + ([str(SEED)] if SEED.exists() else [])
    cli("analyze", *paths)
    return cli, cli.docs_by_name()


def shown(analysed, name: str) -> dict:
    cli, docs = analysed
    return cli.json("show", docs[name]["id"])


def by_cue(claims: list[dict], cue: str) -> dict:
    matches = [c for c in claims if c["cue"]["text"] == cue]
    assert matches, f"no claim with cue {cue!r} in {[c['cue']['text'] for c in claims]}"
    return matches[0]


def assert_evidence(text: str, span: dict | None) -> None:
    if span is not None:
        assert text[span["start"]:span["end"]] == span["text"]


@seed_only
def test_seed_claims_claimants_cues_and_kinds(analysed):
    data = shown(analysed, SEED.name)
    claims = data["claims"]
    tweet = by_cue(claims, "tweet")
    assert tweet["claimant"]["id"] == "islamic-state"
    assert tweet["kind"] == "post-image-video" and tweet["channel"] == "Twitter"
    assert tweet["date"]["start"] == "2014-06-13"
    assert "1,700" in tweet["content"]
    assert [h["text"] for h in tweet["evidence"]["hedges"]] == ["what was claimed to be"]
    images = by_cue(claims, "purporting")  # the writer's "images purporting to show"
    assert images["status"] == "unverified" and images["kind"] == "post-image-video"
    quote = by_cue(claims, "said")
    assert quote["claimant"]["id"] == "person:jen-psaki"
    assert quote["claimant"]["affiliation"] == "government:US"
    assert quote["kind"] == "direct" and "is horrifying" in quote["content"]
    added = by_cue(claims, "added")
    assert added["claimant"]["id"] == "person:jen-psaki" and added["kind"] == "indirect"
    assert added["evidence"]["claimant"]["rule"] == "pronoun"
    assert added["evidence"]["claimant"]["span"]["text"] == "She"


@seed_only
def test_seed_claim_is_unconfirmed_by_cnn_and_the_us(analysed):
    data = shown(analysed, SEED.name)
    tweet = by_cue(data["claims"], "tweet")
    assert tweet["status"] == "unconfirmed-by"
    judges = {v["by"]["id"] for v in tweet["verifications"] if v["status"] == "unconfirmed-by"}
    assert judges == {"outlet:cnn", "government:US"}
    us = next(v for v in tweet["verifications"] if v["by"]["id"] == "government:US")
    assert us["from_claim"] == by_cue(data["claims"], "added")["id"]  # Psaki's statement
    for v in tweet["verifications"]:
        assert_evidence(data["text"], v["evidence"]["span"])
        assert_evidence(data["text"], v["evidence"]["cue"])


@seed_only
def test_seed_killing_figure_points_at_the_claim(analysed):
    data = shown(analysed, SEED.name)
    tweet = by_cue(data["claims"], "tweet")
    killing = next(e for e in data["events"] if e["sub_event_type"] == "Attack")
    at_least = next(f for f in killing["fatalities"]["figures"] if f["qualifier"] == "at least")
    assert at_least["claim"] == tweet["id"]
    assert tweet["id"] in killing["claims"] and killing["id"] in tweet["events"]


def test_every_claim_value_points_at_its_text(analysed):
    for name in ("wire.jsonl#3", "sahel-monitor-wire_bamako-protest.txt"):
        data = shown(analysed, name)
        assert data["claims"]
        for c in data["claims"]:
            ev = c["evidence"]
            for span in [*ev["content"], ev["cue"], ev["channel"], ev["date"], *ev["hedges"]]:
                assert_evidence(data["text"], span)
            if ev["claimant"]:
                assert_evidence(data["text"], ev["claimant"]["span"])


def test_denial_disputes_the_claim_it_denies(analysed):
    # "Russia's defence ministry said … its forces had captured the village of Novokalynove"
    # / "The Ukrainian military denied that the village had been taken."
    claims = shown(analysed, "wire.jsonl#3")["claims"]
    denial = by_cue(claims, "denied")
    assert denial["stance"] == "denies" and denial["claimant"]["id"] == "military:UA"
    assert denial["content"] == "that the village had been taken"
    captured = next(c for c in claims if "captured the village" in c["content"])
    assert captured["claimant"]["id"] == "military:RU"
    assert captured["status"] == "disputed"
    (dispute,) = [v for v in captured["verifications"] if v["status"] == "disputed"]
    assert dispute["by"]["id"] == "military:UA" and dispute["from_claim"] == denial["id"]


def test_figure_dismissed_as_propaganda_is_disputed(analysed):
    claims = shown(analysed, "crawl.warc.gz#3")["claims"]
    jnim = next(c for c in claims if "killed 50 Malian soldiers" in c["content"])
    assert jnim["claimant"]["id"] == "jnim" and jnim["status"] == "disputed"
    assert any(v["by"]["id"] == "military:ML" for v in jnim["verifications"])


def test_quote_split_around_its_cue(analysed):
    claims = shown(analysed, "sahel-monitor-wire_bamako-protest.txt")["claims"]
    (quote,) = [c for c in claims if c["claimant"] and
                c["claimant"]["name"] == "Fatoumata Sissoko"]
    assert quote["kind"] == "direct" and quote["cue"]["text"] == "said"
    parts = quote["evidence"]["content"]
    assert len(parts) == 2
    assert parts[0]["text"].startswith('"They are arresting')
    assert parts[1]["text"].startswith('"We will be back')
    assert parts[0]["end"] < quote["cue"]["start"] < parts[1]["start"]
    assert quote["claimant"]["role"] == "spokeswoman"


def test_pronoun_claimant_is_resolved(analysed):
    # "Brig. Gen. Nasser al-Qadhi … said …. “The militia wants to show …,” he said."
    claims = shown(analysed, "arabia-wire_marib-sirwah-clashes.html.gz")["claims"]
    quote = next(c for c in claims if c["content"].startswith("“The militia wants"))
    assert quote["claimant"]["id"] == "person:nasser-al-qadhi"
    assert quote["evidence"]["claimant"]["rule"] == "pronoun"
    assert quote["evidence"]["claimant"]["span"]["text"] == "he"
    assert quote["kind"] == "direct"


def test_claim_corroborated_by_an_independent_source(analysed):
    # "… abducted at least 17 people from a bus …, residents and a security source said."
    claims = shown(analysed, "feed.atom#2")["claims"]
    abduction = next(c for c in claims if "abducted at least 17" in c["content"])
    assert abduction["status"] == "corroborated"
    (v,) = [v for v in abduction["verifications"] if v["status"] == "corroborated"]
    assert v["by"]["name"] == "a security source"


def test_claims_command_filters_and_exports(analysed, tmp_path):
    cli, _ = analysed
    disputed = cli.json("claims", "--status", "disputed")
    assert disputed and all(c["status"] == "disputed" for c in disputed)
    russia = cli.json("claims", "--claimant", "military:RU")
    assert russia and all(c["claimant"]["id"] == "military:RU" for c in russia)
    listing = cli("claims", "--claimant", "Fatoumata").stdout
    assert "1 claim(s)" in listing and "Fatoumata" in listing
    everything = cli.json("claims")
    out = tmp_path / "claims"
    for fmt in ("jsonl", "csv", "parquet"):
        cli("export", "--what", "claims", "--format", fmt, "-o", str(out.with_suffix("." + fmt)))
    rows = [json.loads(line) for line in out.with_suffix(".jsonl").read_text().splitlines()]
    assert len(rows) == len(everything)
    with out.with_suffix(".csv").open(newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == len(everything) and {"claimant", "cue", "status"} <= set(table[0])
    assert pq.read_table(out.with_suffix(".parquet")).num_rows == len(everything)


def test_reanalysis_replaces_claims(tmp_path):
    import sqlite3

    cli = Cli(tmp_path / "re.db")
    sample = str(SAMPLES / "sahel-monitor-wire_bamako-protest.txt")
    cli("analyze", sample)
    first = cli.json("claims")
    assert first
    with sqlite3.connect(cli.db) as con:  # forget the analysis: the next run redoes it
        con.execute("DELETE FROM analyses")
    cli("analyze", sample)
    assert cli.json("claims") == first
