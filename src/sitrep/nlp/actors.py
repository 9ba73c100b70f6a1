"""Actors: who is named in a document, resolved to one canonical actor each.

Mentions are found in this order, each step skipping tokens an earlier one claimed:

1. table aliases (resources/actors.tsv): "ISIS", "Islamic State of Iraq and the Levant",
   extended over a following member noun ("ISIL fighters");
2. state bodies from a country word and a force noun (resources/actor_nouns.tsv): "Iraqi
   soldiers", "Syrian government forces", "U.S. planes", "Ukraine's police";
3. people (spaCy PERSON, minus platforms and places), with a role and the organisation they
   speak for when the text says so ("US State Department spokeswoman <name>",
   "<name>, an RSF adviser");
4. descriptions that refer to an actor: an appositive ("ISIS, an al Qaeda splinter group"),
   a descriptor right before a name ("The Sunni militant group <name>"), and later definite
   descriptions or bare plurals ("the militants", "rebels") → the most recent armed
   non-state actor; "the army", "troops" → the state forces of the document's focus country;
5. crowds ("protesters", "residents") → ACLED's generic actors of the focus country;
6. everything else spaCy calls an organisation is kept as an actor of unknown type (news
   outlets as outlets), never dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from ..ingest.outlets import find_outlet
from ..records import Actor, ActorMention, Span
from .actor_table import actor_table, match_country, match_table, noun_category
from .countries import countries, fold
from .parsed import ents_of
from .registry import Context, annotator

STATE_CATEGORIES = ("military", "police", "government")
# After a country word these name its state forces; "equipment" names its military.
COUNTRY_FORCE_CATEGORIES = (*STATE_CATEGORIES, "equipment")
STATE_NAMES = {"military": "Military Forces of {}", "police": "Police Forces of {}",
               "government": "Government of {}"}
CROWD_NAMES = {"protesters": "Protesters ({})", "rioters": "Rioters ({})",
               "civilians": "Civilians ({})"}
# ACLED codes armed attackers nobody names as an unidentified armed group (political militia).
UNIDENTIFIED = "Unidentified Armed Group ({})"
NONSTATE_TYPES = {"rebel group", "political militia", "identity militia"}
# Tokens between a country word and its force noun ("Syrian government forces").
MAX_MODIFIERS = 3
# Military titles that sit between a role and a name ("army spokesman Col. X").
TITLES = {"col", "col.", "lt", "lt.", "gen", "gen.", "brig", "brig.", "maj", "maj.", "capt",
          "capt.", "sgt", "sgt.", "colonel", "general", "major", "captain", "lieutenant",
          "brigadier", "commissaire", "commissioner", "dr", "dr.", "mr", "mr.", "ms", "ms.",
          "mrs", "mrs.", "sheikh", "cmdr", "cmdr.", "adm", "adm."}
# Words that end a name when an organisation type is guessed from it.
ORG_TYPE_WORDS = (
    (re.compile(r"\bmilitias?\b", re.I), "political militia"),
    (re.compile(r"\b(liberation|rebels?|insurgents?)\b", re.I), "rebel group"),
)
_DETERMINERS = {"the", "a", "an", "these", "those", "this", "that"}


@dataclass
class _Found:
    start: int  # token indices
    end: int
    actor: Actor
    rule: str
    role: str | None = None
    affiliation: str | None = None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def _span(doc: Doc, start: int, end: int) -> Span:
    s = doc[start:end]
    return Span(s.start_char, s.end_char, s.text)


def _lemma(tok: Token) -> str:
    return fold(tok.lemma_ if tok.lemma_ and tok.lemma_ != "-PRON-" else tok.text)


def state_actor(category: str, code: str | None) -> Actor:
    table = actor_table().actors
    if code is None:
        return Actor(category, STATE_NAMES[category].format("unknown country"), "state forces")
    actor_id = f"{category}:{code}"
    if actor_id in table:
        return table[actor_id]
    country = countries().get(code)
    return Actor(actor_id, STATE_NAMES[category].format(country.name if country else code),
                 "state forces", code)


def crowd_actor(category: str, code: str | None) -> Actor:
    country = countries().get(code) if code else None
    name = CROWD_NAMES[category].format(country.name if country else "unknown country")
    return Actor(f"{category}:{code}" if code else category, name, category,  # type: ignore[arg-type]
                 code, "group")


def unidentified_actor(code: str | None) -> Actor:
    country = countries().get(code) if code else None
    return Actor(f"unidentified-armed-group:{code}" if code else "unidentified-armed-group",
                 UNIDENTIFIED.format(country.name if country else "unknown country"),
                 "political militia", code, "group")


class _Finder:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.doc = ctx.doc
        self.claimed = [False] * len(ctx.doc)
        self.found: list[_Found] = []
        self.place_tokens = self._place_tokens()

    # -- bookkeeping ------------------------------------------------------------------------
    def free(self, start: int, end: int) -> bool:
        return not any(self.claimed[start:end])

    def add(self, found: _Found, *, claim: bool = True) -> _Found:
        self.found.append(found)
        if claim:
            for i in range(found.start, found.end):
                self.claimed[i] = True
        return found

    def _place_tokens(self) -> set[int]:
        tokens: set[int] = set()
        for ref in self.ctx.found.get("places", ()):
            if ref.place is None:
                continue
            for tok in self.doc.char_span(ref.span.start, ref.span.end,
                                          alignment_mode="expand") or ():
                tokens.add(tok.i)
        return tokens

    def focus_country(self) -> str | None:
        places = Counter(ref.place.country for ref in self.ctx.found.get("places", ())
                         if ref.place is not None and ref.place.country)
        if places:
            return places.most_common(1)[0][0]
        states = Counter(f.actor.country for f in self.found
                         if f.actor.type == "state forces" and f.actor.country)
        return states.most_common(1)[0][0] if states else None

    # -- 1. table aliases --------------------------------------------------------------------
    def table_aliases(self) -> None:
        doc, i = self.doc, 0
        while i < len(doc):
            hit = match_table(doc, i)
            if hit and self.free(i, hit[0]):
                end, actor_id = hit
                if end < len(doc) and noun_category(_lemma(doc[end]), "member") \
                        and doc[end].pos_ in ("NOUN", "PROPN"):
                    end += 1  # "ISIL fighters", "Houthi rebels"
                self.add(_Found(i, end, actor_table().actors[actor_id], "alias"))
                i = end
            else:
                i += 1

    # -- 2. country word + force noun --------------------------------------------------------
    def state_forces(self) -> None:
        doc, i = self.doc, 0
        while i < len(doc):
            hit = match_country(doc, i) if not self.claimed[i] else None
            if not hit:
                i += 1
                continue
            end, code = hit
            k = end + 1 if end < len(doc) and doc[end].text in ("'s", "’s") else end
            best: tuple[int, str] | None = None
            for j in range(k, min(k + MAX_MODIFIERS + 1, len(doc))):
                tok = doc[j]
                if tok.pos_ not in ("NOUN", "PROPN", "ADJ") or self.claimed[j]:
                    break
                two = f"{_lemma(doc[j - 1])} {_lemma(tok)}" if j > k else ""
                category = (noun_category(two, *COUNTRY_FORCE_CATEGORIES) if two else None) \
                    or noun_category(_lemma(tok), *COUNTRY_FORCE_CATEGORIES)
                if category:
                    best = (j + 1, "military" if category == "equipment" else category)
            if best:
                start = i
                while start > 0 and doc[start - 1].ent_type_ == "NORP" \
                        and not self.claimed[start - 1] and not match_country(doc, start - 1):
                    start -= 1  # "Shi'ite Iraqi soldiers"
                self.add(_Found(start, best[0], state_actor(best[1], code), "country+force"))
                i = best[0]
            else:
                i = end

    # -- 3. people ---------------------------------------------------------------------------
    def people(self) -> None:
        for ent in ents_of(self.doc):
            if ent.label_ != "PERSON" or not self.free(ent.start, ent.end):
                continue
            if any(t.i in self.place_tokens for t in ent):
                continue  # a place the NER model took for a person
            if len(ent) == 1 and noun_category(fold(ent.text), "platform"):
                continue
            if find_outlet(ent.text) or (ent.text.isupper() and len(ent) == 1):
                continue
            if (hit := match_country(self.doc, ent.start)) and hit[0] == ent.end:
                continue  # a country the NER model took for a person
            role, affiliation = self._role_left(ent.start) or self._role_right(ent) \
                or (None, None)
            aff_actor = affiliation.actor if affiliation else None
            person = Actor(f"person:{_slug(ent.text)}", ent.text,
                           aff_actor.type if aff_actor else "unknown",
                           aff_actor.country if aff_actor else None, "person")
            self.add(_Found(ent.start, ent.end, person, "person", role,
                            aff_actor.id if aff_actor else None))

    def _role_left(self, start: int) -> tuple[str, _Found | None] | None:
        """"US State Department spokeswoman <name>", "army spokesman Col. <name>"."""
        doc, j = self.doc, start - 1
        while j >= 0 and fold(doc[j].text) in TITLES:
            j -= 1
        if j < 0:
            return None
        role = None
        if j > 0 and noun_category(f"{_lemma(doc[j - 1])} {_lemma(doc[j])}", "role"):
            role, j = f"{doc[j - 1].text} {doc[j].text}", j - 2
        elif noun_category(_lemma(doc[j]), "role"):
            role, j = doc[j].text, j - 1
        if role is None:
            return None
        return role.lower(), self._affiliation_ending_at(j + 1)

    def _affiliation_ending_at(self, end: int) -> _Found | None:
        """An actor mention, or a bare state noun ("army"), that ends at token ``end``."""
        for f in reversed(self.found):
            if f.end == end and f.actor.kind != "person":
                return f
        if end > 0:
            tok = self.doc[end - 1]
            category = noun_category(_lemma(tok), *STATE_CATEGORIES)
            if category and self.free(end - 1, end):
                return self.add(_Found(end - 1, end, state_actor(category, self.focus_country()),
                                       "focus-country"))
        return None

    def _role_right(self, ent) -> tuple[str, _Found | None] | None:
        """"<name>, a spokeswoman for the State Department," / "<name>, an RSF adviser"."""
        for tok in ent.root.children:
            if tok.dep_ != "appos":
                continue
            words = list(tok.subtree)
            role_tok = next((t for t in words if noun_category(_lemma(t), "role")), None)
            if role_tok is None:
                continue
            lo, hi = words[0].i, words[-1].i + 1
            inside = [f for f in self.found if lo <= f.start and f.end <= hi
                      and f.actor.kind != "person"]
            if not inside:
                for t in words:
                    category = noun_category(_lemma(t), *STATE_CATEGORIES)
                    if category and t.i != role_tok.i and self.free(t.i, t.i + 1):
                        inside.append(self.add(_Found(
                            t.i, t.i + 1, state_actor(category, self.focus_country()),
                            "focus-country")))
                        break
            return role_tok.text.lower(), (inside[0] if inside else None)
        return None

    # -- 4. descriptions and references --------------------------------------------------------
    def descriptions(self) -> None:
        named = sorted((f for f in self.found if f.actor.kind != "person"),
                       key=lambda f: f.start)
        for f in named:
            self._descriptor_before(f)
            self._appositive_after(f)
        doc = self.doc
        for tok in doc:
            if self.claimed[tok.i] or tok.pos_ != "NOUN":
                continue
            lemma = _lemma(tok)
            det = tok.i > 0 and fold(doc[tok.i - 1].text) in _DETERMINERS - {"a", "an"}
            bare_plural = tok.tag_ == "NNS" and not (tok.i > 0 and doc[tok.i - 1].pos_ == "DET")
            start = tok.i - 1 if det else tok.i
            modifiers = [c for c in tok.lefts if c.dep_ in ("amod", "compound")
                         and not c.tag_.startswith("VB") and not self.claimed[c.i]]
            if any(noun_category(_lemma(c), "nonstate") for c in modifiers):
                # "Sunni rebel forces", "militant fighters": armed non-state, not the state.
                first = min(c.i for c in modifiers)
                det = first > 0 and fold(doc[first - 1].text) in _DETERMINERS
                self.add(self._described_group(tok, modifiers, det))
            elif noun_category(lemma, "nonstate", "neutral") and (det or bare_plural):
                if any(c.dep_ == "prep" and c.text == "of" for c in tok.children):
                    continue  # "the group of protesters", "members of the militia"
                neutral = noun_category(lemma, "neutral") is not None
                if neutral and not det:
                    continue  # "groups" alone says nothing
                found = self._refer_back(start, tok.i + 1, armed=not neutral)
                if found:
                    self.add(found)
            elif noun_category(lemma, *STATE_CATEGORIES) and (det or bare_plural) \
                    and lemma not in ("official", "authority", "president", "ministry"):
                category = noun_category(lemma, *STATE_CATEGORIES) or "military"
                self.add(_Found(start, tok.i + 1, state_actor(category, self.focus_country()),
                                "focus-country"))

    def _described_group(self, head: Token, modifiers: list[Token], det: bool) -> _Found:
        """A group named only by a description with an identity word ("Sunni rebel forces")
        is an actor of its own; without one ("the rebel fighters") it refers back."""
        first = min(c.i for c in modifiers)
        identity = [c for c in modifiers if c.ent_type_ == "NORP" and c.i >= first]
        if identity and not det:
            name = self.doc[first:head.i + 1].text
            return _Found(first, head.i + 1,
                          Actor(f"group:{_slug(name)}", name, "rebel group", self.focus_country(),
                                "group"), "description")
        start = first - 1 if det else first
        return self._refer_back(start, head.i + 1) or _Found(
            start, head.i + 1, unidentified_actor(self.focus_country()), "unidentified")

    def _descriptor_before(self, f: _Found) -> None:
        """"The Sunni militant group <name>": the descriptor names the same actor."""
        doc, j = self.doc, f.start - 1
        if j < 0 or not noun_category(_lemma(doc[j]), "nonstate", "neutral") or self.claimed[j]:
            return
        k = j
        while k > 0 and doc[k - 1].pos_ in ("ADJ", "NOUN", "PROPN") and not self.claimed[k - 1]:
            k -= 1
        if k > 0 and fold(doc[k - 1].text) in _DETERMINERS:
            k -= 1
        self.add(_Found(k, j + 1, f.actor, "appositive"))

    def _appositive_after(self, f: _Found) -> None:
        """"ISIS, an al Qaeda splinter group," — the appositive names the same actor."""
        doc = self.doc
        for tok in doc[f.start:f.end]:
            for child in tok.children:
                if child.dep_ != "appos" or child.i < f.end:
                    continue
                if not noun_category(_lemma(child), "nonstate", "neutral"):
                    continue
                words = list(child.subtree)
                self.add(_Found(words[0].i, words[-1].i + 1, f.actor, "appositive"),
                         claim=False)
                # Words inside it that name no other actor are taken.
                for t in words:
                    if self.free(t.i, t.i + 1) and t.i != child.i:
                        self.claimed[t.i] = True
                self.claimed[child.i] = True
                return

    def _refer_back(self, start: int, end: int, *, armed: bool = True) -> _Found | None:
        """A description refers to the latest actor before it that it can describe: an armed
        non-state actor for "the militants", any organisation for "the group". Attackers
        nobody named are an unidentified armed group; a neutral "the group" with nothing to
        refer to is left alone."""
        before = [f for f in self.found if f.start < start and f.actor.kind != "person"
                  and not f.actor.id.startswith("unidentified")
                  and (f.actor.type in NONSTATE_TYPES if armed
                       else f.actor.type != "state forces" and f.actor.kind != "outlet")]
        if before:
            latest = max(before, key=lambda f: f.start)
            return _Found(start, end, latest.actor, "coreference")
        if not armed:
            return None
        return _Found(start, end, unidentified_actor(self.focus_country()), "unidentified")

    # -- 5. crowds -----------------------------------------------------------------------------
    def crowds(self) -> None:
        for tok in self.doc:
            if self.claimed[tok.i] or tok.pos_ != "NOUN":
                continue
            category = noun_category(_lemma(tok), "protesters", "rioters", "civilians")
            if category:
                self.add(_Found(tok.i, tok.i + 1, crowd_actor(category, self.focus_country()),
                                "crowd"))

    # -- 6. other organisations -------------------------------------------------------------------
    def organisations(self) -> None:
        for ent in ents_of(self.doc):
            if ent.label_ not in ("ORG", "NORP") or not self.free(ent.start, ent.end):
                continue
            toks = [t for t in ent if fold(t.text) not in ("the",) and t.text not in ("'s", "’s")]
            if not toks or any(t.i in self.place_tokens for t in toks):
                continue
            if (hit := match_country(self.doc, toks[0].i)) and hit[0] == toks[-1].i + 1:
                continue  # a country named as an organisation
            name = self.doc[toks[0].i:toks[-1].i + 1].text
            if ent.label_ == "NORP":
                # Religious and ethnic groups used as nouns ("hundreds of Shiites"), not adjectives.
                if ent.root.tag_ not in ("NNS", "NNPS") or match_country(self.doc, ent.start):
                    continue
                actor = Actor(f"group:{_slug(name)}", name, "unknown", None, "group")
            elif len(toks) == 1 and noun_category(fold(name), "platform"):
                continue
            elif outlet := find_outlet(name):
                actor = Actor(f"outlet:{_slug(outlet.name)}", outlet.name, "unknown", None,
                              "outlet")
            else:
                actor_type = next((t for rx, t in ORG_TYPE_WORDS if rx.search(name)), "unknown")
                actor = Actor(f"org:{_slug(name)}", name, actor_type)  # type: ignore[arg-type]
            self.add(_Found(toks[0].i, toks[-1].i + 1, actor,
                            "outlet" if actor.kind == "outlet" else "ner"))

    def mentions(self) -> tuple[ActorMention, ...]:
        out = [ActorMention(_span(self.doc, f.start, f.end), f.actor, f.rule, f.role,
                            f.affiliation) for f in self.found]
        return tuple(sorted(out, key=lambda m: (m.span.start, -m.span.end)))


@annotator("actors", requires=("places",), assigns="actors")
def find_actors(ctx: Context) -> tuple[ActorMention, ...]:
    finder = _Finder(ctx)
    finder.table_aliases()
    finder.state_forces()
    finder.people()
    finder.descriptions()
    finder.crowds()
    finder.organisations()
    return finder.mentions()
