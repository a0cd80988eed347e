/* cardplay classroom: vanilla JavaScript modules, no external resources. The page talks
 * to the local server only (/api/...); the state arrives pushed (server-sent events). */
import { app, setToken, subscribe, unsubscribe } from "./api.js";
import { buildPanels, drawAll, turnInfo } from "./charts.js";
import { $, clear, el } from "./dom.js";
import { initHome, join, showHome } from "./home.js";
import { buildInstructor, renderGameBox, stopPlaying, updateInstructor } from "./instructor.js";
import { buildSeat, updateSeat } from "./seat.js";

let built = null; // which session/role the side panel was built for

/* A code or key in the address (#code=..., #key=...) is taken and removed from it. */
function readHash() {
  const h = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (h.get("key")) { app.key = h.get("key"); sessionStorage.setItem("cardplay.key", app.key); }
  const code = h.get("code");
  if (h.get("key") || code) history.replaceState(null, "", location.pathname);
  return code;
}

function enter() {
  $("home").hidden = true;
  $("game").hidden = false;
  built = null;
  subscribe();
}

function leave(message) {
  setToken("");
  unsubscribe();
  stopPlaying();
  app.state = null;
  showHome(message);
}

function newSession() {
  setToken("");
  unsubscribe();
  stopPlaying();
  app.state = null;
  showHome();
}

function render(s) {
  turnInfo($("turn-info"), s);
  clear($("whoami")).append(el("span", { cls: "badge", id: "role-badge" },
    s.role === "instructor" ? "instructor" : `team: ${s.names[s.actor]}`));
  const key = `${s.session}/${s.role}/${s.actor || ""}`;
  if (built !== key) {
    $("layout").className = s.role === "seat" ? "layout seat" : "layout";
    const side = clear($("side"));
    if (s.role === "instructor") buildInstructor(side, s, newSession);
    else buildSeat(side, s);
    built = key;
  }
  if (s.role === "instructor") updateInstructor(s);
  else updateSeat(s);
  drawAll(s);
}

setInterval(() => {
  const c = $("countdown");
  if (!c) return;
  if (app.deadlineAt === null) { c.textContent = ""; return; }
  const s = Math.max(0, Math.round((app.deadlineAt - Date.now()) / 1000));
  c.textContent = s > 0 ? `deadline in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` : "deadline passed";
}, 500);

async function init() {
  app.onState = (s) => { if (s.role === "board") { location.replace("/board"); return; } render(s); renderGameBox(s); };
  app.onLeave = leave;
  buildPanels($("panels"));
  initHome(enter);
  window.addEventListener("hashchange", () => { // a link pasted into an open tab
    const code = readHash();
    if (code) { unsubscribe(); join(code, enter); } else if (app.key && !app.token) showHome();
  });
  const code = readHash();
  if (code) { $("join-code").value = code; await join(code, enter); return; }
  if (app.token) { enter(); return; }
  showHome();
}

init();
