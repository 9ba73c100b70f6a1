"""sitrep: crisis and conflict news in, a sourced database of events and claims out.

The public API is small and stable; everything else is private to the package.
"""

from .errors import (
    DecodeError,
    DocumentNotFound,
    EvaluationError,
    ExtractionError,
    InputError,
    LimitExceeded,
    MalformedInput,
    SitrepError,
    StoreError,
    UnsupportedFormat,
)
from .ingest.batch import RunSummary, ingest_paths
from .records import CitedSource, Document, PublishedDate, Rejection, Span
from .settings import Limits, Settings, load_settings
from .store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "CitedSource",
    "DecodeError",
    "Document",
    "DocumentNotFound",
    "EvaluationError",
    "ExtractionError",
    "InputError",
    "LimitExceeded",
    "Limits",
    "MalformedInput",
    "PublishedDate",
    "Rejection",
    "RunSummary",
    "Settings",
    "SitrepError",
    "Span",
    "Store",
    "StoreError",
    "UnsupportedFormat",
    "__version__",
    "analyze",
    "ingest_paths",
    "load_settings",
    "open_store",
]


def analyze(paths: list[str], *, db: str | None = None, settings: Settings | None = None
            ) -> RunSummary:
    """Ingest ``paths`` into the database and run every analysis stage on new documents."""
    settings = settings or load_settings(db_path=db)
    with open_store(settings.db_path) as store:
        return ingest_paths(paths, store, settings, command="analyze")
