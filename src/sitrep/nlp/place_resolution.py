"""Place resolution: which gazetteer entry each place mention is.

Resolution scores each candidate by population and kind (country > province > capital >
town), how the name matched (name > alternate name > transliteration variant), a "Town,
State" qualifier, and agreement with the other places of the document: its country and
province shares, and distance to the places already resolved. The same name is resolved the
same way throughout a document. A small town abroad that nothing else in the document points to
is left unresolved (``stray``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc

from ..geo import distance_km
from ..records import Place
from .gazetteer import COUNTRY_CODES, Match
from .place_mentions import AREA_WORDS, Mention, is_area, is_inside, shadowed_areas
from .toponyms import fold_toponym

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
# An area named like a town inside it loses this much (see place_mentions.shadowed_areas).
SHADOWED_AREA_PENALTY = 0.6
# A town loses as much (dwarfed: a bare name means the area) when a same-named area of its
# country is this many times bigger.
DWARFING_AREA_FACTOR = 20
# Feature codes of seas, lakes, islands, mountains and regions (GeoNames H, L, T classes).
NATURAL_FEATURE_CODES = frozenset({"OCN", "SEA", "GULF", "LK", "ISL", "MTS", "PEN", "RGN",
                                   "CONT"})
LOC_FEATURE_BONUS = 0.8
# "the Mopti region", "Idlib province": the word after the name asks for an area.
AREA_WORD_BONUS = 0.8
# A small town abroad that nothing else in the document points to, in a document that is
# clearly about another country ("the village of Lala" in a Congo story is not Lāla, India):
# the gazetteer lacks the right one; better unresolved than wrong by a continent.
STRAY_MAX_POPULATION = 100_000
STRAY_MAX_SHARE = 0.05  # of the document's other place votes in the town's country
STRAY_MAIN_SHARE = 0.5  # the main country's share of those votes


def prior(match: Match) -> float:
    place = match.place
    code = place.feature_code or ""
    population = place.population * AREA_POPULATION_SHARE.get(code, 1.0)
    score = math.log10(population + 1) / POPULATION_SCALE + FEATURE_BONUS.get(code, 0.0)
    if match.kind == "alternate":
        score -= ALTERNATE_PENALTY
    if match.loose:
        score -= LOOSE_PENALTY
    return score


def disambiguate(doc: Doc, mentions: list[Mention]) -> None:
    """Score every candidate: prior, qualifier, then agreement with the rest of the document
    (each other name votes for countries and provinces with its candidates' probabilities)."""
    base: dict[int, dict[str, float]] = {}
    for m in mentions:
        shadowed = shadowed_areas(m.matches) | _dwarfed_towns(m.matches)
        area_word = m.end < len(doc) and doc[m.end].lower_ in AREA_WORDS  # "Mopti region"
        base[id(m)] = {x.place.id: prior(x) + _qualified(x, m) + _label_fit(x.place, m)
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
        if m.qualifier is not None and m.chosen is not None and not is_inside(
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
    areas = [x.place for x in matches if is_area(x.place)]
    dwarfed = set()
    for x in matches:
        place = x.place
        if place.feature_class == "P" and any(
                a.country == place.country
                and a.population >= DWARFING_AREA_FACTOR * max(place.population, 1)
                for a in areas):
            dwarfed.add(place.id)
    return dwarfed


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
    return QUALIFIER_BONUS if is_inside(match.place, m.qualifier) else 0.0


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


def surface(doc: Doc, m: Mention) -> str:
    return fold_toponym(doc[m.start:m.end].text) if not m.demonym else m.key


def _surface_groups(doc: Doc, mentions: list[Mention]) -> dict[str, list[Mention]]:
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.matches:
            groups[surface(doc, m)].append(m)
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
    if best is None or best[0] < CONFIDENT or is_area(best[1]):
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
    if not is_area(place) and any(
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


