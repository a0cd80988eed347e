/* The start page: a team joins with its code; the instructor (with the server key) opens
 * a session, choosing the turn length from the number of turns and the class time it
 * gives, or re-enters a session already running. */
import { api, app, busy, setToken } from "./api.js";
import { $, clear, el } from "./dom.js";

let scenarios = [];
let enterGame = () => {};

export function initHome(enter) {
  enterGame = enter;
  $("join-form").addEventListener("submit", (e) => { e.preventDefault(); join($("join-code").value, enter); });
  $("open-form").addEventListener("submit", (e) => openSession(e, enter));
  $("scenario").addEventListener("change", scenarioChosen);
  $("deadline").addEventListener("input", paceOptions);
}

export function showHome(message) {
  $("game").hidden = true;
  $("home").hidden = false;
  $("turn-info").textContent = "";
  $("whoami").textContent = "";
  if (message) $("join-error").textContent = message;
  if (app.key) {
    $("open-card").hidden = false;
    $("sessions-card").hidden = false;
    loadScenarios();
    loadSessions();
  }
}

async function loadScenarios() {
  if (scenarios.length) return;
  try {
    const data = await api("GET", "/api/scenarios");
    scenarios = data.scenarios;
    const sel = clear($("scenario"));
    for (const s of scenarios) {
      sel.append(el("option", { value: s.name, selected: s.name === data.default },
        `${s.title} (${s.window[0]} to ${s.window[1]})`));
    }
    scenarioChosen();
  } catch (e) { $("open-error").textContent = e.message; }
}

async function loadSessions() {
  const list = clear($("sessions"));
  try {
    const data = await api("GET", "/api/sessions");
    if (!data.sessions.length) { list.append(el("li", { cls: "muted" }, "No session yet.")); return; }
    for (const s of data.sessions) {
      list.append(el("li", { "data-session": s.session },
        el("b", {}, s.title || s.session), ` · opened ${s.opened || "?"} · seats: ${s.seats.join(", ") || "none"} `,
        el("button", { cls: "secondary reenter", onclick: () => { setToken(s.token); enterGame(); } }, "Re-enter")));
    }
  } catch (e) { list.append(el("li", { cls: "error" }, e.message)); }
}

function scenarioChosen() {
  const s = scenarios.find((x) => x.name === $("scenario").value);
  if (!s) return;
  $("scenario-desc").textContent = s.description || "";
  $("seed").value = s.seed;
  const boxes = clear($("seat-boxes"));
  for (const a of s.actors) {
    boxes.append(el("label", { cls: "inline" },
      el("input", { type: "checkbox", id: `seat-${a.id}`, value: a.id }), a.name));
  }
  paceOptions();
}

/* The turn lengths with their turns and minutes (the deadline, if set, is a turn's time). */
function paceOptions() {
  const s = scenarios.find((x) => x.name === $("scenario").value);
  if (!s) return;
  const sel = $("pace");
  const chosen = Number(sel.value) || s.pace;
  const per = Number($("deadline").value) || s.seconds_per_turn;
  clear(sel);
  for (const p of s.paces) {
    const minutes = Math.round((p.turns * per) / 60);
    const fits = minutes <= s.play_minutes ? "" : " (longer than a lesson's play)";
    const tag = p.months === s.pace ? (s.pace_from_scenario ? " · the scenario's pace" : " · suggested") : "";
    sel.append(el("option", { value: p.months, selected: p.months === chosen, "data-turns": p.turns },
      `${p.months} month${p.months > 1 ? "s" : ""} a turn: ${p.turns} turns, about ${minutes} min${fits}${tag}`));
  }
  $("pace-help").textContent = `Estimate: turns × ${per} s a turn (${Number($("deadline").value) ? "your deadline" : "about a minute for a team to read, talk and move"}); a 50-minute lesson leaves about ${s.play_minutes} minutes to play.`;
}

async function openSession(e, enter) {
  e.preventDefault();
  $("open-error").textContent = "";
  const seats = [...document.querySelectorAll("#seat-boxes input:checked")].map((x) => x.value);
  await busy($("open-btn"), async () => {
    try {
      const out = await api("POST", "/api/session", {
        key: app.key, scenario: $("scenario").value, seed: $("seed").value, seats,
        advice: $("advice").checked, deadline: Number($("deadline").value) || 0,
        pace: Number($("pace").value),
      });
      setToken(out.token);
      enter();
    } catch (err) { $("open-error").textContent = err.message; }
  });
}

export async function join(code, enter) {
  $("join-error").textContent = "";
  code = (code || "").trim();
  if (!code) { $("join-error").textContent = "Enter the join code your instructor gave you."; showHome(); return; }
  await busy($("join-btn"), async () => {
    try {
      const out = await api("POST", "/api/join", { code });
      if (out.role === "board") { location.replace("/board#code=" + encodeURIComponent(code)); return; }
      setToken(out.token);
      enter();
    } catch (e) {
      showHome(e.message);
    }
  });
}
