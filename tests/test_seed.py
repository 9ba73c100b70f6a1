"""Acceptance case: the seed article (a plain-text blog repost), from the shared folder."""

from __future__ import annotations

import pytest

from conftest import SEED

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not present")

BOILERPLATE_LINES = ("Comments", "Popular posts from this blog")


@pytest.fixture
def seed_doc(cli):
    cli("ingest", str(SEED))
    (doc,) = cli.json("docs")
    return doc


def test_seed_metadata(seed_doc):
    assert seed_doc["title"] == "ISIS Militants Release Shocking Photos of Iraq 'Mass Execution'"
    assert seed_doc["byline"] == "Mohamed Abdel fattah"
    assert seed_doc["published"] == "2014-06-16"
    assert seed_doc["published_precision"] == "day"
    assert seed_doc["published_from"] == "text"
    assert seed_doc["language"] == "en"


def test_seed_cited_sources_point_at_their_lines(seed_doc):
    cited = seed_doc["cited_sources"]
    assert [c["name"] for c in cited] == ["Al Jazeera", "CNN", "New York Daily News"]
    for c in cited:
        span = c["span"]
        assert seed_doc["text"][span["start"]:span["end"]] == span["text"] == c["surface"]


def test_seed_boilerplate_is_gone(seed_doc):
    text = seed_doc["text"]
    lines = {line.strip() for line in text.splitlines()}
    for line in BOILERPLATE_LINES:
        assert line not in lines
    # The related-post titles after "Popular posts" mention other events: not content.
    related = [line for line in SEED.read_text().splitlines()[-3:] if line.strip()]
    assert related
    for title in related:
        assert title.strip() not in text
    # The article itself is all there, from its first to its last paragraph.
    assert text.startswith("The Sunni militant group")
    assert "revered Shiite shrines." in text
