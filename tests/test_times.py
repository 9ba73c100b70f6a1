"""Times: time expressions in the bundled samples and the seed, resolved against each
document's publication date with the real spaCy model.

The expected dates come from samples-src/README.md (each sample's publication date and the day
its events happened) and from the seed's acceptance criteria in issue 4.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sitrep
from sitrep.cli import app
from sitrep.ingest.process import process
from sitrep.nlp import times, timex_rules, timex_values
from sitrep.nlp.model import load_model
from sitrep.nlp.registry import Context, get
from sitrep.records import Document, PublishedDate, RawDocument, TimeRef
from sitrep.settings import Limits, load_settings

from conftest import SAMPLES, SEED


@pytest.fixture(scope="module")
def nlp():
    return load_model(load_settings().spacy_model)


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, Document]:
    """Every sample document, ingested with the real CLI into a real SQLite file."""
    db = tmp_path_factory.mktemp("times") / "samples.db"
    result = CliRunner().invoke(app, ["--db", str(db), "ingest", str(SAMPLES)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with sitrep.open_store(db, readonly=True) as store:
        return {Path(d.source).name: d for d in store.documents()}


@dataclasses.dataclass(frozen=True)
class Found:
    """The times found in one document's text."""

    text: str
    refs: tuple[TimeRef, ...]

    def __call__(self, expression: str, after: str = "") -> TimeRef:
        """The TimeRef whose span is ``expression`` (the first one right after ``after``)."""
        for ref in self.refs:
            before = self.text[max(0, ref.span.start - len(after)):ref.span.start]
            if ref.span.text == expression and before == after:
                return ref
        raise AssertionError(f"no time {expression!r} after {after!r} in "
                             f"{[r.span.text for r in self.refs]}")

    def __len__(self) -> int:
        return len(self.refs)

    def __iter__(self):
        return iter(self.refs)


def times_of(doc: Document, nlp) -> Found:
    """The annotator as the pipeline runs it: looked up by name in the registry."""
    return Found(doc.text, get("times").fn(Context(doc, nlp(doc.text))))


def assert_ref(ref: TimeRef, value: str | None, start: str | None, end: str | None,
               granularity: str) -> None:
    assert (ref.value, ref.start, ref.end, ref.granularity) == (value, start, end, granularity)


# -- the seed (issue 4's acceptance) -----------------------------------------------------------


@pytest.fixture(scope="module")
def seed(nlp) -> tuple[Document, Found]:
    if not SEED.exists():
        pytest.skip("shared/seed is not present")
    raw = SEED.read_bytes()
    doc = process(RawDocument(raw=raw, media="text", content=raw, source_path=str(SEED)),
                  Limits())
    assert doc.published is not None and doc.published.value == "2014-06-16"  # a Monday
    return doc, times_of(doc, nlp)


def test_seed_weekdays_resolve_against_the_monday_publication(seed):
    _, refs = seed
    friday = refs("Friday", after="ISIS on ")  # "ISIS on Friday a tweet…"
    assert_ref(friday, "2014-06-13", "2014-06-13", "2014-06-13", "day")
    sunday = refs("Sunday", after="announcement ")
    assert_ref(sunday, "2014-06-15", "2014-06-15", "2014-06-15", "day")
    monday = refs("Monday", after="On ")  # the publication day itself
    assert_ref(monday, "2014-06-16", "2014-06-16", "2014-06-16", "day")
    for ref in (friday, sunday, monday):
        assert ref.anchor == "2014-06-16"
        assert ref.rule == "weekday"
        assert ref.kind == "date"


def test_seed_in_the_last_week_is_the_week_up_to_publication(seed):
    doc, refs = seed
    week = refs("the last week", after="in Iraq in ")
    assert_ref(week, "P1W", "2014-06-09", "2014-06-16", "week")
    assert week.kind == "duration"
    # TimeML extents: the preposition "in" is outside, the determiner inside.
    assert doc.text[week.span.start - 3:week.span.start] == "in "


def test_seed_spans_are_the_characters_of_the_clean_text(seed):
    doc, refs = seed
    assert len(refs) == 4
    for ref in refs:
        assert doc.text[ref.span.start:ref.span.end] == ref.span.text


# -- the samples --------------------------------------------------------------------------------


def test_blog_dated_only_in_its_text(samples, nlp):
    """Kherson blog, dated by the header line "Mar 4, 2023" (a Saturday)."""
    doc = samples["kherson-shelling_blog-dated-in-text.txt"]
    refs = times_of(doc, nlp)
    assert_ref(refs("Thursday", after="Kherson on "), "2023-03-02", "2023-03-02",
               "2023-03-02", "day")
    assert_ref(refs("Friday morning"), "2023-03-03TMO", "2023-03-03", "2023-03-03", "day")
    assert refs("Friday morning").kind == "time"
    # "in November" in a March article, past tense: the November before (README: Nov 2022)
    assert_ref(refs("November"), "2022-11", "2022-11-01", "2022-11-30", "month")
    # last week = the previous calendar week, Monday to Sunday
    assert_ref(refs("last week"), "2023-W08", "2023-02-20", "2023-02-26", "week")
    assert_ref(refs("this week"), "2023-W09", "2023-02-27", "2023-03-05", "week")
    assert_ref(refs("the past 24 hours"), "PT24H", "2023-03-03", "2023-03-04", "time")
    assert refs("every day").kind == "set"


def test_last_october_and_the_publication_day_weekday(samples, nlp):
    """Marib clashes, published Tuesday 2023-09-19."""
    refs = times_of(samples["arabia-wire_marib-sirwah-clashes.html.gz"], nlp)
    assert_ref(refs("last October"), "2022-10", "2022-10-01", "2022-10-31", "month")
    assert_ref(refs("Monday"), "2023-09-18", "2023-09-18", "2023-09-18", "day")
    # "A Saudi official said on Tuesday" in a Tuesday article: that same day
    assert_ref(refs("Tuesday"), "2023-09-19", "2023-09-19", "2023-09-19", "day")
    assert_ref(refs("last week"), "2023-W37", "2023-09-11", "2023-09-17", "week")
    duration = refs("several hours")
    assert (duration.value, duration.kind) == ("PTXH", "duration")


def test_earlier_this_month_and_since(samples, nlp):
    """Sinjar drone strike (wire.jsonl line 2), published 2023-10-17."""
    refs = times_of(samples["wire.jsonl#2"], nlp)
    earlier = refs("Earlier this month")
    assert_ref(earlier, "2023-10", "2023-10-01", "2023-10-17", "month")
    since = refs("the start of the year")
    assert_ref(since, "2023", "2023-01-01", "2023-10-17", "year")
    assert since.rule.endswith("+since")


def test_since_a_day_without_year(samples, nlp):
    """Ain al-Asad (feed.rss item 2), published 2023-11-22: "since 17 October"."""
    refs = times_of(samples["feed.rss#2"], nlp)
    since = refs("17 October")
    assert_ref(since, "2023-10-17", "2023-10-17", "2023-11-22", "day")
    assert since.rule == "date-dm+since"
    assert_ref(refs("Tuesday"), "2023-11-21", "2023-11-21", "2023-11-21", "day")


def test_a_misparsed_clause_does_not_send_sunday_forward(samples, nlp):
    """Djibo abduction (feed.atom entry 2), published Tuesday 2023-07-11: the parser reads
    "travelling to Djibo" as an infinitive; the clause is still past ("abducted")."""
    refs = times_of(samples["feed.atom#2"], nlp)
    assert_ref(refs("Sunday"), "2023-07-09", "2023-07-09", "2023-07-09", "day")
    assert_ref(refs("Last month"), "2023-06", "2023-06-01", "2023-06-30", "month")
    assert_ref(refs("the weekend"), "2023-W27-WE", "2023-07-08", "2023-07-09", "week")


def test_future_month_and_durations(samples, nlp):
    """Adan Yabaal (published 2024-08-27): "before its mandate ends in December" is ahead."""
    refs = times_of(samples["horn-observer_adan-yabaal-base-attack.txt.gz"], nlp)
    assert_ref(refs("December"), "2024-12", "2024-12-01", "2024-12-31", "month")
    assert_ref(refs("Monday"), "2024-08-26", "2024-08-26", "2024-08-26", "day")
    assert (refs("a week").value, refs("a week").kind) == ("P1W", "duration")


def test_range_from_sunday_to_monday(samples, nlp):
    """Djugu camp attack (WARC record 4, published 2023-12-05): the night of Sun 3 to Mon 4."""
    refs = times_of(samples["crawl.warc.gz#4"], nlp)
    night = refs("Sunday to Monday")
    assert_ref(night, "2023-12-03/2023-12-04", "2023-12-03", "2023-12-04", "day")
    assert night.rule == "range"
    assert_ref(refs("May 2021"), "2021-05", "2021-05-01", "2023-12-05", "month")


def test_clock_time_and_year_since(samples, nlp):
    """Boulkessi (published Tuesday 2024-03-12, 21:40 UTC): the attack that morning."""
    refs = times_of(samples["sahel-monitor_boulkessi-camp-attack.html"], nlp)
    assert_ref(refs("Tuesday"), "2024-03-12", "2024-03-12", "2024-03-12", "day")
    clock = refs("around 5 a.m.")
    assert_ref(clock, "2024-03-12T05:00", "2024-03-12", "2024-03-12", "time")
    assert clock.kind == "time"
    assert_ref(refs("2019"), "2019", "2019-01-01", "2024-03-12", "year")
    assert_ref(refs("last year"), "2023", "2023-01-01", "2023-12-31", "year")
    assert_ref(refs("2020"), "2020", "2020-01-01", "2020-12-31", "year")


def test_date_without_year_and_this_week(samples, nlp):
    """JNIM claim (WARC record 3, published Thursday 2024-03-14): "on 12 March"."""
    refs = times_of(samples["crawl.warc.gz#3"], nlp)
    assert_ref(refs("12 March"), "2024-03-12", "2024-03-12", "2024-03-12", "day")
    assert_ref(refs("Wednesday"), "2024-03-13", "2024-03-13", "2024-03-13", "day")
    assert_ref(refs("this week"), "2024-W11", "2024-03-11", "2024-03-17", "week")


def test_repost_keeps_the_event_day(samples, nlp):
    """The blog repost is dated Wednesday 2024-05-22; its "on Sunday" is still the 19th."""
    refs = times_of(samples["blogspot-repost_el-fasher-shelling.html"], nlp)
    assert_ref(refs("Sunday", after="El Fasher on "), "2024-05-19", "2024-05-19",
               "2024-05-19", "day")
    afternoon = refs("Sunday afternoon")
    assert (afternoon.value, afternoon.granularity, afternoon.kind) == (
        "2024-05-19TAF", "day", "time")


def test_undated_document_leaves_relative_times_unresolved(samples, nlp):
    """The Bamako wire has no date anywhere in its metadata: nothing relative is guessed."""
    doc = samples["sahel-monitor-wire_bamako-protest.txt"]
    assert doc.published is None
    refs = times_of(doc, nlp)
    for text in ("Friday", "Friday evening", "May 26", "next Friday", "June 18", "this year"):
        ref = refs(text)
        assert (ref.value, ref.start, ref.end, ref.anchor, ref.rule) == (
            None, None, None, None, "unanchored"), text
    # An absolute year needs no anchor; a set needs none either.
    assert_ref(refs("2020"), "2020", "2020-01-01", "2020-12-31", "year")
    assert refs("every Friday").value == "XXXX-WXX-5"


def test_the_same_text_anchored(samples, nlp):
    """The Bamako text again, given the date its README establishes (Saturday 2023-06-03):
    past "on Friday", future "next Friday", a planned "scheduled for June 18"."""
    doc = dataclasses.replace(samples["sahel-monitor-wire_bamako-protest.txt"],
                              published=PublishedDate("2023-06-03", "day", "text"))
    refs = times_of(doc, nlp)
    assert_ref(refs("Friday", after="Bamako on "), "2023-06-02", "2023-06-02",
               "2023-06-02", "day")
    assert refs("Friday evening").value == "2023-06-02TEV"
    assert_ref(refs("next Friday"), "2023-06-09", "2023-06-09", "2023-06-09", "day")
    assert_ref(refs("May 26"), "2023-05-26", "2023-05-26", "2023-05-26", "day")
    assert_ref(refs("June 18"), "2023-06-18", "2023-06-18", "2023-06-18", "day")
    assert refs("June 3").value == "2023-06-03"  # the dateline


def test_every_sample_span_is_exact_and_excludes_prepositions(samples, nlp):
    seen = 0
    for doc in samples.values():
        for ref in times_of(doc, nlp):
            seen += 1
            assert doc.text[ref.span.start:ref.span.end] == ref.span.text
            first = ref.span.text.split()[0].lower()
            assert first not in ("on", "in", "since", "at", "during"), ref.span.text
            if ref.value is not None and ref.kind in ("date", "time") and ref.start:
                assert ref.end is None or ref.start <= ref.end
    assert seen > 80


# -- sentences for behaviour the samples do not show -------------------------------------------


def parsed(text: str, published: str | None, nlp) -> Found:
    doc = Document(
        id="t", source="t", source_path="t", record=None, container="file", media="text",
        url=None, site=None, title=None, byline=None,
        published=PublishedDate(published, "day", "text") if published else None,
        language="en", language_score=None, text=text, cited_sources=(), fingerprint="")
    return times_of(doc, nlp)


@pytest.mark.parametrize(("sentence", "expression", "value"), [
    # Monday 2014-06-16
    ("The two sides will meet on Friday to discuss a ceasefire.", "Friday", "2014-06-20"),
    ("The envoy said talks would resume on Thursday.", "Thursday", "2014-06-19"),
    ("The rebels attacked the town on Friday.", "Friday", "2014-06-13"),
    ("Officials said on Monday that the road was closed.", "Monday", "2014-06-16"),
    ("The army retook the bridge yesterday.", "yesterday", "2014-06-15"),
    ("Shelling continued last night.", "last night", "2014-06-15TNI"),
    ("The strike came last Friday.", "last Friday", "2014-06-13"),
    ("A convoy is due next Monday.", "next Monday", "2014-06-23"),
    ("Fighting has intensified since January.", "January", "2014-01"),
    ("The vote is scheduled for 3 July.", "3 July", "2014-07-03"),
    ("Troops entered the city in March 2013.", "March 2013", "2013-03"),
    ("Aid stopped in the 1990s.", "the 1990s", "199"),
    ("The siege lasted three days.", "three days", "P3D"),
    ("He signed a two-year contract.", "two-year", "P2Y"),
    ("The talks took 2 1/2 years.", "2 1/2 years", "P2Y6M"),
    ("Patrols go out twice a day.", "a day", "P1D"),
    ("The camp was shelled every Friday.", "every Friday", "XXXX-WXX-5"),
    ("The ceasefire began at 0600 GMT.", "0600 GMT", "2014-06-16T06:00"),
    ("Clashes erupted later this week.", "later this week", "2014-W25"),
    ("The offensive began last month.", "last month", "2014-05"),
    ("Casualties rose in the past three days.", "the past three days", "P3D"),
    ("The militia was formed two years ago.", "two years ago", "2012"),
    ("The front has been quiet recently.", "recently", "PAST_REF"),
    ("Elections are planned for early next year.", "early next year", "2015"),
    ("Talks resume tonight in Geneva.", "tonight", "2014-06-16TNI"),
    ("The shelling stopped today.", "today", "2014-06-16"),
    ("Strikes hit the port between 3 and 5 March.", "3 and 5 March", "2014-03-03/2014-03-05"),
    ("The city was cut off from Monday to Wednesday.", "Monday to Wednesday",
     "2014-06-09/2014-06-11"),
])
def test_sentences(nlp, sentence, expression, value):
    refs = parsed(sentence, "2014-06-16", nlp)
    assert refs(expression).value == value


def test_intervals_of_relative_periods(nlp):
    refs = parsed("Clashes have killed 40 people in the past three days and more since "
                  "17 October; earlier this year the town fell.", "2014-06-16", nlp)
    assert_ref(refs("the past three days"), "P3D", "2014-06-13", "2014-06-16", "day")
    assert_ref(refs("17 October"), "2013-10-17", "2013-10-17", "2014-06-16", "day")
    assert_ref(refs("earlier this year"), "2014", "2014-01-01", "2014-06-16", "year")


def test_anaphoric_times_follow_the_last_date(nlp):
    refs = parsed("Rebels entered the town on 3 March. The next day, the army shelled it. "
                  "A year earlier, the town had been calm.", "2014-06-16", nlp)
    assert refs("The next day").value == "2014-03-04"
    assert refs("The next day").anchor == "2014-03-03"
    # against the last date mentioned, which is now the next day
    assert refs("A year earlier").value == "2013-03-04"
    assert refs("A year earlier").anchor == "2014-03-04"


def test_counts_are_not_years(nlp):
    refs = parsed("Gunmen killed about 1900 people in 1999.", "2014-06-16", nlp)
    assert [r.span.text for r in refs] == ["1999"]


def test_without_a_parse_the_rules_still_run():
    refs = times.resolve_times("It rained on Friday, 16 June 2014.", None, date(2014, 6, 18))
    assert [(r.span.text, r.value) for r in refs] == [("Friday, 16 June 2014", "2014-06-16")]


def test_a_rule_is_skipped_only_where_it_cannot_match(samples):
    """A rule is not run on a text that lacks all its required words (a speed-up): on every
    sample, as written and in capitals, each rule so skipped has no match at all."""
    rules = timex_rules.compiled_rules()
    assert sum(1 for c in rules if c.needs) > len(rules) // 2  # most rules have words
    skipped = 0
    for doc in samples.values():
        for text in (doc.text, doc.text.upper()):
            lowered = text.lower()
            for c in rules:
                if c.needs and not any(w in lowered for w in c.needs):
                    skipped += 1
                    assert c.regex.search(text) is None, (c.rule.name, c.needs)
    assert skipped > 0


def test_required_words_of_patterns():
    # Of the words every match holds, the longest: "year" (not "ago").
    assert timex_rules.required_words(r"(?:about\s+)?\d+\s+years?\s+ago") == ("year",)
    assert timex_rules.required_words(r"(?:last|next)\s+week") == ("week",)
    assert timex_rules.required_words(r"(?:early|late)\s+\d{4}") == ("early", "late")
    assert timex_rules.required_words(r"(?:in\s+)?\d{4}") is None


def test_a_letter_matched_only_case_insensitively_still_finds_its_rule():
    """'İ' (dotted capital I) matches 'i' in a case-insensitive pattern but lowercases to
    'i̇': a text holding it runs every rule, so its weekday is found."""
    found = timex_rules.find_mentions("The talks resumed on Frİday in Ankara.")
    assert [(m.text, m.rule) for m in found] == [("Frİday", "weekday")]


def test_every_rule_has_a_resolver():
    names = {rule.name for rule in timex_rules.RULES}
    assert names <= set(timex_values.RESOLVERS)


def test_unanchored_keeps_absolute_dates(nlp):
    refs = parsed("The siege began on 16 June 2014 and ended on Friday.", None, nlp)
    assert_ref(refs("16 June 2014"), "2014-06-16", "2014-06-16", "2014-06-16", "day")
    assert refs("Friday").rule == "unanchored"


@pytest.mark.parametrize(("text", "value"), [
    ("three", 3), ("twenty-four", 24), ("twenty four", 24), ("a", 1), ("2 1/2", 2.5),
    ("1,000", 1000), ("a couple of", 2), ("several", None), ("one and a half", 1.5),
    ("two thousand", 2000), ("a dozen", 12), ("half an", 0.5),
])
def test_number_words(text, value):
    assert timex_rules.number_value(text) == value


@pytest.mark.parametrize(("n", "unit", "value"), [
    (3, "D", "P3D"), (2.5, "Y", "P2Y6M"), (5.5, "TH", "PT5H30M"), (0.5, "TH", "PT30M"),
    (None, "Y", "PXY"), (None, "TH", "PTXH"), (2, "10Y", "P20Y"), (1.5, "TM", "PT1M30S"),
])
def test_duration_values(n, unit, value):
    assert timex_values.duration_value(n, unit) == value


def test_resource_tables_load():
    vocab = timex_rules.vocabulary()
    assert vocab.value("month", "Sept.") == "9"
    assert vocab.value("month", "sept") == "9"
    assert vocab.value("weekday", "Friday") == "5"
    assert vocab.value("reference", "recently") == "PAST_REF"
    assert vocab.value("holiday", "Thanksgiving") == "11-4-4"
