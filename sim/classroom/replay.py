"""Replaying a classroom session log: the same records give the same game.

A session log (JSON lines, :mod:`sim.classroom.sessionlog`) holds the opening
configuration and, in order, every change a person made: injects, forbidden moves,
weight, influence and noise changes, and at each step the moves the teams chose. The
model draws its own moves from the seed, one random number per actor per step
whether or not a team overrules it, so replaying the records reproduces every
step. Each step's logged state hash is checked; a mismatch raises
:class:`ReplayError`.

Only the last game of a log is returned (a ``reset`` record starts a new one). A
restarted classroom server resumes a session this way: :func:`adopt` hands a replayed
game to a :class:`~sim.classroom.session.Session` with what the records say of its seats,
its control cell and the turn in progress (:meth:`~sim.classroom.session.Session.resume`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sim.classroom.control import forbid_entry
from sim.classroom.sessionlog import state_hash
from sim.model.model import CardModel
from sim.record.run import Recorder
from sim.scenario.errors import ConfigError
from sim.scenario.schema import validate

if TYPE_CHECKING:
    from sim.classroom.session import Session

ENDINGS = {"instructor": "ended by the instructor", "window": "the window's end"}


class ReplayError(RuntimeError):
    """The log does not replay to the outcomes it recorded."""


@dataclass
class Replayed:
    """A replayed game: the model, its recorder, its Results and what the log said."""

    model: CardModel
    recorder: Recorder
    records: list[dict]  # the records of the returned game (from its open/reset)
    hashes: list[str] = field(default_factory=list)  # state hash after each resolved step
    ended: str | None = None

    @property
    def results(self):
        return self.recorder.results()

    @property
    def opening(self) -> dict:
        return self.records[0]


def load(path: str | Path) -> list[dict]:
    """The records of a session log file (one JSON object per line)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("log", str(path), "a session log file (session.jsonl)")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            raise ConfigError(f"{path.name}:{n}", line[:40], "one JSON object per line") from None
        if not isinstance(rec, dict) or "type" not in rec:
            raise ConfigError(f"{path.name}:{n}", line[:40], "a record with a 'type'")
        out.append(rec)
    if not out or out[0]["type"] != "open":
        raise ConfigError("log", str(path), "a session log starting with an 'open' record")
    return out


def replay(records: list[dict] | str | Path, *, check: bool = True) -> Replayed:
    """Re-run a session from its records; with ``check``, verify every step's state hash."""
    if not isinstance(records, list):
        records = load(records)
    game: Replayed | None = None
    for n, r in enumerate(records):
        kind = r["type"]
        if kind in ("open", "reset"):
            cfg = validate(dict(r["config"]))
            model = CardModel(cfg)
            rec = Recorder(model)
            rec.record()
            model.begin_turn()
            game = Replayed(model, rec, [r])
            continue
        if game is None:
            raise ReplayError(f"record {n} ({kind}) comes before the session was opened")
        game.records.append(r)
        m = game.model
        if kind in ("turn", "move", "deadline"):
            if "step" in r and r["step"] != m.t:
                raise ReplayError(f"record {n} ({kind}) is for step {r['step']}, model at {m.t}")
            continue
        if kind == "weights":
            m.set_weights(r["actor"], r["weights"])
        elif kind == "influence":
            m.set_influence(r["actor"], r["faction"], r["value"])
        elif kind == "temperature":
            m.set_temperature(r["value"])
        elif kind == "inject":
            m.inject(r["event"], r["spec"])
        elif kind == "forbid":
            m.forbid(r["actor"], r["move"], r.get("target") or None)
        elif kind == "resolve":
            if r["step"] != m.t:
                raise ReplayError(f"resolve record {n} is for step {r['step']}, model at {m.t}")
            m.resolve_turn({a: int(row) for a, row in r["choices"].items()})
            game.recorder.record()
            h = state_hash(m)
            game.hashes.append(h)
            logged = (r.get("outcome") or {}).get("hash")
            if check and logged is not None and logged != h:
                raise ReplayError(
                    f"step {r['step']} ({r.get('date')}) replays to state {h}, log says {logged}"
                )
            if m.running:
                m.begin_turn()
        elif kind == "end":
            game.ended = r.get("reason", "ended")
        else:
            raise ReplayError(f"record {n}: unknown type {kind!r}")
    if game is None:
        raise ReplayError("no 'open' record in the log")
    return game


def adopt(session: Session, game: Replayed) -> None:
    """Take over a replayed game: its model and record, and what the records say of
    the seats, the control cell and the turn in progress."""
    session._adopt_config(game.model.cfg, game.model)
    session.rec = game.recorder
    session.model_version = 1
    turn_at = None
    for r in game.records:
        kind = r["type"]
        if kind == "turn":
            turn_at = r.get("time")
            for s in session.seats.values():
                s.move, s.late = None, False
        elif kind == "move" and r["actor"] in session.seats:
            session.seats[r["actor"]].move = int(r["row"])
        elif kind == "deadline":
            for a in r.get("late", []):
                if a in session.seats:
                    session.seats[a].late = True
        elif kind == "resolve":
            session.team_steps[r["step"]] = {a: int(v) for a, v in r["choices"].items()}
            session.late_steps[r["step"]] = list(r.get("model_played", []))
        elif kind == "inject":
            session.injects += 1
        elif kind == "forbid":
            session.forbids.append(forbid_entry(r, session.names))
    if game.ended:
        session.over = ENDINGS.get(game.ended, game.ended)
    left = None
    if session.deadline:  # the turn's deadline runs on from when the turn opened
        try:
            elapsed = (datetime.now(UTC) - datetime.fromisoformat(turn_at)).total_seconds()
        except (TypeError, ValueError):
            elapsed = 0.0
        left = max(0.0, session.deadline - max(0.0, elapsed))
    session._open_turn(left)
