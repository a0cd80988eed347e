/* The instructor's control page: the game (step, play, pause, end, reset), the seats
 * (codes and links only on demand), the projector's board, and the control cell
 * (inject, forbid, weights, factions, noise), the debrief and the log. */
import { act, api, app, busy, download } from "./api.js";
import { $, box, clear, el, flash } from "./dom.js";

const play = { on: false, inflight: false, after: -1 };

function slider(id, label, min, max, step, value, onchange, show) {
  const out = el("output", { id: id + "-out" }, show(value));
  const input = el("input", { type: "range", id, min, max, step, value, "aria-label": label });
  input.addEventListener("input", () => { out.textContent = show(Number(input.value)); });
  input.addEventListener("change", () => onchange(Number(input.value), input));
  return el("div", { cls: "slider" }, el("span", {}, label), input, out);
}

function setSlider(id, value, show) {
  const input = $(id);
  if (!input || document.activeElement === input) return;
  input.value = value;
  $(id + "-out").textContent = show(Number(value));
}

function actorSelect(id, s, selected, any) {
  const sel = el("select", { id });
  if (any) sel.append(el("option", { value: "" }, any));
  for (const a of s.ids) sel.append(el("option", { value: a, selected: a === selected }, s.names[a]));
  return sel;
}

function gameBox(s, newSession) {
  return box("Game", "game-box",
    el("div", { cls: "controls" },
      el("button", { id: "btn-step", title: "resolve this turn and open the next", onclick: (e) => act("/api/step", {}, null, e.currentTarget) }, "Step ▸|"),
      el("button", { id: "btn-play", onclick: () => { play.on = true; renderGameBox(app.state); } }, "Play ▶"),
      el("button", { id: "btn-pause", cls: "secondary", onclick: () => { play.on = false; renderGameBox(app.state); } }, "Pause ❚❚"),
      el("button", { id: "btn-end", cls: "danger", onclick: (e) => { if (confirm("End the game now?")) act("/api/end", {}, "Game ended", e.currentTarget); } }, "End game ■")),
    el("p", { id: "game-status", cls: "small" }),
    el("p", { id: "pace-line", cls: "small muted" }),
    el("div", { cls: "reset-row" },
      el("label", { for: "reset-seed" }, "seed"),
      el("input", { id: "reset-seed", type: "number", min: 0, step: 1, value: s.scenario.seed }),
      el("button", { id: "btn-reset", cls: "secondary", onclick: (e) => { play.on = false; act("/api/reset", { seed: $("reset-seed").value }, "Game reset", e.currentTarget); } }, "Reset ↺"),
      el("button", { id: "btn-new", cls: "secondary", onclick: newSession }, "New session…")));
}

function seatsBox(s) {
  const codes = el("div", { id: "codes", hidden: true });
  const toggle = el("button", { id: "btn-codes", cls: "secondary", onclick: (e) => showCodes(e.currentTarget, codes) }, "Show codes and links");
  return box("Seats", "seats-box",
    s.seats.length ? el("table", { id: "seat-table" }) :
      el("p", { cls: "small muted" }, "No team seats: the model plays every country."),
    el("div", { cls: "controls" }, toggle,
      el("a", { id: "board-link", cls: "button secondary", href: s.control.board, target: "_blank", rel: "noopener" }, "Open the board (projector) ↗")),
    codes,
    el("p", { cls: "small muted" }, "Codes stay hidden until you ask, so this page can be seen by the room. A code acts only for its seat; the board shows no code."));
}

async function showCodes(button, node) {
  if (!node.hidden) { node.hidden = true; clear(node); button.textContent = "Show codes and links"; return; }
  await busy(button, async () => {
    try {
      const c = await api("GET", "/api/codes");
      clear(node);
      const t = el("table", { id: "code-table" }, el("tr", {}, el("th", {}, "seat"), el("th", {}, "join code and link")));
      for (const x of c.seats) {
        t.append(el("tr", { "data-actor": x.actor }, el("td", {}, x.name),
          el("td", {}, el("code", { cls: "seat-code", "data-actor": x.actor }, x.code), el("br"),
            el("a", { href: location.origin + x.link, cls: "small", target: "_blank", rel: "noopener" }, "join link"))));
      }
      node.append(t,
        el("p", { cls: "small" }, "Instructor link (re-enter from any browser; keep it private): ",
          el("code", { id: "instructor-link", cls: "wrap" }, location.origin + c.instructor)),
        el("p", { cls: "small" }, "Board link (for the projector): ", el("code", { id: "board-url", cls: "wrap" }, location.origin + c.board)));
      node.hidden = false;
      button.textContent = "Hide codes";
    } catch (e) { flash(e.message); }
  });
}

function injectBox(s) {
  const ctl = s.control;
  const preset = el("select", { id: "inj-preset" });
  for (const [k, p] of Object.entries(ctl.presets)) preset.append(el("option", { value: k }, p.label));
  const help = el("p", { id: "inj-help", cls: "small muted" });
  const aud = el("div", { id: "inj-audience-row" }, el("label", { for: "inj-audience" }, "Audience (who reads the leak)"),
    actorSelect("inj-audience", s, s.ids[3] || s.ids[s.ids.length - 1]));
  const sync = () => {
    const p = ctl.presets[preset.value];
    help.textContent = p.help;
    aud.hidden = !p.needs.includes("audience");
  };
  preset.addEventListener("change", sync);
  const b = box("Control cell: inject an event now", "inject-box",
    el("label", { for: "inj-preset" }, "Event"), preset, help,
    el("label", { for: "inj-actor" }, "Actor"), actorSelect("inj-actor", s, s.ids[0]),
    el("label", { for: "inj-target" }, "Target"), actorSelect("inj-target", s, s.ids[1]),
    aud,
    slider("inj-strength", "Strength", 0.1, 1, 0.1, 0.5, () => {}, (v) => v.toFixed(1)),
    el("button", { id: "btn-inject", onclick: (e) => act("/api/inject", {
      preset: preset.value, actor: $("inj-actor").value, target: $("inj-target").value,
      audience: $("inj-audience").value, strength: Number($("inj-strength").value),
    }, "Event injected", e.currentTarget) }, "Inject now"));
  sync();
  return b;
}

function forbidBox(s) {
  const move = el("select", { id: "fb-move" });
  for (const m of s.control.moves) move.append(el("option", { value: m }, m.replace(/_/g, " ")));
  return box("Control cell: forbid a move", "forbid-box",
    el("p", { cls: "small muted" }, "Take a move away from a country from now on (a counterfactual: what if it could not?)."),
    el("label", { for: "fb-actor" }, "Country"), actorSelect("fb-actor", s, s.ids[0]),
    el("label", { for: "fb-move" }, "Move"), move,
    el("label", { for: "fb-target" }, "Toward"), actorSelect("fb-target", s, null, "anyone"),
    el("button", { id: "btn-forbid", onclick: (e) => act("/api/forbid", {
      actor: $("fb-actor").value, move: move.value, target: $("fb-target").value,
    }, "Move forbidden", e.currentTarget) }, "Forbid"),
    el("ul", { id: "forbidden", cls: "small" }));
}

function weightsBox(s) {
  const ctl = s.control;
  const wsel = actorSelect("w-actor", s, s.ids[0]);
  const wrap = el("div", { id: "w-sliders" });
  for (const k of ctl.interests) {
    wrap.append(slider(`w-${k}`, k, 0, 1, 0.05, 0, (v, input) => act("/api/weights",
      { actor: wsel.value, weights: { [k]: v } }, `${s.names[wsel.value]}: ${k} weight ${v.toFixed(2)}`, input),
    (v) => v.toFixed(2)));
  }
  wsel.addEventListener("change", () => updateInstructor(app.state));
  return box("Interest weights (change mid-run)", "weights-box",
    el("label", { for: "w-actor" }, "Actor"), wsel, wrap,
    el("p", { cls: "small muted", id: "w-effective" }));
}

function factionsBox(s) {
  const fac = Object.entries(s.control.factions);
  if (!fac.length) return null;
  const fb = box("Faction influence", "factions-box");
  for (const [a, fs] of fac) {
    fb.append(el("h3", {}, s.names[a]));
    for (const f of Object.keys(fs)) {
      fb.append(slider(`f-${a}-${f}`, f, 0.01, 0.99, 0.01, fs[f], (v, input) => act("/api/influence",
        { actor: a, faction: f, value: v }, `${s.names[a]}: ${f} influence ${v.toFixed(2)}`, input),
      (v) => v.toFixed(2)));
    }
  }
  return fb;
}

export function buildInstructor(side, s, newSession) {
  side.append(gameBox(s, newSession), seatsBox(s), injectBox(s), forbidBox(s), weightsBox(s));
  const fb = factionsBox(s);
  if (fb) side.append(fb);
  side.append(box("Decision noise", "noise-box",
    slider("noise", "temperature", -3, 0, 0.1, Math.log10(s.control.temperature),
      (v, input) => act("/api/noise", { value: Number(Math.pow(10, v).toPrecision(3)) },
        `noise set to ${Math.pow(10, v).toPrecision(3)}`, input),
      (v) => Math.pow(10, v).toPrecision(2)),
    el("p", { cls: "small muted" }, "Low: actors pick their best move; high: they choose more at random.")));
  side.append(box("Debrief", "debrief-box",
    el("button", { id: "btn-report", onclick: (e) => download("/api/report", "debrief.html", e.currentTarget) }, "Download debrief report"),
    el("button", { id: "btn-log", cls: "secondary", onclick: (e) => download("/api/log", "session.jsonl", e.currentTarget) }, "Download session log"),
    el("p", { cls: "small muted", id: "log-path" })));
}

export function renderGameBox(s) {
  if (!s || s.role !== "instructor") return;
  const st = $("game-status");
  if (!st) return;
  if (s.over) play.on = false;
  const waiting = s.seats.filter((x) => !x.moved && !x.late).map((x) => x.name);
  let text;
  if (s.over) text = `Game over: ${s.over}. Download the debrief report below.`;
  else if (!s.seats.length) text = "The model plays every country.";
  else if (waiting.length) text = `Waiting for: ${waiting.join(", ")}.`;
  else text = "Every team has moved: step to resolve the turn.";
  st.textContent = text + (play.on ? " (playing)" : "");
  st.append(" ", el("span", { id: "countdown", cls: "countdown" }));
  for (const id of ["btn-step", "btn-end", "btn-inject", "btn-forbid"]) {
    const b = $(id); if (b && !b.classList.contains("busy")) b.disabled = !!s.over;
  }
  $("btn-play").disabled = !!s.over || play.on;
  $("btn-pause").disabled = !!s.over || !play.on;
}

export function updateInstructor(s) {
  renderGameBox(s);
  const p = s.control.pacing;
  $("pace-line").textContent = `A turn is ${p.months} month${p.months > 1 ? "s" : ""}: ${p.turns} turns, about ${Math.round(p.minutes)} minutes of play.`;
  const tbl = $("seat-table");
  if (tbl) {
    clear(tbl).append(el("tr", {}, el("th", {}, "seat"), el("th", {}, "this turn")));
    for (const x of s.seats) {
      const status = x.moved ? el("span", { cls: "status-moved" }, "moved ✓") :
        x.late ? el("span", { cls: "status-late" }, "model plays (deadline)") :
          el("span", { cls: "status-waiting" }, "waiting…");
      tbl.append(el("tr", { cls: "seat-row", "data-actor": x.actor }, el("td", {}, x.name), el("td", {}, status)));
    }
  }
  const fl = clear($("forbidden"));
  for (const f of s.control.forbidden) fl.append(el("li", { "data-actor": f.actor, "data-move": f.move }, "forbidden: " + f.text));
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
}

// play: the instructor's page steps on its own while every team has moved
setInterval(async () => {
  const s = app.state;
  if (!play.on || play.inflight || !s || s.role !== "instructor") return;
  if (s.over) { play.on = false; renderGameBox(s); return; }
  if (s.version <= play.after || !s.seats.every((x) => x.moved || x.late)) return;
  play.inflight = true;
  play.after = s.version; // wait for the stream to bring the next turn before stepping again
  try { await act("/api/step", {}, null, $("btn-step")); } finally { play.inflight = false; }
}, 700);

export function stopPlaying() { play.on = false; }
