"""Reading numbers as news writes them: digits, number words, vague words, qualifiers, ranges.

This module knows nothing of spaCy: it reads a sequence of lower-case words (one per token)
and says where a number phrase starts and ends and what it means. ``figures.py`` decides
whether the phrase is a count and what it counts. The words come from the commented table
``resources/numbers.tsv``.

What a :class:`Reading` holds (the conventions of :class:`sitrep.records.Figure`):

=========================  =======  =====  =====  ===============  =====================
text                       value    low    high   qualifier        vague
=========================  =======  =====  =====  ===============  =====================
``14``                     14       14     14     –                –
``at least 40``            40       40     –      at least         –
``more than 30``           30       30     –      more than        –
``up to 340``              340      –      340    up to            –
``nearly 40``              40       –      40     nearly           –
``about 6,000``            6000     –      –      about            –
``between 20 and 30``      –        20     30     –                –
``20 to 30``, ``20-30``    –        20     30     –                –
``dozens``                 12       –      –      –                dozens
``tens of thousands``      10000    –      –      –                tens of thousands
``a number of``            –        –      –      –                a number
=========================  =======  =====  =====  ===============  =====================

* ``value`` is the number as written (a floor or ceiling keeps its number: "more than 30"
  is 30, not 31). A range has no single number, so its ``value`` is None and the two ends
  are ``low`` and ``high``; use ``low`` when one number is needed (the conservative end).
* Vague words take the value of DESIGN.md's vague-word rule and state no bound: "several"
  (10) is not a floor of what "several" means, "dozens" (12) is not its ceiling.
* Only whole numbers are counts: "2.5" alone is not read; "1.2 million" is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from ..lexicon import table

NUMBERS_TABLE = "numbers.tsv"

# Digits as news writes counts: "12", "6,000", "120,000", "1.2" (only before a scale word).
DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")
# A range written as one token: spaCy keeps "20–30" (en dash) together.
RANGE_TOKEN = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)[–—-](\d{1,3}(?:,\d{3})+|\d+)")
# Words between the two ends of a range ("20 to 30", "20-30", "two or three"); "and" only
# after "between" ("killing eight soldiers and wounding 15" is not a range).
RANGE_SEPARATORS = frozenset({"to", "-", "–", "—", "or"})
RANGE_OPENERS = {"between": "and", "from": "to"}
# "as many as 50" and "how many" are not the vague word "many".
NOT_VAGUE_AFTER = frozenset({"as", "how"})
HYPHENS = frozenset({"-", "–"})
LONGEST_PHRASE = 3  # words in the longest table phrase ("no fewer than")


@dataclass(frozen=True)
class NumberWords:
    """The table ``numbers.tsv``, indexed by kind."""

    words: Mapping[str, int]  # "three" → 3, "half a dozen" → 6
    scales: Mapping[str, int]  # "hundred" → 100
    vague: Mapping[str, tuple[int | None, int]]  # "dozens" → (12, 12): alone, before a scale
    qualifiers: Mapping[str, str]  # "at least" → "low"
    suffixes: Mapping[str, str]  # "or more" → "low"
    labels: frozenset[str]  # "resolution": a number after it is a name
    # The words a number phrase that is not digits can start with: the first words of the
    # number words and vague words, and "a"/"an" ("a hundred").
    starts: frozenset[str] = frozenset()


@cache
def number_words() -> NumberWords:
    kinds: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, phrase, *rest in table(NUMBERS_TABLE):
        kinds.setdefault(kind, {})[phrase] = tuple(rest)
    get = kinds.get
    starts = {p.split(" ")[0] for kind in ("word", "vague") for p in get(kind, {})}
    return NumberWords(
        starts=frozenset(starts | {"a", "an"}),
        words={p: int(r[0]) for p, r in get("word", {}).items()},
        scales={p: int(r[0]) for p, r in get("scale", {}).items()},
        vague={p: (int(r[0]) if r[0] else None, int(r[1])) for p, r in get("vague", {}).items()},
        qualifiers={p: r[0] for p, r in get("qualifier", {}).items()},
        suffixes={p: r[0] for p, r in get("suffix", {}).items()},
        labels=frozenset(get("label", {})),
    )


@dataclass(frozen=True)
class Core:
    """One number without qualifier: words ``start:end``."""

    start: int
    end: int
    value: int | None
    vague: str | None
    how: str  # digits | words | vague


@dataclass(frozen=True)
class Reading:
    """A number phrase: words ``start:end``, qualifier included; the number itself (one
    number, or both ends of a range) is ``number_start:number_end``."""

    start: int
    end: int
    number_start: int
    number_end: int
    value: int | None
    low: int | None
    high: int | None
    qualifier: str | None
    vague: str | None
    how: str  # digits | words | vague | range


def read_number(words: Sequence[str], i: int, floor: int = 0) -> Reading | None:
    """The number phrase whose number starts at word ``i``, or None. A qualifier before it
    is looked for back to word ``floor`` (the end of the previous phrase)."""
    t = number_words()
    if words[i] not in t.starts and not words[i][:1].isdigit():
        return None  # most words: none of the ways below can read a number here
    start, ranged = i, _range_token(words[i])
    core = None if ranged else _core(words, i, t)
    if ranged is not None:
        number_end = i + 1
    elif core is None:
        return None
    else:
        number_end = core.end
        opener = words[i - 1] if i - 1 >= floor else None
        second = _range_end(words, core, opener, t) if core.how != "vague" else None
        if second is not None and core.value is not None and second.value is not None:
            ranged, number_end = (core.value, second.value), second.end
            start = i - 1 if opener in RANGE_OPENERS else i
    qualifier, bound, start = _qualifier(words, start, floor, t)
    suffix, end = _phrase_at(words, number_end, t.suffixes)
    if suffix is None:
        end = number_end
    elif qualifier is None:
        qualifier, bound = suffix, t.suffixes[suffix]
    if ranged is not None:
        low, high = ranged
        return Reading(start, end, i, number_end, None, low, high, qualifier, None, "range")
    assert core is not None
    if core.vague is not None:
        return Reading(start, end, i, number_end, core.value, None, None, qualifier,
                       core.vague, "vague")
    low = core.value if bound in (None, "low") else None
    high = core.value if bound in (None, "high") else None
    return Reading(start, end, i, number_end, core.value, low, high, qualifier, None, core.how)


def _core(words: Sequence[str], i: int, t: NumberWords) -> Core | None:
    return _vague(words, i, t) or _digits(words, i, t) or _spelled(words, i, t)


def _digits(words: Sequence[str], i: int, t: NumberWords) -> Core | None:
    if not DIGITS.fullmatch(words[i]):
        return None
    number = float(words[i].replace(",", ""))
    end = i + 1
    while end < len(words) and words[end] in t.scales:
        number *= t.scales[words[end]]
        end += 1
    if number != int(number):
        return None  # "2.5" is a measure, not a count
    return Core(i, end, int(number), None, "digits")


def _spelled(words: Sequence[str], i: int, t: NumberWords) -> Core | None:
    """Number words: "three", "twenty-five", "two hundred and fifty", "a dozen"."""
    phrase, end = _phrase_at(words, i, t.words)
    if phrase is not None and " " in phrase:
        return Core(i, end, t.words[phrase], None, "words")
    total = current = 0
    k = i
    last: str | None = None  # kind of the last word read: small | tens | scale | article
    while k < len(words):
        word = words[k]
        if word in ("a", "an") and k == i and k + 1 < len(words) and words[k + 1] in t.scales:
            current, last = 1, "article"
        elif word in t.words and _may_follow(last, t.words[word], current):
            current += t.words[word]
            last = "tens" if t.words[word] >= 20 and t.words[word] % 10 == 0 else "small"
        elif word in t.scales and _may_scale(last, t.scales[word], current):
            scale = t.scales[word]
            if scale >= 1000:
                total, current = total + current * scale, 0
            else:
                current *= scale
            last = "scale"
        elif (word in HYPHENS and last == "tens" and k + 1 < len(words)
              and t.words.get(words[k + 1], 0) < 10):
            pass  # "twenty-five"
        elif (word == "and" and last == "scale" and k + 1 < len(words)
              and words[k + 1] in t.words):
            pass  # "two hundred and fifty"
        else:
            break
        k += 1
    if last is None or last == "article":
        return None
    while k > i and words[k - 1] in HYPHENS | {"and"}:
        k -= 1
    return Core(i, k, total + current, None, "words")


def _may_follow(last: str | None, value: int, current: int) -> bool:
    """Whether a number word may extend what was read: "twenty five", "hundred and two"."""
    if last is None:
        return True
    if last == "tens":
        return value < 10
    return last == "scale" and current % 100 == 0 and value < 100


def _may_scale(last: str | None, scale: int, current: int) -> bool:
    """Whether a scale word may multiply what was read: "two hundred", "a hundred thousand"."""
    if last is None:
        return False
    return last != "scale" or (scale >= 1000 and current > 0)


def _vague(words: Sequence[str], i: int, t: NumberWords) -> Core | None:
    """Vague words, alone or before a scale: "dozens", "several dozen", "tens of thousands"."""
    phrase, end = _phrase_at(words, i, t.vague)
    if phrase is None or (i > 0 and words[i - 1] in NOT_VAGUE_AFTER):
        return None
    value, factor = t.vague[phrase]
    k = end + 1 if end < len(words) and words[end] == "of" else end
    if k < len(words) and (words[k] in t.scales or words[k] in t.vague):
        scale = t.scales.get(words[k]) or t.vague[words[k]][1]
        return Core(i, k + 1, factor * scale, " ".join(words[i:k + 1]), "vague")
    if value is None and (end >= len(words) or words[end] != "of"):
        return None  # "a number" is vague only as "a number of"
    return Core(i, end, value, phrase, "vague")


def _range_token(word: str) -> tuple[int, int] | None:
    m = RANGE_TOKEN.fullmatch(word)
    if not m:
        return None
    low, high = (int(g.replace(",", "")) for g in m.groups())
    return (low, high) if low < high else None


def _range_end(words: Sequence[str], first: Core, opener: str | None,
               t: NumberWords) -> Core | None:
    """The high end of a range after ``first``: "20 to 30", "between 20 and 30"."""
    k = first.end
    if k + 1 >= len(words):
        return None
    separator = words[k]
    if not (separator in RANGE_SEPARATORS or separator == RANGE_OPENERS.get(opener or "")):
        return None
    if _phrase_at(words, k, t.suffixes)[0] is not None:
        return None  # "12 or more"
    second = _digits(words, k + 1, t) or _spelled(words, k + 1, t)
    if second is None or first.value is None or second.value is None:
        return None
    return second if first.value < second.value else None


def _qualifier(words: Sequence[str], start: int, floor: int,
               t: NumberWords) -> tuple[str | None, str | None, int]:
    """The longest qualifier that ends right before word ``start``."""
    for size in range(LONGEST_PHRASE, 0, -1):
        begin = start - size
        if begin >= floor:
            phrase = " ".join(words[begin:start])
            if phrase in t.qualifiers:
                return phrase, t.qualifiers[phrase], begin
    return None, None, start


def _phrase_at(words: Sequence[str], i: int,
               phrases: Mapping[str, object]) -> tuple[str | None, int]:
    """The longest phrase of ``phrases`` that starts at word ``i``, and where it ends."""
    for size in range(LONGEST_PHRASE, 0, -1):
        if i + size <= len(words):
            phrase = " ".join(words[i:i + size])
            if phrase in phrases:
                return phrase, i + size
    return None, i
