"""What each rule of ``timex_rules`` means: ``RESOLVERS``, rule name → resolver.

A resolver turns a mention into a ``Reading`` (a TIMEX3 value and the days it covers) in its
``Situation``, raises ``Unanchored`` when the expression is relative and the document has no
publication day, or returns None when the mention cannot be placed. This module holds the
resolvers of calendar dates as written ("17 October", "in November 2013", "the third
quarter", "Christmas"), durations ("three days", "P3D"), sets ("every Friday"), clock times
and vague references ("now", "recently"); the relative ones are in ``timex_relative``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from .timex_readings import (
    PAST,
    UNIT_GRANULARITY,
    Reading,
    Situation,
    amount,
    around,
    century,
    day,
    decade,
    full_year,
    half,
    letter,
    month,
    narrow,
    nearest,
    need,
    quarter,
    safe_date,
    season,
    shift,
    year,
    year_for,
)
from .timex_relative import (
    r_ago,
    r_anaphoric,
    r_deictic,
    r_relative,
    r_relative_position,
    r_shift,
    r_weekday,
    r_weekend,
    r_year_ago,
)
from .timex_rules import Mention, number_value, vocabulary

DECADE_WORDS = ("twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                "eighties", "nineties")  # "the nineties": of the 1900s
# What a fraction of a unit is in the next smaller one: "2 1/2 years" is P2Y6M (TimeBank).
FRACTION_UNIT = {"Y": (12, "M"), "M": (30, "D"), "W": (7, "D"), "D": (24, "TH"),
                 "TH": (60, "TM"), "TM": (60, "TS")}


def r_date(m: Mention, s: Situation) -> Reading | None:
    vocab = vocabulary()
    if m.get("monthnum"):
        mo = int(m.parts["monthnum"])
    elif m.get("first"):  # numeric m/d/y, or d/m/y when the first number cannot be a month
        a, b = int(m.parts["first"]), int(m.parts["second"])
        mo, dy = (b, a) if a > 12 else (a, b)
        return day_of(full_year(m.parts["year"], s.anchor), mo, dy)
    else:
        mo = int(vocab.value("month", m.parts["month"]) or 0)
    dy = int(re.sub(r"\D", "", m.parts["day"]))
    if m.get("year"):
        return day_of(full_year(m.parts["year"], s.anchor), mo, dy)
    anchor = need(s.anchor)
    if m.get("weekday"):  # "Monday, Oct. 26": the year in which that date is a Monday
        iso = int(vocab.value("weekday", m.parts["weekday"]) or 0)
        for y in (anchor.year, anchor.year - 1, anchor.year + 1):
            d = safe_date(y, mo, dy)
            if d and d.isoweekday() == iso:
                return day(d)
    return day_of(year_for(mo, anchor, s.tense()), mo, dy)


def day_of(y: int, mo: int, dy: int) -> Reading | None:
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
        return day_of(y, numbers[0], numbers[1])
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
