"""Annotators: pure functions of (Document, parsed text) → records, registered by name.

Each declares what it requires (earlier annotators' outputs) and what it assigns, the way
spaCy components do; the pipeline runs them in dependency order and hands each the outputs
it asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from ..errors import SitrepError
from ..records import Document


@dataclass(frozen=True)
class Context:
    """What an annotator sees: the document, its parse, and earlier annotators' results."""

    document: Document
    doc: Doc  # spaCy parse of document.text (same characters, same offsets)
    found: dict[str, tuple[Any, ...]] = field(default_factory=dict)


AnnotatorFn = Callable[[Context], tuple[Any, ...]]


@dataclass(frozen=True)
class Annotator:
    name: str
    fn: AnnotatorFn
    requires: tuple[str, ...]
    assigns: str


_REGISTRY: dict[str, Annotator] = {}


def annotator(name: str, *, requires: Iterable[str] = (),
              assigns: str | None = None) -> Callable[[AnnotatorFn], AnnotatorFn]:
    """Register ``fn`` as the annotator ``name``."""
    def register(fn: AnnotatorFn) -> AnnotatorFn:
        _REGISTRY[name] = Annotator(name, fn, tuple(requires), assigns or name)
        return fn
    return register


def get(name: str) -> Annotator:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise SitrepError(f"no annotator named {name!r}; known: {sorted(_REGISTRY)}") from None


def ordered(names: Iterable[str]) -> list[Annotator]:
    """The named annotators and what they require, dependencies first."""
    order: list[Annotator] = []
    seen: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise SitrepError(f"annotators require each other in a cycle: {' → '.join(path)}")
        if name in seen:
            return
        ann = get(name)
        for req in ann.requires:
            visit(req, (*path, name))
        seen.add(name)
        order.append(ann)

    for name in names:
        visit(name, ())
    return order
