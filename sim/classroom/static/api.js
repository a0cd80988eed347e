/* Talking to the classroom server: requests (with a busy indicator on anything slower
 * than BUSY_MS), downloads, and the state pushed over server-sent events. */
import { $, el, flash } from "./dom.js";

const BUSY_MS = 300;

export const app = {
  token: sessionStorage.getItem("cardplay.token") || "",
  key: sessionStorage.getItem("cardplay.key") || "",
  state: null,
  deadlineAt: null,
  stream: null,
  onState: () => {},
  onLeave: () => {},
};

export function setToken(token) {
  app.token = token || "";
  if (app.token) sessionStorage.setItem("cardplay.token", app.token);
  else sessionStorage.removeItem("cardplay.token");
}

// --- busy: a request still running after BUSY_MS marks its button and the page ----------------

let running = 0;

export async function busy(button, work) {
  let shown = false;
  const t = setTimeout(() => {
    shown = true;
    running += 1;
    $("busy").hidden = false;
    if (button) { button.classList.add("busy"); button.setAttribute("aria-busy", "true"); button.disabled = true; }
  }, BUSY_MS);
  try {
    return await work();
  } finally {
    clearTimeout(t);
    if (shown) {
      running -= 1;
      if (running <= 0) { running = 0; $("busy").hidden = true; }
      if (button) {
        button.classList.remove("busy"); button.removeAttribute("aria-busy"); button.disabled = false;
        if (app.state) app.onState(app.state); // the state decides what stays enabled
      }
    }
  }
}

export async function api(method, path, body) {
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

/* A POST from a button: busy after BUSY_MS, the answer flashed; the new state arrives on
 * the stream. Returns the answer, or null if refused (the refusal is shown). */
export async function act(path, body, okText, button) {
  return busy(button, async () => {
    try {
      const out = await api("POST", path, body || {});
      if (okText) flash(okText, true);
      return out;
    } catch (e) {
      flash(e.message);
      if (e.status === 401) app.onLeave(e.message);
      return null;
    }
  });
}

function filenameOf(disposition, fallback) {
  const exact = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (exact) { try { return decodeURIComponent(exact[1]); } catch (e) { /* fall back */ } }
  const plain = /filename="([^"]+)"/.exec(disposition);
  return plain ? plain[1] : fallback;
}

export async function download(path, fallback, button) {
  return busy(button, async () => {
    try {
      const r = await fetch(path, { headers: { "X-Token": app.token } });
      if (!r.ok) {
        let msg = `download failed (${r.status})`;
        try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
        throw new Error(msg);
      }
      const name = filenameOf(r.headers.get("Content-Disposition") || "", fallback);
      const blob = await r.blob();
      const a = el("a", { href: URL.createObjectURL(blob), download: name });
      document.body.append(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
      flash("Downloaded " + name, true);
    } catch (e) {
      flash(e.message);
    }
  });
}

// --- the pushed state ---------------------------------------------------------------------------

function connected(ok) {
  const c = $("conn");
  if (c) c.hidden = ok;
}

function handle(chunk) {
  let kind = "message";
  const data = [];
  for (const line of chunk.split("\n")) {
    if (line.startsWith("event:")) kind = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (kind !== "state" || !data.length) return;
  const msg = JSON.parse(data.join("\n"));
  app.deadlineAt = msg.deadline_left === null ? null : Date.now() + 1000 * msg.deadline_left;
  app.state = msg.state;
  app.onState(msg.state);
}

/* Subscribe to the session's state (server-sent events read with fetch, so the code goes
 * in a header, not the address); reconnects on its own after a drop or a restart. */
export function subscribe() {
  unsubscribe();
  const ctrl = new AbortController();
  app.stream = ctrl;
  (async () => {
    let wait = 500;
    while (app.token && !ctrl.signal.aborted) {
      try {
        const r = await fetch("/api/events", { headers: { "X-Token": app.token }, signal: ctrl.signal, cache: "no-store" });
        if (r.status === 401 || r.status === 403) {
          let msg = "this code is not valid here";
          try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
          app.onLeave(msg);
          return;
        }
        if (!r.ok) {
          let msg = `the server answered ${r.status}`;
          try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
          flash(msg); // e.g. a session whose log cannot be resumed: keep trying, say why
          throw new Error(msg);
        }
        connected(true);
        wait = 500;
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const chunk = buf.slice(0, i);
            buf = buf.slice(i + 2);
            handle(chunk);
          }
        }
      } catch (e) {
        if (ctrl.signal.aborted) return;
      }
      connected(false);
      await new Promise((res) => setTimeout(res, wait));
      wait = Math.min(5000, wait * 2);
    }
  })();
}

export function unsubscribe() {
  if (app.stream) app.stream.abort();
  app.stream = null;
}
