// Talking to the API, and building DOM nodes safely.
//
// Everything shown comes from untrusted articles, so nodes are built with createElement and
// textContent only: no innerHTML, no inline handlers, no links but ours and http(s).

export class ApiError extends Error {}

/** GET an API path with query parameters (empty ones dropped) and return its JSON. */
export async function getJSON(path, params = {}) {
  const qs = query(params).toString();
  const response = await fetch(qs ? `${path}?${qs}` : path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(message(response, body));
  return body;
}

/** POST JSON with a bearer token; returns the JSON answer. */
export async function postJSON(path, data, token) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json",
               ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(data),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(message(response, body));
  return body;
}

function message(response, body) {
  const detail = body && body.detail;
  if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ");
  return `${response.status} ${detail || response.statusText}`;
}

export function query(params) {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") out.set(key, String(value));
  }
  return out;
}

/**
 * el("a", {href: "#/x", class: "y"}, "text", child) → an element. Attribute values are set
 * with setAttribute (never parsed as HTML); an "href" must be internal ("#…", "/…") or http(s),
 * anything else (javascript:, data:) is dropped. "on" attributes are functions, added as
 * listeners; "text" sets textContent.
 */
export function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "href") { if (safeHref(value)) node.setAttribute("href", value); }
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function safeHref(href) {
  const text = String(href);
  // Browsers drop spaces and control characters anywhere in a URL ("java\tscript:") and read
  // a backslash as a slash ("/\evil.example" is another host): neither is ever ours.
  if (/[\u0000-\u0020\u007f-\u009f\u2028\u2029\\]/.test(text)) return false;
  return text.startsWith("#") || (text.startsWith("/") && !text.startsWith("//"))
    || /^https?:\/\/[^/]/i.test(text);
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

// ACLED event types → colour (Okabe–Ito; see app.css).
const TYPE_COLOURS = {
  "Battles": "#d55e00",
  "Explosions/Remote violence": "#e69f00",
  "Violence against civilians": "#cc79a7",
  "Protests": "#0072b2",
  "Riots": "#009e73",
  "Strategic developments": "#56b4e9",
};
export const typeColour = (type) => TYPE_COLOURS[type] || "#777";
export const TYPES = Object.keys(TYPE_COLOURS);

/** "12 (10–15)", "10–15", "12", "unknown" */
export function fatalities(f) {
  if (!f) return "unknown";
  const best = f.best ?? null;
  const range = f.low !== null && f.low !== undefined && f.high !== null && f.high !== undefined && f.low !== f.high
    ? `${f.low}–${f.high}` : null;
  if (best === null) return range || "unknown";
  return range ? `${best} (${range})` : String(best);
}

/** A date interval as text: "2024-03-02", "2024-03-02 – 2024-03-04", "undated". */
export function period(d) {
  if (!d || !d.start) return "undated";
  return d.end && d.end !== d.start ? `${d.start} – ${d.end}` : d.start;
}

/** "Bamako (ML)"; a country alone is its name. Admin codes ("ML.01") are left out. */
export function place(loc) {
  if (!loc) return "unknown";
  if (!loc.name) return loc.country || "unknown";
  const isCountry = String(loc.place_id || "").startsWith("country:");
  return isCountry || !loc.country ? loc.name : `${loc.name} (${loc.country})`;
}

/** A publication date as text, whether the API gives "2024-03-13" or {value, precision…}. */
export function published(p) {
  if (!p) return null;
  return typeof p === "object" ? p.value || null : String(p);
}

export function actorName(a) {
  return a ? a.name || a.id : null;
}
