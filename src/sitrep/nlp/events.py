"""Event reports: "this document says this happened", assembled from triggers and mentions.

For every event trigger (nlp.event_types) outside page furniture, a draft:

* actors from syntactic roles — the subject or "by"-agent is actor1, the object / passive
  subject / "on|against X" is actor2, conjuncts of actor1 are associated actors; a noun
  trigger takes its modifiers ("RSF shelling", "Russian air strikes") as actor1; "its forces"
  is the speaker's ("the ministry said its forces…") or the last armed actor named;
* its clause: the predicate a noun trigger is an argument of ("Shelling … killed 40 people in
  Abu Shouk on Sunday"), without conjoined verbs and reported speech of its own;
* place: a location of that clause, else of its sentence, else the document's focus place at
  a lower precision (ACLED geo_precision); never a wire dateline, a country that only names
  who acts ("US aircraft"), or a place inside an actor's name;
* date: a time expression of the clause ("on Thursday and Friday" is one interval); one that
  dates only the statement carrying the event ("said on Tuesday that…", through a verb of
  saying) bounds it from above: the week up to that day; else one in the sentence; else from
  the day of the document's main event up to publication (ACLED time_precision); a happened
  event never ends after publication;
* fatalities: death figures of its clause with their claimant (a force counting its own dead
  is a party), best/low/high by the rule of DESIGN.md (nlp.fatalities); unknown stays None;
* modality from cues (nlp.modality); "reported" by a party to the event becomes "claimed".

nlp.event_merge turns the drafts into one report per happening. The body is merged first and
the headline joins it. Territorial sub-types follow who takes the place (ACLED: foreign forces
overtake, a state's own forces regain).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import islice
from typing import Any

from spacy.tokens import Doc, Token

from ..records import (
    ACTOR_INTER,
    ActorMention,
    EventReport,
    FatalityFigure,
    Figure,
    PlaceRef,
    Span,
    TimeRef,
)
from .attribution import source_of
from .event_merge import (
    OUTCOME_LEMMAS,
    Draft,
    focus_date,
    fold_references,
    happened,
    iso_day,
    merge,
    shift,
)
from .event_types import Trigger, find_triggers
from .fatalities import counts_deaths, fatalities
from .modality import cues, media, modality_of
from .parsed import sentence_numbers, sentence_of
from .registry import Context, annotator

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
ACTOR1_DEPS = ("nsubj", "csubj")
ACTOR2_DEPS = ("dobj", "nsubjpass", "attr", "oprd")
TARGET_PREPS = ("on", "against", "at", "upon", "targeting")
# Dependents of a verb that are arguments (a noun trigger in one shares the verb's clause).
ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "pobj"})
VERBS = ("VERB", "AUX")
# Children of a predicate that are clauses of their own (their places and dates are theirs).
OTHER_CLAUSES = frozenset({"ccomp", "parataxis", "relcl", "acl"})
# Verbs by which an armed group owns an attack ("claimed the ambush", "claimed responsibility").
RESPONSIBILITY_VERBS = frozenset({"claim", "responsibility"})
# Determiners of a noun that refers back ("the attack", "this week's attack", "its attack").
ANAPHORIC_DETERMINERS = frozenset({"the", "this", "that", "its", "their"})
# Modality-cue categories of saying: a date on such a verb dates the report.
SPEECH = frozenset({"report", "claim", "belief", "verify", "deny", "threat"})
# Nouns whose modifier country names who acts, not where ("US aircraft", "Iran-backed").
ACTOR_HEADS = frozenset({
    "force", "troop", "military", "army", "navy", "aircraft", "warplane", "jet", "drone",
    "official", "government", "ministry", "soldier", "command", "spokesman", "spokeswoman",
    "embassy", "envoy", "delegation", "authority", "administration", "police", "militia",
    "president", "minister", "diplomat", "intelligence", "air", "defence", "defense"})
# A dateline is within the first tokens of its sentence, before one of these.
DATELINE_TOKENS = 14
DASHES = frozenset({"—", "–", "-", "--"})
# What joins two days into one interval: "Thursday and Friday", "from Sunday to Monday".
COORDINATION = frozenset({"and", "to", "-", "–", "through", "until", "into"})


class _Builder:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.doc: Doc = ctx.doc
        self.text = ctx.document.text  # the parse's characters (Doc.text re-joins every token)
        self.actors: tuple[ActorMention, ...] = ctx.found.get("actors", ())
        self.places: tuple[PlaceRef, ...] = ctx.found.get("places", ())
        self.times: tuple[TimeRef, ...] = ctx.found.get("times", ())
        self.figures: tuple[Figure, ...] = ctx.found.get("figures", ())
        self._token_spans: dict[tuple[int, int], Any] = {}  # char span → its tokens
        self.token_actor: dict[int, ActorMention] = {}
        for m in self.actors:
            for tok in self._tokens(m.span):
                self.token_actor.setdefault(tok.i, m)
        self.sentence_number = sentence_numbers(self.doc)  # token index → its sentence
        self.furniture = [c.span for c in ctx.document.cited_sources
                          if c.how == "sources-block" and c.span is not None]
        self.clauses: dict[int, list[frozenset[int]]] = {}  # sentence → triggers' clauses
        self._clause_of: dict[int, frozenset[int]] = {}  # trigger head → its clause
        self.heads: dict[int, list[Token]] = {}  # sentence → heads of its (non-toll) triggers
        self.focus: tuple[str, str] | None = None  # the date of the document's main event
        self._scenes: list[tuple[PlaceRef, int, int]] | None = None

    # -- helpers ---------------------------------------------------------------------------
    def _tokens(self, span: Span):
        key = (span.start, span.end)
        found = self._token_spans.get(key)
        if found is None:  # each place, time and figure is looked up for every event
            found = self.doc.char_span(span.start, span.end, alignment_mode="expand")
            found = self._token_spans[key] = found if found is not None else ()
        return found

    def _span(self, start: int, end: int) -> Span:
        s = self.doc[start:end]
        return Span(s.start_char, s.end_char, s.text)

    def _title_end(self) -> int:
        """Where the headline ends, when the text opens with it (0 when it does not)."""
        title = (self.ctx.document.title or "").strip()
        text = self.text
        if not title or not text.lstrip().startswith(title):
            return 0
        return text.index(title) + len(title)

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
        if actor1 is not None and actor1.rule == "focus-country" and any(
                w.tag_ == "PRP$" for t in agents for w in t.subtree):
            actor1 = None  # "its forces": whose the pronoun says, not the story's country
        if actor1 is None and any(w.tag_ in ("PRP", "PRP$") for t in agents for w in t.subtree):
            # "the ministry said its forces had captured…": the speaker's; else the latest
            # armed actor named before ("its members killed…", "they attacked…")
            actor1 = self._speaker(head) or self._antecedent(head)
        actor2 = next((a for t in patients if (a := self._actor_in(t)) and a is not actor1),
                      None)
        associated: list[ActorMention] = []
        for t in agents:
            for conj in t.conjuncts:
                a = self._actor_in(conj)
                if a and a is not actor1 and a.actor.id != (actor1.actor.id if actor1 else None):
                    associated.append(a)
        return actor1, actor2, associated

    def _teller(self, tok: Token, cue: tuple[int, int] | None) -> ActorMention | None:
        """Who gives a figure when a verb of saying other than the trigger's own cue governs
        it ("…in which it said 15 soldiers died; the army acknowledged three deaths")."""
        for verb in tok.ancestors:
            if verb.pos_ not in VERBS or not _speech(verb):
                continue
            if cue is not None and cue[0] <= verb.i < cue[1]:
                return None  # the trigger's own statement: its source gives the figure
            who = source_of(verb, media())
            if who is None:
                return None
            return next((self.token_actor[i] for i in range(*who) if i in self.token_actor),
                        None)
        return None

    def _speaker(self, head: Token) -> ActorMention | None:
        """The actor whose words carry the trigger: subject of the nearest verb of saying
        above it."""
        for tok in head.ancestors:
            if tok.pos_ in VERBS and _speech(tok):
                subject = next((c for c in tok.children if c.dep_ in ACTOR1_DEPS), None)
                if subject is None or subject.i > head.i:
                    return None  # "Its fighters detained…, two residents said": not theirs
                found = self._actor_in(subject)
                return found if found is not None and found.actor.type in ARMED_TYPES else None
        return None

    def _antecedent(self, head: Token) -> ActorMention | None:
        """The latest armed actor named before ``head`` in its sentence or the one before."""
        sentence = self.sentence_number[head.i]
        earlier = [m for i, m in sorted(self.token_actor.items())
                   if i < head.i and self.sentence_number[i] >= sentence - 1
                   and m.actor.type in ARMED_TYPES
                   and m.actor.kind != "person"]
        return earlier[-1] if earlier else None

    # -- place and date ---------------------------------------------------------------------
    def clause(self, head: Token) -> frozenset[int]:
        """Tokens of the trigger's own clause: the predicate it is an argument of ("Shelling
        … killed 40 people in Abu Shouk on Sunday", "killed in an air strike on Monday"),
        without other clauses hanging from it (a conjoined verb, a reported speech).
        Computed once per trigger head (place, date and figures all ask)."""
        if head.i in self._clause_of:
            return self._clause_of[head.i]
        pred = _predicate(head)
        path = {head.i} | {t.i for t in head.ancestors}
        skip: set[int] = set()
        for node in {pred, head}:
            for child in node.children:
                if child.i in path:
                    continue
                if child.dep_ in OTHER_CLAUSES or (child.dep_ == "conj" and child.pos_ in VERBS):
                    skip |= {t.i for t in child.subtree}
        clause = frozenset({t.i for t in pred.subtree} - skip)
        self._clause_of[head.i] = clause
        return clause

    def place(self, head: Token, sentence: int) -> tuple[PlaceRef | None, str]:
        clause = self.clause(head)
        in_clause: list[PlaceRef] = []
        in_sentence: list[PlaceRef] = []
        for ref, first, at in self._scene_places():
            if at == sentence:
                (in_clause if first in clause else in_sentence).append(ref)
        if in_clause:
            return _most_precise(in_clause), "clause"
        if in_sentence:
            return _most_precise(in_sentence), "sentence"
        focus = self.focus_place()
        return (focus, "document") if focus else (None, "document")

    def _scene_places(self) -> list[tuple[PlaceRef, int, int]]:
        """The places an event can be at (``_scene``; not a place acting, nor a dateline,
        nor part of an actor's name), each with its first token and its sentence: the same
        for every event of the text, so listed once."""
        if self._scenes is None:
            self._scenes = []
            for ref in self.places:
                if ref.place is None or not _scene(ref):
                    continue
                toks = self._tokens(ref.span)
                if not toks or _acts(toks) or _dateline(toks) or self._names_an_actor(toks):
                    continue
                self._scenes.append((ref, toks[0].i, self.sentence_number[toks[0].i]))
        return self._scenes

    def _names_an_actor(self, toks) -> bool:
        """A country in an actor's name or a modifier: "US aircraft", "the US military's
        Africa Command", "Iran-aligned Houthis" tell who, not where."""
        if all(t.i in self.token_actor for t in toks):
            return True  # the name of an armed group ("Hema groups such as Zaïre")
        root = toks.root if hasattr(toks, "root") else toks[0]
        last = toks[-1]
        if last.i + 2 < len(self.doc) and self.doc[last.i + 1].text == "-" \
                and self.doc[last.i + 2].pos_ in ("VERB", "ADJ"):
            return True
        if root.dep_ not in ("compound", "amod", "poss", "nmod"):
            return False
        return root.head.i in self.token_actor or root.head.lemma_.lower() in ACTOR_HEADS

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
        clause = self.clause(head)
        governing = {t.i for t in head.ancestors}
        found: dict[str, TimeRef] = {}
        in_sentence: list[TimeRef] = []
        refs = [r for r in self.times if r.start is not None
                and r.kind in ("date", "time", "duration")]
        for k, ref in enumerate(refs):
            toks = self._tokens(ref.span)
            if not toks or self.sentence_number[toks[0].i] != sentence:
                continue
            if ref.kind == "duration" and ref.granularity != "week" and ref.rule != "recent":
                continue
            ref = self._coordinated(ref, refs[k + 1:])
            attach = toks[0].head
            while attach.dep_ in ("pobj", "prep", "npadvmod", "compound") and attach.head != attach:
                attach = attach.head
            if toks[0].i in clause and self._nested(head, toks[0]):
                continue  # "captured X, extending an advance since they took Y in February"
            if toks[0].i in clause:
                found.setdefault("clause", ref)
            elif attach.i in governing and _reported_through(head, attach):
                found.setdefault("report", ref)  # the date of the statement carrying the event
            elif attach.i in governing:
                found.setdefault("clause", ref)  # "fighting spread … on Friday"
            else:
                in_sentence.append(ref)
        for how in ("clause", "report"):
            if how in found:
                return found[how], how
        if in_sentence:
            return in_sentence[0], "sentence"
        return None, "published"

    def _nested(self, head: Token, tok: Token) -> bool:
        """Does ``tok`` belong to another trigger that hangs below ``head``?"""
        return any(other.i != head.i and head.i in {a.i for a in other.ancestors}
                   and (tok.i == other.i or other.i in {a.i for a in tok.ancestors})
                   for other in self.heads.get(self.sentence_number[head.i], ()))

    def _coordinated(self, ref: TimeRef, later: list[TimeRef]) -> TimeRef:
        """ "on Thursday and Friday", "overnight from Sunday to Monday": one interval."""
        if not later or ref.granularity not in ("day", "time"):
            return ref
        other = later[0]
        between = self.text[ref.span.end:other.span.start].strip().lower()
        if between not in COORDINATION or other.granularity not in ("day", "time") \
                or not other.start or not ref.start or other.start < ref.start:
            return ref
        span = Span(ref.span.start, other.span.end,
                    self.text[ref.span.start:other.span.end])
        return replace(ref, span=span, end=other.end or other.start,
                       rule=f"{ref.rule}+coordinated")

    # -- one trigger -------------------------------------------------------------------------
    def draft(self, trigger: Trigger) -> Draft:
        head = self._head(trigger)
        sentence = self.sentence_number[head.i]
        actor1, actor2, associated = self.roles(head)
        place, place_from = self.place(head, sentence)
        time, date_from = self.time(head, sentence)
        call = modality_of(self.doc, trigger.start, trigger.end)
        source = None
        if call.source is not None:
            source = next((self.token_actor[i] for i in range(*call.source)
                           if i in self.token_actor), None)
        modality = call.modality
        if actor1 is None and source is not None and source.actor.type in ARMED_TYPES \
                and call.cue is not None and trigger.event_type in CONTESTED_TYPES \
                and self.doc[call.cue[0]].lemma_.lower() in RESPONSIBILITY_VERBS:
            actor1 = source  # "the group claimed an ambush": it says it did it
        parties = {m.actor.id for m in (actor1, actor2, *associated) if m}
        if source is not None and not parties and source.actor.type in ARMED_TYPES \
                and trigger.event_type in CONTESTED_TYPES:
            # An armed group's or army's account of a fight whose sides the sentence does
            # not name ("JNIM said its fighters killed 50 in this week's attack"): its own.
            parties = {source.actor.id}
        if modality == "reported" and source is not None and source.actor.id in parties \
                and trigger.event_type in CONTESTED_TYPES:
            modality = "claimed"  # a party's own account of a fight, attack or riot
        figures = []
        own = self.clause(head)
        others = self.clauses.get(sentence, [])
        for fig in self.figures:
            toks = self._tokens(fig.span)
            if not toks or _subset(toks):
                continue  # "including three children" is part of a toll, not a toll
            if self.sentence_number[toks[0].i] != sentence or not counts_deaths(fig):
                continue
            i = toks[0].i
            if i not in own and any(i in c for c in others):
                continue  # "captured Shasha and shelled Sake, killing six": the shelling's
            teller = self._teller(toks[0], call.cue) or source
            claimant = teller.actor.id if teller is not None else None
            figures.append(FatalityFigure(fig, claimant, _party(claimant, teller, fig, parties)))
        cue = self._span(*call.cue) if call.cue else None
        return Draft(trigger, sentence, actor1, actor2, associated, place, place_from, time,
                      date_from, figures, modality, cue, source, call.hedged,
                      [self._span(trigger.start, trigger.end)], {sentence},
                      anaphoric=_definite(head), indefinite=_indefinite(head))

    def build(self) -> tuple[EventReport, ...]:
        actor_types = {i: m.actor.type for i, m in self.token_actor.items()}
        triggers = [t for t in find_triggers(self.doc, actor_types) if not self._in_furniture(t)]
        self.clauses = {}
        for t in triggers:
            head = self._head(t)
            self.clauses.setdefault(self.sentence_number[head.i], []).append(
                self.clause(head))
            if t.lemma not in OUTCOME_LEMMAS:
                self.heads.setdefault(self.sentence_number[head.i], []).append(head)
        drafts = [self.draft(t) for t in sorted(triggers, key=lambda t: t.start)]
        published = self.ctx.document.published
        anchor = iso_day(published.value) if published else None
        # A headline restates the lead in telegraphese the parser reads poorly ("M23 rebels
        # seize Shasha, shell Sake"): the body's reports are built first and the headline's
        # join them where they agree, so it never decides what the body says.
        title_end = self._title_end()
        body = [d for d in drafts if self.doc[d.trigger.start].idx >= title_end]
        heading = [replace(d, heading=True) for d in drafts
                   if self.doc[d.trigger.start].idx < title_end]
        merged = fold_references(merge(body + heading, anchor, self.doc), anchor)
        self.focus = focus_date(merged, anchor)
        return tuple(self.report(k, d) for k, d in enumerate(merged, start=1))

    def report(self, ordinal: int, d: Draft) -> EventReport:
        t = d.trigger
        published = self.ctx.document.published
        anchor = iso_day(published.value) if published else None
        start = end = None
        precision: int | None = None
        if d.time is not None and d.time.start:
            start, end = d.time.start[:10], (d.time.end or d.time.start)[:10]
            precision = TIME_PRECISION.get(d.time.granularity, 3)
            if d.date_from == "report":
                start = shift(end, -REPORT_WINDOW_DAYS)
                precision = max(precision, 2)
        elif anchor and self.focus and self.focus[0] <= anchor:
            # Not dated in its sentence: from the day of the document's main event up to
            # the report ("Seven people were taken by the attackers").
            start, end, precision = self.focus[0], anchor, 2
        elif anchor:
            start, end, precision = shift(anchor, -REPORT_WINDOW_DAYS), anchor, 2
        if anchor and end and end > anchor and happened(d.modality):
            end = anchor  # "this week's attack", told on Thursday, was not on Friday
            start = min(start or end, end)
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
        t = _territory_by(t, d.actor1, d.place)
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


ARMED_TYPES = frozenset({"rebel group", "political militia", "identity militia", "state forces",
                         "external/other forces"})
# What a force's own dead are called: its count of them is a party's figure.
OWN_SOLDIERS = frozenset({"soldier", "troop", "officer", "policeman", "police officer",
                          "serviceman", "personnel", "guard", "gendarme", "member"})
OWN_FIGHTERS = frozenset({"fighter", "member", "militant", "mujahideen", "combatant"})
GOV_REGAINS = "Government regains territory"
NSA_OVERTAKES = "Non-state actor overtakes territory"
TERRITORY = frozenset({GOV_REGAINS, NSA_OVERTAKES})

# Words that make a figure a part of another ("nine killed, including three children").
SUBSET_WORDS = frozenset({"including", "among", "incl."})


def _subset(tokens) -> bool:
    root = tokens.root if hasattr(tokens, "root") else tokens[0]
    return any(a.lower_ in SUBSET_WORDS for a in islice(root.ancestors, 3))


def _definite(head: Token) -> bool:
    """ "the attack", "this week's assault", "its offensive": a noun that names a happening
    the text has told already."""
    if head.pos_ not in ("NOUN", "PROPN"):
        return False
    for child in head.children:
        if child.dep_ == "det" and child.lower_ in ANAPHORIC_DETERMINERS:
            return True
        if child.dep_ == "poss" and (child.lower_ in ANAPHORIC_DETERMINERS or any(
                g.dep_ == "det" and g.lower_ in ANAPHORIC_DETERMINERS for g in child.children)):
            return True
    return False


def _indefinite(head: Token) -> bool:
    """ "an ambush", "a drone strike": a noun that brings a new happening into the text."""
    return head.pos_ in ("NOUN", "PROPN") and any(
        c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in head.children)


def _predicate(head: Token) -> Token:
    """The verb whose clause a noun trigger belongs to: its subject or object ("the strike
    hit…", "carried out an air strike") or the object of its preposition ("killed in an air
    strike"); a verb of saying is not one (it dates the report, not the event)."""
    tok = head
    if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        tok = tok.head
    if tok.dep_ in ARGUMENT_DEPS | {"prep"} and tok.head.pos_ in VERBS \
            and not _speech(tok.head) and tok.head.i != tok.i:
        return tok.head
    return head


def _scene(ref: PlaceRef) -> bool:
    """A place an event can be at: a location, or a town it is near ("a base near Adan
    Yabaal"); not a destination, an origin, or a border a country is named for."""
    return ref.role == "location" or (ref.role == "relation" and ref.precision in (
        "exact", "near") and not ref.rule.startswith("demonym"))


def _reported_through(head: Token, attach: Token) -> bool:
    """Is there a word of saying between the trigger and the governor its date hangs on
    ("posted on Friday a tweet that its members killed…", "said on Tuesday that…")? Without
    one the date is the event's own ("fighting spread … on Friday")."""
    tok = head
    while tok.i != attach.i and tok.head.i != tok.i:
        tok = tok.head
        if _speech(tok):
            return True
    return False


def _speech(tok: Token) -> bool:
    """A verb or noun of saying, claiming, denying or threatening ("said on Tuesday")."""
    return any(cat in SPEECH for cat, _pos in cues().words.get(tok.lemma_.lower(), ()))


def _dateline(tokens) -> bool:
    """ "BAMAKO —", "EL FASHER, Sudan -", "DOUENTZA, Mali, March 13 (PAWS) -": the place a
    wire story was filed from opens its first sentence, before a dash."""
    first = tokens[0]
    sent = sentence_of(first)
    head = [t for t in sent if not t.is_space][:DATELINE_TOKENS]
    dash = next((t for t in head if t.text in DASHES), None)
    if dash is None or first.i >= dash.i:
        return False
    opening = next(t for t in head)
    return opening.is_upper and len(opening.text) > 1


def _acts(tokens) -> bool:
    """A place name used as an actor ("the U.S. said", "confirmed by the U.S.")."""
    root = tokens.root if hasattr(tokens, "root") else tokens[0]
    if root.dep_ in ("nsubj", "nsubjpass"):
        return True
    return root.dep_ == "pobj" and root.head.dep_ == "agent"


def _most_precise(refs: list[PlaceRef]) -> PlaceRef:
    return min(refs, key=lambda r: GEO_PRECISION.get(r.precision or "country", 3))


def _party(claimant: str | None, source: ActorMention | None, figure: Figure,
           parties: set[str]) -> bool:
    """Is the figure a party's? A side of the event, or a force counting its own dead ("the
    army said 12 soldiers had been killed", "the group said three of its fighters died")."""
    if claimant is None:
        return False
    if claimant in parties:
        return True
    counted = (figure.counted or "").lower()
    kind = source.actor.type if source is not None else None
    return (kind == "state forces" and counted in OWN_SOLDIERS) or (
        kind in ARMED_TYPES and kind != "state forces" and counted in OWN_FIGHTERS)


def _territory_by(trigger: Trigger, actor1: ActorMention | None,
                  place: PlaceRef | None) -> Trigger:
    """ACLED's territorial sub-types follow who takes the place: a state's forces at home
    regain it; a non-state group, or a state's forces abroad, overtake it."""
    if trigger.sub_event_type not in TERRITORY or actor1 is None:
        return trigger
    actor, country = actor1.actor, place.place.country if place and place.place else None
    if actor.type == "state forces" and actor.country and country:
        sub = GOV_REGAINS if actor.country == country else NSA_OVERTAKES
    elif actor.type in ("rebel group", "political militia", "identity militia"):
        sub = NSA_OVERTAKES
    else:
        return trigger
    return replace(trigger, sub_event_type=sub) if sub != trigger.sub_event_type else trigger


@annotator("events", requires=("actors", "places", "times", "figures"), assigns="events")
def find_events(ctx: Context) -> tuple[EventReport, ...]:
    return _Builder(ctx).build()
