"""Times: time expressions, normalised against the document's publication date.

``timex_rules`` finds where the expressions are; ``timex_values`` and ``timex_relative`` say
what each means, with the calendar arithmetic of ``timex_readings``; this module is the
annotator that runs them over a document and reads the tense of each clause. The
publication day is the *anchor*: "yesterday", "on Friday", "last week" and "earlier this
month" are resolved against it, and a year-less "17 October" or "in November" is placed by the
tense of the verb it belongs to (a past-tense "said on Friday" looks back, a "will meet on
Friday" looks forward). Expressions that point at an earlier date in the text ("that day", "a
year earlier", "the next morning") are resolved against the last date mentioned before them.

Values are TimeML TIMEX3 values ("2014-06-13", "2014-W24", "2014-06", "P3D", "PAST_REF"), so the
output can be scored with TempEval-3's metrics; ``start``/``end`` is the inclusive interval of
days the expression covers ("earlier this month": the first of the month to the anchor; "in
the last week": the anchor minus seven days to the anchor). Without a publication date nothing
relative is guessed: such expressions are kept with no value and the rule ``unanchored`` (an
absolute "16 June 2014" still resolves, and a duration keeps its length).

``TimeRef.rule`` names the rule of ``timex_rules`` that found the expression; ``+since`` is
added when "since" made it the start of an interval running to the anchor, ``range`` marks
two dates joined as one ("from Monday to Wednesday"), and ``unresolved`` an expression found
but not placed (a "that day" with no day before it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from spacy.tokens import Doc, Token

from ..records import Document, Span, TimeRef
from .parsed import text_of
from .registry import Context, annotator
from .timex_readings import FUTURE, PAST, UNKNOWN, Reading, Situation, Unanchored
from .timex_rules import Mention, find_mentions
from .timex_values import RESOLVERS

DAY_PRECISIONS = ("datetime", "day")  # a publication date this precise is an anchor

# Words before a four-digit number that make it a count, not a year ("about 2000 troops").
COUNT_WORDS = frozenset({"about", "some", "nearly", "around", "over", "than", "least",
                         "almost", "approximately", "roughly", "to", "estimated", "only"})
# Words before an expression that make it the start of an interval running to the anchor.
SINCE = re.compile(r"\b(?:since|ever\s+since)\s*$", re.IGNORECASE)
# Between two dates, words that make them one range ("from 3 to 5 March", "between 2010 and
# 2014"); "and" only after "between", so that lists of dates stay apart.
RANGE_OPENERS = re.compile(r"\b(between|from)\s+$", re.IGNORECASE)
RANGE_JOINERS = {"between": re.compile(r"^\s*(?:and|-|–)\s*$"),
                 "from": re.compile(r"^\s*(?:to|until|till|through|-|–)\s*$", re.IGNORECASE)}


# -- the annotator ---------------------------------------------------------------------------------


def anchor_of(document: Document) -> date | None:
    """The publication day, when the document has one (day or finer precision)."""
    published = document.published
    if published is None or published.precision not in DAY_PRECISIONS:
        return None
    try:
        return date.fromisoformat(published.value[:10])
    except ValueError:
        return None


@annotator("times", assigns="times")
def find_times(ctx: Context) -> tuple[TimeRef, ...]:
    """Every time expression in the document's clean text, normalised (see the module doc)."""
    return resolve_times(ctx.document.text, ctx.doc, anchor_of(ctx.document))


def resolve_times(text: str, doc: Doc | None, anchor: date | None, *,
                  ranges: bool = True) -> tuple[TimeRef, ...]:
    """The times of ``text`` against ``anchor``; with ``ranges`` two dates joined as a range
    ("from Monday to Wednesday") become one TimeRef, else they stay two (as TimeML has it)."""
    refs: list[TimeRef] = []
    reference: Reading | None = None
    for mention in find_mentions(text):
        if not_a_time(mention, doc):
            continue
        situation = Situation(anchor, reference,
                              _lazy(lambda m=mention: tense_at(doc, m.start, m.end)))
        try:
            reading = RESOLVERS[mention.rule](mention, situation)
        except Unanchored:
            refs.append(_timeref(mention, None, None, "unanchored"))
            continue
        if reading is None:
            refs.append(_timeref(mention, None, anchor, "unresolved"))
            continue
        rule = mention.rule
        if _after_since(text, mention) and _is_point(reading) and anchor and reading.start and \
                reading.start <= anchor:
            reading, rule = replace(reading, end=anchor), f"{rule}+since"
        if _is_point(reading) and rule not in ANAPHORIC_SHIFTS:
            reference = reading  # "a year earlier" twice is not two years back: no chains
        used = reference_day(situation) if rule in ANAPHORIC_RULES else anchor
        refs.append(_timeref(mention, reading, used, rule))
    return tuple(merge_ranges(text, refs) if ranges else refs)


# Rules resolved against the last date mentioned, not the publication date.
ANAPHORIC_SHIFTS = frozenset({"shift", "year-ago"})
ANAPHORIC_RULES = ANAPHORIC_SHIFTS | {"anaphoric"}


def _is_point(reading: Reading) -> bool:
    """A date or time with an interval (not a duration, set or vague reference)."""
    return reading.kind in ("date", "time") and reading.start is not None and \
        "REF" not in (reading.value or "")


def _after_since(text: str, mention: Mention) -> bool:
    return SINCE.search(text[max(0, mention.start - 20):mention.start]) is not None


def reference_day(situation: Situation) -> date | None:
    ref = situation.reference
    return ref.start if ref is not None and ref.start is not None else situation.anchor


def _timeref(m: Mention, reading: Reading | None, anchor: date | None, rule: str) -> TimeRef:
    span = Span(m.start, m.end, m.text)
    used = anchor.isoformat() if anchor else None
    if reading is None:
        return TimeRef(span, None, "unknown", None, None, used, rule)
    return TimeRef(span, reading.value, reading.granularity,
                   reading.start.isoformat() if reading.start else None,
                   reading.end.isoformat() if reading.end else None, used, rule, reading.kind)


def _lazy(compute: Callable[[], int]) -> Callable[[], int]:
    cached: list[int] = []

    def get() -> int:
        if not cached:
            cached.append(compute())
        return cached[0]
    return get


def not_a_time(mention: Mention, doc: Doc | None) -> bool:
    """A bare four-digit number that the parse shows counts something is not a year: "killed
    2000 people", "about 1900 troops" (a year before a plural noun, "the 1992 protests",
    stays)."""
    if doc is None or mention.rule != "year" or len(mention.parts) > 1:
        return False
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or span.start == 0:
        return False
    token, before = span.root, doc[span.start - 1]
    counted = token.dep_ in ("nummod", "quantmod") and token.head.tag_ in ("NNS", "NNPS")
    return counted and (before.pos_ == "VERB" or before.lower_ in COUNT_WORDS)


def merge_ranges(text: str, refs: list[TimeRef]) -> list[TimeRef]:
    """"from Monday to Wednesday", "between 2010 and 2014": two dates become one range. Two
    weekdays resolved apart (Monday as today, Wednesday as last week's) are put in one week."""
    out: list[TimeRef] = []
    i = 0
    while i < len(refs):
        a, b = refs[i], refs[i + 1] if i + 1 < len(refs) else None
        opener = RANGE_OPENERS.search(text[max(0, a.span.start - 10):a.span.start])
        if (b is not None and opener and a.kind == b.kind == "date" and a.start and b.end
                and a.granularity == b.granularity and RANGE_JOINERS[opener.group(1).lower()]
                .match(text[a.span.end:b.span.start])):
            first = a.start
            if a.rule == b.rule == "weekday" and b.start and first > b.start:
                first = (date.fromisoformat(first) - timedelta(days=7)).isoformat()
            if first <= b.end:
                span = Span(a.span.start, b.span.end, text[a.span.start:b.span.end])
                value = f"{first if a.rule == 'weekday' else a.value}/{b.value}"
                out.append(TimeRef(span, value, a.granularity, first, b.end, a.anchor, "range"))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


# -- tense of the clause an expression belongs to --------------------------------------------------


# Verbs' auxiliaries that put a clause in the future ("will meet on Friday").
FUTURE_AUXILIARIES = frozenset({"will", "'ll", "ll", "shall", "wo", "’ll"})
# Verbs whose dates lie ahead even in the past tense ("planned a march on Saturday", "the vote
# was scheduled for 18 June"). Not "set" ("set fire to a post on Friday") nor "vow" and
# "threaten", whose own date is past: what they announce is an infinitive, handled as such.
PLANNING_VERBS = frozenset({"plan", "schedule", "expect", "postpone", "slate", "intend"})
# Words just before an expression that make it a deadline or an earliest date: ahead.
FUTURE_SIGNALS = re.compile(
    r"\b(?:until|till|ahead\s+of|as\s+soon\s+as|as\s+early\s+as|no\s+later\s+than|"
    r"no\s+earlier\s+than|due|effective|payable|expires?|expiring)\s+(?:on\s+)?$",
    re.IGNORECASE)


def tense_at(doc: Doc | None, start: int, end: int) -> int:
    """PAST, FUTURE or UNKNOWN for the clause the characters ``start:end`` belong to: the
    first finite verb up the parse tree decides ("said on Friday" PAST, "will meet on Friday"
    FUTURE); an infinitive on the way looks ahead unless that verb is past ("plans to meet on
    Friday" FUTURE, "abducted people travelling to Djibo on Sunday" PAST)."""
    if doc is None:
        return UNKNOWN
    if FUTURE_SIGNALS.search(text_of(doc)[max(0, start - 25):start]):
        return FUTURE
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return UNKNOWN
    token: Token = span.root
    infinitive = participle = False
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX") and not (span.start <= token.i < span.end):
            own = finite_tense(token)
            if own is not None:
                return FUTURE if infinitive and own != PAST else own
            infinitive = infinitive or any(c.lower_ == "to" and c.dep_ == "aux"
                                           for c in token.children)
            participle = participle or token.tag_ == "VBN"
        if token.head.i == token.i:
            break
        token = token.head
    if infinitive:
        return FUTURE
    return PAST if participle else UNKNOWN  # "the convoy attacked on Friday"


def finite_tense(verb: Token) -> int | None:
    """The tense of a finite verb group, or None for a non-finite verb (infinitive,
    participle) whose tense comes from the verb it depends on."""
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.lower_ != "to"]
    words = {a.lower_ for a in auxiliaries}
    if verb.lemma_.lower() in PLANNING_VERBS or words & FUTURE_AUXILIARIES or "would" in words:
        return FUTURE  # "planned a march on Saturday", "said he would meet them on Friday"
    if verb.tag_ == "VBN" and words & {"has", "have", "had", "'ve", "'d"}:
        return PAST  # "has met", "could have met"
    if any(a.tag_ == "MD" for a in auxiliaries):
        return UNKNOWN  # could, may, might: neither here nor there
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxiliaries):
        return PAST
    if verb.tag_ == "VBG" and words & {"is", "are", "am", "'s", "'re"}:
        return FUTURE  # "is meeting on Friday"
    if verb.tag_ in ("VBZ", "VBP") or auxiliaries:
        return UNKNOWN
    return None
