// The timeline: event counts as bars (left scale), fatalities as a line (best) over a band
// (low–high, right scale), by day or ISO week. Dragging across it selects a date range (the
// brush) and calls onBrush({since, until}); a click without a drag clears it.

import { el, clear } from "./api.js";

const DAY = 86400000;
const HEIGHT = 130;
const M = { top: 12, right: 42, bottom: 18, left: 34 };

const toTime = (iso) => Date.parse(`${iso}T00:00:00Z`);
const toISO = (t) => new Date(t).toISOString().slice(0, 10);

export class Timeline {
  constructor(svg, { onBrush }) {
    this.svg = svg;
    this.onBrush = onBrush;
    this.items = [];
    this.step = DAY;
    this.domain = null;
    this.listen();
  }

  /** items: [{period, events, fatalities_best, fatalities_low, fatalities_high}] sorted. */
  draw(items, bin, selection) {
    this.items = items;
    this.step = bin === "week" ? 7 * DAY : DAY;
    const width = Math.max(300, this.svg.clientWidth || 600);
    this.width = width;
    this.svg.setAttribute("viewBox", `0 0 ${width} ${HEIGHT}`);
    clear(this.svg);
    if (!items.length) {
      this.domain = null;
      this.svg.append(el("svg:text", { x: width / 2, y: HEIGHT / 2, "text-anchor": "middle", class: "axis", text: "No dated events" }));
      return;
    }
    const t0 = toTime(items[0].period), t1 = toTime(items[items.length - 1].period) + this.step;
    this.domain = [t0, t1];
    const x = (t) => M.left + (t - t0) / (t1 - t0) * (width - M.left - M.right);
    const maxCount = Math.max(1, ...items.map((d) => d.events));
    const maxDead = Math.max(1, ...items.map((d) => Math.max(d.fatalities_high ?? 0, d.fatalities_best ?? 0)));
    const y = (v) => HEIGHT - M.bottom - v / maxCount * (HEIGHT - M.top - M.bottom);
    const yd = (v) => HEIGHT - M.bottom - v / maxDead * (HEIGHT - M.top - M.bottom);
    const bars = el("svg:g");
    for (const d of items) {
      const a = x(toTime(d.period)), b = x(toTime(d.period) + this.step);
      bars.append(el("svg:rect", { class: "bar", x: a + 0.5, width: Math.max(1, b - a - 1), y: y(d.events), height: HEIGHT - M.bottom - y(d.events) },
        el("svg:title", { text: `${d.period}: ${d.events} events, ${d.fatalities_best ?? 0} killed` })));
    }
    const mid = (d) => x(toTime(d.period) + this.step / 2);
    const top = items.map((d) => `${mid(d)},${yd(d.fatalities_high ?? d.fatalities_best ?? 0)}`);
    const bottom = items.map((d) => `${mid(d)},${yd(d.fatalities_low ?? d.fatalities_best ?? 0)}`).reverse();
    const line = items.map((d) => `${mid(d)},${yd(d.fatalities_best ?? 0)}`);
    this.svg.append(bars,
      el("svg:polygon", { class: "band", points: [...top, ...bottom].join(" ") }),
      el("svg:polyline", { class: "line", points: line.join(" ") }),
      el("svg:text", { class: "axis", x: M.left, y: HEIGHT - 4, text: items[0].period }),
      el("svg:text", { class: "axis", x: width - M.right, y: HEIGHT - 4, "text-anchor": "end", text: toISO(t1 - DAY) }),
      el("svg:text", { class: "axis", x: M.left - 4, y: M.top + 4, "text-anchor": "end", text: `${maxCount}` }),
      el("svg:text", { class: "axis", x: 2, y: HEIGHT / 2, text: "events" }),
      el("svg:text", { class: "axis", x: width - M.right + 4, y: M.top + 4, text: `${maxDead}` }),
      el("svg:text", { class: "axis", x: width - M.right + 4, y: HEIGHT / 2, text: "killed" }));
    this.brush = el("svg:rect", { class: "brush", y: M.top, height: HEIGHT - M.top - M.bottom, width: 0, x: 0, visibility: "hidden" });
    this.svg.append(this.brush);
    this.x = x;
    if (selection && (selection.since || selection.until)) {
      const a = selection.since ? toTime(selection.since) : t0;
      const b = selection.until ? toTime(selection.until) + DAY : t1;
      this.showBrush(x(Math.max(t0, a)), x(Math.min(t1, b)));
    }
  }

  showBrush(a, b) {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    this.brush.setAttribute("x", lo);
    this.brush.setAttribute("width", Math.max(1, hi - lo));
    this.brush.setAttribute("visibility", "visible");
  }

  /** The bin-aligned dates covered by view x positions a..b. */
  range(a, b) {
    const [t0, t1] = this.domain;
    const w = this.width - M.left - M.right;
    const at = (px) => t0 + Math.min(1, Math.max(0, (px - M.left) / w)) * (t1 - t0);
    const [lo, hi] = a < b ? [at(a), at(b)] : [at(b), at(a)];
    const start = t0 + Math.floor((lo - t0) / this.step) * this.step;
    const end = t0 + Math.ceil((hi - t0) / this.step) * this.step - DAY;
    return { since: toISO(start), until: toISO(Math.max(start, end)) };
  }

  toView(event) {
    const m = this.svg.getScreenCTM();
    return m ? new DOMPoint(event.clientX, event.clientY).matrixTransform(m.inverse()).x : 0;
  }

  listen() {
    let start = null;
    this.svg.addEventListener("pointerdown", (event) => {
      if (!this.domain) return;
      start = this.toView(event);
      this.svg.setPointerCapture(event.pointerId);
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (start === null) return;
      this.showBrush(start, this.toView(event));
    });
    this.svg.addEventListener("pointerup", (event) => {
      if (start === null) return;
      const end = this.toView(event);
      const a = start;
      start = null;
      if (Math.abs(end - a) < 3) this.onBrush(null);
      else this.onBrush(this.range(a, end));
    });
  }
}
