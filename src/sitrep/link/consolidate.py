"""Consolidated events: per-document event reports that tell one happening, merged, with every
report, every figure and every decision kept.

How reports are grouped (deterministic, so an incremental update equals a rebuild):

1. **Blocks.** Reports of one country whose date intervals overlap or touch (within
   ``compatibility.MAX_GAP_DAYS``) form a block; no report of one block can match one of
   another. A new batch re-clusters only the blocks it touches, and a block is clustered
   from scratch, so the result never depends on what was ingested first.
2. **Clusters.** In a block, reports are taken in a canonical order — the most precisely
   dated first, then by publication date and id — and each joins the existing cluster it
   matches best (``compatibility.decide`` against every member: any conflict vetoes, the
   best member score must reach ``MERGE_SCORE``), else starts a new one. Two reports of one
   document never share a cluster: the document's own analysis already kept them apart.

What a consolidated event says is computed from its members (``summarize``): its type by
vote of independent sources; its date and place from its most precise report; fatalities
from every figure by the DESIGN.md rule; its modality the strongest commitment any member
makes; ``sources`` its distinct documents and ``independent_sources`` their distinct origins
(a repost is a source, not an independent one).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..nlp.fatalities import fatalities
from ..records import FatalityFigure, Figure, Span
from .compatibility import MAX_GAP_DAYS, Decision, ReportView, decide

# Modalities in decreasing commitment: a consolidated event is as certain as its most
# committed report ("asserted" by one outlet beats "claimed" by a party).
COMMITMENT = ("asserted", "reported", "claimed")
# When independent sources split on the type, the more specific ACLED type wins a tie.
TYPE_ORDER = ("Explosions/Remote violence", "Battles", "Violence against civilians", "Riots",
              "Protests", "Strategic developments")

TextLinked = Callable[[str, str], bool]


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


def blocks(reports: Iterable[ReportView]) -> list[list[ReportView]]:
    """Reports that could be one happening, grouped: same country, chained overlapping
    intervals. Undated, unplaced-by-country and not-happened reports stand alone."""
    alone: list[list[ReportView]] = []
    by_country: dict[str, list[ReportView]] = {}
    for r in reports:
        if not (r.happened and r.country and r.date_start and r.date_end):
            alone.append([r])
        else:
            by_country.setdefault(r.country, []).append(r)
    out: list[list[ReportView]] = []
    for country in sorted(by_country):
        rows = sorted(by_country[country], key=lambda r: (r.date_start, r.date_end, r.id))
        current: list[ReportView] = []
        reach = ""
        for r in rows:
            if current and (date.fromisoformat(r.date_start or "")
                            - date.fromisoformat(reach)).days > MAX_GAP_DAYS:
                out.append(current)
                current = []
            if not current or (r.date_end or "") > reach:
                reach = r.date_end or ""
            current.append(r)
        if current:
            out.append(current)
    return out + sorted(alone, key=lambda b: b[0].id)


def cluster(block: Sequence[ReportView], text_linked: TextLinked | None = None
            ) -> tuple[list[Cluster], list[Considered]]:
    """Cluster one block; every decision taken is returned for `sitrep why`."""
    clusters: list[list[ReportView]] = []
    considered: list[Considered] = []
    for r in sorted(block, key=canonical):
        best: tuple[float, int] | None = None
        for k, members in enumerate(clusters):
            seed = event_id(members[0])
            if any(m.document_id == r.document_id for m in members):
                continue
            decisions = [(m, decide(r, m, text_link=bool(
                text_linked and text_linked(r.document_id, m.document_id)))) for m in members]
            considered += [Considered(r.id, m.id, seed, d) for m, d in decisions]
            if any(d.conflict for _, d in decisions):
                continue
            top = max(d.score for _, d in decisions)
            if any(d.merged for _, d in decisions) and (best is None or top > best[0]):
                best = (top, k)
        if best is None:
            clusters.append([r])
        else:
            clusters[best[1]].append(r)
    return [Cluster(event_id(c[0]), tuple(c)) for c in clusters], considered


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
