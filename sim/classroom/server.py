"""`cardplay classroom`: a local web server for classroom sessions (standard library only).

Everything the browser needs (page, script, style) is served from the
package's ``static`` folder; fonts are the system's. No request ever leaves the
machine, so a class can run with no internet at all.

Who may do what is decided by the token each request carries (``X-Token``):

- the server key (printed at start) opens sessions;
- a session's instructor token steps, plays, injects, changes weights and
  noise, resets and ends the game, and downloads the log and the debrief;
- a seat's join code submits that seat's moves, and nothing else.

The :class:`App` is a plain callable ``(method, path, headers, body) ->
(status, headers, body)`` so tests can drive it with or without sockets.
"""

from __future__ import annotations

import json
import mimetypes
import secrets
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sim.classroom.session import AccessError, Session, bad_request, forbidden, unauthorized
from sim.scenario.errors import ConfigError

STATIC = resources.files("sim.classroom") / "static"
MAX_BODY = 1_000_000
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

INSTRUCTOR_ONLY = {
    "step": "advance the turn",
    "inject": "inject events",
    "weights": "change interest weights",
    "influence": "change faction influence",
    "noise": "change the noise",
    "end": "end the game",
    "reset": "reset the game",
    "log": "download the session log",
}

Response = tuple[int, dict[str, str], bytes]


def _json(status: int, data) -> Response:
    body = json.dumps(data, allow_nan=False).encode()
    return status, {"Content-Type": "application/json; charset=utf-8"}, body


def _error(status: int, message: str) -> Response:
    return _json(status, {"error": message})


class App:
    """The classroom web application (sessions live in memory, logs on disk)."""

    def __init__(
        self,
        scenario: str | None = None,
        overrides: list[str] | None = None,
        *,
        key: str | None = None,
        logdir: str | Path = "outputs/classroom",
        baseline_runs: int = 20,
    ):
        from sim.scenario.config import scenario_names

        self.overrides = [o for o in (overrides or []) if not o.startswith("scenario=")]
        names = scenario_names()
        self.default_scenario = scenario or (names[0] if names else None)
        self.key = key or secrets.token_urlsafe(12)
        self.logdir = Path(logdir)
        self.baseline_runs = baseline_runs
        self.sessions: dict[str, Session] = {}
        self.tokens: dict[str, tuple[Session, str | None]] = {}
        self.lock = threading.Lock()
        self.compose_lock = threading.Lock()
        self._scenarios: list[dict] | None = None
        self._reports: dict[tuple, str] = {}
        self.static = {p.name: p for p in STATIC.iterdir() if p.is_file()}

    # --- plumbing ----------------------------------------------------------------------------

    def __call__(self, method: str, target: str, headers: dict, body: bytes = b"") -> Response:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        try:
            status, hdrs, out = self.route(method, path, query, _lower(headers), body)
        except AccessError as exc:
            status, hdrs, out = _error(exc.status, exc.message)
        except ConfigError as exc:
            status, hdrs, out = _error(400, exc.line())
        except Exception as exc:  # a bug: answer, and leave the traceback on the console
            import traceback

            traceback.print_exc()
            status, hdrs, out = _error(500, f"internal error: {type(exc).__name__}: {exc}")
        hdrs = {
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            **hdrs,
        }
        return status, hdrs, out

    def route(self, method, path, query, headers, body) -> Response:
        if method == "GET" and path in ("/", "/index.html"):
            return self._static("index.html")
        if method == "GET" and path.startswith("/static/"):
            return self._static(path[len("/static/") :])
        if method == "GET" and path == "/favicon.ico":
            return 204, {}, b""
        if not path.startswith("/api/"):
            return _error(404, f"no page {path}")
        name = path[len("/api/") :]
        data = self._body(body) if method == "POST" else {}
        if name == "health" and method == "GET":
            return _json(200, {"ok": True})
        if name == "scenarios" and method == "GET":
            return _json(200, {"scenarios": self.scenarios(), "default": self.default_scenario})
        if name == "session" and method == "POST":
            return self.open_session(headers, data)
        if name == "join" and method == "POST":
            return self.join(data)
        session, actor = self.identify(headers, query)
        if name == "state" and method == "GET":
            since = query.get("since", [None])[0]
            with session.lock:
                session.check_deadline()
                if since is not None and since == str(session.version):
                    return _json(
                        200,
                        {
                            "unchanged": True,
                            "version": session.version,
                            "deadline_left": session.deadline_left(),
                        },
                    )
                return _json(200, session.view(actor))
        if name == "move" and method == "POST":
            if actor is None:
                raise forbidden("the instructor has no seat: moves come from the teams' join codes")
            claimed = data.get("actor")
            if claimed not in (None, "", actor):
                raise forbidden(
                    f"this code is for {session.names[actor]}: it cannot act for "
                    f"{session.names.get(claimed, claimed)}"
                )
            return _json(200, session.submit(actor, data.get("row")))
        if name == "report" and method == "GET":
            if actor is not None and not session.over:
                raise forbidden("the debrief report is available to teams once the game is over")
            return self.report(session)
        if name in INSTRUCTOR_ONLY:
            if actor is not None:
                raise forbidden(
                    f"only the instructor can {INSTRUCTOR_ONLY[name]}; "
                    f"this code is for the {session.names[actor]} team"
                )
            if name == "log" and method == "GET":
                return (
                    200,
                    {
                        "Content-Type": "application/x-ndjson; charset=utf-8",
                        "Content-Disposition": f'attachment; filename="session_{session.id}.jsonl"',
                    },
                    session.log.text().encode(),
                )
            if method != "POST":
                return _error(405, f"/api/{name} takes POST")
            return self.control(session, name, data)
        return _error(404, f"no API endpoint {method} /api/{name}")

    def _body(self, body: bytes) -> dict:
        if not body:
            return {}
        if len(body) > MAX_BODY:
            raise bad_request("request too large")
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise bad_request("the request body must be JSON") from None
        if not isinstance(data, dict):
            raise bad_request("the request body must be a JSON object")
        return data

    def _static(self, name: str) -> Response:
        p = self.static.get(name)
        if p is None:
            return _error(404, f"no file {name}")
        ctype = (
            {
                ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8",
                ".html": "text/html; charset=utf-8",
                ".svg": "image/svg+xml",
            }.get(Path(name).suffix)
            or mimetypes.guess_type(name)[0]
            or "application/octet-stream"
        )
        return 200, {"Content-Type": ctype, "Cache-Control": "no-cache"}, p.read_bytes()

    # --- sessions ----------------------------------------------------------------------------

    def identify(self, headers: dict, query: dict) -> tuple[Session, str | None]:
        token = headers.get("x-token") or ""
        if not token and headers.get("authorization", "").lower().startswith("bearer "):
            token = headers["authorization"][7:].strip()
        if not token:
            raise unauthorized("no code given: join with the code your instructor gave you")
        found = self.tokens.get(token)
        if found is None:
            shown = token if len(token) <= 24 else token[:21] + "..."
            raise unauthorized(
                f"unknown code '{shown}': check the code your instructor gave you "
                "(codes are case-sensitive)"
            )
        return found

    def compose(self, scenario: str, extra: list[str] = ()) -> dict:
        from sim.scenario.config import compose

        with self.compose_lock:
            return compose([f"scenario={scenario}", *self.overrides, *extra])

    def scenarios(self) -> list[dict]:
        if self._scenarios is None:
            from sim.record.run import display_names
            from sim.scenario.config import scenario_names
            from sim.scenario.schema import validate

            out = []
            for name in scenario_names():
                try:
                    cfg = validate(self.compose(name))
                except ConfigError:
                    continue
                names = display_names(cfg)
                out.append(
                    {
                        "name": name,
                        "title": cfg.title or name,
                        "description": cfg.description,
                        "window": [cfg.window.start, cfg.window.end],
                        "seed": cfg.seed,
                        "actors": [
                            {"id": a, "name": names[a], "factions": list(cfg.actors[a].factions)}
                            for a in cfg.actor_ids
                        ],
                    }
                )
            self._scenarios = out
        return self._scenarios

    def open_session(self, headers: dict, data: dict) -> Response:
        key = headers.get("x-key") or data.get("key") or ""
        if not secrets.compare_digest(str(key), self.key):
            raise forbidden(
                "only the instructor can open a session: use the instructor address "
                "printed when the server started"
            )
        scenario = data.get("scenario") or self.default_scenario
        valid = [s["name"] for s in self.scenarios()]
        if scenario not in valid:
            raise bad_request(f"unknown scenario {scenario!r}; valid: {', '.join(valid)}")
        extra = []
        if data.get("seed") not in (None, ""):
            try:
                seed = int(data["seed"])
            except (TypeError, ValueError):
                raise bad_request("seed must be a whole number") from None
            if seed < 0:
                raise bad_request("seed must be >= 0")
            extra.append(f"seed={seed}")
        raw = self.compose(scenario, extra)
        deadline = data.get("deadline")
        try:
            deadline = float(deadline) if deadline not in (None, "") else None
        except (TypeError, ValueError):
            raise bad_request("deadline must be a number of seconds (0 for none)") from None
        seats = data.get("seats") or []
        if not isinstance(seats, list):
            raise bad_request("seats must be a list of actor ids")
        sid = secrets.token_hex(4)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        log_path = self.logdir / f"{stamp}_{scenario}_{sid}" / "session.jsonl"
        session = Session(
            raw,
            seats,
            advice=bool(data.get("advice", True)),
            deadline=deadline,
            log_path=log_path,
            session_id=sid,
        )
        with self.lock:
            self.sessions[session.id] = session
            self.tokens[session.instructor_token] = (session, None)
            for a, seat in session.seats.items():
                self.tokens[seat.code] = (session, a)
        return _json(
            200,
            {
                "session": session.id,
                "token": session.instructor_token,
                "codes": {a: s.code for a, s in session.seats.items()},
                "log": str(log_path),
            },
        )

    def join(self, data: dict) -> Response:
        code = str(data.get("code") or "").strip()
        if not code:
            raise bad_request("enter the join code your instructor gave you")
        session, actor = self.identify({"x-token": code}, {})
        return _json(
            200,
            {
                "session": session.id,
                "role": "instructor" if actor is None else "seat",
                "actor": actor,
                "name": None if actor is None else session.names[actor],
                "token": code,
            },
        )

    def control(self, session: Session, name: str, data: dict) -> Response:
        if name == "step":
            return _json(200, session.advance())
        if name == "inject":
            preset = data.get("preset")
            eid = session.inject(str(preset), data)
            return _json(200, {"event": eid})
        if name == "weights":
            session.set_weights(str(data.get("actor")), data.get("weights") or {})
            return _json(200, {"ok": True})
        if name == "influence":
            session.set_influence(
                str(data.get("actor")), str(data.get("faction")), data.get("value")
            )
            return _json(200, {"ok": True})
        if name == "noise":
            session.set_temperature(data.get("value"))
            return _json(200, {"ok": True})
        if name == "end":
            session.end()
            return _json(200, {"ok": True})
        if name == "reset":
            session.reset(data.get("seed") if data.get("seed") not in (None, "") else None)
            return _json(200, {"ok": True})
        return _error(404, f"no control {name}")

    def report(self, session: Session) -> Response:
        from sim.report.debrief import debrief_data, debrief_html

        with session.lock:
            key = (session.id, session.version)
            results = session.results()
            records = list(session.log.records)
        html = self._reports.get(key)
        if html is None:
            html = debrief_html(debrief_data(results, records, baseline_runs=self.baseline_runs))
            self._reports = {key: html}  # the latest report only
        fname = f"debrief_{session.cfg.name}_{session.id}.html"
        return (
            200,
            {
                "Content-Type": "text/html; charset=utf-8",
                "Content-Disposition": f'attachment; filename="{fname}"',
            },
            html.encode(),
        )


def _lower(headers) -> dict:
    return {str(k).lower(): str(v) for k, v in dict(headers or {}).items()}


# --- HTTP ---------------------------------------------------------------------------------------


def make_handler(app: App):
    class Handler(BaseHTTPRequestHandler):
        server_version = "cardplay-classroom"
        protocol_version = "HTTP/1.1"

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length) if length else b""
            status, headers, out = app(method, self.path, dict(self.headers.items()), body)
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            except (BrokenPipeError, ConnectionResetError):  # the browser went away
                self.close_connection = True

        def do_GET(self):  # noqa: N802 - the http.server API
            self._serve("GET")

        def do_POST(self):  # noqa: N802
            self._serve("POST")

        def log_message(self, format, *args):  # noqa: A002 - quiet by default
            pass

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return  # a client that hung up: nothing to report
        super().handle_error(request, client_address)


def make_server(app: App, host: str = "127.0.0.1", port: int = 8765) -> Server:
    """Bind the app to ``host:port`` (port 0: any free port); ConfigError if it cannot."""
    try:
        return Server((host, port), make_handler(app))
    except OSError as exc:
        if port and exc.errno in (98, 48, 10048):  # address in use (Linux, macOS, Windows)
            raise ConfigError(
                "port", port, "a free port (this one is in use); port=0 picks one"
            ) from None
        raise ConfigError(
            "host", f"{host}:{port}", f"an address this machine can serve ({exc.strerror})"
        ) from None


def serve_in_thread(app: App, host: str = "127.0.0.1", port: int = 0) -> tuple[Server, str]:
    """Start a server in a daemon thread (tests, notebooks); returns it and its base URL."""
    server = make_server(app, host, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    h, p = server.server_address[:2]
    return server, f"http://{h}:{p}"


def _lan_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # no packet is sent (UDP connect)
            return s.getsockname()[0]
    except OSError:
        return None


def cmd_classroom(args: list[str]) -> int:
    """``cardplay classroom [scenario=...] [host=127.0.0.1] [port=8765] [overrides]``."""
    from sim.scenario.options import checked_config, pop_option

    overrides = list(args)
    host = pop_option(overrides, "host", "127.0.0.1", str)
    port = pop_option(overrides, "port", 8765, int)
    if not 0 <= port <= 65535:
        raise ConfigError("port", port, "a port number 0..65535 (0 picks a free one)")
    logdir = pop_option(overrides, "logdir", None, str)
    key = pop_option(overrides, "key", None, str)
    baseline = pop_option(overrides, "baseline_runs", 20, int)
    if baseline < 1:
        raise ConfigError("baseline_runs", baseline, "a whole number >= 1")
    raw, cfg = checked_config(overrides)  # one-line error and exit 2 on bad input
    app = App(
        cfg.name,
        overrides,
        key=key,
        logdir=logdir or Path(cfg.output.dir) / "classroom",
        baseline_runs=baseline,
    )
    server = make_server(app, host, port)
    h, p = server.server_address[:2]
    shown = "127.0.0.1" if h in ("0.0.0.0", "") else h
    base = f"http://{shown}:{p}/"
    print(
        f"cardplay classroom: {len(app.scenarios())} scenario(s), default {cfg.title or cfg.name}"
    )
    print(f"  instructor (keep private): {base}#key={app.key}")
    print(f"  teams join at:             {base}")
    if h in ("0.0.0.0", ""):
        lan = _lan_address()
        if lan:
            print(f"  on the local network:      http://{lan}:{p}/")
    print(f"  session logs:              {app.logdir}/")
    print("  press Ctrl+C to stop")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("classroom stopped")
    finally:
        server.server_close()
    return 0
