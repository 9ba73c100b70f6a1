"""sitrep's HTTP API (`sitrep serve`): the same records as the CLI's ``--json``, read-only,
from the same SQLite file while ingest keeps writing (WAL: readers never block the writer)."""

from .app import create_app

__all__ = ["create_app"]
