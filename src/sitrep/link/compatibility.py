"""Can two event reports from different documents tell the same happening? Features and a
decision with its reason, for every pair the consolidation looks at.

A pair is **kept apart** on clear conflict, whatever else agrees:

* their date intervals are disjoint by more than a day (``MAX_GAP_DAYS``): another day;
* both are placed at town level or finer and lie more than ``CONFLICT_KM`` apart (two attacks
  the same day 300 km apart stay two events), or they are in different countries;
* their event types cannot describe one happening (a protest and an air strike);
* one of them happened and the other did not (a denial is not the event it denies).

Otherwise it is **merged** when the evidence adds up to ``MERGE_SCORE``: the same type,
overlapping dates (the same day counts more), the same place or one nearby, shared actors, a
shared casualty figure, and text one document took from the other (a repost). Reports only
placed at country level and dated to a week need more than type and country alone: one strong
signal more (a shared actor, a shared figure, a text link).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..geo import distance_km

# More than this many days between two intervals: different days, different events.
MAX_GAP_DAYS = 1
# A report dated only to a longer span ("since 2019", "in October") is too vague to merge
# with anything: it stays its own event.
MAX_MERGE_SPAN_DAYS = 31
# Town-level places this far apart are different happenings (ACLED codes one location each).
CONFLICT_KM = 100.0
# Places this close are "the same place" (a camp and the town next to it).
SAME_PLACE_KM = 25.0
NEAR_PLACE_KM = 60.0
# ACLED geo_precision at or below which a report has a point, not an area.
POINT_PRECISION = 2
# Score needed to merge (see the weights in ``features``).
MERGE_SCORE = 2.5
# Event types that can be told of one happening by different outlets (one calls a raid on a
# base an attack, another a clash, a third counts the blasts); protests and riots likewise.
TYPE_FAMILIES = (
    frozenset({"Battles", "Violence against civilians", "Explosions/Remote violence"}),
    frozenset({"Protests", "Riots"}),
)


@dataclass(frozen=True)
class ReportView:
    """What the consolidation needs of a stored event report."""

    id: str
    document_id: str
    origin: str  # the independent source the document carries (itself if none)
    published: str | None  # ISO date of the document
    event_type: str
    sub_event_type: str
    actors: frozenset[str]  # actor1, actor2, associated ids
    country: str | None
    admin1: str | None
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    date_start: str | None
    date_end: str | None
    figures: tuple[int, ...]  # death figures (lower bounds), for "the same toll"
    happened: bool
    row: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def placed(self) -> bool:
        return self.latitude is not None and self.geo_precision is not None \
            and self.geo_precision <= POINT_PRECISION


@dataclass(frozen=True)
class Decision:
    merged: bool
    score: float
    reason: str  # one line a user reads in `sitrep why`
    features: dict[str, Any]
    conflict: bool = False  # clear evidence of two happenings: vetoes a merge


def _apart(reason: str, features: dict[str, Any]) -> Decision:
    return Decision(False, 0.0, "kept apart: " + reason, features, conflict=True)


def km(a: ReportView, b: ReportView) -> float | None:
    if a.latitude is None or b.latitude is None or a.longitude is None or b.longitude is None:
        return None
    return distance_km(a.latitude, a.longitude, b.latitude, b.longitude)


def gap_days(a: ReportView, b: ReportView) -> int | None:
    """Days between the two intervals (0 when they overlap); None when one is undated."""
    if not (a.date_start and a.date_end and b.date_start and b.date_end):
        return None
    a0, a1 = date.fromisoformat(a.date_start), date.fromisoformat(a.date_end)
    b0, b1 = date.fromisoformat(b.date_start), date.fromisoformat(b.date_end)
    return max(0, (b0 - a1).days, (a0 - b1).days)


def _span(r: ReportView) -> int:
    return (date.fromisoformat(r.date_end or "") - date.fromisoformat(r.date_start or "")).days


def same_family(a: str, b: str) -> bool:
    return a == b or any(a in f and b in f for f in TYPE_FAMILIES)


def decide(a: ReportView, b: ReportView, *, text_link: bool = False) -> Decision:
    """Same happening or not, and why."""
    f: dict[str, Any] = {}
    if a.happened != b.happened:
        return _apart("one happened, the other did not", {"happened": False})
    if a.country and b.country and a.country != b.country:
        return _apart(f"different countries ({a.country}, {b.country})", {"country": False})
    if not same_family(a.event_type, b.event_type):
        return _apart(f"types cannot be one happening ({a.event_type} / {b.event_type})",
                      {"type": False})
    gap = gap_days(a, b)
    f["gap_days"] = gap
    if gap is None:
        return _apart("undated", f)
    if gap > MAX_GAP_DAYS:
        return _apart(f"dates {gap} days apart", f)
    if max(_span(a), _span(b)) > MAX_MERGE_SPAN_DAYS:
        return _apart("a date too vague to tell one happening from another", f)
    distance = km(a, b)
    f["km"] = None if distance is None else round(distance, 1)
    if distance is not None and a.placed and b.placed and distance > CONFLICT_KM:
        return _apart(f"places {distance:.0f} km apart", f)
    score = 0.0
    why: list[str] = []
    if a.sub_event_type == b.sub_event_type:
        score += 1.0
        why.append(f"same sub-type ({a.sub_event_type})")
    elif a.event_type == b.event_type:
        score += 0.7
        why.append(f"same type ({a.event_type})")
    else:
        score += 0.4
        why.append("related types")
    f["type"] = a.sub_event_type == b.sub_event_type or a.event_type == b.event_type
    exact_day = a.date_start == a.date_end == b.date_start == b.date_end
    if exact_day:
        score += 1.0
        why.append(f"same day ({a.date_start})")
    elif gap == 0:
        score += 0.5
        why.append("overlapping dates")
    else:
        score += 0.2
        why.append("adjacent days")
    if distance is not None and a.placed and b.placed and distance <= SAME_PLACE_KM:
        score += 1.0
        why.append(f"same place ({distance:.0f} km)")
    elif distance is not None and a.placed and b.placed and distance <= NEAR_PLACE_KM:
        score += 0.6
        why.append(f"nearby ({distance:.0f} km)")
    elif a.admin1 and a.admin1 == b.admin1:
        score += 0.4
        why.append("same province")
    elif a.country and a.country == b.country:
        score += 0.2
        why.append("same country")
    shared = sorted(a.actors & b.actors)
    f["shared_actors"] = shared
    if shared:
        score += 0.5
        why.append(f"shared actors ({', '.join(shared)})")
    same_toll = sorted(set(a.figures) & set(b.figures))
    f["shared_figures"] = same_toll
    if same_toll:
        score += 0.4
        why.append(f"same toll ({', '.join(map(str, same_toll))})")
    if text_link:
        score += 1.0
        why.append("one document's text comes from the other's")
    f["text_link"] = text_link
    f["score"] = round(score, 2)
    merged = score >= MERGE_SCORE
    return Decision(merged, round(score, 2),
                    ("merged: " if merged else "kept apart (too little in common): ")
                    + "; ".join(why), f)
