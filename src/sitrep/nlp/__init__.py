"""Language pipeline: spaCy, then annotators that find actors, places, times and figures."""
