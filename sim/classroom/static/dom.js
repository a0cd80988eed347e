/* Small DOM helpers: elements and SVG built from data (text is always text, never HTML). */

export const OI = { blue: "#0072B2", vermillion: "#D55E00", green: "#009E73", purple: "#CC79A7",
  orange: "#E69F00", sky: "#56B4E9", grey: "#7a7a7a" };
export const SVGNS = "http://www.w3.org/2000/svg";

export function $(id) { return document.getElementById(id); }

export function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "cls") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === "") continue;
    e.setAttribute(k, v);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

export function fmt(v, d = 1) {
  const x = Number(v);
  if (!isFinite(x)) return "";
  const s = x.toFixed(d);
  if (Number(s) === 0) return (0).toFixed(d);
  return (x > 0 ? "+" : "") + s;
}

export function flash(text, ok = false) {
  const m = $("msg");
  m.textContent = text;
  m.className = ok ? "msg ok" : "msg";
  m.hidden = !text;
  clearTimeout(flash.t);
  if (text) flash.t = setTimeout(() => { m.hidden = true; }, ok ? 2500 : 7000);
}

export function box(title, id, ...kids) {
  return el("section", { cls: "box", id }, el("h2", {}, title), ...kids);
}

export function lineSample(color, dash, width) {
  const s = document.createElementNS(SVGNS, "svg");
  s.setAttribute("viewBox", "0 0 34 12");
  s.append(svg("line", { x1: 1, y1: 6, x2: 33, y2: 6, stroke: color, "stroke-width": width, "stroke-dasharray": dash }));
  return s;
}
