"""How one document's event drafts (one per trigger) become its event reports: which drafts
tell the same happening and are merged, which are kept apart, and what a toll-only sentence
joins (nlp.events drafts them and writes the reports).

* Triggers of one sentence with the same modality class are one happening ("shelling killed
  40": one report, typed by its most specific trigger), unless they are conjoined acts with
  objects of their own ("captured Shasha and shelled Sake").
* A later sentence's trigger joins an earlier report of the same sub-event type when nothing
  conflicts (another place far away, a disjoint date, a background date).
* A sentence that only gives a toll joins the happening told before it, each figure with
  its own claimant.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from spacy.tokens import Doc

from ..geo import distance_km
from ..records import HAPPENED, ActorMention, FatalityFigure, PlaceRef, Span, TimeRef
from .event_types import Trigger

# When triggers of one sentence are one happening, the report takes the type of the most
# specific: the means (shelling, air strike) before the outcome (a killing), ACLED's practice.
TYPE_PRIORITY = {"Explosions/Remote violence": 0, "Battles": 1, "Violence against civilians": 2,
                 "Riots": 3, "Protests": 4, "Strategic developments": 5}
# …except a bomb that opens a ground assault ("attacked the base with a car bomb and
# gunfire"): ACLED codes the battle it is part of.
SUB_TYPE_PRIORITY = {"Remote explosive/landmine/IED": 1.5, "Suicide bomb": 1.5}


# Merged "happened" reports keep the most cautious modality, first in this order.
MODALITY_CAUTION = ("claimed", "reported", "asserted")
# A trigger dated in its own sentence more than this before publication tells of another,
# earlier happening (background), never the same one as the day's news.
BACKGROUND_DAYS = 31
# Two places farther apart than this are different happenings.
SAME_PLACE_KM = 50.0


VERBS = ("VERB", "AUX")
# Granularities of a date that names its days (a containing one is not vague).
DAYS = frozenset({"day", "time"})
# Triggers that only tell a toll: a sentence of nothing else reports an earlier happening's.
OUTCOME_LEMMAS = frozenset({"kill", "killing", "wound", "injure"})
OUTCOME_WORDS = frozenset({"killed", "killing", "wounded", "wounding", "injured", "injuring",
                           "kills", "wounds", "injures", "kill", "wound", "injure"})
VIOLENT_TYPES = frozenset({"Battles", "Explosions/Remote violence",
                           "Violence against civilians", "Riots"})
# Sub-types that are part of a fight when told with it ("stormed the camp and looted shops").
PART_OF_ACT = frozenset({"Looting/property destruction"})


@dataclass
class Draft:
    trigger: Trigger
    sentence: int  # index of its sentence
    actor1: ActorMention | None
    actor2: ActorMention | None
    associated: list[ActorMention]
    place: PlaceRef | None
    place_from: str
    time: TimeRef | None
    date_from: str
    figures: list[FatalityFigure]
    modality: str
    modality_cue: Span | None
    modality_source: ActorMention | None
    hedged: bool
    triggers: list[Span] = field(default_factory=list)
    sentences: set[int] = field(default_factory=set)
    heading: bool = False  # from the headline: joins the body's report whatever its modality
    anaphoric: bool = False  # "the attack", "this week's assault": names a happening told before
    indefinite: bool = False  # "an ambush", "a drone strike": introduces a new happening


def _priority(trigger: Trigger) -> float:
    return SUB_TYPE_PRIORITY.get(trigger.sub_event_type,
                                 TYPE_PRIORITY.get(trigger.event_type, 9))


def iso_day(value: str) -> str:
    return value[:10]


def shift(day: str, days: int) -> str:
    return (date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat()


def happened(modality: str) -> bool:
    return modality in HAPPENED


def _distance_km(a: PlaceRef, b: PlaceRef) -> float:
    pa, pb = a.place, b.place
    if pa is None or pb is None:
        return 0.0
    return distance_km(pa.lat, pa.lon, pb.lat, pb.lon)


def _conflict(a: Draft, b: Draft) -> bool:
    """Clear evidence that two drafts are different happenings."""
    if happened(a.modality) != happened(b.modality):
        return True
    local = ("clause", "sentence")
    if a.place and b.place and a.place_from in local and b.place_from in local:
        same_precise = a.place.precision in ("exact", "near") and b.place.precision in (
            "exact", "near")
        if same_precise and _distance_km(a.place, b.place) > SAME_PLACE_KM:
            return True
        if a.place.place and b.place.place and a.place.place.country != b.place.place.country:
            return True
    own = ("clause", "report")
    if a.time and b.time and a.time.start and b.time.start and a.date_from in own \
            and b.date_from in own and "clause" in (a.date_from, b.date_from):
        a_end, b_end = a.time.end or a.time.start, b.time.end or b.time.start
        return a_end < b.time.start or b_end < a.time.start
    return False


def _absorb(into: Draft, other: Draft) -> Draft:
    """``other`` is the same happening: keep the more specific type and every detail."""
    keep_type = _priority(other.trigger) < _priority(into.trigger)
    base = replace(into, trigger=other.trigger) if keep_type else into
    return replace(
        base,
        actor1=base.actor1 or other.actor1,
        actor2=base.actor2 or other.actor2,
        associated=[*base.associated, *(a for a in other.associated if a not in base.associated)],
        place=base.place if base.place_from != "document" or other.place is None else other.place,
        place_from=base.place_from if base.place_from != "document" else other.place_from,
        time=(t := _narrower(base.time, other.time)
              if base.date_from == other.date_from == "clause" else base.time or other.time),
        date_from=base.date_from if t is base.time else other.date_from,
        figures=[*base.figures, *(f for f in other.figures
                                  if f not in base.figures and not _restated(f, base))],
        # Of "happened" modalities, the attributed one is kept: the writer asserting one part
        # of a reported account does not make the account the writer's.
        modality=min((base.modality, other.modality), key=MODALITY_CAUTION.index)
        if base.modality in MODALITY_CAUTION and other.modality in MODALITY_CAUTION
        else base.modality,
        anaphoric=base.anaphoric or other.anaphoric,  # "19 wounded in the fighting"
        indefinite=base.indefinite or other.indefinite,  # "a strike…; that strike": new
        modality_cue=base.modality_cue or other.modality_cue,
        modality_source=base.modality_source or other.modality_source,
        hedged=base.hedged or other.hedged,
        triggers=[*base.triggers, *other.triggers],
        sentences=base.sentences | other.sentences,
    )


def background(d: Draft, anchor: str | None) -> bool:
    """Dated in its own text well before the report ("in 2019", "since 2017"): a background
    happening, not the news of the day."""
    if anchor is None or d.time is None or d.date_from not in ("clause", "sentence"):
        return False
    start = (d.time.start or "")[:10]
    return bool(start) and start < shift(anchor, -BACKGROUND_DAYS)


def _new_details(a: Draft, b: Draft, anchor: str | None = None) -> bool:
    """``b`` (a later sentence) tells of a place or a date of its own that ``a`` lacks:
    a different happening of the same kind ("took territory last week" / "captured the town
    on Monday", or a background event "in 2019")."""
    if background(a, anchor) != background(b, anchor):
        return True
    local = ("clause", "sentence")
    if a.place and b.place and a.place_from in local and b.place_from in local \
            and a.place.place and b.place.place and a.place.place.id != b.place.place.id:
        return True
    if not (a.time and b.time and a.date_from == "clause" and b.date_from == "clause"):
        return False
    # "this week's attack" … "stormed the base on 12 March": a day inside a vague period
    # refines the date. Days inside a span of days ("on Thursday and Friday" … "three died
    # on Thursday") are parts of it, told apart as ACLED codes each day; and two dates
    # neither of which contains the other are two happenings.
    return not ((_within(a.time, b.time) and b.time.granularity not in DAYS)
                or (_within(b.time, a.time) and a.time.granularity not in DAYS))


def _within(inner: TimeRef, outer: TimeRef) -> bool:
    if not (inner.start and outer.start):
        return False
    return outer.start[:10] <= inner.start[:10] and \
        (inner.end or inner.start)[:10] <= (outer.end or outer.start)[:10]


def _narrower(a: TimeRef | None, b: TimeRef | None) -> TimeRef | None:
    if a is None or b is None:
        return a or b
    return a if _within(a, b) or not _within(b, a) else b


def merge(drafts: list[Draft], anchor: str | None = None,
           doc: Doc | None = None) -> list[Draft]:
    merged: list[Draft] = []
    for d in drafts:
        target = None
        # A headline joins the report it restates: the body's first that fits (the lead);
        # a sentence, the latest before it.
        for m in (merged if d.heading else reversed(merged)):
            if happened(m.modality) != happened(d.modality) or _conflict(m, d):
                continue
            if background(m, anchor) != background(d, anchor):
                continue
            if d.sentence in m.sentences:
                if doc is not None and _separate_acts(m, d, doc):
                    continue
                target = m  # one sentence, one happening (of the same modality class)
                break
            if d.indefinite and not d.heading:
                continue  # "Earlier this month, the group claimed an ambush…": another one
            if m.trigger.sub_event_type == d.trigger.sub_event_type \
                    and (m.modality == d.modality or d.heading) \
                    and not _new_details(m, d, anchor):
                target = m
                break
        if target is None:
            merged.append(d)
        else:
            merged[merged.index(target)] = _absorb(target, d)
    return merged


def _separate_acts(a: Draft, b: Draft, doc: Doc) -> bool:
    """Two conjoined verbs of different kinds, each with its own object: two happenings
    ("captured Shasha and shelled Sake", "arrested dozens and regained several villages");
    a toll ("attacked the camp and killed 12") or a part of the act is the same one."""
    ta, tb = a.trigger, b.trigger
    if ta.sub_event_type == tb.sub_event_type or ta.lemma in OUTCOME_LEMMAS \
            or tb.lemma in OUTCOME_LEMMAS or PART_OF_ACT & {ta.sub_event_type, tb.sub_event_type}:
        return False
    va, vb = doc[ta.start], doc[tb.start]
    if va.pos_ not in VERBS or vb.pos_ not in VERBS:
        return False
    linked = (vb.dep_ == "conj" and vb.head.i == va.i) or (va.dep_ == "conj" and va.head.i == vb.i)
    return linked and all(any(c.dep_ in ("dobj", "attr", "prep") for c in v.children)
                          for v in (va, vb))


def fold_references(drafts: list[Draft], anchor: str | None) -> list[Draft]:
    """Sentences that tell nothing new but refer back to a happening join its report:

    * a toll alone ("Local volunteers put the toll lower, at between 15 and 20 dead", "Dozens
      more were wounded"): its figures join, each with its own claimant;
    * a definite mention ("JNIM said it had carried out the attack", "the assault on the camp
      began at 5 a.m."): its actors join as associated actors.

    Either only without a place or date of its own; the report keeps its type and modality."""
    out: list[Draft] = []
    for d in drafts:
        only_toll = all(t.text.lower() in OUTCOME_WORDS or _lemma_of(t) in OUTCOME_LEMMAS
                        for t in d.triggers) and d.trigger.lemma in OUTCOME_LEMMAS
        target = None
        refers_back = only_toll or (d.anaphoric and not d.indefinite)
        if refers_back and happened(d.modality) and not background(d, anchor):
            target = next((m for m in reversed(out) if happened(m.modality)
                           and not background(m, anchor)
                           and m.trigger.event_type in VIOLENT_TYPES
                           and _same_scene(d, m) and _same_time(d, m)), None)
        if target is None:
            out.append(d)
            continue
        parties = {x.actor.id for x in (target.actor1, target.actor2, *target.associated) if x}
        figures = [FatalityFigure(f.figure, f.claimant, f.party or f.claimant in parties)
                   for f in d.figures if f not in target.figures and not _restated(f, target)]
        joining = [a for a in (d.actor1, d.actor2, *d.associated)
                   if a is not None and a.actor.id not in parties]
        out[out.index(target)] = replace(
            target, figures=[*target.figures, *figures], triggers=[*target.triggers, *d.triggers],
            associated=[*target.associated, *joining], sentences=target.sentences | d.sentences)
    return out


def _same_scene(d: Draft, m: Draft) -> bool:
    """Could ``d``'s place be ``m``'s? No place of its own; the same place; the country or
    province ``m`` is in ("in the Mopti region" of a camp there); or within SAME_PLACE_KM."""
    if d.place is None or d.place.place is None or d.place_from == "document" \
            or m.place is None or m.place.place is None:
        return True
    a, b = d.place.place, m.place.place
    if a.id == b.id or d.place.precision == "region" or not a.country:
        return True  # "al-Qaeda's affiliate in the Sahel"
    if a.country != b.country:
        return False
    if d.place.precision == "country":
        return True
    if d.place.precision == "admin1":
        return a.admin1 == b.admin1 if a.admin1 and b.admin1 else True  # extras lack one
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM


def _same_time(d: Draft, m: Draft) -> bool:
    """Could ``d``'s date be ``m``'s? Undated, or overlapping intervals."""
    if d.time is None or m.time is None or not d.time.start or not m.time.start \
            or d.date_from not in ("clause", "sentence"):
        return True
    d_end, m_end = (d.time.end or d.time.start)[:10], (m.time.end or m.time.start)[:10]
    return d.time.start[:10] <= m_end and m.time.start[:10] <= d_end


def _restated(f: FatalityFigure, target: Draft) -> bool:
    """An unattributed later mention of a number the report already has ("a claim that 300
    were killed could not be confirmed") repeats that figure; it is no new source's."""
    value = (f.figure.low, f.figure.high, f.figure.value)
    return f.claimant is None and not f.figure.vague and any(
        g.figure.value == f.figure.value and (g.figure.low or g.figure.value) == (
            value[0] or value[2]) for g in target.figures)


def _lemma_of(span: Span) -> str:
    return span.text.lower()


def focus_date(drafts: list[Draft], anchor: str | None) -> tuple[str, str] | None:
    """The date of the document's main happening: its first report that happened and is
    dated in its own words, not a background one."""
    for d in drafts:
        if happened(d.modality) and d.time is not None and d.time.start \
                and d.date_from in ("clause", "sentence") and not background(d, anchor):
            return d.time.start[:10], (d.time.end or d.time.start)[:10]
    return None
