"""Scorers, one module per task, shared by the CLI (``sitrep eval <task>``) and the tests.

Each scorer module has ``TASK`` (its name), ``run(data, *, limit=None, progress=None) -> dict``
(a JSON-serializable report comparing sitrep with the bare library or model it builds on, over
the same items in the same run; ``progress(done, total)`` is called after each gold item) and
``format_report(report) -> str`` (plain-text tables).

Scorer modules are imported on demand: the language tasks load spaCy, which the HTML ones do
not need.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import EvaluationError

# task name -> module inside sitrep.evaluate
TASKS: dict[str, str] = {"extraction": "extraction", "dates": "dates", "timex": "timex",
                         "geoparsing": "geoparsing", "factuality": "factuality",
                         "event-types": "event_types", "cameo": "cameo",
                         "attribution": "attribution", "dupes": "dupes"}


def scorer(task: str) -> ModuleType:
    """The scorer module for a task name; EvaluationError naming the known tasks otherwise."""
    if task not in TASKS:
        known = ", ".join(sorted(TASKS))
        raise EvaluationError(f"no evaluation task {task!r} (known: {known})")
    return importlib.import_module(f"{__name__}.{TASKS[task]}")


__all__ = ["TASKS", "scorer"]
