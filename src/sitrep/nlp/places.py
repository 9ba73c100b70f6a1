"""Places: find place names in a document and resolve each to a gazetteer entry.

The annotator runs three steps: recognition (``place_mentions``: gazetteer names, demonyms,
"Town, State" qualifiers), resolution (``place_resolution``: candidate scores and the document's
votes) and the cues around each mention (``place_roles``: role, relation, precision); this module
decides which mentions are places and makes their PlaceRefs.

A match inside a GPE or LOC entity is a place; elsewhere it must earn it — a country, province
or big city; a cue such as "in", "the town of"; or a place that agrees with the rest of the
document. Demonyms ("the Syrian border") resolve to their country. A name accepted once is a
place wherever it recurs ("to Djibo" makes the later bare "Djibo" a place).
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from ..records import PlaceCandidate, PlaceRef, Span
from .gazetteer import COUNTRY_CODES, Gazetteer, load_gazetteer
from .place_mentions import (
    AREA_WORDS,
    PLACE_LABELS,
    Mention,
    attach_qualifiers,
    find_mentions,
    is_person_or_word,
)
from .place_resolution import COUNTRY_WEIGHT, disambiguate, prior, surface
from .place_roles import cued, in_feature_name, precision_of, role_of
from .registry import Context, annotator

# A mention with no place label is kept only if its place is at least this big, is a
# country/province, or the document backs it (cue, province or nearby place).
WEAK_MIN_POPULATION = 200_000
# Weak mentions backed by the document must be in a country holding this share of it.
WEAK_COUNTRY_SHARE = 0.25
# The model's LOC (mountains, seas, regions) resolved to a town smaller than this is the
# gazetteer lacking the feature ("Pacific" → Pacific, Missouri): the mention stays unresolved.
LOC_TOWN_MIN_POPULATION = 50_000
# How many candidates a PlaceRef keeps.
KEPT_CANDIDATES = 5


@annotator("places", assigns="places")
def find_places(ctx: Context) -> tuple[PlaceRef, ...]:
    """PlaceRefs of every place mention in the document, in text order."""
    return resolve_places(ctx.doc, load_gazetteer(), skip=_cited_spans(ctx))


def _cited_spans(ctx: Context) -> tuple[tuple[int, int], ...]:
    return tuple((c.span.start, c.span.end) for c in ctx.document.cited_sources if c.span)


def resolve_places(doc: Doc, gazetteer: Gazetteer, *,
                   skip: Iterable[tuple[int, int]] = ()) -> tuple[PlaceRef, ...]:
    """The annotator's work on a parsed text (``skip``: character ranges that are not
    content, such as cited-source lines)."""
    skipped = tuple(skip)
    mentions = [m for m in find_mentions(doc, gazetteer)
                if not any(s <= doc[m.start].idx < e for s, e in skipped)]
    attach_qualifiers(doc, gazetteer, mentions)
    mentions = [m for m in mentions if not is_person_or_word(doc, m, mentions)]
    disambiguate(doc, mentions)
    accepted = {surface(doc, m) for m in mentions if m.chosen is not None
                and _accepted(doc, m)}
    return tuple(ref for m in mentions
                 if (ref := _place_ref(doc, m, surface(doc, m) in accepted)) is not None)


# -- from mention to PlaceRef ----------------------------------------------------------------------

def _accepted(doc: Doc, m: Mention) -> bool:
    """Is this mention a place? Labelled, qualified and demonym mentions are; others must be
    big, an area, cued, or agree with the document."""
    if m.chosen is None:
        return m.rule in ("ner-unresolved", "street") or (
            m.rule == "stray" and m.whole and (m.label in PLACE_LABELS or cued(doc, m)))
    if m.label in PLACE_LABELS or m.qualifier is not None or m.rule == "qualifier":
        return True
    if m.demonym or m.label == "NORP":
        return m.demonym or m.chosen.place.feature_code in COUNTRY_CODES
    if not m.whole and m.label in ("GPE", "LOC", "FAC") and in_feature_name(doc, m):
        return False
    place = m.chosen.place
    code = place.feature_code or ""
    if code in COUNTRY_CODES or code in ("ADM1", "CONT") or place.id.startswith("extra:"):
        return m.whole or m.label in ("ORG", "FAC", "")
    if code == "ADM2":
        return doc[m.end - 1].lower_ in AREA_WORDS
    if not m.whole and m.label == "PERSON":
        return False
    backed = m.scores[place.id] - prior(m.chosen) >= COUNTRY_WEIGHT * WEAK_COUNTRY_SHARE
    if place.population >= WEAK_MIN_POPULATION:
        return m.whole or backed
    return m.whole and (cued(doc, m) or backed or role_of(doc, m)[1])


def _place_ref(doc: Doc, m: Mention, name_accepted: bool) -> PlaceRef | None:
    """The PlaceRef of an accepted mention; a mention of a name accepted elsewhere in the
    document is accepted too ("to Djibo" makes the later bare "Djibo" a place)."""
    if not _accepted(doc, m) and not (name_accepted and m.whole and m.chosen is not None):
        return None
    span = doc[m.start:m.end]
    role, relation = role_of(doc, m)
    place = m.chosen.place if m.chosen else None
    if (place is not None and m.label == "LOC" and place.feature_class == "P"
            and place.population < LOC_TOWN_MIN_POPULATION and m.qualifier is None):
        place = None  # a natural feature or region that the gazetteer lacks, not a village
    if (not m.whole and m.label in ("ORG", "FAC") and role == "location"
            and not (place is not None and place.id.startswith("extra:"))):
        role = "relation"  # "Rapides Parish Fire District", "Baghdad airport": in a name
    ranked = sorted(m.matches, key=lambda x: -m.scores[x.place.id])[:KEPT_CANDIDATES]
    candidates = tuple(PlaceCandidate(x.place, round(m.scores[x.place.id], 3)) for x in ranked)
    rule = m.rule
    if m.qualifier is not None:
        rule += "+qualifier"
    return PlaceRef(span=Span(span.start_char, span.end_char, span.text), place=place,
                    precision=precision_of(place, relation), candidates=candidates, role=role,
                    rule=rule)
