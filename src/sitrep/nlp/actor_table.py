"""The canonical actor table (resources/actors.tsv) and the noun lexicon
(resources/actor_nouns.tsv), as token-sequence indexes for matching over a spaCy Doc."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.tokens import Doc

from ..lexicon import table
from ..records import Actor
from .countries import country_of, fold
from .parsed import phrase_text, words_of

# Aliases this short, or written in capitals, keep their case when matched ("IS" ≠ "is").
CASE_SENSITIVE_MAX_CHARS = 5


@dataclass(frozen=True)
class ActorTable:
    actors: dict[str, Actor]
    sensitive: dict[tuple[str, ...], str]  # token texts → actor id
    # folded token texts → (actor id, which tokens must be capitalized in the text)
    insensitive: dict[tuple[str, ...], tuple[str, tuple[bool, ...]]]
    # first token (as written / folded) → alias lengths in tokens, longest first: only
    # these lengths are tried at a token, so matching costs one lookup for most tokens.
    lengths: dict[str, tuple[int, ...]]
    folded_lengths: dict[str, tuple[int, ...]]


@cache
def _tokenizer():
    # The English tokenizer rules of the model, without loading the model.
    return spacy.blank("en").tokenizer


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t.text for t in _tokenizer()(text))


def _variants(alias: str) -> set[str]:
    """"al-Qaeda" also as "al Qaeda"; curly and straight apostrophes alike."""
    forms = {alias, alias.replace("’", "'")}
    if "-" in alias:
        forms.add(alias.replace("-", " "))
    if re.search(r"\b(al|el|ad|ash|as|an|ar|at|az) ", alias, re.I):
        forms.add(re.sub(r"\b(al|el|ad|ash|as|an|ar|at|az) ", r"\1-", alias, flags=re.I))
    return forms


@cache
def actor_table() -> ActorTable:
    actors: dict[str, Actor] = {}
    sensitive: dict[tuple[str, ...], str] = {}
    insensitive: dict[tuple[str, ...], tuple[str, tuple[bool, ...]]] = {}
    for row in table("actors.tsv"):
        actor_id, name, actor_type = row[0], row[1], row[2]
        country = row[3] if len(row) > 3 and row[3] else None
        aliases = tuple(a for a in (row[4].split("|") if len(row) > 4 else []) if a)
        actors[actor_id] = Actor(actor_id, name, actor_type, country,  # type: ignore[arg-type]
                                 "organization", aliases)
        for alias in (name, *aliases):
            for form in _variants(alias):
                tokens = _tokens(form)
                if len(form) <= CASE_SENSITIVE_MAX_CHARS or form.isupper():
                    sensitive.setdefault(tokens, actor_id)
                else:
                    capitals = tuple(t[:1].isupper() for t in tokens)
                    insensitive.setdefault(tuple(fold(t) for t in tokens), (actor_id, capitals))
    return ActorTable(actors, sensitive, insensitive, _lengths(sensitive), _lengths(insensitive))


def _lengths(keys) -> dict[str, tuple[int, ...]]:
    by_first: dict[str, set[int]] = defaultdict(set)
    for key in keys:
        by_first[key[0]].add(len(key))
    return {first: tuple(sorted(ns, reverse=True)) for first, ns in by_first.items()}


@cache
def nouns() -> dict[str, frozenset[str]]:
    """category → lemmas (one or two words, folded)."""
    found: dict[str, set[str]] = defaultdict(set)
    for lemma, category, *_ in table("actor_nouns.tsv"):
        found[category].add(fold(lemma))
    return {k: frozenset(v) for k, v in found.items()}


def noun_category(words: str, *categories: str) -> str | None:
    """The first of ``categories`` whose lexicon holds ``words`` (a lemma, folded)."""
    key = fold(words)
    lexicon = nouns()
    for category in categories:
        if key in lexicon.get(category, ()):
            return category
    return None


def match_table(doc: Doc, start: int) -> tuple[int, str] | None:
    """(end token, actor id) of the longest table alias starting at token ``start``."""
    t = actor_table()
    tokens = words_of(doc)
    first = tokens[start]
    lengths = sorted({*t.lengths.get(first, ()), *t.folded_lengths.get(fold(first), ())},
                     reverse=True)
    for n in lengths:
        if start + n > len(doc):
            continue
        words = tuple(tokens[start:start + n])
        if words in t.sensitive:
            return start + n, t.sensitive[words]
        hit = t.insensitive.get(tuple(fold(w) for w in words))
        # Case is ignored, but a capitalized word of the name must be capitalized in the text:
        # "Islamic State" the group, not "an Islamic state".
        if hit and all(w[:1].isupper() or not cap for w, cap in zip(words, hit[1], strict=True)):
            return start + n, hit[0]
    return None


# Country phrases are at most this many tokens ("Democratic Republic of Congo").
MAX_COUNTRY_TOKENS = 5


def match_country(doc: Doc, start: int) -> tuple[int, str] | None:
    """(end token, ISO2) of the longest country name or demonym starting at ``start``."""
    first = words_of(doc)[start]
    if not (first[:1].isupper() or first.isupper()):
        return None
    for n in range(min(MAX_COUNTRY_TOKENS, len(doc) - start), 0, -1):
        code = country_of(phrase_text(doc, start, start + n))
        if code:
            return start + n, code
    return None
