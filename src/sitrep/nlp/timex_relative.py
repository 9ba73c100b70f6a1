"""What the relative time expressions mean: weekdays, "yesterday", "last week", "two days ago",
"a year earlier", "that day".

Each ``r_*`` function resolves the mentions of one or more rules of ``timex_rules`` (see
``timex_values.RESOLVERS``) against the publication day (the anchor) or, for the anaphoric
ones ("that day", "a year earlier", "the next morning"), the last date mentioned before them.
A weekday with no "last" or "next" looks back in news ("said on Friday"), ahead in a
future-tense clause.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from .timex_readings import (
    FUTURE,
    UNIT_GRANULARITY,
    Reading,
    Situation,
    amount,
    coarser,
    day,
    letter,
    narrow,
    need,
    season,
    shift,
    unit_of,
    week,
)
from .timex_rules import Mention, vocabulary


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
