"""Actors: canonical resolution, generic state forces, people, coreference, unknown groups.
Run through the whole pipeline (`sitrep analyze`) on real articles."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, SAMPLES, SEED, Cli


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    cli = Cli(tmp_path_factory.mktemp("actors") / "actors.db")
    paths = [str(SAMPLES), str(FIXTURES / "docs")]
    if SEED.exists():
        paths.append(str(SEED))
    cli("analyze", *paths)
    return cli, cli.docs_by_name()


def mentions(analysed, name: str) -> list[dict]:
    cli, docs = analysed
    return cli.json("show", docs[name]["id"])["actors"]


def by_text(found: list[dict]) -> dict[str, dict]:
    return {m["span"]["text"]: m for m in found}


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not present")
def test_seed_islamic_state_is_one_rebel_actor(analysed):
    found = by_text(mentions(analysed, SEED.name))
    for text in ("Islamic State of Iraq and the Levant", "ISIS", "ISIL", "The Sunni militant group",
                 "an al Qaeda splinter group"):
        assert found[text]["actor"]["id"] == "islamic-state", text
        assert found[text]["actor"]["type"] == "rebel group"
    # al Qaeda inside the appositive is al-Qaeda itself.
    assert found["al Qaeda"]["actor"]["id"] == "al-qaeda"


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not present")
def test_seed_iraqi_forces_are_state_forces_of_iraq(analysed):
    found = mentions(analysed, SEED.name)
    iraqi = [m for m in found if "Iraqi" in m["span"]["text"]]
    assert {m["span"]["text"] for m in iraqi} >= {"Iraqi troops", "Iraqi forces"}
    assert any("soldiers" in m["span"]["text"] for m in iraqi)
    for m in iraqi:
        assert (m["actor"]["type"], m["actor"]["country"]) == ("state forces", "IQ")


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not present")
def test_seed_spokeswoman_is_linked_to_the_state_department(analysed):
    person = next(m for m in mentions(analysed, SEED.name) if m["actor"]["kind"] == "person")
    assert person["span"]["text"] == "Jen Psaki"
    assert person["role"] == "spokeswoman"
    assert person["affiliation"] == "government:US"


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed is not present")
def test_seed_place_names_are_not_people(analysed):
    people = [m["span"]["text"] for m in mentions(analysed, SEED.name)
              if m["actor"]["kind"] == "person"]
    assert people == ["Jen Psaki"]


def test_generic_forces_of_the_right_country(analysed):
    found = by_text(mentions(analysed, "feed.rss#1"))
    assert found["Russian warplanes"]["actor"]["id"] == "military:RU"
    assert found["Syrian government"]["actor"]["id"] == "government:SY"
    found = by_text(mentions(analysed, "great-lakes-ledger_m23-shasha-sake.html"))
    assert found["Congolese army"]["actor"]["id"] == "military:CD"
    assert found["Burundian soldiers"]["actor"]["id"] == "military:BI"


def test_table_aliases_and_member_nouns(analysed):
    found = by_text(mentions(analysed, "sahel-monitor_boulkessi-camp-attack.html"))
    assert found["JNIM"]["actor"]["id"] == "jnim"
    assert found["Group for the Support of Islam and Muslims"]["actor"]["id"] == "jnim"
    m23 = by_text(mentions(analysed, "great-lakes-ledger_m23-shasha-sake.html"))
    assert m23["M23 rebels"]["actor"]["id"] == "m23"


def test_definite_descriptions_refer_back(analysed):
    found = mentions(analysed, "great-lakes-ledger_m23-shasha-sake.html")
    rebels = next(m for m in found if m["span"]["text"] == "the rebels")
    assert rebels["actor"]["id"] == "m23" and rebels["rule"] == "coreference"
    army = next(m for m in found if m["span"]["text"] == "The army")
    assert army["actor"]["id"] == "military:CD"


def test_people_with_roles_and_affiliations(analysed):
    found = mentions(analysed, "great-lakes-ledger_m23-shasha-sake.html")
    mbuyi = next(m for m in found if m["actor"]["kind"] == "person"
                 and "Mbuyi" in m["span"]["text"])
    assert mbuyi["role"] == "spokesman" and mbuyi["affiliation"] == "military:CD"


def test_crowds_are_generic_actors_of_the_country(analysed):
    found = mentions(analysed, "sahel-monitor-wire_bamako-protest.txt")
    types = {m["actor"]["id"]: m["actor"]["type"] for m in found}
    assert types.get("protesters:ML") == "protesters"


def test_unknown_organisations_are_kept(analysed):
    cli, _ = analysed
    actors = cli.json("actors")
    unknown = [a for a in actors if a["type"] == "unknown" and a["kind"] == "organization"]
    assert unknown, "organisations outside the table must be kept as unknown actors"
    assert all(a["mentions"] >= 1 and a["documents"] >= 1 for a in actors)
    ids = [a["id"] for a in actors]
    assert len(ids) == len(set(ids))


def test_country_words_with_force_nouns(analysed):
    found = by_text(mentions(analysed, "coalition-strikes-roundup.txt"))
    expected = {
        "French fighter jets": "military:FR",
        "U.S. planes": "military:US",
        "Iraqi army": "military:IQ",
        "Syrian government forces": "military:SY",
        "Ukrainian police": "police:UA",
    }
    for text, actor_id in expected.items():
        assert found[text]["actor"]["id"] == actor_id, text
        assert found[text]["actor"]["type"] == "state forces"
    assert found["Kurdish Peshmerga fighters"]["actor"]["id"] == "peshmerga"
    assert found["Islamic State militants"]["actor"]["id"] == "islamic-state"
