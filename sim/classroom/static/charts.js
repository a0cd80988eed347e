/* The charts every participant sees, drawn as inline SVG from the JSON state: the
 * network now, the strategic triangles, relations over time with dated event markers,
 * and the log. Okabe-Ito colours, with line styles so they read in greyscale too: each
 * country, pair, role and event marker in the colour the figures and the debrief give it
 * (s.styles, from sim/report/palette.py); the network's edges by the sign of the relation. */
import { $, OI, clear, el, fmt, lineSample, svg } from "./dom.js";

function edgeStyle(v) {
  if (v > 0.5) return { color: OI.blue, dash: "", kind: "friendly" };
  if (v < -0.5) return { color: OI.vermillion, dash: "9 5", kind: "hostile" };
  return { color: OI.grey, dash: "2 4", kind: "neutral" };
}

function wrapName(name) {
  if (name.length <= 9 || !name.includes(" ")) return [name];
  const i = name.indexOf(" ");
  return [name.slice(0, i), name.slice(i + 1)];
}

export function drawNetwork(root, s) {
  clear(root);
  const W = 440, H = 360, cx = W / 2, cy = H / 2 - 4, R = 150;
  const n = s.ids.length;
  const pos = {};
  s.ids.forEach((a, k) => {
    const ang = (-3 * Math.PI / 4) + (2 * Math.PI * k) / n;
    pos[a] = [cx + R * Math.cos(ang) * 1.2, cy + R * Math.sin(ang)];
  });
  // secret channels: curved, dotted, purple (their labels go on top of the edges)
  const late = [];
  for (const c of s.network.channels) {
    const [x1, y1] = pos[c.a], [x2, y2] = pos[c.b];
    const mx = (x1 + x2) / 2, my = (y1 + y2) / 2, dx = x2 - x1, dy = y2 - y1, L = Math.hypot(dx, dy) || 1;
    const qx = mx - (dy / L) * 42, qy = my + (dx / L) * 42;
    root.append(svg("path", { d: `M${x1},${y1} Q${qx},${qy} ${x2},${y2}`, fill: "none", stroke: OI.purple,
      "stroke-width": 1.5 + 4 * c.level, "stroke-dasharray": "1 5", "stroke-linecap": "round",
      class: "channel", "data-pair": `${c.a}-${c.b}` }));
    const tx = (mx + qx) / 2 + (qx - mx) * 0.45, ty = (my + qy) / 2 + (qy - my) * 0.45;
    const label = `${c.public ? "leaked" : "secret"} channel ${c.level.toFixed(2)}`;
    late.push(svg("rect", { x: tx - 3.1 * label.length, y: ty - 8, width: 6.2 * label.length, height: 15, rx: 3, fill: "#fff", opacity: 0.9 }));
    late.push(svg("text", { x: tx, y: ty + 3.5, "text-anchor": "middle", "font-size": 11, fill: "#7a3b63", class: "channel-label" }, label));
  }
  for (const e of s.network.edges) {
    const [x1, y1] = pos[e.a], [x2, y2] = pos[e.b];
    const st = edgeStyle(e.value);
    root.append(svg("line", { x1, y1, x2, y2, stroke: st.color, "stroke-width": 1.5 + 0.55 * Math.abs(e.value),
      "stroke-dasharray": st.dash, "stroke-linecap": "butt", class: "edge " + st.kind, "data-pair": `${e.a}-${e.b}`, "data-value": e.value }));
  }
  for (const e of s.network.edges) {
    const [x1, y1] = pos[e.a], [x2, y2] = pos[e.b];
    const t = 0.36, lx = x1 + t * (x2 - x1), ly = y1 + t * (y2 - y1);
    const label = fmt(e.value, 1);
    root.append(svg("rect", { x: lx - 19, y: ly - 10, width: 38, height: 19, rx: 3, fill: "#fff", stroke: "#ccc" }));
    root.append(svg("text", { x: lx, y: ly + 4.5, "text-anchor": "middle", "font-size": 12.5, "font-weight": 700,
      fill: edgeStyle(e.value).color === OI.grey ? "#444" : edgeStyle(e.value).color, class: "edge-label", "data-pair": `${e.a}-${e.b}` }, label));
  }
  root.append(...late);
  for (const a of s.ids) {
    const [x, y] = pos[a];
    const mine = s.role === "seat" && a === s.actor;
    const seat = s.seats.find((z) => z.actor === a);
    root.append(svg("rect", { x: x - 48, y: y - 22, width: 96, height: 44, rx: 10, fill: mine ? "#eef3f8" : "#fff",
      stroke: s.styles.actors[a].color, "stroke-width": mine ? 4.5 : 2.5, class: "node", "data-actor": a }));
    const lines = wrapName(s.names[a]);
    lines.forEach((ln, k) => root.append(svg("text", { x, y: y + 5 - 7.5 * (lines.length - 1) + 15 * k, "text-anchor": "middle",
      "font-size": 13.5, "font-weight": 700, fill: "#17324d" }, ln)));
    if (seat) root.append(svg("text", { x, y: y + 35, "text-anchor": "middle", "font-size": 11, fill: "#444" }, mine ? "your team" : "team seat"));
  }
  const lg = clear($("network-legend"));
  const sample = lineSample;
  lg.append(el("span", {}, sample(OI.blue, "", 3), "friendly (solid)"),
    el("span", {}, sample(OI.vermillion, "9 5", 3), "hostile (dashed)"),
    el("span", {}, sample(OI.grey, "2 4", 2), "neutral (dotted)"),
    el("span", {}, sample(OI.purple, "1 5", 3), "secret channel (dotted curve)"),
    el("span", {}, "width and number: strength on the Goldstein scale, -10..+10"));
}

export function drawRoles(node, s) {
  clear(node);
  const t = el("table", { id: "roles-table" }, el("tr", {}, el("th", {}, "triangle and configuration"), el("th", {}, "roles")));
  for (const r of s.roles) {
    const roles = el("td", { cls: "roles-cell" });
    for (const [a, role] of Object.entries(r.roles)) {
      const badge = el("span", { cls: `role role-${role}`, "data-actor": a }, role);
      badge.style.borderColor = s.styles.roles[role];
      roles.append(el("div", {}, badge, ` ${s.names[a]}`));
    }
    t.append(el("tr", { "data-triad": r.triad }, el("td", {}, el("b", {}, r.label), el("br"),
      el("span", { cls: "small muted configuration" }, r.configuration_text)), roles));
  }
  node.append(t, el("p", { cls: "small muted" },
    "A relation counts as friendly above 0. Pivot: friends with both others, who are hostile to each other (Dittmer 1981; Wu 1996)."));
}

export function drawHistory(root, s) {
  clear(root);
  const W = 860, H = 300, L = 48, R = 14, T = 30, B = 34;
  const N = s.dates.length;
  const x = (k) => L + (W - L - R) * (N > 1 ? k / (N - 1) : 0);
  const y = (v) => T + (H - T - B) * (10 - v) / 20;
  for (const v of [-10, -5, 0, 5, 10]) {
    root.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: v === 0 ? "#999" : "#e3e3e3", "stroke-width": v === 0 ? 1.2 : 1 }));
    root.append(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#555" }, fmt(v, 0)));
  }
  root.append(svg("text", { x: 12, y: y(0), transform: `rotate(-90 12 ${y(0)})`, "text-anchor": "middle", "font-size": 11, fill: "#555" }, "Goldstein scale"));
  const every = Math.max(1, Math.ceil(N / 10 / 3) * 3);
  for (let k = 0; k < N; k += every) {
    root.append(svg("line", { x1: x(k), x2: x(k), y1: H - B, y2: H - B + 4, stroke: "#777" }));
    root.append(svg("text", { x: x(k), y: H - B + 17, "text-anchor": "middle", "font-size": 11, fill: "#444" }, s.dates[k]));
  }
  // now
  const now = s.over ? s.recorded - 1 : s.t;
  const half = N > 1 ? (W - L - R) / (N - 1) / 2 : 4;
  root.append(svg("rect", { x: x(now) - half, y: T, width: 2 * half, height: H - T - B, fill: "#17324d", opacity: 0.08 }));
  root.append(svg("text", { x: x(now), y: H - B - 4, "text-anchor": "middle", "font-size": 10.5, fill: "#17324d" }, "now"));
  // events
  const ms = clear($("history-markers"));
  const atStep = {};
  s.history.markers.forEach((m, k) => {
    const xx = x(m.step);
    const j = (atStep[m.step] = (atStep[m.step] || 0) + 1) - 1; // markers sharing a month sit side by side
    const cxm = xx + 19 * j;
    const colour = m.inject ? s.styles.inject : s.styles.event;
    root.append(svg("line", { x1: xx, x2: xx, y1: T, y2: H - B, stroke: colour, "stroke-width": 1.2,
      "stroke-dasharray": m.inject ? "2 3" : "6 4", class: "event-marker", "data-event": m.event }));
    if (j) root.append(svg("line", { x1: xx, x2: cxm, y1: T - 12, y2: T - 12, stroke: colour, "stroke-width": 1 }));
    root.append(svg("circle", { cx: cxm, cy: T - 12, r: 8.5, fill: m.inject ? s.styles.inject : "#fff", stroke: colour, "stroke-width": 1.4 }));
    root.append(svg("text", { x: cxm, y: T - 8, "text-anchor": "middle", "font-size": 10.5, "font-weight": 700, fill: m.inject ? "#fff" : "#333" }, String(k + 1)));
    ms.append(el("li", { cls: m.inject ? "inject" : "", "data-event": m.event },
      `${m.date}: ${m.label}`, m.inject ? " (class inject)" : "", " ", el("span", { cls: "muted" }, `(${m.citation})`)));
  });
  for (const p of s.history.pairs) {
    if (!p.values.length) continue;
    const pts = p.values.map((v, k) => `${x(k).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    root.append(svg("polyline", { points: pts, fill: "none", stroke: p.color, "stroke-width": 2.3,
      "stroke-dasharray": p.dash, "stroke-linejoin": "round", class: "pair-line", "data-pair": `${p.a}-${p.b}` }));
  }
  const lg = clear($("history-legend"));
  for (const p of s.history.pairs) {
    const s_ = lineSample(p.color, p.dash, 2.5);
    const last = p.values.length ? p.values[p.values.length - 1] : null;
    lg.append(el("span", {}, s_, p.label + (last === null ? "" : ` (${fmt(last, 1)})`)));
  }
}

export function drawLog(node, s) {
  clear(node);
  if (!s.log.length) { node.append(el("p", { cls: "muted" }, "Nothing yet.")); return; }
  for (const m of s.log) {
    const div = el("div", { cls: "month", "data-date": m.date }, el("b", {}, m.date), " ", m.lines.join(" "));
    if (m.moves.length) div.append(el("div", { cls: "moves" }, "Moves: " + m.moves.join("; ") + "."));
    node.append(div);
  }
}

/* The four panels every participant sees (the same on the team, instructor and board pages). */
export function buildPanels(node) {
  const panel = (wide, title, ...kids) => el("div", { cls: wide ? "panel wide" : "panel" }, el("h2", {}, title), ...kids);
  const chart = (id, box, label) => svg("svg", { id, viewBox: box, role: "img", "aria-label": label });
  clear(node).append(
    panel(false, "The four-power network now", chart("network", "0 0 440 360", "network of relations"),
      el("div", { cls: "legend small", id: "network-legend" })),
    panel(false, "Strategic triangles now", el("div", { id: "roles" })),
    panel(true, "Relations over time", chart("history", "0 0 860 300", "relations over time"),
      el("div", { cls: "legend small", id: "history-legend" }), el("ol", { cls: "markers small", id: "history-markers" })),
    panel(true, "What has happened", el("div", { id: "log", cls: "log" })));
}

export function drawAll(s) {
  drawNetwork($("network"), s);
  drawRoles($("roles"), s);
  drawHistory($("history"), s);
  drawLog($("log"), s);
}

/* The header's line: scenario, turn and date (or the end), seed. */
export function turnInfo(node, s) {
  clear(node);
  node.append(el("b", { cls: "title" }, s.scenario.title), " ",
    el("span", { cls: "when" },
      s.over ? `game over (${s.over}) at ${s.dates[s.recorded - 1]}` : `turn ${s.t} of ${s.turns}: `,
      s.over ? "" : el("b", { id: "current-date" }, s.date)));
}
