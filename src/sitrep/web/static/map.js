// The map: country outlines (vendored Natural Earth via world-atlas, drawn with d3-geo) and
// events as circles sized by fatalities and coloured by type. Pan by dragging, zoom with the
// wheel or the +/− buttons; circles keep their size on screen while the land scales.

import { el, clear, typeColour } from "./api.js";

const WIDTH = 960;
const HEIGHT = 500;
const MAX_ZOOM = 200;
// Up to this many circles can be reached with the keyboard (beyond it, the table is the way).
const FOCUSABLE = 300;

export function radius(best) {
  // Area grows with fatalities; unknown or none is a small dot.
  return Math.min(22, 3 + 1.6 * Math.sqrt(Math.max(0, best || 0)));
}

export class EventMap {
  constructor(svg, { onOpen }) {
    this.svg = svg;
    this.onOpen = onOpen;
    this.k = 1; this.x = 0; this.y = 0;
    this.points = [];
    svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this.projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: "Sphere" });
    this.path = d3.geoPath(this.projection);
    this.world = el("svg:g");
    this.land = el("svg:g", { "aria-hidden": "true" });
    this.dots = el("svg:g", { class: "dots" });
    this.world.append(this.land, this.dots);
    svg.append(this.world);
    this.land.append(el("svg:path", { class: "graticule", d: this.path(d3.geoGraticule10()) }));
    this.listen();
  }

  async loadOutlines(url) {
    const topo = await (await fetch(url)).json();
    const countries = topojson.feature(topo, topo.objects.countries);
    const group = el("svg:g");
    for (const f of countries.features) {
      group.append(el("svg:path", { class: "land", d: this.path(f) },
        el("svg:title", { text: f.properties.name })));
    }
    this.land.append(group);
  }

  /** items: [[id, lon, lat, type, best], …] */
  setPoints(items) {
    clear(this.dots);
    // Big circles first so small ones stay clickable on top.
    this.points = [...items].sort((a, b) => (b[4] || 0) - (a[4] || 0)).map(([id, lon, lat, type, best]) => {
      const [px, py] = this.projection([lon, lat]) || [NaN, NaN];
      return { id, lon, lat, type, best, px, py };
    }).filter((p) => Number.isFinite(p.px));
    const focusable = this.points.length <= FOCUSABLE;
    for (const p of this.points) {
      const label = `${p.type}, ${p.best === null || p.best === undefined ? "fatalities unknown" : `${p.best} killed`}`;
      const c = el("svg:circle", {
        cx: p.px, cy: p.py, r: radius(p.best) / this.k, fill: typeColour(p.type),
        dataset: { id: p.id, best: p.best ?? "" },
        tabindex: focusable ? 0 : null, role: focusable ? "link" : null,
        "aria-label": focusable ? `Open event: ${label}` : null,
      }, el("svg:title", { text: label }));
      this.dots.append(c);
    }
  }

  /** Zoom to show every point (or the whole world when there is none). */
  fit() {
    if (!this.points.length) return this.setTransform(1, 0, 0);
    const xs = this.points.map((p) => p.px), ys = this.points.map((p) => p.py);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)], [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    const pad = 40;
    const k = Math.max(1, Math.min(12, (WIDTH - 2 * pad) / Math.max(x1 - x0, 1), (HEIGHT - 2 * pad) / Math.max(y1 - y0, 1)));
    this.setTransform(k, WIDTH / 2 - k * (x0 + x1) / 2, HEIGHT / 2 - k * (y0 + y1) / 2);
  }

  /** The view as "west,south,east,north" in degrees (the API's bbox), rounded to 0.01°. */
  bbox() {
    const lons = [], lats = [];
    for (let i = 0; i <= 8; i++) {
      for (const [vx, vy] of [[i * WIDTH / 8, 0], [i * WIDTH / 8, HEIGHT], [0, i * HEIGHT / 8], [WIDTH, i * HEIGHT / 8]]) {
        const p = this.projection.invert([(vx - this.x) / this.k, (vy - this.y) / this.k]);
        if (p && Number.isFinite(p[0]) && Number.isFinite(p[1])) { lons.push(p[0]); lats.push(p[1]); }
      }
    }
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    if (!lons.length) return "-180,-90,180,90";
    const r = (v) => Math.round(v * 100) / 100;
    return [r(clamp(Math.min(...lons), -180, 180)), r(clamp(Math.min(...lats), -90, 90)),
            r(clamp(Math.max(...lons), -180, 180)), r(clamp(Math.max(...lats), -90, 90))].join(",");
  }

  zoomBy(factor, cx = WIDTH / 2, cy = HEIGHT / 2) {
    const k = Math.max(1, Math.min(MAX_ZOOM, this.k * factor));
    const f = k / this.k;
    this.setTransform(k, cx - (cx - this.x) * f, cy - (cy - this.y) * f);
  }

  setTransform(k, x, y) {
    // Keep some land in view: the world may not leave the frame entirely.
    const minX = WIDTH - WIDTH * k - WIDTH / 2, minY = HEIGHT - HEIGHT * k - HEIGHT / 2;
    this.k = k;
    this.x = Math.min(WIDTH / 2, Math.max(minX, x));
    this.y = Math.min(HEIGHT / 2, Math.max(minY, y));
    this.world.setAttribute("transform", `translate(${this.x},${this.y}) scale(${this.k})`);
    for (const c of this.dots.children) c.setAttribute("r", radius(Number(c.dataset.best) || 0) / this.k);
  }

  toView(event) {
    const m = this.svg.getScreenCTM();
    if (!m) return [WIDTH / 2, HEIGHT / 2];
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(m.inverse());
    return [p.x, p.y];
  }

  listen() {
    const svg = this.svg;
    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const [cx, cy] = this.toView(event);
      this.zoomBy(Math.exp(-event.deltaY * 0.002), cx, cy);
    }, { passive: false });
    let drag = null;
    svg.addEventListener("pointerdown", (event) => {
      const [vx, vy] = this.toView(event);
      drag = { vx, vy, x: this.x, y: this.y, moved: false, target: event.target };
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const [vx, vy] = this.toView(event);
      if (Math.abs(vx - drag.vx) + Math.abs(vy - drag.vy) > 3) drag.moved = true;
      if (drag.moved) {
        svg.classList.add("dragging");
        this.setTransform(this.k, drag.x + vx - drag.vx, drag.y + vy - drag.vy);
      }
    });
    const end = () => {
      if (drag && !drag.moved && drag.target instanceof SVGCircleElement) this.onOpen(drag.target.dataset.id);
      drag = null;
      svg.classList.remove("dragging");
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", () => { drag = null; svg.classList.remove("dragging"); });
    svg.addEventListener("keydown", (event) => {
      if (event.target instanceof SVGCircleElement && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        this.onOpen(event.target.dataset.id);
      }
    });
  }
}
