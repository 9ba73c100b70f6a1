"""Event reports: "this document says this happened", assembled from triggers and mentions.

For every event trigger (nlp.event_types) outside page furniture:

* actors from syntactic roles — the subject or "by"-agent is actor1, the object / passive
  subject / "on|against X" is actor2, conjuncts of actor1 are associated actors; a noun
  trigger takes its modifiers ("RSF shelling", "Russian air strikes") as actor1;
* place: a location attached to the trigger's clause, else one in its sentence, else the
  document's focus place at a lower precision (ACLED geo_precision);
* date: a time expression of the trigger's clause; one that dates only the report that carries
  the event ("posted on Friday that its members killed…") bounds it from above: the week up to
  that day; else one in the sentence; else the week up to publication (ACLED time_precision);
* fatalities: death figures of the sentence with their claimant, best/low/high by the rule of
  DESIGN.md (nlp.fatalities); unknown stays None;
* modality from cues (nlp.modality); "reported" by a party to the event becomes "claimed".

Triggers of one sentence with the same modality are one happening ("shelling killed 40": one
report, typed by its most specific trigger); a later sentence's trigger joins an earlier report
of the same sub-event type when nothing conflicts (another place far away, a disjoint date).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from spacy.tokens import Doc, Token

from ..records import (
    ACTOR_INTER,
    HAPPENED,
    ActorMention,
    EventReport,
    FatalityFigure,
    Figure,
    PlaceRef,
    Span,
    TimeRef,
)
from .event_types import Trigger, find_triggers
from .fatalities import counts_deaths, fatalities
from .modality import modality_of
from .registry import Context, annotator

# When triggers of one sentence are one happening, the report takes the type of the most
# specific: the means (shelling, air strike) before the outcome (a killing), ACLED's practice.
TYPE_PRIORITY = {"Explosions/Remote violence": 0, "Battles": 1, "Violence against civilians": 2,
                 "Riots": 3, "Protests": 4, "Strategic developments": 5}
# ACLED geo_precision from sitrep's place precision.
GEO_PRECISION = {"exact": 1, "near": 2, "admin2": 2, "admin1": 3, "country": 3, "region": 3}
# ACLED time_precision from a time expression's granularity.
TIME_PRECISION = {"time": 1, "day": 1, "week": 2}
# A report is published within about a week of what it reports: the fallback interval.
REPORT_WINDOW_DAYS = 6
# Event types where a participant's own account is a claim (an interested party's); a
# government announcing its own staff moves is reporting, not claiming.
CONTESTED_TYPES = frozenset({"Battles", "Explosions/Remote violence",
                             "Violence against civilians", "Riots"})
# Merged "happened" reports keep the most cautious modality, first in this order.
MODALITY_CAUTION = ("claimed", "reported", "asserted")
# A trigger dated in its own sentence more than this before publication tells of another,
# earlier happening (background), never the same one as the day's news.
BACKGROUND_DAYS = 31
# Two places farther apart than this are different happenings.
SAME_PLACE_KM = 50.0
ACTOR1_DEPS = ("nsubj", "csubj")
ACTOR2_DEPS = ("dobj", "nsubjpass", "attr", "oprd")
TARGET_PREPS = ("on", "against", "at", "upon", "targeting")


@dataclass
class _Draft:
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


class _Builder:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.doc: Doc = ctx.doc
        self.actors: tuple[ActorMention, ...] = ctx.found.get("actors", ())
        self.places: tuple[PlaceRef, ...] = ctx.found.get("places", ())
        self.times: tuple[TimeRef, ...] = ctx.found.get("times", ())
        self.figures: tuple[Figure, ...] = ctx.found.get("figures", ())
        self.token_actor: dict[int, ActorMention] = {}
        for m in self.actors:
            for tok in self._tokens(m.span):
                self.token_actor.setdefault(tok.i, m)
        self.sentences = list(self.doc.sents)
        self.sentence_of = {tok.i: k for k, sent in enumerate(self.sentences) for tok in sent}
        self.furniture = [c.span for c in ctx.document.cited_sources
                          if c.how == "sources-block" and c.span is not None]

    # -- helpers ---------------------------------------------------------------------------
    def _tokens(self, span: Span):
        found = self.doc.char_span(span.start, span.end, alignment_mode="expand")
        return found if found is not None else ()

    def _span(self, start: int, end: int) -> Span:
        s = self.doc[start:end]
        return Span(s.start_char, s.end_char, s.text)

    def _in_furniture(self, trigger: Trigger) -> bool:
        # At or after a trailing "Sources" block: not the article's own text.
        start = self.doc[trigger.start].idx
        return bool(self.furniture) and start >= min(s.start for s in self.furniture)

    def _head(self, trigger: Trigger) -> Token:
        toks = list(self.doc[trigger.start:trigger.end])
        for tok in toks:
            if not (trigger.start <= tok.head.i < trigger.end) or tok.head.i == tok.i:
                return tok
        return toks[0]

    def _actor_in(self, tok: Token) -> ActorMention | None:
        for t in (tok, *tok.subtree):
            if t.i in self.token_actor:
                return self.token_actor[t.i]
        return None

    # -- roles -------------------------------------------------------------------------------
    def roles(self, head: Token) -> tuple[ActorMention | None, ActorMention | None,
                                          list[ActorMention]]:
        agents: list[Token] = []
        patients: list[Token] = []
        verb = head
        for child in head.children:
            if child.dep_ in ACTOR1_DEPS:
                agents.append(child)
            elif child.dep_ == "agent":
                agents += [g for g in child.children if g.dep_ == "pobj"]
            elif child.dep_ in ACTOR2_DEPS:
                patients.append(child)
            elif child.dep_ == "prep" and child.lower_ in TARGET_PREPS:
                patients += [g for g in child.children if g.dep_ == "pobj"]
            elif child.dep_ == "prep" and child.lower_ == "by":
                agents += [g for g in child.children if g.dep_ == "pobj"]
            elif head.pos_ in ("NOUN", "PROPN") and child.dep_ in ("compound", "amod", "poss",
                                                                    "nmod"):
                agents.append(child)
        if not agents and head.dep_ in ("conj", "xcomp", "advcl", "relcl"):
            verb = head.head  # "…and killed", "vowed to take", "militants who attacked"
            if head.dep_ == "relcl":
                agents.append(verb)
            agents += [c for c in verb.children if c.dep_ in ACTOR1_DEPS]
        if not agents and head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("nsubj",):
            agents += [c for c in head.head.children if c.dep_ == "agent"]
        actor1 = next((a for t in agents if (a := self._actor_in(t))), None)
        if actor1 is None and any(w.tag_ in ("PRP", "PRP$") for t in agents for w in t.subtree):
            actor1 = self._antecedent(head)  # "its members killed…", "they attacked…"
        actor2 = next((a for t in patients if (a := self._actor_in(t)) and a is not actor1),
                      None)
        associated: list[ActorMention] = []
        for t in agents:
            for conj in t.conjuncts:
                a = self._actor_in(conj)
                if a and a is not actor1 and a.actor.id != (actor1.actor.id if actor1 else None):
                    associated.append(a)
        return actor1, actor2, associated

    def _antecedent(self, head: Token) -> ActorMention | None:
        """The latest armed actor named before ``head`` in its sentence or the one before."""
        sentence = self.sentence_of.get(head.i, 0)
        earlier = [m for i, m in sorted(self.token_actor.items())
                   if i < head.i and self.sentence_of.get(i, -9) >= sentence - 1
                   and m.actor.type in ("rebel group", "political militia", "identity militia",
                                        "state forces", "external/other forces")
                   and m.actor.kind != "person"]
        return earlier[-1] if earlier else None

    # -- place and date ---------------------------------------------------------------------
    def place(self, head: Token, sentence: int) -> tuple[PlaceRef | None, str]:
        clause = {t.i for t in head.subtree}
        in_sentence: list[PlaceRef] = []
        for ref in self.places:
            if ref.place is None or ref.role != "location":
                continue
            toks = self._tokens(ref.span)
            if not toks or self.sentence_of.get(toks[0].i) != sentence or _acts(toks):
                continue
            if toks[0].i in clause:
                return ref, "clause"
            in_sentence.append(ref)
        if in_sentence:
            return _most_precise(in_sentence), "sentence"
        focus = self.focus_place()
        return (focus, "document") if focus else (None, "document")

    def focus_place(self) -> PlaceRef | None:
        """Where the document is, for events its text does not place: its main country
        (counted over every located place), as the country itself when the text names it
        (ACLED codes such events at country level), else its most named place there."""
        located = [r for r in self.places if r.place is not None and r.role == "location"]
        if not located:
            return None
        countries = Counter(r.place.country for r in located if r.place and r.place.country)
        if not countries:
            return located[0]
        main = countries.most_common(1)[0][0]
        named = [r for r in self.places if r.place is not None and r.place.country == main
                 and r.precision == "country"]
        if named:
            return named[0]
        counts = Counter(r.place.id for r in located if r.place and r.place.country == main)
        return next(r for r in located if r.place and r.place.id == counts.most_common(1)[0][0])

    def time(self, head: Token, sentence: int) -> tuple[TimeRef | None, str]:
        clause = {t.i for t in head.subtree}
        governing = {t.i for t in head.ancestors}
        in_sentence: list[TimeRef] = []
        for ref in self.times:
            if ref.start is None or ref.kind not in ("date", "time", "duration"):
                continue
            toks = self._tokens(ref.span)
            if not toks or self.sentence_of.get(toks[0].i) != sentence:
                continue
            if ref.kind == "duration" and ref.granularity != "week" and ref.rule != "recent":
                continue
            if toks[0].i in clause:
                return ref, "clause"
            attach = toks[0].head
            while attach.dep_ in ("pobj", "prep", "npadvmod", "compound") and attach.head != attach:
                attach = attach.head
            if attach.i in governing:
                return ref, "report"  # the date of the statement that carries the event
            in_sentence.append(ref)
        if in_sentence:
            return in_sentence[0], "sentence"
        return None, "published"

    # -- one trigger -------------------------------------------------------------------------
    def draft(self, trigger: Trigger) -> _Draft:
        head = self._head(trigger)
        sentence = self.sentence_of.get(head.i, 0)
        actor1, actor2, associated = self.roles(head)
        place, place_from = self.place(head, sentence)
        time, date_from = self.time(head, sentence)
        call = modality_of(self.doc, trigger.start, trigger.end)
        source = None
        if call.source is not None:
            source = next((self.token_actor[i] for i in range(*call.source)
                           if i in self.token_actor), None)
        modality = call.modality
        parties = {m.actor.id for m in (actor1, actor2, *associated) if m}
        if modality == "reported" and source is not None and source.actor.id in parties \
                and trigger.event_type in CONTESTED_TYPES:
            modality = "claimed"  # a party's own account of a fight, attack or riot
        figures = []
        for fig in self.figures:
            toks = self._tokens(fig.span)
            if not toks or _subset(toks):
                continue  # "including three children" is part of a toll, not a toll
            if self.sentence_of.get(toks[0].i) == sentence and counts_deaths(fig):
                claimant = source.actor.id if source is not None else None
                figures.append(FatalityFigure(fig, claimant, claimant in parties))
        cue = self._span(*call.cue) if call.cue else None
        return _Draft(trigger, sentence, actor1, actor2, associated, place, place_from, time,
                      date_from, figures, modality, cue, source, call.hedged,
                      [self._span(trigger.start, trigger.end)], {sentence})

    def build(self) -> tuple[EventReport, ...]:
        actor_types = {i: m.actor.type for i, m in self.token_actor.items()}
        triggers = [t for t in find_triggers(self.doc, actor_types) if not self._in_furniture(t)]
        drafts = [self.draft(t) for t in sorted(triggers, key=lambda t: t.start)]
        published = self.ctx.document.published
        merged = _merge(drafts, _iso_day(published.value) if published else None)
        return tuple(self.report(k, d) for k, d in enumerate(merged, start=1))

    def report(self, ordinal: int, d: _Draft) -> EventReport:
        t = d.trigger
        published = self.ctx.document.published
        anchor = _iso_day(published.value) if published else None
        start = end = None
        precision: int | None = None
        if d.time is not None and d.time.start:
            start, end = d.time.start[:10], (d.time.end or d.time.start)[:10]
            precision = TIME_PRECISION.get(d.time.granularity, 3)
            if d.date_from == "report":
                start = _shift(end, -REPORT_WINDOW_DAYS)
                precision = max(precision, 2)
        elif anchor:
            start, end, precision = _shift(anchor, -REPORT_WINDOW_DAYS), anchor, 2
        geo = None
        if d.place is not None:
            geo = GEO_PRECISION.get(d.place.precision or "country", 3)
            if d.place_from == "document":
                geo = max(geo, 2)
        inter1 = ACTOR_INTER.get(d.actor1.actor.type) if d.actor1 else None
        inter2 = ACTOR_INTER.get(d.actor2.actor.type) if d.actor2 else None
        codes = sorted(c for c in (inter1, inter2) if c)
        interaction = ("".join(map(str, codes)) if len(codes) == 2
                       else f"{codes[0]}0" if codes else None)
        return EventReport(
            id=f"{self.ctx.document.id}:{ordinal}", event_type=t.event_type,
            sub_event_type=t.sub_event_type, cameo=t.cameo,
            trigger=self._span(t.start, t.end), actor1=d.actor1, actor2=d.actor2,
            associated=tuple(d.associated), interaction=interaction, place=d.place,
            geo_precision=geo, place_from=d.place_from, date_start=start, date_end=end,
            time_precision=precision, time=d.time, date_from=d.date_from,
            fatalities=fatalities(d.figures), modality=d.modality,  # type: ignore[arg-type]
            modality_cue=d.modality_cue, modality_source=d.modality_source, hedged=d.hedged,
            triggers=tuple(d.triggers), score=t.score, rule=t.rule)


# Words that make a figure a part of another ("nine killed, including three children").
SUBSET_WORDS = frozenset({"including", "among", "incl."})


def _subset(tokens) -> bool:
    root = tokens.root if hasattr(tokens, "root") else tokens[0]
    return any(a.lower_ in SUBSET_WORDS for a in list(root.ancestors)[:3])


def _acts(tokens) -> bool:
    """A place name used as an actor ("the U.S. said", "confirmed by the U.S.")."""
    root = tokens.root if hasattr(tokens, "root") else tokens[0]
    if root.dep_ in ("nsubj", "nsubjpass"):
        return True
    return root.dep_ == "pobj" and root.head.dep_ == "agent"


def _most_precise(refs: list[PlaceRef]) -> PlaceRef:
    return min(refs, key=lambda r: GEO_PRECISION.get(r.precision or "country", 3))


def _iso_day(value: str) -> str:
    return value[:10]


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat()


def _happened(modality: str) -> bool:
    return modality in HAPPENED


def _distance_km(a: PlaceRef, b: PlaceRef) -> float:
    pa, pb = a.place, b.place
    if pa is None or pb is None:
        return 0.0
    lat1, lon1, lat2, lon2 = map(math.radians, (pa.lat, pa.lon, pb.lat, pb.lon))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _conflict(a: _Draft, b: _Draft) -> bool:
    """Clear evidence that two drafts are different happenings."""
    if _happened(a.modality) != _happened(b.modality):
        return True
    local = ("clause", "sentence")
    if a.place and b.place and a.place_from in local and b.place_from in local:
        same_precise = a.place.precision in ("exact", "near") and b.place.precision in (
            "exact", "near")
        if same_precise and _distance_km(a.place, b.place) > SAME_PLACE_KM:
            return True
        if a.place.place and b.place.place and a.place.place.country != b.place.place.country:
            return True
    if a.time and b.time and a.time.start and b.time.start and a.date_from == "clause" \
            and b.date_from == "clause":
        a_end, b_end = a.time.end or a.time.start, b.time.end or b.time.start
        return a_end < b.time.start or b_end < a.time.start
    return False


def _absorb(into: _Draft, other: _Draft) -> _Draft:
    """``other`` is the same happening: keep the more specific type and every detail."""
    keep_type = TYPE_PRIORITY.get(other.trigger.event_type, 9) < TYPE_PRIORITY.get(
        into.trigger.event_type, 9)
    base = replace(into, trigger=other.trigger) if keep_type else into
    return replace(
        base,
        actor1=base.actor1 or other.actor1,
        actor2=base.actor2 or other.actor2,
        associated=[*base.associated, *(a for a in other.associated if a not in base.associated)],
        place=base.place if base.place_from != "document" or other.place is None else other.place,
        place_from=base.place_from if base.place_from != "document" else other.place_from,
        time=base.time or other.time,
        date_from=base.date_from if base.time else other.date_from,
        figures=[*base.figures, *(f for f in other.figures if f not in base.figures)],
        # Of "happened" modalities, the attributed one is kept: the writer asserting one part
        # of a reported account does not make the account the writer's.
        modality=min((base.modality, other.modality), key=MODALITY_CAUTION.index)
        if base.modality in MODALITY_CAUTION and other.modality in MODALITY_CAUTION
        else base.modality,
        modality_cue=base.modality_cue or other.modality_cue,
        modality_source=base.modality_source or other.modality_source,
        hedged=base.hedged or other.hedged,
        triggers=[*base.triggers, *other.triggers],
        sentences=base.sentences | other.sentences,
    )


def _background(d: _Draft, anchor: str | None) -> bool:
    """Dated in its own text well before the report ("in 2019", "since 2017"): a background
    happening, not the news of the day."""
    if anchor is None or d.time is None or d.date_from not in ("clause", "sentence"):
        return False
    start = (d.time.start or "")[:10]
    return bool(start) and start < _shift(anchor, -BACKGROUND_DAYS)


def _new_details(a: _Draft, b: _Draft, anchor: str | None = None) -> bool:
    """``b`` (a later sentence) tells of a place or a date of its own that ``a`` lacks:
    a different happening of the same kind ("took territory last week" / "captured the town
    on Monday", or a background event "in 2019")."""
    if _background(a, anchor) != _background(b, anchor):
        return True
    local = ("clause", "sentence")
    if a.place and b.place and a.place_from in local and b.place_from in local \
            and a.place.place and b.place.place and a.place.place.id != b.place.place.id:
        return True
    return bool(a.time and b.time and a.date_from == "clause" and b.date_from == "clause"
                and (a.time.start, a.time.end) != (b.time.start, b.time.end))


def _merge(drafts: list[_Draft], anchor: str | None = None) -> list[_Draft]:
    merged: list[_Draft] = []
    for d in drafts:
        target = None
        for m in reversed(merged):
            if _happened(m.modality) != _happened(d.modality) or _conflict(m, d):
                continue
            if _background(m, anchor) != _background(d, anchor):
                continue
            if d.sentence in m.sentences:
                target = m  # one sentence, one happening (of the same modality class)
                break
            if m.trigger.sub_event_type == d.trigger.sub_event_type and m.modality == d.modality \
                    and not _new_details(m, d, anchor):
                target = m
                break
        if target is None:
            merged.append(d)
        else:
            merged[merged.index(target)] = _absorb(target, d)
    return merged


@annotator("events", requires=("actors", "places", "times", "figures"), assigns="events")
def find_events(ctx: Context) -> tuple[EventReport, ...]:
    return _Builder(ctx).build()
