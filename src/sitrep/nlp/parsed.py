"""Parts of a spaCy parse that annotators read many times, computed once per document.

spaCy rebuilds ``Doc.text`` token by token and ``Doc.ents`` span by span on every access;
with a dozen annotators asking for them again and again, that was a fifth of sitrep's time
per document (``bench/bench_scale.py --profile``). The cached values live in the Doc's
``user_data``, so they go away with the parse. Annotators never change the text or the
entities after parsing, which is what makes caching them sound.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

_TEXT = "sitrep.text"
_ENTS = "sitrep.ents"


def text_of(doc: Doc) -> str:
    """``doc.text``, built once."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def ents_of(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, built once."""
    ents = doc.user_data.get(_ENTS)
    if ents is None:
        ents = doc.user_data[_ENTS] = tuple(doc.ents)
    return ents
