"""Exceptions users can catch at the level they care about.

    SitrepError
    ├── InputError            a file or record cannot become a document
    │   ├── UnsupportedFormat     binary, unknown or empty content
    │   ├── DecodeError           bytes that are not text in any encoding we trust
    │   ├── LimitExceeded         bigger than a configured limit (size, records, gzip ratio)
    │   └── MalformedInput        a container (WARC, feed, JSONL line) that does not parse
    ├── ExtractionError       a stage (clean, metadata, …) failed on a document
    ├── StoreError            the SQLite store cannot be opened, migrated or written
    │   └── DocumentNotFound      no document matches an id or id prefix
    └── EvaluationError       an evaluation data set is missing or not in the expected layout
"""

from __future__ import annotations


class SitrepError(Exception):
    """Base of every error sitrep raises on purpose."""


class InputError(SitrepError):
    """A file or record cannot become a document. ``reason`` is one line for users."""

    kind = "input"

    def __init__(self, reason: str, *, source: str | None = None, record: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.source = source
        self.record = record

    def where(self) -> str:
        if self.source is None:
            return "<input>"
        return f"{self.source}#{self.record}" if self.record is not None else self.source

    def __str__(self) -> str:
        return f"{self.where()}: {self.reason}" if self.source else self.reason


class UnsupportedFormat(InputError):
    kind = "unsupported"


class DecodeError(InputError):
    kind = "decode"


class LimitExceeded(InputError):
    kind = "limit"


class MalformedInput(InputError):
    kind = "malformed"


class ExtractionError(SitrepError):
    """A processing stage failed on one document."""


class StoreError(SitrepError):
    """The store cannot be opened, migrated or written."""


class DocumentNotFound(StoreError):
    """No document (or more than one) matches an id prefix."""


class EvaluationError(SitrepError):
    """An evaluation data set is missing or not laid out as expected."""
