"""The control cell: the instructor's levers on a running game (inject an event, forbid a
move, change weights, faction influence and noise), their checks, and a turn's
bookkeeping, for :class:`~sim.classroom.session.Session`.

Each check turns what an instructor sent into the clean values the model takes, or
refuses it with one line naming the value and what is valid (HTTP 400). Each lever
changes the model (:class:`~sim.model.model.CardModel`'s own methods), then logs what it
did, so that a replay of the log makes the same change.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.classroom.errors import bad_request
from sim.classroom.presets import custom_spec, preset_spec
from sim.classroom.sessionlog import now_iso
from sim.model.dynamics import public_relation
from sim.model.interest import INTEREST_NAMES
from sim.report.words import action_text
from sim.scenario.errors import ConfigError
from sim.scenario.schema import MOVES

if TYPE_CHECKING:
    from sim.classroom.session import Session


class ControlCell:
    """The levers, mixed into the Session (they use its lock, model, names and log)."""

    def _control(self, record: dict) -> None:
        """Log a control-cell change already made to the model, and tell everyone."""
        self.log.write({"step": self.model.t, **record, "time": now_iso()})
        self._changed(model=True)

    def inject(self, preset: str, params: dict) -> str:
        """Apply a control-cell event now; returns its event id."""
        with self.lock:
            self._require_open()
            m = self.model
            if preset == "custom":
                spec = custom_spec(params.get("spec"), self.id)
            else:
                spec = preset_spec(preset, params, self.names, self.id, list(m.ids))
            eid = f"inject_{self.injects + 1}_{preset}"
            try:
                m.inject(eid, spec)
            except ConfigError as exc:
                raise bad_request(exc.line()) from None
            self.injects += 1
            params = {k: v for k, v in params.items() if k != "spec"}
            record = {"type": "inject", "date": m.dates[m.t], "event": eid, "preset": preset}
            self._control({**record, "params": params, "spec": spec})
            return eid

    def forbid(self, actor: str, move: str, target: str | None = None) -> dict:
        """Take a move away from an actor from now on (optionally toward one target)."""
        with self.lock:
            self._require_open()
            entry = check_forbid(self, actor, move, target)
            try:
                self.model.forbid(actor, move, target or None)
            except ConfigError as exc:
                raise bad_request(exc.line()) from None
            self.forbids.append(entry)
            self._control({"type": "forbid", "actor": actor, "move": move, "target": target})
            return entry

    def set_weights(self, actor: str, weights: dict) -> None:
        with self.lock:
            self._require_open()
            clean = check_weights(self, actor, weights)
            self.model.set_weights(actor, clean)
            self._control({"type": "weights", "actor": actor, "weights": clean})

    def set_influence(self, actor: str, faction: str, value) -> None:
        with self.lock:
            self._require_open()
            v = check_influence(self, actor, faction, value)
            self.model.set_influence(actor, faction, v)
            self._control({"type": "influence", "actor": actor, "faction": faction, "value": v})

    def set_temperature(self, value) -> None:
        with self.lock:
            self._require_open()
            v = number(value, "noise (temperature)", "a number in (0, 10]")
            try:
                self.model.set_temperature(v)
            except ConfigError as exc:
                raise bad_request(exc.line()) from None
            self._control({"type": "temperature", "value": v})


def pair_list(ids: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]


def number(value, what: str, valid: str) -> float:
    """A finite number (not a bool, not a string), or a 400 naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise bad_request(f"{what} {value!r} must be {valid}")
    return float(value)


def _actor(session: Session, actor) -> str:
    if actor not in session.model.index:
        valid = ", ".join(session.model.ids)
        raise bad_request(f"unknown actor {actor!r}; valid: {valid}")
    return actor


def check_weights(session: Session, actor, weights) -> dict[str, float]:
    m = session.model
    _actor(session, actor)
    if not isinstance(weights, dict) or not weights:
        raise bad_request("weights: give at least one interest and its weight in [0, 1]")
    clean = {}
    for k, v in weights.items():
        if k not in INTEREST_NAMES:
            raise bad_request(f"unknown interest {k!r}; valid: {', '.join(INTEREST_NAMES)}")
        v = number(v, f"weight {k}", "a number in [0, 1]")
        if not 0 <= v <= 1:
            raise bad_request(f"weight {k} = {v} must be in [0, 1]")
        clean[k] = v
    base = {**m.factions[m.index[actor]].base, **clean}
    if sum(base.values()) <= 0:
        raise bad_request("at least one weight must stay above 0")
    return clean


def check_influence(session: Session, actor, faction, value) -> float:
    m = session.model
    _actor(session, actor)
    f = m.factions[m.index[actor]]
    if faction not in f.names:
        valid = ", ".join(f.names) or "none"
        raise bad_request(f"{actor} has no faction {faction!r}; valid: {valid}")
    v = number(value, "influence", "a number in [0.01, 0.99]")
    if not 0.01 <= v <= 0.99:
        raise bad_request(f"influence {v} must be in [0.01, 0.99]")
    return v


def check_forbid(session: Session, actor, move, target) -> dict:
    """The forbidden move as the control cell shows it (the model checks it again)."""
    _actor(session, actor)
    if move not in MOVES[1:]:
        raise bad_request(f"unknown move {move!r}; valid: {', '.join(MOVES[1:])}")
    if target not in (None, ""):
        _actor(session, target)
        if target == actor:
            raise bad_request("an actor's move toward itself cannot be forbidden")
    return forbid_entry({"actor": actor, "move": move, "target": target}, session.names)


def forbid_entry(record: dict, names: dict[str, str] | None = None) -> dict:
    names = names or {}
    a, move, target = record["actor"], record["move"], record.get("target") or ""
    toward = action_text(move, target, names) if target else f"{move.replace('_', ' ')} (any)"
    return {"actor": a, "move": move, "target": target, "text": f"{names.get(a, a)}: {toward}"}


def team_choices(session: Session) -> tuple[dict[str, int], dict[str, dict], list[str]]:
    """The teams' moves this turn: (actor -> row, what each chose against the advice,
    the teams whose move is no longer open, e.g. after an inject or a forbidden move)."""
    choices: dict[str, int] = {}
    seat_moves: dict[str, dict] = {}
    dropped = []
    for a, s in session.seats.items():
        if s.move is None:
            continue
        opts = {o["row"]: o for o in session.options(a)}
        if s.move not in opts:  # the control cell changed what is open: the model plays
            dropped.append(a)
            continue
        o = opts[s.move]
        best = min(opts.values(), key=lambda q: q["rank"])
        choices[a] = s.move
        seat_moves[a] = {
            "row": s.move,
            "action": o["action"],
            "target": o["target"],
            "value": o["value"],
            "rank": o["rank"],
            "options": len(opts),
            "best_action": best["action"],
            "best_target": best["target"],
            "best_value": best["value"],
        }
    return choices, seat_moves, dropped


def outcome(session: Session) -> dict:
    """The public relations and every actor's move of the step just resolved."""
    m = session.model
    rel = public_relation(m.x, m.layout, session.cfg.mechanics.channel_weight)
    ix = m.index
    moves = {}
    for a, (c, _) in zip(m.ids, m.last_choice, strict=True):
        kind, _, tgt = m.menu.label(c)
        moves[a] = {"action": kind, "target": "" if kind == "hold" else m.ids[tgt]}
    relations = {
        f"{a}-{b}": round(float(rel[ix[a], ix[b]]) * 10, 4) for a, b in pair_list(list(m.ids))
    }
    return {"relations": relations, "moves": moves}
