"""Every input format of the sample corpus, told from content, gzip read transparently."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from conftest import SAMPLES


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    from conftest import Cli

    cli = Cli(tmp_path_factory.mktemp("formats") / "formats.db")
    cli("ingest", str(SAMPLES))
    return {d["source"].replace(str(SAMPLES) + "/", ""): d for d in cli.json("docs")}


def test_one_document_per_item_record_and_line(docs):
    per_file = Counter(source.split("#")[0] for source in docs)
    assert per_file["feed.rss"] == 3
    assert per_file["feed.atom"] == 2
    assert per_file["wire.jsonl"] == 4
    # warcinfo, request, a 404 page and a PNG are not documents; the 3 HTML pages are.
    assert per_file["crawl.warc.gz"] == 3
    assert {docs[s]["container"] for s in docs if s.startswith("crawl.warc.gz")} == {"warc"}
    assert sorted(docs[s]["record"] for s in docs if s.startswith("crawl.warc.gz")) == [3, 4, 5]


def test_warc_documents_carry_their_target_uri(docs):
    for source, doc in docs.items():
        if source.startswith("crawl.warc.gz"):
            assert doc["url"].startswith("http")


def test_gzip_files_are_read_as_what_they_contain(docs):
    html_gz = next(d for s, d in docs.items() if s.endswith(".html.gz"))
    text_gz = next(d for s, d in docs.items() if s.endswith(".txt.gz"))
    assert html_gz["media"] == "html" and html_gz["title"]
    assert text_gz["media"] == "text" and text_gz["title"] and text_gz["byline"]
    assert text_gz["published_from"] == "text"


def test_container_metadata_wins_and_is_marked(docs):
    for source, doc in docs.items():
        if source.startswith(("feed.", "wire.jsonl")):
            assert doc["published_from"] == "container", source
            assert doc["published"][:4] in ("2023", "2024")
            assert doc["title"] and doc["site"]


def test_format_is_told_from_content_not_name(cli, tmp_path):
    # A feed saved as .txt, a WARC without extension, JSONL named .html.
    shutil.copy(SAMPLES / "feed.atom", tmp_path / "saved-feed.txt")
    shutil.copy(SAMPLES / "crawl.warc.gz", tmp_path / "crawl-download")
    shutil.copy(SAMPLES / "wire.jsonl", tmp_path / "wire.html")
    cli("ingest", str(tmp_path))
    containers = Counter(d["container"] for d in cli.json("docs"))
    assert containers == {"feed": 2, "warc": 3, "jsonl": 4}


def test_globs_and_directories(cli):
    cli("ingest", str(SAMPLES / "*.txt"))
    assert {d["source_path"].rsplit("/", 1)[1] for d in cli.json("docs")} == {
        p.name for p in SAMPLES.glob("*.txt")}


def test_repost_boilerplate_is_removed_and_sources_block_read(docs):
    repost = next(d for s, d in docs.items() if s.startswith("blogspot-repost"))
    text = repost["text"]
    for furniture in ("Popular posts", "comments:", "Labels", "Hodeidah", "Maiduguri",
                      "Nairobi", "The world is silent"):
        assert furniture not in text, furniture
    names = [c["name"] for c in repost["cited_sources"]]
    assert names[:2] == ["Reuters", "Al Jazeera"]
    assert "Sudan Tribune" in names and "Radio Dabanga" in names
    for c in repost["cited_sources"]:
        assert text[c["span"]["start"]:c["span"]["end"]] == c["span"]["text"]


def test_wordpress_repost_keeps_the_article_and_its_credits_only(docs):
    repost = next(d for s, d in docs.items() if s.startswith("sahel-security-digest"))
    text = repost["text"]
    for furniture in ("Share this", "Related", "Bankass", "Leave a Reply", "My cousin",
                      "Recent Posts", "Niamey", "Archives", "Blog at WordPress"):
        assert furniture not in text, furniture
    assert [c["name"] for c in repost["cited_sources"]][:2] == ["Sahel Monitor", "ORTM"]
    assert repost["site"] == "Sahel Security Digest" and repost["published"].startswith(
        "2024-03-13")


def test_copied_story_without_credit_cites_nobody(docs):
    copy = next(d for s, d in docs.items() if s.startswith("africa-news-now"))
    assert copy["cited_sources"] == []
    for furniture in ("Advertisement", "Trending now", "El Obeid", "BREAKING", "Tags:"):
        assert furniture not in copy["text"], furniture


def test_article_dated_only_in_its_text(docs):
    doc = next(d for s, d in docs.items() if "dated-in-text" in s)
    assert (doc["published"], doc["published_precision"], doc["published_from"]) == (
        "2023-03-04", "day", "text")
    assert doc["byline"] and doc["title"]
    assert "Popular posts" not in doc["text"] and "Comments" not in doc["text"].splitlines()


def test_wire_copy_without_a_year_has_no_invented_date(docs):
    doc = next(d for s, d in docs.items() if "bamako" in s)
    assert doc["published"] is None
    assert doc["text"].startswith("BAMAKO, June 3")


def test_every_document_has_english_text_and_a_fingerprint(docs):
    assert len(docs) >= 15
    for doc in docs.values():
        assert doc["language"] == "en"
        assert len(doc["fingerprint"]) == 64
        assert "\n\n" in doc["text"]  # paragraph breaks kept
