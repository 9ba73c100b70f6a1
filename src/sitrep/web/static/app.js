// sitrep UI: the router and the overview (filters, map, timeline, events and claims lists).
//
// Views are addressed by the URL fragment, so every view can be bookmarked and the back
// button works: #/?type=Battles&country=ML (overview with filters), #/event/ID, #/doc/ID,
// #/search?q=…  When a view is drawn, body[data-ready] names it (the browser tests wait on it).

import { el, clear, getJSON, query, published, period, place, fatalities, actorName, typeColour, TYPES } from "./api.js";
import { EventMap } from "./map.js";
import { Timeline } from "./timeline.js";
import { renderEvent, showError, showDocumentIn } from "./event.js";

const FILTERS = ["type", "country", "modality", "status", "actor", "min_sources", "since", "until", "as_of", "bbox"];
const ACTORS = 300; // the most mentioned actors offered in the actor filter
const PAGE = 100;
const views = ["overview", "event-view", "doc-view", "search-view"];
let map, timeline, facetsLoaded = false, stats = {};
// Newest first by default: what analysts look at first (undated events come last).
const DEFAULT_SORT = "-date";
const list = { events: { next: null, sort: DEFAULT_SORT }, claims: { offset: 0 } };

function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, qs] = hash.split("?");
  return { path, params: new URLSearchParams(qs || "") };
}

function filtersFrom(params) {
  const out = {};
  for (const key of FILTERS) if (params.get(key)) out[key] = params.get(key);
  return out;
}

function go(params) {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined)).toString();
  const hash = `#/${qs ? `?${qs}` : ""}`;
  // Not ready from the moment the address changes (hashchange fires a task later), and drawn
  // again even when it does not change.
  delete document.body.dataset.ready;
  if (location.hash === hash) render();
  else location.hash = hash;
}

function show(view) {
  for (const v of views) document.getElementById(v).hidden = v !== view;
  document.getElementById("error").hidden = true;
}

// Each render is numbered: one that a newer render overtook (a second filter set while the
// first was loading) draws nothing more once its data arrives, and does not mark the page
// ready.
let renders = 0;

function overtaken(mine) {
  return mine !== renders;
}

function ready(name, mine) {
  if (!overtaken(mine)) document.body.dataset.ready = name;
}

async function render() {
  const mine = ++renders;
  delete document.body.dataset.ready;
  const { path, params } = route();
  try {
    if (path.startsWith("/event/")) {
      show("event-view");
      const event = await renderEvent(decodeURIComponent(path.slice(7)), { review: stats.review });
      if (overtaken(mine)) return;
      document.title = `${event.event_type} — sitrep`;
      ready("event", mine);
    } else if (path.startsWith("/doc/")) {
      show("doc-view");
      const span = params.has("start") ? { start: Number(params.get("start")), end: Number(params.get("end")) } : null;
      await showDocumentIn(document.getElementById("doc-full"), decodeURIComponent(path.slice(5)), span, "h2");
      if (overtaken(mine)) return;
      document.title = "Document — sitrep";
      ready("document", mine);
    } else if (path.startsWith("/search")) {
      show("search-view");
      await renderSearch(params.get("q") || "", mine);
      ready("search", mine);
    } else {
      show("overview");
      document.title = "sitrep";
      await renderOverview(params, mine);
      ready("overview", mine);
    }
  } catch (err) {
    showError(err);
    ready("error", mine);
  }
}

// -- overview --------------------------------------------------------------------------------

async function loadFacets() {
  if (facetsLoaded) return;
  const facets = await getJSON("/api/facets");
  const fill = (id, items) => {
    const select = document.getElementById(id);
    for (const item of items || []) {
      const [value, count] = Array.isArray(item) ? item : typeof item === "object" ? [item.value, item.count] : [item, null];
      if (value === null || value === undefined) continue;
      const label = count === null || count === undefined ? value : `${value} (${count})`;
      select.append(el("option", { value }, item.sub ? `\u00a0\u00a0· ${label}` : label));
    }
  };
  // Event types, each followed by its sub-event types (the "type" filter takes either).
  fill("f-type", (facets.types || []).flatMap((t) => [t, ...(t.sub_event_types || []).map((s) => ({ ...s, sub: true }))]));
  fill("f-country", facets.countries);
  fill("f-modality", facets.modalities);
  fill("f-status", facets.statuses);
  const actors = await getJSON("/api/actors", { limit: ACTORS });
  const select = document.getElementById("f-actor");
  for (const a of actors.items) select.append(el("option", { value: a.id }, `${a.name}${a.type ? ` (${a.type})` : ""}`));
  facetsLoaded = true;
}

function syncForm(filters, bin) {
  const form = document.getElementById("filters");
  for (const key of FILTERS) {
    const input = form.elements.namedItem(key);
    if (!input) continue;
    if (input.tagName === "SELECT" && filters[key] && ![...input.options].some((o) => o.value === filters[key])) {
      input.append(el("option", { value: filters[key] }, filters[key]));
    }
    input.value = filters[key] || "";
  }
  form.elements.namedItem("bin").value = bin;
}

async function renderOverview(params, mine) {
  await loadFacets();
  if (overtaken(mine)) return;
  const filters = filtersFrom(params);
  const bin = params.get("bin") === "week" ? "week" : "day";
  list.events.sort = params.get("sort") || DEFAULT_SORT;
  syncForm(filters, bin);
  // The map shows the whole world's matches (its own view is the bbox filter); the timeline
  // shows every date (its brush is the date filter).
  const { since, until, ...undated } = filters;
  const { bbox, ...unboxed } = filters;
  const [points, line] = await Promise.all([
    getJSON("/api/map", unboxed),
    getJSON("/api/timeline", { ...undated, bin }),
  ]);
  if (overtaken(mine)) return;
  map.setPoints(points.items);
  if (!bbox) map.fit();
  const boxButton = document.getElementById("map-filter");
  boxButton.setAttribute("aria-pressed", String(Boolean(bbox)));
  boxButton.textContent = bbox ? "Show all" : "Filter to view";
  document.getElementById("map-caption").textContent =
    `Map of ${points.items.length} of ${points.total} events with a location` +
    (points.items.length < points.total ? " (the deadliest shown)" : "") + ". Drag to pan, scroll or use the buttons to zoom; select a circle to open its event.";
  timeline.draw(line.items, bin, { since, until });
  const left = [line.vague ? `${line.vague} dated only to a period longer than a month` : null,
                line.undated ? `${line.undated} undated` : null].filter(Boolean);
  document.getElementById("timeline-caption").textContent =
    `Events (bars) and people killed (line: best estimate; band: low–high) per ${bin}.` +
    (left.length ? ` Not shown: ${left.join(", ")}.` : "") + " Drag across to filter by dates; click to clear.";
  await loadEvents(filters, false, mine);
  await loadClaims(filters, false, mine);
}

function sortHeaders() {
  for (const th of document.querySelectorAll("#events th")) {
    const button = th.querySelector("button[data-sort]");
    if (!button) continue;
    const key = button.dataset.sort;
    const sort = list.events.sort;
    th.setAttribute("aria-sort", sort === key ? "ascending" : sort === `-${key}` ? "descending" : "none");
  }
}

async function loadEvents(filters, more, mine = renders) {
  const params = { ...filters, limit: PAGE, sort: list.events.sort };
  if (more) params.cursor = list.events.next;
  const page = await getJSON("/api/events", params);
  if (overtaken(mine)) return;
  const body = document.querySelector("#events tbody");
  if (!more) clear(body);
  for (const e of page.items) {
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.setProperty("--c", typeColour(e.event_type));
    const actors = [actorName(e.actor1), actorName(e.actor2)].filter(Boolean).join(" vs ");
    body.append(el("tr", { dataset: { id: e.id, type: e.event_type } },
      el("td", {}, el("a", { href: `#/event/${e.id}`, "aria-label": `Event of ${period(e.date)}: ${e.sub_event_type || e.event_type}` },
        e.date && e.date.start ? e.date.start : "undated",
        e.date && e.date.end && e.date.end !== e.date.start ? el("div", { class: "hint" }, `to ${e.date.end}`) : null)),
      el("td", {}, swatch, e.event_type, e.sub_event_type ? el("div", { class: "hint" }, e.sub_event_type) : null),
      el("td", {}, place(e.location)),
      el("td", {}, actors || "–"),
      el("td", { class: "num" }, fatalities(e.fatalities)),
      el("td", { class: "num" }, `${e.independent_sources}/${e.sources}`),
      el("td", {}, e.modality, e.reviewed && Object.keys(e.reviewed).length ? el("span", { class: "tag" }, "reviewed") : null)));
  }
  list.events.next = page.next;
  const wanted = query({ ...filters, sort: list.events.sort, limit: 500 });
  document.getElementById("dl-csv").setAttribute("href", `/api/events.csv?${wanted}`);
  document.getElementById("dl-geojson").setAttribute("href", `/api/events.geojson?${wanted}`);
  const more_ = document.getElementById("events-more");
  more_.hidden = !page.next;
  const shown = body.children.length;
  document.getElementById("events-count").textContent =
    `${shown} event${shown === 1 ? "" : "s"} shown${page.next ? " (more below)" : ""}. Sources: independent/all.`;
  sortHeaders();
}

async function loadClaims(filters, more, mine = renders) {
  const offset = more ? list.claims.offset : 0;
  const page = await getJSON("/api/claims", { status: filters.status, offset, limit: PAGE });
  if (overtaken(mine)) return;
  const body = document.querySelector("#claims tbody");
  if (!more) clear(body);
  for (const c of page.items) {
    body.append(el("tr", {},
      el("td", {}, c.claimant_name || c.claimant || "unattributed"),
      el("td", {}, c.event ? el("a", { href: `#/event/${c.event}` }, c.content || "(event)") : c.content || ""),
      el("td", {}, el("span", { class: `tag status-${c.status}` }, c.status)),
      el("td", { class: "num" }, `${c.independent_sources}/${c.sources}`)));
  }
  list.claims.offset = page.next_offset ?? offset + page.items.length;
  document.getElementById("claims-more").hidden = page.next_offset === null || page.next_offset === undefined;
  document.getElementById("claims-count").textContent = `${page.total} claim group${page.total === 1 ? "" : "s"}. Sources: independent/all.`;
}

// -- search ----------------------------------------------------------------------------------

/** The search snippet, whose matched words come marked as **word**, with <mark>s (as nodes). */
function snippet(text) {
  return text.split("**").map((part, i) => (i % 2 ? el("mark", {}, part) : part));
}

async function renderSearch(q, mine) {
  document.getElementById("q").value = q;
  const out = clear(document.getElementById("search-results"));
  document.getElementById("search-title").textContent = `Search: ${q}`;
  if (!q) return;
  const hits = await getJSON("/api/search", { q, limit: 50 });
  if (overtaken(mine)) return;
  for (const h of hits.items) {
    out.append(el("li", {}, el("a", { href: `#/doc/${h.id}` }, h.title || h.id.slice(0, 12)),
      ` ${[h.site, published(h.published)].filter(Boolean).join(", ")}`, el("div", { class: "hint" }, snippet(h.snippet || ""))));
  }
  if (!hits.items.length) out.append(el("li", {}, "Nothing found."));
}

// -- wiring ----------------------------------------------------------------------------------

function wire() {
  const form = document.getElementById("filters");
  const current = () => Object.fromEntries(route().params);
  form.addEventListener("change", () => {
    const data = Object.fromEntries(new FormData(form));
    go({ ...current(), ...data });
  });
  form.addEventListener("reset", (e) => { e.preventDefault(); go({}); });
  form.addEventListener("submit", (e) => e.preventDefault());
  document.getElementById("search").addEventListener("submit", (e) => {
    e.preventDefault();
    location.hash = `#/search?${new URLSearchParams({ q: document.getElementById("q").value })}`;
  });
  document.getElementById("events-more").addEventListener("click", () => loadEvents(filtersFrom(route().params), true).catch(showError));
  document.getElementById("claims-more").addEventListener("click", () => loadClaims(filtersFrom(route().params), true).catch(showError));
  for (const button of document.querySelectorAll("#events th button[data-sort]")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort;
      // Numbers start with the largest, dates with the newest; a second click reverses.
      const sort = list.events.sort === `-${key}` ? key : `-${key}`;
      go({ ...current(), sort: sort === DEFAULT_SORT ? "" : sort });
    });
  }
  // Tabs (arrow keys move between them, as the ARIA pattern says).
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const pick = (tab) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    tab.focus();
  };
  for (const tab of tabs) {
    tab.addEventListener("click", () => pick(tab));
    tab.addEventListener("keydown", (e) => {
      const i = tabs.indexOf(tab);
      if (e.key === "ArrowRight") pick(tabs[(i + 1) % tabs.length]);
      if (e.key === "ArrowLeft") pick(tabs[(i - 1 + tabs.length) % tabs.length]);
    });
  }
  document.getElementById("zoom-in").addEventListener("click", () => map.zoomBy(1.6));
  document.getElementById("zoom-out").addEventListener("click", () => map.zoomBy(1 / 1.6));
  document.getElementById("zoom-fit").addEventListener("click", () => map.fit());
  document.getElementById("map-filter").addEventListener("click", () => {
    const params = current();
    go({ ...params, bbox: params.bbox ? "" : map.bbox() });
  });
  const legend = document.getElementById("legend");
  for (const type of TYPES) {
    const item = el("li", {}, type);
    item.style.setProperty("--c", typeColour(type));
    legend.append(item);
  }
  window.addEventListener("hashchange", render);
}

async function start() {
  map = new EventMap(document.getElementById("map"), { onOpen: (id) => { location.hash = `#/event/${id}`; } });
  timeline = new Timeline(document.getElementById("timeline"), {
    onBrush: (range) => go({ ...Object.fromEntries(route().params), since: range ? range.since : "", until: range ? range.until : "" }),
  });
  wire();
  try {
    stats = await getJSON("/api/stats");
    document.getElementById("stats").textContent =
      `${stats.documents} documents · ${stats.events} events · ${stats.claims} claims` +
      (stats.fatalities_best ? ` · ${stats.fatalities_best} killed (best estimates)` : "") +
      (stats.review ? " · review on" : "");
    await map.loadOutlines("/static/vendor/countries-50m.json");
  } catch (err) {
    showError(err);
  }
  await render();
}

start();
