"""The parts of a parse that annotators read many times (``sitrep.nlp.parsed``), computed once
per document: each must equal what spaCy itself gives, on every sample parsed by the real
model, or every annotator reading them would drift."""

from __future__ import annotations

import pytest

from sitrep.ingest.process import process
from sitrep.ingest.readers import read_path
from sitrep.nlp.model import load_model
from sitrep.nlp.parsed import (
    ents_of,
    phrase_text,
    sentence_numbers,
    sentence_of,
    text_of,
    words_of,
)
from sitrep.records import RawDocument
from sitrep.settings import Limits, load_settings

from conftest import SAMPLES


@pytest.fixture(scope="module")
def docs():
    nlp = load_model(load_settings().spacy_model)
    texts = [process(item, Limits()).text for path in sorted(SAMPLES.iterdir())
             for item in read_path(path, Limits()) if isinstance(item, RawDocument)]
    return list(nlp.pipe(texts))


def test_each_token_has_the_sentence_spacy_gives_it(docs):
    sentences = 0
    for doc in docs:
        for tok in reversed(doc):  # not in text order: the table must not depend on it
            assert sentence_of(tok) == tok.sent
        numbers = {sent.start: n for n, sent in enumerate(doc.sents)}
        assert sentence_numbers(doc) == [numbers[tok.sent.start] for tok in doc]
        sentences += len(numbers)
    assert sentences > 3 * len(docs)  # the samples have many sentences each


def test_text_entities_words_and_phrases_are_spacys(docs):
    for doc in docs:
        assert text_of(doc) == doc.text
        assert ents_of(doc) == tuple(doc.ents)
        assert words_of(doc) == [t.text for t in doc]
        for ent in doc.ents:
            assert phrase_text(doc, ent.start, ent.end) == ent.text
