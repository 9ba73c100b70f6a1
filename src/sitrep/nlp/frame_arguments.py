"""What an event frame is given and returns, and how it reads a trigger's arguments.

A frame (see sitrep.nlp.event_frames) is a function of a ``FrameInput`` (one lexicon match in
its sentence) to a ``Verdict`` (a sub-type key and the rule that decided it, or None), registered
by name in ``FRAMES`` with ``@frame``.

Frames read the trigger's arguments from the dependency parse — its agent (subject, "by" phrase,
possessor, actor modifier) and its target (object, passive subject, "on"/"against"/"of" phrase,
the victims of a "killing …" clause) — and sort each into categories (``categorize``: cue words
of sitrep.nlp.frame_words, the actor table and the actor types the caller knows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .actor_table import actor_table, match_country, match_table
from .frame_words import cue_index, forms, phrase_categories, scope_has, word_categories, word_list

# ACLED actor types (of actor mentions or the actor table) → argument categories.
ACTOR_TYPE_CATEGORY = {
    "state forces": "state", "external/other forces": "state", "rebel group": "nonstate",
    "political militia": "nonstate", "identity militia": "nonstate",
    "protesters": "protester", "rioters": "rioter", "civilians": "civilian",
}
ARMED = frozenset({"state", "nonstate", "armed"})
PEOPLE = frozenset({"civilian", "captive", "protester", "rioter", "mob", "person", *ARMED})
RELATIVES = frozenset({"that", "which", "who", "whom", "what"})
PRONOUNS = frozenset({"he", "she", "they", "them", "him", "her", "we", "us", "i", "me",
                      "himself", "herself", "themselves", "who", "whom"})
REFLEXIVES = frozenset({"himself", "herself", "themselves", "itself"})
# Prepositions whose object is a verb's target: "fired on", "attack against".
TARGET_PREPS = frozenset({"on", "at", "against", "upon", "into", "toward", "towards"})
# A verb whose parse lost its subject takes the nearest actor this many tokens before it.
NEAREST_AGENT_WINDOW = 12


@dataclass(frozen=True)
class Verdict:
    key: str | None  # sub-type key; None: not an event here
    rule: str
    score: float = 0.0  # added to the entry's score


@dataclass(frozen=True)
class FrameInput:
    doc: Doc
    tokens: tuple[Token, ...]  # the matched tokens
    head: Token  # the syntactic head of the match
    entry_words: tuple[str, ...]
    default: str  # the entry's sub-type key
    scope: Span  # the sentence (or the whole short text) whose words the frame may read
    actor_types: Mapping[int, str]


# -- the registry -----------------------------------------------------------------------------
Frame = Callable[[FrameInput], Verdict | None]
FRAMES: dict[str, Frame] = {}


def frame(name: str) -> Callable[[Frame], Frame]:
    def register(fn: Frame) -> Frame:
        FRAMES[name] = fn
        return fn
    return register


# -- arguments -----------------------------------------------------------------------------------
def partitive(tok: Token) -> Token:
    """"scores of Iraqi soldiers" → soldiers; "dozens" alone stays."""
    for _ in range(3):
        if not (forms(tok) & word_list("partitive") or tok.pos_ == "NUM"):
            break
        nxt = next((g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children if g.dep_ == "pobj"), None)
        if nxt is None or nxt.pos_ == "PRON":
            break  # "parts of it": the part is the argument
        tok = nxt
    return tok


def modifiers(tok: Token) -> list[Token]:
    """Left modifiers, without the objects of "anti-"/"pro-" ("anti-government protesters")."""
    out = []
    for c in tok.lefts:
        if c.dep_ not in ("compound", "amod", "nmod", "poss", "nummod"):
            continue
        before = tok.doc[max(0, c.i - 2):c.i]
        if any(t.lower_ in ("anti", "pro", "counter", "non") for t in before) and any(
                t.text == "-" for t in before):
            continue
        if c.lower_ in ("anti", "pro", "non", "-"):
            continue
        out.extend(g for g in c.lefts if g.dep_ == "compound")  # "police training centre"
        out.append(c)
    return out


def _hyphen_forms(tok: Token) -> set[str]:
    """"sit-in", "stone-pelting": the hyphenated word a token is part of."""
    doc, out = tok.doc, set()
    for a in range(max(0, tok.i - 2), tok.i + 1):
        if a + 2 < len(doc) and doc[a + 1].text == "-" and a <= tok.i <= a + 2:
            out.add(f"{doc[a].lower_}-{doc[a + 2].lower_}")
    return out


def categorize(tok: Token | None, fi: FrameInput) -> frozenset[str]:
    """What kind of thing an argument is: its head, its modifiers and its conjuncts."""
    if tok is None:
        return frozenset()
    out = _categorize_one(partitive(tok), fi)
    for t in tok.conjuncts:  # the first conjunct says which side: "the army and militias"
        more = _categorize_one(partitive(t), fi)
        out |= more - ARMED if out & ARMED else more
    return frozenset(out)


def _categorize_one(tok: Token, fi: FrameInput) -> set[str]:
    doc = fi.doc
    mods = modifiers(tok)
    # What the caller knows of actor mentions wins.
    known = {ACTOR_TYPE_CATEGORY.get(fi.actor_types.get(t.i, ""), "") for t in (*mods, tok)}
    known.discard("")
    if known:
        return known | (phrase_categories([tok]) - ARMED)
    head = set(word_categories(tok))
    index = cue_index()
    for form in _hyphen_forms(tok):
        head |= index.get((form,), frozenset())
    if mods:  # two-word names: "security forces", "air force", "armed men"
        for a in forms(mods[-1]):
            for b in forms(tok):
                head |= index.get((a, b), frozenset())
    mod_cats: set[str] = set()
    for m in mods:
        mod_cats |= word_categories(m)
        hit = match_table(doc, m.i)
        if hit:
            mod_cats.add(ACTOR_TYPE_CATEGORY.get(actor_table().actors[hit[1]].type, "armed"))
    hit = match_table(doc, tok.i)
    if hit:
        head.add(ACTOR_TYPE_CATEGORY.get(actor_table().actors[hit[1]].type, "armed"))
    head |= mod_cats & {"aircraft", "artillery"}  # "artillery units", "air force jets"
    if mod_cats & ARMED and not head & ARMED and (not head or head & {"civilian", "person",
                                                                      "unit"}):
        head = (head - {"civilian"}) | (mod_cats & ARMED)  # "security force members"
    if mod_cats & {"state"} and head & {"civ_site", "property"}:
        head = (head - {"civ_site"}) | {"armed_site"}  # "a police training centre"
    if head & ARMED or "unit" in head:
        if "nonstate" in mod_cats:
            head = (head - {"state"}) | {"nonstate"}
        elif "state" in mod_cats or any(match_country(doc, m.i) for m in mods):
            head = (head - {"nonstate"}) | {"state"}
        elif any(m.ent_type_ == "NORP" and not match_country(doc, m.i) for m in mods):
            head = (head - {"state"}) | {"nonstate"}  # "Kurdish forces", "Sunni fighters"
    elif "civilian" in mod_cats and not head:
        head.add("civilian")
    if tok.ent_type_ in ("GPE", "LOC", "FAC"):
        head.add("place")
    elif tok.ent_type_ == "PERSON" or tok.lower_ in PRONOUNS or tok.pos_ == "NUM":
        head.add("person")
    elif tok.ent_type_ == "NORP" and tok.tag_ in ("NNS", "NNPS"):
        head.add("civilian")
    if "state" in head and "nonstate" in head:
        head.discard("state")
    return head


def child(tok: Token, *deps: str) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def pobj(tok: Token, preps: Iterable[str]) -> Token | None:
    preps = set(preps)
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative", "prt", "advmod") and c.lower_ in preps:
            obj = child(c, "pobj")
            if obj is None and c.lower_ in ("out", "ahead"):  # "out of the town"
                inner = next((g for g in c.children if g.dep_ == "prep"), None)
                obj = child(inner, "pobj") if inner is not None else None
            if obj is not None:
                return obj
    return None


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
        and not any(c.dep_ in ("dobj", "nsubj") for c in verb.children))


def agent(fi: FrameInput) -> Token | None:
    tok = fi.head
    if tok.pos_ in ("NOUN", "PROPN"):
        return _noun_agent(tok, fi)
    if is_passive(tok):
        return pobj(tok, ("by",))
    subj = child(tok, "nsubj")
    if subj is not None and subj.lower_ not in ("who", "that", "which"):
        return subj
    if tok.dep_ == "relcl" or (subj is not None and tok.dep_ in ("relcl", "acl")):
        return tok.head
    if tok.dep_ in ("conj", "xcomp", "advcl") and tok.head.pos_ in ("VERB", "AUX") \
            and not is_passive(tok.head):
        subj = child(tok.head, "nsubj")
        if subj is not None:
            return subj
    return _nearest_actor(tok, fi)


def _nearest_actor(tok: Token, fi: FrameInput) -> Token | None:
    """The parse lost the subject ("forces loyal to the government have wrested…"): the
    nearest armed or crowd noun before the verb in its sentence."""
    start = max(tok.sent.start, tok.i - NEAREST_AGENT_WINDOW)
    for cand in reversed(fi.doc[start:tok.i]):
        if cand.pos_ in ("NOUN", "PROPN") and cand.dep_ in (
                "nsubj", "nsubjpass", "ROOT", "appos", "conj") and categorize(cand, fi) & (
                ARMED | {"aircraft", "protester", "mob", "rioter"}):
            return cand
    return None


def _noun_agent(tok: Token, fi: FrameInput) -> Token | None:
    by = pobj(tok, ("by",))
    if by is not None:
        return by
    for m in modifiers(tok):
        if categorize(m, fi) & (ARMED | {"aircraft", "artillery", "protester", "rioter", "mob"}):
            return m
    verb = tok.head
    if tok.dep_ in ("dobj",) and verb.lemma_.lower() in word_list("light_verb"):
        return child(verb, "nsubj") or _nearest_actor(verb, fi)
    return None


def patient(fi: FrameInput) -> Token | None:
    tok = fi.head
    if tok.pos_ in ("NOUN", "PROPN"):
        return pobj(tok, (*TARGET_PREPS, "of"))
    if is_passive(tok):
        subjects = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if tok.dep_ in ("acl", "relcl") and not subjects:
            return tok.head
        return max(subjects, key=lambda c: c.i) if subjects else None  # the nearest
    inside = {t.i for t in fi.tokens}
    obj = next((c for c in tok.children if c.dep_ == "dobj" and c.i not in inside
                and c.lower_ not in RELATIVES), None)
    if obj is None:  # "killed and wounded scores of terrorists": the object is shared
        for verb in (*tok.conjuncts, *([tok.head] if tok.dep_ == "conj" else [])):
            obj = obj or child(verb, "dobj")
    if obj is not None and obj.lower_ not in REFLEXIVES:
        return obj
    return pobj(tok, TARGET_PREPS)


def victims(fi: FrameInput) -> frozenset[str]:
    """Categories of the people harmed in the trigger's own clause: "attacked a village,
    killing 30 villagers", "the blast killed two soldiers", "were killed in an attack"."""
    tok, out = fi.head, set()
    for c in tok.children:
        if c.dep_ in ("advcl", "relcl", "acl") and lemma(c) in word_list("outcome_verb"):
            out |= categorize(child(c, "dobj", "nsubjpass"), fi)
        elif c.dep_ == "conj" and lemma(c) in word_list("outcome_verb"):
            out |= categorize(child(c, "dobj"), fi)  # "… and four attackers were killed": no
    if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in word_list("outcome_verb"):
        out |= categorize(child(tok.head, "dobj"), fi)
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        verb = tok.head.head
        if lemma(verb) in word_list("outcome_verb") or lemma(verb) == "die":
            # "were killed in an attack", "died in the blast"; "X killed seven in attacks"
            subject = "nsubj" if lemma(verb) == "die" else "nsubjpass"
            out |= categorize(child(verb, subject, "dobj") if is_passive(verb) or lemma(
                verb) == "die" else child(verb, "dobj"), fi)
    return frozenset(out)


# Dependencies through which a noun trigger hangs from the verb that governs it:
# "destroyed dozens of heavy machine guns, rockets and IEDs".
NOUN_CHAIN = frozenset({"dobj", "nsubjpass", "pobj", "conj", "prep", "appos", "attr"})


def governor(tok: Token) -> Token | None:
    """The verb a noun trigger is the object or passive subject of: "devices were found",
    "destroyed … rockets"; None when it is a subject or hangs from a noun's clause."""
    for _ in range(6):
        if tok.dep_ not in NOUN_CHAIN or tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


def lemma(tok: Token | None) -> str:
    return tok.lemma_.lower() if tok is not None else ""


def not_political(fi: FrameInput, agent_cats: frozenset[str]) -> bool:
    """Deaths or blasts in a sentence about an accident or a disaster, with no armed actor."""
    if agent_cats & (ARMED | {"mob", "aircraft", "rioter"}):
        return False
    return scope_has(fi.scope, "accident") or scope_has(fi.scope, "disaster")
