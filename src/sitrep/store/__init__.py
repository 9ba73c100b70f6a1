"""The SQLite store: schema migrations, documents, rejections, runs, search and export."""

from .sqlite import Store, open_store

__all__ = ["Store", "open_store"]
