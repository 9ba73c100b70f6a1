"""Consolidated events: per-document event reports that tell one happening, merged, with every
report, every figure and every decision kept.

How reports are grouped (deterministic, so an incremental update equals a rebuild):

1. **Blocks.** Reports of one country whose date intervals overlap or touch (within
   ``compatibility.MAX_GAP_DAYS``) form a block; no report of one block can match one of
   another. A new batch re-clusters only the blocks it touches, and a block is clustered
   from scratch, so the result never depends on what was ingested first.
2. **Clusters.** In a block, reports are taken a calendar month (of their start dates) at a
   time, each month's in a canonical order — the most precisely dated first, then by
   publication date and id — and each joins the existing cluster it matches best
   (``compatibility.decide`` against each member, up to its first ``MAX_MEMBERS_COMPARED``:
   any conflict vetoes, the best member score must reach ``MERGE_SCORE``), else starts a new
   one. Two reports of one document never share a cluster: the document's own analysis
   already kept them apart. A month at a time, so that a block chained over years (a country
   reported every day) is clustered as a stream (``cluster_stream``), in the memory of a
   month and of the events still open, not of the whole block: once a month begins, an
   event none of whose reports ends within ``MAX_GAP_DAYS`` of its first day can take no
   report of it or of a later month, and is final.

What a consolidated event says is computed from its members (``summarize``): its type by
vote of independent sources; its date and place from its most precise report; fatalities
from every figure by the DESIGN.md rule; its modality the strongest commitment any member
makes; ``sources`` its distinct documents and ``independent_sources`` their distinct origins
(a repost is a source, not an independent one).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from ..nlp.fatalities import fatalities
from ..records import FatalityFigure, Figure, Span
from .compatibility import MAX_GAP_DAYS, MAX_MERGE_SPAN_DAYS, Decision, ReportView, decide

# Modalities in decreasing commitment: a consolidated event is as certain as its most
# committed report ("asserted" by one outlet beats "claimed" by a party).
COMMITMENT = ("asserted", "reported", "claimed")
# When independent sources split on the type, the more specific ACLED type wins a tie.
TYPE_ORDER = ("Explosions/Remote violence", "Battles", "Violence against civilians", "Riots",
              "Protests", "Strategic developments")

TextLinked = Callable[[str, str], bool]
# Grid cell size for candidate search: 1° is about 111 km, wider than CONFLICT_KM, so any
# point that could match lies in the same or a neighbouring cell.
CELL_DEGREES = 1.0
# Decisions kept per report besides the one that let it join: its closest near misses.
KEPT_APART_PER_REPORT = 3
# Members of a cluster a report is compared with: its first ones in canonical order (the
# most precisely dated, which fixed the event's date and place). An event told by hundreds
# of outlets would otherwise make each new report of its days compare with every earlier
# one, and the cost of a block grow with the square of its coverage; twelve reports of one
# happening already hold what a conflict would be found in (its day, place and type).
MAX_MEMBERS_COMPARED = 12


@dataclass(frozen=True)
class Considered:
    """One decision taken while clustering: ``report`` against a member of ``event``."""

    report: str
    other: str
    event: str
    decision: Decision


@dataclass(frozen=True)
class Cluster:
    id: str
    members: tuple[ReportView, ...]


def _span_days(r: ReportView) -> int:
    if not (r.date_start and r.date_end):
        return 10**6
    return (date.fromisoformat(r.date_end) - date.fromisoformat(r.date_start)).days


def _ordinal(report_id: str) -> int:
    tail = report_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def canonical(r: ReportView) -> tuple[Any, ...]:
    return (_span_days(r), r.published or "9999", r.document_id, _ordinal(r.id))


def event_id(seed: ReportView) -> str:
    return "ev-" + hashlib.sha256(seed.id.encode()).hexdigest()[:16]


def chainable(r: ReportView) -> bool:
    """Whether a report can share a block: one that happened, with a country and dates."""
    return bool(r.happened and r.country and r.date_start and r.date_end)


def block_numbers(reports: Iterable[ReportView]) -> Iterator[tuple[int, ReportView]]:
    """Each report of ``reports``, given in ``block_order``, with the number of its block: a
    report starts a new block when it cannot be chained (``chainable``: it is a block of its
    own), changes country, or starts more than ``MAX_GAP_DAYS`` after the latest end before
    it. A stream: the blocks of a whole corpus, however long, in the memory of one report."""
    number = -1
    country: str | None = None
    reach = ""
    alone = True
    for r in reports:
        if not chainable(r):
            number += 1
            alone = True
            yield number, r
            continue
        if alone or r.country != country or (
                date.fromisoformat(r.date_start or "") - date.fromisoformat(reach)).days \
                > MAX_GAP_DAYS:
            number += 1
            alone, country, reach = False, r.country, r.date_end or ""
        elif (r.date_end or "") > reach:
            reach = r.date_end or ""
        yield number, r


def chained_blocks(reports: Iterable[ReportView]) -> Iterator[list[ReportView]]:
    """The blocks of reports given in ``block_order``, each as a list as soon as it closes
    (``block_numbers``)."""
    for _, members in groupby(block_numbers(reports), key=itemgetter(0)):
        yield [r for _, r in members]


def block_order(r: ReportView) -> tuple[bool, str, str, str, str]:
    """The order ``chained_blocks`` reads reports in: those that cannot be chained first
    (each a block), then by country, dates and id (each block a run)."""
    return (chainable(r), r.country or "", r.date_start or "", r.date_end or "", r.id)


def blocks(reports: Iterable[ReportView]) -> list[list[ReportView]]:
    """Reports that could be one happening, grouped: same country, chained overlapping
    intervals. Undated, unplaced-by-country and not-happened reports stand alone."""
    rows = list(reports)
    chained = sorted((r for r in rows if chainable(r)), key=block_order)
    alone = sorted(([r] for r in rows if not chainable(r)), key=lambda b: b[0].id)
    return list(chained_blocks(chained)) + alone


def cluster(block: Sequence[ReportView], text_linked: TextLinked | None = None
            ) -> tuple[list[Cluster], list[Considered]]:
    """Cluster one block (``cluster_stream`` of its reports in ``block_order``): its
    clusters, and per report the decisions worth keeping for `sitrep why`."""
    clusters: list[Cluster] = []
    considered: list[Considered] = []
    for x in cluster_stream(sorted(block, key=block_order), text_linked):
        (clusters if isinstance(x, Cluster) else considered).append(x)
    return clusters, considered


def period(r: ReportView) -> str:
    """The calendar month of a report's start date (``YYYY-MM``; "" undated): the reports
    a block is clustered with at a time."""
    return (r.date_start or "")[:7]


def cluster_stream(reports: Iterable[ReportView], text_linked: TextLinked | None = None, *,
                   links_for: Callable[[list[ReportView], set[str]], TextLinked] | None = None
                   ) -> Iterator[Cluster | Considered]:
    """Cluster one block whose reports come in ``block_order``, a month at a time (see the
    module's docstring): yields the decisions worth keeping for `sitrep why` as each month is
    clustered (for each report, why it joined its cluster and the closest ones it did not
    join), and each cluster once final (at a month's start those no report of it or later
    can join, the rest at the end).

    A report is compared only with clusters that have a report within ``MAX_GAP_DAYS`` of
    its dates and, when both have a point, within the neighbouring grid cells (a cell is
    wider than ``CONFLICT_KM``), and in each with its first ``MAX_MEMBERS_COMPARED``
    members: the cost grows with the events of the same days and area, not with the block
    or with how many outlets told each event.

    ``links_for(month's reports, open clusters' compared documents)``: the text links a
    month's comparisons read (instead of ``text_linked``), asked for once per month, before
    it is clustered (every report is in one month)."""
    clusters: dict[int, list[ReportView]] = {}  # the open clusters, by number
    seeds: dict[int, str] = {}  # each open cluster's event id
    documents: dict[int, set[str]] = {}  # each open cluster's documents
    ends: dict[int, int] = {}  # the last day any of its indexed members ends
    index = _Index({}, {})
    made = 0

    def run(month: list[ReportView]) -> Iterator[Considered]:
        nonlocal made
        linked = text_linked
        if links_for is not None:
            linked = links_for(month, {m.document_id for c in clusters.values()
                                       for m in c[:MAX_MEMBERS_COMPARED]})
        for r in sorted(month, key=canonical):
            days = _days(r)
            best: tuple[float, int] | None = None
            seen: list[tuple[float, int, Considered]] = []
            for k in index.candidates(r, days):
                if r.document_id in documents[k]:
                    continue
                decisions = [(m, decide(r, m, text_link=bool(
                    linked and linked(r.document_id, m.document_id))))
                    for m in clusters[k][:MAX_MEMBERS_COMPARED]]
                conflict = next(((m, d) for m, d in decisions if d.conflict), None)
                top_m, top = conflict or max(decisions, key=lambda x: x[1].score)
                seen.append((-1.0 if conflict else top.score, k,
                             Considered(r.id, top_m.id, seeds[k], top)))
                if conflict is None and any(d.merged for _, d in decisions) \
                        and (best is None or top.score > best[0]):
                    best = (top.score, k)
            seen.sort(key=lambda x: (-x[0], x[1]))
            yield from (x[2] for x in seen if best is not None and x[1] == best[1])
            yield from [x[2] for x in seen if best is None or x[1] != best[1]][
                :KEPT_APART_PER_REPORT]
            if best is None:
                k = made
                made += 1
                clusters[k], seeds[k], documents[k] = [r], event_id(r), {r.document_id}
            else:
                k = best[1]
                clusters[k].append(r)
                documents[k].add(r.document_id)
            if days is not None:
                index.add(r, days, k)
                ends[k] = max(ends.get(k, days[1]), days[1])

    def close(before: int | None) -> Iterator[Cluster]:
        """The clusters no report starting on day ``before`` or later can join (None: all)."""
        reach = None if before is None else before - MAX_GAP_DAYS
        for k in [k for k in clusters if reach is None or ends.get(k, reach - 1) < reach]:
            yield Cluster(seeds.pop(k), tuple(clusters.pop(k)))
            del documents[k]
            ends.pop(k, None)
        if reach is not None:
            index.forget(reach)

    month: list[ReportView] = []
    for r in reports:
        if month and period(r) != period(month[0]):
            yield from run(month)
            if period(r):
                yield from close(date.fromisoformat(period(r) + "-01").toordinal())
            month = []
        month.append(r)
    if month:
        yield from run(month)
    yield from close(None)


def _cell(r: ReportView) -> tuple[int, int] | None:
    """A ~1° grid cell for a report with a point (None: placed only by area or country)."""
    if not r.placed or r.latitude is None or r.longitude is None:
        return None
    return (math.floor(r.latitude / CELL_DEGREES), math.floor(r.longitude / CELL_DEGREES))


@dataclass
class _Index:
    """Clusters by day and grid cell (``cells``), and by day alone (``days``)."""

    cells: dict[tuple[int, tuple[int, int] | None], list[int]]
    days: dict[int, list[int]]

    def add(self, r: ReportView, days: tuple[int, int], k: int) -> None:
        cell = _cell(r)
        for d in range(days[0], days[1] + 1):
            self.cells.setdefault((d, cell), []).append(k)
            self.days.setdefault(d, []).append(k)

    def forget(self, day: int) -> None:
        """Drop the days before ``day`` (no later report asks for them)."""
        for key in [key for key in self.cells if key[0] < day]:
            del self.cells[key]
        for d in [d for d in self.days if d < day]:
            del self.days[d]

    def candidates(self, r: ReportView, days: tuple[int, int] | None) -> list[int]:
        if days is None:
            return []
        cell = _cell(r)
        found: set[int] = set()
        for d in range(days[0] - MAX_GAP_DAYS, days[1] + MAX_GAP_DAYS + 1):
            if cell is None:  # no point: any cluster of those days in the country
                found.update(self.days.get(d, ()))
                continue
            found.update(self.cells.get((d, None), ()))  # clusters placed only by area
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    found.update(self.cells.get((d, (cell[0] + dy, cell[1] + dx)), ()))
        return sorted(found)


def _days(r: ReportView) -> tuple[int, int] | None:
    """The report's interval as day numbers; None when undated or too vague to merge."""
    if not (r.happened and r.date_start and r.date_end):
        return None
    start, end = date.fromisoformat(r.date_start).toordinal(), \
        date.fromisoformat(r.date_end).toordinal()
    return (start, end) if end - start <= MAX_MERGE_SPAN_DAYS else None


def consolidate(reports: Iterable[ReportView], text_linked: TextLinked | None = None
                ) -> tuple[list[Cluster], list[Considered]]:
    out: list[Cluster] = []
    considered: list[Considered] = []
    for block in blocks(reports):
        clusters, decisions = cluster(block, text_linked)
        out += clusters
        considered += decisions
    return out, considered


# -- what a consolidated event says ---------------------------------------------------------------


def _figure(f: dict[str, Any], actors: set[str]) -> FatalityFigure:
    span = f.get("span") or {"start": 0, "end": 0, "text": f.get("text", "")}
    figure = Figure(Span(span["start"], span["end"], span["text"]), f.get("value"),
                    f.get("low"), f.get("high"), f.get("qualifier"), f.get("vague"),
                    f.get("unit"), f.get("counted"), "stored")
    claimant = f.get("claimant")
    return FatalityFigure(figure, claimant, bool(f.get("party")) or claimant in actors)


def _vote(values: Iterable[tuple[str, Any]]) -> Any:
    """The value most independent origins give (one vote per origin)."""
    seen: set[tuple[str, Any]] = set()
    counts: Counter = Counter()
    for origin, value in values:
        if value is not None and (origin, value) not in seen:
            seen.add((origin, value))
            counts[value] += 1
    if not counts:
        return None
    top = max(counts.values())
    return sorted(v for v, n in counts.items() if n == top)[0]


def summarize(c: Cluster) -> dict[str, Any]:
    """The consolidated event's fields, computed from its member reports' stored rows."""
    rows = [(m, m.row) for m in c.members]
    event_type = _vote((m.origin, m.event_type) for m in c.members)
    types = Counter(m.event_type for m in c.members)
    tied = [t for t in TYPE_ORDER if types.get(t) == types.get(event_type)]
    event_type = tied[0] if tied else event_type
    sub = _vote((m.origin, m.sub_event_type) for m in c.members
                if m.event_type == event_type)
    dated = sorted(c.members, key=lambda m: (_span_days(m), m.row.get("time_precision") or 9,
                                             m.date_start or ""))
    placed = sorted(c.members, key=lambda m: (m.geo_precision or 9,
                                              m.row.get("place_from") != "clause"))
    when, where = dated[0].row, placed[0].row
    actor1 = _vote((m.origin, r.get("actor1_id")) for m, r in rows)
    actor2 = _vote((m.origin, r.get("actor2_id")) for m, r in rows if r.get("actor2_id")
                   != actor1)
    associated = sorted({a for m in c.members for a in m.actors} - {actor1, actor2, None})
    actors = {a for a in (actor1, actor2, *associated) if a}
    figures: list[FatalityFigure] = []
    listed: list[dict[str, Any]] = []
    for m, r in rows:
        for f in r.get("figures") or []:
            figures.append(_figure(f, actors))
            listed.append({**f, "report_id": m.id, "document_id": m.document_id,
                           "origin": m.origin})
    toll = fatalities(figures)
    modality = min((m.row.get("modality") for m in c.members
                    if m.row.get("modality") in COMMITMENT),
                   key=COMMITMENT.index, default="reported")
    published = sorted(m.published for m in c.members if m.published)
    return {
        "id": c.id, "event_type": event_type, "sub_event_type": sub,
        "cameo": next((r.get("cameo") for m, r in rows if m.sub_event_type == sub), None),
        "actor1_id": actor1, "actor2_id": actor2, "associated": associated,
        "place_id": where.get("place_id"), "location": where.get("location"),
        "admin1": where.get("admin1"), "country": where.get("country"),
        "latitude": where.get("latitude"), "longitude": where.get("longitude"),
        "geo_precision": where.get("geo_precision"),
        "date_start": when.get("date_start"), "date_end": when.get("date_end"),
        "time_precision": when.get("time_precision"),
        "fatalities": toll.best, "fatalities_low": toll.low, "fatalities_high": toll.high,
        "figures": listed, "modality": modality,
        "sources": len({m.document_id for m in c.members}),
        "independent_sources": len({m.origin for m in c.members}),
        "first_published": published[0] if published else None,
        "last_published": published[-1] if published else None,
        "notes": when.get("notes"),
        "reports": [m.id for m in sorted(c.members, key=lambda m: (m.published or "", m.id))],
    }
