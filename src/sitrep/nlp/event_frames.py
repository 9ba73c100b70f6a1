"""Event frames: the context rules that turn a lexicon match into an ACLED sub-type.

A trigger word says *that* something happened; who did it to whom says *what* ACLED calls it.
Each frame (named in resources/event_lexicon.tsv) reads the trigger's arguments from the
dependency parse — its agent (subject, "by" phrase, possessor, actor modifier) and its target
(object, passive subject, "on"/"against"/"of" phrase, the victims of a "killing …" clause) —
sorts each into categories (resources/event_cues.tsv, actor_nouns.tsv, the actor table and
the actor types the caller knows; closed word lists in resources/event_words.tsv) and decides:

* a sub-type key of resources/acled_types.tsv, with the rule that decided it;
* or None: the word is not an event here ("kill time", "protested that…", "missile test",
  an explosion at a gas plant, a deal about trade).

Frames see one match at a time; what depends on several triggers (a protest whose crowd also
throws stones, a withdrawal and a capture of the same town) is decided afterwards in
sitrep.nlp.event_types.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span, Token

from ..lexicon import table
from .actor_table import actor_table, match_country, match_table


@cache
def word_list(name: str) -> frozenset[str]:
    """A closed word list of resources/event_words.tsv (partitives, light verbs, roads…)."""
    return frozenset(w.lower() for w, list_name, *_ in table("event_words.tsv")
                     if list_name == name)


# ACLED actor types (of actor mentions or the actor table) → argument categories.
ACTOR_TYPE_CATEGORY = {
    "state forces": "state", "external/other forces": "state", "rebel group": "nonstate",
    "political militia": "nonstate", "identity militia": "nonstate",
    "protesters": "protester", "rioters": "rioter", "civilians": "civilian",
}
# actor_nouns.tsv categories → argument categories.
NOUN_CATEGORY = {"military": "state", "police": "state", "government": "state",
                 "nonstate": "nonstate", "protesters": "protester", "rioters": "rioter",
                 "civilians": "civilian"}
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
# Sentence cue categories a single word gives only as a noun.
NOUN_ONLY_CUES = frozenset({"crowd_violence"})


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


def _norm(text: str) -> str:
    return text.lower().replace("’", "'")


def forms(tok: Token) -> set[str]:
    """A token's lemma and lower-cased text; plural proper nouns also without their "s"."""
    out = {_norm(tok.lemma_), _norm(tok.text)}
    if tok.tag_ in ("NNPS", "NNS") and len(tok.text) > 4 and tok.text.lower().endswith("s"):
        out.add(_norm(tok.text[:-1]))
    return out


@cache
def cue_index() -> dict[tuple[str, ...], frozenset[str]]:
    """words → categories, from event_cues.tsv and the actor noun lexicon."""
    found: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for words, category, *_ in table("event_cues.tsv"):
        found[tuple(_norm(words).split())].add(category)
    for words, category, *_ in table("actor_nouns.tsv"):
        if category in NOUN_CATEGORY:
            found[tuple(_norm(words).split())].add(NOUN_CATEGORY[category])
    return {k: frozenset(v) for k, v in found.items()}


def word_categories(tok: Token) -> frozenset[str]:
    index = cue_index()
    out: set[str] = set()
    for form in forms(tok):
        out |= index.get((form,), frozenset())
    return frozenset(out)


def phrase_categories(toks: Iterable[Token]) -> set[str]:
    """Categories of single words and two-word phrases ("security forces", "air force")."""
    toks = list(toks)
    index = cue_index()
    out: set[str] = set()
    for i, tok in enumerate(toks):
        out |= word_categories(tok)
        if i + 1 < len(toks):
            for a in forms(tok):
                for b in forms(toks[i + 1]):
                    out |= index.get((a, b), frozenset())
    return out


def scope_has(scope: Span, category: str) -> bool:
    return any(category in cats for _, cats in scope_cues(scope))


def scope_cues(scope: Span) -> list[tuple[Token, frozenset[str]]]:
    """(token, categories) of every cue word or cue phrase (up to three words) in the scope;
    kept in the doc's user_data, since every frame of the scope asks."""
    key = ("sitrep.event_cues", scope.start, scope.end)
    cached = scope.doc.user_data.get(key)
    if cached is None:
        cached = scope.doc.user_data[key] = _scope_cues(scope)
    return cached


def _scope_cues(scope: Span) -> list[tuple[Token, frozenset[str]]]:
    index = cue_index()
    out = []
    toks = [t for t in scope if not t.is_space]
    for i, tok in enumerate(toks):
        cats = set(word_categories(tok))
        if tok.pos_ not in ("NOUN", "PROPN"):
            cats -= NOUN_ONLY_CUES  # "rocked the city" is not rock-throwing
        grams: list[tuple[str, ...]] = [(f,) for f in forms(tok)]
        for nxt in toks[i + 1:i + 3]:
            grams = [(*g, f) for g in grams for f in forms(nxt)]
            for gram in grams:
                cats |= index.get(gram, frozenset())
        if cats:
            out.append((tok, frozenset(cats)))
    return out


# -- arguments -----------------------------------------------------------------------------------
def _partitive(tok: Token) -> Token:
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


def _modifiers(tok: Token) -> list[Token]:
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
    out = _categorize_one(_partitive(tok), fi)
    for t in tok.conjuncts:  # the first conjunct says which side: "the army and militias"
        more = _categorize_one(_partitive(t), fi)
        out |= more - ARMED if out & ARMED else more
    return frozenset(out)


def _categorize_one(tok: Token, fi: FrameInput) -> set[str]:
    doc = fi.doc
    mods = _modifiers(tok)
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


def _child(tok: Token, *deps: str) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)


def _pobj(tok: Token, preps: Iterable[str]) -> Token | None:
    preps = set(preps)
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative", "prt", "advmod") and c.lower_ in preps:
            obj = _child(c, "pobj")
            if obj is None and c.lower_ in ("out", "ahead"):  # "out of the town"
                inner = next((g for g in c.children if g.dep_ == "prep"), None)
                obj = _child(inner, "pobj") if inner is not None else None
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
        return _pobj(tok, ("by",))
    subj = _child(tok, "nsubj")
    if subj is not None and subj.lower_ not in ("who", "that", "which"):
        return subj
    if tok.dep_ == "relcl" or (subj is not None and tok.dep_ in ("relcl", "acl")):
        return tok.head
    if tok.dep_ in ("conj", "xcomp", "advcl") and tok.head.pos_ in ("VERB", "AUX") \
            and not is_passive(tok.head):
        subj = _child(tok.head, "nsubj")
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
    by = _pobj(tok, ("by",))
    if by is not None:
        return by
    for m in _modifiers(tok):
        if categorize(m, fi) & (ARMED | {"aircraft", "artillery", "protester", "rioter", "mob"}):
            return m
    verb = tok.head
    if tok.dep_ in ("dobj",) and verb.lemma_.lower() in word_list("light_verb"):
        return _child(verb, "nsubj") or _nearest_actor(verb, fi)
    return None


def patient(fi: FrameInput) -> Token | None:
    tok = fi.head
    if tok.pos_ in ("NOUN", "PROPN"):
        return _pobj(tok, (*TARGET_PREPS, "of"))
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
            obj = obj or _child(verb, "dobj")
    if obj is not None and obj.lower_ not in REFLEXIVES:
        return obj
    return _pobj(tok, TARGET_PREPS)


def victims(fi: FrameInput) -> frozenset[str]:
    """Categories of the people harmed in the trigger's own clause: "attacked a village,
    killing 30 villagers", "the blast killed two soldiers", "were killed in an attack"."""
    tok, out = fi.head, set()
    for c in tok.children:
        if c.dep_ in ("advcl", "relcl", "acl") and _lemma(c) in word_list("outcome_verb"):
            out |= categorize(_child(c, "dobj", "nsubjpass"), fi)
        elif c.dep_ == "conj" and _lemma(c) in word_list("outcome_verb"):
            out |= categorize(_child(c, "dobj"), fi)  # "… and four attackers were killed": no
    if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in word_list("outcome_verb"):
        out |= categorize(_child(tok.head, "dobj"), fi)
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        verb = tok.head.head
        if _lemma(verb) in word_list("outcome_verb") or _lemma(verb) == "die":
            # "were killed in an attack", "died in the blast"; "X killed seven in attacks"
            subject = "nsubj" if _lemma(verb) == "die" else "nsubjpass"
            out |= categorize(_child(verb, subject, "dobj") if is_passive(verb) or _lemma(
                verb) == "die" else _child(verb, "dobj"), fi)
    return frozenset(out)


# Dependencies through which a noun trigger hangs from the verb that governs it:
# "destroyed dozens of heavy machine guns, rockets and IEDs".
NOUN_CHAIN = frozenset({"dobj", "nsubjpass", "pobj", "conj", "prep", "appos", "attr"})


def governor(tok: Token) -> Token | None:
    """The verb a noun trigger is the object or passive subject of: "devices were found",
    "destroyed … rockets"; None when it is a subject or hangs from a noun's clause."""
    for _ in range(6):
        if tok.dep_ not in NOUN_CHAIN or tok.head is tok:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return tok
    return None


def _lemma(tok: Token | None) -> str:
    return tok.lemma_.lower() if tok is not None else ""


# -- frames --------------------------------------------------------------------------------------
Frame = Callable[[FrameInput], Verdict | None]
FRAMES: dict[str, Frame] = {}


def frame(name: str) -> Callable[[Frame], Frame]:
    def register(fn: Frame) -> Frame:
        FRAMES[name] = fn
        return fn
    return register


def _not_political(fi: FrameInput, agent_cats: frozenset[str]) -> bool:
    """Deaths or blasts in a sentence about an accident or a disaster, with no armed actor."""
    if agent_cats & (ARMED | {"mob", "aircraft", "rioter"}):
        return False
    return scope_has(fi.scope, "accident") or scope_has(fi.scope, "disaster")


def _violence_by(agent_cats: frozenset[str], default: str, rule: str) -> Verdict:
    """Who did it, when that alone decides: a mob, a crowd, an aircraft, artillery."""
    if "mob" in agent_cats:
        return Verdict("mob_violence", f"{rule}: by a mob")
    if agent_cats & {"protester", "rioter"}:
        return Verdict("violent_demonstration", f"{rule}: by demonstrators")
    if "aircraft" in agent_cats:
        return Verdict("air_drone", f"{rule}: by aircraft", 0.2)
    if "artillery" in agent_cats:
        return Verdict("shelling", f"{rule}: by artillery/missiles", 0.15)
    return Verdict(default, rule)


def _on_target(target: frozenset[str], agent_cats: frozenset[str], rule: str,
               default: str) -> Verdict:
    """One-sided or a battle, from whom the violence hit."""
    if "captive" in target:
        return Verdict("attack", f"{rule}: captives are unarmed", 0.05)
    if "protester" in target and not target & ARMED:
        return Verdict("excessive_force", f"{rule}: on protesters", 0.1)
    if target & (ARMED | {"armed_site"}):
        # Soldiers or a base among the targets: a battle, even where a market nearby or
        # bystanders were hit too (ACLED codes the fight, not the crossfire).
        return Verdict("armed_clash", f"{rule}: armed target", 0.05)
    if target & {"civilian", "civ_site", "person", "property"}:
        return Verdict("attack", f"{rule}: unarmed target", 0.05)
    if "nonstate" in agent_cats and target & {"place"}:
        return Verdict("attack", f"{rule}: armed group on a place")
    if agent_cats & {"state"} and "nonstate" in target:
        return Verdict("armed_clash", f"{rule}: state on armed group", 0.05)
    return Verdict(default, f"{rule}: default", -0.05)


@frame("harm")
def harm(fi: FrameInput) -> Verdict | None:
    who, target = categorize(agent(fi), fi), categorize(patient(fi), fi)
    obj = patient(fi)
    if _not_political(fi, who) or scope_has(fi.scope, "cyber"):
        return None
    if obj is not None and not target and obj.pos_ in ("NOUN", "PROPN") \
            and fi.head.pos_ == "VERB" and obj.ent_type_ == "":
        return None  # "kill time", "killed the bill", "hacked the website"
    if who & {"mob", "protester", "rioter", "aircraft", "artillery"}:
        return _violence_by(who, fi.default, "harm")
    if fi.entry_words == ("hit",) and not target & PEOPLE:
        return None  # "a shell hit a neighbourhood": the shell is the trigger
    if fi.entry_words == ("beat",) and "protester" in target:
        return Verdict("excessive_force", "beating of protesters", 0.2)
    if target & (ARMED | {"armed_site"}) and not target & {"civilian", "captive", "protester"} \
            and (who & ARMED or not who):
        return Verdict("armed_clash", "armed victims", 0.05)
    return _on_target(target, who, "harm", fi.default)


@frame("execute")
def execute(fi: FrameInput) -> Verdict | None:
    who, obj = categorize(agent(fi), fi), patient(fi)
    target = categorize(obj, fi)
    if obj is not None and not target and fi.head.pos_ == "VERB" and obj.ent_type_ == "":
        return None  # "executed an order", "executed the plan"
    if "mob" in who:
        return Verdict("mob_violence", "killing by a mob")
    return Verdict("attack", "killing of captives/non-combatants", 0.05)


@frame("attack")
def attack(fi: FrameInput) -> Verdict | None:
    who, obj = categorize(agent(fi), fi), patient(fi)
    target = categorize(obj, fi)
    if "cyber" in target or scope_has(fi.scope, "cyber"):
        return None  # "attacked the campaign website"
    if not target & (ARMED | {"armed_site", "civilian", "civ_site", "captive", "protester"}):
        target |= victims(fi)  # "attacked …, killing 12 soldiers"
    if who & {"mob", "protester", "rioter", "aircraft", "artillery"}:
        return _violence_by(who, fi.default, "attack")
    if _lemma(fi.head) == "raid" and scope_has(fi.head.sent, "aircraft"):
        return Verdict("air_drone", "air raid", 0.3)
    if fi.head.pos_ == "NOUN" and not target:  # "an attack to capture the positions"
        for c in fi.head.children:
            if c.dep_ in ("acl", "relcl"):
                target |= categorize(_child(c, "dobj"), fi)
    if _lemma(fi.head) == "storm" and "protester" in who:
        return Verdict("violent_demonstration", "storming by demonstrators")
    if "protester" in target and not target & ARMED:
        if who & {"civilian", "person"} and not who & ARMED:
            return Verdict("mob_violence", "a crowd attacking a protest", 0.1)
        return Verdict("excessive_force" if scope_has(fi.scope, "lethal")
                       else "protest_intervention", "attack on a protest", 0.1)
    if target & {"property"} and not target & (ARMED | {"civilian", "civ_site", "person",
                                                         "armed_site", "captive"}) \
            and not who & ARMED:
        return Verdict("looting", "attack on property", 0.05)
    if fi.default == "armed_clash" and not target & {"civilian", "civ_site"}:
        return Verdict("armed_clash", "ambush", 0.0)
    return _on_target(target, who, "attack", fi.default)


@frame("shoot")
def shoot(fi: FrameInput) -> Verdict | None:
    obj = _child(fi.head, "dobj")
    if obj is not None and (phrase_categories([*_modifiers(obj), obj]) & {
            "weapon", "artillery", "intervene"} or _lemma(obj) in ("shot", "round", "salvo",
                                                                   "volley", "gas")):
        target = _pobj(fi.head, TARGET_PREPS)
        if target is None or fi.entry_words == ("fire",):
            return None  # "fired rockets": the rocket is the trigger
    target_tok = _pobj(fi.head, TARGET_PREPS) or obj
    if target_tok is None and fi.entry_words == ("fire",):
        return None  # "fired" alone: dismissed, fired from a job…
    return attack(fi)


@frame("clash")
def clash(fi: FrameInput) -> Verdict | None:
    who = categorize(agent(fi), fi)
    preps = ("with", "between", "against", "among")
    other: frozenset[str] = frozenset()
    for holder in (fi.head, fi.head.head if fi.head.dep_ in ("nsubj", "nsubjpass") else None):
        side = _pobj(holder, preps) if holder is not None else None  # "broke out between…"
        if side is not None:  # every party named in the phrase: "police in X and protesters"
            other |= categorize(side, fi) | (phrase_categories(side.subtree) & {
                "protester", "rioter", "mob"})
    sides = who | other | categorize(patient(fi), fi)
    if _not_political(fi, sides):
        return None
    if sides & {"protester", "rioter"}:
        return Verdict("violent_demonstration", "clash involving demonstrators", 0.1)
    if "mob" in sides:
        return Verdict("mob_violence", "clash involving a mob", 0.1)
    obj = _child(fi.head, "dobj")
    if fi.head.pos_ == "VERB" and obj is not None and not categorize(obj, fi) & ARMED:
        return None  # "fight corruption", "battled the blaze"
    fight_against = _pobj(fi.head, ("against",))
    if fight_against is not None and not categorize(fight_against, fi) & (ARMED | {"person"}):
        return None  # "the fight against terrorism"
    return Verdict("armed_clash", "clash between armed actors" if sides & ARMED else "clash")


def _territory(fi: FrameInput, who: frozenset[str], rule: str) -> Verdict:
    if scope_has(fi.head.sent, "no_fight"):
        return Verdict("nonviolent_transfer", f"{rule}: without fighting", 0.05)
    if "nonstate" in who:
        return Verdict("nsa_overtakes", f"{rule}: by a non-state actor", 0.05)
    if "state" in who:
        return Verdict("gov_regains", f"{rule}: by state forces", 0.05)
    if "armed" in who:
        return Verdict(fi.default, f"{rule}: by armed actor of unknown side")
    return Verdict(fi.default, f"{rule}: agent unknown", -0.05)


def _as_place(obj: Token | None, target: frozenset[str]) -> frozenset[str]:
    """A proper name a territorial verb takes is a place unless it names an armed actor:
    the NER model often calls towns people ("recaptured Palmyra", "large parts of X")."""
    obj = _partitive(obj) if obj is not None else None
    if obj is not None and obj.pos_ == "PROPN" and obj.ent_type_ != "NORP" and not target & (
            ARMED | {"civilian", "captive", "protester"}):
        return (target - {"person"}) | {"place"}
    return target


@frame("take")
def take(fi: FrameInput) -> Verdict | None:
    head = fi.head
    who, obj = categorize(agent(fi), fi), patient(fi)
    words = fi.entry_words
    if _not_political(fi, who):
        return None  # firefighters gaining ground on a wildfire
    inside = {t.i for t in fi.tokens}
    idiom = _lemma(obj) in word_list("take_idiom")
    if _lemma(head) == "take" and (idiom or any(c.dep_ == "prt" and c.i not in inside
                                                for c in head.children)):
        return None  # "took up arms", "took part", "took place"
    if _lemma(head) == "fall":
        who, obj = categorize(_pobj(head, ("to", "into")), fi), _child(head, "nsubj")
        if "weapon" in categorize(obj, fi) or "artillery" in categorize(obj, fi):
            return None  # "mortar rounds were falling on Sake": the mortar is the trigger
    elif words[-1] in ("control", "over", "ground") or _lemma(head) in ("advance", "push",
                                                                         "enter"):
        obj = obj or _pobj(head, ("of", "into", "on", "to", "over"))
        ctl = next((t for t in fi.tokens if _lemma(t) == "control"), None)
        if ctl is not None:
            obj = _pobj(ctl, ("of", "over")) or obj
    target = _as_place(obj, categorize(obj, fi))
    if "weapon" in target and not target & {"place"}:
        if who & {"nonstate", "armed"} and "state" not in who:  # attackers carrying off arms
            return Verdict("looting", "weapons taken by an armed group", -0.1)
        return Verdict("disrupted_weapons", "weapons seized", 0.1)
    if "armed_site" in target and not target & {"place"}:
        if _lemma(head) in ("overrun", "overran", "storm"):
            return Verdict("armed_clash", "armed post overrun, no territory", -0.05)
        target |= {"place"}  # a camp, post or position taken is ground taken
    if target & {"place", "armed_site"} or (obj is not None and obj.ent_type_ in ("GPE", "LOC",
                                                                                  "FAC")):
        return _territory(fi, who, "territory taken")
    if target & PEOPLE and _lemma(head) in ("capture", "seize", "take", "round"):
        if "state" in who:
            return Verdict("arrests", "people taken by state forces")
        if who & {"nonstate", "armed"}:
            return Verdict("abduction", "people taken by an armed group")
        return None
    if (len(words) > 1 and words[-1] in ("control", "over", "ground")) or _lemma(head) in (
            "overrun", "overran"):
        return _territory(fi, who, "control taken") if obj is None or target else None
    if _lemma(head) in ("capture", "seize") and obj is None and scope_has(fi.scope, "place"):
        return _territory(fi, who, "capture in a place")
    return None


@frame("retake")
def retake(fi: FrameInput) -> Verdict | None:
    head = fi.head
    who, obj = categorize(agent(fi), fi), patient(fi)
    target = _as_place(obj, categorize(obj, fi))
    source = _pobj(head, ("from", "of", "out"))
    place = target & {"place", "armed_site"} or (obj is not None and obj.ent_type_ in
                                                 ("GPE", "LOC", "FAC"))
    if not place and source is not None and categorize(source, fi) & {"place"}:
        place = True  # "drove the militants out of key areas", "freed areas from IS"
    if target & PEOPLE and not target & ARMED:
        return None  # hostages freed, diplomats expelled
    if _not_political(fi, who):
        return None
    if not place:
        if _lemma(head) in ("free", "expel", "drive", "clear", "purge"):
            return None
        if obj is not None and not target:
            return None
    if scope_has(fi.head.sent, "no_fight") and _lemma(head) != "liberate":
        return Verdict("nonviolent_transfer", "retaken without fighting", 0.05)
    if "nonstate" in who:
        return Verdict("nsa_overtakes", "retaken by a non-state actor", 0.05)
    if "state" in who:
        return Verdict("gov_regains", "retaken by state forces", 0.05)
    return Verdict("gov_regains", "retaken (agent unknown: the government's word)")


@frame("arrest")
def arrest(fi: FrameInput) -> Verdict | None:
    who, target = categorize(agent(fi), fi), categorize(patient(fi), fi)
    if "nonstate" in who:
        return Verdict("abduction", "detained by a non-state actor: an abduction")
    during = _pobj(fi.head, ("during", "at", "amid", "in"))
    if "protester" in target or (during is not None and "protester" in word_categories(during)):
        return Verdict("protest_intervention", "protesters detained", 0.05)
    return Verdict("arrests", "arrest")


@frame("abduct")
def abduct(fi: FrameInput) -> Verdict | None:
    forced = any(_lemma(c) in ("forcibly", "forcefully") for c in fi.head.children)
    return Verdict("abduction", "forced disappearance") if forced or is_passive(fi.head) \
        else None




def _explosive_found(fi: FrameInput) -> bool:
    gov = governor(fi.head)
    if gov is not None and _lemma(gov) in word_list("disrupt_verb"):
        return not (_lemma(gov) == "shoot" and fi.head.dep_ != "dobj")
    if any(c.dep_ == "acl" and _lemma(c) in word_list("disrupt_verb") for c in fi.head.children):
        return True
    # The parse lost the link ("… explosive devices were discovered"): a find verb in the
    # sentence and no word of use.
    if fi.head.pos_ not in ("NOUN", "PROPN"):
        return False
    lemmas = {_lemma(t) for t in fi.head.sent}
    return bool({_lemma(t) for t in fi.head.sent if t.pos_ == "VERB"} & word_list("find_verb")) \
        and not lemmas & word_list("use_word")


@frame("explosive")
def explosive(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    if any(c.lower_ in REFLEXIVES for c in head.children) or any(
            _lemma(m) == "suicide" for m in _modifiers(head)):
        return Verdict("suicide", "bomber killed themselves", 0.35)
    if words == ("mine",) and (any(_lemma(m) in ("gold", "coal", "copper", "diamond", "salt",
                                                 "tin", "cobalt", "mining") for m in
                                   _modifiers(head)) or head.tag_ not in ("NN", "NNS")):
        return None
    if _explosive_found(fi):
        return Verdict("disrupted_weapons", "explosive found or defused", 0.2)
    if words == ("mine",) and (_lemma(governor(head)) in ("hit", "step", "strike", "lay", "plant")
                               or {_lemma(m) for m in _modifiers(head)} & {"land", "ground"}):
        return Verdict("remote_explosive", "a vehicle or person hit a mine", 0.3)
    if words == ("grenade",) and any(_lemma(m) in ("stun", "smoke", "sound", "flash")
                                     for m in _modifiers(head)):
        return Verdict("protest_intervention", "riot-control grenade")
    who = categorize(agent(fi), fi)
    generic = words in (("explosion",), ("blast",), ("explode",), ("go", "off"),
                        ("blow", "up"), ("bomb",), ("bombing",))
    if generic and _not_political(fi, who):
        return None
    if words in (("bomb",), ("bombing",)) and (
            "aircraft" in who or scope_has(fi.scope, "aircraft")
            or _lemma(governor(head)) == "drop"):
        return Verdict("air_drone", "bombs dropped from the air", 0.25)
    return Verdict(fi.default, "explosive")


@frame("bombverb")
def bombverb(fi: FrameInput) -> Verdict | None:
    who = categorize(agent(fi), fi)
    if "aircraft" in who or scope_has(fi.scope, "aircraft"):
        return Verdict("air_drone", "bombing by aircraft", 0.2)
    if "artillery" in who:
        return Verdict("shelling", "bombardment by artillery", 0.1)
    if fi.default == "air_drone" and "nonstate" in who:
        return Verdict("remote_explosive", "bombing by a non-state group")
    return Verdict(fi.default, "bombardment")


@frame("strike")
def strike(fi: FrameInput) -> Verdict | None:
    head = fi.head
    mods = {_lemma(m) for m in _modifiers(head)}
    labour = {_lemma(t) for t in fi.scope} & word_list("labour") or mods & {"general", "hunger"}
    on_strike = head.dep_ == "pobj" and head.head.lower_ == "on"
    if head.pos_ in ("NOUN", "PROPN"):
        if labour or on_strike:
            return Verdict("peaceful_protest", "labour strike", 0.05)
        if scope_has(fi.scope, "artillery") and not scope_has(fi.scope, "aircraft"):
            return Verdict("shelling", "strikes by artillery/missiles", 0.1)
        return Verdict("air_drone", "strikes (air by default)")
    who = categorize(agent(fi), fi)
    if "aircraft" in who:
        return Verdict("air_drone", "struck by aircraft", 0.3)
    if "artillery" in who:
        return Verdict("shelling", "struck by missiles/shells", 0.2)
    if who & ARMED:
        return Verdict("air_drone", "armed forces struck", -0.05)
    if _lemma(head) == "strike" and labour:
        return Verdict("peaceful_protest", "workers struck", 0.05)
    return None


@frame("shell")
def shell(fi: FrameInput) -> Verdict | None:
    head = fi.head
    gov = governor(head)
    if head.pos_ in ("NOUN", "PROPN") and (
            scope_has(fi.scope, "noevent_head") and {_lemma(t) for t in fi.scope}
            & {"test", "testing", "programme", "program", "development"}):
        return None  # missile tests and programmes
    if gov is not None and _lemma(gov) in ("intercept", "shoot", "down"):
        return Verdict("disrupted_weapons", "missile/rocket intercepted", 0.1)
    if _explosive_found(fi):
        return Verdict("disrupted_weapons", "munitions found or seized", 0.15)
    nxt = fi.doc[head.i + 1] if head.i + 1 < len(fi.doc) else None
    if (nxt is not None and nxt.text == "-") or _lemma(head.head) == "grenade":
        return Verdict("armed_clash", "rocket-propelled grenades: small arms", -0.1)
    fired_by = categorize(_child(gov, "nsubj"), fi) if gov is not None else frozenset()
    if "aircraft" in fired_by | categorize(agent(fi), fi) or any(
            "aircraft" in word_categories(m) for m in _modifiers(head)):
        return Verdict("air_drone", "missiles fired from aircraft", 0.2)
    return Verdict("shelling", "long-range ground weapons")


@frame("air")
def air(fi: FrameInput) -> Verdict | None:
    if _explosive_found(fi):
        return Verdict("disrupted_weapons", "drone intercepted or shot down", 0.1)
    return Verdict(fi.default, "aircraft")


@frame("chemical")
def chemical(fi: FrameInput) -> Verdict | None:
    return None if scope_has(fi.scope, "accident") else Verdict("chemical", "chemical weapon")


# -- protests and riots -------------------------------------------------------------------------
@frame("protest")
def protest(fi: FrameInput) -> Verdict | None:
    head = fi.head
    who = categorize(agent(fi), fi)
    if head.ent_type_ == "DATE" or (head.lower_ == "march" and head.pos_ == "PROPN"):
        return None  # the month
    if head.pos_ == "VERB":
        if any(c.dep_ in ("ccomp", "mark") for c in head.children):
            return None  # "protested that…": objecting, not gathering
        if "state" in who and not who & {"protester", "civilian"}:
            return None  # a government protesting (diplomatic protest) or troops marching
        if _lemma(head) == "rally" and _child(head, "dobj") is not None \
                and not categorize(_child(head, "dobj"), fi) & PEOPLE:
            return None  # "rallied support"
    elif _pobj(head, ("of",)) is not None and _lemma(_pobj(head, ("of",))) in (
            "force", "strength", "power", "support", "solidarity", "unity", "resolve"):
        return None  # "a demonstration of force"
    if "mob" in who:
        return Verdict("mob_violence", "crowd acting as a mob")
    violent = ("violent", "deadly", "ugly", "aggressive", "chaotic")
    if any(_lemma(m) in violent for m in _modifiers(head)) or (
            head.dep_ == "nsubj" and any(_lemma(c) in violent and c.dep_ in ("acomp", "oprd")
                                         for c in head.head.children)):
        return Verdict("violent_demonstration", "violent protest", 0.1)  # "protests turned violent"
    return Verdict("peaceful_protest", "gathering")


@frame("intervene")
def intervene(fi: FrameInput) -> Verdict | None:
    words = fi.entry_words
    if words[0] in ("disperse", "break", "suppress", "crack", "crackdown"):
        obj = patient(fi)
        target = categorize(obj, fi) | categorize(_pobj(fi.head, ("on", "against")), fi)
        if obj is not None:  # "broke up a sit-in outside army headquarters"
            target |= phrase_categories(t for t in obj.subtree if t.i < obj.i)
        crowd = "protester" in target or (words[0] == "disperse" and target & {"civilian",
                                                                                "person"})
        if not crowd and not (words[0] in ("crackdown", "crack")
                              and scope_has(fi.scope, "protester")):
            return None  # "broke up a network", "crackdown on militants"
    if {_lemma(m) for m in _modifiers(fi.head)} & {"violent", "deadly", "brutal", "bloody",
                                                    "lethal"}:
        return Verdict("excessive_force", "deadly force on a gathering", 0.05)
    return Verdict("protest_intervention", "force used on a gathering")


@frame("riot")
def riot(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    who = categorize(agent(fi), fi)
    obj = patient(fi)
    thrown = _lemma(_partitive(obj) if obj is not None else None)
    if words[0] in ("hurl", "throw") and thrown not in word_list("projectile"):
        return None  # only stones, bottles, petrol bombs…
    if words[0] in ("block", "shut") and (_lemma(obj) not in word_list("road") or who & ARMED):
        return None  # "blocked the bill", police blocking a road
    if words[0] in ("pull", "tear", "topple") and not (
            categorize(obj, fi) & {"property"} or _lemma(obj) in word_list("torn_down")):
        return None  # only walls, fences, statues torn down
    if obj is not None and obj.lower_ in REFLEXIVES:
        return None  # "barricaded himself inside"
    if "mob" in who:
        return Verdict("mob_violence", "violence by a mob")
    if _lemma(head) == "unrest" and not scope_has(fi.scope, "protester"):
        return None
    return Verdict("violent_demonstration", "violent or destructive crowd")


@frame("mob")
def mob(fi: FrameInput) -> Verdict | None:
    return Verdict("mob_violence", "mob")


@frame("loot")
def loot(fi: FrameInput) -> Verdict | None:
    who, obj = categorize(agent(fi), fi), patient(fi)
    target = categorize(obj, fi)
    if _not_political(fi, who):
        return None  # a fire destroyed a factory
    if "aircraft" in who or "artillery" in who:
        return _violence_by(who, fi.default, "destruction")
    if "weapon" in target:
        return Verdict("disrupted_weapons", "weapons destroyed", 0.25)
    if fi.entry_words in (("destroy",), ("burn",)):
        if target & PEOPLE and fi.entry_words == ("burn",):
            return Verdict("attack", "people burned", 0.1)
        if target & {"armed_site", *ARMED} and not target & {"property"}:
            return Verdict("armed_clash", "military targets destroyed", 0.05)
        if not target & {"property", "civ_site", "place"}:
            return None  # "destroyed hopes", "burning tyres"
        return Verdict("looting", "property destroyed", 0.15) if not who & {
            "protester", "rioter", "mob"} else _violence_by(who, fi.default, "destruction")
    if who & {"protester", "rioter", "mob"}:
        return _violence_by(who, fi.default, "looting/arson")
    return Verdict("looting", "property looted or destroyed")


# -- strategic developments ---------------------------------------------------------------------
@frame("seize_weapon")
def seize_weapon(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    target = categorize(patient(fi), fi)
    if head.pos_ in ("NOUN", "PROPN"):  # "cache"
        near = categorize(_pobj(head, ("of",)), fi) | {
            c for m in _modifiers(head) for c in word_categories(m)}
        return Verdict("disrupted_weapons", "weapons cache", 0.1) if "weapon" in near \
            or scope_has(fi.scope, "weapon") else None
    if words[0] in ("find", "discover", "uncover", "unearth") and (
            {_lemma(patient(fi))} & {"grave", "body", "corpse", "remains"}):
        return Verdict("other", "bodies or graves found")
    if not target:  # "discovered a large amount of ammunition believed to…": a lost object
        clause = _child(head, "ccomp", "xcomp")
        target = categorize(_child(clause, "nsubj"), fi) if clause is not None else target
    if "weapon" in target or (words[0] in ("intercept", "shoot") and "aircraft" in target):
        return Verdict("disrupted_weapons", "weapons seized, found, defused or intercepted", 0.1)
    return None


@frame("agree")
def agree(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    scope_lemmas = {_lemma(t) for t in fi.scope}
    if words == ("agree",):
        if not any(c.dep_ in ("xcomp", "dobj") or (c.dep_ == "prep" and c.lower_ in
                                                    ("to", "on", "upon"))
                   for c in head.children):
            return None  # "agreed that…": an opinion
    elif words == ("deal",) or words == ("talks",):
        if not scope_lemmas & {"peace", "ceasefire", "truce", "prisoner", "evacuation",
                               "rebel", "militant", "war", "conflict", "withdrawal", "fighting"}:
            return None  # trade deals, talks about anything
    elif words == ("exchange",) or words[0] == "swap":
        if not scope_lemmas & {"prisoner", "detainee", "captive", "hostage", "body",
                               "soldier", "fighter"}:
            return None
    elif words[0] == "release":
        if not categorize(patient(fi), fi) & {"captive"} and not scope_lemmas & {"exchange",
                                                                                 "swap", "deal"}:
            return None
    elif words[0] == "lay" and _lemma(patient(fi)) not in ("arm", "arms", "weapon"):
        return None
    if scope_has(fi.scope, "disaster"):
        return None
    return Verdict("agreement", "agreement between parties")


@frame("sign")
def sign(fi: FrameInput) -> Verdict | None:
    return Verdict("agreement", "agreement signed", 0.2) if "accord" in categorize(
        patient(fi), fi) else None


@frame("move")
def move(fi: FrameInput) -> Verdict | None:
    head, words = fi.head, fi.entry_words
    who, target = categorize(agent(fi), fi), categorize(patient(fi), fi)
    if scope_has(fi.scope, "disaster") or scope_has(fi.scope, "accident"):
        return None  # troops mobilised for flood relief
    armed = (who | target) & (ARMED | {"unit"})
    if words[0] in ("send", "dispatch", "station", "amass", "form", "merge", "disband"):
        if not (target | (who if is_passive(head) or words[0] != "send" else frozenset())) \
                & (ARMED | {"unit"}):
            return None  # "sent a letter", "formed a committee"
    elif not armed and head.pos_ == "VERB":
        return None  # a candidate withdrew, a company recruits
    return Verdict("change_group", "movement or change of an armed group")


@frame("base")
def base(fi: FrameInput) -> Verdict | None:
    target = categorize(patient(fi), fi)
    if "base" in target:
        return Verdict("hq_established", "base or post set up", 0.1)
    if "unit" in target and fi.entry_words[0] in ("establish", "set", "form"):
        return Verdict("change_group", "new force or group established")
    return None


@frame("transfer")
def transfer(fi: FrameInput) -> Verdict | None:
    target = categorize(patient(fi), fi)
    if fi.entry_words == ("leave",) and not categorize(agent(fi), fi) & ARMED:
        return None  # people leaving their homes
    if _lemma(patient(fi)) in ("control", "authority", "power", "territory") or target & {
            "place", "armed_site", "base"}:
        return Verdict("nonviolent_transfer", "territory handed over or vacated", 0.05)
    return None


@frame("other")
def other(fi: FrameInput) -> Verdict | None:
    if scope_has(fi.scope, "disaster") or scope_has(fi.scope, "accident"):
        return None  # evacuations from floods, people fleeing fires
    return Verdict("other", "other strategic development")
