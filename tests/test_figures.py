"""Figures: numbers as reported, with qualifier, bounds, vague word, unit and counted noun.

Read from the bundled samples and the seed article through the real pipeline (real spaCy
model, ``annotators=("figures",)``); the number reader is also tested on its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep.ingest.process import process
from sitrep.ingest.readers import read_path
from sitrep.lexicon import table
from sitrep.nlp.figures import find_figures, unit_words
from sitrep.nlp.model import load_model
from sitrep.nlp.numbers import number_words, read_number
from sitrep.nlp.pipeline import analyze
from sitrep.records import Document, Figure, RawDocument
from sitrep.settings import Limits, load_settings

from conftest import SAMPLES, SEED

MODEL = load_settings().spacy_model


def _documents(paths: list[Path]) -> list[Document]:
    docs = []
    for path in paths:
        for item in read_path(path, Limits()):
            if isinstance(item, RawDocument):
                docs.append(process(item, Limits()))
    return docs


def _key(doc: Document) -> str:
    name = Path(doc.source_path).name
    return f"{name}#{doc.record}" if doc.record else name


@pytest.fixture(scope="module")
def found() -> dict[str, tuple[Document, tuple[Figure, ...]]]:
    """Every sample (and the seed, when present) with the figures the pipeline finds."""
    paths = sorted(SAMPLES.iterdir()) + ([SEED] if SEED.exists() else [])
    docs = {d.id: d for d in _documents(paths)}
    result = {}
    for analysis in analyze(docs.values(), MODEL, annotators=("figures",)):
        assert analysis.status == "done", analysis
        doc = docs[analysis.document_id]
        result[_key(doc)] = (doc, analysis.found["figures"])
    return result


def figure(found, key: str, text: str, context: str) -> Figure:
    """The figure whose span reads ``text`` inside the passage ``context`` of document
    ``key``; fails when there is none."""
    doc, figures = found[key]
    at = doc.text.find(context)
    assert at >= 0, f"{context!r} is not in {key}"
    hits = [f for f in figures
            if f.span.text == text and at <= f.span.start and f.span.end <= at + len(context)]
    assert len(hits) == 1, (text, context, [f.span.text for f in figures])
    return hits[0]


def no_figure(found, key: str, context: str) -> None:
    doc, figures = found[key]
    at = doc.text.find(context)
    assert at >= 0, f"{context!r} is not in {key}"
    inside = [f for f in figures if at <= f.span.start < at + len(context)]
    assert not inside, inside


# -- the seed (issue 4's acceptance) -------------------------------------------------------

seed_only = pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not present")


@seed_only
def test_seed_at_least_1700_killed(found):
    f = figure(found, SEED.name, "at least 1,700", "its members killed at least 1,700 Shiites")
    assert (f.value, f.low, f.high, f.qualifier) == (1700, 1700, None, "at least")
    assert f.unit == "killed"
    assert f.counted in ("Shiites", "Shiite", "people")
    doc, _ = found[SEED.name]
    assert doc.text[f.span.start:f.span.end] == "at least 1,700"


@seed_only
def test_seed_scores_of_soldiers_is_vague_twenty(found):
    f = figure(found, SEED.name, "scores", "scores of Shi'ite Iraqi soldiers")
    assert (f.value, f.vague, f.low, f.high) == (20, "scores", None, None)
    assert f.counted == "soldier"
    assert f.unit == "executed"  # "the mass executions of scores of … soldiers"


@seed_only
def test_seed_1700_were_killed(found):
    f = figure(found, SEED.name, "1,700", "a claim that 1,700 were killed")
    assert (f.value, f.low, f.high, f.qualifier, f.unit) == (1700, 1700, 1700, None, "killed")


@seed_only
def test_seed_has_no_other_figures(found):
    # "Jun 16, 2014", "on Friday", "in the last week" are dates, not counts.
    _, figures = found[SEED.name]
    assert [f.span.text for f in figures] == ["scores", "at least 1,700", "1,700"]


# -- the samples ---------------------------------------------------------------------------

NILE = "nile-post-wire_el-fasher-abu-shouk-shelling.html"
ITURI = "crawl.warc.gz#4"
NYALA = "crawl.warc.gz#5"
JNIM = "crawl.warc.gz#3"
DONETSK = "wire.jsonl#3"
DJIBO = "feed.atom#2"
KHERSON = "kherson-shelling_blog-dated-in-text.txt"
BAMAKO = "sahel-monitor-wire_bamako-protest.txt"
BOULKESSI = "sahel-monitor_boulkessi-camp-attack.html"
DOUENTZA = "wire.jsonl#1"
ANBAR = "feed.rss#2"
IDLIB = "feed.rss#1"
MARIB = "arabia-wire_marib-sirwah-clashes.html.gz"
ADAN_YABAAL = "horn-observer_adan-yabaal-base-attack.txt.gz"
SAKE = "great-lakes-ledger_m23-shasha-sake.html"

# (document, span text, passage around it, value, low, high, qualifier, vague, unit, counted)
EXPECTED = [
    (NILE, "at least 40", "killed at least 40 people", 40, 40, None, "at least", None,
     "killed", "people"),
    (NILE, "Dozens", "Dozens more were wounded", 12, None, None, None, "dozens", "wounded", None),
    (NILE, "63", "received 63 wounded people", 63, 63, 63, None, None, "wounded", "people"),
    (NILE, "tens of thousands", "shelters tens of thousands of people displaced", 10000, None,
     None, None, "tens of thousands", "displaced", "people"),
    (NILE, "hundreds of thousands", "push hundreds of thousands more people to flee", 100000,
     None, None, None, "hundreds of thousands", "displaced", "people"),
    (NILE, "hundreds", 'killing "hundreds of the rebel militia"', 100, None, None, None,
     "hundreds", "killed", "militia"),
    (ITURI, "between 20 and 30", "killing between 20 and 30 people", None, 20, 30, None, None,
     "killed", "people"),
    (ITURI, "seven", "abducting seven others", 7, 7, 7, None, None, "abducted", "other"),
    (ITURI, "23", "counted 23 bodies so far", 23, 23, 23, None, None, "dead", "body"),
    (ITURI, "11", "put the toll at 11 dead", 11, 11, 11, None, None, "dead", None),
    (ITURI, "about 6,000", "hosts about 6,000 people", 6000, None, None, "about", None,
     "displaced", "people"),
    (ITURI, "14", "evacuated 14 wounded people", 14, 14, 14, None, None, "wounded", "people"),
    (NYALA, "between 15 and 20", "at between 15 and 20 dead", None, 15, 20, None, None, "dead",
     None),
    (NYALA, "more than 40", "more than 40 people were wounded", 40, 40, None, "more than", None,
     "wounded", "people"),
    (NYALA, "at least 12", "detained at least 12 people", 12, 12, None, "at least", None,
     "arrested", "people"),
    (JNIM, "50", "killed 50 Malian soldiers", 50, 50, 50, None, None, "killed", "soldier"),
    (JNIM, "several", "taken several soldiers prisoner", 10, None, None, None, "several",
     "captured", "soldier"),
    (JNIM, "four", "captured four armoured vehicles", 4, 4, 4, None, None, None, "vehicle"),
    (JNIM, "12", "12 soldiers dead and 19 wounded", 12, 12, 12, None, None, "dead", "soldier"),
    (JNIM, "19", "12 soldiers dead and 19 wounded", 19, 19, 19, None, None, "wounded", None),
    (JNIM, "three", "acknowledged three deaths", 3, 3, 3, None, None, "dead", "death"),
    (DONETSK, "up to 340", '"up to 340 servicemen"', 340, None, 340, "up to", None,
     "casualties", "serviceman"),
    (DONETSK, "26", "launched 26 assaults", 26, 26, 26, None, None, None, "assault"),
    (DONETSK, "eight", "killing three civilians and wounding eight", 8, 8, 8, None, None,
     "wounded", None),
    (DJIBO, "at least 17", "abducted at least 17 people", 17, 17, None, "at least", None,
     "abducted", "people"),
    (DJIBO, "around twenty", 'people abducted at "around twenty"', 20, None, None, "around",
     None, "abducted", "people"),
    (DJIBO, "several dozen", '"neutralising several dozen assailants"', 12, None, None, None,
     "several dozen", "killed", "assailant"),
    (KHERSON, "87", "came under fire 87 times", 87, 87, 87, None, None, None, "time"),
    (KHERSON, "at least 12", "wounding at least 12", 12, 12, None, "at least", None, "wounded",
     None),
    (KHERSON, "Three", "Three people died on Thursday", 3, 3, 3, None, None, "dead", "people"),
    (BAMAKO, "27", "arrested 27 people", 27, 27, 27, None, None, "arrested", "people"),
    (BAMAKO, "Six", "Six officers were injured", 6, 6, 6, None, None, "wounded", "officer"),
    (BAMAKO, "One", "One protester, a 22-year-old student, died", 1, 1, 1, None, None, "dead",
     "protester"),
    (BAMAKO, "more than 40", "more than 40 people had been detained", 40, 40, None, "more than",
     None, "arrested", "people"),
    (BOULKESSI, "Nineteen", "Nineteen soldiers were wounded", 19, 19, 19, None, None, "wounded",
     "soldier"),
    (BOULKESSI, "dozens", "“dozens of terrorists were neutralised”", 12, None, None, None,
     "dozens", "killed", "terrorist"),
    (DOUENTZA, "31", "We buried 31 people", 31, 31, 31, None, None, "dead", "people"),
    (DOUENTZA, "between 20 and 25", "between 20 and 25 wounded people", None, 20, 25, None,
     None, "wounded", "people"),
    (ANBAR, "between five and eight", "killing between five and eight fighters", None, 5, 8,
     None, None, "killed", "fighter"),
    (ANBAR, "a number", '"a number of our mujahideen" had been killed', None, None, None, None,
     "a number", "killed", "mujahideen"),
    (ANBAR, "more than 60", "attacked more than 60 times", 60, 60, None, "more than", None, None,
     "time"),
    (IDLIB, "three", "killing nine civilians, including three children", 3, 3, 3, None, None,
     "killed", "child"),
    (IDLIB, "11", "put the death toll at 11", 11, 11, 11, None, None, "killed", None),
    (MARIB, "dozens", "had killed and wounded dozens of them", 12, None, None, None, "dozens",
     "casualties", None),
    (MARIB, "thousands", "thousands of fighters on both sides were killed", 1000, None, None,
     None, "thousands", "killed", "fighter"),
    (ADAN_YABAAL, "more than 30", '"more than 30 terrorists" died', 30, 30, None, "more than",
     None, "dead", "terrorist"),
    (ADAN_YABAAL, "at least 20", '"at least 20" bodies of soldiers', 20, 20, None, "at least",
     None, "dead", "soldier"),
    (SAKE, "more than 20", "“more than 20” wounded", 20, 20, None, "more than", None, "wounded",
     None),
]


@pytest.mark.parametrize(
    ("key", "text", "context", "value", "low", "high", "qualifier", "vague", "unit", "counted"),
    EXPECTED, ids=[f"{row[0]}:{row[2] or row[1]}" for row in EXPECTED])
def test_sample_figure(found, key, text, context, value, low, high, qualifier, vague, unit,
                       counted):
    f = figure(found, key, text, context or text)
    assert (f.value, f.low, f.high, f.qualifier, f.vague) == (value, low, high, qualifier, vague)
    assert (f.unit, f.counted) == (unit, counted)


@pytest.mark.parametrize(("key", "context"), [
    (BAMAKO, "a 22-year-old student"),  # an age
    (BAMAKO, "arrested on May 26"),  # a date
    (BAMAKO, "took power in 2020"),  # a year
    (BAMAKO, "scheduled for June 18"),
    (BAMAKO, "BAMAKO, June 3 (Sahel Monitor)"),  # a wire dateline
    (BOULKESSI, "at around 5 a.m."),  # a time
    (BOULKESSI, "since 2019"),
    (NYALA, "about 180 km (110 miles)"),  # distances
    (DJIBO, "about 30 km south of Djibo"),
    (KHERSON, "in the past 24 hours"),  # a duration
    (ANBAR, "since 17 October"),
    (SAKE, "around 25 km (15 miles)"),
    (ITURI, "since May 2021"),
    (JNIM, "on 12 March"),
    (BOULKESSI, "for nearly three hours"),
])
def test_not_counts_are_skipped(found, key, context):
    no_figure(found, key, context)


def test_one_is_a_count_only_with_a_unit(found):
    # "one of the sources said" and "one fell into the sea" count nothing.
    no_figure(found, MARIB, "one of the sources said")
    no_figure(found, "feed.atom#1", "one fell into the sea")


def test_every_sample_figure_is_well_formed(found):
    units = set(unit_words().units)
    vague_values = {phrase: value for phrase, (value, _) in number_words().vague.items()}
    for key, (doc, figures) in found.items():
        previous_end = 0
        for f in figures:
            where = f"{key}: {f}"
            assert doc.text[f.span.start:f.span.end] == f.span.text, where
            assert f.span.start >= previous_end, where  # in text order, never overlapping
            previous_end = f.span.end
            assert f.unit is None or f.unit in units, where
            assert f.rule.split("+")[0] in ("digits", "words", "vague", "range"), where
            if f.vague is None and f.value is None:  # a range
                assert f.low is not None and f.high is not None and f.low < f.high, where
            if f.qualifier is None and f.vague is None and f.value is not None:
                assert f.low == f.high == f.value, where  # exact
            if f.vague in vague_values:
                assert f.value == vague_values[f.vague], where


def test_units_are_found_for_most_sample_figures(found):
    # Measured on the 19 samples and the seed: 98 of 132 figures get a unit; the others
    # count things (vehicles, assaults, times), people to whom nothing happens ("two
    # residents said"), or are the three captives of Ituri ("were taken by the attackers").
    figures = [f for _, fs in found.values() for f in fs]
    with_unit = [f for f in figures if f.unit]
    assert len(figures) >= 110
    assert len(with_unit) >= 0.7 * len(figures)


# -- the data tables -----------------------------------------------------------------------

def test_vague_words_follow_the_design_rule():
    # ../shared/DESIGN.md: several/many/tens → 10, dozens → 12, scores → 20, hundreds → 100,
    # thousands → 1000.
    vague = number_words().vague
    design = {"several": 10, "many": 10, "tens": 10, "dozens": 12, "scores": 20,
              "hundreds": 100, "thousands": 1000}
    assert {word: vague[word][0] for word in design} == design


def test_every_unit_word_names_a_listed_unit():
    words = unit_words()  # raises when a row names a unit that is not listed
    assert {"killed", "dead", "wounded", "captured", "abducted", "arrested", "displaced",
            "missing", "executed", "evacuated"} <= set(words.units)
    kinds = {row[0] for row in table("figure_units.tsv")}
    assert kinds == {"unit", "verb", "adjective", "noun", "count", "combined", "person",
                     "measure"}


# -- the number reader on its own ----------------------------------------------------------

@pytest.mark.parametrize(("text", "phrase", "value", "low", "high", "qualifier", "vague"), [
    ("killed at least 1,700 people", "at least 1,700", 1700, 1700, None, "at least", None),
    ("twenty - five soldiers", "twenty - five", 25, 25, 25, None, None),
    ("two hundred and fifty men", "two hundred and fifty", 250, 250, 250, None, None),
    ("a dozen men", "a dozen", 12, 12, 12, None, None),
    ("a hundred thousand people", "a hundred thousand", 100000, 100000, 100000, None, None),
    ("half a dozen", "half a dozen", 6, 6, 6, None, None),
    ("up to 1.2 million people", "up to 1.2 million", 1200000, None, 1200000, "up to", None),
    ("as many as 50 people", "as many as 50", 50, None, 50, "as many as", None),
    ("nearly 40 people", "nearly 40", 40, None, 40, "nearly", None),
    ("some 6,000 people", "some 6,000", 6000, None, None, "some", None),
    ("12 or more people", "12 or more", 12, 12, None, "or more", None),
    ("killing 20 - 30 people", "20 - 30", None, 20, 30, None, None),
    ("killing 20–30 people", "20–30", None, 20, 30, None, None),
    ("two or three people", "two or three", None, 2, 3, None, None),
    ("between 20 and 30 people", "between 20 and 30", None, 20, 30, None, None),
    ("hundreds of thousands of people", "hundreds of thousands", 100000, None, None, None,
     "hundreds of thousands"),
    ("several dozen assailants", "several dozen", 12, None, None, None, "several dozen"),
    ("a handful of fighters", "a handful", 3, None, None, None, "a handful"),
    ("a number of fighters", "a number", None, None, None, None, "a number"),
])
def test_read_number(text, phrase, value, low, high, qualifier, vague):
    words = text.split()
    readings = [r for i in range(len(words)) if (r := read_number(words, i))]
    first = readings[0]
    assert " ".join(words[first.start:first.end]) == phrase
    assert (first.value, first.low, first.high) == (value, low, high)
    assert (first.qualifier, first.vague) == (qualifier, vague)


def test_every_number_word_and_vague_phrase_of_the_table_is_read():
    # read_number looks no further at a word no number phrase starts with: each phrase of
    # numbers.tsv, before a noun (and "of" for vague words), must still be read whole.
    t = number_words()
    phrases = [(p, ["people"]) for p in t.words] + [(p, ["of", "people"]) for p in t.vague]
    assert len(phrases) > 30
    for phrase, after in phrases:
        words = ["then", *phrase.split(" "), *after]
        reading = read_number(words, 1)
        assert reading is not None, phrase
        assert reading.number_start == 1 and reading.number_end >= 1 + len(phrase.split(" "))
        assert read_number(words, 0) is None and read_number(words, len(words) - 1) is None


@pytest.mark.parametrize("text", [
    "the first attack",  # ordinals are not counts
    "2.5 km",  # nor fractions
    "as many as",  # a qualifier with no number after it
    "how many people",
    "a number",  # "a number" is vague only as "a number of"
    "over the weekend",
])
def test_read_number_reads_no_count(text):
    words = text.split()
    readings = [r for i in range(len(words)) if (r := read_number(words, i))]
    assert not readings, readings


VOCABULARY = ["a", "an", "at", "least", "between", "and", "to", "-", "or", "more", "of",
              "one", "twenty", "five", "hundred", "thousand", "dozen", "dozens", "several",
              "tens", "many", "as", "up", "12", "1,700", "2.5", "20–30", "people", "killed"]


@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12))
def test_read_number_never_fails_and_stays_in_bounds(words):
    i = floor = 0  # scanned as find_figures scans: on after the end of each phrase
    while i < len(words):
        r = read_number(words, i, floor)
        if r is None:
            i += 1
            continue
        assert floor <= r.start <= r.number_start == i < r.number_end <= r.end <= len(words)
        assert r.value is None or r.value >= 0
        assert r.low is None or r.high is None or r.low <= r.high
        i = floor = r.end


# -- rules the samples do not exercise, on single sentences --------------------------------

@pytest.mark.parametrize(("sentence", "expected"), [
    ("France 24 reported that 14 people were killed.", [("14", "killed")]),
    ("Kurdistan 24 said the death toll rose to 54.", [("54", "killed")]),
    ("A total of 649 individuals were arrested.", [("649", "arrested")]),
    ("UN Security Council Resolution 2334 was adopted in 2016.", []),
    ("For details call +963 11 2345678 before 9 p.m.", []),
    ("The aid is worth $5 million and covers 10% of needs.", []),
    ("Gunmen left six dead and abducted 12 students.", [("six", "dead"), ("12", "abducted")]),
    ("A dozen were missing and 200 were taken prisoner.", [("A dozen", "missing"),
                                                           ("200", "captured")]),
    ("The shelling forced 300 families to flee.", [("300", "displaced")]),
    ("Two suicide bombers killed at least eight people.", [("Two", None),
                                                           ("at least eight", "killed")]),
    ("Kervin Michel, 35, of Newark was arrested with a five-member gang.", []),
])
def test_single_sentences(sentence, expected):
    doc = load_model(MODEL)(sentence)
    assert [(f.span.text, f.unit) for f in find_figures(doc)] == expected
