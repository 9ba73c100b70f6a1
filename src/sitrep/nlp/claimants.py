"""Who makes a claim: the words that name a source, resolved to an actor of the document.

* the actor mentions (nlp.actors) inside the source's words, a person first ("army
  spokesman Col. Abdoulaye Sangaré" → Abdoulaye Sangaré, affiliation the Malian army);
* a pronoun ("she", "he", "it", "they") stands for the latest earlier claimant of its sort (a
  person for he/she, an organisation or group for it/they), else the latest such mention;
* a definite title ("the spokeswoman", "the official", "the group") stands for the latest
  earlier claimant or person mention with that role or head word;
* a country or its capital's government ("the U.S.", "Iraq") is that country's government;
* anything else keeps its words, with no actor ("residents", "a security source").
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from ..records import ActorMention, Claimant, Span
from .actors import state_actor
from .countries import country_of
from .parsed import text_of

PERSON_PRONOUNS = {"he", "she", "him", "her"}
GROUP_PRONOUNS = {"it", "they", "them", "we", "its", "their"}
DEFINITE = {"the", "this", "that", "these", "those"}
# Head words of a source that say nothing of who it is beyond its sort: a title reference
# resolves them against earlier sources with the same head word.
MAX_TITLE_WORDS = 4


class Resolver:
    """Resolves sources in text order, remembering the claimants it has seen."""

    def __init__(self, doc: Doc, mentions: tuple[ActorMention, ...]):
        self.doc = doc
        self.mentions = sorted(mentions, key=lambda m: (m.span.start, -m.span.end))
        self.seen: list[tuple[Claimant, str]] = []  # (claimant, head lemma of its words)
        self.singular: set[str] = set()  # head lemmas seen as singular nouns

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, text_of(self.doc)[start:end])

    def resolve(self, start: int, end: int, head: Token | None) -> Claimant:
        """The claimant named by characters ``start:end`` (``head``: their head token)."""
        words = self.span(start, end)
        lemma = head.lemma_.lower() if head is not None else ""
        if head is not None and head.tag_ in ("NN", "NNP"):
            self.singular.add(lemma)
        claimant = (self._mention(words, head) or self._pronoun(words, head)
                    or self._title(words, head) or self._country(words)
                    or Claimant(words, words.text, None, rule="text"))
        self.seen.append((claimant, lemma))
        return claimant

    def _mention(self, words: Span, head: Token | None) -> Claimant | None:
        inside = [m for m in self.mentions
                  if m.span.start >= words.start and m.span.end <= words.end]
        if not inside:
            return None
        people = [m for m in inside if m.actor.kind == "person"]
        if people:
            m = people[0]
        else:
            at_head = [m for m in inside if head is not None
                       and m.span.start <= head.idx < m.span.end]
            m = at_head[0] if at_head else inside[0]
        return Claimant(words, m.actor.name, m.actor, m.role, m.affiliation,
                        m.span if m.span != words else None, "mention")

    def _pronoun(self, words: Span, head: Token | None) -> Claimant | None:
        if head is None or head.lower_ not in PERSON_PRONOUNS | GROUP_PRONOUNS:
            return None
        person = head.lower_ in PERSON_PRONOUNS
        for claimant, lemma in reversed(self.seen):
            if claimant.actor is not None and (claimant.actor.kind == "person") == person:
                return _standing_for(words, claimant, "pronoun")
            if claimant.actor is None and claimant.rule == "text" and person \
                    and lemma in self.singular:
                return _standing_for(words, claimant, "pronoun")  # "the head of … said"
        for m in reversed(self.mentions):
            if m.span.end <= words.start and (m.actor.kind == "person") == person \
                    and m.actor.kind != "outlet":
                return Claimant(words, m.actor.name, m.actor, m.role, m.affiliation, m.span,
                                "pronoun")
        return None

    def _title(self, words: Span, head: Token | None) -> Claimant | None:
        if head is None or head.pos_ != "NOUN" or len(words.text.split()) > MAX_TITLE_WORDS:
            return None
        if not any(c.lower_ in DEFINITE for c in head.children if c.dep_ == "det"):
            return None
        lemma = head.lemma_.lower()
        for claimant, seen_lemma in reversed(self.seen):
            if claimant.actor is not None and (seen_lemma == lemma or claimant.role == lemma):
                return _standing_for(words, claimant, "title")
        for m in reversed(self.mentions):
            if m.span.end <= words.start and m.role == lemma:
                return Claimant(words, m.actor.name, m.actor, m.role, m.affiliation, m.span,
                                "title")
        return None

    def _country(self, words: Span) -> Claimant | None:
        text = words.text
        for prefix in ("the ", "The "):
            text = text.removeprefix(prefix)
        code = country_of(text)
        if code is None:
            return None
        return Claimant(words, state_actor("government", code).name,
                        state_actor("government", code), rule="country")


def _standing_for(words: Span, claimant: Claimant, rule: str) -> Claimant:
    return Claimant(words, claimant.name, claimant.actor, claimant.role, claimant.affiliation,
                    claimant.antecedent or claimant.span, rule)
