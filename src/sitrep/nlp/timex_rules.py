"""Where the time expressions are: the words they are made of and the patterns that join them.

This module finds *where* a time expression is and which named rule found it; what it means (a
day, a week, a duration) is worked out against the publication date by the rule's resolver in
``timex_values`` (run by the annotator in ``times.py``). Words come from
``resources/time_words.tsv`` and ``resources/time_references.tsv``; each rule below is one
regular expression written with placeholders (``<MONTH>``, ``<NUM:n>``…) that expand to named
groups over those words.

Extents follow TimeML's TIMEX3 (what TempEval scores): determiners and modifiers are inside
("the past three days", "early next year", "about two years ago"), prepositions are outside
("in" / "on" / "since" are signals, not part of the expression). A rule whose pattern needs
context outside the extent marks the extent with the group ``x``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from ..lexicon import table

WORDS_FILE = "time_words.tsv"
REFERENCES_FILE = "time_references.tsv"

# Groups holding a month, weekday or holiday name: these must be capitalised in the text, so
# that the verb "may" or "troops march on the city" never become dates.
CAPITALISED_GROUPS = ("month", "weekday", "holiday")

# Words before a bare month name that make it a date ("in June", "since January"); without
# one, "June" is too often a name and "May" a verb. "May" asks for the stricter list.
MONTH_CONTEXT = frozenset((
    "in", "since", "until", "till", "by", "of", "from", "to", "through", "throughout", "during",
    "before", "after", "between", "and", "or", "for", "on", "into", "around", "early", "late",
    "mid", "last", "next", "this", "that", "each", "every",
))
MAY_CONTEXT = MONTH_CONTEXT - {"and", "or", "to", "for", "on", "that"}
FULL_SHORT = frozenset({"may", "june", "july"})  # full month names no longer than four letters
# Words before a bare season ("in summer", "since spring"); "fall" and "spring" are verbs and
# nouns far more often than seasons.
SEASON_CONTEXT = frozenset(("in", "since", "until", "by", "during", "through", "throughout",
                            "over"))


@dataclass(frozen=True)
class Vocabulary:
    """The word classes of ``time_words.tsv`` plus the phrases of ``time_references.tsv``."""

    classes: Mapping[str, Mapping[str, str]]

    def words(self, cls: str) -> tuple[str, ...]:
        return tuple(self.classes.get(cls, {}))

    def value(self, cls: str, word: str) -> str | None:
        """The value of ``word`` (as written in the text) in class ``cls``, or None."""
        entries = self.classes.get(cls, {})
        key = " ".join(word.lower().replace("’", "'").split())
        for candidate in (key, key + ".", key.rstrip(".")):
            if candidate in entries:
                return entries[candidate]
        return None


@cache
def vocabulary() -> Vocabulary:
    classes: dict[str, dict[str, str]] = {}
    for row in table(WORDS_FILE):
        cls, word, value = row[0], row[1], row[2]
        classes.setdefault(cls, {})[word] = value
    classes["reference"] = {row[0]: row[1] for row in table(REFERENCES_FILE)}
    return Vocabulary(MappingProxyType({k: MappingProxyType(v) for k, v in classes.items()}))


def _alternation(words: Iterable[str]) -> str:
    """Words as a regex alternation, longest first; spaces match any run of whitespace and a
    trailing period is optional ("Sept." and "Sept")."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        body = re.escape(word.rstrip(".")).replace(r"\ ", r"\s+").replace("'", "['’]")
        parts.append(body + (r"\.?" if word.endswith(".") else ""))
    return "|".join(parts)


def _fragments(vocab: Vocabulary) -> dict[str, Callable[[str], str]]:
    """Placeholder name -> function of the group name giving the regex."""
    numbers = vocab.classes["number"]
    plain = [w for w, v in numbers.items() if v != "X" and " " not in w and w not in ("a", "an")]
    vague = [w for w, v in numbers.items() if v == "X" or " " in w]
    number_word = _alternation(plain)
    # At most five words ("one hundred and twenty five"): an unbounded repeat would make a
    # long run of number words cost quadratic time (a hostile text must not stall a batch).
    word_number = rf"(?:{number_word})(?:[\s-]+(?:and[\s-]+)?(?:{number_word})){{0,5}}"
    digits = r"\d+(?:,\d{3})*(?:\.\d+)?(?:\s+1/2|\s*½)?"
    months = _alternation(vocab.words("month"))
    weekdays = _alternation(vocab.words("weekday"))
    units = _alternation(vocab.words("unit_plural") + vocab.words("unit"))
    day = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
    year = r"(?:1\d|20)\d\d(?!\d|[.,]\d)|['’]\d\d(?!\w)"
    return {
        "MONTH": lambda g: rf"(?P<{g}>{months})",
        "WEEKDAY": lambda g: rf"(?P<{g}>{weekdays})",
        "DAY": lambda g: rf"(?P<{g}>{day})",
        "YEAR": lambda g: rf"(?P<{g}>{year})",
        "YEAR4": lambda g: rf"(?P<{g}>(?:1[89]|20)\d\d)(?!\d|[.,]\d)",
        "NUM": lambda g: (
            rf"(?P<{g}>{digits}|{_alternation(vague)}|half\s+an?|an?\s+(?:dozen|hundred|thousand)"
            rf"|{word_number}(?:\s+and\s+a\s+half)?|an?)"
        ),
        "NUMH": lambda g: rf"(?P<{g}>\d+(?:\.\d+)?|(?:{number_word})(?:-(?:{number_word})){{0,3}})",
        "UNIT": lambda g: rf"(?P<{g}>{units})",
        "UNIT_SG": lambda g: rf"(?P<{g}>{_alternation(vocab.words('unit'))})",
        "UNIT_PL": lambda g: rf"(?P<{g}>{_alternation(vocab.words('unit_plural'))})",
        "ORD": lambda g: (
            rf"(?P<{g}>{_alternation(vocab.words('ordinal'))}|\d{{1,2}}(?:st|nd|rd|th))"
        ),
        "PART": lambda g: rf"(?P<{g}>{_alternation(vocab.words('part'))})",
        "SEASON": lambda g: rf"(?P<{g}>{_alternation(vocab.words('season'))})",
        "SET": lambda g: rf"(?P<{g}>{_alternation(vocab.words('set'))})",
        "HOLIDAY": lambda g: rf"(?P<{g}>{_alternation(vocab.words('holiday'))})",
        "REF": lambda g: rf"(?P<{g}>{_alternation(vocab.words('reference'))})",
        "APPROX": lambda g: rf"(?P<{g}>{APPROXIMATORS})",
        "TZ": lambda g: rf"(?P<{g}>(?-i:[A-Z]{{1,3}}[SD]?T|GMT|UTC|Z)|local\s+time)",
    }


# Modifiers kept inside an expression (TimeML's mod attribute): "about two years ago",
# "more than four hours", "within 18 months".
# "over", "within" and "under" are left out: before a duration they are mostly prepositions
# ("over the past week"), which TimeML keeps outside the extent.
APPROXIMATORS = (
    r"about|around|approximately|roughly|nearly|almost|more\s+than|less\s+than|"
    r"fewer\s+than|at\s+least|at\s+most|up\s+to|just\s+over|just\s+under|"
    r"no\s+more\s+than|no\s+less\s+than|well\s+over|barely"
)
# Where in a month, year or season: narrows the interval, keeps the value.
POSITION = (
    r"early|mid|late|(?:the\s+)?(?:end|beginning|start|middle|first\s+half|second\s+half|"
    r"latter\s+part|early\s+part|rest|remainder)\s+of"
)
# Deictic relations to the publication date (last/this/next) for months, seasons, weekdays.
DEICTIC = r"this\s+past|this\s+coming|last|next|this|coming|past"
UNIT_WORDS = r"day|week|weekend|month|quarter|year|decade|century|fiscal\s+year"
SEASON_WORDS = r"spring|summer|fall|autumn|winter"
DAY_REF = (  # a day after a clock time: "10 p.m. Wednesday", "5 p.m. EST, Nov. 6"
    r"(?:,?\s+(?:<WEEKDAY>|(?P<deictic>yesterday|today|tomorrow|tonight)"
    r"|<MONTH>\s+<DAY>(?:,?\s+<YEAR>)?))?"
)
CLOCK = r"(?P<hour>1[0-2]|0?[1-9])(?:[:.](?P<minute>[0-5]\d))?\s*(?P<ampm>[ap]\.\s?m\.?|[ap]m)"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str  # with <PLACEHOLDER> / <PLACEHOLDER:group> fragments
    accept: Callable[[str, re.Match[str]], bool] | None = None


@dataclass(frozen=True)
class Mention:
    """A time expression found in a text: characters ``start:end`` and the rule's groups."""

    start: int
    end: int
    text: str
    rule: str
    parts: Mapping[str, str]

    def get(self, name: str) -> str | None:
        return self.parts.get(name)


def _word_before(text: str, start: int) -> str:
    m = re.search(r"([A-Za-z]+)[\s-]*$", text[max(0, start - 40):start])
    return m.group(1).lower() if m else ""


def _bare_month_ok(text: str, m: re.Match[str]) -> bool:
    if m.group("rel") or m.group("pos") or m.group("rely"):
        return True
    if len(m.group("month").rstrip(".")) <= 4 and m.group("month").lower() not in FULL_SHORT:
        return False  # an abbreviation needs a day or year after it: "Jan Egeland" is a name
    before = _word_before(text, m.start())
    allowed = MAY_CONTEXT if m.group("month").lower() == "may" else MONTH_CONTEXT
    return before in allowed


def _bare_season_ok(text: str, m: re.Match[str]) -> bool:
    if m.group("rel") or m.group("pos") or m.group("year"):
        return True
    return _word_before(text, m.start()) in SEASON_CONTEXT


def _duration_ok(text: str, m: re.Match[str]) -> bool:
    num = (m.group("num") or "").lower()
    unit = (m.group("unit") or "").lower()
    if num in ("a", "an") and unit in ("second", "quarter"):
        return False  # "a second attack", "a quarter of the city"
    if num == "one" and unit == "day" and not m.group("the"):
        return False  # "one day" = some day
    if re.fullmatch(r"(?:1[89]|20)\d\d", num):
        return False  # a year: "the 1988 quarter"
    if text[m.end():m.end() + 1] == "-":
        return False  # part of a compound: "a year-earlier loss"
    return not re.match(r"[\s-]+old\b", text[m.end():])  # an age: "52 years old"


def _relative_ok(text: str, m: re.Match[str]) -> bool:
    # "last day of talks", "next day" without "the": not the day before/after publication
    return m.group("unit").lower() != "day" or m.group("rel").lower() in ("this",)


def _year_ok(text: str, m: re.Match[str]) -> bool:
    if m.group("fiscal") or m.group("pos") or m.group("theyear"):
        return True
    before = text[max(0, m.start() - 12):m.start()].lower()
    return not re.search(r"(?:\$|£|€|no\.|number|flight|route|resolution|article)\s*$", before)


RULES: tuple[Rule, ...] = (
    # -- calendar dates ---------------------------------------------------------------------
    Rule("date-md", r"(?:<WEEKDAY>,?\s+)?<MONTH>\s+(?:the\s+)?<DAY>(?:,?\s+<YEAR>)?"),
    Rule("date-dm", r"(?:<WEEKDAY>,?\s+)?(?:the\s+)?<DAY>(?:\s+of)?\s+<MONTH>(?:,?\s+<YEAR>)?"),
    Rule("date-iso", r"<YEAR4:year>-(?P<monthnum>0[1-9]|1[0-2])-<DAY>"),
    Rule("date-slash", r"(?P<first>[01]?\d|2\d|3[01])/(?P<second>[0-3]?\d)/(?P<year>\d{4}|\d\d)"),
    Rule("range-dm", r"(?:between|from)\s+(?P<x><DAY:day1>\s+(?:and|to|until|till|through)\s+"
                     r"<DAY>\s+<MONTH>(?:,?\s+<YEAR>)?)"),
    Rule("range-dm", r"<DAY:day1>\s*[-–]\s*<DAY>\s+<MONTH>(?:,?\s+<YEAR>)?"),
    Rule("range-md", r"<MONTH>\s+<DAY:day1>\s*(?:[-–]|to|through|and)\s*<DAY>(?:,?\s+<YEAR>)?"),
    Rule("month-year", rf"(?:(?P<pos>{POSITION})[\s-]*)?<MONTH>,?\s+(?:of\s+)?<YEAR>"),
    Rule("month", rf"(?:(?P<rel>{DEICTIC})\s+|(?P<pos>{POSITION})[\s-]*)?<MONTH>"
                  r"(?:\s+(?P<rely>last|next|this)\s+year)?", _bare_month_ok),
    Rule("year", rf"(?:(?:the\s+)?(?P<fiscal>fiscal|calendar|financial)(?:\s+year)?\s+"
                 rf"|(?P<theyear>the\s+year)\s+|(?P<pos>{POSITION})[\s-]*)?<YEAR4:year>", _year_ok),
    Rule("year-early", r"(?:in|since|by|until|from|before|after|during|between|and|of)\s+"
                       r"(?P<x>(?P<year>1[0-7]\d\d))(?!\d|,\d)"),
    Rule("year-spoken", r"(?:the\s+year\s+)?(?P<spoken>nineteen[\s-]+(?:(?:twenty|thirty|forty|"
                        r"fifty|sixty|seventy|eighty|ninety)(?:[\s-]+(?:one|two|three|four|five|"
                        r"six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                        r"sixteen|seventeen|eighteen|nineteen))"),
    Rule("year-spoken", r"the\s+year\s+(?P<spoken>two\s+thousand(?:\s+(?:and\s+)?(?:one|two|three|"
                        r"four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                        r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty))?)"),
    Rule("decade", r"(?:the\s+)?(?:(?P<pos>early|mid|late)[\s-]+)?(?P<decade>(?:1\d|20)\d0)['’]?s"),
    Rule("decade", r"(?:the\s+)?(?:(?P<pos>early|mid|late)[\s-]+)?['’](?P<short>\d0)['’]?s"),
    Rule("decade", r"the\s+(?:(?P<pos>early|mid|late)[\s-]+)?(?P<word>twenties|thirties|forties|"
                   r"fifties|sixties|seventies|eighties|nineties)"),
    Rule("century", r"(?:the\s+)?(?:(?P<pos>early|mid|late)[\s-]+)?<ORD>\s+century"),
    Rule("quarter", r"(?:the\s+)?(?:<YEAR4:year>\s+|(?P<rel>this|last|next|current|same|coming)"
                    r"\s+(?:year['’]s\s+)?)?(?:(?:fiscal|calendar)[\s-]+)?"
                    r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+"
                    r"(?:(?:fiscal|calendar)[\s-]+)?(?P<unit>quarter|half)"
                    r"(?:\s+of\s+(?:the\s+)?(?:(?:fiscal|calendar)\s+)?(?:year\s+)?"
                    r"<YEAR4:year2>)?"),
    # "third-quarter results": the article belongs to "results", not to the quarter
    Rule("quarter", r"(?:(?:fiscal|calendar)[\s-]+)?(?P<ord>first|second|third|fourth|1st|2nd|"
                    r"3rd|4th)-(?:(?:fiscal|calendar)-)?(?P<unit>quarter|half)"),
    Rule("quarter", r"(?-i:(?P<code>Q[1-4]))(?:\s+<YEAR4:year>)?"),
    Rule("season", rf"(?:(?P<rel>{DEICTIC})\s+|(?:the\s+)?(?P<pos>early|mid|late)[\s-]*)?"
                   r"(?:the\s+)?<SEASON>(?:\s+(?:of\s+)?<YEAR>)?", _bare_season_ok),
    Rule("holiday", r"(?:(?P<rel>last|next|this)\s+)?<HOLIDAY>(?:,?\s+<YEAR>)?"),
    # -- days relative to the publication date ---------------------------------------------
    Rule("weekday", rf"(?:(?P<rel>{DEICTIC}|(?:the\s+)?(?:previous|following|next)|early|late|"
                    r"earlier|later)\s+)?<WEEKDAY>(?:\s+(?P<part>morning|afternoon|evening|"
                    r"night|overnight))?"),
    Rule("deictic", r"(?:(?P<pos>early|late|earlier|later)\s+)?(?P<deictic>yesterday|today|"
                    r"tomorrow|tonight)(?:\s+(?P<part>morning|afternoon|evening|night))?"),
    Rule("deictic", r"(?:(?P<pos>early|late|earlier|later)\s+)?(?P<deictic>this|last)\s+"
                    r"(?P<part>morning|afternoon|evening|night)"),
    Rule("deictic", r"<PART:part>\s+(?P<deictic>yesterday|today|tomorrow)"),
    Rule("deictic", r"the\s+day\s+(?P<far>before\s+yesterday|after\s+tomorrow)"),
    Rule("deictic", r"(?P<part>overnight)"),
    Rule("weekend", r"the\s+weekend"),
    # -- units relative to the publication date, or to the last date mentioned --------------
    Rule("relative", rf"(?P<rel>{DEICTIC}|current|present|latest)\s+(?P<unit>{UNIT_WORDS})",
         _relative_ok),
    Rule("relative", rf"the\s+(?P<rel>current|present|latest|coming)\s+(?P<unit>{UNIT_WORDS})"),
    Rule("relative-position", rf"(?P<pos>earlier|later|{POSITION})(?:[\s-]+|\s+in\s+)"
                              rf"(?P<rel>this|last|next|the|that)\s+(?P<unit>{UNIT_WORDS}"
                              rf"|{SEASON_WORDS})"),
    Rule("relative-position", r"(?P<unit>year|month|week)(?:['’]s)?[\s-]end"),
    Rule("anaphoric", r"(?:(?P<pos>earlier|later|early|late)\s+)?(?P<ref>that|the\s+same|"
                      r"that\s+same)\s+(?P<unit>day|morning|afternoon|evening|night|week|"
                      r"weekend|month|year)"),
    Rule("anaphoric", r"the\s+(?P<ref>next|following|previous|preceding)\s+(?P<unit>day|morning|"
                      r"afternoon|evening|night)"),
    Rule("anaphoric", r"the\s+(?P<ref>following|previous|preceding)\s+(?P<unit>week|weekend|"
                      r"month|year)"),
    Rule("recent", r"the\s+(?P<rel>past|last|next)\s+(?P<unit>day|week|weekend|month|quarter|"
                   r"year|decade|century|hour|minute)(?:\s+or\s+so)?"),
    Rule("ago", r"(?:<APPROX:approx>\s+)?(?:<NUM:num>\s+)?(?:(?:more|full)\s+)?<UNIT>"
                r"(?:\s+or\s+so)?\s+ago"),
    # "the year-ago quarter", "year-earlier results": a year before the period just discussed
    Rule("year-ago", r"(?:the\s+(?:comparable\s+|corresponding\s+|same\s+)?)?year[\s-]"
                     r"(?:earlier|ago)\s+(?:(?:first|second|third|fourth)\s+)?"
                     r"(?:period|quarter|nine\s+months)"),
    Rule("year-ago", r"year-(?:earlier|ago)"),
    Rule("year", r"the\s+<YEAR4:year>\s+(?:period|fiscal\s+year|quarter)"),
    Rule("shift", r"(?:<APPROX:approx>\s+)?<NUM:num>\s+<UNIT>\s+(?P<dir>earlier|later)"),
    # -- durations --------------------------------------------------------------------------
    Rule("duration", r"(?:<APPROX:approx>\s+)?(?:(?P<the>the)\s+(?:(?P<rel>past|last|next|"
                     r"coming|previous|following|first|final|latest|remaining|initial|ensuing|"
                     r"preceding)\s+)?)?<NUM:num>\s+(?:(?:more|additional|full|straight|"
                     r"consecutive|long|whole|entire|extra|further)\s+)?(?:(?:trading|business|"
                     r"working|calendar|school)\s+)?<UNIT>(?P<half>\s+and\s+a\s+half)?"
                     r"(?:\s+or\s+so)?", _duration_ok),
    Rule("duration", r"<NUMH:num>-<UNIT_SG:unit>(?:-long)?(?!-old)"),  # not an age: "6-year-old"
    Rule("duration", r"(?P<unit>day|week|month|year|decade|century|hour)-long"),
    Rule("duration-vague", r"(?:the\s+)?(?P<rel>past|last|next|coming|recent|previous|following|"
                           r"early|first|final)\s+(?:(?:few|several|many|couple\s+of)\s+)?"
                           r"<UNIT_PL:unit>"),
    Rule("duration-vague", r"(?:for|over|within|in|after|took|take|takes|lasted|last|lasting|"
                           r"spent)\s+(?P<x>(?P<unit>years|months|weeks|days|hours|decades|"
                           r"centuries|minutes))"),
    Rule("duration-vague", r"(?P<unit>decades|years|months|weeks|days)-long"),
    # -- sets (recurring times) ---------------------------------------------------------------
    Rule("set", r"(?P<q>every|each)\s+(?:(?P<other>other)\s+)?(?:<NUM:num>\s+)?"
                r"(?:<UNIT>|<WEEKDAY>|<PART>|<SEASON>|<MONTH>)"),
    Rule("set", r"(?:once|twice|thrice|(?:\w+|\d+)\s+times)\s+(?P<x>an?\s+<UNIT_SG:unit>)"),
    # a rate: "four flights a week", "$1.76 a year", "24 hours a day" (TimeML: a set)
    Rule("set", r"(?:(?<![\d,.])\d[\d,.]*%?|\w+s)\s+(?P<x>an?\s+<UNIT_SG:unit>)"),
    Rule("set", r"<SET:adverb>"),
    Rule("set", r"<WEEKDAY>(?:s|\s+(?P<part>morning|afternoon|evening|night)s)"),
    # -- clock times ------------------------------------------------------------------------
    Rule("clock", rf"(?:(?P<approx>about|around|approximately|shortly\s+(?:before|after)|just\s+"
                  rf"(?:before|after))\s+)?{CLOCK}(?:\s+<TZ:tz>)?{DAY_REF}"),
    Rule("clock", r"(?P<hour>[01]\d|2[0-3])[:.]?(?P<minute>[0-5]\d)\s*(?P<tz>(?-i:GMT|UTC)|hrs|"
                  r"hours\s+(?:GMT|local\s+time)|local\s+time)"),
    Rule("clock", r"(?:at|from|until|till|by|around|about|before|after)\s+(?P<x>(?P<hour>[01]?\d"
                  r"|2[0-3]):(?P<minute>[0-5]\d)(?:\s+<TZ:tz>)?)"),
    Rule("clock", rf"(?P<part>noon|midday|midnight){DAY_REF}"),
    Rule("clock", r"(?P<hour>1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven"
                  r"|twelve)\s+(?:o['’]clock\s+)?in\s+the\s+(?P<part>morning|afternoon|evening)"),
    # -- vague references to the present, past and future ------------------------------------
    Rule("reference", r"<REF:ref>"),
)


_PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*)(?::(\w+))?>")


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    regex: re.Pattern[str]
    order: int
    # Lowercase words one of which every match contains (``required_words``); None: no such
    # words were found, the rule is tried on every text.
    needs: tuple[str, ...] | None = None


# Characters that a case-insensitive regular expression matches to an ASCII letter although
# their ``str.lower()`` is not that letter (İ and ı to i, ſ to s): in a text holding one, no
# rule is skipped for lack of its words.
_CASE_TRAPS = ("\u0130", "\u0131", "\u017f")


def required_words(pattern: str, flags: int = re.IGNORECASE) -> tuple[str, ...] | None:
    """Lowercase ASCII words one of which every match of ``pattern`` contains: a run of
    literal characters every match must go through, or one word of each branch of an
    alternation every match goes through (the longest such words found, so the test is as
    selective as the pattern allows). None when no part of the pattern is both literal and
    obligatory. Read from Python's own parse of the pattern; anything it does not know
    (another Python's parser) gives None, which only makes a rule be tried everywhere."""
    try:
        from re import _constants as c  # type: ignore[attr-defined]
        from re import _parser  # type: ignore[attr-defined]

        tree = _parser.parse(pattern, flags)
    except Exception:  # a parser this code does not know: no words
        return None

    def best(options: list[tuple[str, ...]]) -> tuple[str, ...] | None:
        usable = [o for o in options if o and all(w and w.isascii() for w in o)]
        if not usable:
            return None
        return max(usable, key=lambda o: (min(len(w) for w in o), -len(o)))

    def of_sequence(items: Iterable[tuple[Any, Any]]) -> tuple[str, ...] | None:
        options: list[tuple[str, ...]] = []
        run = ""
        for op, av in items:
            if op is c.LITERAL:
                run += chr(av).lower()
                continue
            if run:
                options.append((run,))
                run = ""
            found = of_item(op, av)
            if found:
                options.append(found)
        if run:
            options.append((run,))
        return best(options)

    def of_item(op: Any, av: Any) -> tuple[str, ...] | None:
        if op is c.SUBPATTERN:
            return of_sequence(av[3])
        if op is c.ATOMIC_GROUP:
            return of_sequence(av)
        if op is c.BRANCH:
            words: list[str] = []
            for alternative in av[1]:
                found = of_sequence(alternative)
                if not found:
                    return None
                words += found
            return tuple(sorted(set(words)))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
            return of_sequence(av[2])
        return None

    try:
        return of_sequence(tree)
    except Exception:  # an unknown node: no words
        return None


@cache
def compiled_rules() -> tuple[_Compiled, ...]:
    fragments = _fragments(vocabulary())

    def expand(pattern: str) -> str:
        def one(m: re.Match[str]) -> str:
            name, group = m.group(1), m.group(2)
            return fragments[name](group or name.lower())
        return _PLACEHOLDER.sub(one, pattern)

    out = []
    for order, rule in enumerate(RULES):
        body = expand(rule.pattern)
        regex = re.compile(rf"(?<![\w$£€#])(?:{body})(?!\w)", re.IGNORECASE)
        out.append(_Compiled(rule, regex, order, required_words(regex.pattern)))
    return tuple(out)


def find_mentions(text: str) -> list[Mention]:
    """Every time expression in ``text``, left to right, none overlapping: where rules
    disagree the longest expression wins, then the rule listed first."""
    candidates: list[tuple[int, int, int, Mention]] = []
    # A rule none of whose required words is in the text cannot match: not run (each rule
    # scans the whole text, and most texts hold the words of few rules).
    lowered = None if any(t in text for t in _CASE_TRAPS) else text.lower()
    for c in compiled_rules():
        if lowered is not None and c.needs and not any(w in lowered for w in c.needs):
            continue
        for m in c.regex.finditer(text):
            if not _capitalised(m) or (c.rule.accept and not c.rule.accept(text, m)):
                continue
            start, end = m.span("x") if "x" in c.regex.groupindex else m.span()
            if start < 0 or end <= start:
                continue
            parts = {k: v for k, v in m.groupdict().items() if v is not None and k != "x"}
            mention = Mention(start, end, text[start:end], c.rule.name, MappingProxyType(parts))
            # Rank by the whole match, context included: a rule that needed context to match
            # ("twice a year") is more specific than one that matches the extent alone.
            candidates.append((-(m.end() - m.start()), c.order, start, mention))
    candidates.sort(key=lambda t: t[:3])
    taken: list[Mention] = []
    for _, _, _, mention in candidates:
        if all(mention.end <= t.start or mention.start >= t.end for t in taken):
            taken.append(mention)
    return sorted(taken, key=lambda m: m.start)


def _capitalised(m: re.Match[str]) -> bool:
    for name in CAPITALISED_GROUPS:
        if name in m.re.groupindex:
            value = m.group(name)
            if value and not value[0].isupper():
                return False
    return True


def number_value(text: str) -> float | None:
    """The amount a number phrase counts: 3 for "three", 2.5 for "2 1/2"; None when vague
    ("several", "a few"), which TimeML writes as X."""
    vocab = vocabulary()
    words = " ".join(text.lower().replace("½", " 1/2").split())
    half = 0.5 if words.endswith(" and a half") or words.endswith(" 1/2") else 0.0
    words = words.removesuffix(" and a half").removesuffix(" 1/2").strip()
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", words):
        return float(words.replace(",", "")) + half
    listed = vocab.value("number", words)
    if listed is not None:
        return None if listed == "X" else float(listed) + half
    if re.fullmatch(r"half\s+an?", words):
        return 0.5
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", words):
        if word == "and":
            continue
        value = vocab.value("number", word)
        if value is None or value == "X":
            return None
        n = float(value)
        if n in (100.0, 12.0) and word in ("hundred", "dozen"):
            current = max(current, 1.0) * n
        elif n == 1000.0:
            total += max(current, 1.0) * 1000
            current = 0.0
        else:
            current += n
    return total + current + half
