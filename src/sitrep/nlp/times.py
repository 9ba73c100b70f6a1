"""Times: time expressions, normalised against the document's publication date.

``timex_rules`` finds where the expressions are; this module says what each means. The
publication day is the *anchor*: "yesterday", "on Friday", "last week" and "earlier this
month" are resolved against it, and a year-less "17 October" or "in November" is placed by the
tense of the verb it belongs to (a past-tense "said on Friday" looks back, a "will meet on
Friday" looks forward). Expressions that point at an earlier date in the text ("that day", "a
year earlier", "the next morning") are resolved against the last date mentioned before them.

Values are TimeML TIMEX3 values ("2014-06-13", "2014-W24", "2014-06", "P3D", "PAST_REF"), so the
output can be scored with TempEval-3's metrics; ``start``/``end`` is the inclusive interval of
days the expression covers ("earlier this month": the first of the month to the anchor; "in
the last week": the anchor minus seven days to the anchor). Without a publication date nothing
relative is guessed: such expressions are kept with no value and the rule ``unanchored`` (an
absolute "16 June 2014" still resolves, and a duration keeps its length).

``TimeRef.rule`` names the rule of ``timex_rules`` that found the expression; ``+since`` is
added when "since" made it the start of an interval running to the anchor, ``range`` marks
two dates joined as one ("from Monday to Wednesday"), and ``unresolved`` an expression found
but not placed (a "that day" with no day before it).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from spacy.tokens import Doc, Token

from ..records import Document, Granularity, Span, TimeRef
from .registry import Context, annotator
from .timex_rules import Mention, find_mentions, number_value, vocabulary

Kind = Literal["date", "time", "duration", "set"]
PAST, UNKNOWN, FUTURE = -1, 0, 1
DAY_PRECISIONS = ("datetime", "day")  # a publication date this precise is an anchor

# Calendar units as written -> the TimeML duration letter (see resources/time_words.tsv).
UNIT_GRANULARITY: dict[str, Granularity] = {
    "TS": "time", "TM": "time", "TH": "time", "D": "day", "W": "week", "2W": "week",
    "WE": "week", "M": "month", "Q": "quarter", "Y": "year", "10Y": "decade",
    "100Y": "century",
}
# Finest first: a reading can be made coarser ("a year earlier" than a quarter), not finer.
GRANULARITY_RANK = ("time", "day", "week", "month", "quarter", "season", "year", "decade",
                    "century", "unknown")
DECADE_WORDS = ("twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                "eighties", "nineties")  # "the nineties": of the 1900s
SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}  # first month; each lasts three
# What a fraction of a unit is in the next smaller one: "2 1/2 years" is P2Y6M (TimeBank).
FRACTION_UNIT = {"Y": (12, "M"), "M": (30, "D"), "W": (7, "D"), "D": (24, "TH"),
                 "TH": (60, "TM"), "TM": (60, "TS")}
# Verbs' auxiliaries that put a clause in the future ("will meet on Friday").
FUTURE_AUXILIARIES = frozenset({"will", "'ll", "ll", "shall", "wo", "’ll"})
# Verbs whose dates lie ahead even in the past tense ("planned a march on Saturday", "the vote
# was scheduled for 18 June"). Not "set" ("set fire to a post on Friday") nor "vow" and
# "threaten", whose own date is past: what they announce is an infinitive, handled as such.
PLANNING_VERBS = frozenset({"plan", "schedule", "expect", "postpone", "slate", "intend"})
# Words just before an expression that make it a deadline or an earliest date: ahead.
FUTURE_SIGNALS = re.compile(
    r"\b(?:until|till|ahead\s+of|as\s+soon\s+as|as\s+early\s+as|no\s+later\s+than|"
    r"no\s+earlier\s+than|due|effective|payable|expires?|expiring)\s+(?:on\s+)?$",
    re.IGNORECASE)
# Words before a four-digit number that make it a count, not a year ("about 2000 troops").
COUNT_WORDS = frozenset({"about", "some", "nearly", "around", "over", "than", "least",
                         "almost", "approximately", "roughly", "to", "estimated", "only"})
# Words before an expression that make it the start of an interval running to the anchor.
SINCE = re.compile(r"\b(?:since|ever\s+since)\s*$", re.IGNORECASE)
# Between two dates, words that make them one range ("from 3 to 5 March", "between 2010 and
# 2014"); "and" only after "between", so that lists of dates stay apart.
RANGE_OPENERS = re.compile(r"\b(between|from)\s+$", re.IGNORECASE)
RANGE_JOINERS = {"between": re.compile(r"^\s*(?:and|-|–)\s*$"),
                 "from": re.compile(r"^\s*(?:to|until|till|through|-|–)\s*$", re.IGNORECASE)}


@dataclass(frozen=True)
class Reading:
    """What an expression means: a TIMEX3 value and the days it covers."""

    value: str | None
    granularity: Granularity
    start: date | None = None
    end: date | None = None
    kind: Kind = "date"


@dataclass(frozen=True)
class Situation:
    """What a rule resolves against."""

    anchor: date | None  # the publication day
    reference: Reading | None  # the last date mentioned before this expression
    tense: Callable[[], int]  # PAST / UNKNOWN / FUTURE of the governing verb, computed lazily


class Unanchored(Exception):
    """The expression is relative and the document has no publication day."""


def need(anchor: date | None) -> date:
    if anchor is None:
        raise Unanchored
    return anchor


# -- calendar units ----------------------------------------------------------------------------


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def shift(d: date, unit: str, n: float) -> date:
    """``d`` moved by ``n`` units (TimeML letters); clock units move by whole days."""
    if unit in ("D", "W", "2W", "WE"):
        return d + timedelta(days=round(n * {"D": 1, "W": 7, "2W": 14, "WE": 7}[unit]))
    if unit in ("M", "Q", "Y", "10Y", "100Y"):
        per = {"M": 1, "Q": 3, "Y": 12, "10Y": 120, "100Y": 1200}[unit]
        return add_months(d, round(n * per))
    hours = n * {"TH": 1, "TM": 1 / 60, "TS": 1 / 3600}.get(unit, 0)
    return d + timedelta(days=int(hours / 24))  # "the past 24 hours" reach back one day


def day(d: date) -> Reading:
    return Reading(d.isoformat(), "day", d, d)


def week(d: date, *, weekend: bool = False) -> Reading:
    y, w, _ = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    if weekend:
        return Reading(f"{y}-W{w:02d}-WE", "week", monday + timedelta(5), monday + timedelta(6))
    return Reading(f"{y}-W{w:02d}", "week", monday, monday + timedelta(6))


def month(y: int, m: int) -> Reading:
    return Reading(f"{y:04d}-{m:02d}", "month", date(y, m, 1), last_day(y, m))


def quarter(y: int, q: int) -> Reading:
    return Reading(f"{y:04d}-Q{q}", "quarter", date(y, 3 * q - 2, 1), last_day(y, 3 * q))


def half(y: int, h: int) -> Reading:
    return Reading(f"{y:04d}-H{h}", "quarter", date(y, 6 * h - 5, 1), last_day(y, 6 * h))


def year(y: int) -> Reading:
    return Reading(f"{y:04d}", "year", date(y, 1, 1), date(y, 12, 31))


def decade(first: int) -> Reading:
    return Reading(f"{first // 10:03d}", "decade", date(first, 1, 1), date(first + 9, 12, 31))


def century(index: int) -> Reading:
    """``index`` as TimeML writes it: 19 is the 1900s (the twentieth century)."""
    return Reading(f"{index:02d}", "century", date(index * 100, 1, 1),
                   date(index * 100 + 99, 12, 31))


def season(y: int, code: str) -> Reading:
    """A season of year ``y``; winter is the one that starts in December of ``y``."""
    first = date(y, SEASON_MONTHS[code], 1)
    return Reading(f"{y:04d}-{code}", "season", first, add_months(first, 3) - timedelta(1))


def unit_of(unit: str, d: date) -> Reading:
    """The calendar unit (a word as written, or a TimeML letter) that contains ``d``."""
    key = unit.lower().replace("fiscal ", "")
    if key in ("day", "d", "morning", "afternoon", "evening", "night"):
        return day(d)
    if key in ("week", "w", "2w"):
        return week(d)
    if key in ("weekend", "we"):
        return week(d, weekend=True)
    if key in ("month", "m"):
        return month(d.year, d.month)
    if key in ("quarter", "q"):
        return quarter(d.year, (d.month - 1) // 3 + 1)
    if key in ("decade", "10y"):
        return decade(d.year // 10 * 10)
    if key in ("century", "100y"):
        return century(d.year // 100)
    code = vocabulary().value("season", key)
    if code:
        return season(d.year, code)
    return year(d.year)


def letter(unit_word: str) -> str:
    """The TimeML letter of a unit word ("days" -> "D")."""
    vocab = vocabulary()
    return vocab.value("unit", unit_word) or vocab.value("unit_plural", unit_word) or "Y"


POSITIONS = {  # where in an interval a modifier points: (start, end) as fractions of it
    "early": (0, 1 / 3), "beginning": (0, 1 / 3), "start": (0, 1 / 3), "early part": (0, 1 / 3),
    "mid": (1 / 3, 2 / 3), "middle": (1 / 3, 2 / 3), "late": (2 / 3, 1), "end": (2 / 3, 1),
    "latter part": (1 / 2, 1), "first half": (0, 1 / 2), "second half": (1 / 2, 1),
}


def narrow(reading: Reading, position: str | None, anchor: date | None) -> Reading:
    """``reading`` with its interval cut to "early", "late", "earlier this …" etc.; the value
    is unchanged (TimeML keeps it and records the position as a modifier)."""
    if not position or reading.start is None or reading.end is None:
        return reading
    key = " ".join(position.lower().replace("the ", "").replace(" of", "").split())
    start, end = reading.start, reading.end
    if key in ("earlier", "rest", "remainder", "later"):
        if anchor is None or not start <= anchor <= end:
            return reading
        return replace(reading, end=anchor) if key == "earlier" else replace(reading, start=anchor)
    if key not in POSITIONS:
        return reading
    a, b = POSITIONS[key]
    days = (end - start).days + 1
    return replace(reading, start=start + timedelta(days=int(days * a)),
                   end=start + timedelta(days=max(int(days * b) - 1, int(days * a))))


# -- placing year-less dates -------------------------------------------------------------------


def nearest(candidates: list[Reading], anchor: date, direction: int) -> Reading:
    """Of the readings (one per year around the anchor), the latest that starts on or before
    the anchor (past), the earliest that ends on or after it (future), else the closest."""
    if direction == PAST:
        before = [r for r in candidates if r.start and r.start <= anchor]
        if before:
            return max(before, key=lambda r: r.start or anchor)
    if direction == FUTURE:
        after = [r for r in candidates if r.end and r.end >= anchor]
        if after:
            return min(after, key=lambda r: r.end or anchor)

    def distance(r: Reading) -> int:
        if r.start and r.end and r.start <= anchor <= r.end:
            return 0
        return min(abs((r.start - anchor).days), abs((r.end - anchor).days)) if (
            r.start and r.end) else 10**6
    return min(candidates, key=lambda r: (distance(r), r.start or anchor))


def year_for(month_number: int, anchor: date, direction: int) -> int:
    """The year of a year-less month or date (HeidelTime's news rule): the anchor's year,
    moved back when a past-tense clause names a later month, forward when a future one names
    an earlier month. The same month as the anchor's stays in the anchor's year either way:
    tense is read off the parse and fails more often than a report strays a year."""
    if direction == PAST and month_number > anchor.month:
        return anchor.year - 1
    if direction == FUTURE and month_number < anchor.month:
        return anchor.year + 1
    return anchor.year


def around(anchor: date, make: Callable[[int], Reading | None]) -> list[Reading]:
    return [r for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (r := make(y))]


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def full_year(text: str, anchor: date | None) -> int:
    """A year as written: "1998", or "'98" read as the nearest past century's."""
    digits = text.strip("'’")
    if len(digits) == 4:
        return int(digits)
    yy = int(digits)
    pivot = (anchor.year if anchor else 2000) % 100 + 1
    century_start = ((anchor.year if anchor else 2000) // 100) * 100
    return century_start + yy if yy <= pivot else century_start - 100 + yy


# -- the rules' meanings ----------------------------------------------------------------------


def r_date(m: Mention, s: Situation) -> Reading | None:
    vocab = vocabulary()
    if m.get("monthnum"):
        mo = int(m.parts["monthnum"])
    elif m.get("first"):  # numeric m/d/y, or d/m/y when the first number cannot be a month
        a, b = int(m.parts["first"]), int(m.parts["second"])
        mo, dy = (b, a) if a > 12 else (a, b)
        return _day_of(full_year(m.parts["year"], s.anchor), mo, dy)
    else:
        mo = int(vocab.value("month", m.parts["month"]) or 0)
    dy = int(re.sub(r"\D", "", m.parts["day"]))
    if m.get("year"):
        return _day_of(full_year(m.parts["year"], s.anchor), mo, dy)
    anchor = need(s.anchor)
    if m.get("weekday"):  # "Monday, Oct. 26": the year in which that date is a Monday
        iso = int(vocab.value("weekday", m.parts["weekday"]) or 0)
        for y in (anchor.year, anchor.year - 1, anchor.year + 1):
            d = safe_date(y, mo, dy)
            if d and d.isoweekday() == iso:
                return day(d)
    return _day_of(year_for(mo, anchor, s.tense()), mo, dy)


def _day_of(y: int, mo: int, dy: int) -> Reading | None:
    d = safe_date(y, mo, dy)
    return day(d) if d else None


def r_range(m: Mention, s: Situation) -> Reading | None:
    end = r_date(m, s)
    if end is None or end.start is None:
        return None
    first = safe_date(end.start.year, end.start.month, int(re.sub(r"\D", "", m.parts["day1"])))
    if first is None or first > end.start:
        return None
    return Reading(f"{first.isoformat()}/{end.value}", "day", first, end.end)


def r_month(m: Mention, s: Situation) -> Reading | None:
    mo = int(vocabulary().value("month", m.parts["month"]) or 0)
    position = m.get("pos")
    if m.get("year"):
        return narrow(month(full_year(m.parts["year"], s.anchor), mo), position, s.anchor)
    anchor = need(s.anchor)
    rel = " ".join((m.get("rel") or m.get("rely") or "").lower().split())
    if m.get("rely"):
        offset = {"last": -1, "next": 1}.get(rel, 0)
        return narrow(month(anchor.year + offset, mo), position, anchor)
    if rel in ("last", "past", "this past"):
        y = anchor.year if mo < anchor.month else anchor.year - 1
    elif rel in ("next", "coming", "this coming"):
        y = anchor.year if mo > anchor.month else anchor.year + 1
    elif rel == "this":
        y = anchor.year
    else:
        y = year_for(mo, anchor, s.tense())
    return narrow(month(y, mo), position, anchor)


def r_year(m: Mention, s: Situation) -> Reading | None:
    if m.get("spoken"):  # "nineteen ninety-six", "the year two thousand and one"
        words = m.parts["spoken"].lower().split()
        base = 2000 if words[:2] == ["two", "thousand"] else 1900
        n = number_value(" ".join(words[2:] if base == 2000 else words[1:]) or "0")
        return year(base + int(n)) if n is not None and n < 100 else None
    return narrow(year(full_year(m.parts["year"], s.anchor)), m.get("pos"), s.anchor)


def r_decade(m: Mention, s: Situation) -> Reading | None:
    if m.get("decade"):
        first = int(m.parts["decade"])
    elif m.get("short"):
        first = full_year(m.parts["short"], s.anchor)
    else:
        first = 1920 + 10 * DECADE_WORDS.index(m.parts["word"].lower())
    return narrow(decade(first), m.get("pos"), s.anchor)


def r_century(m: Mention, s: Situation) -> Reading | None:
    text = m.parts["ord"].lower()
    n = int(text[:-2]) if text[:1].isdigit() else int(vocabulary().value("ordinal", text) or 0)
    return narrow(century(n - 1), m.get("pos"), s.anchor) if n > 0 else None


def r_quarter(m: Mention, s: Situation) -> Reading | None:
    if m.get("code"):
        n, unit = int(m.parts["code"][1]), "quarter"
    else:
        n = int(re.sub(r"\D", "", m.parts["ord"]) or vocabulary().value("ordinal", m.parts["ord"])
                or 0)
        unit = m.parts["unit"].lower()
    make = quarter if unit == "quarter" else half
    if (unit == "quarter" and not 1 <= n <= 4) or (unit == "half" and not 1 <= n <= 2):
        return None
    written = m.get("year") or m.get("year2")
    if written:
        return make(int(written), n)
    anchor = need(s.anchor)
    rel = (m.get("rel") or "").lower()
    if rel in ("this", "current", "same", "last", "next", "coming"):
        return make(anchor.year + {"last": -1, "next": 1, "coming": 1}.get(rel, 0), n)
    # A quarter or half named alone is the latest one begun: financial news reports results
    # ("third-quarter earnings") after the fact, even in future-tense clauses.
    return nearest(around(anchor, lambda y: make(y, n)), anchor, PAST)


def r_season(m: Mention, s: Situation) -> Reading | None:
    code = vocabulary().value("season", m.parts["season"]) or "SU"
    if m.get("year"):
        return narrow(season(full_year(m.parts["year"], s.anchor), code), m.get("pos"), s.anchor)
    anchor = need(s.anchor)
    rel = " ".join((m.get("rel") or "").lower().split())
    candidates = around(anchor, lambda y: season(y, code))
    if rel in ("last", "past", "this past"):
        reading = max((r for r in candidates if r.end and r.end < anchor),
                      key=lambda r: r.start or anchor)
    elif rel in ("next", "coming", "this coming"):
        reading = min((r for r in candidates if r.start and r.start > anchor),
                      key=lambda r: r.start or anchor)
    elif rel == "this":
        reading = season(anchor.year, code)
    else:
        reading = nearest(candidates, anchor, s.tense() or PAST)
    return narrow(reading, m.get("pos"), anchor)


def holiday_on(y: int, rule: str) -> Reading | None:
    """A holiday's day in year ``y``: "12-25" (a fixed date) or "11-4-4" (month, n-th,
    ISO weekday: the fourth Thursday of November)."""
    numbers = [int(x) for x in rule.split("-")]
    if len(numbers) == 2:
        return _day_of(y, numbers[0], numbers[1])
    mo, nth, iso = numbers
    first = date(y, mo, 1)
    return day(first + timedelta(days=(iso - first.isoweekday()) % 7 + 7 * (nth - 1)))


def r_holiday(m: Mention, s: Situation) -> Reading | None:
    rule = vocabulary().value("holiday", m.parts["holiday"]) or "1-1"
    mo = int(rule.split("-")[0])
    if m.get("year"):
        return holiday_on(full_year(m.parts["year"], s.anchor), rule)
    anchor = need(s.anchor)
    rel = (m.get("rel") or "").lower()
    if rel in ("last", "next"):
        candidates = around(anchor, lambda y: holiday_on(y, rule))
        if rel == "last":
            return max((r for r in candidates if r.start and r.start < anchor),
                       key=lambda r: r.start or anchor, default=None)
        return min((r for r in candidates if r.start and r.start > anchor),
                   key=lambda r: r.start or anchor, default=None)
    return holiday_on(year_for(mo, anchor, s.tense()), rule)


def with_part(reading: Reading, part: str | None) -> Reading:
    """A day with a part of it: 2014-06-13TEV, still of day granularity."""
    code = vocabulary().value("part", part) if part else None
    if not code or reading.value is None:
        return reading
    if ":" in code:
        return replace(reading, value=f"{reading.value}T{code}", granularity="time", kind="time")
    return replace(reading, value=f"{reading.value}T{code}", kind="time")


def r_weekday(m: Mention, s: Situation) -> Reading | None:
    iso = int(vocabulary().value("weekday", m.parts["weekday"]) or 1)
    rel = " ".join((m.get("rel") or "").lower().replace("the ", "").split())
    base = need(s.anchor)
    if rel in ("previous", "following") and s.reference and s.reference.granularity == "day":
        base = s.reference.start or base
    back = (base.isoweekday() - iso) % 7
    if rel in ("last", "past", "this past", "previous"):
        d = base - timedelta(days=back or 7)
    elif rel in ("next", "coming", "this coming", "following"):
        d = base + timedelta(days=(iso - base.isoweekday()) % 7 or 7)
    elif rel == "this":
        d = base + timedelta(days=iso - base.isoweekday())
    elif s.tense() == FUTURE:
        d = base + timedelta(days=(iso - base.isoweekday()) % 7)
    else:  # news reports look back: "said on Friday" is the last Friday, or today
        d = base - timedelta(days=back)
    return with_part(day(d), m.get("part"))


def r_deictic(m: Mention, s: Situation) -> Reading | None:
    anchor = need(s.anchor)
    word = (m.get("deictic") or "").lower()
    part = m.get("part")
    if m.get("far"):
        return day(anchor + timedelta(days=-2 if "yesterday" in m.parts["far"].lower() else 2))
    if part and part.lower() == "overnight":
        return with_part(day(anchor - timedelta(days=1)), "night")
    offset = {"yesterday": -1, "tomorrow": 1, "last": -1}.get(word, 0)
    if word == "tonight":
        part = "night"
    return with_part(day(anchor + timedelta(days=offset)), part)


def r_weekend(m: Mention, s: Situation) -> Reading | None:
    """"the weekend": the last one (today's, on a Saturday or Sunday), or the next one in a
    future-tense clause."""
    anchor = need(s.anchor)
    if s.tense() == FUTURE and anchor.isoweekday() < 6:
        return week(anchor, weekend=True)
    return week(anchor if anchor.isoweekday() >= 6 else anchor - timedelta(days=7),
                weekend=True)


RELATIVE_OFFSET = {"this": 0, "current": 0, "present": 0, "last": -1, "past": -1,
                   "this past": -1, "latest": -1, "next": 1, "coming": 1, "this coming": 1}


def r_relative(m: Mention, s: Situation) -> Reading | None:
    anchor = need(s.anchor)
    rel = " ".join(m.parts["rel"].lower().split())
    unit = m.parts["unit"].lower()
    offset = RELATIVE_OFFSET.get(rel, 0)
    letter_ = "WE" if unit == "weekend" else letter(unit.replace("fiscal ", ""))
    return unit_of(unit, shift(anchor, letter_, offset))


def r_relative_position(m: Mention, s: Situation) -> Reading | None:
    anchor = need(s.anchor)
    unit = m.parts["unit"].lower()
    rel = (m.get("rel") or "this").lower()
    base = anchor
    if rel == "that":
        if s.reference is None or s.reference.start is None:
            return None
        base = s.reference.start
    code = vocabulary().value("season", unit)
    if code:
        reading = season(base.year + {"last": -1, "next": 1}.get(rel, 0), code)
    else:
        letter_ = "WE" if unit == "weekend" else letter(unit)
        reading = unit_of(unit, shift(base, letter_, {"last": -1, "next": 1}.get(rel, 0)))
    return narrow(reading, m.get("pos") or "end", anchor)


def r_anaphoric(m: Mention, s: Situation) -> Reading | None:
    ref = " ".join(m.parts["ref"].lower().split())
    unit = m.parts["unit"].lower()
    part = unit if unit in ("morning", "afternoon", "evening", "night") else None
    if s.reference is not None and s.reference.start is not None:
        base = s.reference.start
    elif ref in ("next", "following", "previous", "preceding"):
        base = need(s.anchor)
    else:
        return None
    step = {"next": 1, "following": 1, "previous": -1, "preceding": -1}.get(ref, 0)
    letter_ = "D" if part else ("WE" if unit == "weekend" else letter(unit))
    own = UNIT_GRANULARITY.get(letter_, "day")
    if s.reference is not None and step == 0 and coarser(s.reference.granularity, own):
        return None  # "that day" after "in 1987": which day is not said
    reading = with_part(unit_of(unit, shift(base, letter_, step)), part)
    return narrow(reading, m.get("pos"), None)


def coarser(a: Granularity, b: Granularity) -> bool:
    return GRANULARITY_RANK.index(a) > GRANULARITY_RANK.index(b)


def amount(m: Mention) -> float | None:
    """The number of units; 1 when none is written ("year-long"); None when vague."""
    text = m.get("num")
    return 1.0 if text is None else number_value(text + (m.get("half") or ""))


def r_ago(m: Mention, s: Situation) -> Reading | None:
    anchor = need(s.anchor)
    n = amount(m) if m.get("num") else None
    if n is None:
        return Reading("PAST_REF", "unknown", None, anchor)
    unit = letter(m.parts["unit"])
    reading = unit_of(_ago_granularity(unit), shift(anchor, unit, -n))
    return reading


def _ago_granularity(unit: str) -> str:
    return {"TS": "D", "TM": "D", "TH": "D", "10Y": "Y", "100Y": "Y", "2W": "W"}.get(unit, unit)


def r_shift(m: Mention, s: Situation) -> Reading | None:
    base = s.reference if s.reference and s.reference.start else None
    start = base.start if base and base.start else need(s.anchor)
    n = amount(m)
    if n is None:
        return None
    unit = letter(m.parts["unit"])
    sign = -1 if m.parts["dir"].lower() == "earlier" else 1
    moved = shift(start, unit, sign * n)
    own = UNIT_GRANULARITY.get(_ago_granularity(unit), "day")
    grain = base.granularity if base is not None and not coarser(base.granularity, own) else own
    return unit_of({"quarter": "Q", "season": "Y"}.get(grain, grain), moved)


def r_year_ago(m: Mention, s: Situation) -> Reading | None:
    parts = {"num": "a", "unit": "year", "dir": "earlier"}
    return r_shift(Mention(m.start, m.end, m.text, "shift", parts), s)


def duration_value(n: float | None, unit: str) -> str:
    """ISO 8601 duration: P3D, PT5H, P2Y6M (for 2 1/2 years), PXY (for "several years")."""
    if unit in ("10Y", "100Y", "2W"):
        per, unit = {"10Y": (10, "Y"), "100Y": (100, "Y"), "2W": (2, "W")}[unit]
        n = None if n is None else n * per
    if n is None:
        return f"PTX{unit[1:]}" if unit.startswith("T") else f"PX{unit}"
    parts = [(float(int(n)), unit)]
    if n != int(n):
        factor, smaller = FRACTION_UNIT.get(unit, (0, ""))
        parts = [*parts, (round((n - int(n)) * factor), smaller)] if factor else [(n, unit)]
    dates = "".join(f"{q:g}{u}" for q, u in parts if q and not u.startswith("T"))
    clock = "".join(f"{q:g}{u[1:]}" for q, u in parts if q and u.startswith("T"))
    if not dates and not clock:
        return f"PT0{unit[1:]}" if unit.startswith("T") else f"P0{unit}"
    return "P" + dates + (f"T{clock}" if clock else "")


BACKWARD = frozenset({"past", "last", "previous", "preceding", "recent"})
FORWARD = frozenset({"next", "coming", "following", "remaining", "ensuing"})


def r_duration(m: Mention, s: Situation) -> Reading | None:
    unit = letter(m.parts["unit"])
    if unit == "WE":
        return None
    n = amount(m) if m.rule != "duration-vague" else None
    value = duration_value(n, unit)
    grain = UNIT_GRANULARITY.get(unit, "unknown")
    rel = (m.get("rel") or "").lower()
    start = end = None
    if rel in BACKWARD | FORWARD and s.anchor is not None:
        if n is None:
            start, end = (None, s.anchor) if rel in BACKWARD else (s.anchor, None)
        elif rel in BACKWARD:
            start, end = shift(s.anchor, unit, -n), s.anchor
        else:
            start, end = s.anchor, shift(s.anchor, unit, n)
    return Reading(value, grain, start, end, "duration")


def r_recent(m: Mention, s: Situation) -> Reading | None:
    """"the past week": the seven days up to the anchor (TimeML: a duration, P1W)."""
    unit = letter(m.parts["unit"])
    anchor = s.anchor
    rel = m.parts["rel"].lower()
    value = duration_value(1, "W" if unit == "WE" else unit)
    grain = UNIT_GRANULARITY.get(unit, "unknown")
    if anchor is None:
        return Reading(value, grain, kind="duration")
    if rel == "next":
        return Reading(value, grain, anchor, shift(anchor, unit, 1), "duration")
    return Reading(value, grain, shift(anchor, unit, -1), anchor, "duration")


def r_set(m: Mention, s: Situation) -> Reading | None:
    vocab = vocabulary()
    if m.get("adverb"):
        return Reading(vocab.value("set", m.parts["adverb"]), "unknown", kind="set")
    if m.get("weekday"):
        iso = vocab.value("weekday", m.parts["weekday"])
        code = vocab.value("part", m.parts["part"]) if m.get("part") else None
        return Reading(f"XXXX-WXX-{iso}" + (f"T{code}" if code else ""), "day", kind="set")
    if m.get("part"):
        return Reading(f"XXXX-XX-XXT{vocab.value('part', m.parts['part'])}", "day", kind="set")
    if m.get("month"):
        return Reading(f"XXXX-{int(vocab.value('month', m.parts['month']) or 0):02d}", "month",
                       kind="set")
    if m.get("season"):
        return Reading(f"XXXX-{vocab.value('season', m.parts['season'])}", "season", kind="set")
    unit = letter(m.parts["unit"])
    n = (amount(m) or 1.0) * (2 if m.get("other") else 1)
    return Reading(duration_value(n, unit), UNIT_GRANULARITY.get(unit, "unknown"), kind="set")


def r_clock(m: Mention, s: Situation) -> Reading | None:
    part = (m.get("part") or "").lower()
    code = vocabulary().value("part", part) if part else None
    if code and ":" in code:
        hh, mm = (int(x) for x in code.split(":"))
    else:
        hour = m.parts["hour"].lower()
        hh = int(hour) if hour.isdigit() else int(number_value(hour) or 0)
        mm = int(m.get("minute") or 0)
        pm = (m.get("ampm") or "").lower().startswith("p") or part in ("afternoon", "evening")
        am = (m.get("ampm") or "").lower().startswith("a")
        hh = hh % 12 + 12 if pm else (hh % 12 if am else hh)
    if m.get("weekday"):
        base = r_weekday(m, s)
    elif m.get("deictic"):
        base = r_deictic(Mention(m.start, m.end, m.text, "deictic",
                                 {"deictic": m.parts["deictic"]}), s)
    elif m.get("month"):
        base = r_date(m, s)
    elif s.reference is not None and s.reference.granularity in ("day", "time"):
        base = day(s.reference.start) if s.reference.start else None
    else:
        base = day(need(s.anchor))
    if base is None or base.start is None:
        return None
    value = f"{base.start.isoformat()}T{hh:02d}:{mm:02d}"
    return Reading(value, "time", base.start, base.start, "time")


def r_reference(m: Mention, s: Situation) -> Reading | None:
    value = vocabulary().value("reference", m.parts["ref"]) or "PRESENT_REF"
    a = s.anchor
    start, end = {"PRESENT_REF": (a, a), "PAST_REF": (None, a), "FUTURE_REF": (a, None)}[value]
    return Reading(value, "unknown", start, end)


RESOLVERS: dict[str, Callable[[Mention, Situation], Reading | None]] = {
    "date-md": r_date, "date-dm": r_date, "date-iso": r_date, "date-slash": r_date,
    "range-dm": r_range, "range-md": r_range, "month-year": r_month, "month": r_month,
    "year": r_year, "year-early": r_year, "year-spoken": r_year, "decade": r_decade,
    "century": r_century, "quarter": r_quarter, "season": r_season, "holiday": r_holiday,
    "weekday": r_weekday, "deictic": r_deictic, "weekend": r_weekend, "relative": r_relative,
    "relative-position": r_relative_position, "anaphoric": r_anaphoric, "recent": r_recent,
    "ago": r_ago, "shift": r_shift, "year-ago": r_year_ago, "duration": r_duration,
    "duration-vague": r_duration, "set": r_set, "clock": r_clock, "reference": r_reference,
}


# -- tense of the clause an expression belongs to --------------------------------------------


def tense_at(doc: Doc | None, start: int, end: int) -> int:
    """PAST, FUTURE or UNKNOWN for the clause the characters ``start:end`` belong to: the
    first finite verb up the parse tree decides ("said on Friday" PAST, "will meet on Friday"
    FUTURE); an infinitive on the way looks ahead unless that verb is past ("plans to meet on
    Friday" FUTURE, "abducted people travelling to Djibo on Sunday" PAST)."""
    if doc is None:
        return UNKNOWN
    if FUTURE_SIGNALS.search(doc.text[max(0, start - 25):start]):
        return FUTURE
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return UNKNOWN
    token: Token = span.root
    infinitive = participle = False
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX") and not (span.start <= token.i < span.end):
            own = finite_tense(token)
            if own is not None:
                return FUTURE if infinitive and own != PAST else own
            infinitive = infinitive or any(c.lower_ == "to" and c.dep_ == "aux"
                                           for c in token.children)
            participle = participle or token.tag_ == "VBN"
        if token.head is token:
            break
        token = token.head
    if infinitive:
        return FUTURE
    return PAST if participle else UNKNOWN  # "the convoy attacked on Friday"


def finite_tense(verb: Token) -> int | None:
    """The tense of a finite verb group, or None for a non-finite verb (infinitive,
    participle) whose tense comes from the verb it depends on."""
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.lower_ != "to"]
    words = {a.lower_ for a in auxiliaries}
    if verb.lemma_.lower() in PLANNING_VERBS or words & FUTURE_AUXILIARIES or "would" in words:
        return FUTURE  # "planned a march on Saturday", "said he would meet them on Friday"
    if verb.tag_ == "VBN" and words & {"has", "have", "had", "'ve", "'d"}:
        return PAST  # "has met", "could have met"
    if any(a.tag_ == "MD" for a in auxiliaries):
        return UNKNOWN  # could, may, might: neither here nor there
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxiliaries):
        return PAST
    if verb.tag_ == "VBG" and words & {"is", "are", "am", "'s", "'re"}:
        return FUTURE  # "is meeting on Friday"
    if verb.tag_ in ("VBZ", "VBP") or auxiliaries:
        return UNKNOWN
    return None


# -- the annotator ------------------------------------------------------------------------------


def anchor_of(document: Document) -> date | None:
    """The publication day, when the document has one (day or finer precision)."""
    published = document.published
    if published is None or published.precision not in DAY_PRECISIONS:
        return None
    try:
        return date.fromisoformat(published.value[:10])
    except ValueError:
        return None


@annotator("times", assigns="times")
def find_times(ctx: Context) -> tuple[TimeRef, ...]:
    """Every time expression in the document's clean text, normalised (see the module doc)."""
    return resolve_times(ctx.document.text, ctx.doc, anchor_of(ctx.document))


def resolve_times(text: str, doc: Doc | None, anchor: date | None, *,
                  ranges: bool = True) -> tuple[TimeRef, ...]:
    """The times of ``text`` against ``anchor``; with ``ranges`` two dates joined as a range
    ("from Monday to Wednesday") become one TimeRef, else they stay two (as TimeML has it)."""
    refs: list[TimeRef] = []
    reference: Reading | None = None
    for mention in find_mentions(text):
        if not_a_time(mention, doc):
            continue
        situation = Situation(anchor, reference,
                              _lazy(lambda m=mention: tense_at(doc, m.start, m.end)))
        try:
            reading = RESOLVERS[mention.rule](mention, situation)
        except Unanchored:
            refs.append(_timeref(mention, None, None, "unanchored"))
            continue
        if reading is None:
            refs.append(_timeref(mention, None, anchor, "unresolved"))
            continue
        rule = mention.rule
        if _after_since(text, mention) and _is_point(reading) and anchor and reading.start and \
                reading.start <= anchor:
            reading, rule = replace(reading, end=anchor), f"{rule}+since"
        if _is_point(reading) and rule not in ANAPHORIC_SHIFTS:
            reference = reading  # "a year earlier" twice is not two years back: no chains
        used = reference_day(situation) if rule in ANAPHORIC_RULES else anchor
        refs.append(_timeref(mention, reading, used, rule))
    return tuple(merge_ranges(text, refs) if ranges else refs)


# Rules resolved against the last date mentioned, not the publication date.
ANAPHORIC_SHIFTS = frozenset({"shift", "year-ago"})
ANAPHORIC_RULES = ANAPHORIC_SHIFTS | {"anaphoric"}


def _is_point(reading: Reading) -> bool:
    """A date or time with an interval (not a duration, set or vague reference)."""
    return reading.kind in ("date", "time") and reading.start is not None and \
        "REF" not in (reading.value or "")


def _after_since(text: str, mention: Mention) -> bool:
    return SINCE.search(text[max(0, mention.start - 20):mention.start]) is not None


def reference_day(situation: Situation) -> date | None:
    ref = situation.reference
    return ref.start if ref is not None and ref.start is not None else situation.anchor


def _timeref(m: Mention, reading: Reading | None, anchor: date | None, rule: str) -> TimeRef:
    span = Span(m.start, m.end, m.text)
    used = anchor.isoformat() if anchor else None
    if reading is None:
        return TimeRef(span, None, "unknown", None, None, used, rule)
    return TimeRef(span, reading.value, reading.granularity,
                   reading.start.isoformat() if reading.start else None,
                   reading.end.isoformat() if reading.end else None, used, rule, reading.kind)


def _lazy(compute: Callable[[], int]) -> Callable[[], int]:
    cached: list[int] = []

    def get() -> int:
        if not cached:
            cached.append(compute())
        return cached[0]
    return get


def not_a_time(mention: Mention, doc: Doc | None) -> bool:
    """A bare four-digit number that the parse shows counts something is not a year: "killed
    2000 people", "about 1900 troops" (a year before a plural noun, "the 1992 protests",
    stays)."""
    if doc is None or mention.rule != "year" or len(mention.parts) > 1:
        return False
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    token, before = span.root, doc[span.start - 1]
    counted = token.dep_ in ("nummod", "quantmod") and token.head.tag_ in ("NNS", "NNPS")
    return counted and (before.pos_ == "VERB" or before.lower_ in COUNT_WORDS)


def merge_ranges(text: str, refs: list[TimeRef]) -> list[TimeRef]:
    """"from Monday to Wednesday", "between 2010 and 2014": two dates become one range. Two
    weekdays resolved apart (Monday as today, Wednesday as last week's) are put in one week."""
    out: list[TimeRef] = []
    i = 0
    while i < len(refs):
        a, b = refs[i], refs[i + 1] if i + 1 < len(refs) else None
        opener = RANGE_OPENERS.search(text[max(0, a.span.start - 10):a.span.start])
        if (b is not None and opener and a.kind == b.kind == "date" and a.start and b.end
                and a.granularity == b.granularity and RANGE_JOINERS[opener.group(1).lower()]
                .match(text[a.span.end:b.span.start])):
            first = a.start
            if a.rule == b.rule == "weekday" and b.start and first > b.start:
                first = (date.fromisoformat(first) - timedelta(days=7)).isoformat()
            if first <= b.end:
                span = Span(a.span.start, b.span.end, text[a.span.start:b.span.end])
                value = f"{first if a.rule == 'weekday' else a.value}/{b.value}"
                out.append(TimeRef(span, value, a.granularity, first, b.end, a.anchor, "range"))
                i += 2
                continue
        out.append(a)
        i += 1
    return out
