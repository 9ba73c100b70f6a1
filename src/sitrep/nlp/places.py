"""Places: find place names in a document and resolve each to a gazetteer entry.

Recognition does not trust entity labels alone (the small English model labels some Arabic town
names PERSON): every proper-noun run and every GPE/LOC/FAC/ORG/PERSON/NORP entity is matched against
the gazetteer, longest name first. A match inside a GPE or LOC entity is a place; elsewhere it
must earn it — a country, province or big city; a cue such as "in", "the town of"; or a place
that agrees with the rest of the document. Demonyms ("the Syrian border") resolve to their
country.

Resolution scores each candidate by population and kind (country > province > capital >
town), how the name matched (name > alternate name > transliteration variant), a "Town,
State" qualifier, and agreement with the other places of the document: its country and
province shares, and distance to the places already resolved. The same name is resolved the
same way throughout a document.

Cues give each mention a role: "close to the Syrian border", "30 km south of Djibo" are
relations (precision "near"), "to neighboring Jordan" a destination, "fled from X" an origin.
Precision follows UCDP's where_prec: exact point, near, admin2, admin1, country (or region).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from ..ingest.outlets import find_outlet
from ..lexicon import table
from ..records import Place, PlaceCandidate, PlaceRef, Span, WherePrecision
from .countries import country_of
from .gazetteer import COUNTRY_CODES, Gazetteer, Match, load_gazetteer
from .registry import Context, annotator
from .toponyms import fold

# -- recognition --------------------------------------------------------------------------------
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
# Prepositions whose object is usually a place.
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "into", "across", "outside", "from",
                                   "to", "toward", "towards", "around", "inside", "throughout"})
# Area words that make a partial match inside an organisation's name explicit ("Laurel County
# Sheriff's Office"): the name says what kind of place it is.
AREA_WORDS = frozenset({"county", "parish", "province", "governorate", "district", "state",
                        "region", "oblast", "borough", "township"})

# -- resolution ---------------------------------------------------------------------------------
# log10(population) is divided by this: a city of 10 million scores 1.0.
POPULATION_SCALE = 7.0
# Feature kinds: countries first, then provinces and capitals. Areas also get only a share of
# their summed population, so a town outranks the district named after it ("Mosul").
FEATURE_BONUS = {"PCLI": 1.2, "CONT": 0.9, "ADM1": 0.45, "PPLC": 0.5, "ADM2": 0.0,
                 "RGN": 0.4, "DAM": 0.6, "CMP": 0.6, "INSM": 0.6, "AIRB": 0.6, "PS": 0.6,
                 "MFG": 0.6, "PPLX": 0.3, "SEA": 0.5, "GULF": 0.5, "MTS": 0.3, "PEN": 0.4,
                 "ISL": 0.3}
AREA_POPULATION_SHARE = {"ADM1": 0.5, "ADM2": 0.15}
ALTERNATE_PENALTY = 0.15  # matched an alternate name, not GeoNames' main name
LOOSE_PENALTY = 0.35  # matched only on the transliteration-tolerant key
QUALIFIER_BONUS = 3.0  # "Gainesville, Ga.": inside the named state
COUNTRY_WEIGHT = 1.2  # × share of the document's other places in the candidate's country
NEIGHBOUR_WEIGHT = 0.6  # × share in the countries bordering the candidate's (Gaza by Israel)
ADMIN1_WEIGHT = 1.4  # × share in the candidate's province / state
NEAR_WEIGHT = 0.6  # a resolved place of the document lies within NEAR_KM
NEAR_KM = 150.0
# Rounds of re-scoring with the other names' votes.
CONTEXT_ROUNDS = 3
# Softmax temperature turning a name's candidate scores into the probabilities it votes with.
VOTE_TEMPERATURE = 0.15
# A name's best candidate at this probability counts as resolved for the distance cue.
CONFIDENT = 0.6
# An area named like a town inside it loses this much (see _shadowed_areas).
SHADOWED_AREA_PENALTY = 0.6
# …when the town (named exactly so) holds at least this share of a province's people
# (Alexandria, Baghdad; not Maryland City in Maryland).
SHADOWING_TOWN_SHARE = 0.2
# …and a town loses it when a same-named area of its country is this many times bigger.
DWARFING_AREA_FACTOR = 20
# A mention with no place label is kept only if its place is at least this big, is a
# country/province, or the document backs it (cue, province or nearby place).
WEAK_MIN_POPULATION = 200_000
# Weak mentions backed by the document must be in a country holding this share of it.
WEAK_COUNTRY_SHARE = 0.25
# The model's LOC (mountains, seas, regions) resolved to a town smaller than this is the
# gazetteer lacking the feature ("Pacific" → Pacific, Missouri): the mention stays unresolved.
LOC_TOWN_MIN_POPULATION = 50_000
# Feature codes of seas, lakes, islands, mountains and regions (GeoNames H, L, T classes).
NATURAL_FEATURE_CODES = frozenset({"OCN", "SEA", "GULF", "LK", "ISL", "MTS", "PEN", "RGN",
                                   "CONT"})
LOC_FEATURE_BONUS = 0.8
# "the Mopti region", "Idlib province": the word after the name asks for an area.
AREA_WORD_BONUS = 0.8
# How many candidates a PlaceRef keeps.
KEPT_CANDIDATES = 5
# Capitalised words of a state body a demonym may open ("the Somali National Army").
INSTITUTION_WORDS = frozenset({"army", "armed", "forces", "force", "military", "navy", "police",
                               "government", "national", "security", "defence", "defense",
                               "guard", "republican", "special", "air"})
# A small town abroad that nothing else in the document points to, in a document that is
# clearly about another country ("the village of Lala" in a Congo story is not Lāla, India):
# the gazetteer lacks the right one; better unresolved than wrong by a continent.
STRAY_MAX_POPULATION = 100_000
STRAY_MAX_SHARE = 0.05  # of the document's other place votes in the town's country
STRAY_MAIN_SHARE = 0.5  # the main country's share of those votes
PRECISION_OF_CODE: dict[str, WherePrecision] = {
    "PCLI": "country", "ADM1": "admin1", "ADM2": "admin2", "CONT": "region", "RGN": "region",
    "SEA": "region", "GULF": "region", "MTS": "region", "PEN": "region"}
EARTH_RADIUS_KM = 6371.0088


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
def _cues() -> dict[str, frozenset[str]]:
    kinds: dict[str, set[str]] = defaultdict(set)
    for kind, words in table("place_cues.tsv"):
        kinds[kind].add(words)
    return {kind: frozenset(words) for kind, words in kinds.items()}


@annotator("places", assigns="places")
def find_places(ctx: Context) -> tuple[PlaceRef, ...]:
    """PlaceRefs of every place mention in the document, in text order."""
    return resolve_places(ctx.doc, load_gazetteer(), skip=_cited_spans(ctx))


def _cited_spans(ctx: Context) -> tuple[tuple[int, int], ...]:
    return tuple((c.span.start, c.span.end) for c in ctx.document.cited_sources if c.span)


def resolve_places(doc: Doc, gazetteer: Gazetteer, *,
                   skip: Iterable[tuple[int, int]] = ()) -> tuple[PlaceRef, ...]:
    """The annotator's work on a parsed text (``skip``: character ranges that are not
    content, such as cited-source lines)."""
    skipped = tuple(skip)
    mentions = [m for m in _find_mentions(doc, gazetteer)
                if not any(s <= doc[m.start].idx < e for s, e in skipped)]
    _attach_qualifiers(doc, gazetteer, mentions)
    mentions = [m for m in mentions if not _is_person_or_word(doc, m, mentions)]
    _disambiguate(doc, mentions)
    accepted = {_surface(doc, m) for m in mentions if m.chosen is not None
                and _accepted(doc, m)}
    return tuple(ref for m in mentions
                 if (ref := _place_ref(doc, m, _surface(doc, m) in accepted)) is not None)


# -- finding mentions ---------------------------------------------------------------------------

def _regions(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges to search: searched entities and proper-noun runs, overlaps merged."""
    ranges = [(e.start, e.end) for e in doc.ents if e.label_ in SEARCHED_LABELS]
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


def _find_mentions(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    mentions = _gazetteer_mentions(doc, gazetteer)
    covered = {i for m in mentions for i in range(m.start, m.end)}
    for ent in doc.ents:
        if (ent.label_ in PLACE_LABELS and not covered.intersection(range(ent.start, ent.end))
                and not _not_place(ent.text) and not any(ch.isdigit() for ch in ent.text)):
            mentions.append(Mention(ent.start, ent.end, (), ent.label_, True,
                                    rule="ner-unresolved"))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _gazetteer_mentions(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    mentions: list[Mention] = []
    gpe = {(e.start, e.end) for e in doc.ents if e.label_ == "GPE"}
    streets = _cues().get("street-word", frozenset())
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
    return text.lower().rstrip(".") in _cues().get("not-place", ())


def _abbreviation(text: str) -> bool:
    """"Pa.", "W.Va.", "NSW": written as an abbreviation."""
    letters = text.replace(".", "").replace(" ", "")
    return text.endswith(".") or (letters.isupper() and len(letters) <= 3)


def _only_loose_short(text: str, matches: tuple[Match, ...]) -> bool:
    """A short word that matches only on loose keys is a different word ("Iran" ~ "Irana")."""
    return all(m.loose for m in matches) and len(text) <= 5


def _label(doc: Doc, start: int, end: int) -> tuple[str, bool]:
    for ent in doc.ents:
        if ent.start <= start and end <= ent.end:
            return ent.label_, (ent.start, ent.end) == (start, end)
    run_start, run_end = start, end
    while run_start > 0 and _is_proper(doc[run_start - 1]):
        run_start -= 1
    while run_end < len(doc) and _is_proper(doc[run_end]):
        run_end += 1
    return "", (run_start, run_end) == (start, end)


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
        demonym = fold(text) != fold(name) and not gazetteer.lookup(text)
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
    if country is None or fold(tok.text) == fold(country.name) or _not_place(tok.text) \
            or any(x.place.id == country.id for x in gazetteer.lookup(tok.text)):
        return None  # a country's own name ("Sudan army", "US forces") goes the usual way
    label, whole = _label(doc, i, i + 1)
    return Mention(i, i + 1, (Match(country, "alternate", False),), label, whole,
                   rule="demonym", demonym=True)


def _attach_qualifiers(doc: Doc, gazetteer: Gazetteer, mentions: list[Mention]) -> None:
    """"Gainesville, Ga.", "Alexandria, Egypt": the second names the area of the first."""
    by_start = {m.start: m for m in mentions}
    added = []
    for m in mentions:
        comma = m.end
        if not m.matches or comma + 1 >= len(doc) or doc[comma].text != ",":
            continue
        if any(_is_area(x.place) for x in m.matches):
            continue  # "Spain, Italy and …", "Georgia, Russia": a list, not "Town, State"
        nxt = by_start.get(comma + 1)
        if nxt is not None:
            shadowed = _shadowed_areas(nxt.matches)
            areas = [x for x in nxt.matches
                     if _is_area(x.place) and x.place.id not in shadowed]
            if areas:
                m.qualifier = _best_area(areas, m)
                continue
        for j in range(min(len(doc), comma + 4), comma + 1, -1):
            found = gazetteer.lookup(doc[comma + 1:j].text)
            shadowed = _shadowed_areas(found)
            areas = [x for x in found if _is_area(x.place) and x.place.id not in shadowed]
            if areas and doc[comma + 1].text[:1].isupper():
                m.qualifier = _best_area(areas, m)
                if nxt is None:
                    added.append(Mention(comma + 1, j, tuple(areas), "", True,
                                         rule="qualifier"))
                break
    mentions.extend(added)
    mentions.sort(key=lambda m: m.start)


def _is_area(place: Place) -> bool:
    return place.feature_code in COUNTRY_CODES or place.feature_code == "ADM1"


def _best_area(areas: list[Match], mention: Mention) -> Place:
    """The area that holds one of the mention's candidates, else the first."""
    for area in areas:
        if any(_inside(c.place, area.place) for c in mention.matches):
            return area.place
    return areas[0].place


def _inside(place: Place, area: Place) -> bool:
    if area.feature_code in COUNTRY_CODES:
        return place.country == area.country and place.id != area.id
    return place.admin1 is not None and place.admin1 == area.admin1 and place.id != area.id


def _is_person_or_word(doc: Doc, m: Mention, mentions: list[Mention]) -> bool:
    """Names that are people or plain words here, whatever the gazetteer has."""
    cues = _cues()
    before = doc[m.start - 1] if m.start > 0 else None
    if before is not None and before.lower_.rstrip(".") in cues.get("person-title", ()):
        return True
    span = doc[m.start:m.end]
    if m.label == "ORG" and find_outlet(_entity_of(doc, m.start).text) is not None:
        return True
    if find_outlet(span.text) is not None and m.label != "GPE":
        return True
    if m.label in PLACE_LABELS or m.demonym or m.qualifier is not None:
        return False
    after = doc[m.end] if m.end < len(doc) else None
    if after is not None and after.lower_ in cues.get("person-after", ()) and m.end - m.start == 1:
        return True
    return m.end - m.start == 1 and span.text in _person_words(doc)


def _entity_of(doc: Doc, token: int) -> SpacySpan:
    for ent in doc.ents:
        if ent.start <= token < ent.end:
            return ent
    return doc[token:token + 1]


def _person_words(doc: Doc) -> frozenset[str]:
    """Words of the document's multi-word PERSON names ("Andrew Jackson" → Jackson), less the
    words the model also labels a place somewhere in the document."""
    people, places = set(), set()
    for ent in doc.ents:
        if ent.label_ == "PERSON" and len(ent) > 1:
            people.update(t.text for t in ent if t.text[:1].isupper())
        elif ent.label_ in PLACE_LABELS:
            places.update(t.text for t in ent)
    return frozenset(people - places)


# -- disambiguation -----------------------------------------------------------------------------

def _prior(match: Match) -> float:
    place = match.place
    code = place.feature_code or ""
    population = place.population * AREA_POPULATION_SHARE.get(code, 1.0)
    score = math.log10(population + 1) / POPULATION_SCALE + FEATURE_BONUS.get(code, 0.0)
    if match.kind == "alternate":
        score -= ALTERNATE_PENALTY
    if match.loose:
        score -= LOOSE_PENALTY
    return score


def _disambiguate(doc: Doc, mentions: list[Mention]) -> None:
    """Score every candidate: prior, qualifier, then agreement with the rest of the document
    (each other name votes for countries and provinces with its candidates' probabilities)."""
    base: dict[int, dict[str, float]] = {}
    for m in mentions:
        shadowed = _shadowed_areas(m.matches) | _dwarfed_towns(m.matches)
        area_word = m.end < len(doc) and doc[m.end].lower_ in AREA_WORDS  # "Mopti region"
        base[id(m)] = {x.place.id: _prior(x) + _qualified(x, m) + _label_fit(x.place, m)
                       + (AREA_WORD_BONUS if area_word and x.place.feature_class == "A"
                          and x.place.feature_code not in COUNTRY_CODES else 0.0)
                       - (SHADOWED_AREA_PENALTY if x.place.id in shadowed else 0.0)
                       for x in m.matches}
        m.scores = dict(base[id(m)])
    groups = _surface_groups(doc, mentions)
    for _ in range(CONTEXT_ROUNDS):
        votes = {name: _votes(group) for name, group in groups.items()}
        total = _sum_votes(votes.values())
        points = {name: _confident_point(group) for name, group in groups.items()}
        for name, group in groups.items():
            others = _minus(total, votes[name])
            near = [p for other, p in points.items() if other != name and p is not None]
            for m in group:
                m.scores = {x.place.id: base[id(m)][x.place.id] + _context(x.place, others, near)
                            for x in m.matches}
    final = {name: _votes(group) for name, group in groups.items()}
    total = _sum_votes(final.values())
    others_of = {id(m): _minus(total, final[name]) for name, group in groups.items()
                 for m in group}
    for m in mentions:
        m.chosen = _argmax(m)
        if m.chosen is not None and m.qualifier is None and not m.demonym \
                and id(m) in others_of and _stray(m.chosen.place, others_of[id(m)]):
            m.chosen = None
            m.rule = "stray"
            continue
        if m.qualifier is not None and m.chosen is not None and not _inside(
                m.chosen.place, m.qualifier):
            # "Stroud, Ontario" with no Stroud in Ontario: Ontario is what is known.
            m.chosen = Match(m.qualifier, "qualifier", False)
            m.matches = (m.chosen, *m.matches)
            m.scores[m.qualifier.id] = max(m.scores.values()) + QUALIFIER_BONUS
            m.rule = "qualifier-area"
    _one_sense_per_name(groups)


def _stray(place: Place, others: _Votes) -> bool:
    if place.feature_class != "P" or place.population >= STRAY_MAX_POPULATION \
            or not place.country or others.total < 2:
        return False
    shares = {c: v / others.total for c, v in others.countries.items()}
    main = max(shares.values(), default=0.0)
    return shares.get(place.country, 0.0) < STRAY_MAX_SHARE and main >= STRAY_MAIN_SHARE


def _dwarfed_towns(matches: tuple[Match, ...]) -> set[str]:
    """Small towns named like a country or province of their own country ("Kansas", a village
    in Oklahoma; "Montana City"): a bare name means the big area."""
    areas = [x.place for x in matches if _is_area(x.place)]
    dwarfed = set()
    for x in matches:
        place = x.place
        if place.feature_class == "P" and any(
                a.country == place.country
                and a.population >= DWARFING_AREA_FACTOR * max(place.population, 1)
                for a in areas):
            dwarfed.add(place.id)
    return dwarfed


def _shadowed_areas(matches: tuple[Match, ...]) -> set[str]:
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


def _label_fit(place: Place, m: Mention) -> float:
    """The model's LOC (seas, mountains, regions) fits a natural feature or region better than
    a province or town of the same name ("Red Sea" the sea, not Sudan's Red Sea state)."""
    if m.label == "LOC" and place.feature_class in ("H", "L", "T", "S", "O", "G", "I", "P") \
            and (place.feature_code or "") in NATURAL_FEATURE_CODES:
        return LOC_FEATURE_BONUS
    return 0.0


def _qualified(match: Match, m: Mention) -> float:
    if m.qualifier is None:
        return 0.0
    return QUALIFIER_BONUS if _inside(match.place, m.qualifier) else 0.0


def _probabilities(m: Mention) -> dict[str, float]:
    if not m.scores:
        return {}
    top = max(m.scores.values())
    weights = {pid: math.exp((s - top) / VOTE_TEMPERATURE) for pid, s in m.scores.items()}
    total = sum(weights.values())
    return {pid: w / total for pid, w in weights.items()}


def _argmax(m: Mention) -> Match | None:
    if not m.matches:
        return None
    return max(m.matches, key=lambda x: (m.scores[x.place.id], x.place.population))


def _surface(doc: Doc, m: Mention) -> str:
    return fold(doc[m.start:m.end].text) if not m.demonym else m.key


def _surface_groups(doc: Doc, mentions: list[Mention]) -> dict[str, list[Mention]]:
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.matches:
            groups[_surface(doc, m)].append(m)
    return groups


@dataclass(frozen=True)
class _Votes:
    countries: Counter
    admin1s: Counter
    total: float


def _votes(group: list[Mention]) -> _Votes:
    """What the mentions of one name say about the document's countries and provinces."""
    countries: Counter = Counter()
    admin1s: Counter = Counter()
    by_id = {x.place.id: x.place for m in group for x in m.matches}
    for m in group:
        for pid, p in _probabilities(m).items():
            place = by_id[pid]
            if place.country:
                countries[place.country] += p
            if place.admin1 and place.feature_code not in COUNTRY_CODES:
                admin1s[place.admin1] += p
    return _Votes(countries, admin1s, float(len(group)))


def _sum_votes(votes: Iterable[_Votes]) -> _Votes:
    countries: Counter = Counter()
    admin1s: Counter = Counter()
    total = 0.0
    for v in votes:
        countries.update(v.countries)
        admin1s.update(v.admin1s)
        total += v.total
    return _Votes(countries, admin1s, total)


def _minus(total: _Votes, own: _Votes) -> _Votes:
    countries = Counter({k: v - own.countries[k] for k, v in total.countries.items()})
    admin1s = Counter({k: v - own.admin1s[k] for k, v in total.admin1s.items()})
    return _Votes(countries, admin1s, total.total - own.total)


def _confident_point(group: list[Mention]) -> Place | None:
    """The place a name most likely is, when it is likely enough and a point, not an area."""
    best: tuple[float, Place] | None = None
    for m in group:
        probabilities = _probabilities(m)
        for x in m.matches:
            p = probabilities.get(x.place.id, 0.0)
            if best is None or p > best[0]:
                best = (p, x.place)
    if best is None or best[0] < CONFIDENT or _is_area(best[1]):
        return None
    return best[1]


def _context(place: Place, votes: _Votes, near: list[Place]) -> float:
    if votes.total <= 0:
        return 0.0
    score = 0.0
    if place.country:
        score += COUNTRY_WEIGHT * votes.countries[place.country] / votes.total
        neighbours = sum(votes.countries[n] for n in _neighbours().get(place.country, ()))
        score += NEIGHBOUR_WEIGHT * min(1.0, neighbours / votes.total)
    if place.admin1 and place.feature_code not in COUNTRY_CODES:
        score += ADMIN1_WEIGHT * votes.admin1s[place.admin1] / votes.total
    if not _is_area(place) and any(
            other.id != place.id and _km(place, other) < NEAR_KM for other in near):
        score += NEAR_WEIGHT
    return score


@cache
def _neighbours() -> dict[str, frozenset[str]]:
    """Country → the countries it borders (countryinfo, ISO alpha-3 turned alpha-2)."""
    from countryinfo import CountryInfo

    infos = [i for i in CountryInfo.all().values() if (i.get("ISO") or {}).get("alpha2")]
    alpha2 = {i["ISO"]["alpha3"]: i["ISO"]["alpha2"] for i in infos if i["ISO"].get("alpha3")}
    out: dict[str, set[str]] = defaultdict(set)
    for info in infos:
        code = info["ISO"]["alpha2"]
        for border in info.get("borders") or ():
            if border in alpha2:
                out[code].add(alpha2[border])
                out[alpha2[border]].add(code)
    return {code: frozenset(ns) for code, ns in out.items()}


def _one_sense_per_name(groups: dict[str, list[Mention]]) -> None:
    """Every mention of a name takes the resolution of its best-scored mention (a qualified
    "Gainesville, Ga." decides the later bare "Gainesville")."""
    for group in groups.values():
        if len(group) < 2:
            continue
        best = max((m for m in group if m.chosen is not None),
                   key=lambda m: m.scores[m.chosen.place.id], default=None)
        if best is None:
            continue
        for m in group:
            same = [x for x in m.matches if x.place.id == best.chosen.place.id]
            if same:
                m.chosen = same[0]
                m.scores[same[0].place.id] = max(m.scores[same[0].place.id],
                                                 best.scores[best.chosen.place.id])


def _km(a: Place, b: Place) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# -- from mention to PlaceRef -------------------------------------------------------------------

def _accepted(doc: Doc, m: Mention) -> bool:
    """Is this mention a place? Labelled, qualified and demonym mentions are; others must be
    big, an area, cued, or agree with the document."""
    if m.chosen is None:
        return m.rule in ("ner-unresolved", "street") or (
            m.rule == "stray" and m.whole and (m.label in PLACE_LABELS or _cued(doc, m)))
    if m.label in PLACE_LABELS or m.qualifier is not None or m.rule == "qualifier":
        return True
    if m.demonym or m.label == "NORP":
        return m.demonym or m.chosen.place.feature_code in COUNTRY_CODES
    if not m.whole and m.label in ("GPE", "LOC", "FAC") and _in_feature_name(doc, m):
        return False
    place = m.chosen.place
    code = place.feature_code or ""
    if code in COUNTRY_CODES or code in ("ADM1", "CONT") or place.id.startswith("extra:"):
        return m.whole or m.label in ("ORG", "FAC", "")
    if code == "ADM2":
        return doc[m.end - 1].lower_ in AREA_WORDS
    if not m.whole and m.label == "PERSON":
        return False
    backed = m.scores[place.id] - _prior(m.chosen) >= COUNTRY_WEIGHT * WEAK_COUNTRY_SHARE
    if place.population >= WEAK_MIN_POPULATION:
        return m.whole or backed
    return m.whole and (_cued(doc, m) or backed or _role(doc, m)[1])


def _in_feature_name(doc: Doc, m: Mention) -> bool:
    """"Lake Titicaca", "Swat Valley": the entity around the match names a feature."""
    ent = _entity_of(doc, m.start)
    words = _cues().get("feature-word", frozenset())
    return any(t.lower_ in words for t in ent if not m.start <= t.i < m.end)


def _cued(doc: Doc, m: Mention) -> bool:
    """"in X", "the town of X", "near X"."""
    head = doc[m.start:m.end].root.head
    if head.lower_ in LOCATIVE_PREPOSITIONS:
        return True
    return head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS


def _place_ref(doc: Doc, m: Mention, name_accepted: bool) -> PlaceRef | None:
    """The PlaceRef of an accepted mention; a mention of a name accepted elsewhere in the
    document is accepted too ("to Djibo" makes the later bare "Djibo" a place)."""
    if not _accepted(doc, m) and not (name_accepted and m.whole and m.chosen is not None):
        return None
    span = doc[m.start:m.end]
    role, relation = _role(doc, m)
    place = m.chosen.place if m.chosen else None
    if (place is not None and m.label == "LOC" and place.feature_class == "P"
            and place.population < LOC_TOWN_MIN_POPULATION and m.qualifier is None):
        place = None  # a natural feature or region that the gazetteer lacks, not a village
    if (not m.whole and m.label in ("ORG", "FAC") and role == "location"
            and not (place is not None and place.id.startswith("extra:"))):
        role = "relation"  # "Rapides Parish Fire District", "Baghdad airport": in a name
    ranked = sorted(m.matches, key=lambda x: -m.scores[x.place.id])[:KEPT_CANDIDATES]
    candidates = tuple(PlaceCandidate(x.place, round(m.scores[x.place.id], 3)) for x in ranked)
    rule = m.rule
    if m.qualifier is not None:
        rule += "+qualifier"
    return PlaceRef(span=Span(span.start_char, span.end_char, span.text), place=place,
                    precision=_precision(place, relation), candidates=candidates, role=role,
                    rule=rule)


def _precision(place: Place | None, relation: bool) -> WherePrecision | None:
    if place is None:
        return None
    precision = PRECISION_OF_CODE.get(place.feature_code or "", "exact")
    if relation and precision == "exact":
        return "near"
    return precision


def _role(doc: Doc, m: Mention) -> tuple[str, bool]:
    """(role, is a relation) from the words around the mention."""
    cues = _cues()
    sent = doc[m.start].sent
    before = doc[max(sent.start, m.start - 4):m.start]
    words = [t.lower_ for t in before if not t.is_space]
    for n in range(min(4, len(words)), 0, -1):
        tail = " ".join(words[-n:])
        if tail in cues.get("relation-before", ()) or (
                n >= 2 and " ".join(words[-n + 1:]) in cues.get("relation-before", ())
                and words[-n] in ("the",)):
            return "relation", True
        if n >= 3 and words[-1] in ("of", "from") and words[-2] in (
                "north", "south", "east", "west", "northeast", "northwest", "southeast",
                "southwest", "km", "kilometres", "kilometers", "miles"):
            return "relation", True
    after = [t.lower_ for t in doc[m.end:min(sent.end, m.end + 3)]]
    if after and (after[0] in cues.get("relation-after", ()) or " ".join(after[:2]) in cues.get(
            "relation-after", ()) or (after[0] == "-" and len(after) > 2
                                      and after[2] in cues.get("relation-after", ()))):
        return "relation", True
    if m.demonym:
        return "relation", False
    preposition = _governing_preposition(doc, m)
    if preposition is not None:
        verb = preposition.head.lemma_.lower()
        if preposition.lower_ in ("to", "into", "toward", "towards") and (
                verb in cues.get("destination-verb", ())
                or any(t.lower_ in cues.get("destination-before", ()) for t in before)):
            return "destination", False
        if preposition.lower_ == "from" and verb in cues.get("origin-verb", ()):
            return "origin", False
    return "location", False


def _governing_preposition(doc: Doc, m: Mention) -> Token | None:
    head = doc[m.start:m.end].root.head
    return head if head.dep_ == "prep" or head.pos_ == "ADP" else None

