"""Event triggers and their ACLED type: which words of a text say that something happened,
and what ACLED would call it.

1. **Lexicon** (resources/event_lexicon.tsv): trigger words and phrases, verbs and nouns
   ("killed", "captured", "air strike", "set fire to", "ceasefire"), each with a default
   sub-type, a score and a frame. Matching is on lemmas, longest phrase first.
2. **Frames** (sitrep.nlp.event_frames): the frame of each match reads its agent and target
   from the parse and may change the sub-type ("killed" soldiers in a clash → Armed clash,
   "captured" a town by rebels → Non-state actor overtakes territory, "captured" people →
   arrests or abduction) or drop the match (a missile test, "protested that…", an accident).
3. **Sentence rules** (here): what depends on several triggers. A trigger that only reports
   another's toll ("…, killing 30") is folded into it; a weapon noun and its head ("mortar
   shells") are one trigger; a protest whose crowd throws stones is a Violent demonstration,
   one met with tear gas a Protest with intervention, one where protesters are killed
   Excessive force; a withdrawal and a capture of the same place are a Non-violent transfer.

Types come from resources/acled_types.tsv (ACLED's 6 event types and 25 sub-event types,
verbatim) and CAMEO codes from resources/cameo.tsv.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

import spacy
from spacy.tokens import Doc, Span, Token

from ..lexicon import table
from ..records import ActorMention
from .event_frames import FRAMES, FrameInput, Verdict, forms, scope_cues, word_categories, word_list
from .parsed import sentence_of, text_of

POS = {"V": ("VERB",), "N": ("NOUN", "PROPN"), "*": ("VERB", "NOUN", "PROPN")}
# Particles, objects and prepositional objects a two-word verb entry may find its second
# word among: "took full control", "blew themselves up", "set the shops on fire".
VERB_PAIR_DEPS = frozenset({"prt", "dobj", "advmod", "acomp", "oprd", "prep", "attr", "xcomp"})
# Entity labels of names: a trigger word inside one is a title, not an event.
NAME_LABELS = frozenset({"ORG", "WORK_OF_ART", "LAW", "PRODUCT"})
# Triggers that only name a crowd ("protesters"): dropped where a sentence has a real trigger.
CROWD_WORDS = frozenset({"protester", "protestor", "demonstrator", "marcher", "rioter",
                         "striker", "vigilante"})
PROTEST_KEYS = ("peaceful_protest", "protest_intervention", "excessive_force",
                "violent_demonstration")
WITHDRAW_WORDS = frozenset({"withdraw", "withdrawal", "pull", "pullout", "retreat", "vacate",
                            "hand", "handover", "cede", "leave"})
TERRITORY_KEYS = ("nsa_overtakes", "gov_regains")
# Frames of triggers whose toll a "killed"/"wounded" in the same clause reports.
OUTCOME_PARENT_FRAMES = frozenset({"-", "attack", "shoot", "clash", "explosive", "bombverb",
                                   "strike", "shell", "air", "chemical", "riot", "mob",
                                   "execute"})
# Words that with "last", "ago", "earlier" date a trigger to before the text's own time.
PAST_UNITS = frozenset({"month", "months", "year", "years", "ago", "january", "february",
                        "march", "april", "may", "june", "july", "august", "september",
                        "october", "november", "december", "decade", "summer", "winter",
                        "spring", "autumn"})
# Prepositions that make their object a time reference, not the reported event.
TIME_PREPS = frozenset({"after", "before", "since", "following", "until", "ahead"})
# The main event of a short text is most often told first.
FIRST_SENTENCE_BONUS = 0.06


@dataclass(frozen=True)
class Trigger:
    start: int  # token index in the spaCy Doc (inclusive)
    end: int  # token index (exclusive); multiword triggers: "air strike", "set fire to"
    lemma: str  # normalized trigger ("kill", "air strike", "capture")
    event_type: str  # ACLED event type
    sub_event_type: str  # ACLED sub-event type, verbatim
    cameo: str | None  # CAMEO root code ("19" Fight, "18" Assault, "14" Protest…)
    score: float  # confidence 0..1
    rule: str  # lexicon entry → the context rule that decided the type
    cameo_code: str | None = None  # the most specific CAMEO code ("195", "173", "0871")


@dataclass(frozen=True)
class SubType:
    key: str
    event_type: str
    sub_event_type: str
    cameo: str | None


@dataclass(frozen=True)
class Entry:
    text: str  # as written in the lexicon
    words: tuple[str, ...]  # tokens to match (a variant: hyphenated, joined, inflected)
    base: tuple[str, ...]  # the tokens as written, what frames compare with
    pos: str
    key: str
    frame: str
    score: float
    cameo: str | None


@cache
def taxonomy() -> dict[str, SubType]:
    """ACLED's 25 sub-event types by sitrep key (resources/acled_types.tsv)."""
    return {key: SubType(key, event_type, sub, None if cameo == "-" else cameo)
            for key, event_type, sub, cameo, *_ in table("acled_types.tsv")}


def event_types() -> tuple[str, ...]:
    """ACLED's 6 event types, in codebook order."""
    return tuple(dict.fromkeys(s.event_type for s in taxonomy().values()))


def sub_event_types() -> tuple[str, ...]:
    """ACLED's 25 sub-event types, in codebook order."""
    return tuple(s.sub_event_type for s in taxonomy().values())


@cache
def cameo_names() -> dict[str, str]:
    """CAMEO code → name (resources/cameo.tsv)."""
    return {code: name for code, name, *_ in table("cameo.tsv")}


@cache
def _tokenizer():
    return spacy.blank("en").tokenizer


@cache
def lexicon() -> dict[str, tuple[Entry, ...]]:
    """First word → entries starting with it, longest first (resources/event_lexicon.tsv)."""
    types = taxonomy()
    by_first: dict[str, list[Entry]] = {}
    for text, pos, key, frame, score, *rest in table("event_lexicon.tsv"):
        if key not in types or (frame != "-" and frame not in FRAMES) or pos not in POS:
            raise ValueError(f"event_lexicon.tsv: bad entry {text!r} ({key}, {frame}, {pos})")
        cameo = rest[0] if rest and rest[0] != "-" else None
        if cameo is not None and cameo not in cameo_names():
            raise ValueError(f"event_lexicon.tsv: {text!r} names CAMEO {cameo}, not in cameo.tsv")
        words = tuple(t.text.lower() for t in _tokenizer()(text))
        variants = {words}
        if len(words) > 1 and "-" not in words:
            variants |= {tuple(" - ".join(words).split()), ("".join(words),)}
        if pos in ("V", "*"):  # the model's lemmatizer misses rarer verbs ("raped" → "rap")
            variants |= {(form, *words[1:]) for form in _inflections(words[0])}
        for variant in variants:
            entry = Entry(text, variant, words, pos, key, frame, float(score), cameo)
            by_first.setdefault(variant[0], []).append(entry)
    return {k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in by_first.items()}


def _inflections(verb: str) -> set[str]:
    """Regular inflected forms of a verb, generously: unused forms never match anything."""
    stem = verb[:-1] if verb.endswith("e") else verb
    out = {verb + "s", verb + "es", stem + "ed", stem + "ing", verb + verb[-1] + "ed",
           verb + verb[-1] + "ing"}
    if verb.endswith("y"):
        out |= {verb[:-1] + "ied", verb[:-1] + "ies"}
    return out


# -- matching --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Match:
    tokens: tuple[Token, ...]
    head: Token
    entry: Entry


def _contiguous(doc: Doc, i: int, words: tuple[str, ...]) -> tuple[Token, ...] | None:
    if i + len(words) > len(doc):
        return None
    toks = tuple(doc[i:i + len(words)])
    return toks if all(w in forms(t) for w, t in zip(words, toks, strict=True)) else None


def _verb_pair(tok: Token, words: tuple[str, ...]) -> tuple[Token, ...] | None:
    """A verb entry with its other words among the verb's dependents: a particle or object
    ("took full control", "blew themselves up"), or a preposition and its object ("set the
    shops on fire")."""
    if len(words) not in (2, 3) or tok.pos_ != "VERB":
        return None
    for child in tok.children:
        if child.dep_ not in VERB_PAIR_DEPS or words[1] not in forms(child):
            continue
        if len(words) == 2:
            return (tok, child)
        grand = next((g for g in child.children if g.dep_ == "pobj" and words[2] in forms(g)),
                     None)
        if child.dep_ == "prep" and grand is not None:
            return (tok, child, grand)
    return None


def _head(toks: tuple[Token, ...]) -> Token:
    inside = {t.i for t in toks}
    outer = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
    return outer[0] if len(outer) == 1 else toks[-1]


def _matches(doc: Doc) -> list[_Match]:
    index, claimed, found = lexicon(), set[int](), []
    for tok in doc:
        if tok.is_space or tok.is_punct or tok.i in claimed:
            continue
        entries = [e for f in forms(tok) for e in index.get(f, ())]
        for entry in sorted(entries, key=lambda e: -len(e.words)):
            toks = _contiguous(doc, tok.i, entry.words)
            if toks is None and entry.pos == "V":
                toks = _verb_pair(tok, entry.words)
            if toks is None or any(t.i in claimed for t in toks):
                continue
            head = toks[0] if entry.pos == "V" else _head(toks)
            if head.pos_ not in POS[entry.pos]:
                continue
            claimed.update(t.i for t in toks)
            found.append(_Match(toks, head, entry))
            break
    return found


def _is_name_or_modifier(m: _Match) -> bool:
    """"riot police", "missile programme", "Organisation for the Prohibition of Chemical
    Weapons": the trigger names a thing, not a happening."""
    head = m.head
    if head.ent_type_ in NAME_LABELS and head.pos_ == "PROPN" and not head.is_sent_start:
        return True
    if head.dep_ in ("compound", "amod", "nmod") and head.head.i not in {
            t.i for t in m.tokens} and "noevent_head" in word_categories(head.head):
        return True
    nxt = m.tokens[-1].i + 1
    return head.pos_ in ("NOUN", "PROPN") and nxt < len(head.doc) and head.doc[nxt].pos_ in (
        "NOUN", "PROPN") and "noevent_head" in word_categories(head.doc[nxt])


# -- the sentence rules ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Found:
    match: _Match
    verdict: Verdict
    scope: Span
    background: bool = False  # a cause, purpose, time reference: not what the text reports

    @property
    def key(self) -> str:
        return self.verdict.key or ""

    @property
    def score(self) -> float:
        return min(1.0, max(0.0, self.match.entry.score + self.verdict.score))

    def retyped(self, key: str, why: str) -> _Found:
        return replace(self, verdict=Verdict(key, f"{self.verdict.rule}; {why}",
                                             self.verdict.score))


def _outcome_of(f: _Found, found: list[_Found]) -> _Found | None:
    """The trigger whose toll a "killed"/"wounded" trigger reports: "…, killing 30" after an
    attack, "the blast killed two", "were killed in an air strike". Protests and crowds are
    never such parents: a killing during a protest is force against the protesters."""
    if f.match.entry.frame != "harm":
        return None
    heads = {g.match.head.i: g for g in found if g.match.entry.frame in OUTCOME_PARENT_FRAMES}
    tok = f.match.head
    if tok.dep_ in ("advcl", "relcl", "acl", "conj", "xcomp") and tok.head.i in heads:
        return heads[tok.head.i]
    for child in tok.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.i in heads:
            return heads[child.i]
        if child.dep_ in ("prep", "agent"):
            for grand in child.children:
                if grand.dep_ == "pobj" and grand.i in heads:
                    return heads[grand.i]
    return None


def _one_event(a: _Found, b: _Found) -> bool:
    """Two linked trigger nouns name one event when ACLED puts them in one event type
    ("mortar shells", "rocket and mortar fire"); "protest crackdown" is two."""
    if a.match.head.dep_ == "conj" and (a.key != b.key or a.match.head.pos_ == "VERB"):
        return False
    return taxonomy()[a.key].event_type == taxonomy()[b.key].event_type


def _fold(found: list[_Found]) -> list[_Found]:
    """Tolls into their events, weapon nouns into their heads."""
    heads = {f.match.head.i: f for f in found}
    kept = []
    for f in found:
        parent = _outcome_of(f, found)
        if parent is not None and parent is not f and parent.key:
            continue
        tok = f.match.head
        if tok.dep_ in ("compound", "amod", "nmod", "conj") and tok.head.i in heads:
            other = heads[tok.head.i]
            if _one_event(f, other) and other.score >= f.score:
                continue
        mod = next((heads[c.i] for c in tok.children if c.dep_ in ("compound", "amod", "nmod")
                    and c.i in heads and heads[c.i].score > f.score
                    and _one_event(heads[c.i], f)), None)
        if mod is not None:
            continue
        kept.append(f)
    return kept


def _without_crowd_nouns(found: list[_Found]) -> list[_Found]:
    """"protesters" is a trigger only in a sentence no other trigger speaks for."""
    busy = {sentence_of(f.match.head).start for f in found
            if f.match.entry.base[0] not in CROWD_WORDS}
    return [f for f in found if f.match.entry.base[0] not in CROWD_WORDS
            or sentence_of(f.match.head).start not in busy]


def _time_reference(tok: Token, reported: set[int]) -> bool:
    """"captured the town after a long offensive", "seized oil fields ahead of peace talks",
    "since a truce expired": another event dates the one the sentence reports (a trigger in
    ``reported``). "Were hurt after a chemical attack" reports the attack itself."""
    clause = tok.head if tok.dep_ in ("nsubj", "nsubjpass") else tok
    if any(c.dep_ == "mark" and c.lower_ in ("since", "before", "until") for c in clause.children):
        return True
    if tok.dep_ not in ("pobj", "pcomp"):
        return False
    prep = tok.head
    if prep.lower_ in ("of", "to") and prep.head.lower_ in ("ahead", "prior"):
        prep = prep.head
    elif prep.lower_ not in TIME_PREPS:
        return False
    return prep.head.i in reported


def _protest_cause(tok: Token, protest_heads: set[int]) -> bool:
    """"rallies against the execution of…", "took to the streets to decry the arrests":
    the trigger is what a protest is about."""
    for anc in tok.ancestors:
        if anc.i in protest_heads:
            path = [t for t in tok.ancestors if anc.is_ancestor(t)]
            return not any(t.dep_ == "relcl" for t in (tok, *path))
        if anc.dep_ == "prep" and anc.lower_ in ("against", "over", "about") and any(
                c.i in protest_heads for c in anc.head.children if c.dep_.startswith("nsubj")):
            return True
    return False


def _dated_past(tok: Token) -> bool:
    """A trigger dated to an earlier time than the text's own: a year before it as a noun
    modifier, or "last month", "… ago", "last year" attached to it."""
    if tok.pos_ in ("NOUN", "PROPN") and any(
            c.ent_type_ == "DATE" and c.like_num and len(c.text) == 4 for c in tok.lefts):
        return True
    verb = tok.head if tok.dep_ in ("nsubj", "nsubjpass") else tok
    for c in (*tok.children, *(verb.children if verb.i != tok.i else ())):
        if c.dep_ in ("npadvmod", "advmod", "prep", "pobj") and c.ent_type_ == "DATE":
            words = {t.lower_ for t in c.subtree}
            if words & {"ago", "last", "earlier", "previous"} and words & PAST_UNITS:
                return True
    return False


def _adjusted(f: _Found, protest_heads: set[int], attack_heads: set[int],
              reported: set[int]) -> _Found:
    """Lower triggers that are purposes ("an attack to capture…"), time references, negated,
    or what a protest is against: not the event the sentence reports."""
    tok, why = f.match.head, None
    if tok.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children) \
            and tok.dep_ in ("advcl", "acl", "xcomp", "relcl"):
        why = "purpose or intention, not a report"
    elif any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in tok.children):
        why = "negated"  # "no arrests have been made"
    elif tok.dep_ in ("dobj", "xcomp") and tok.head.lemma_.lower() in word_list("unrealized"):
        why = "planned, threatened or prevented"  # "planning attacks", "foiled an attack"
    elif _time_reference(tok, reported):
        why = "a time reference to another event"
    elif _dated_past(tok):
        why = "a dated past event"  # "the 2017 chemical weapons attack", "killed last month"
    elif tok.dep_ == "relcl":
        why = "in a relative clause describing something else"
    if f.key not in PROTEST_KEYS and _protest_cause(tok, protest_heads):
        why = "what a protest is against"
    if f.key == "abduction" and tok.dep_ in ("advcl", "conj") and tok.head.i in attack_heads \
            and any(t.lemma_ in ("kill", "wound", "injure")
                    for t in (tok.head, *tok.head.children)):
        why = "abductions during an attack"  # "attacked the camp, killing 20 and abducting 7"
    if why is None:
        return f
    penalty = {"in a relative clause describing something else": 0.1,
               "abductions during an attack": 0.35}.get(why, 0.25)
    return replace(f, verdict=Verdict(f.key, f"{f.verdict.rule}; {why}",
                                      f.verdict.score - penalty), background=True)


def _protest_signals(scope: Span, found: Sequence[_Found]) -> str | None:
    """What happened in a protest, from the other triggers and the words of its scope: the
    crowd's violence makes it a riot (whatever the police did), force that kills or gravely
    injures protesters excessive force, other force or arrests an intervention."""
    live = [f for f in found if not f.background]
    keys = {f.key for f in live}
    cues = {c for _, cats in scope_cues(scope) for c in cats}
    if any(f.key in ("violent_demonstration", "mob_violence") for f in live) or "looting" in keys \
            or "crowd_violence" in cues:
        return "violent_demonstration"
    intervened = "protest_intervention" in keys or "intervene" in cues
    if "excessive_force" in keys or ("lethal" in cues and intervened):
        return "excessive_force"
    return "protest_intervention" if intervened else None


def _at_protest(arrest: _Found, found: Sequence[_Found]) -> bool:
    """Arrests told in the same sentence as a protest, and not of the people who organise it
    ("detain people who organise the demonstrations"): arrests made at the protest."""
    tok = arrest.match.head
    sent = sentence_of(tok)
    return any(f.key in PROTEST_KEYS and not f.background and sentence_of(f.match.head) == sent
               and not tok.is_ancestor(f.match.head) for f in found)


def _scope_rules(found: list[_Found], scope: Span) -> list[_Found]:
    inside = [f for f in found if scope.start <= f.match.head.i < scope.end]
    if not inside:
        return found
    out = {id(f): f for f in found}
    if any(f.key in PROTEST_KEYS and f.match.entry.frame in ("protest", "riot") for f in inside):
        signal = _protest_signals(scope, inside)
        for f in inside:
            if signal and not f.background and (f.key in (*PROTEST_KEYS, "looting") or (
                    f.match.entry.frame in ("harm", "attack", "shoot") and f.key == "attack")
                    or (f.key == "arrests" and _at_protest(f, inside))):
                out[id(f)] = f.retyped(signal, f"in a protest: {signal.replace('_', ' ')}")
    withdrawals = [f for f in inside if f.match.entry.base[0] in WITHDRAW_WORDS and f.key in
                   ("change_group", "nonviolent_transfer")]
    if withdrawals and any(f.key in (*TERRITORY_KEYS, "nonviolent_transfer")
                           for f in inside if f not in withdrawals):
        for f in inside:
            if f.key in TERRITORY_KEYS or f in withdrawals:
                out[id(f)] = out[id(f)].retyped("nonviolent_transfer",
                                                "a side withdrew: no battle for the place")
    return [out[id(f)] for f in found]


def _detect(doc: Doc, actor_types: Mapping[int, str] | None,
            scopes: Iterable[Span]) -> list[_Found]:
    text = text_of(doc)
    scopes = [s for s in scopes if text[s.start_char:s.end_char].strip()]
    actor_types = actor_types or {}
    found = []
    for m in _matches(doc):
        if _is_name_or_modifier(m):
            continue
        scope = next((s for s in scopes if s.start <= m.head.i < s.end), None)
        if scope is None:
            continue
        if m.entry.frame == "-":
            verdict: Verdict | None = Verdict(m.entry.key, "lexicon")
        else:
            fi = FrameInput(doc, m.tokens, m.head, m.entry.base, m.entry.key, scope,
                            actor_types)
            verdict = FRAMES[m.entry.frame](fi)
        if verdict is not None and verdict.key is not None:
            found.append(_Found(m, verdict, scope))
    protest_heads = {f.match.head.i for f in found
                     if f.match.entry.frame in ("protest", "intervene", "riot")}
    attack_heads = {f.match.head.i for f in found if f.match.entry.frame in ("attack", "harm")}
    reported = {f.match.head.i for f in found if f.match.entry.frame != "harm"}
    found = [_adjusted(f, protest_heads, attack_heads, reported) for f in _fold(found)]
    for scope in scopes:
        found = _scope_rules(found, scope)
    return _without_crowd_nouns(found)


def _trigger(f: _Found) -> Trigger:
    entry, sub = f.match.entry, taxonomy()[f.key]
    code = entry.cameo if entry.key == f.key and entry.cameo else sub.cameo
    toks = f.match.tokens
    return Trigger(
        start=min(t.i for t in toks), end=max(t.i for t in toks) + 1,
        lemma=entry.text, event_type=sub.event_type, sub_event_type=sub.sub_event_type,
        cameo=code[:2] if code else None, score=round(f.score, 3),
        rule=f"{entry.text} → {f.verdict.rule}", cameo_code=code)


def find_triggers(doc: Doc, actor_types: Mapping[int, str] | None = None) -> list[Trigger]:
    """Every event trigger in the doc, typed by its lexicon entry refined by the syntax and
    words of its sentence. ``actor_types`` maps token index → ACLED actor type of the actor
    mention covering that token (see :func:`actor_types_of`); without it the words decide."""
    found = _detect(doc, actor_types, doc.sents)
    return sorted((_trigger(f) for f in found), key=lambda t: (t.start, t.end))


def classify_text(doc: Doc, actor_types: Mapping[int, str] | None = None) -> Trigger | None:
    """The main event of a short text (a snippet, a one-event document): its best trigger,
    with the whole text as the context of every trigger."""
    found = _detect(doc, actor_types, [doc[:]])
    if not found:
        return None
    first = next((s for s in doc.sents if s.text.strip()), doc[:])

    def rank(f: _Found) -> float:
        return f.score + (FIRST_SENTENCE_BONUS if f.match.head.i < first.end else 0.0)

    return _trigger(max(found, key=rank))


def actor_types_of(doc: Doc, mentions: Iterable[ActorMention]) -> dict[int, str]:
    """Token index → ACLED actor type, from the actor annotator's mentions of this doc."""
    out: dict[int, str] = {}
    for m in mentions:
        span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
        if span is not None and m.actor.type != "unknown":
            for tok in span:
                out.setdefault(tok.i, m.actor.type)
    return out


__all__ = [
    "SubType",
    "Trigger",
    "actor_types_of",
    "cameo_names",
    "classify_text",
    "event_types",
    "find_triggers",
    "lexicon",
    "sub_event_types",
    "taxonomy",
]
