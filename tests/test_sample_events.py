"""The bundled sample corpus, coded by hand: what a careful ACLED coder finds in each report.

Each expectation was written from the sample's text (samples-src/README.md describes them),
not from sitrep's output. A report matches an expectation when every field the expectation
names agrees; fields it does not name are free. Dates follow the texts' own words resolved
against the publication date ("on Monday" in a Tuesday report is the day before; "last week"
is the calendar week before), places are the town the text names (its GeoNames spelling) or
the district around it, and fatalities follow DESIGN.md's rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from conftest import SAMPLES, Cli

HAPPENED = {"asserted", "reported", "claimed"}
NOT_HAPPENED = {"denied", "hypothetical", "threatened/planned", "negated"}


@dataclass(frozen=True)
class Expect:
    """One event a coder would record. ``on`` is the exact date interval; ``around`` an
    interval the report's dates must lie in; ``places``: any of these names (or None: the
    report is not placed below country level is fine)."""

    what: str  # ACLED sub-event type, or event type
    country: str | None = None
    places: frozenset[str] = frozenset()
    on: tuple[str, str] | None = None
    around: tuple[str, str] | None = None
    best: int | str | None = "any"
    low: int | str | None = "any"
    high: int | str | None = "any"
    figure: int | None = None  # a figure with this value is kept
    actor1: str | None = None
    modality: frozenset[str] = frozenset(HAPPENED)
    undated: bool = False
    why: str = ""
    also: tuple[str, ...] = field(default_factory=tuple)  # other acceptable types

    def mismatches(self, e: dict) -> list[str]:
        bad = []
        if self.what not in (e["sub_event_type"], e["event_type"]) and not (
                {e["sub_event_type"], e["event_type"]} & set(self.also)):
            bad.append(f"type {e['event_type']}/{e['sub_event_type']}")
        loc = e["location"] or {}
        if self.country and loc.get("country") != self.country:
            bad.append(f"country {loc.get('country')}")
        if self.places and loc.get("name") not in self.places:
            bad.append(f"place {loc.get('name')}")
        start, end = e["date"]["start"], e["date"]["end"]
        if self.on and (start, end) != self.on:
            bad.append(f"date {start}…{end}")
        if self.around and not (start and end and self.around[0] <= start <= end
                                <= self.around[1]):
            bad.append(f"date {start}…{end} outside {self.around}")
        if self.undated and (start or end):
            bad.append(f"dated {start}…{end} without a year in the text")
        fat = e["fatalities"]
        for key in ("best", "low", "high"):
            want = getattr(self, key)
            if want != "any" and fat[key] != want:
                bad.append(f"{key} {fat[key]}")
        if self.figure is not None and not any(
                self.figure in (f.get("low"), f.get("high"), f.get("value"))
                for f in fat["figures"]):
            bad.append(f"no figure {self.figure} in {[f['text'] for f in fat['figures']]}")
        if self.actor1 and (e["actor1"] or {}).get("id") != self.actor1:
            bad.append(f"actor1 {(e['actor1'] or {}).get('id')}")
        if e["modality"] not in self.modality:
            bad.append(f"modality {e['modality']}")
        return bad


CODED: dict[str, list[Expect]] = {
    "sahel-monitor_boulkessi-camp-attack.html": [
        Expect("Armed clash", "ML", frozenset({"Boulkessi"}), on=("2024-03-12", "2024-03-12"),
               best=12, why="militants attacked the army camp at Boulkessi on Tuesday"),
    ],
    "wire.jsonl#1": [
        Expect("Battles", "ML", frozenset({"Boulkessi"}), on=("2024-03-12", "2024-03-12"),
               best=30, why="at least 30 killed when militants stormed an army base"),
    ],
    "sahel-security-digest_boulkessi-repost.html": [
        Expect("Armed clash", "ML", frozenset({"Boulkessi"}), on=("2024-03-12", "2024-03-12"),
               best=12, why="a blog's repost of the Sahel Monitor report, sources credited"),
    ],
    "africa-news-now_boulkessi-copy.html": [
        Expect("Battles", "ML", frozenset({"Boulkessi"}), on=("2024-03-12", "2024-03-12"),
               best=30, why="the wire story copied without credit"),
    ],
    "wire.jsonl#4": [
        Expect("Armed clash", "ML", frozenset({"Goundam"}), on=("2024-03-12", "2024-03-12"),
               best=4, why="gunmen attacked a gendarmerie post in Goundam on Tuesday"),
    ],
    "crawl.warc.gz#3": [
        Expect("Battles", "ML", around=("2024-03-08", "2024-03-14"), figure=50,
               modality=frozenset({"claimed"}), why="JNIM says it killed 50 soldiers"),
    ],
    "crawl.warc.gz#4": [
        Expect("Attack", "CD", frozenset({"Lāla", "Djugu"}), around=("2023-12-03", "2023-12-04"),
               low=20, high=30, actor1="codeco", why="camp attack overnight Sunday to Monday"),
        Expect("Abduction/forced disappearance", "CD", best=None,
               around=("2023-12-03", "2023-12-05"), why="seven taken by the attackers"),
    ],
    "crawl.warc.gz#5": [
        Expect("Air/drone strike", "SD", frozenset({"Nyala"}), on=("2024-06-09", "2024-06-09"),
               high=23, low=15, why="army warplanes bombed Nyala market on Sunday"),
        Expect("Arrests", "SD", on=("2024-06-10", "2024-06-10"), actor1="rsf",
               why="RSF fighters detained at least 12 on Monday"),
    ],
    "sahel-monitor-wire_bamako-protest.txt": [
        Expect("Riots", "ML", frozenset({"Bamako"}), undated=True, also=("Protests",),
               why="protest dispersed with tear gas, barricades burned; no year anywhere"),
        Expect("Arrests", "ML", undated=True, why="police arrested 27"),
        Expect("Protests", "ML", modality=frozenset({"threatened/planned"}), undated=True,
               why="'We will be back on the streets next Friday'"),
    ],
    "kherson-shelling_blog-dated-in-text.txt": [
        Expect("Shelling/artillery/missile attack", "UA", frozenset({"Kherson"}),
               on=("2023-03-02", "2023-03-03"), best=5, actor1="military:RU",
               why="shelled Kherson on Thursday and Friday, killing five"),
        Expect("Shelling/artillery/missile attack", "UA", frozenset({"Oleshky"}),
               on=("2023-03-03", "2023-03-03"), best=2, modality=frozenset({"claimed"}),
               why="Russian-installed officials claim Ukraine shelled Oleshky"),
    ],
    "nile-post-wire_el-fasher-abu-shouk-shelling.html": [
        Expect("Shelling/artillery/missile attack", "SD",
               frozenset({"Abu Shouk camp", "El Fasher"}), on=("2024-05-19", "2024-05-19"),
               best=40, actor1="rsf", why="RSF shelling of Abu Shouk camp on Sunday"),
        Expect("Shelling/artillery/missile attack", "SD", frozenset({"Zamzam camp"}),
               on=("2024-05-13", "2024-05-19"), best=8, why="last week, Zamzam camp"),
        Expect("Air/drone strike", "SD", around=("2024-05-18", "2024-05-19"), best=100,
               modality=frozenset({"claimed"}), why="the army claims 'hundreds' killed"),
        Expect("Battles", "SD", modality=frozenset({"threatened/planned"}),
               also=("Violence against civilians",), why="RSF vowed to take El Fasher"),
    ],
    "blogspot-repost_el-fasher-shelling.html": [
        Expect("Shelling/artillery/missile attack", "SD",
               frozenset({"Abu Shouk camp", "El Fasher"}), on=("2024-05-19", "2024-05-19"),
               best=40, why="the repost's own date does not move the event"),
    ],
    "great-lakes-ledger_m23-shasha-sake.html": [
        Expect("Non-state actor overtakes territory", "CD",
               frozenset({"Shasha", "Masisi Territory"}), on=("2024-02-13", "2024-02-13"),
               actor1="m23", why="M23 captured Shasha on Tuesday"),
        Expect("Shelling/artillery/missile attack", "CD", frozenset({"Sake"}),
               around=("2024-02-13", "2024-02-14"), best=6, actor1="m23",
               why="and shelled Sake, killing six"),
        Expect("Non-state actor overtakes territory", "CD", modality=frozenset({"denied"}),
               why="the army denied that Shasha had fallen"),
    ],
    "arabia-wire_marib-sirwah-clashes.html.gz": [
        Expect("Shelling/artillery/missile attack", "YE", on=("2023-09-18", "2023-09-18"),
               best=8, actor1="houthis", also=("Armed clash",),
               why="Houthis shelled positions on the Sirwah front on Monday, killing eight"),
    ],
    "horn-observer_adan-yabaal-base-attack.txt.gz": [
        Expect("Armed clash", "SO", on=("2024-08-26", "2024-08-26"), actor1="al-shabaab",
               why="al-Shabaab attacked an army base near Adan Yabaal on Monday"),
        Expect("Air/drone strike", "SO", on=("2024-08-26", "2024-08-26"),
               why="AFRICOM air strike near Adan Yabaal on Monday"),
        Expect("Abduction/forced disappearance", "SO", on=("2024-08-19", "2024-08-25"),
               actor1="al-shabaab", why="two elders abducted last week"),
    ],
    "wire.jsonl#2": [
        Expect("Air/drone strike", "IQ", on=("2023-10-16", "2023-10-16"), best=3,
               actor1="military:TR",
               why="Turkish drone strike near Sinune on Monday, three killed"),
    ],
    "wire.jsonl#3": [
        Expect("Non-state actor overtakes territory", "UA", around=("2024-04-10", "2024-04-16"),
               modality=frozenset({"claimed"}), why="Russia says it captured Novokalynove"),
        Expect("Air/drone strike", "UA", frozenset({"Novohrodivka"}),
               on=("2024-04-15", "2024-04-15"), best=3,
               why="a glide bomb on Novohrodivka on Monday night"),
    ],
    "feed.rss#1": [
        Expect("Air/drone strike", "SY", frozenset({"Jisr ash Shughūr"}),
               on=("2023-12-04", "2023-12-04"), best=9,
               why="warplanes struck Jisr al-Shughur market on Monday, killing nine"),
    ],
    "feed.rss#2": [
        Expect("Air/drone strike", "IQ", frozenset({"Ain al-Asad air base"}),
               on=("2023-11-21", "2023-11-21"), best=None, modality=frozenset({"claimed"}),
               why="drone attack on Ain al-Asad claimed on Telegram"),
        Expect("Air/drone strike", "IQ", around=("2023-11-16", "2023-11-22"), low=5, high=8,
               actor1="military:US",
               why="US strikes in Jurf al-Sakhar, between five and eight killed"),
    ],
    "feed.rss#3": [
        Expect("Armed clash", "SY", on=("2023-09-01", "2023-09-01"),
               why="fighting spread to new towns on Friday"),
        Expect("Arrests", "SY", actor1="sdf", why="the SDF arrested dozens of gunmen"),
        Expect("Protests", "SY", on=("2023-09-01", "2023-09-01"), also=("Riots",),
               why="protesters blocked roads and burned tyres on Friday"),
    ],
    "feed.atom#1": [
        Expect("Shelling/artillery/missile attack", around=("2024-01-17", "2024-01-23"),
               modality=frozenset({"claimed"}), also=("Explosions/Remote violence",),
               why="Houthis said on Tuesday they had fired missiles at a US ship"),
        Expect("Air/drone strike", "YE", best=2, around=("2024-01-18", "2024-01-24"),
               why="US-UK strikes killed two Houthi fighters"),
    ],
    "feed.atom#2": [
        Expect("Abduction/forced disappearance", "BF", on=("2023-07-09", "2023-07-09"),
               best=None, why="17 bus passengers abducted on Sunday: nobody killed"),
        Expect("Battles", "BF", on=("2023-06-01", "2023-06-30"), best=11,
               also=("Violence against civilians",),
               why="last month, an attack on a VDP post killed 11"),
    ],
}

# Words of page furniture (related posts, comments, "Read also" links) that no event's notes
# may contain.
FURNITURE = {
    "kherson-shelling_blog-dated-in-text.txt": ("Bakhmut", "Crimea"),
    "blogspot-repost_el-fasher-shelling.html": ("Geneina", "Hodeidah", "Maiduguri", "Nairobi"),
    "sahel-security-digest_boulkessi-repost.html": ("Bankass", "Tillabéri", "Djibo", "Niamey"),
    "africa-news-now_boulkessi-copy.html": ("El Obeid", "Mogadishu", "Kaduna", "Niamey"),
}


@pytest.fixture(scope="module")
def sample_events(tmp_path_factory) -> dict[str, list[dict]]:
    cli = Cli(tmp_path_factory.mktemp("sample-events") / "samples.db")
    cli("analyze", str(SAMPLES))
    return {name: cli.json("show", doc["id"])["events"]
            for name, doc in cli.docs_by_name().items()}


CASES = [(name, k) for name, expects in CODED.items() for k in range(len(expects))]


@pytest.mark.parametrize(("name", "k"), CASES,
                         ids=[f"{n}:{CODED[n][k].why[:40]}" for n, k in CASES])
def test_sample_event_is_found(sample_events, name, k):
    want = CODED[name][k]
    events = sample_events[name]
    misses = {e["id"]: want.mismatches(e) for e in events}
    assert any(not bad for bad in misses.values()), (
        f"{want.why}: no report matches; closest: "
        + "; ".join(f"{e['sub_event_type']} {e['date']['start']} {e['modality']}: {misses[e['id']]}"
                    for e in sorted(events, key=lambda e: len(misses[e['id']]))[:3]))


def test_every_sample_report_is_coded(sample_events):
    assert set(CODED) == set(sample_events), "a sample without hand-coded events"


@pytest.mark.parametrize("name", sorted(FURNITURE))
def test_page_furniture_yields_no_events(sample_events, name):
    for e in sample_events[name]:
        for word in FURNITURE[name]:
            assert word not in e["notes"], f"event from page furniture: {e['notes']!r}"


def test_things_that_did_not_happen_are_not_counted(sample_events):
    """Vows, denials and plans are kept, and never marked as having happened."""
    kept = [e for events in sample_events.values() for e in events
            if e["modality"] in NOT_HAPPENED]
    assert kept and not any(e["happened"] for e in kept)
    assert all(e["happened"] for events in sample_events.values() for e in events
               if e["modality"] in HAPPENED)


def test_hedged_claims_lower_the_events_they_carry(sample_events):
    """"Last week, the RSF reportedly shelled Zamzam camp": hedged, never asserted."""
    zamzam = [e for e in sample_events["nile-post-wire_el-fasher-abu-shouk-shelling.html"]
              if e["location"] and e["location"]["name"] == "Zamzam camp"]
    assert zamzam and all(e["hedged"] and e["modality"] != "asserted" for e in zamzam)
    writer_asserts = [e for events in sample_events.values() for e in events
                      if e["modality"] == "asserted"]
    assert writer_asserts and not any(e["hedged"] for e in writer_asserts)
