// The event page: each field beside its evidence (select one: the document pane shows the
// source text scrolled to the highlighted span), the reports and sources (independent ones
// marked), the history of the event as documents arrived, the reports kept apart and, when
// the server allows it, a form to review a field.

import { el, clear, getJSON, postJSON, period, place, fatalities, actorName, typeColour } from "./api.js";
import { renderDocument } from "./doc.js";

const docs = new Map(); // document id → its JSON (an event page opens the same ones often)

async function documentOf(id) {
  if (!docs.has(id)) docs.set(id, await getJSON(`/api/documents/${encodeURIComponent(id)}`));
  return docs.get(id);
}

export async function showDocumentIn(container, documentId, span, heading = "h3") {
  const doc = await documentOf(documentId);
  renderDocument(container, doc, { focus: span, heading });
}

function fieldText(field, event) {
  switch (field.field) {
    case "location": return place(event.location);
    case "date": return period(event.date);
    case "fatalities": return fatalities(event.fatalities);
    case "actor1": return actorName(event.actor1) || "none";
    case "actor2": return actorName(event.actor2) || "none";
    default: return field.value ?? event[field.field] ?? "none";
  }
}

export async function renderEvent(id, { review }) {
  const data = await getJSON(`/api/events/${encodeURIComponent(id)}`);
  const event = data.event;
  const title = document.getElementById("event-title");
  clear(title).append(el("span", { class: "swatch", style: null, "aria-hidden": "true", dataset: { type: event.event_type } }),
    `${event.sub_event_type || event.event_type} — ${place(event.location)}, ${period(event.date)}`);
  title.firstChild.style.setProperty("--c", typeColour(event.event_type));
  const pane = document.getElementById("event-doc");
  const list = clear(document.getElementById("event-fields"));
  const reviewed = data.reviewed || event.reviewed || {};
  const fields = data.fields || [];
  const buttons = [];
  const select = async (button, field) => {
    for (const b of buttons) b.setAttribute("aria-pressed", String(b === button));
    if (field.document_id) await showDocumentIn(pane, field.document_id, field.span);
  };
  for (const field of fields) {
    const r = reviewed[field.field];
    const button = el("button", { type: "button", "aria-pressed": "false", dataset: { field: field.field } },
      el("span", { class: "name" }, field.field.replaceAll("_", " ")),
      el("span", {}, fieldText(field, event),
        field.span ? el("span", { class: "visually-hidden" }, ` — evidence: “${field.span.text}”`)
          : el("span", { class: "noevidence" }, field.document_id ? " (no span: taken from the document)" : " (no evidence)"),
        r ? el("span", { class: "reviewed" }, `reviewed: ${r.value ?? "none"} by ${r.reviewer} (${r.at}): ${r.reason}`) : null));
    button.addEventListener("click", () => select(button, field).catch(showError));
    buttons.push(button);
    list.append(el("li", {}, button));
  }
  const extra = [
    ["modality", `${event.modality}${event.hedged ? " (hedged)" : ""}`],
    ["sources", `${event.sources} documents, ${event.independent_sources} independent`],
    ["notes", event.notes || ""],
  ];
  for (const [name, value] of extra) {
    if (fields.some((f) => f.field === name)) continue;
    list.append(el("li", {}, el("div", { class: "plain" }, el("span", { class: "name" }, `${name}: `), value)));
  }

  const reports = clear(document.getElementById("event-reports"));
  for (const m of data.members || event.reports || []) {
    const open = el("button", { type: "button" }, "show text");
    open.addEventListener("click", () => showDocumentIn(pane, m.document_id, null).catch(showError));
    reports.append(el("li", {},
      el("a", { href: `#/doc/${m.document_id}` }, m.title || m.document_id.slice(0, 12)), " ",
      [m.site, m.published].filter(Boolean).join(", "), " ",
      m.independent ? el("span", { class: "tag indep" }, "independent") : el("span", { class: "tag" }, `repost of ${String(m.origin).slice(0, 12)}`),
      " ", open,
      m.joined_because ? el("div", { class: "hint" }, `joined: ${m.joined_because.reason} (score ${m.joined_because.score})`) : null));
  }

  const history = clear(document.querySelector("#event-history tbody"));
  for (const h of data.history || []) {
    history.append(el("tr", {},
      el("td", {}, h.published || "unknown"), el("td", {}, String(h.report).split(":")[0].slice(0, 12)),
      el("td", { class: "num" }, h.best ?? "–"), el("td", {}, h.low === null ? "–" : `${h.low}–${h.high}`),
      el("td", { class: "num" }, `${h.sources} (${h.independent_sources})`), el("td", {}, h.modality)));
  }
  const apart = clear(document.getElementById("event-apart"));
  for (const d of (data.kept_apart || []).slice(0, 20)) {
    apart.append(el("li", {}, el("a", { href: `#/event/${d.event}` }, d.event), `: ${d.reason} (score ${d.score})`));
  }
  if (!(data.kept_apart || []).length) apart.append(el("li", {}, "none"));

  renderReview(document.getElementById("event-review"), id, fields, review);
  // Open the first field with evidence so the page shows its text right away.
  const first = fields.findIndex((f) => f.span);
  if (first >= 0) await select(buttons[first], fields[first]);
  else if ((data.members || []).length) await showDocumentIn(pane, data.members[0].document_id, null);
  return event;
}

function renderReview(box, id, fields, review) {
  clear(box);
  if (!review) return;
  const token = el("input", { type: "password", id: "review-token", autocomplete: "off" });
  token.value = sessionStorage.getItem("sitrep-token") || "";
  const field = el("select", { id: "review-field" },
    [...fields.map((f) => f.field), "status"].map((f) => el("option", { value: f }, f)));
  const value = el("input", { id: "review-value", maxlength: "500" });
  const reviewer = el("input", { id: "review-reviewer", maxlength: "80", autocomplete: "name" });
  reviewer.value = localStorage.getItem("sitrep-reviewer") || "";
  const reason = el("textarea", { id: "review-reason", rows: "2", maxlength: "2000" });
  const status = el("p", { role: "status", class: "hint" });
  const form = el("form", { class: "review", "aria-label": "Review a field" },
    el("h3", {}, "Review"),
    el("label", { for: "review-field" }, "Field"), field,
    el("label", { for: "review-value" }, "Reviewed value"), value,
    el("label", { for: "review-reviewer" }, "Your name"), reviewer,
    el("label", { for: "review-reason" }, "Why"), reason,
    el("label", { for: "review-token" }, "Review token"), token,
    el("button", { type: "submit" }, "Save review"), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    sessionStorage.setItem("sitrep-token", token.value);
    localStorage.setItem("sitrep-reviewer", reviewer.value);
    try {
      await postJSON(`/api/events/${encodeURIComponent(id)}/reviews`,
        { field: field.value, value: value.value === "" ? null : value.value, reviewer: reviewer.value, reason: reason.value }, token.value);
      status.textContent = "Saved. The machine value is kept beside it.";
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } catch (err) {
      status.textContent = `Not saved: ${err.message}`;
    }
  });
  box.append(form);
}

export function showError(err) {
  const box = document.getElementById("error");
  box.textContent = err && err.message ? err.message : String(err);
  box.hidden = false;
}
