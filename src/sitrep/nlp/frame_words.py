"""What words mean to the event frames: closed word lists and the categories of cue words.

A frame sorts the words around a trigger into categories ("state", "civilian", "aircraft",
"accident"…). Categories come from resources/event_cues.tsv and resources/actor_nouns.tsv (words
and two- or three-word phrases: "security forces", "air force"); closed word lists (partitives,
light verbs, roads…) from resources/event_words.tsv. Words are compared by ``forms``: lemma and
lower-cased text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from spacy.tokens import Span, Token

from ..lexicon import table


@cache
def word_list(name: str) -> frozenset[str]:
    """A closed word list of resources/event_words.tsv (partitives, light verbs, roads…)."""
    return frozenset(w.lower() for w, list_name, *_ in table("event_words.tsv")
                     if list_name == name)


# actor_nouns.tsv categories → argument categories.
NOUN_CATEGORY = {"military": "state", "police": "state", "government": "state",
                 "nonstate": "nonstate", "protesters": "protester", "rioters": "rioter",
                 "civilians": "civilian"}
# Sentence cue categories a single word gives only as a noun.
NOUN_ONLY_CUES = frozenset({"crowd_violence"})
_FORMS = "sitrep.forms"  # user_data key of the per-token forms


def _norm(text: str) -> str:
    return text.lower().replace("’", "'")


def forms(tok: Token) -> frozenset[str]:
    """A token's lemma and lower-cased text; plural proper nouns also without their "s".
    Worked out for the whole document at the first call (the frame rules ask for every
    token's forms several times)."""
    table = tok.doc.user_data.get(_FORMS)
    if table is None:
        table = tok.doc.user_data[_FORMS] = [_forms(t) for t in tok.doc]
    return table[tok.i]


def _forms(tok: Token) -> frozenset[str]:
    out = {_norm(tok.lemma_), _norm(tok.text)}
    if tok.tag_ in ("NNPS", "NNS") and len(tok.text) > 4 and tok.text.lower().endswith("s"):
        out.add(_norm(tok.text[:-1]))
    return frozenset(out)


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
