"""A classroom session: one game of a scenario, seats for student teams, a control cell.

The instructor opens a :class:`Session` and receives an instructor token, a board
token (the projector's read-only view) and one join code per seat
(``secrets.token_urlsafe``). A turn runs:

1. the model opens the step (its date's scenario events fire);
2. each team submits its move for its seat (until the optional deadline);
3. the instructor advances: the model draws moves for every other actor, and
   for any team that has not moved, and the relations react.

Everything that changes the game (the opening configuration, each team's move,
injects, forbidden moves, weight, influence and noise changes, every step's outcome
with a hash of the model state, the end) is written as one JSON object per line
(:mod:`sim.classroom.sessionlog`) before anyone is told. Replaying those lines
(:mod:`sim.classroom.replay`) gives the identical game: :meth:`Session.resume` is how
a restarted server carries on. The session's version is the number of records, so a
resumed session has the version it had.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.classroom import control, views
from sim.classroom.errors import bad_request, conflict, forbidden
from sim.classroom.replay import ENDINGS, adopt, load, replay
from sim.classroom.sessionlog import (
    LOG_VERSION,
    SessionLog,
    config_dump,
    now_iso,
    state_hash,
)
from sim.model.model import CardModel
from sim.record.run import Recorder, display_names
from sim.scenario.errors import ConfigError
from sim.scenario.schema import RunConfig, validate

BOARD = "*board*"  # the projector's viewer: sees what every participant may see


@dataclass
class Seat:
    actor: str
    code: str
    move: int | None = None
    late: bool = False  # the deadline passed before the team moved: the model plays


class Session(control.ControlCell):
    """One classroom game: a live model, its seats and its log."""

    def __init__(
        self,
        raw_config: dict,
        seats: list[str] = (),
        *,
        advice: bool = True,
        deadline: float | None = None,
        log_path: Path | None = None,
        session_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        cfg = validate(dict(raw_config))
        seats = list(dict.fromkeys(seats))
        for a in seats:
            if a not in cfg.actors:
                raise ConfigError("seats", a, "actors of the scenario: " + ", ".join(cfg.actors))
        if deadline is not None:
            deadline = float(deadline)
            if not 0 < deadline < float("inf"):
                deadline = None
        self._setup(
            session_id or secrets.token_hex(4),
            {a: secrets.token_urlsafe(9) for a in seats},
            advice=bool(advice),
            deadline=deadline,
            log=SessionLog(log_path),
            clock=clock,
        )
        self.instructor_token = secrets.token_urlsafe(18)
        self.board_token = secrets.token_urlsafe(12)
        self._start(cfg, "open")

    def _setup(self, sid, codes, *, advice, deadline, log, clock) -> None:
        self.id = sid
        self.lock = threading.RLock()
        self.clock = clock
        self.advice = advice
        self.deadline = deadline
        self.seats = {a: Seat(a, code) for a, code in codes.items()}
        self.log = log
        self.listeners: list[Callable[[], None]] = []  # told after every change
        self.model_version = 0  # changes when the model does (not on a team's move)
        self._cache: dict = {}  # views of this version
        self._log_cache: dict = {}  # the narrated log, while no step or event changes it
        self._options: dict = {}  # each seat's options, while the model does not change

    @property
    def version(self) -> int:
        """Changes with every change: the number of records in the log."""
        return len(self.log.records)

    def access(self) -> dict:
        """The session's codes (for its access file)."""
        return {
            "session": self.id,
            "instructor": self.instructor_token,
            "board": self.board_token,
            "seats": {a: s.code for a, s in self.seats.items()},
        }

    # --- lifecycle ---------------------------------------------------------------------------

    def _start(self, cfg: RunConfig, kind: str) -> None:
        from sim.record.provenance import config_hash

        self._adopt_config(cfg, CardModel(cfg))
        self.rec = Recorder(self.model)
        self.rec.record()
        self.log.write(
            {
                "type": kind,
                "log_version": LOG_VERSION,
                "session": self.id,
                "time": now_iso(),
                "scenario": cfg.name,
                "title": cfg.title,
                "seed": cfg.seed,
                "seats": list(self.seats),
                "advice": self.advice,
                "deadline": self.deadline,
                "config": config_dump(cfg),
                "config_hash": config_hash(cfg, with_seed=True),
            }
        )
        self._begin()

    def _adopt_config(self, cfg: RunConfig, model: CardModel) -> None:
        self.cfg = cfg
        self.names = display_names(cfg)
        self.model = model
        self.over: str | None = None
        self.injects = 0
        self.forbids: list[dict] = []
        self.team_steps: dict[int, dict[str, int]] = {}  # step -> {actor: row} chosen by teams
        self.late_steps: dict[int, list[str]] = {}

    def _begin(self) -> None:
        m = self.model
        m.begin_turn()
        for s in self.seats.values():
            s.move = None
            s.late = False
        self._open_turn(self.deadline)
        fired = [e for t, e in m.log if t == m.t]
        self.log.write(
            {"type": "turn", "step": m.t, "date": m.dates[m.t], "events": fired, "time": now_iso()}
        )
        self._changed(model=True)

    def _open_turn(self, left: float | None) -> None:
        self.turn_started = self.clock()
        self.deadline_at = self.turn_started + left if left is not None else None

    def _changed(self, model: bool = False) -> None:
        if model:
            self.model_version += 1
        self._cache.clear()
        for tell in list(self.listeners):
            tell()

    def _require_open(self) -> None:
        if self.over:
            raise conflict(f"the game is over ({self.over}); open a new session or reset")

    def check_deadline(self) -> None:
        """Mark teams that missed the turn's deadline (the model plays for them)."""
        with self.lock:
            if self.over or self.deadline_at is None or self.clock() < self.deadline_at:
                return
            late = [a for a, s in self.seats.items() if s.move is None and not s.late]
            if not late:
                return
            for a in late:
                self.seats[a].late = True
            self.log.write(
                {"type": "deadline", "step": self.model.t, "late": late, "time": now_iso()}
            )
            self._changed()

    def deadline_left(self) -> float | None:
        if self.deadline_at is None or self.over:
            return None
        return max(0.0, self.deadline_at - self.clock())

    # --- resuming from the log ----------------------------------------------------------------

    @classmethod
    def resume(
        cls, log_path: Path, access: dict, clock: Callable[[], float] = time.monotonic
    ) -> Session:
        """The session a log recorded, as it was after its last record (the log is replayed
        and every step's state hash checked; nothing is written)."""
        records = load(log_path)
        game = replay(records)
        opening = game.opening
        self = cls.__new__(cls)
        seats = list(opening.get("seats") or [])
        if set(seats) != set(access["seats"]):
            raise ConfigError("access.json", sorted(access["seats"]), f"the seats {seats}")
        self._setup(
            access["session"],
            {a: access["seats"][a] for a in seats},
            advice=bool(opening.get("advice", True)),
            deadline=opening.get("deadline"),
            log=SessionLog(log_path, records),
            clock=clock,
        )
        self.instructor_token = access["instructor"]
        self.board_token = access["board"]
        adopt(self, game)
        return self

    # --- seats -------------------------------------------------------------------------------

    def options(self, actor: str) -> list[dict]:
        """The actor's moves now, with plain words, value (advice) and rank by value."""
        if self._options.get("version") != self.model_version:
            self._options = {"version": self.model_version}
        if actor not in self._options:
            self._options[actor] = views.options(self, actor)
        return self._options[actor]

    def submit(self, actor: str, row: int) -> dict:
        """A team's move for its seat this turn (it may change it until the turn resolves)."""
        with self.lock:
            self.check_deadline()
            self._require_open()
            seat = self.seats.get(actor)
            if seat is None:
                raise forbidden(f"{actor} is not a seat in this session")
            if seat.late:
                raise conflict(
                    "the deadline for this turn has passed: the model plays for "
                    f"{self.names[actor]} this turn"
                )
            if isinstance(row, bool) or not isinstance(row, int):
                raise bad_request(f"move {row!r} is not a menu row number")
            opts = {o["row"]: o for o in self.options(actor)}
            if row not in opts:
                raise bad_request(
                    f"move {row} is not one of {self.names[actor]}'s options this turn"
                )
            seat.move = row
            o = opts[row]
            self.log.write(
                {
                    "type": "move",
                    "step": self.model.t,
                    "actor": actor,
                    "row": row,
                    "action": o["action"],
                    "target": o["target"],
                    "time": now_iso(),
                }
            )
            self._changed()
            return {"actor": actor, "row": row, "text": o["text"]}

    # --- the instructor ------------------------------------------------------------------------

    def advance(self) -> dict:
        """Resolve the turn (teams' moves, the model for everyone else) and open the next."""
        with self.lock:
            self.check_deadline()
            self._require_open()
            m = self.model
            t = m.t
            choices, seat_moves, dropped = control.team_choices(self)
            model_played = [a for a in self.seats if a not in choices]
            m.resolve_turn(choices)
            self.rec.record()
            self.team_steps[t] = dict(choices)
            self.late_steps[t] = model_played
            self.log.write(
                {
                    "type": "resolve",
                    "step": t,
                    "date": m.dates[t],
                    "choices": choices,
                    "model_played": model_played,
                    "dropped": dropped,
                    "seat_moves": seat_moves,
                    "outcome": {"hash": state_hash(m), **control.outcome(self)},
                    "time": now_iso(),
                }
            )
            if not m.running:
                self.over = ENDINGS["window"]
                self.log.write({"type": "end", "step": t, "reason": "window", "time": now_iso()})
                self._changed(model=True)
            else:
                self._begin()
            return {"step": t, "date": m.dates[t], "over": bool(self.over)}

    def end(self) -> None:
        with self.lock:
            self._require_open()
            self.over = ENDINGS["instructor"]
            self._control({"type": "end", "reason": "instructor"})

    def reset(self, seed: int | None = None) -> None:
        """Start the game again (same scenario, pace and seats; optionally a new seed).

        A reset drops injects, forbidden moves and weight changes: back to the scenario
        as opened."""
        with self.lock:
            first = next(r for r in self.log.records if r["type"] == "open")
            raw = dict(first["config"])
            if seed is not None:
                if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
                    raise bad_request(f"seed {seed!r} must be a whole number >= 0")
                raw["seed"] = seed
            try:
                cfg = validate(raw)
            except ConfigError as exc:
                raise bad_request(exc.line()) from None
            self._start(cfg, "reset")

    # --- views ---------------------------------------------------------------------------------

    def results(self):
        with self.lock:
            return self.rec.results()

    def view(self, viewer: str | None) -> dict:
        """The state a participant sees: ``viewer`` a seat's actor, :data:`BOARD` (the
        projector) or None (the instructor)."""
        with self.lock:
            self.check_deadline()
            out = dict(self._built(viewer)[0])
            out["deadline_left"] = self.deadline_left()
            return out

    def view_json(self, viewer: str | None) -> tuple[int, str]:
        """(version, the view as JSON without ``deadline_left``), built once per version."""
        with self.lock:
            self.check_deadline()
            return self.version, self._built(viewer)[1]

    def _built(self, viewer: str | None) -> tuple[dict, str]:
        import json

        key = ("view", viewer)
        if key not in self._cache:
            data = views.build(self, viewer)
            self._cache[key] = (data, json.dumps(data, allow_nan=False, separators=(",", ":")))
        return self._cache[key]
