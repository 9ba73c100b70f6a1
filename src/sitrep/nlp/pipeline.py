"""Run spaCy and the annotators over documents, in batches, streaming.

Which annotators run is configuration (names in the registry, dependencies first); each
annotator module registers itself when imported, so the pipeline imports the modules named
in its configuration and nothing else.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..records import Document
from . import registry
from .model import load_model

log = logging.getLogger(__name__)

DEFAULT_ANNOTATORS = ("actors", "places", "times", "figures", "events", "claims")
# Languages the model and lexicons are made for; other documents are stored, marked and
# left alone (a French article run through an English parser yields noise, not data).
LANGUAGES = ("en",)
# Below this language-detection probability a short text's language is not trusted either way.
MIN_LANGUAGE_SCORE = 0.5
BATCH_SIZE = 32
# spaCy components the annotators use; the rest of the model is disabled.
NEEDED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


@dataclass(frozen=True)
class Analysis:
    """What the pipeline found in one document, or why it did not look."""

    document_id: str
    status: str  # done | skipped | failed
    detail: str | None = None
    found: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def pipeline_version(model: str, annotators: Iterable[str] = DEFAULT_ANNOTATORS) -> str:
    """Changes whenever results could change: sitrep, the model, the annotator set."""
    return f"sitrep {__version__}; {model}; {'+'.join(sorted(annotators))}"


def _annotators(names: Iterable[str]) -> list[registry.Annotator]:
    """Import the module of each named annotator and of what it requires (an annotator
    lives in ``sitrep.nlp.<its name>``), then order them, dependencies first."""
    names = tuple(names)
    pending, seen = list(names), set()
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            importlib.import_module(f"{__package__}.{name}")
            pending.extend(registry.get(name).requires)
    return registry.ordered(names)


def preload(model: str, annotators: Iterable[str] = DEFAULT_ANNOTATORS) -> None:
    """Load the model and import the annotators now, as the first ``analyze`` call would (a
    worker process does it once, before its first batch)."""
    _annotators(annotators)
    load_model(model)


def language_problem(doc: Document) -> str | None:
    if doc.language in LANGUAGES:
        return None
    if doc.language is None:
        return "language unknown (too little text)"
    if (doc.language_score or 0) < MIN_LANGUAGE_SCORE:
        return None  # an unsure guess on a short English text: analyse it
    return f"language {doc.language} is not supported by the {LANGUAGES[0]} model"


def analyze(documents: Iterable[Document], model: str, *,
            annotators: Iterable[str] = DEFAULT_ANNOTATORS,
            batch_size: int = BATCH_SIZE) -> Iterator[Analysis]:
    """Analyses in the order of ``documents``; streaming (memory stays flat)."""
    order = _annotators(annotators)
    nlp = load_model(model)
    disabled = [name for name in nlp.pipe_names
                if name not in NEEDED_COMPONENTS and not name.startswith("sitrep_")]
    pending: list[Document] = []

    def flush() -> Iterator[Analysis]:
        texts = [(d.text, d) for d in pending if language_problem(d) is None]
        parsed, failed = _parse(nlp, texts, batch_size, disabled)
        for d in pending:
            problem = language_problem(d)
            if problem:
                yield Analysis(d.id, "skipped", problem)
                continue
            if d.id in failed:
                yield Analysis(d.id, "failed", failed[d.id])
                continue
            ctx = registry.Context(d, parsed[d.id], {})
            try:
                for ann in order:
                    ctx.found[ann.assigns] = ann.fn(ctx)
            except Exception as exc:  # one document's failure must not stop the batch
                log.exception("annotator failed on %s", d.source)
                yield Analysis(d.id, "failed", f"{ann.name}: {type(exc).__name__}: {exc}")
                continue
            yield Analysis(d.id, "done", None, dict(ctx.found))
        pending.clear()

    for document in documents:
        pending.append(document)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()


def _parse(nlp: Any, texts: list[tuple[str, Document]], batch_size: int,
           disabled: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """spaCy's parses of a batch, by document id, and why those it could not parse failed.
    A batch spaCy stops on is parsed again one document at a time, so one bad text fails
    alone instead of stopping the run."""
    try:
        return {d.id: doc for doc, d in nlp.pipe(texts, as_tuples=True, batch_size=batch_size,
                                                 disable=disabled)}, {}
    except Exception:
        log.exception("spaCy failed on a batch; parsing its documents one by one")
    parsed: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for text, d in texts:
        try:
            parsed[d.id] = nlp(text, disable=disabled)
        except Exception as exc:
            log.exception("spaCy failed on %s", d.source)
            failed[d.id] = f"spaCy: {type(exc).__name__}: {exc}"
    return parsed, failed
