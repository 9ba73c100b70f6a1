"""Derived-from and origins.

**Derived-from.** Of two documents that share text, the later one (``order_pair``: the
later publication day — an undated document counts from the day it was ingested —, and on
the same day its citing the other, its time of day, its being the trimmed copy, its
ingestion) is derived from the earlier one when

* it contains most of the earlier one's text, or most of its own text is the earlier one's
  (an abridged copy or an excerpt): containment ≥ ``DERIVED_CONTAINMENT`` either way; or
* it cites the earlier one's outlet (a "Sources:" block, "according to X", "X reported",
  matched on the outlet's name, its canonical name or its web domain) and shares at least
  ``CITED_CONTAINMENT`` of either text: a rewrite that credits its source.

Citing an outlet without sharing its text is reporting, not copying: a report quoting a
wire's death toll is not derived from the wire. A citing document is compared with the
cited outlet's documents of the days around it (``CITE_WINDOW_DAYS``; an undated one with the
outlet's latest), at most ``MAX_CITE_CANDIDATES`` of them, nearest in time first.

**Origin.** Each document's origin is the independent source it ultimately carries: follow
its derived-from links to the root, each step to the parent it shares most text with. A
root whose "Sources:" block credits exactly one outlet (not its own) is a repost of an outlet
we do not hold: its origin is that outlet (``outlet:<name>``). Otherwise the root is its
own origin. A block crediting several outlets is a compilation: no single one is its origin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from ..ingest.outlets import find_outlet, outlet_key
from ..records import DocumentLink, Origin
from ..store.links import UNDATED, LinkedDocument
from .near_duplicates import PairScore, is_near_duplicate, near_duplicate_reason

# The later document is derived from the earlier when the text they share is most of either
# one ("contains most of another's text"). Independent reports of one happening share at most
# 6% (the three Boulkessi reports of the sample corpus: 2-5%). Every near-duplicate pair
# clears it (Jaccard 0.35 means containment ≥ 0.52 one way).
DERIVED_CONTAINMENT = 0.5
# With a credit to the earlier document's outlet, a third of shared text is copying: a
# rewrite credits what it rewrites. Different stories share at most 0.21 (boilerplate).
CITED_CONTAINMENT = 0.3
# A citing pair whose containment, estimated from the signatures, is under this is not
# scored exactly (which re-reads the stored text): half the rule's threshold, well beyond
# the estimate's error (about ±0.06 there with 128 permutations).
CITED_MIN_ESTIMATE = 0.15
# A document citing an outlet is compared with that outlet's documents published up to this
# many days before or after it (a repost follows its source within days; a wider window
# only adds candidates from the outlet's other stories).
CITE_WINDOW_DAYS = 14
# Documents of a cited outlet compared per citing document, nearest in time first: a
# document citing Reuters is not compared with every Reuters story of the fortnight.
MAX_CITE_CANDIDATES = 50
# On the same day, the document whose text lies more inside the other's by this margin is
# the copy; closer than that, neither text tells and the one ingested later is.
SAME_DAY_COPY_MARGIN = 0.05
# Separators between an outlet's name and a section in a site name
# ("Levant Dispatch — Syria & Iraq").
_SITE_SECTION = re.compile(r"(?<!\s)\s+[—–|-]\s+")


@lru_cache(maxsize=1 << 16)
def _keys(name: str) -> frozenset[str]:
    keys = {outlet_key(name)}
    outlet = find_outlet(name)
    if outlet:
        keys.add(outlet_key(outlet.name))
    return frozenset(k for k in keys if k)


@lru_cache(maxsize=1 << 16)
def site_keys(site: str | None, url: str | None) -> frozenset[str]:
    """Outlet keys a document is published under: its site name (and the part before a
    section separator) and its URL's host. (Cached: every pair a document is scored in asks
    for both documents'.)"""
    keys: set[str] = set()
    if site:
        keys |= _keys(site)
        keys |= _keys(_SITE_SECTION.split(site, maxsplit=1)[0])
    if url and "://" in url:
        host = url.split("://", 1)[1].split("/", 1)[0]
        keys |= _keys(host)
    return frozenset(keys)


def cited_keys(cited_sources: Sequence[dict[str, Any]], own: frozenset[str]) -> dict[str, str]:
    """Outlet key → name for every outlet the document cites, except its own."""
    out: dict[str, str] = {}
    for c in cited_sources:
        keys = _keys(c["name"]) | _keys(c.get("surface") or c["name"])
        if keys & own:
            continue
        for k in keys:
            out.setdefault(k, c["name"])
    return out


def credits(cited_sources: Sequence[dict[str, Any]], own: frozenset[str]) -> tuple[str, ...]:
    """The distinct outlets a "Sources:" block credits, except the document's own."""
    names: dict[str, str] = {}
    for c in cited_sources:
        if c.get("how") != "sources-block":
            continue
        keys = _keys(c["name"]) | _keys(c.get("surface") or c["name"])
        if keys & own:
            continue
        names.setdefault(sorted(keys)[0] if keys else c["name"], c["name"])
    return tuple(names.values())


def outlet_rows(doc: LinkedDocument) -> list[tuple[str, str]]:
    """(key, role) rows of the outlet index: ``<outlet key>|<day>`` (or ``|undated``) for the
    outlets it is published by (``site``) and those it cites (``cites``)."""
    own = site_keys(doc.site, doc.url)
    day = doc.day if doc.dated else UNDATED
    return [(f"{k}|{day}", "site") for k in sorted(own)] + \
        [(f"{k}|{day}", "cites") for k in sorted(cited_keys(doc.cited_sources, own))]


def outlet_lookups(doc: LinkedDocument) -> list[tuple[str, str]]:
    """(outlet key, role) to look up for a new document: the documents of the outlets it
    cites (``site``), and the documents citing its own outlet (``cites``)."""
    own = site_keys(doc.site, doc.url)
    return [(k, "site") for k in sorted(cited_keys(doc.cited_sources, own))] + \
        [(k, "cites") for k in sorted(own)]


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


def _instant(doc: LinkedDocument) -> datetime | None:
    """The publication time, when the date has a time of day and a zone."""
    if not doc.published or len(doc.published) <= 10:
        return None
    try:
        moment = datetime.fromisoformat(doc.published.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _cites(doc: LinkedDocument, other: LinkedDocument) -> str | None:
    """The name under which ``doc`` cites ``other``'s outlet, if it does."""
    cited = cited_keys(doc.cited_sources, site_keys(doc.site, doc.url))
    target = site_keys(other.site, other.url)
    return next((cited[k] for k in sorted(cited) if k in target), None)


def order_pair(a: LinkedDocument, b: LinkedDocument, s: PairScore
               ) -> tuple[LinkedDocument, LinkedDocument, PairScore, str]:
    """(later, earlier, the score oriented later → earlier, how the later one comes after).

    A later publication day comes after. On the same day (news dates are often days only),
    in turn: the one citing the other's outlet; the later time of day when both have one;
    the copy, i.e. the one whose text is more inside the other (copies trim: a repost keeps
    most of a story and drops its end, while the story holds all of the repost); the one
    ingested later. The copy rule takes a same-day repost that only adds lines of its own
    for the source (the two still share one origin; `sitrep eval dupes` counts such roots
    in ``origins.accuracy``); it keeps the order independent of the order of ingestion.
    """
    def ordered(later_is_a: bool, how: str) -> tuple[LinkedDocument, LinkedDocument,
                                                     PairScore, str]:
        return (a, b, s, how) if later_is_a else (b, a, s.swapped(), how)

    if a.day != b.day:
        later_is_a = a.day > b.day
        later, earlier = (a, b) if later_is_a else (b, a)
        return ordered(later_is_a, _days_apart(later, earlier))
    same = "the same day" if a.dated and b.dated else f"the same day ({a.day})"
    a_cites, b_cites = _cites(a, b), _cites(b, a)
    if bool(a_cites) != bool(b_cites):
        return ordered(bool(a_cites), f"{same}, citing the other's outlet")
    ta, tb = _instant(a), _instant(b)
    if ta and tb and ta != tb:
        minutes = round(abs((ta - tb).total_seconds()) / 60)
        return ordered(ta > tb, f"{same}, {minutes // 60} h {minutes % 60:02d} min later")
    if abs(s.a_in_b - s.b_in_a) >= SAME_DAY_COPY_MARGIN:
        later_is_a = s.a_in_b > s.b_in_a
        inside = max(s.a_in_b, s.b_in_a)
        return ordered(later_is_a, f"{same}, the copy ({inside:.0%} of its text is in the "
                                   f"other, {min(s.a_in_b, s.b_in_a):.0%} the other way)")
    return ordered(a.ingested > b.ingested, f"{same}, ingested later")


def _days_apart(later: LinkedDocument, earlier: LinkedDocument) -> str:
    a, b = _day(later.day), _day(earlier.day)
    if later.dated and earlier.dated and a and b:
        days = (a - b).days
        return f"published {days} day{'s' if days != 1 else ''} later"

    def what(d: LinkedDocument) -> str:
        return f"published {d.day}" if d.dated else f"undated, first seen {d.day}"
    return f"{what(later)}, the other {what(earlier)}"


def derivation(later: LinkedDocument, earlier: LinkedDocument, s: PairScore,
               how: str) -> str | None:
    """Why ``later`` is derived from ``earlier`` (``s`` scored later → earlier; ``how`` it
    comes after), or None."""
    contains = s.b_in_a  # the earlier text's shingles found in the later one
    made_of = s.a_in_b  # the later text's shingles found in the earlier one
    cite = _cites(later, earlier)
    other = earlier.document_id[:8]
    if contains >= DERIVED_CONTAINMENT:
        why = f"contains {contains:.0%} of {other}'s text"
    elif made_of >= DERIVED_CONTAINMENT:
        why = f"{made_of:.0%} of its text is {other}'s"
    elif cite and max(contains, made_of) >= CITED_CONTAINMENT:
        why = f"shares {max(contains, made_of):.0%} of {other}'s text"
    else:
        return None
    if cite:
        outlet = f"{cite} = {earlier.site}" if earlier.site and earlier.site != cite else cite
        why = f"cites {outlet}, the outlet of {other}; {why}"
    return f"{why}; {how}"


def pair_links(a: LinkedDocument, b: LinkedDocument, s: PairScore) -> list[DocumentLink]:
    """The links a scored pair makes, later → earlier: near-duplicate, derived-from, both or
    none (the link stage and the Spark job both make them here)."""
    later, earlier, s, how = order_pair(a, b, s)
    links = []
    if is_near_duplicate(s):
        links.append(DocumentLink(later.document_id, earlier.document_id, "near-duplicate",
                                  s.jaccard, s.jaccard_exact, s.b_in_a, s.a_in_b,
                                  near_duplicate_reason(s)))
    why = derivation(later, earlier, s, how)
    if why:
        links.append(DocumentLink(later.document_id, earlier.document_id, "derived-from",
                                  s.jaccard, s.jaccard_exact, s.b_in_a, s.a_in_b, why))
    return links


def link_strength(link: DocumentLink) -> float:
    return max(link.contains_other, link.contained)


@dataclass(frozen=True)
class OriginFacts:
    """What a root needs to name its origin."""

    site: str | None
    credits: tuple[str, ...]


def resolve_origins(document_ids: Iterable[str],
                    parents_of: Callable[[str], list[DocumentLink]],
                    facts_of: Callable[[str], OriginFacts]) -> list[Origin]:
    """The origin of each document: up its strongest derived-from links to the root.

    Strongest links can point round in a circle (copies of one day are ordered pair by
    pair, by which holds more of the other, and that need not be transitive): a circle is
    cut at its lowest document id, which becomes the root, so that every document of it has
    the same origin whichever document the walk started from (an incremental update, which
    starts from the documents a batch touched, then equals a rebuild)."""
    memo: dict[str, Origin] = {}

    def derived(node: str, step: DocumentLink) -> Origin:
        up = memo[step.other_id]
        return Origin(node, up.origin, "outlet" if up.kind == "outlet" else "document",
                      up.name, step.other_id, up.depth + 1, _step_reason(step, up))

    def resolve(doc: str) -> Origin:
        # Walk up first (iteratively: chains of reposts of reposts can be long), then fill
        # the memo from the root down.
        chain: list[tuple[str, DocumentLink | None]] = []
        at: dict[str, int] = {}
        cur = doc
        while cur not in memo and cur not in at:
            at[cur] = len(chain)
            ps = parents_of(cur)
            best = min(ps, key=lambda p: (-link_strength(p), p.other_id)) if ps else None
            chain.append((cur, best))
            if best is None:
                break
            cur = best.other_id
        if cur in at and chain[-1][1] is not None:  # back to a document of the walk: a circle
            start = at[cur]
            circle = chain[start:]
            low = min(range(len(circle)), key=lambda i: circle[i][0])
            root = circle[low][0]
            memo[root] = _root_origin(root, facts_of(root))
            for i in range(1, len(circle)):  # down from the root: each one's parent is done
                node, step = circle[(low - i) % len(circle)]
                assert step is not None
                memo[node] = derived(node, step)
            chain = chain[:start]
        for node, step in reversed(chain):
            memo[node] = _root_origin(node, facts_of(node)) if step is None \
                else derived(node, step)
        return memo[doc]

    return [resolve(d) for d in document_ids]


def _root_origin(doc: str, facts: OriginFacts) -> Origin:
    if len(facts.credits) == 1:
        name = facts.credits[0]
        return Origin(doc, f"outlet:{name}", "outlet", name, None, 0,
                      f"its Sources block credits only {name}, and no document it derives "
                      "from is held")
    extra = f"; its Sources block credits {', '.join(facts.credits)}" if facts.credits else ""
    return Origin(doc, doc, "self", facts.site, None, 0,
                  f"no held document it derives from{extra}")


def _step_reason(step: DocumentLink, up: Origin) -> str:
    reason = f"derived from {step.other_id[:8]}: {step.reason}"
    if up.kind == "outlet":
        return f"{reason}; which carries {up.name} (an outlet not held)"
    if up.depth:
        return f"{reason}; which is derived from {up.origin[:8]} ({up.depth} step(s) up)"
    return reason
