"""The classroom's sessions and who may act in them, without HTTP.

Who may do what is decided by the token a request carries:

- the server key (printed at start) opens sessions and lists them (to re-enter one);
- a session's instructor token runs its game (the instructor link carries it in the
  URL fragment, so the instructor re-enters from any browser);
- its board token shows the projector's read-only view;
- a seat's join code submits that seat's moves, and nothing else.

Every session lives in its own folder under ``logdir``: its log and its access file.
A new :class:`Classroom` over the same ``logdir`` (a restarted server) knows every
session there and resumes one from its log the first time someone asks for it.
"""

from __future__ import annotations

import copy
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sim.classroom import pacing
from sim.classroom.bodies import Open
from sim.classroom.errors import AccessError, bad_request, conflict, forbidden, unauthorized
from sim.classroom.session import BOARD, Session
from sim.classroom.sessionlog import ACCESS_NAME, LOG_NAME, read_access, write_access
from sim.scenario.errors import ConfigError

ROLES = ("instructor", "seat", "board")


@dataclass(frozen=True)
class Who:
    """Who a token belongs to: a session and a role (and a seat's actor)."""

    session: str
    role: str
    actor: str | None = None

    @property
    def viewer(self) -> str | None:
        return {"instructor": None, "board": BOARD}.get(self.role, self.actor)


class Classroom:
    """Sessions by id, tokens to their holders, and the scenarios a class may play."""

    def __init__(
        self,
        scenario: str | None = None,
        overrides: list[str] | None = None,
        *,
        key: str | None = None,
        logdir: str | Path = "outputs/classroom",
    ):
        from sim.scenario.config import scenario_names

        self.overrides = [o for o in (overrides or []) if not o.startswith("scenario=")]
        names = scenario_names()
        self.default_scenario = scenario or (names[0] if names else None)
        self.key = key or secrets.token_urlsafe(12)
        self.logdir = Path(logdir)
        self.sessions: dict[str, Session] = {}
        self.folders: dict[str, Path] = {}
        self.tokens: dict[str, Who] = {}
        self.broken: dict[str, str] = {}  # session id -> why its log does not resume
        self.lock = threading.RLock()
        self._compose_lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._raw: dict[str, dict] = {}
        self._scenarios: list[dict] | None = None
        self.known = self.discover()

    # --- sessions on disk ----------------------------------------------------------------------

    def discover(self) -> int:
        """Register the codes of every session folder under ``logdir``; returns how many."""
        found = 0
        if not self.logdir.is_dir():
            return 0
        for access_file in sorted(self.logdir.glob(f"*/{ACCESS_NAME}")):
            folder = access_file.parent
            access = read_access(folder)
            if access is None or not (folder / LOG_NAME).is_file():
                continue
            self._register(access, folder)
            found += 1
        return found

    def _register(self, access: dict, folder: Path) -> None:
        sid = access["session"]
        with self.lock:
            self.folders[sid] = folder
            self.tokens[access["instructor"]] = Who(sid, "instructor")
            self.tokens[access["board"]] = Who(sid, "board")
            for actor, code in access["seats"].items():
                self.tokens[code] = Who(sid, "seat", actor)

    def session(self, sid: str) -> Session:
        """The live session (resumed from its log on first use after a restart)."""
        s = self.sessions.get(sid)
        if s is not None:
            return s
        with self.lock:
            loading = self._loading.setdefault(sid, threading.Lock())
        with loading:  # one replay per session, the others keep being served
            s = self.sessions.get(sid)
            if s is not None:
                return s
            if sid in self.broken:
                raise conflict(f"session {sid} cannot be resumed: {self.broken[sid]}")
            folder = self.folders.get(sid)
            if folder is None:
                raise unauthorized(f"no session {sid}")
            try:
                s = Session.resume(folder / LOG_NAME, read_access(folder) or {})
            except Exception as exc:  # a damaged log: say so, keep serving the others
                self.broken[sid] = f"{type(exc).__name__}: {exc}"
                print(f"classroom: session {sid} not resumed: {exc}", file=sys.stderr)
                raise conflict(f"session {sid} cannot be resumed: {self.broken[sid]}") from None
            with self.lock:
                self.sessions[sid] = s
            return s

    def identify(self, token: str) -> tuple[Session, Who]:
        if not token:
            raise unauthorized("no code given: join with the code your instructor gave you")
        who = self.tokens.get(token)
        if who is None:
            shown = token if len(token) <= 24 else token[:21] + "..."
            raise unauthorized(
                f"unknown code '{shown}': check the code your instructor gave you "
                "(codes are case-sensitive)"
            )
        return self.session(who.session), who

    def check_key(self, key: str) -> None:
        if not secrets.compare_digest(str(key).encode(), self.key.encode()):
            raise forbidden(
                "only the instructor can open or list sessions: use the instructor address "
                "printed when the server started"
            )

    def listing(self) -> list[dict]:
        """Every session in ``logdir``, newest first, with its instructor token (server key
        holders only): how an instructor re-enters after losing the link."""
        out = []
        for sid, folder in self.folders.items():
            access = read_access(folder) or {}
            head = _first_record(folder / LOG_NAME)
            live = self.sessions.get(sid)
            out.append(
                {
                    "session": sid,
                    "folder": folder.name,
                    "title": head.get("title") or head.get("scenario"),
                    "opened": head.get("time"),
                    "seats": head.get("seats", []),
                    "over": live.over if live else None,
                    "token": access.get("instructor"),
                }
            )
        return sorted(out, key=lambda r: r["folder"], reverse=True)

    # --- scenarios and opening -----------------------------------------------------------------

    def compose(self, scenario: str) -> dict:
        """The scenario's composed configuration (composed once, then copied)."""
        if scenario not in self._raw:
            from sim.scenario.config import compose

            with self._compose_lock:
                self._raw[scenario] = compose([f"scenario={scenario}", *self.overrides])
        return copy.deepcopy(self._raw[scenario])

    def scenarios(self) -> list[dict]:
        if self._scenarios is None:
            self._scenarios = [s for s in map(self._describe, _names()) if s]
        return self._scenarios

    def _describe(self, name: str) -> dict | None:
        from sim.record.run import display_names
        from sim.scenario.schema import validate

        try:
            cfg = validate(self.compose(name))
        except ConfigError:
            return None
        names = display_names(cfg)
        w = cfg.window
        suggested = cfg.classroom.pace_months if cfg.classroom else None
        return {
            "name": name,
            "title": cfg.title or name,
            "description": cfg.description,
            "window": [w.start, w.end],
            "seed": cfg.seed,
            "actors": [
                {"id": a, "name": names[a], "factions": list(cfg.actors[a].factions)}
                for a in cfg.actor_ids
            ],
            "pace": suggested or pacing.suggested(w.start, w.end),
            "pace_from_scenario": suggested is not None,
            "paces": pacing.options(w.start, w.end),
            "seconds_per_turn": pacing.SECONDS_PER_TURN,
            "play_minutes": pacing.PLAY_MINUTES,
        }

    def open_session(self, body: Open) -> Session:
        """A new session from a checked request (the key is checked here)."""
        self.check_key(body.key)
        scenario = body.scenario or self.default_scenario
        described = {s["name"]: s for s in self.scenarios()}
        if scenario not in described:
            raise bad_request(f"unknown scenario {scenario!r}; valid: {', '.join(described)}")
        ids = [a["id"] for a in described[scenario]["actors"]]
        for a in body.seats:
            if a not in ids:
                raise bad_request(
                    f"seat {a!r} is not an actor of {scenario}; valid: {', '.join(ids)}"
                )
        raw = self.compose(scenario)
        if body.seed is not None:
            raw["seed"] = body.seed
        raw["window"]["step_months"] = body.pace or described[scenario]["pace"]
        sid = secrets.token_hex(4)
        folder = self.logdir / f"{time.strftime('%Y%m%d-%H%M%S')}_{scenario}_{sid}"
        try:
            session = Session(
                raw,
                body.seats,
                advice=body.advice,
                deadline=body.deadline or None,
                log_path=folder / LOG_NAME,
                session_id=sid,
            )
        except ConfigError as exc:
            raise bad_request(exc.line()) from None
        write_access(folder, session.access())
        with self.lock:
            self.sessions[sid] = session
            self._register(session.access(), folder)
        return session

    def warm(self) -> None:
        """Load what a class's first request would (the scenarios, the compiled kernels,
        the plotting and narrative modules) by building every view of a throwaway game."""
        self.scenarios()
        if self.default_scenario:
            raw = self.compose(self.default_scenario)
            s = Session(raw, list(raw["actors"])[:1])  # in memory only: no folder, no log
            for viewer in (None, *s.seats, BOARD):
                s.view_json(viewer)

    def codes(self, session: Session) -> dict:
        """The links of a session (instructor only): its seats' join codes, the board's
        and the instructor's own re-entry link, as paths (the page puts the address it
        was reached at in front: behind a proxy, the proxy's)."""
        return {
            "seats": [
                {
                    "actor": a,
                    "name": session.names[a],
                    "code": s.code,
                    "link": f"/#code={s.code}",
                }
                for a, s in session.seats.items()
            ],
            "board": f"/board#code={session.board_token}",
            "instructor": f"/#code={session.instructor_token}",
        }


def _names() -> list[str]:
    from sim.scenario.config import scenario_names

    return scenario_names()


def _first_record(path: Path) -> dict:
    import json

    try:
        with path.open(encoding="utf-8") as fh:
            rec = json.loads(fh.readline())
        return rec if isinstance(rec, dict) else {}
    except (OSError, ValueError):
        return {}


__all__ = ["AccessError", "Classroom", "ROLES", "Who"]
