/* cardplay classroom: vanilla JavaScript, no external resources.
 * The page talks to the local server only (/api/...). Charts are inline SVG drawn
 * from the JSON state; colours are Okabe-Ito, with line styles so they read in greyscale.
 */
"use strict";

const OI = { blue: "#0072B2", vermillion: "#D55E00", green: "#009E73", purple: "#CC79A7",
  orange: "#E69F00", sky: "#56B4E9", grey: "#7a7a7a" };
const SVGNS = "http://www.w3.org/2000/svg";
const POLL_MS = 1500;

const app = {
  token: sessionStorage.getItem("cardplay.token") || "",
  key: sessionStorage.getItem("cardplay.key") || "",
  state: null,
  version: null,
  playing: false,
  inflight: false,
  built: null, // which session/role the side panel was built for
  timer: null,
  deadlineAt: null,
  scenarios: [],
};

// --- small DOM helpers ------------------------------------------------------------------------

function $(id) { return document.getElementById(id); }

function el(tag, attrs, ...kids) {
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

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === "") continue;
    e.setAttribute(k, v);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

function fmt(v, d = 1) {
  const x = Number(v);
  if (!isFinite(x)) return "";
  const s = x.toFixed(d);
  if (Number(s) === 0) return (0).toFixed(d);
  return (x > 0 ? "+" : "") + s;
}

function flash(text, ok = false) {
  const m = $("msg");
  m.textContent = text;
  m.className = ok ? "msg ok" : "msg";
  m.hidden = !text;
  clearTimeout(flash.t);
  if (text) flash.t = setTimeout(() => { m.hidden = true; }, ok ? 2500 : 7000);
}

// --- the API ------------------------------------------------------------------------------------

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (app.token) headers["X-Token"] = app.token;
  if (app.key) headers["X-Key"] = app.key;
  const r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  let data = {};
  try { data = await r.json(); } catch (e) { data = {}; }
  if (!r.ok) {
    const err = new Error(data.error || `request failed (${r.status})`);
    err.status = r.status;
    throw err;
  }
  return data;
}

async function act(path, body, okText) {
  try {
    const out = await api("POST", path, body || {});
    if (okText) flash(okText, true);
    await refresh();
    return out;
  } catch (e) {
    flash(e.message);
    if (e.status === 401) leave(e.message);
    return null;
  }
}

async function download(path, fallback) {
  try {
    const r = await fetch(path, { headers: { "X-Token": app.token } });
    if (!r.ok) {
      let msg = `download failed (${r.status})`;
      try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    const cd = r.headers.get("Content-Disposition") || "";
    const m = /filename="([^"]+)"/.exec(cd);
    const blob = await r.blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: m ? m[1] : fallback });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
    flash("Downloaded " + (m ? m[1] : fallback), true);
  } catch (e) {
    flash(e.message);
  }
}

// --- start: join, open, leave ---------------------------------------------------------------------

function readHash() {
  const h = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (h.get("key")) { app.key = h.get("key"); sessionStorage.setItem("cardplay.key", app.key); }
  const code = h.get("code");
  if (h.get("key") || code) history.replaceState(null, "", location.pathname);
  return code;
}

async function init() {
  const code = readHash();
  $("join-form").addEventListener("submit", (e) => { e.preventDefault(); join($("join-code").value); });
  $("open-form").addEventListener("submit", openSession);
  $("scenario").addEventListener("change", scenarioChosen);
  if (code) { $("join-code").value = code; await join(code); return; }
  if (app.token) { enter(); return; }
  showHome();
}

function showHome(message) {
  $("game").hidden = true;
  $("home").hidden = false;
  $("turn-info").textContent = "";
  $("whoami").textContent = "";
  if (message) $("join-error").textContent = message;
  if (app.key) { $("open-card").hidden = false; loadScenarios(); }
}

async function loadScenarios() {
  if (app.scenarios.length) return;
  try {
    const data = await api("GET", "/api/scenarios");
    app.scenarios = data.scenarios;
    const sel = clear($("scenario"));
    for (const s of data.scenarios) {
      sel.append(el("option", { value: s.name, selected: s.name === data.default },
        `${s.title} (${s.window[0]} to ${s.window[1]})`));
    }
    scenarioChosen();
  } catch (e) { $("open-error").textContent = e.message; }
}

function scenarioChosen() {
  const s = app.scenarios.find((x) => x.name === $("scenario").value);
  if (!s) return;
  $("scenario-desc").textContent = s.description || "";
  $("seed").value = s.seed;
  const box = clear($("seat-boxes"));
  for (const a of s.actors) {
    box.append(el("label", { cls: "inline" },
      el("input", { type: "checkbox", id: `seat-${a.id}`, value: a.id }), a.name));
  }
}

async function openSession(e) {
  e.preventDefault();
  $("open-error").textContent = "";
  const seats = [...document.querySelectorAll("#seat-boxes input:checked")].map((x) => x.value);
  try {
    const out = await api("POST", "/api/session", {
      key: app.key, scenario: $("scenario").value, seed: $("seed").value, seats,
      advice: $("advice").checked, deadline: Number($("deadline").value) || 0,
    });
    app.token = out.token;
    sessionStorage.setItem("cardplay.token", app.token);
    enter();
  } catch (err) { $("open-error").textContent = err.message; }
}

async function join(code) {
  $("join-error").textContent = "";
  code = (code || "").trim();
  if (!code) { $("join-error").textContent = "Enter the join code your instructor gave you."; showHome(); return; }
  try {
    const out = await api("POST", "/api/join", { code });
    app.token = out.token;
    sessionStorage.setItem("cardplay.token", app.token);
    enter();
  } catch (e) {
    showHome(e.message);
  }
}

function enter() {
  $("home").hidden = true;
  $("game").hidden = false;
  app.version = null;
  app.built = null;
  refresh();
}

function leave(message) {
  app.token = "";
  sessionStorage.removeItem("cardplay.token");
  app.state = null;
  app.playing = false;
  showHome(message);
}

function newSession() {
  app.token = "";
  sessionStorage.removeItem("cardplay.token");
  app.playing = false;
  app.state = null;
  showHome();
}

// --- polling ---------------------------------------------------------------------------------------

async function refresh() {
  clearTimeout(app.timer);
  if (!app.token) return;
  try {
    const q = app.version === null ? "" : `?since=${app.version}`;
    const s = await api("GET", "/api/state" + q);
    setDeadline(s.deadline_left);
    if (!s.unchanged) {
      app.state = s;
      app.version = s.version;
      render(s);
    }
  } catch (e) {
    if (e.status === 401) { leave(e.message); return; }
    flash("cannot reach the classroom server: " + e.message);
  }
  app.timer = setTimeout(refresh, POLL_MS);
}

function setDeadline(left) {
  app.deadlineAt = left === null || left === undefined ? null : Date.now() + 1000 * left;
}

setInterval(() => {
  const c = $("countdown");
  if (!c) return;
  if (app.deadlineAt === null) { c.textContent = ""; return; }
  const s = Math.max(0, Math.round((app.deadlineAt - Date.now()) / 1000));
  c.textContent = s > 0 ? `deadline in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` : "deadline passed";
}, 500);

// play: the instructor's page steps on its own while every team has moved
setInterval(async () => {
  const s = app.state;
  if (!app.playing || app.inflight || !s || s.role !== "instructor") return;
  if (s.over) { app.playing = false; renderGameBox(s); return; }
  const ready = s.seats.every((x) => x.moved || x.late);
  if (!ready) return;
  app.inflight = true;
  try { await act("/api/step"); } finally { app.inflight = false; }
}, 700);

// --- rendering -------------------------------------------------------------------------------------

function render(s) {
  const n = s.names;
  const info = clear($("turn-info"));
  info.append(el("b", {}, s.scenario.title), " · ",
    s.over ? `game over (${s.over}) at ${s.dates[s.recorded - 1]}` :
      `turn ${s.t} of ${s.turns}: `, s.over ? "" : el("b", { id: "current-date" }, s.date),
    ` · seed ${s.scenario.seed}`);
  const who = clear($("whoami"));
  who.append(el("span", { cls: "badge", id: "role-badge" },
    s.role === "instructor" ? "instructor" : `team: ${n[s.actor]}`));
  const key = `${s.session}/${s.role}/${s.actor || ""}`;
  if (app.built !== key) { buildSide(s); app.built = key; }
  updateSide(s);
  drawNetwork($("network"), s);
  drawRoles($("roles"), s);
  drawHistory($("history"), s);
  drawLog($("log"), s);
}

function buildSide(s) {
  $("layout").className = s.role === "seat" ? "layout seat" : "layout";
  const side = clear($("side"));
  if (s.role === "instructor") buildInstructor(side, s);
  else buildSeat(side, s);
}

function updateSide(s) {
  if (s.role === "instructor") updateInstructor(s);
  else updateSeat(s);
}

// --- instructor ------------------------------------------------------------------------------------

function box(title, id, ...kids) {
  return el("section", { cls: "box", id }, el("h2", {}, title), ...kids);
}

function slider(id, label, min, max, step, value, onchange, show) {
  const out = el("output", { id: id + "-out" }, show(value));
  const input = el("input", { type: "range", id, min, max, step, value, "aria-label": label });
  input.addEventListener("input", () => { out.textContent = show(Number(input.value)); });
  input.addEventListener("change", () => onchange(Number(input.value)));
  return el("div", { cls: "slider" }, el("span", {}, label), input, out);
}

function setSlider(id, value, show) {
  const input = $(id);
  if (!input || document.activeElement === input) return;
  input.value = value;
  $(id + "-out").textContent = show(Number(value));
}

function actorSelect(id, s, selected) {
  const sel = el("select", { id });
  for (const a of s.ids) sel.append(el("option", { value: a, selected: a === selected }, s.names[a]));
  return sel;
}

function buildInstructor(side, s) {
  const ctl = s.control;
  side.append(box("Game", "game-box",
    el("div", { cls: "controls" },
      el("button", { id: "btn-step", title: "resolve this turn and open the next", onclick: () => act("/api/step") }, "Step ▸|"),
      el("button", { id: "btn-play", onclick: () => { app.playing = true; renderGameBox(app.state); } }, "Play ▶"),
      el("button", { id: "btn-pause", cls: "secondary", onclick: () => { app.playing = false; renderGameBox(app.state); } }, "Pause ❚❚"),
      el("button", { id: "btn-end", cls: "danger", onclick: () => { if (confirm("End the game now?")) act("/api/end", {}, "Game ended"); } }, "End game ■")),
    el("p", { id: "game-status", cls: "small" }),
    el("div", { cls: "reset-row" },
      el("label", { for: "reset-seed" }, "seed"),
      el("input", { id: "reset-seed", type: "number", min: 0, step: 1, value: s.scenario.seed }),
      el("button", { id: "btn-reset", cls: "secondary", onclick: () => { app.playing = false; act("/api/reset", { seed: $("reset-seed").value }, "Game reset"); } }, "Reset ↺"),
      el("button", { id: "btn-new", cls: "secondary", onclick: newSession }, "New session…"))));

  side.append(box("Seats and join codes", "seats-box",
    s.seats.length ? el("table", { id: "seat-table" }) :
      el("p", { cls: "small muted" }, "No team seats: the model plays every country."),
    el("p", { cls: "small muted" }, "Give each team its code (or its link). A code acts only for its seat.")));

  // control cell: inject
  const preset = el("select", { id: "inj-preset" });
  for (const [k, p] of Object.entries(ctl.presets)) preset.append(el("option", { value: k }, p.label));
  const help = el("p", { id: "inj-help", cls: "small muted" });
  const aud = el("div", { id: "inj-audience-row" }, el("label", { for: "inj-audience" }, "Audience (who reads the leak)"),
    actorSelect("inj-audience", s, s.ids[3] || s.ids[s.ids.length - 1]));
  const syncPreset = () => {
    const p = ctl.presets[preset.value];
    help.textContent = p.help;
    aud.hidden = !p.needs.includes("audience");
  };
  preset.addEventListener("change", syncPreset);
  side.append(box("Control cell: inject an event now", "inject-box",
    el("label", { for: "inj-preset" }, "Event"), preset, help,
    el("label", { for: "inj-actor" }, "Actor"), actorSelect("inj-actor", s, s.ids[0]),
    el("label", { for: "inj-target" }, "Target"), actorSelect("inj-target", s, s.ids[1]),
    aud,
    slider("inj-strength", "Strength", 0.1, 1, 0.1, 0.5, () => {}, (v) => v.toFixed(1)),
    el("button", { id: "btn-inject", onclick: () => act("/api/inject", {
      preset: preset.value, actor: $("inj-actor").value, target: $("inj-target").value,
      audience: $("inj-audience").value, strength: Number($("inj-strength").value),
    }, "Event injected") }, "Inject now")));
  syncPreset();

  // weights
  const wsel = actorSelect("w-actor", s, s.ids[0]);
  const wrap = el("div", { id: "w-sliders" });
  for (const k of ctl.interests) {
    wrap.append(slider(`w-${k}`, k, 0, 1, 0.05, 0, (v) => act("/api/weights",
      { actor: wsel.value, weights: { [k]: v } }, `${s.names[wsel.value]}: ${k} weight ${v.toFixed(2)}`),
    (v) => v.toFixed(2)));
  }
  wsel.addEventListener("change", () => updateInstructor(app.state, true));
  side.append(box("Interest weights (change mid-run)", "weights-box",
    el("label", { for: "w-actor" }, "Actor"), wsel, wrap,
    el("p", { cls: "small muted", id: "w-effective" })));

  // factions
  const fac = Object.entries(ctl.factions);
  if (fac.length) {
    const fb = box("Faction influence", "factions-box");
    for (const [a, fs] of fac) {
      fb.append(el("h3", {}, s.names[a]));
      for (const f of Object.keys(fs)) {
        fb.append(slider(`f-${a}-${f}`, f, 0.01, 0.99, 0.01, fs[f], (v) => act("/api/influence",
          { actor: a, faction: f, value: v }, `${s.names[a]}: ${f} influence ${v.toFixed(2)}`),
        (v) => v.toFixed(2)));
      }
    }
    side.append(fb);
  }

  // noise
  side.append(box("Decision noise", "noise-box",
    slider("noise", "temperature", -3, 0, 0.1, Math.log10(ctl.temperature),
      (v) => act("/api/noise", { value: Number(Math.pow(10, v).toPrecision(3)) },
        `noise set to ${Math.pow(10, v).toPrecision(3)}`),
      (v) => Math.pow(10, v).toPrecision(2)),
    el("p", { cls: "small muted" }, "Low: actors pick their best move; high: they choose more at random.")));

  side.append(box("Debrief", "debrief-box",
    el("button", { id: "btn-report", onclick: () => download("/api/report", "debrief.html") }, "Download debrief report"),
    el("button", { id: "btn-log", cls: "secondary", onclick: () => download("/api/log", "session.jsonl") }, "Download session log"),
    el("p", { cls: "small muted", id: "log-path" })));
}

function renderGameBox(s) {
  if (!s || s.role !== "instructor") return;
  const st = $("game-status");
  if (!st) return;
  const waiting = s.seats.filter((x) => !x.moved && !x.late).map((x) => x.name);
  let text;
  if (s.over) text = `Game over: ${s.over}. Download the debrief report below.`;
  else if (!s.seats.length) text = "The model plays every country.";
  else if (waiting.length) text = `Waiting for: ${waiting.join(", ")}.`;
  else text = "Every team has moved: step to resolve the turn.";
  st.textContent = text + (app.playing && !s.over ? " (playing)" : "");
  st.append(" ", el("span", { id: "countdown", cls: "countdown" }));
  for (const id of ["btn-step", "btn-play", "btn-end", "btn-inject"]) {
    const b = $(id); if (b) b.disabled = !!s.over;
  }
  $("btn-play").disabled = !!s.over || app.playing;
  $("btn-pause").disabled = !app.playing;
}

function updateInstructor(s, force) {
  renderGameBox(s);
  const tbl = $("seat-table");
  if (tbl) {
    clear(tbl).append(el("tr", {}, el("th", {}, "seat"), el("th", {}, "join code"), el("th", {}, "this turn")));
    for (const x of s.seats) {
      const link = `${location.origin}/#code=${x.code}`;
      const status = x.moved ? el("span", { cls: "status-moved" }, "moved ✓") :
        x.late ? el("span", { cls: "status-late" }, "model plays (deadline)") :
          el("span", { cls: "status-waiting" }, "waiting…");
      tbl.append(el("tr", { cls: "seat-row", "data-actor": x.actor },
        el("td", {}, x.name),
        el("td", {}, el("code", { cls: "seat-code", "data-actor": x.actor }, x.code), el("br"),
          el("a", { href: link, cls: "small", target: "_blank", rel: "noopener" }, "join link")),
        el("td", {}, status)));
    }
  }
  const a = $("w-actor").value;
  const w = s.control.weights[a];
  for (const k of s.control.interests) setSlider(`w-${k}`, w[k], (v) => v.toFixed(2));
  const eff = s.control.effective[a];
  $("w-effective").textContent = "Effective (with factions, normalised): " +
    s.control.interests.map((k) => `${k} ${eff[k].toFixed(2)}`).join(", ");
  for (const [act_, fs] of Object.entries(s.control.factions)) {
    for (const [f, v] of Object.entries(fs)) setSlider(`f-${act_}-${f}`, v, (x) => x.toFixed(2));
  }
  setSlider("noise", Math.log10(s.control.temperature), (v) => Math.pow(10, v).toPrecision(2));
  $("log-path").textContent = s.control.log_path ? `Session log on the server: ${s.control.log_path}` : "";
  void force;
}

// --- a team's seat -------------------------------------------------------------------------------

function buildSeat(side, s) {
  side.append(box(`Your team: ${s.names[s.actor]}`, "team-box",
    el("p", { id: "team-status", cls: "big" }),
    el("p", {}, el("span", { id: "countdown", cls: "countdown" }))));
  side.append(box("Your move this turn", "move-box",
    el("p", { id: "move-help", cls: "small muted" }),
    el("div", { id: "options", cls: "options" })));
  side.append(box("Your situation", "situation-box", el("div", { id: "situation" })));
  side.append(box("Debrief", "seat-debrief",
    el("button", { id: "btn-report", onclick: () => download("/api/report", "debrief.html") }, "Download debrief report"),
    el("p", { cls: "small muted" }, "Available when the instructor ends the game.")));
}

function updateSeat(s) {
  const me = s.me;
  const chosen = me.options.find((o) => o.row === me.choice);
  const st = $("team-status");
  if (s.over) st.textContent = `The game is over (${s.over}).`;
  else if (me.late) st.textContent = "The deadline passed: the model plays for your team this turn.";
  else if (chosen) st.textContent = `Your move for ${s.date}: ${chosen.text}. You can change it until the instructor advances.`;
  else st.textContent = `Choose your move for ${s.date}.`;
  $("btn-report").disabled = !s.over;
  $("move-help").textContent = s.advice ?
    "Advice: the expected utility of each move for your country, after the others' likely replies (longer bar = better for you by the model's reckoning). You decide." :
    "Pick the move you think serves your country best.";
  const list = $("options");
  const scroll = list.scrollTop;
  clear(list);
  const vals = me.options.map((o) => o.value).filter((v) => v !== undefined);
  const lo = Math.min(...vals), hi = Math.max(...vals);
  for (const o of me.options) {
    const isChosen = o.row === me.choice;
    const row = el("div", { cls: "option" + (isChosen ? " chosen" : ""), "data-row": o.row, "data-action": o.action, "data-target": o.target },
      el("div", {}, o.text,
        s.advice && o.rank === 1 ? el("span", { cls: "best" }, " ★ best by the advice") : null,
        s.advice ? el("div", { cls: "meta" }, `expected utility ${o.value.toFixed(4)} · rank ${o.rank} of ${me.options.length}`) : null),
      el("button", { cls: isChosen ? "secondary" : "", disabled: s.over || me.late || isChosen,
        onclick: () => act("/api/move", { row: o.row }, "Move submitted: " + o.text) }, isChosen ? "chosen" : "Choose"));
    if (s.advice && hi > lo) {
      const bar = el("div", { cls: "bar" }, el("i"));
      bar.firstChild.style.width = `${Math.round(100 * (0.08 + 0.92 * (o.value - lo) / (hi - lo)))}%`;
      row.append(bar);
    }
    list.append(row);
  }
  if (!me.options.length) list.append(el("p", { cls: "muted" }, "No moves: the game is over."));
  list.scrollTop = scroll;
  drawSituation($("situation"), s);
}

function drawSituation(node, s) {
  const sit = s.me.situation;
  clear(node);
  node.append(el("p", {}, "Utility ", el("b", {}, sit.utility.toFixed(3)), ` (${fmt(sit.utility_change, 3)} over the last month)`,
    ` · international standing ${sit.standing.toFixed(2)}`));
  const it = el("table", { id: "interests-table" }, el("tr", {}, el("th", {}, "interest"), el("th", {}, "value"), el("th", {}, "change"), el("th", {}, "weight")));
  for (const i of sit.interests) {
    it.append(el("tr", {}, el("td", {}, i.name), el("td", { cls: "num" }, fmt(i.value, 3)), el("td", { cls: "num" }, fmt(i.change, 3)), el("td", { cls: "num" }, i.weight.toFixed(2))));
  }
  node.append(it);
  const fac = Object.entries(sit.factions);
  if (fac.length) node.append(el("p", { cls: "small" }, "Factions at home: " + fac.map(([f, v]) => `${f} ${(100 * v).toFixed(0)}%`).join(", ")));
  const rows = [
    ["relation (Goldstein)", (o) => fmt(o.relation, 1)],
    ["your stance", (o) => fmt(o.my_stance, 2)],
    ["their stance", (o) => fmt(o.their_stance, 2)],
    ["secret channel: you", (o) => o.my_channel.toFixed(2)],
    ["secret channel: them", (o) => o.their_channel.toFixed(2)],
    ["you recognise them", (o) => o.i_recognise],
    ["they recognise you", (o) => o.they_recognise],
    ["your commitment", (o) => o.my_commitment.toFixed(2)],
    ["their commitment", (o) => o.their_commitment.toFixed(2)],
    ["trade, US$ m", (o) => o.trade.toFixed(0) + (o.trade_indirect > 0.5 ? ` +${o.trade_indirect.toFixed(0)} via others` : "")],
    ["your export controls", (o) => o.my_controls.toFixed(2)],
    ["their export controls", (o) => o.their_controls.toFixed(2)],
    ["talks open", (o) => (o.talks ? "yes" : "no")],
  ];
  const t = el("table", { id: "relations-table" },
    el("tr", {}, el("th", {}, "toward"), ...sit.others.map((o) => el("th", { cls: "num", "data-actor": o.actor }, o.name))));
  for (const [label, f] of rows) {
    t.append(el("tr", {}, el("td", {}, label), ...sit.others.map((o) => el("td", { cls: "num" }, f(o)))));
  }
  node.append(el("h3", {}, "Your relations"), t,
    el("p", { cls: "small muted" }, "Relation: public, on the Goldstein scale (-10 hostile .. +10 cooperative). Stances -1..+1. Only you and your partner know your secret channels."));
}

// --- charts -----------------------------------------------------------------------------------

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

function drawNetwork(root, s) {
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
    root.append(svg("rect", { x: x - 48, y: y - 22, width: 96, height: 44, rx: 10, fill: mine ? "#eef8f4" : "#fff",
      stroke: mine ? OI.green : "#17324d", "stroke-width": mine ? 3.5 : 1.8, class: "node", "data-actor": a }));
    const lines = wrapName(s.names[a]);
    lines.forEach((ln, k) => root.append(svg("text", { x, y: y + 5 - 7.5 * (lines.length - 1) + 15 * k, "text-anchor": "middle",
      "font-size": 13.5, "font-weight": 700, fill: "#17324d" }, ln)));
    if (seat) root.append(svg("text", { x, y: y + 35, "text-anchor": "middle", "font-size": 11, fill: "#444" }, mine ? "your team" : "team seat"));
  }
  const lg = clear($("network-legend"));
  const sample = (color, dash, w) => {
    const s_ = document.createElementNS(SVGNS, "svg");
    s_.setAttribute("viewBox", "0 0 34 12");
    s_.append(svg("line", { x1: 1, y1: 6, x2: 33, y2: 6, stroke: color, "stroke-width": w, "stroke-dasharray": dash }));
    return s_;
  };
  lg.append(el("span", {}, sample(OI.blue, "", 3), "friendly (solid)"),
    el("span", {}, sample(OI.vermillion, "9 5", 3), "hostile (dashed)"),
    el("span", {}, sample(OI.grey, "2 4", 2), "neutral (dotted)"),
    el("span", {}, sample(OI.purple, "1 5", 3), "secret channel (dotted curve)"),
    el("span", {}, "width and number: strength on the Goldstein scale, -10..+10"));
}

function drawRoles(node, s) {
  clear(node);
  const t = el("table", { id: "roles-table" }, el("tr", {}, el("th", {}, "triangle and configuration"), el("th", {}, "roles")));
  for (const r of s.roles) {
    const roles = el("td", { cls: "roles-cell" });
    for (const [a, role] of Object.entries(r.roles)) {
      roles.append(el("div", {}, el("span", { cls: `role role-${role}`, "data-actor": a }, role), ` ${s.names[a]}`));
    }
    t.append(el("tr", { "data-triad": r.triad }, el("td", {}, el("b", {}, r.label), el("br"),
      el("span", { cls: "small muted configuration" }, r.configuration_text)), roles));
  }
  node.append(t, el("p", { cls: "small muted" },
    "A relation counts as friendly above 0. Pivot: friends with both others, who are hostile to each other (Dittmer 1981; Wu 1996)."));
}

function drawHistory(root, s) {
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
    const colour = m.inject ? OI.vermillion : "#555";
    root.append(svg("line", { x1: xx, x2: xx, y1: T, y2: H - B, stroke: colour, "stroke-width": 1.2,
      "stroke-dasharray": m.inject ? "2 3" : "6 4", class: "event-marker", "data-event": m.event }));
    if (j) root.append(svg("line", { x1: xx, x2: cxm, y1: T - 12, y2: T - 12, stroke: colour, "stroke-width": 1 }));
    root.append(svg("circle", { cx: cxm, cy: T - 12, r: 8.5, fill: m.inject ? OI.vermillion : "#fff", stroke: colour, "stroke-width": 1.4 }));
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
    const s_ = document.createElementNS(SVGNS, "svg");
    s_.setAttribute("viewBox", "0 0 34 12");
    s_.append(svg("line", { x1: 1, y1: 6, x2: 33, y2: 6, stroke: p.color, "stroke-width": 2.5, "stroke-dasharray": p.dash }));
    const last = p.values.length ? p.values[p.values.length - 1] : null;
    lg.append(el("span", {}, s_, p.label + (last === null ? "" : ` (${fmt(last, 1)})`)));
  }
}

function drawLog(node, s) {
  clear(node);
  if (!s.log.length) { node.append(el("p", { cls: "muted" }, "Nothing yet.")); return; }
  for (const m of s.log) {
    const div = el("div", { cls: "month", "data-date": m.date }, el("b", {}, m.date), " ", m.lines.join(" "));
    if (m.moves.length) div.append(el("div", { cls: "moves" }, "Moves: " + m.moves.join("; ") + "."));
    node.append(div);
  }
}

init();
