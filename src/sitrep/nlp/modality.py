"""Modality: how committed a text is to an event having happened.

``modality_of(doc, start, end)`` reads the cues around an event trigger (tokens [start, end))
in the dependency parse and returns one of sitrep's modalities (DESIGN.md), the cue that
decided it, who the statement is attributed to, whether a hedge lowers it, and the same call on
the unified factuality scale of Stanovsky et al. (2017), [-3, +3].

How (the cue words are data: ``resources/modality_cues.tsv``, categories documented there):

1. From the trigger, walk up its head chain, collecting *operators*, innermost first
   (conjuncts and appositions take their head's place):
   * each clause's own markers: negation ("not", "no one was killed", "no attack"), the
     imperative ("Stop the bloodshed"),
     auxiliaries ("will" future; "may", "would" modal; "could" alone hypothetical, "could not"
     negated), condition marks ("if", "whether", or an "if" clause attached to it), hedges and
     mood words ("reportedly", "alleged", "potential", "foiled"), "according to X", a
     parenthetical "…, the army said";
   * each governing cue word the event is the complement, object or "of/for…" phrase of
     ("vowed to take", "denied that…", "a claim that…", "claimed responsibility for the
     attack", "failed to…"), combined with its own negation ("did not fail to" cancels,
     "could not be confirmed" is a hedge, "no group has claimed" attributes nothing);
   * an unlisted governing verb passes its markers on to its complements ("did not begin
     to…"), and to an event noun it takes as object or subject only if it is a light verb ("did
     not carry out the attack"; but "did not condemn the attack": the attack happened).
   Links that presuppose their clause (relative clauses, "after/when/because" clauses, indirect
   questions, subjects and objects of ordinary verbs, prepositions that place or time) stop
   polarity and mood; beyond them only attribution and hedges are collected ("soldiers who were
   killed, the army said"). An event noun that is a subject keeps its clause's mood ("an
   assault could trigger killings") but not its polarity.
2. Evaluate the operators from the outermost in, on three values: happened, did not happen,
   uncertain. Negation flips happened and did-not; a denial makes it did-not (``denied``);
   threats, plans, purposes and futures make it uncertain (``threatened/planned``), modals,
   conditions and possibility words too (``hypothetical``). When several make it uncertain, a
   threat or a future a speaker states ("said it would retaliate if…") names it, then a
   condition, then a plan or future, then a possibility. Attributions keep the value and make
   a happened event ``reported``, or ``claimed`` when any attribution on the way is a claim.
3. The source is that of the deciding cue when it names one, else that of the innermost
   attribution, never anyone beyond a verifier ("she added that a claim … could not be
   confirmed": she is not the claimant).

Factuality, on the unified scale (+3 certainly happened, +1.5 probably, +0.75 possibly, 0
unknown, negative values likewise for did not happen; MEANTIME's levels as Stanovsky et al.
convert them):

    asserted +3 · reported +2.5 · claimed +2 · threatened/planned +1.5 · hypothetical +0.75
    · denied -1.5 · negated -3; a hedge halves the value ("reportedly killed" +1.25).

A future or intention is "probably" on that scale: the annotators of the unified corpora rate
what a writer says will happen as likely to happen; sitrep still never counts it as happened.

Multi-word cues are matched once per sentence and cached in ``doc.user_data``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from spacy.tokens import Doc, Span, Token

from ..lexicon import table
from .attribution import according_source, source_of
from .parsed import sentence_of

Modality = Literal["asserted", "reported", "claimed", "denied", "hypothetical",
                   "threatened/planned", "negated"]

CUES_FILE = "modality_cues.tsv"
# The unified factuality value of each modality (module docstring).
FACTUALITY: dict[str, float] = {
    "asserted": 3.0, "reported": 2.5, "claimed": 2.0, "threatened/planned": 1.5,
    "hypothetical": 0.75, "denied": -1.5, "negated": -3.0,
}
HEDGE_FACTOR = 0.5  # a hedge halves the commitment, whatever its sign

GOVERNOR = {"report", "claim", "belief", "verify", "deny", "threat", "plan", "hypothetical",
            "negative", "support", "without"}
ATTRIBUTION = {"report", "claim", "belief", "verify"}
# Cue categories whose own subject is "who said it".
SPEECH = {"report", "claim", "belief", "verify", "deny", "threat"}
MODIFIER = {"hedge", "maybe", "planned", "thwarted"}
# Cue words that are themselves events when they are the trigger ("a report", "the demand").
SPOKEN = {"report", "claim", "belief", "verify", "deny", "threat", "plan"}
# Links from a complement to the word that governs it, through which mood and polarity pass.
CONTENT_LINKS = {"ccomp", "xcomp", "acl", "pcomp", "pobj", "attr", "acomp", "oprd", "dep",
                 "advcl", "nsubjpass", "dobj", "prep", "csubj", "csubjpass", "ROOT"}
# Prepositions that carry a cue word's content ("claim of killing", "responsibility for the
# attack", "threats against", "prevented them from reaching"); others locate or time the cue
# ("suspended flights in the wake of the crisis", "denied after the attack that…").
CONTENT_PREPOSITIONS = {"of", "for", "to", "about", "on", "over", "against", "from"}
# Subordinators that make an adverbial clause presupposed (it happened) or a condition.
PRESUPPOSING_MARKS = {"after", "when", "while", "as", "since", "because", "before", "once",
                      "until", "though", "although", "whereas", "where", "so"}
CLAUSE_MODIFIER_DEPS = {"advmod", "amod", "npadvmod", "acomp"}
# Negative subjects and objects negate the clause ("no one was killed"); a negative attribute
# does not ("it is no secret that…").
CORE_ARGUMENTS = {"nsubj", "nsubjpass", "dobj"}
CONTRASTIVE = {"but", "yet"}
PAST_TAGS = {"VBD", "VBN"}
# A parenthetical "…, the army said" has none of these; "…, saying that…" does.
COMPLEMENTS = {"ccomp", "xcomp", "dobj", "prep", "advcl"}


@dataclass(frozen=True)
class ModalityCall:
    modality: Modality
    cue: tuple[int, int] | None  # token span of the cue word(s) that decided it
    source: tuple[int, int] | None  # token span of who the statement is attributed to
    hedged: bool  # a hedge lowers commitment ("reportedly", "could not be verified")
    factuality: float  # the same call on the unified [-3, +3] scale (see FACTUALITY)
    rule: str


_CLAUSE_OPS = "sitrep.modality.clause_ops"  # user_data key: token index → its clause's ops


@dataclass(frozen=True)
class _Op:
    """One operator on the way from the trigger up: a cue category at a token span."""

    # A cue category, or "purpose" (an infinitive of purpose), "intent" (a stated future),
    # "imperative" (an order).
    kind: str
    cue: tuple[int, int]
    word: str
    source: tuple[int, int] | None = None


# -- the cue table --------------------------------------------------------------------------------


# The optional part-of-speech column of the cue table → spaCy coarse tags.
POS_CLASSES = {"verb": {"VERB", "AUX"}, "noun": {"NOUN", "PROPN"}, "adj": {"ADJ"}}


@dataclass(frozen=True)
class Cues:
    words: dict[str, tuple[tuple[str, str | None], ...]]  # word → (category, part of speech)
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first word → (words, category)


@cache
def cues() -> Cues:
    words: dict[str, tuple[tuple[str, str | None], ...]] = {}
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {}
    for row in table(CUES_FILE):
        cue, category = row[0].lower().split(), row[1]
        pos = row[2] if len(row) > 2 else None
        if pos is not None and pos not in POS_CLASSES:
            raise ValueError(f"{CUES_FILE}: {row[0]!r}: part of speech {pos!r} is not one of "
                             f"{', '.join(POS_CLASSES)}")
        if len(cue) == 1:
            words[cue[0]] = (*words.get(cue[0], ()), (category, pos))
        else:
            phrases[cue[0]] = (*phrases.get(cue[0], ()), (tuple(cue), category))
    return Cues(words, phrases)


@cache
def media() -> frozenset[str]:
    """Nouns that carry a statement (images, statements, reports): the source is behind them."""
    c = cues()
    return frozenset(w for w, cats in c.words.items() if ("report", None) in cats
                     and w not in ("say", "tell", "note", "write"))


def _matches(word: str, tok: Token, last: bool, category: str) -> bool:
    if word == "to" and last and category in GOVERNOR:
        return tok.tag_ == "TO"  # "set to attack", not "due to the attack"
    return word in (tok.lower_, tok.lemma_.lower())


def _phrase_index(sent: Span) -> dict[int, list[tuple[str, int, int]]]:
    """Multi-word cues in a sentence: anchor token index → (category, start, end)."""
    doc = sent.doc
    key = ("sitrep.modality", sent.start)
    cached = doc.user_data.get(key)
    if cached is not None:
        return cached
    index: dict[int, list[tuple[str, int, int]]] = {}
    table_ = cues().phrases
    for i in range(sent.start, sent.end):
        for first in {doc[i].lower_, doc[i].lemma_.lower()}:
            for words, category in table_.get(first, ()):
                matched = _match_at(doc, i, sent.end, words, category)
                if matched:
                    anchor = doc[matched[0]:matched[-1] + 1].root.i
                    index.setdefault(anchor, []).append((category, matched[0], matched[-1] + 1))
    doc.user_data[key] = index
    return index


def _match_at(doc: Doc, i: int, stop: int, words: tuple[str, ...],
              category: str) -> list[int] | None:
    matched = [i]
    j = i + 1
    for n, word in enumerate(words[1:], start=1):
        while j < stop and doc[j].tag_ in ("RB", "RBR") and doc[j].dep_ == "advmod" \
                and not _matches(word, doc[j], n == len(words) - 1, category):
            j += 1  # "not be independently verified"
        if j >= stop or not _matches(word, doc[j], n == len(words) - 1, category):
            return None
        matched.append(j)
        j += 1
    return matched


def _categories(tok: Token, allowed: set[str]) -> list[tuple[str, tuple[int, int]]]:
    """(category, cue span) of ``tok`` among ``allowed`` categories: phrases anchored on it
    first, then its lower-cased form, then its lemma."""
    found = [(cat, (s, e)) for cat, s, e in _phrase_index(sentence_of(tok)).get(tok.i, ())
             if cat in allowed]
    for form in (tok.lower_, tok.lemma_.lower()):
        found += [(cat, (tok.i, tok.i + 1)) for cat, pos in cues().words.get(form, ())
                  if cat in allowed and (pos is None or tok.pos_ in POS_CLASSES[pos])]
    return found


def _category(tok: Token, allowed: set[str]) -> tuple[str, tuple[int, int]] | None:
    found = _categories(tok, allowed)
    return found[0] if found else None


# -- walking up from the trigger -------------------------------------------------------------

# Operators that only record who says it or lower commitment: collected beyond presupposing
# links too ("soldiers who were killed, the army said" is still the army's word).
KEEP_BEYOND_BARRIER = ATTRIBUTION | {"hedge", "according", "unverified"}
STATED = {"threat", "intent"}
UNCERTAIN_PLAN = {"threat", "intent", "plan", "planned", "future", "purpose"}
UNCERTAIN_MAYBE = {"modal", "ability", "maybe", "hypothetical", "imperative"}
NEGATIVE = {"negation", "negative", "thwarted", "without"}
MOOD = {"future", "modal", "ability", "condition"}


def modality_of(doc: Doc, start: int, end: int) -> ModalityCall:
    """Modality of the event whose trigger is tokens [start, end) of doc, from cues in its
    clause and the clauses governing it (see the module docstring)."""
    if not 0 <= start < end <= len(doc):
        raise ValueError(f"token span [{start}, {end}) is not inside a doc of {len(doc)} tokens")
    trigger = doc[start:end].root
    return _decide(trigger, _walk(trigger))


def _walk(trigger: Token) -> list[_Op]:
    """Operators from the trigger up, innermost first."""
    ops = _clause_ops(trigger)
    clause_at = 0  # where the ops of the current node's clause begin
    chain = [trigger]
    open_ = True  # polarity and mood still pass
    node = trigger
    while node.head.i != node.i and node.head not in chain:
        gov, link = node.head, node.dep_
        chain.append(gov)
        if link in ("conj", "appos"):
            if _shares_markers(node):
                ops += [op for op in _clause_ops(gov) if open_ or op.kind in KEEP_BEYOND_BARRIER]
            node = gov
            continue
        found = _category(gov, GOVERNOR)
        cat = found[0] if found else None
        if link == "nsubj" and cat in SPEECH:
            break  # the event describes the speaker ("the spokesman who was wounded said")
        if cat in ("report", "claim", "threat") and link == "ccomp":
            # A future a speaker states is an intention or a threat, even on a condition ("it
            # would not hesitate to advance if…"); "would" after a past report is a future.
            ops[clause_at:] = _stated_future(ops[clause_at:], gov.tag_ in PAST_TAGS)
        mood_only = False
        if open_ and not _is_content(node, gov, link, cat):
            open_ = False
            # An event noun as subject shares its clause's mood, not its polarity: "an
            # assault could trigger killings" (hypothetical); "the attack did not kill anyone".
            mood_only = link == "nsubj" and node.pos_ == "NOUN"
        if node.i == trigger.i and link in ("dobj", "nsubjpass") and _category(trigger, SPOKEN):
            open_ = False  # a statement or plan is an event too: "denied the report" exists
        new = (_purpose(node, link) if cat in (None, "support") else []) + _governor_ops(gov, found)
        clause_at = len(ops)
        ops += [op for op in new if open_ or op.kind in KEEP_BEYOND_BARRIER
                or (mood_only and op.kind in MOOD)]
        node = gov
    return ops


def _stated_future(clause: list[_Op], past: bool) -> list[_Op]:
    """Future auxiliaries of a reported clause as stated intentions ("would" too after a past
    report); "would not" then reads as "will not": did not happen."""
    def stated(op: _Op) -> _Op:
        if op.kind == "future" or (past and op.kind == "modal"
                                   and op.word.lower() in ("would", "'d")):
            return replace(op, kind="intent")
        return op
    wills = [stated(op) for op in clause]
    if not any(op.kind == "intent" for op in wills):
        return clause
    negations = [op for op in wills if op.kind == "negation"]
    return [op for op in wills if op.kind != "negation"] + negations


def _is_content(node: Token, gov: Token, link: str, cat: str | None) -> bool:
    """Does ``gov``'s mood and polarity reach ``node`` through ``link``?"""
    if gov.pos_ == "ADP":
        return True  # the preposition's own link decides at the next step
    if link == "relcl":
        return any(c.dep_ == "mark" and c.lower_ == "that" and c.tag_ == "IN"
                   for c in node.children)  # a complement clause parsed as relative
    if link == "advcl":
        if any(c.dep_ in ("mark", "advmod") and (c.lower_ in PRESUPPOSING_MARKS
                                                 or _category(c, {"condition"}))
               for c in node.children):
            return False
        if _infinitive(node):
            return True  # "vowed to keep attacking", purposes (see _purpose)
        # A participle after a plain verb shares its mood ("will strike, killing…"); one before
        # it is background ("Rated A-3, the issue will be sold"); a cue word's content is its
        # complement, not an adverbial ("declined to comment, saying…").
        return cat in (None, "support") and node.i > gov.i
    if link == "acl":  # a complement clause ("a claim that…", "a plan to…"), not a participle
        return any(c.dep_ == "mark" for c in node.children) or _infinitive(node)
    if link in ("ccomp", "xcomp") and (_indirect_question(node) or _separate(node, gov)):
        return False
    if link == "nsubj":  # "the attack took place"; not "the attack was horrifying"
        return cat == "hypothetical" or (cat == "support" and gov.lemma_ != "be")
    if link in ("dobj", "nsubjpass"):  # "denied the attack", "the attack was claimed"
        return cat is not None
    if link == "prep":
        content = node.lower_ in CONTENT_PREPOSITIONS or (
            node.lower_ == "in" and gov.pos_ == "NOUN")  # "a delay in delivery"
        return (content and cat not in (None, "support")) or node.lower_ == "of"
    return link in CONTENT_LINKS


def _infinitive(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.tag_ == "TO" for c in tok.children)


def _indirect_question(tok: Token) -> bool:
    """ "discuss what charges…", "say whether fighting…": the governor's polarity does not
    reach the question's content."""
    return any((c.tag_ in ("WP", "WRB", "WDT", "WP$") and c.dep_ != "mark")
               or (c.dep_ == "mark" and _category(c, {"condition"})) for c in tok.children)


def _separate(node: Token, gov: Token) -> bool:
    """A clause before its governor across a semicolon is a sentence of its own ("Militants
    stormed the camp; an affiliate later claimed the assault")."""
    return node.i < gov.i and any(t.text in (";", ":") for t in node.doc[node.i:gov.i])


def _shares_markers(node: Token) -> bool:
    """A conjunct without its own subject or auxiliary shares its head's ("did not attack and
    kill"); nouns share determiners ("no attacks or killings"); not after "but" ("did not
    mention Ritter but said…") nor in another verb form."""
    if any(c.dep_ == "cc" and c.lower_ in CONTRASTIVE for c in node.head.children):
        return False
    if node.pos_ in ("VERB", "AUX") and node.tag_ != node.head.tag_:
        return False  # "won't cover the cost, and added…": another tense, another clause
    return not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "neg", "mark", "det")
                   for c in node.children)


def _purpose(node: Token, link: str) -> list[_Op]:
    """An infinitive adverbial is a purpose, not an occurrence ("troops were sent to retake")."""
    if link != "advcl" or any(c.dep_ == "mark" for c in node.children):
        return []
    to = next((c for c in node.children if c.dep_ == "aux" and c.tag_ == "TO"), None)
    return [] if to is None else [_Op("purpose", (to.i, to.i + 1), to.text)]


def _governor_ops(gov: Token, found: tuple[str, tuple[int, int]] | None) -> list[_Op]:
    """What a governing word adds: its cue (with its own negation taken into account) and, for
    words that pass them on, its clause's markers."""
    if found is None and gov.pos_ in ("ADP", "CCONJ", "PUNCT"):
        return []
    if found is None or found[0] == "support":
        return _clause_ops(gov)
    cat, span = found
    if cat == "without":
        return [_Op(cat, span, gov.doc[span[0]:span[1]].text)]
    op = _Op(cat, span, gov.doc[span[0]:span[1]].text,
             source_of(gov, media()) if cat in SPEECH else None)
    own = _clause_ops(gov)
    negated = [o for o in own if o.kind == "negation"]
    rest = [o for o in own if o.kind != "negation"]
    if cat in ATTRIBUTION:
        if negated and cat == "verify":
            return [replace(op, kind="unverified")]  # "could not be confirmed": a hedge
        if negated and cat == "belief":
            return [replace(op, kind="maybe")]
        if negated:
            return []  # "no group has claimed the abduction": nobody attributes it
        return [op] + [o for o in rest if o.kind in KEEP_BEYOND_BARRIER]
    if cat in ("negative", "deny") and negated:
        return rest  # "did not fail to", "will not hesitate to", "did not deny"
    return [op, *own]


def _clause_ops(tok: Token) -> list[_Op]:
    """The markers on ``tok``'s own clause, innermost first. Worked out once per token (the
    walks up from the triggers of one sentence meet the same governors) and kept in the
    doc's user_data."""
    done = tok.doc.user_data.setdefault(_CLAUSE_OPS, {})
    ops = done.get(tok.i)
    if ops is None:
        ops = done[tok.i] = tuple(_find_clause_ops(tok))
    return list(ops)


def _find_clause_ops(tok: Token) -> list[_Op]:
    doc = tok.doc
    ops: list[_Op] = []
    for child in tok.children:  # hedges and mood words on the event itself
        if child.dep_ in CLAUSE_MODIFIER_DEPS:
            for cat, span in _categories(child, MODIFIER)[:1]:
                ops.append(_Op(cat, span, doc[span[0]:span[1]].text))
    negation = _negation(tok)
    auxiliaries: list[_Op] = []
    for child in tok.children:
        if child.dep_ in ("aux", "auxpass"):
            for cat, span in _categories(child, {"future", "modal", "ability"})[:1]:
                auxiliaries.append(_Op(cat, span, child.text))
    if negation and any(a.kind == "modal" for a in auxiliaries):
        ops += negation + auxiliaries  # "may not attack": uncertain
    else:
        ops += auxiliaries + negation  # "could not", "will not": did not happen
    if _imperative(tok):
        ops.append(_Op("imperative", (tok.i, tok.i + 1), tok.text))
    for child in tok.children:
        mark = child if child.dep_ == "mark" else None
        if child.dep_ == "advcl":  # the main clause of a conditional is hypothetical too
            mark = next((c for c in child.children if c.dep_ == "mark"), None)
        if mark is not None and _category(mark, {"condition"}):
            ops.append(_Op("condition", (mark.i, mark.i + 1), mark.text))
    for child in tok.children:
        if child.dep_ == "prep" and (found := _category(child, {"according"})):
            ops.append(_Op("according", found[1], child.text, according_source(child)))
        elif child.dep_ in ("parataxis", "advcl") and child.i > tok.i \
                and not any(c.dep_ in COMPLEMENTS for c in child.children) \
                and (found := _category(child, {"report", "claim", "belief", "according"})):
            source = according_source(child) if found[0] == "according" else source_of(
                child, media())
            kind = "according" if found[0] == "according" else found[0]
            if source is not None:  # "…, the army said"; "…, citing officials"
                ops.append(_Op(kind, found[1], child.text, source))
    return ops


def _imperative(tok: Token) -> bool:
    """A bare verb heading its sentence without subject or auxiliary is an order or a wish,
    not an occurrence ("Stop the bloodshed", "Please find attached…")."""
    return tok.tag_ == "VB" and tok.dep_ == "ROOT" and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "expl") for c in tok.children)


def _negation(tok: Token) -> list[_Op]:
    """Negation of ``tok``'s clause: a negation word, "no"/"neither" on the event noun, or a
    negative subject or object ("no one was killed", "killed nobody")."""
    found: list[_Op] = []
    if any(c.lower_ == "until" for c in tok.children):
        return found  # "did not attack until Friday", "it was not until Tuesday that…"
    for child in tok.children:
        if child.dep_ in ("neg", "advmod", "preconj") or (
                child.dep_ == "det" and tok.pos_ in ("NOUN", "PROPN")):
            after = tok.doc[child.i + 1] if child.i + 1 < len(tok.doc) else None
            if after is not None and after.lower_ in ("only", "just"):
                continue  # "not only return a nation…, but…"
            if _category(child, {"negation"}):
                found.append(_Op("negation", (child.i, child.i + 1), child.text))
        elif child.dep_ in CORE_ARGUMENTS:
            if child.lower_ != "no" and _category(child, {"negation"}):  # "killed nobody"
                found.append(_Op("negation", (child.i, child.i + 1), child.text))
            if child.dep_ == "dobj" and _category(tok, {"stative"}):
                continue  # "had no qualms", "contained no details": the having happened
            for det in child.children:
                if det.dep_ == "det" and _category(det, {"negation"}):
                    found.append(_Op("negation", (det.i, child.i + 1),
                                     tok.doc[det.i:child.i + 1].text))
    return found[:1]


# -- deciding ------------------------------------------------------------------------------------


def _decide(trigger: Token, ops: list[_Op]) -> ModalityCall:
    """Evaluate the operators from the outermost in (module docstring, step 2)."""
    value = "happened"
    decider: _Op | None = None
    attributions: list[_Op] = []  # outermost first
    hedged = False
    for op in reversed(ops):
        kind = op.kind
        if kind in ATTRIBUTION or kind in ("according", "hedge"):
            attributions.append(op)
            hedged = hedged or kind in ("belief", "hedge")
        elif kind == "unverified":
            hedged = True
        elif kind in NEGATIVE or kind == "deny":
            if value == "happened":
                value, decider = "not", op
            elif value == "not":  # a double negation: "denied that no one was hurt"
                value, decider = "happened", None
        elif (kind in UNCERTAIN_PLAN or kind in UNCERTAIN_MAYBE or kind == "condition") and (
                value == "happened" or (value == "uncertain" and decider is not None
                                        and _rank(op) >= _rank(decider))):
            value, decider = "uncertain", op
    modality = _label(value, decider, attributions)
    if modality in ("reported", "claimed") and _unverified_in(sentence_of(trigger)):
        hedged = True
    inner = attributions[::-1]
    claims = [op for op in inner if op.kind == "claim"]
    cue_op = decider or (claims[0] if claims else inner[0] if inner else None)
    # Who says it: the deciding cue's source, else the innermost attribution's. A verifier is
    # not a source, nor is anyone beyond it ("she added that a claim … could not be confirmed").
    upto = next((n for n, op in enumerate(ops) if op.kind in ("verify", "unverified")), len(ops))
    speaking = [op for op in [decider, *ops[:upto]] if op is not None and op.source]
    source = speaking[0].source if speaking and modality != "asserted" else None
    factuality = FACTUALITY[modality] * (HEDGE_FACTOR if hedged else 1.0)
    rule = f"{modality}: {cue_op.kind} {cue_op.word!r}" if cue_op else "asserted: no cue"
    return ModalityCall(modality, cue_op.cue if cue_op else None, source, hedged,
                        round(factuality, 3), rule + (" (hedged)" if hedged else ""))


def _rank(op: _Op) -> int:
    """Which uncertainty names the modality: a threat or a speaker's stated intention over a
    condition ("vowed to retaliate if attacked") over a plan or future ("if they lose, they
    will attack": hypothetical) over a possibility."""
    if op.kind in STATED:
        return 3
    if op.kind == "condition":
        return 2
    return 1 if op.kind in UNCERTAIN_PLAN else 0


def _label(value: str, decider: _Op | None, attributions: list[_Op]) -> Modality:
    if value == "not":
        return "denied" if decider is not None and decider.kind == "deny" else "negated"
    if value == "uncertain":
        return "threatened/planned" if decider and decider.kind in UNCERTAIN_PLAN \
            else "hypothetical"
    if any(op.kind == "claim" for op in attributions):
        return "claimed"
    return "reported" if attributions else "asserted"


def _unverified_in(sent: Span) -> bool:
    """A phrase in the sentence saying a source's content is unverified ("could not be
    independently verified", "what was claimed to be")."""
    return any(cat == "unverified" for found in _phrase_index(sent).values()
               for cat, _, _ in found)


__all__ = ["FACTUALITY", "HEDGE_FACTOR", "Modality", "ModalityCall", "cues", "modality_of"]
