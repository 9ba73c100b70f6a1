"""Metadata from plain-text headers and cited sources, on hand-written articles."""

from __future__ import annotations

import pytest

from conftest import FIXTURES

DOCS = FIXTURES / "docs"


@pytest.fixture
def by_name(cli):
    cli("ingest", str(DOCS))
    return {d["source_path"].rsplit("/", 1)[1]: d for d in cli.json("docs")}


def test_kicker_byline_and_posted_on_date(by_name):
    doc = by_name["idlib-strikes-wire.txt"]
    assert doc["title"] == "Air strikes hit market town in Idlib countryside"
    assert doc["byline"] == "Lina Haddad and Tom Reeves"
    assert (doc["published"], doc["published_precision"]) == ("2024-03-14", "day")
    assert doc["text"].startswith("IDLIB, Syria - Air strikes")


def test_weekday_and_time_in_a_date_line(by_name):
    doc = by_name["kharkiv-capture-notes.txt"]
    assert doc["published"] == "2024-05-11" and doc["byline"] is None
    assert doc["title"] == "Kharkiv region: Russian forces advance near Vovchansk"


def test_related_articles_are_cut(by_name):
    text = by_name["idlib-strikes-wire.txt"]["text"]
    assert "Related articles" not in text and "Astana" not in text
    assert text.endswith("reported at the time.")


def test_outlets_cited_in_the_text_in_order_with_spans(by_name):
    doc = by_name["idlib-strikes-wire.txt"]
    cited = doc["cited_sources"]
    assert [(c["name"], c["how"]) for c in cited] == [
        ("Syrian Observatory for Human Rights", "reported"),
        ("Reuters", "told"),
        ("SANA", "reported"),
        ("Al Jazeera", "according-to"),
        ("Associated Press", "reported"),
    ]
    for c in cited:
        assert doc["text"][c["span"]["start"]:c["span"]["end"]] == c["span"]["text"]
    # A rescue group cited with "according to" is a source, but not an outlet.
    assert "Syrian Civil Defence" not in {c["name"] for c in cited}


def test_one_line_sources_block_is_split(by_name):
    cited = by_name["kharkiv-capture-notes.txt"]["cited_sources"]
    block = [c["name"] for c in cited if c["how"] == "sources-block"]
    assert block == ["Kyiv Independent", "Reuters", "Ukrinform"]
    # Cited again in the text: listed once, where first seen.
    assert [c["name"] for c in cited].count("Kyiv Independent") == 1
    assert ("TASS", "according-to") in {(c["name"], c["how"]) for c in cited}
