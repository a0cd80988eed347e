/* The board: the projector's read-only view of a session (large type; no code, no
 * secret channel, no control). Its code comes in the address (#code=...). */
import { app, setToken, subscribe } from "./api.js";
import { buildPanels, drawAll, turnInfo } from "./charts.js";
import { $, clear, el } from "./dom.js";

function render(s) {
  turnInfo($("turn-info"), s);
  const seats = clear($("board-seats"));
  for (const x of s.seats) {
    const status = x.moved ? "moved ✓" : x.late ? "model plays" : "thinking…";
    seats.append(el("span", { cls: "chip " + (x.moved ? "status-moved" : x.late ? "status-late" : "status-waiting"), "data-actor": x.actor },
      `${x.name}: ${status}`));
  }
  if (!s.seats.length) seats.append(el("span", { cls: "muted" }, "The model plays every country."));
  drawAll(s);
}

setInterval(() => {
  const c = $("countdown");
  if (app.deadlineAt === null) { c.textContent = ""; return; }
  const s = Math.max(0, Math.round((app.deadlineAt - Date.now()) / 1000));
  c.textContent = s > 0 ? `deadline in ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` : "deadline passed";
}, 500);

function init() {
  buildPanels($("panels"));
  const h = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (h.get("code")) { setToken(h.get("code")); history.replaceState(null, "", location.pathname); }
  app.onState = (s) => {
    if (s.role !== "board") { $("board-msg").textContent = "This is not a board code: open the board link from the instructor's page."; return; }
    render(s);
  };
  app.onLeave = (message) => { setToken(""); $("board-msg").textContent = message; };
  if (!app.token) { $("board-msg").textContent = "Open the board link from the instructor's page (it carries the board's code)."; return; }
  subscribe();
}

init();
