// The document view: a document's clean text (never its HTML) with what sitrep found in it
// highlighted by kind, and one span (a field's evidence) marked as the focus and scrolled to.

import { el, clear, safeHref, published } from "./api.js";

export const KINDS = [
  ["actor", "Actors"], ["place", "Places"], ["time", "Times"], ["figure", "Figures"],
  ["event", "Event words"], ["claim", "Claims"],
];

/** Every span of a document (as /api/documents/{id} returns it) as {start, end, kind, label}. */
export function spansOf(doc) {
  const out = [];
  const add = (span, kind, label) => {
    if (span && Number.isInteger(span.start) && span.end > span.start) out.push({ start: span.start, end: span.end, kind, label });
  };
  for (const a of doc.actors || []) add(a.span, "actor", `actor: ${a.actor.name}${a.actor.type ? ` (${a.actor.type})` : ""}`);
  for (const p of doc.places || []) add(p.span, "place", `place: ${p.place ? [p.place.name, p.place.admin1, p.place.country].filter(Boolean).join(", ") : "unresolved"}`);
  for (const t of doc.times || []) add(t.span, "time", `time: ${t.value ?? "?"}`);
  for (const f of doc.figures || []) add(f.span, "figure", `figure: ${f.value ?? `${f.low ?? "?"}–${f.high ?? "?"}`}${f.unit ? ` ${f.unit}` : ""}`);
  for (const e of doc.events || []) {
    add(e.evidence && e.evidence.trigger, "event", `event: ${e.event_type}${e.sub_event_type ? ` / ${e.sub_event_type}` : ""}`);
  }
  for (const c of doc.claims || []) {
    const who = c.claimant ? c.claimant.name : "unattributed";
    for (const s of (c.evidence && c.evidence.content) || []) add(s, "claim", `claim by ${who}: ${c.status}`);
  }
  return out;
}

/**
 * Split text at every span boundary; each piece knows the spans covering it. Returns
 * [{start, end, covering: [span…]}] in order, covering the whole text.
 */
export function pieces(length, spans) {
  const cuts = new Set([0, length]);
  for (const s of spans) { cuts.add(Math.max(0, Math.min(length, s.start))); cuts.add(Math.max(0, Math.min(length, s.end))); }
  const sorted = [...cuts].sort((a, b) => a - b);
  const byStart = [...spans].sort((a, b) => a.start - b.start);
  const open = [];
  let next = 0;
  const out = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i], b = sorted[i + 1];
    while (next < byStart.length && byStart[next].start <= a) open.push(byStart[next++]);
    for (let j = open.length - 1; j >= 0; j--) if (open[j].end <= a) open.splice(j, 1);
    out.push({ start: a, end: b, covering: open.filter((s) => s.start <= a && s.end >= b) });
  }
  return out;
}

/** Draw ``doc`` into ``container``; ``focus`` = {start, end} scrolls to and marks a span. */
export function renderDocument(container, doc, { focus = null, heading = "h2" } = {}) {
  clear(container);
  const text = doc.text || "";
  const spans = spansOf(doc);
  if (focus) spans.push({ start: focus.start, end: focus.end, kind: "focus", label: "evidence" });
  const body = el("div", { class: "doctext", id: `text-${doc.id.slice(0, 12)}`, tabindex: "0",
                           "aria-label": "Document text with highlights" });
  for (const piece of pieces(text.length, spans)) {
    const chunk = text.slice(piece.start, piece.end);
    if (!piece.covering.length) { body.append(document.createTextNode(chunk)); continue; }
    const kinds = [...new Set(piece.covering.map((s) => s.kind))];
    body.append(el("span", { class: kinds.join(" "), title: piece.covering.filter((s) => s.kind !== "focus").map((s) => s.label).join("\n") || null }, chunk));
  }
  const legend = el("ul", { class: "doclegend", "aria-label": "Highlight kinds" },
    KINDS.map(([kind, label]) => el("li", {}, el("label", {},
      el("input", { type: "checkbox", checked: true, on: { change: (e) => body.classList.toggle(`off-${kind}`, !e.target.checked) } }),
      el("span", { class: `key ${kind}`, "aria-hidden": "true" }), label))));
  const url = doc.url && safeHref(doc.url) && /^https?:/i.test(doc.url) ? el("a", { href: doc.url, rel: "noopener noreferrer nofollow", target: "_blank" }, doc.url) : doc.url;
  const meta = el("p", { class: "docmeta" },
    [doc.site, published(doc.published) ? `published ${published(doc.published)}` : "publication date unknown", doc.byline ? `by ${doc.byline}` : null]
      .filter(Boolean).join(" · "),
    url ? " · " : null, url || null,
    " · ", el("a", { href: `#/doc/${doc.id}` }, "open document"));
  container.append(el(heading, { class: "doctitle" }, doc.title || "(untitled)"), meta, legend, body);
  if (focus) {
    const first = body.querySelector(".focus");
    if (first) first.scrollIntoView({ block: "center" });
  }
  return body;
}
