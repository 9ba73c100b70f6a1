"""What a time expression means (``Reading``), what it is resolved against (``Situation``),
and the calendar arithmetic that builds readings.

A reading is a TimeML TIMEX3 value ("2014-06-13", "2014-W24", "2014-06", "P3D") with the
inclusive interval of days it covers. The calendar units here (day, week, month, quarter,
half, year, decade, century, season) make readings; ``shift`` and ``narrow`` move and cut them
("last month", "early 2014"); ``year_for`` and ``nearest`` place a year-less date around the
publication day by the tense of its clause (PAST, UNKNOWN, FUTURE).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from ..records import Granularity
from .timex_rules import Mention, number_value, vocabulary

Kind = Literal["date", "time", "duration", "set"]
PAST, UNKNOWN, FUTURE = -1, 0, 1  # which way a year-less date goes (the tense of its clause)

# Calendar units as written -> the TimeML duration letter (see resources/time_words.tsv).
UNIT_GRANULARITY: dict[str, Granularity] = {
    "TS": "time", "TM": "time", "TH": "time", "D": "day", "W": "week", "2W": "week",
    "WE": "week", "M": "month", "Q": "quarter", "Y": "year", "10Y": "decade",
    "100Y": "century",
}
# Finest first: a reading can be made coarser ("a year earlier" than a quarter), not finer.
GRANULARITY_RANK = ("time", "day", "week", "month", "quarter", "season", "year", "decade",
                    "century", "unknown")
SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}  # first month; each lasts three


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


# -- calendar units --------------------------------------------------------------------------------


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


def amount(m: Mention) -> float | None:
    """The number of units; 1 when none is written ("year-long"); None when vague."""
    text = m.get("num")
    return 1.0 if text is None else number_value(text + (m.get("half") or ""))


def coarser(a: Granularity, b: Granularity) -> bool:
    return GRANULARITY_RANK.index(a) > GRANULARITY_RANK.index(b)


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


# -- placing year-less dates -----------------------------------------------------------------------


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
