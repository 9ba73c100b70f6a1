"""Fatalities of an event from every figure reported for it (the rule of DESIGN.md).

* every figure is kept with its claimant and span;
* ``low``  = the lowest figure (a range counts by its lower bound, "at least 40" by 40);
* ``high`` = the highest figure anyone reports (a range by its upper bound);
* ``best`` = the most conservative figure from a source that is not a party to the event
  (an exact number before a vague word), else the lowest;
* vague words count as ACLED maps them (the figures annotator already gives "dozens" 12);
* no figure → all three are None: unknown, never 0.

sitrep differs from ACLED's single "fatalities" column on purpose: it keeps every reported
figure and the spread; the export's ``fatalities`` column is ``best``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..records import Fatalities, FatalityFigure, Figure

# Units that count deaths.
DEATH_UNITS = frozenset({"killed", "dead", "executed"})


def counts_deaths(figure: Figure) -> bool:
    return figure.unit in DEATH_UNITS


def _lower(f: Figure) -> int | None:
    for v in (f.low, f.value, f.high):
        if v is not None:
            return v
    return None


def _upper(f: Figure) -> int | None:
    for v in (f.high, f.value, f.low):
        if v is not None:
            return v
    return None


def fatalities(figures: Iterable[FatalityFigure]) -> Fatalities:
    kept = tuple(figures)
    lows = [v for f in kept if (v := _lower(f.figure)) is not None]
    highs = [v for f in kept if (v := _upper(f.figure)) is not None]
    if not lows:
        return Fatalities(None, None, None, kept)
    neutral = [(f.figure.vague is not None, v) for f in kept
               if not f.party and (v := _lower(f.figure)) is not None]
    # An exact figure beats a vague word ("dozens") as the best estimate, as ACLED prefers.
    best = min(neutral)[1] if neutral else min(lows)
    return Fatalities(best, min(lows), max(highs), kept)
