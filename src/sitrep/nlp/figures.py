"""Figures: numbers as reported, with what they count and what happened to it.

The annotator ``figures`` reads every number phrase of a document's clean text (see
``numbers.py`` for how a phrase is read and for the value / low / high / vague conventions)
and keeps it as a :class:`~sitrep.records.Figure` when it is a count:

* **Skipped** (they are not counts; dates, times and names belong to other annotators):
  dates ("12 March", "May 26") and years ("since 2019"); times ("5 a.m."); measures, ages
  and durations, whose number is followed by or counts a unit of ``figure_units.tsv``'s
  ``measure`` section ("30 km", "110 miles", "a 22-year-old", "the past 24 hours", "10%");
  money (spaCy's MONEY entities, currency signs); percentages (PERCENT); ordinals (never
  read: "first", "3rd"); identifiers (phone numbers, long digit strings, numbers next to
  other numbers); and names ("Resolution 2334" after a ``label`` word of ``numbers.tsv``,
  "France 24", "Kurdistan 24": a number attached to a proper noun before it, or inside a
  name entity). The word "one" is kept only with a unit ("one protester died"): otherwise
  it is a pronoun or a determiner ("one of the sources said").
* **Kept with unit None**: counts of anything else ("26 assaults" → counted "assault",
  "87 times" → counted "time", "four armoured vehicles" captured → counted "vehicle"),
  and bare numbers whose counted thing is not in the sentence ("two were shot down").

``counted`` is the lemma of the noun the number counts: the noun it modifies ("12
soldiers", "several armoured vehicles"), or the object of its "of" ("dozens of
terrorists", "two of their fighters"); pronouns give None ("dozens of them").

``unit`` is what happened to the counted (``figure_units.tsv``), from the first of these
that applies; the name of the step is the second part of ``Figure.rule``:

==================  ========================================================================
``counted-noun``    the counted noun says it ("23 bodies" → dead, "dozens of wounded")
``modifier``        a word on the counted noun ("63 wounded people", "people abducted")
``predicate``       an adjective right after the phrase ("12 soldiers dead", "20 and 30 dead")
``object``          the object of a verb, or the subject of a passive ("killing at least 40
                    people", "40 were killed", "19 wounded"); two verbs sharing the object
                    combine ("killed and wounded dozens of them" → casualties)
``subject``         the subject of a verb that happens to it ("three people died", "fled")
``complement``      the verb's complement says it ("left six dead", "200 were taken
                    prisoner", "forced 300 families to flee")
``copula``          "12 are missing", "14 remain missing"
``noun-of``         the noun it is "of" ("mass executions of scores of soldiers" → executed)
``toll``            "the death toll rose to 54", "put the toll at 11", "put the number of
                    people abducted at around twenty" (the unit of what is put "at" or "to")
``part``            an "including" part of a clause's toll ("54 people had been killed …,
                    including nine civilians")
==================  ========================================================================

A figure inside "including …", an apposition or a coordination of nouns takes what happens
to the phrase it belongs to ("killing nine civilians, including three children"). The first
part of ``rule`` says how the number was read: ``digits``, ``words``, ``vague`` or ``range``.
When the parse is unsure the unit is left None rather than guessed: a wrong "killed" would
enter a fatality count, a missing one only costs recall.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal, cast

from spacy.tokens import Doc, Token

from ..lexicon import table
from ..records import Figure, Span
from .numbers import Reading, number_words, read_number
from .registry import Context, annotator

UNITS_TABLE = "figure_units.tsv"
LANGUAGE = "en"  # the language of the tables and rules

# spaCy entity labels whose numbers are not counts: amounts of money and percentages.
NOT_COUNT_ENTITIES = frozenset({"MONEY", "PERCENT"})
# Entity labels of names: a number inside one, next to a proper noun, is part of the name.
NAME_ENTITIES = frozenset({"ORG", "LAW", "PRODUCT", "WORK_OF_ART", "FAC", "EVENT", "PERSON",
                           "GPE", "LOC"})
# Month names as written, around a number that is then a day of a date ("12 March").
MONTHS = frozenset(m for m in (*calendar.month_name, *calendar.month_abbr) if m) | {"Sept"}
YEARS = range(1800, 2101)  # a bare four-digit number in this range is a year
LONG_DIGITS = 7  # digits without commas: phone numbers and identifiers, not counts
CURRENCY_SIGNS = frozenset("$€£¥₦₹")
# An ordinal written apart from its number ("the 77 th Great March").
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
# Dependencies by which a number or vague word modifies the noun it counts.
COUNT_DEPS = frozenset({"nummod", "amod", "quantmod", "compound", "det", "nmod", "advmod",
                        "npadvmod"})
# Dependencies that make a noun the one affected by a verb ("killed 12", "12 were killed").
OBJECT_DEPS = frozenset({"dobj", "obj", "nsubjpass", "oprd", "dative"})
# A verb with one of these has an object of its own, not one shared with a later verb.
OWN_OBJECT_DEPS = frozenset({"dobj", "obj", "nsubjpass"})
# Complements of a verb that say what its object ended up as ("left six dead").
COMPLEMENT_DEPS = frozenset({"oprd", "acomp", "attr", "xcomp"})
# Verbs that link a subject to its state ("14 remain missing", "five lay dead").
COPULAS = frozenset({"be", "remain", "lie", "stay"})
# Prepositions that put a number on a toll ("rose to 54", "put the toll at 11").
TOLL_PREPOSITIONS = frozenset({"at", "to"})
# "killing nine civilians, including three children": the part takes the whole's unit.
PART_PREPOSITIONS = frozenset({"including", "among"})
PART_CLIMB = 2  # clauses climbed from "including" to the verb whose toll it details
# "have" marks an active perfect: "had killed" is done by its subject, while a participle
# without it reads as a reduced passive ("19 wounded", "12 soldiers killed").
ACTIVE_AUXILIARIES = frozenset({"have"})


@dataclass(frozen=True)
class Verb:
    """A ``verb`` row of ``figure_units.tsv``."""

    unit: str
    patient: Literal["object", "subject"]  # which argument it happens to
    needs_person: bool  # "captured four vehicles" is not a count of captured people


@dataclass(frozen=True)
class UnitWords:
    """The table ``figure_units.tsv``, indexed by kind."""

    units: tuple[str, ...]
    verbs: Mapping[str, Verb]
    adjectives: Mapping[str, str]
    nouns: Mapping[str, str]
    counts: frozenset[str]
    combined: Mapping[frozenset[str], str]
    persons: frozenset[str]
    measures: frozenset[str]


@cache
def unit_words() -> UnitWords:
    rows = table(UNITS_TABLE)
    units = tuple(r[1] for r in rows if r[0] == "unit")
    known = set(units)

    def unit(name: str) -> str:
        if name not in known:
            raise ValueError(f"{UNITS_TABLE}: {name!r} is not a unit listed in the table")
        return name

    by_kind: dict[str, list[tuple[str, ...]]] = {}
    for row in rows:
        by_kind.setdefault(row[0], []).append(row[1:])
    return UnitWords(
        units=units,
        verbs={r[0]: Verb(unit(r[1]), cast(Literal["object", "subject"], r[2]),
                          len(r) > 3 and r[3] == "person")
               for r in by_kind.get("verb", [])},
        adjectives={r[0]: unit(r[1]) for r in by_kind.get("adjective", [])},
        nouns={r[0]: unit(r[1]) for r in by_kind.get("noun", [])},
        counts=frozenset(r[0] for r in by_kind.get("count", [])),
        combined={frozenset((unit(r[0]), unit(r[1]))): unit(r[2])
                  for r in by_kind.get("combined", [])},
        persons=frozenset(r[0] for r in by_kind.get("person", [])),
        measures=frozenset(r[0] for r in by_kind.get("measure", [])),
    )


@annotator("figures", assigns="figures")
def annotate_figures(ctx: Context) -> tuple[Figure, ...]:
    """Every count reported in the document, in text order. The number words and syntax
    rules are English: documents known to be in another language get none."""
    if ctx.document.language not in (None, LANGUAGE):
        return ()
    return tuple(find_figures(ctx.doc))


def find_figures(doc: Doc) -> Iterator[Figure]:
    """The figures of a parsed text (spaCy Doc), in text order."""
    words = [token.lower_ for token in doc]
    i = floor = 0
    while i < len(doc):
        reading = read_number(words, i, floor)
        if reading is None:
            i += 1
            continue
        i = floor = reading.end
        figure = _figure(doc, reading)
        if figure is not None:
            yield figure


def _figure(doc: Doc, r: Reading) -> Figure | None:
    if _not_a_count(doc, r):
        return None
    head = _number_head(doc, r)
    noun, anchor = _counted(head, r)
    words = unit_words()
    if noun is not None and _is_measure(noun):
        return None  # "two days of clashes", "thousands of gallons of oil"
    unit, how, owner = _unit(doc, r, noun, anchor)
    noun = noun if noun is not None else owner
    if noun is not None and (noun.pos_ == "PRON" or noun.lower_ in words.adjectives):
        noun = None  # "dozens of them", "11 dead": the unit already says it
    if unit is None and doc[r.number_start:r.number_end].text.lower() == "one":
        return None  # "one of the sources said"
    first, last = doc[r.start], doc[r.end - 1]
    start, end = first.idx, last.idx + len(last.text)
    return Figure(
        span=Span(start, end, doc[r.start:r.end].text.rstrip()),  # Doc.text re-joins every token
        value=r.value, low=r.low, high=r.high, qualifier=r.qualifier, vague=r.vague,
        unit=unit, counted=_lemma(noun) if noun is not None else None,
        rule=f"{r.how}+{how}" if how else r.how,
    )


# -- numbers that are not counts -----------------------------------------------------------

def _not_a_count(doc: Doc, r: Reading) -> bool:
    number = doc[r.number_start:r.number_end]
    before = doc[r.start - 1] if r.start > 0 else None
    after = _after(doc, r.end)
    return (
        any(t.ent_type_ in NOT_COUNT_ENTITIES for t in number)
        or (before is not None and (before.text in CURRENCY_SIGNS or before.is_currency))
        or (after is not None and after.lower_ in ORDINAL_SUFFIXES)
        or (after is not None and _is_measure(after) and after.dep_ != "compound")
        or _is_compound_modifier(doc, r.end)
        or _is_date(number, before, after)
        or _is_identifier(doc, r)
        or _is_name(number, before)
        or _is_age(doc, r)
    )


def _is_measure(token: Token) -> bool:
    measures = unit_words().measures
    forms = (token.lower_, token.lemma_.lower(), token.lower_.removesuffix("s"))
    return any(form in measures for form in forms)  # "Kilometers" is a PROPN to spaCy


def _is_compound_modifier(doc: Doc, end: int) -> bool:
    """"a five-member team", "a 5,000-strong force", "a million-man march": the number
    describes the noun after it, it does not count it."""
    if end + 1 >= len(doc) or doc[end].text not in ("-", "–"):
        return False
    return not doc[end - 1].whitespace_ and not doc[end].whitespace_ and doc[end + 1].is_alpha


def _is_age(doc: Doc, r: Reading) -> bool:
    """"Kervin Joseph Michel, 35, of Newark": a bare number set off after a person's name."""
    if r.start < 2 or r.end >= len(doc) or r.qualifier is not None:
        return False
    comma, name, closing = doc[r.start - 1], doc[r.start - 2], doc[r.end]
    return (comma.text in (",", "(") and closing.text in (",", ")")
            and name.ent_type_ == "PERSON" and name.pos_ == "PROPN")


def _after(doc: Doc, i: int) -> Token | None:
    """The word after a phrase, over a hyphen ("22-year-old", "40-strong")."""
    if i < len(doc) and doc[i].text in ("-", "–") and i + 1 < len(doc):
        return doc[i + 1]
    return doc[i] if i < len(doc) else None


def _is_date(number: Doc, before: Token | None, after: Token | None) -> bool:
    if any(t is not None and t.text in MONTHS for t in (before, after)):
        return True  # "12 March", "May 26", "since 17 October"
    token = number[0]
    if len(number) == 1 and token.text.isdigit() and int(token.text) in YEARS:
        # A year, unless it counts the noun after it and spaCy does not see a date.
        counts = token.dep_ == "nummod" and token.head.i > token.i and token.ent_type_ != "DATE"
        return not counts
    return False


def _is_identifier(doc: Doc, r: Reading) -> bool:
    text = doc[r.number_start].text
    if text.startswith(("+", "0")) and len(text) > 1:
        return True
    if text.isdigit() and len(text) >= LONG_DIGITS:
        return True
    neighbours = (doc[r.start - 1] if r.start > 0 else None,
                  doc[r.end] if r.end < len(doc) else None)
    return any(t is not None and t.text[:1].isdigit() for t in neighbours)


def _is_name(number: Doc, before: Token | None) -> bool:
    if before is None:
        return False
    if before.lower_ in number_words().labels:
        return True  # "Resolution 2334"
    token = number.root
    if before.pos_ == "PROPN" and before.text not in MONTHS and (
            token.head == before or before.head == token or token.dep_ == "appos"):
        return True  # "France 24 reported", "Kurdistan 24"
    if token.ent_type_ in NAME_ENTITIES and before.ent_iob_ != "O" and before.pos_ == "PROPN":
        return True  # inside a name spaCy found
    glued = before.text in ("-", "–") and before.i > 0 and not before.whitespace_
    return glued and before.nbor(-1).is_alpha and not before.nbor(-1).whitespace_  # "Su-25"


# -- what is counted ------------------------------------------------------------------------

def _number_head(doc: Doc, r: Reading) -> Token:
    """The token that links the number to the rest of the sentence."""
    root = doc[r.number_start:r.number_end].root
    if root.lower_ in ("to", "-", "–", "or", "and"):
        return doc[r.number_start]
    return root


def _counted(head: Token, r: Reading) -> tuple[Token | None, Token]:
    """The noun counted, and the token whose place in the sentence says what happened."""
    owner = head.head
    if head.dep_ in COUNT_DEPS and owner.i >= r.end and (
            owner.pos_ in ("NOUN", "PROPN") or owner.lower_ in unit_words().adjectives):
        if "\n" in head.doc[r.end - 1:owner.i].text:
            # A parse across paragraphs ("…, abduct seven\n\nBUNIA –"): the noun is not
            # what is counted, but its place in the sentence is still the number's.
            return None, owner
        return owner, owner  # "12 soldiers", "several armoured vehicles", "11 dead"
    of = _of_object(head, after=r.end)
    if of is not None:
        return of, head  # "dozens of terrorists", "two of their fighters"
    return None, head  # "40 were killed", "wounding 15"


def _of_object(token: Token, after: int = 0) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i >= after:
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    return None


def _lemma(noun: Token) -> str:
    if noun.lemma_ in unit_words().nouns:
        # "several soldiers prisoner", "bodies of soldiers": the people are named elsewhere.
        named = [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
        of = _of_object(noun, after=noun.i)
        if of is not None and of.pos_ != "PRON":
            return _lemma(of)
        if named:
            return _lemma(named[0])
    return noun.lemma_ if noun.pos_ == "PROPN" else noun.lemma_.lower()


# -- what happened to it --------------------------------------------------------------------

Found = tuple[str | None, str | None, Token | None]  # unit, rule, a noun found on the way


def _unit(doc: Doc, r: Reading, noun: Token | None, anchor: Token) -> Found:
    words = unit_words()
    if noun is not None:
        unit = words.nouns.get(noun.lemma_.lower()) or words.adjectives.get(noun.lower_)
        if unit:
            return unit, "counted-noun", None
    for child in (noun or anchor).children:
        unit = _modifier_unit(child)
        if unit and _fits(child, noun):
            return unit, "modifier", None
    after = _after(doc, max(r.end, noun.i + 1 if noun is not None else 0))
    state = _state(after) if after is not None and after.dep_ != "amod" else None
    if state:
        return state, "predicate", None
    anchor = _climb(anchor)
    found = _governor_unit(anchor, noun)
    return found if found[0] else _part_of_clause(anchor)


def _state(word: Token) -> str | None:
    """The unit of a state word ("dead", "missing", headline "killed"), unless it is the
    verb of a clause of its own ("two bombers killed eight", "bombers have killed")."""
    unit = unit_words().adjectives.get(word.lower_)
    if unit is None or word.pos_ == "ADJ":
        return unit
    acting = any(c.dep_ in ("dobj", "obj") or (c.dep_ == "aux" and c.lemma_ in ACTIVE_AUXILIARIES)
                 for c in word.children)
    return None if acting else unit


def _modifier_unit(child: Token) -> str | None:
    """A unit said by a word on the counted noun: "wounded people", "people killed"."""
    words = unit_words()
    if child.dep_ == "amod":
        return words.adjectives.get(child.lower_) or _verb_unit(child, passive=True)
    if child.dep_ == "acl":
        has_object = any(c.dep_ in ("dobj", "obj") for c in child.children)
        return _verb_unit(child, passive=child.tag_ == "VBN" and not has_object)
    if child.dep_ == "relcl":
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in child.children)
        return _verb_unit(child, passive=passive)
    return None


def _verb_unit(verb: Token, *, passive: bool) -> str | None:
    """The unit of ``verb`` for the noun it describes: its object when passive, its subject
    when the verb happens to its subject."""
    entry = unit_words().verbs.get(verb.lemma_.lower())
    if entry is None:
        return None
    if entry.patient == "subject" or passive:
        return entry.unit
    return None


def _climb(token: Token) -> Token:
    """From a conjunct, an apposition, an "including" part or a "total of" up to the phrase
    it belongs to."""
    for _ in range(8):
        if token.dep_ in ("conj", "appos") and token.head.pos_ in ("NOUN", "PROPN", "NUM"):
            token = token.head
        elif (token.dep_ == "pobj" and token.head.lower_ in PART_PREPOSITIONS
              and token.head.head.pos_ in ("NOUN", "PROPN", "NUM")):
            token = token.head.head
        elif (token.dep_ == "pobj" and token.head.lower_ == "of"
              and token.head.head.lemma_.lower() in unit_words().counts):
            token = token.head.head  # "a total of 649 individuals were arrested"
        else:
            break
    return token


def _part_of_clause(anchor: Token) -> Found:
    """"at least 54 people had been killed …, including nine civilians": "including" hangs
    on the verb, so the part takes the verb's unit (or the toll the verb puts)."""
    if not (anchor.dep_ == "pobj" and anchor.head.lower_ in PART_PREPOSITIONS):
        return None, None, None
    verb = anchor.head.head
    for _ in range(PART_CLIMB):  # "killed since the clashes erupted …, including": the
        entry = unit_words().verbs.get(verb.lemma_.lower())  # parser may hang it lower
        if entry is not None and verb.pos_ == "VERB":
            return entry.unit, "part", None
        unit, _, _ = _toll_unit(verb)
        if unit:
            return unit, "part", None
        verb = verb.head
    return None, None, None


def _governor_unit(anchor: Token, noun: Token | None) -> Found:
    words = unit_words()
    governor, dep = anchor.head, anchor.dep_
    if governor.dep_ in ("aux", "auxpass"):
        governor = governor.head  # a subject hung on "were" in "a dozen were missing"
    verb = words.verbs.get(governor.lemma_.lower()) if governor.pos_ in ("VERB", "AUX") else None
    patient = dep in OBJECT_DEPS or (dep == "nsubj" and _reduced_passive(governor))
    if patient and verb is not None and verb.patient == "object":
        if verb.needs_person and not _is_person(noun):
            return None, None, None
        unit = _shared(governor, verb.unit) if dep in ("dobj", "obj") else verb.unit
        return unit, "object", None
    if patient:
        unit = _complement_unit(governor)
        if unit:
            return unit, "complement", None  # "left six dead", "200 were taken prisoner"
    if dep == "nsubj":
        if verb is not None and verb.patient == "subject":
            return verb.unit, "subject", None
        state = _state(governor)
        if state:
            return state, "copula", None  # "a dozen were missing"
        if governor.lemma_ in COPULAS:
            unit = _complement_unit(governor)
            if unit:
                return unit, "copula", None  # "14 remain missing"
    if dep == "pobj" and governor.lower_ == "of":
        unit = words.nouns.get(governor.head.lemma_.lower())
        if unit:
            return unit, "noun-of", None
    if dep == "pobj" and governor.lower_ in TOLL_PREPOSITIONS:
        return _toll_unit(governor.head)
    return None, None, None


def _reduced_passive(verb: Token) -> bool:
    """"19 wounded", "12 soldiers killed": a participle without "have" has a patient subject."""
    return verb.tag_ == "VBN" and not any(
        c.dep_ in ("dobj", "obj") or (c.dep_ == "aux" and c.lemma_ in ACTIVE_AUXILIARIES)
        for c in verb.children)  # "two bombers killed eight" (mistagged VBN) is active


def _complement_unit(verb: Token) -> str | None:
    """What a verb's complement says its object or subject ended up as."""
    words = unit_words()
    for child in verb.children:
        if child.dep_ in COMPLEMENT_DEPS:
            unit = words.adjectives.get(child.lower_) or words.nouns.get(child.lemma_.lower())
            if unit or child.pos_ != "VERB":
                return unit
            return _verb_unit(child, passive=False)  # "forced 300 families to flee"
    return None


def _shared(verb: Token, unit: str) -> str:
    """"killed and wounded dozens": the object of the second verb is also the first's."""
    if verb.dep_ != "conj":
        return unit
    first = unit_words().verbs.get(verb.head.lemma_.lower())
    if first is None or any(c.dep_ in OWN_OBJECT_DEPS for c in verb.head.children):
        return unit  # "19 were wounded and dozens were neutralised": each has its own
    return unit_words().combined.get(frozenset((first.unit, unit)), unit)


def _toll_unit(verb: Token) -> Found:
    """"the death toll rose to 54", "put the number of people abducted at around twenty"."""
    words = unit_words()
    if verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
        unit = _verb_unit(verb, passive=True)
        if unit:
            return unit, "toll", verb.head
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass", "dobj"):
            continue
        unit = words.nouns.get(child.lemma_.lower())
        if unit:
            return unit, "toll", None
        of = _of_object(child)
        if child.lemma_.lower() in words.counts and of is not None:
            for modifier in of.children:
                unit = _modifier_unit(modifier)
                if unit:
                    return unit, "toll", of
    return None, None, None


def _fits(word: Token, noun: Token | None) -> bool:
    """Whether a "person" verb ("captured", "evacuated") may say what happened to ``noun``."""
    verb = unit_words().verbs.get(word.lemma_.lower())
    return verb is None or not verb.needs_person or _is_person(noun)


def _is_person(noun: Token | None) -> bool:
    """Whether the counted noun is people: bare numbers are ("40 were killed")."""
    if noun is None:
        return True
    return (noun.lemma_.lower() in unit_words().persons or noun.ent_type_ in ("NORP", "PERSON")
            or noun.pos_ == "PROPN")

