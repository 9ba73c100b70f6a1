"""Hedges and verification statements: what lowers a claim's status and who judges it.

* **Hedges** (``resources/hedges.tsv``: "purportedly", "what was claimed to be", "could not be
  independently verified"…) are matched on consecutive tokens (lemma or lower-cased word;
  adverbs between the words skipped). A hedge on a claim keeps it ``unverified``; an adverb or
  "purporting" hedge outside every claim makes the writer's own sentence a claim.
* **Verification statements** are found from the cues of ``resources/verification_cues.tsv``:
  "confirm"/"verify" negated ("CNN cannot independently confirm…", "could not be confirmed by
  the U.S.") → ``unconfirmed-by`` the judge when it is named, else ``unverified``; positive →
  ``confirmed``; "deny", "dismiss", "reject" → ``disputed``. The judge is the cue's subject or
  "by" agent, else the claimant of the claim the statement is part of ("she added that … could
  not be confirmed"), else nobody (the writer).
* Each statement is linked to the claim it judges, by what it is about (its object or passive
  subject, or the figure a relative clause hangs on): the same figure ("a claim that 300
  were killed" → the claim with 300), the same event report, an actor it names as the
  claim's source ("images purportedly posted by ISIS"), the same content words; a bare "the
  claim", "their authenticity", "the denial" is the latest claim before it, and "none of these
  claims" every claim of its paragraph before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Token

from ..lexicon import table

HEDGES_FILE = "hedges.tsv"
CUES_FILE = "verification_cues.tsv"
JUDGMENTS = ("confirms", "disputes", "unconfirmed")
NEGATIONS = {"not", "n't", "never", "no", "none", "nobody", "neither"}
# Words governing a confirmation that make it a negative one ("unable to verify").
NEGATIVE_GOVERNORS = {"unable", "impossible", "difficult", "fail"}
# Nouns by which a statement refers back to a claim without saying what it was.
CLAIM_NOUNS = {"claim", "report", "figure", "toll", "account", "statement", "authenticity",
               "denial", "allegation", "footage", "video", "image", "photo", "picture",
               "it", "this", "that", "they", "assertion", "number", "information", "detail"}
# Content words shared with a claim that make a link without a figure or event in common.
MIN_SHARED_WORDS = 2
CONTENT_POS = {"NOUN", "PROPN", "VERB", "NUM"}
# Paragraph breaks end the reach of "none of these claims".
PARAGRAPH = "\n"


@dataclass(frozen=True)
class Judgment:
    """One verification statement found in the parse (token indices)."""

    status: str  # unconfirmed | confirmed | disputed
    cue: Token
    judge: tuple[int, int] | None  # token span of who judges, when named
    target: list[Token]  # the tokens saying what is judged
    plural: bool  # "none of these claims", "the figures": every claim in reach
    statement: tuple[int, int]  # token span of the whole statement (its clause)


@cache
def hedge_phrases() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row[0].lower().split()) for row in table(HEDGES_FILE))


@cache
def verification_cues() -> dict[str, str]:
    out = {}
    for row in table(CUES_FILE):
        if row[1] not in JUDGMENTS:
            raise ValueError(f"{CUES_FILE}: {row[0]!r}: judgment {row[1]!r} is not one of "
                             f"{', '.join(JUDGMENTS)}")
        out[row[0].lower()] = row[1]
    return out


@cache
def _hedges_by_first_word() -> dict[str, list[tuple[str, ...]]]:
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in hedge_phrases():
        by_first.setdefault(phrase[0], []).append(phrase)
    return by_first


def _word_matches(word: str, tok: Token) -> bool:
    return word in (tok.lower_, tok.lemma_.lower())


def find_hedges(doc: Doc) -> list[tuple[int, int]]:
    """Token spans [start, end) of every hedge phrase."""
    by_first = _hedges_by_first_word()
    found: list[tuple[int, int]] = []
    for tok in doc:
        for key in {tok.lower_, tok.lemma_.lower()}:
            for phrase in by_first.get(key, ()):
                end = _match(doc, tok.i, phrase)
                if end is not None and not any(s <= tok.i < e for s, e in found):
                    found.append((tok.i, end))
    return sorted(found)


def _match(doc: Doc, i: int, phrase: tuple[str, ...]) -> int | None:
    j = i
    for n, word in enumerate(phrase):
        while n and j < len(doc) and doc[j].pos_ == "ADV" and not _word_matches(word, doc[j]):
            j += 1
        if j >= len(doc) or not _word_matches(word, doc[j]):
            return None
        j += 1
    return j


def find_judgments(doc: Doc) -> list[Judgment]:
    cues = verification_cues()
    out = []
    for tok in doc:
        judgment = cues.get(tok.lemma_.lower())
        if judgment is None or tok.pos_ not in ("VERB", "NOUN", "AUX"):
            continue
        if judgment in ("confirms", "unconfirmed"):
            status = "unconfirmed" if _negated(tok) else "confirmed"
            if status == "confirmed" and judgment == "unconfirmed":
                continue  # "establish a caliphate": only the negated use judges a claim
        else:
            if _negated(tok):
                continue  # "did not deny" is no dispute
            status = "disputed"
        judge = _judge(tok)
        target, plural = _target(tok)
        if not target:
            continue
        clause = list(tok.subtree)
        if tok.dep_ == "relcl":
            clause = list(tok.head.subtree)
        statement = (min(t.i for t in clause), max(t.i for t in clause) + 1)
        out.append(Judgment(status, tok, judge, target, plural, statement))
    return out


def _negated(tok: Token) -> bool:
    if any(c.lower_ in NEGATIONS for c in tok.children):
        return True
    if tok.pos_ == "NOUN" and any(c.lower_ in NEGATIONS for c in tok.children
                                  if c.dep_ == "det"):
        return True  # "no independent confirmation"
    head = tok.head
    for _ in range(2):  # "unable to verify", "was impossible to confirm"
        if head.lemma_.lower() in NEGATIVE_GOVERNORS:
            return True
        if head.i == head.head.i:
            break
        head = head.head
    return False


def _judge(tok: Token) -> tuple[int, int] | None:
    for child in tok.children:
        if child.dep_ == "nsubj" and child.tag_ not in ("WDT", "WP"):
            return _phrase(child)
        if child.dep_ == "agent":
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return _phrase(obj)
    if tok.dep_ == "relcl":  # "a figure the army dismissed"
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.tag_ not in ("WDT", "WP"):
            return _phrase(subj)
    if tok.pos_ == "NOUN":
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        if poss is not None:
            return _phrase(poss)
    return None


def _phrase(tok: Token) -> tuple[int, int]:
    toks = [t for t in tok.subtree if t.dep_ not in ("relcl", "acl", "punct")]
    return min(t.i for t in toks), max(t.i for t in toks) + 1


def _target(tok: Token) -> tuple[list[Token], bool]:
    """The tokens naming what is judged, and whether they are plural ("these claims")."""
    parts: list[Token] = []
    if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
        parts = [tok.head]  # "a figure the army dismissed as propaganda"
    else:
        for child in tok.children:
            if child.dep_ in ("dobj", "nsubjpass", "ccomp", "xcomp"):
                parts.append(child)
            elif child.dep_ == "prep" and child.lower_ == "of" and tok.pos_ == "NOUN":
                parts.append(child)  # "no independent confirmation of the toll"
    if not parts and tok.pos_ == "NOUN" and tok.dep_ in ("nsubj", "nsubjpass", "attr"):
        parts = [tok]  # "The denial could not be verified"
    tokens = [t for p in parts for t in (p.subtree if p.i != tok.head.i else [p])]
    if tok.dep_ == "relcl":
        tokens = [tok.head] + [t for t in tok.head.subtree if t.i < tok.head.i
                               and t.dep_ in ("nummod", "amod", "det", "compound")]
    plural = any(t.lower_ in ("none", "all", "these", "those", "both") or
                 (t.tag_ in ("NNS", "NNPS") and t.lemma_.lower() in CLAIM_NOUNS)
                 for t in tokens[:4])
    return tokens, plural


def content_words(tokens) -> set[str]:
    return {t.lemma_.lower() for t in tokens if t.pos_ in CONTENT_POS and not t.is_stop}
