"""Documents in: readers per input format, cleaning, metadata and the ingest batch."""
