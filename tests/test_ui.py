"""The web UI in a real browser: Debian's Chromium driven by Playwright against a real
``sitrep serve`` on 127.0.0.1, over the sample corpus plus an article full of hostile markup.

Screenshots go to tests/artifacts/ (git-ignored). Without Chromium these tests are skipped
with the reason, unless SITREP_REQUIRE_BROWSER=1 (CI) makes that a failure.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from conftest import FIXTURES, SAMPLES, Cli, serving

playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = next((p for p in (os.environ.get("SITREP_CHROMIUM"), "/usr/lib/chromium/chromium",
                             shutil.which("chromium"), shutil.which("chromium-browser")) if p
                 and Path(p).exists()), None)
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
HOSTILE = FIXTURES / "hostile"
BATTLES = "Battles"

if CHROMIUM is None:
    if os.environ.get("SITREP_REQUIRE_BROWSER"):
        raise RuntimeError("SITREP_REQUIRE_BROWSER is set but Chromium is not installed "
                           "(apt-get install -y chromium)")
    pytest.skip("Chromium is not installed (apt-get install -y chromium)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("ui") / "ui.db"
    cli = Cli(db)
    cli("analyze", str(SAMPLES))
    cli("analyze", str(HOSTILE))
    return db


@pytest.fixture(scope="module")
def server(database):
    with serving(database) as (client, _):
        yield str(client.base_url)


@pytest.fixture(scope="module")
def api(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1366, "height": 800})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


def _ready(page, view: str) -> None:
    page.wait_for_selector(f'body[data-ready="{view}"]', timeout=30_000)
    assert "[object Object]" not in page.inner_text("body")  # a value shown unformatted


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def test_overview_shows_the_events_on_a_map_a_timeline_and_a_table(page, api):
    page.goto("/")
    _ready(page, "overview")
    points = api.get("/api/map").json()
    assert page.locator("#map path.land").count() > 200  # Natural Earth's countries
    assert page.locator("#map circle").count() == len(points["items"]) > 0
    assert page.locator("#timeline rect.bar").count() == len(
        api.get("/api/timeline", params={"bin": "day"}).json()["items"])
    rows = page.locator("#events tbody tr")
    # Newest first, as analysts read them.
    first_page = api.get("/api/events", params={"limit": 100, "sort": "-date"}).json()["items"]
    assert rows.count() == len(first_page)
    assert rows.first.get_attribute("data-id") == first_page[0]["id"]
    assert _shot(page, "overview").stat().st_size > 10_000
    assert page.problems == []


def test_filtering_by_type_filters_the_map_and_the_table(page, api):
    page.goto("/")
    _ready(page, "overview")
    page.select_option("#f-type", BATTLES)
    page.wait_for_url(f"**type={BATTLES}**")
    _ready(page, "overview")
    expected = api.get("/api/events", params={"type": BATTLES, "limit": 100,
                                              "sort": "-date"}).json()["items"]
    rows = page.locator("#events tbody tr")
    assert rows.count() == len(expected) > 0
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.type)")) == {BATTLES}
    # The download links carry the same filters.
    table = api.get(page.get_attribute("#dl-csv", "href"))
    assert table.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(table.text)))) == len(expected)
    geo = api.get(page.get_attribute("#dl-geojson", "href")).json()
    assert {f["properties"]["event_type"] for f in geo["features"]} == {BATTLES}
    on_map = api.get("/api/map", params={"type": BATTLES}).json()["items"]
    assert page.locator("#map circle").count() == len(on_map)
    assert {i[3] for i in on_map} == {BATTLES}
    assert page.problems == []


def test_a_filter_overtaken_by_a_newer_one_draws_nothing(page, api):
    """An analyst picks a type, then another before the first one's answers arrive (a slow
    network is simulated by holding back the browser's requests for the first type): the
    table and the map show the second type only, also after the first type's answers come."""
    page.goto("/")
    _ready(page, "overview")
    types = [t["value"] for t in api.get("/api/facets").json()["types"]]
    first, second = BATTLES, next(t for t in types if t != BATTLES)
    page.evaluate("""(slow) => {
      const fetch_ = window.fetch;
      window.fetch = (url, ...rest) => String(url).includes(`type=${encodeURIComponent(slow)}`)
        ? new Promise((done) => setTimeout(() => done(fetch_(url, ...rest)), 1500))
        : fetch_(url, ...rest);
    }""", first)
    page.select_option("#f-type", first)
    page.select_option("#f-type", second)
    page.wait_for_function("(t) => decodeURIComponent(location.hash.replace(/\\+/g, ' '))"
                           ".includes(`type=${t}`)", arg=second)
    _ready(page, "overview")
    page.wait_for_timeout(2500)  # the first type's answers have come by now
    expected = api.get("/api/events", params={"type": second, "limit": 100,
                                              "sort": "-date"}).json()["items"]
    rows = page.locator("#events tbody tr")
    assert rows.count() == len(expected) > 0
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.type)")) == {second}
    assert page.locator("#map circle").count() == len(
        api.get("/api/map", params={"type": second}).json()["items"])
    assert page.locator('body[data-ready="overview"]').count() == 1
    assert page.problems == []


def test_an_events_field_shows_its_evidence_highlighted_in_the_document(page, api):
    # The newest event (first in the table) whose location has a span in its document.
    events = api.get("/api/events", params={"limit": 100, "sort": "-date"}).json()["items"]
    for e in events:
        detail = api.get(f"/api/events/{e['id']}").json()
        with_span = [f for f in detail["fields"] if f["field"] == "location" and f["span"]]
        if with_span:
            break
    else:
        pytest.fail("no event with a location span in the sample corpus")
    field = with_span[0]
    page.goto("/")
    _ready(page, "overview")
    page.click(f'#events tbody tr[data-id="{e["id"]}"] a')
    _ready(page, "event")
    assert e["id"] in page.url
    page.click('#event-fields button[data-field="location"]')
    page.wait_for_selector('#event-fields button[data-field="location"][aria-pressed="true"]')
    page.wait_for_selector("#event-doc .doctext .focus")
    highlighted = "".join(page.locator("#event-doc .doctext .focus").all_text_contents())
    assert highlighted == field["span"]["text"]
    doc = api.get(f"/api/documents/{field['document_id']}").json()
    assert doc["text"][field["span"]["start"]:field["span"]["end"]] == highlighted
    assert page.locator("#event-doc .doctext .focus").first.is_visible()  # scrolled to
    # Every report of the event is listed, the independent ones marked.
    assert page.locator("#event-reports li").count() == len(detail["members"])
    assert page.locator("#event-reports .tag.indep").count() == sum(
        m["independent"] for m in detail["members"])
    _shot(page, "event")
    assert page.problems == []


def test_sorting_the_table_by_fatalities_and_loading_more(page, api):
    page.goto("/")
    _ready(page, "overview")
    page.click("#events th button[data-sort=fatalities]")
    page.wait_for_url("**sort=-fatalities**")
    _ready(page, "overview")
    assert page.get_attribute("#events th:has(button[data-sort=fatalities])",
                              "aria-sort") == "descending"
    first = api.get("/api/events", params={"limit": 100, "sort": "-fatalities"}).json()
    ids = page.locator("#events tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert ids == [e["id"] for e in first["items"]]
    if first["next"]:  # the next page follows the cursor, in the same order
        page.click("#events-more")
        second = api.get("/api/events", params={"limit": 100, "sort": "-fatalities",
                                                "cursor": first["next"]}).json()
        page.wait_for_selector(f'#events tbody tr[data-id="{second["items"][0]["id"]}"]')
        ids = page.locator("#events tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
        assert ids == [e["id"] for e in first["items"] + second["items"]]
    assert page.problems == []


def test_the_map_view_and_an_actor_filter_the_table(page, api):
    page.goto("/")
    _ready(page, "overview")
    for _ in range(3):
        page.click("#zoom-in")
    page.click("#map-filter")
    page.wait_for_url("**bbox=**")
    _ready(page, "overview")
    bbox = page.url.split("bbox=")[1].split("&")[0].replace("%2C", ",")
    west, south, east, north = map(float, bbox.split(","))
    inside = api.get("/api/events", params={"bbox": bbox, "limit": 100, "sort": "-date"}).json()
    assert page.locator("#events tbody tr").count() == len(inside["items"])
    for e in inside["items"]:
        assert west <= e["location"]["longitude"] <= east
        assert south <= e["location"]["latitude"] <= north
    assert len(inside["items"]) < len(api.get("/api/events", params={"limit": 500}).json()["items"])
    page.click("#map-filter")  # "Show all"
    page.wait_for_url(lambda url: "bbox=" not in url)
    _ready(page, "overview")
    actor = api.get("/api/actors", params={"limit": 1}).json()["items"][0]
    page.select_option("#f-actor", actor["id"])
    page.wait_for_url("**actor=**")
    _ready(page, "overview")
    theirs = api.get("/api/events", params={"actor": actor["id"], "limit": 100}).json()["items"]
    ids = page.locator("#events tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")
    assert sorted(ids) == sorted(e["id"] for e in theirs) and ids
    assert page.problems == []


def test_brushing_the_timeline_filters_the_table_by_date(page, api):
    page.goto("/")
    _ready(page, "overview")
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.97, y, steps=5)
    page.mouse.up()
    page.wait_for_url("**since=**")
    _ready(page, "overview")
    since = page.input_value("#f-since")
    until = page.input_value("#f-until")
    assert since and until and since <= until
    expected = api.get("/api/events", params={"since": since, "until": until,
                                              "limit": 100, "sort": "-date"}).json()["items"]
    assert page.locator("#events tbody tr").count() == len(expected)
    for e in expected:
        assert e["date"]["end"] >= since and e["date"]["start"] <= until
    assert page.problems == []


def test_a_hostile_article_is_shown_as_text_and_runs_nothing(page, api):
    hit = api.get("/api/search", params={"q": "militia website"}).json()["items"]
    assert hit, "the hostile fixture was not ingested"
    doc_id = hit[0]["id"]
    response = page.goto(f"/#/doc/{doc_id}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    _ready(page, "document")
    text = page.locator("#doc-full .doctext")
    # Markup in the article's text is shown as the characters it is, never parsed.
    assert "<script>document.body.dataset.pwned='escaped'</script>" in text.inner_text()
    assert "<img src=x onerror=alert(1)>" in text.inner_text()
    assert page.locator("#doc-full .doctext script, #doc-full .doctext img").count() == 0
    hrefs = page.locator("a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    # Open its events too: the event view renders the same text.
    events = api.get("/api/events", params={"limit": 500}).json()["items"]
    mine = [e for e in events if doc_id in e["document_id"]]
    assert mine
    page.goto(f"/#/event/{mine[0]['id']}")
    _ready(page, "event")
    page.locator("#event-reports button").first.click()
    page.wait_for_selector("#event-doc .doctext")
    assert page.locator("body[data-pwned]").count() == 0
    assert page.problems == []


@pytest.mark.parametrize("view", ["overview", "event", "document", "search"])
def test_axe_finds_no_accessibility_violations(page, api, view):
    """axe-core (Deque's accessibility engine, as bundled by axe-playwright-python) on each
    view: labels, contrast, roles, keyboard reachability, landmarks."""
    from axe_playwright_python.sync_playwright import Axe

    event = api.get("/api/events", params={"limit": 1, "sort": "-sources"}).json()["items"][0]
    url = {"overview": "/", "event": f"/#/event/{event['id']}",
           "document": f"/#/doc/{event['reports'][0]['document_id']}",
           "search": "/#/search?q=killed"}[view]
    page.goto(url)
    _ready(page, view)
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                  for v in Axe().run(page).response["violations"]]
    assert violations == []


def test_every_control_has_a_label_and_the_table_works_from_the_keyboard(page):
    page.goto("/")
    _ready(page, "overview")
    unlabelled = page.locator("input, select, textarea").evaluate_all(
        "xs => xs.filter(x => !x.labels.length && !x.getAttribute('aria-label'))"
        ".map(x => x.id || x.name)")
    assert unlabelled == []
    first = page.locator("#events tbody tr a").first
    first.focus()
    page.keyboard.press("Enter")
    _ready(page, "event")
    assert "#/event/" in page.url


def test_a_reviewer_corrects_a_field_and_sees_it_beside_the_machine_value(browser, database,
                                                                          tmp_path):
    token = "ui-test-token-0123456789"
    reviewed_db = tmp_path / "review.db"
    shutil.copy(database, reviewed_db)
    with serving(reviewed_db, "--review", "--token", token) as (api, _):
        base = str(api.base_url)
        event = api.get("/api/events", params={"limit": 1, "sort": "-fatalities"}).json()
        event_id = event["items"][0]["id"]
        machine = event["items"][0]["fatalities"]["best"]
        context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 800})
        page = context.new_page()
        page.goto(f"/#/event/{event_id}")
        _ready(page, "event")
        page.select_option("#review-field", "fatalities")
        page.fill("#review-value", str(machine + 1))
        page.fill("#review-reviewer", "A. Analyst")
        page.fill("#review-reason", "The UN mission's report counts one more.")
        page.fill("#review-token", "not-the-token-at-all")
        page.click(".review button[type=submit]")
        page.wait_for_selector(".review [role=status]:has-text('Not saved')")
        assert api.get(f"/api/events/{event_id}").json()["reviewed"] == {}
        page.fill("#review-token", token)
        page.click(".review button[type=submit]")
        page.wait_for_selector('#event-fields button[data-field="fatalities"] .reviewed')
        shown = page.inner_text('#event-fields button[data-field="fatalities"]')
        assert f"reviewed: {machine + 1} by A. Analyst" in shown
        assert str(machine) in shown  # the machine value stays beside it
        reviewed = api.get(f"/api/events/{event_id}").json()
        assert reviewed["reviewed"]["fatalities"]["value"] == machine + 1
        assert reviewed["event"]["fatalities"]["best"] == machine
        context.close()


ATTACKER = "attacker.example"
# Elements no article string may become, anywhere in the page's main content.
INJECTED = ("main script, main iframe, main object, main embed, main img, main form[action], "
            "main [onmouseover], main [onerror], main [onload], main [onfocus], main base, "
            "main a[href^='javascript:' i], main a[href^='data:' i]")


def _nothing_ran(page, requests: list[str], server: str) -> None:
    assert page.locator(INJECTED).count() == 0
    assert page.locator("body[data-pwned]").count() == 0
    assert page.locator("body").evaluate("b => typeof window.__pwned") == "undefined"
    assert [u for u in requests if urlsplit(u).hostname == ATTACKER] == []
    assert [u for u in requests if not u.startswith((server, "data:"))] == []
    assert page.problems == []  # no dialog, no page error, no console error (CSP refusals)


def test_article_titles_sites_quotes_and_notes_are_text_in_every_view(page, api, server):
    """An article whose title, site name, quoted speech and text carry markup (and whose
    head holds scripts, a javascript: canonical URL, a base href, a meta refresh, remote
    styles and trackers): shown in search results, the document view, each of its events and
    the claims list, every string is the characters it is and nothing runs or is fetched."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    hit = api.get("/api/search", params={"q": "Menaka lorries"}).json()["items"]
    assert hit, "tests/fixtures/hostile/menaka-ambush_payloads-in-metadata.html not ingested"
    doc = api.get(f"/api/documents/{hit[0]['id']}").json()
    title, site = doc["title"], doc["site"]
    assert "<script>window.__pwned='title'</script>" in title and "onmouseover" in site
    quote = "<script>alert('these killers')</script>"

    page.goto("/#/search?q=Menaka%20lorries")
    _ready(page, "search")
    results = page.inner_text("#search-results")
    assert title in results and site in results
    assert "<script>window.__pwned='title'</script" in hit[0]["snippet"]
    assert page.locator("#search-results mark").first.inner_text().lower() in ("menaka",
                                                                                "lorries")
    _nothing_ran(page, requests, server)

    page.goto(f"/#/doc/{doc['id']}")
    _ready(page, "document")
    assert page.inner_text("#doc-full .doctitle") == title
    assert site in page.inner_text("#doc-full .docmeta")
    page.hover("#doc-full .docmeta")
    text = page.inner_text("#doc-full .doctext")
    assert quote in text and "<b onmouseover=alert(1)>Ganda Izo</b>" in text
    assert '"<iframe src=javascript:alert(1)>"' in text
    _nothing_ran(page, requests, server)

    events = api.get("/api/events", params={"limit": 500}).json()["items"]
    mine = [e for e in events if any(r["document_id"] == doc["id"] for r in e["reports"])]
    assert len(mine) >= 2 and any("<b onmouseover" in (e["notes"] or "") for e in mine)
    for event in mine:
        page.goto(f"/#/event/{event['id']}")
        _ready(page, "event")
        reports = page.inner_text("#event-reports")
        assert title in reports and site in reports
        if event["notes"]:
            assert event["notes"] in page.inner_text("#event-fields")
        page.locator("#event-reports li", has_text="Menaka").locator("button").click()
        page.wait_for_selector("#event-doc .doctext")
        assert page.inner_text("#event-doc .doctitle") == title
        assert quote in page.inner_text("#event-doc .doctext")
        _nothing_ran(page, requests, server)

    group = next(c for c in api.get("/api/claims", params={"limit": 500}).json()["items"]
                 if quote in c["content"])
    page.goto("/")
    _ready(page, "overview")
    page.click("#tab-claims")
    row = page.locator("#claims tbody tr", has_text="these killers")
    while not row.count() and page.locator("#claims-more").is_visible():
        page.click("#claims-more")
        page.wait_for_timeout(300)
    assert row.count() == 1 and group["content"] in row.inner_text()
    assert page.locator("#claims tbody").inner_text().count(quote) == 1
    _nothing_ran(page, requests, server)


OUR_HREFS = ["#/event/ev-0274e9acaf9ecd52", "#/doc/6a8c", "/static/app.css",
             "/api/events.csv?type=Battles", "https://example.org/a?b=c#d", "HTTP://example.org"]
HOSTILE_HREFS = [
    "javascript:window.__pwned=1", " javascript:window.__pwned=1", "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)",
    "javascript&colon;alert(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>", "vbscript:msgbox(1)", "blob:http://x/1",
    "//attacker.example/x", "/\\attacker.example/x", "\\\\attacker.example/x",
    "/\t/attacker.example", "/\n/attacker.example", "https:attacker.example",
    "http:/attacker.example", "https:///attacker.example", "https:\\\\attacker.example",
    "#\njavascript:alert(1)", "file:///etc/passwd", "http\u2028://attacker.example",
]


def test_the_ui_builds_links_only_to_itself_and_the_web(page, server):
    """The UI's own link builder (api.js ``el`` and ``safeHref``, imported in the page as
    the UI imports it): hostile hrefs leave no href at all, ours are kept as they are."""
    page.goto("/")
    _ready(page, "overview")
    built = page.locator("body").evaluate(
        """async (_, hrefs) => {
             const api = await import('/static/api.js');
             return hrefs.map((h) => {
               const a = api.el('a', {href: h}, 'x');
               return [h, api.safeHref(h), a.getAttribute('href'),
                       a.hasAttribute('href') ? a.protocol + '//' + a.host : null];
             });
           }""", OUR_HREFS + HOSTILE_HREFS)
    for href, safe, attribute, where in built[:len(OUR_HREFS)]:
        assert safe and attribute == href, href
        assert where in (server.rstrip("/").replace("http://", "http://", 1),
                         "https://example.org", "http://example.org"), (href, where)
    for href, safe, attribute, _ in built[len(OUR_HREFS):]:
        assert not safe and attribute is None, (href, attribute)
    assert page.problems == []


@pytest.mark.parametrize("fragment", [
    "#/search?q=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E",
    "#/?type=%3Csvg%20onload%3Dalert(1)%3E&actor=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    "&country=%3Cb%3E&bbox=javascript%3Aalert(1)",
    "#/event/%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E",
    "#/doc/%22%3E%3Cimg%20src%3Dhttp%3A%2F%2Fattacker.example%2Fx%3E?start=0&end=%3Cb%3E",
], ids=["search", "filters", "event", "document"])
def test_a_crafted_link_to_the_ui_runs_nothing(page, server, fragment):
    """A link someone sends an analyst, with markup in the view's address: it is shown as
    text (the search title) or refused with a message; nothing runs or is fetched."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/" + fragment)
    page.wait_for_selector("body[data-ready]", timeout=30_000)
    if "search" in fragment:
        assert page.inner_text("#search-title") == (
            'Search: <img src=x onerror="window.__pwned=1">')
    elif page.get_attribute("body", "data-ready") == "error":
        assert page.inner_text("#error")  # the API's refusal, as text
        page.problems[:] = [p for p in page.problems  # the refused request itself
                            if not re.search(r"Failed to load resource.* (404|422) ", p)]
    page.mouse.move(400, 300)
    _nothing_ran(page, requests, server)


def test_the_api_docs_work_offline_and_run_nothing_else(page, api, server):
    """/docs is Swagger UI from the vendored bundle: with every request to another host
    refused, it lists the API's operations and runs one against the server, under a policy
    that names no other origin and allows no inline script but the page's own (by hash)."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.context.route("**/*", lambda route: route.continue_()
                       if urlsplit(route.request.url).hostname == "127.0.0.1"
                       else route.abort("blockedbyclient"))
    response = page.goto("/docs")
    assert response.status == 200
    policy = dict(p.strip().split(" ", 1) for p in
                  response.headers["content-security-policy"].split(";"))
    assert not re.search(r"https?:|\*", response.headers["content-security-policy"])
    assert re.fullmatch(r"'self' 'sha256-[A-Za-z0-9+/]+=*'", policy["script-src"])
    assert policy["style-src"] == policy["connect-src"] == "'self'"
    assert policy["img-src"] == "'self' data:" and policy["frame-ancestors"] == "'none'"
    # Every operation of the schema is listed, /api/events among them.
    schema = api.get("/openapi.json").json()
    operations = sum(len(item) for item in schema["paths"].values())
    page.wait_for_selector(".opblock-summary-path[data-path='/api/events']", timeout=30_000)
    assert page.locator(".opblock").count() == operations > 10
    assert page.locator(".info .title").inner_text().startswith("sitrep")
    assert _shot(page, "api-docs").stat().st_size > 10_000
    # Try an operation: the request goes to the server and its answer is shown.
    stats = page.locator(".opblock:has(.opblock-summary-path[data-path='/api/stats'])")
    stats.locator(".opblock-summary").click()
    stats.locator("button.try-out__btn").click()
    stats.locator("button.execute").click()
    live = stats.locator(".live-responses-table tbody tr.response")
    live.wait_for(timeout=30_000)
    assert live.locator(".response-col_status").inner_text().strip() == "200"
    assert '"events_happened"' in live.locator(".response-col_description pre").first \
        .inner_text()
    assert [u for u in requests if not u.startswith((server, "data:"))] == []
    assert page.problems == []  # no page error, no console error (a CSP refusal is one)
    # Code the page did not ship (as an injected inline script would be) is refused.
    page.locator("body").evaluate("""b => {
        const s = document.createElement("script");
        s.textContent = "document.body.dataset.pwned = 'docs'";
        b.append(s);
    }""")
    page.wait_for_timeout(200)
    assert page.locator("body[data-pwned]").count() == 0
    assert [m for m in page.problems if "Content Security Policy" in m]
    # One docs page: ReDoc (a CDN bundle that needs inline styles and workers) is not served.
    assert api.get("/redoc").status_code == 404


def test_a_reviewers_markup_is_shown_as_text(browser, database, tmp_path):
    """Reviews are people's strings (value, name, reason) shown beside the machine's values:
    markup in them is text too."""
    token = "ui-safety-token-0123456789"
    reviewed_db = tmp_path / "review.db"
    shutil.copy(database, reviewed_db)
    with serving(reviewed_db, "--review", "--token", token) as (api, _):
        base = str(api.base_url)
        event = api.get("/api/events", params={"limit": 1, "sort": "-sources"}).json()["items"][0]
        review = {"field": "location", "value": "<img src=x onerror=\"window.__pwned='value'\">",
                  "reviewer": "<script>window.__pwned='name'</script>",
                  "reason": "<svg onload=\"window.__pwned='reason'\"></svg> & \"quoted\""}
        made = api.post(f"/api/events/{event['id']}/reviews", json=review,
                        headers={"Authorization": f"Bearer {token}"})
        assert made.status_code == 201, made.text
        context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 800})
        page = context.new_page()
        page.problems = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
        page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"/#/event/{event['id']}")
        _ready(page, "event")
        shown = page.inner_text('#event-fields button[data-field="location"] .reviewed')
        assert review["value"] in shown and review["reviewer"] in shown
        assert review["reason"] in shown
        _nothing_ran(page, requests, base)
        page.goto("/")
        _ready(page, "overview")
        _nothing_ran(page, requests, base)
        context.close()
