"""Place recognition: where a document names places, and the gazetteer entries each name may be.

Recognition does not trust entity labels alone (the small English model labels some Arabic town
names PERSON): every proper-noun run and every GPE/LOC/FAC/ORG/PERSON/NORP entity is matched against
the gazetteer, longest name first. Demonyms ("the Syrian border", "Somali forces") are mentions
of their country. "Town, State" qualifiers ("Gainesville, Ga.") are attached to the mention they
qualify; names that are people or plain words here ("President Jackson", an outlet's name) are
dropped. Which candidate a mention is, is decided in ``place_resolution``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ..ingest.outlets import find_outlet
from ..lexicon import table
from ..records import Place
from .countries import country_of
from .gazetteer import COUNTRY_CODES, Gazetteer, Match
from .parsed import ents_of
from .toponyms import fold_toponym

# Entity labels whose spans are searched for place names (the model's labels are unreliable
# for rare names: Arabic town names as PERSON, "Rapides Parish" inside an ORG).
SEARCHED_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "PERSON", "NORP"})
# Labels that make a matched name a place without further evidence.
PLACE_LABELS = frozenset({"GPE", "LOC"})
# Lower-case words allowed inside a proper-noun run ("Isle of Man", "Jisr al-Shughur").
RUN_CONNECTORS = frozenset({"of", "de", "del", "al", "el", "ad", "as", "ash", "an", "ar", "az",
                            "-", "and", "la", "le", "du", "des", "upon", "on"})
# Words a place name does not start with ("El Fasher", "Al Anbar", "La Paz" do start with their
# article, capitalized).
NOT_FIRST_WORDS = frozenset({"of", "and", "-", "upon", "on", "the"})
# Words in capitals at least this long are searched like proper nouns.
MIN_CAPITALS_WORD = 4
# Longest place name tried, in tokens ("Bosnia and Herzegovina", "Ain al - Asad air base").
MAX_NAME_TOKENS = 7
# Nouns that, with "of", announce a place: "the town of Sinjar", "the province of Idlib".
PLACE_NOUNS = frozenset({"town", "city", "village", "province", "district", "region", "area",
                         "capital", "governorate", "state", "county", "country", "suburb",
                         "neighbourhood", "neighborhood", "camp", "outskirts", "port",
                         "island", "islands", "municipality", "commune", "locality",
                         "prefecture", "department", "oblast", "valley", "hamlet"})
# Area words that make a partial match inside an organisation's name explicit ("Laurel County
# Sheriff's Office"): the name says what kind of place it is.
AREA_WORDS = frozenset({"county", "parish", "province", "governorate", "district", "state",
                        "region", "oblast", "borough", "township"})
# Capitalised words of a state body a demonym may open ("the Somali National Army").
INSTITUTION_WORDS = frozenset({"army", "armed", "forces", "force", "military", "navy", "police",
                               "government", "national", "security", "defence", "defense",
                               "guard", "republican", "special", "air"})
# An area is named like a town inside it (shadowed: a bare name means the town) when the town
# (named exactly so) holds at least this share of a province's people (Alexandria, Baghdad;
# not Maryland City in Maryland).
SHADOWING_TOWN_SHARE = 0.2


@dataclass
class Mention:
    start: int  # token offsets in the Doc
    end: int
    matches: tuple[Match, ...]
    label: str  # entity label around it, "" for a bare proper-noun run
    whole: bool  # the match is the whole entity or run
    rule: str
    qualifier: Place | None = None  # "Town, State": the state
    demonym: bool = False
    scores: dict[str, float] = field(default_factory=dict)
    chosen: Match | None = None

    @property
    def key(self) -> str:
        return self.matches[0].place.id if self.demonym else ""


@cache
def place_cues() -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = defaultdict(set)
    for kind, words in table("place_cues.tsv"):
        kinds[kind].add(words)
    return {kind: frozenset(words) for kind, words in kinds.items()}


# -- finding mentions ------------------------------------------------------------------------------

def _regions(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges to search: searched entities and proper-noun runs, overlaps merged."""
    ranges = [(e.start, e.end) for e in ents_of(doc) if e.label_ in SEARCHED_LABELS]
    i = 0
    while i < len(doc):
        if _is_proper(doc[i]):
            j = i + 1
            while j < len(doc) and (_is_proper(doc[j]) or (
                    doc[j].lower_ in RUN_CONNECTORS and j + 1 < len(doc)
                    and _is_proper(doc[j + 1]))):
                j += 1
            ranges.append((i, j))
            i = j
        else:
            i += 1
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _is_proper(token: Token) -> bool:
    """A proper noun, or a word in capitals (datelines: "OUAGADOUGOU —" is tagged a noun)."""
    return (token.pos_ == "PROPN" or (token.tag_ in ("NNP", "NNPS") and token.text[:1].isupper())
            or (len(token.text) >= MIN_CAPITALS_WORD and token.is_upper and token.is_alpha))


def find_mentions(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    mentions = _gazetteer_mentions(doc, gazetteer)
    covered = {i for m in mentions for i in range(m.start, m.end)}
    for ent in ents_of(doc):
        if (ent.label_ in PLACE_LABELS and not covered.intersection(range(ent.start, ent.end))
                and not _not_place(ent.text) and not any(ch.isdigit() for ch in ent.text)):
            mentions.append(Mention(ent.start, ent.end, (), ent.label_, True,
                                    rule="ner-unresolved"))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _gazetteer_mentions(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    mentions: list[Mention] = []
    gpe = {(e.start, e.end) for e in ents_of(doc) if e.label_ == "GPE"}
    streets = place_cues().get("street-word", frozenset())
    for start, end in _regions(doc):
        if end - start > 1 and doc[end - 1].lower_ in streets:
            label, _ = _label(doc, start, end)
            mentions.append(Mention(start, end, (), label, True, rule="street"))
            continue
        i = start
        while i < end:
            modifier = _modifier_demonym(doc, gazetteer, i, end)
            if modifier is not None:  # "a Somali army base": Somalia, not Ethiopia's Somali
                mentions.append(modifier)
                i = modifier.end
                continue
            found = _longest_match(doc, gazetteer, i, end, gpe)
            if found is None:
                demonym = _demonym(doc, gazetteer, i, end)
                if demonym is not None:
                    mentions.append(demonym)
                    i = demonym.end
                else:
                    i += 1
                continue
            j, matches = found
            label, whole = _label(doc, i, j)
            mentions.append(Mention(i, j, matches, label, whole, rule="gazetteer"))
            i = j
    return mentions


def _longest_match(doc: Doc, gazetteer: Gazetteer, i: int, end: int,
                   gpe: set[tuple[int, int]]) -> tuple[int, tuple[Match, ...]] | None:
    """The longest name starting at token ``i`` (an abbreviation such as "W.Va." only when
    the model labels exactly it a GPE)."""
    first = doc[i]
    if first.lower_ in NOT_FIRST_WORDS or not first.text[:1].isupper():
        return None  # "the El Fasher …" is matched from "El"
    for j in range(min(end, i + MAX_NAME_TOKENS), i, -1):
        last = doc[j - 1]
        if last.lower_ in RUN_CONNECTORS or (last.is_punct and last.text != "."):
            continue
        text = doc[i:j].text
        if _not_place(text):
            continue
        found = gazetteer.lookup(text)
        if (i, j) in gpe and _abbreviation(text) and any(m.kind == "qualifier" for m in found):
            matches = tuple(m for m in found if m.kind == "qualifier")  # "Pa.", "W.Va."
        else:
            matches = tuple(m for m in found if m.kind != "qualifier")
        if matches and not _only_loose_short(text, matches):
            return j, matches
    return None


def _not_place(text: str) -> bool:
    """A word of the not-place list (compared in lower case, a final period dropped: "St." is
    listed as "st", while "U.S." stays "u.s")."""
    return text.lower().rstrip(".") in place_cues().get("not-place", ())


def _abbreviation(text: str) -> bool:
    """"Pa.", "W.Va.", "NSW": written as an abbreviation."""
    letters = text.replace(".", "").replace(" ", "")
    return text.endswith(".") or (letters.isupper() and len(letters) <= 3)


def _only_loose_short(text: str, matches: tuple[Match, ...]) -> bool:
    """A short word that matches only on loose keys is a different word ("Iran" ~ "Irana")."""
    return all(m.loose for m in matches) and len(text) <= 5


def _label(doc: Doc, start: int, end: int) -> tuple[str, bool]:
    for ent in ents_of(doc):
        if ent.start <= start and end <= ent.end:
            return ent.label_, (ent.start, ent.end) == (start, end)
    # Whole when no proper noun adjoins it (only the neighbours are looked at: walking the
    # whole run of proper nouns made a text of many capitalised words quadratic).
    whole = not ((start > 0 and _is_proper(doc[start - 1]))
                 or (end < len(doc) and _is_proper(doc[end])))
    return "", whole


def _demonym(doc: Doc, gazetteer: Gazetteer, i: int, end: int) -> Mention | None:
    """"Syrian", "Sri Lankan", "Palestinians" → the country, as a mention."""
    for j in range(min(end, i + 3), i, -1):
        if not all(t.text[:1].isupper() for t in doc[i:j]):
            continue  # "Republic of", "Korea, Republic of": not a demonym
        label, whole = _label(doc, i, j)
        if j < len(doc) and _is_proper(doc[j]) and not (label == "NORP" and whole):
            continue  # "Indian Orchard", "American Red Cross": part of another name
        text = doc[i:j].text
        code = country_of(text)
        if code is None and text.endswith("s") and len(text) > 4:
            code = country_of(text[:-1])
        if code is None or _not_place(text):
            continue
        place = gazetteer.country(code)
        if place is None:
            return None
        name = place.name
        match = Match(place, "alternate", False)
        demonym = fold_toponym(text) != fold_toponym(name) and not gazetteer.lookup(text)
        return Mention(i, j, (match,), label, whole, rule="demonym" if demonym else "country",
                       demonym=demonym)
    return None


def _modifier_demonym(doc: Doc, gazetteer: Gazetteer, i: int, end: int) -> Mention | None:
    """A demonym that modifies a noun ("Somali forces", "the Somali National Army") is the
    country's, even where a province bears the same name; "the Somali region" is not."""
    tok = doc[i]
    head = tok.head
    if tok.dep_ not in ("amod", "compound") or head.i <= i or not tok.text[:1].isupper() \
            or head.lower_ in AREA_WORDS or head.lower_ in PLACE_NOUNS:
        return None
    if head.pos_ != "NOUN" and not (head.pos_ == "PROPN" and head.lower_ in INSTITUTION_WORDS):
        return None  # "Indian Ocean", "Arabian Peninsula": a name of its own
    code = country_of(tok.text)
    country = gazetteer.country(code) if code else None
    if country is None or fold_toponym(tok.text) == fold_toponym(country.name) \
            or _not_place(tok.text) \
            or any(x.place.id == country.id for x in gazetteer.lookup(tok.text)):
        return None  # a country's own name ("Sudan army", "US forces") goes the usual way
    label, whole = _label(doc, i, i + 1)
    return Mention(i, i + 1, (Match(country, "alternate", False),), label, whole,
                   rule="demonym", demonym=True)


# -- qualifiers: "Town, State" ---------------------------------------------------------------------

def attach_qualifiers(doc: Doc, gazetteer: Gazetteer, mentions: list[Mention]) -> None:
    """"Gainesville, Ga.", "Alexandria, Egypt": the second names the area of the first."""
    by_start = {m.start: m for m in mentions}
    added = []
    for m in mentions:
        comma = m.end
        if not m.matches or comma + 1 >= len(doc) or doc[comma].text != ",":
            continue
        if any(is_area(x.place) for x in m.matches):
            continue  # "Spain, Italy and …", "Georgia, Russia": a list, not "Town, State"
        nxt = by_start.get(comma + 1)
        if nxt is not None:
            shadowed = shadowed_areas(nxt.matches)
            areas = [x for x in nxt.matches
                     if is_area(x.place) and x.place.id not in shadowed]
            if areas:
                m.qualifier = _best_area(areas, m)
                continue
        for j in range(min(len(doc), comma + 4), comma + 1, -1):
            found = gazetteer.lookup(doc[comma + 1:j].text)
            shadowed = shadowed_areas(found)
            areas = [x for x in found if is_area(x.place) and x.place.id not in shadowed]
            if areas and doc[comma + 1].text[:1].isupper():
                m.qualifier = _best_area(areas, m)
                if nxt is None:
                    added.append(Mention(comma + 1, j, tuple(areas), "", True,
                                         rule="qualifier"))
                break
    mentions.extend(added)
    mentions.sort(key=lambda m: m.start)


def is_area(place: Place) -> bool:
    return place.feature_code in COUNTRY_CODES or place.feature_code == "ADM1"


def _best_area(areas: list[Match], mention: Mention) -> Place:
    """The area that holds one of the mention's candidates, else the first."""
    for area in areas:
        if any(is_inside(c.place, area.place) for c in mention.matches):
            return area.place
    return areas[0].place


def is_inside(place: Place, area: Place) -> bool:
    if area.feature_code in COUNTRY_CODES:
        return place.country == area.country and place.id != area.id
    return place.admin1 is not None and place.admin1 == area.admin1 and place.id != area.id


def shadowed_areas(matches: tuple[Match, ...]) -> set[str]:
    """Areas named like a town inside them ("Alexandria" governorate, "Mosul" district):
    a bare name means the town."""
    towns = [x for x in matches
             if x.place.feature_class == "P" and x.kind == "name" and not x.loose]
    shadowed = set()
    for x in matches:
        code = x.place.feature_code
        big = [t for t in towns
               if t.place.population >= SHADOWING_TOWN_SHARE * x.place.population]
        province = code == "ADM1" and any(t.place.admin1 == x.place.admin1 for t in big)
        district = code == "ADM2" and any(x.admin2 and t.admin2 == x.admin2 for t in towns)
        if province or district:
            shadowed.add(x.place.id)
    return shadowed


# -- people and plain words ------------------------------------------------------------------------

def is_person_or_word(doc: Doc, m: Mention, mentions: list[Mention]) -> bool:
    """Names that are people or plain words here, whatever the gazetteer has."""
    cues = place_cues()
    before = doc[m.start - 1] if m.start > 0 else None
    if before is not None and before.lower_.rstrip(".") in cues.get("person-title", ()):
        return True
    span = doc[m.start:m.end]
    if m.label == "ORG" and find_outlet(entity_of(doc, m.start).text) is not None:
        return True
    if find_outlet(span.text) is not None and m.label != "GPE":
        return True
    if m.label in PLACE_LABELS or m.demonym or m.qualifier is not None:
        return False
    after = doc[m.end] if m.end < len(doc) else None
    if after is not None and after.lower_ in cues.get("person-after", ()) and m.end - m.start == 1:
        return True
    return m.end - m.start == 1 and span.text in _person_words(doc)


def entity_of(doc: Doc, token: int) -> SpacySpan:
    for ent in ents_of(doc):
        if ent.start <= token < ent.end:
            return ent
    return doc[token:token + 1]


def _person_words(doc: Doc) -> frozenset[str]:
    """Words of the document's multi-word PERSON names ("Andrew Jackson" → Jackson), less the
    words the model also labels a place somewhere in the document."""
    people, places = set(), set()
    for ent in ents_of(doc):
        if ent.label_ == "PERSON" and len(ent) > 1:
            people.update(t.text for t in ent if t.text[:1].isupper())
        elif ent.label_ in PLACE_LABELS:
            places.update(t.text for t in ent)
    return frozenset(people - places)
