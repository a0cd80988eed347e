"""A classroom session: one game of a scenario, seats for student teams, a control cell.

The instructor opens a :class:`Session` and receives an instructor token and one
join code per seat (``secrets.token_urlsafe``). A turn runs:

1. the model opens the step (its date's scenario events fire);
2. each team submits its move for its seat (until the optional deadline);
3. the instructor advances: the model draws moves for every other actor, and
   for any team that has not moved, and the relations react.

Everything that changes the game (the opening configuration, each team's move,
injects, weight, influence and noise changes, every step's outcome with a hash
of the model state, the end) is written as one JSON object per line. Replaying
those lines (:mod:`sim.classroom.replay`) gives the identical game.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sim.model.dynamics import public_relation, working_channel
from sim.model.interest import INTEREST_NAMES
from sim.model.model import CardModel
from sim.model.state import RECOGNITION_NAMES
from sim.model.triangle import CONFIGURATIONS, ROLES, classify, triads
from sim.record.run import Recorder, display_names
from sim.report.words import action_text, move_text
from sim.scenario.errors import ConfigError
from sim.scenario.schema import RunConfig, validate

LOG_VERSION = 1


class AccessError(Exception):
    """A request the session refuses: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)


def unauthorized(msg: str) -> AccessError:
    return AccessError(401, msg)


def forbidden(msg: str) -> AccessError:
    return AccessError(403, msg)


def conflict(msg: str) -> AccessError:
    return AccessError(409, msg)


def bad_request(msg: str) -> AccessError:
    return AccessError(400, msg)


# --- plain words ------------------------------------------------------------------------

CONFIGURATION_WORDS = {
    "menage_a_trois": "ménage à trois (all three friendly)",
    "romantic_triangle": "romantic triangle (one pivot, two wings)",
    "stable_marriage": "stable marriage (two partners, one outcast)",
    "unit_veto": "unit veto (all three hostile)",
}


# --- control-cell presets ------------------------------------------------------------------

PRESETS: dict[str, dict] = {
    "clash": {
        "label": "Border clash",
        "help": "Armed clash between actor and target with casualties: both stances fall, "
        "hawks gain.",
        "needs": ["actor", "target"],
    },
    "sanctions": {
        "label": "Sanctions",
        "help": "Actor imposes export controls and sanctions on target; their trade shrinks.",
        "needs": ["actor", "target"],
    },
    "leak": {
        "label": "Press leak",
        "help": "The press reveals the actor's contacts with the target; the audience cools "
        "toward both.",
        "needs": ["actor", "target", "audience"],
    },
    "un_vote": {
        "label": "UN vote",
        "help": "A UN General Assembly vote goes for the actor and against the target: "
        "standing shifts between them.",
        "needs": ["actor", "target"],
    },
    "talks": {
        "label": "Talks open",
        "help": "A negotiating track opens between actor and target (doves gain).",
        "needs": ["actor", "target"],
    },
    "third_country_route": {
        "label": "Third-country route",
        "help": "Goods blocked between actor and target start flowing through third countries "
        "(sanctions leakage).",
        "needs": ["actor", "target"],
    },
}


def preset_spec(
    preset: str, params: dict, names: dict[str, str], session_id: str, ids: list[str]
) -> dict:
    """An event mapping (as in a scenario file, without its date) for a control-cell preset.

    ``params``: actor, target, (audience for a leak), strength in (0, 1].
    """
    if preset not in PRESETS:
        raise bad_request(f"unknown inject preset {preset!r}; valid: {', '.join(PRESETS)}")
    need = PRESETS[preset]["needs"]
    vals = {}
    for key in need:
        v = params.get(key)
        if v not in ids:
            raise bad_request(
                f"inject {preset}: {key} {v!r} is not an actor; valid: {', '.join(ids)}"
            )
        vals[key] = v
    if len(set(vals.values())) != len(vals):
        raise bad_request(f"inject {preset}: {', '.join(need)} must be different actors")
    try:
        s = float(params.get("strength", 0.5))
    except (TypeError, ValueError):
        raise bad_request("inject strength must be a number in (0, 1]") from None
    if not 0 < s <= 1:
        raise bad_request(f"inject strength {s} must be in (0, 1]")
    a, b = vals["actor"], vals["target"]
    A, B = names.get(a, a), names.get(b, b)
    if preset == "clash":
        effects = [
            {
                "type": "stance_shock",
                "actor": a,
                "target": b,
                "delta": round(-0.4 * s, 4),
                "mutual": True,
            },
            {"type": "casualties", "actors": [a, b], "level": round(s, 4)},
        ]
        text = f"Armed clash between {A} and {B}, with casualties."
    elif preset == "sanctions":
        effects = [
            {"type": "sanctions", "actor": a, "target": b, "level": round(s, 4)},
            {"type": "trade_shock", "actor": a, "target": b, "factor": round(1 - 0.6 * s, 4)},
            {
                "type": "stance_shock",
                "actor": b,
                "target": a,
                "delta": round(-0.15 * s, 4),
                "mutual": False,
            },
        ]
        text = f"{A} imposes sanctions and export controls on {B}."
    elif preset == "leak":
        c = vals["audience"]
        effects = [
            {
                "type": "stance_shock",
                "actor": c,
                "target": a,
                "delta": round(-0.3 * s, 4),
                "mutual": False,
            },
            {
                "type": "stance_shock",
                "actor": c,
                "target": b,
                "delta": round(-0.15 * s, 4),
                "mutual": False,
            },
        ]
        text = f"The press reveals contacts between {A} and {B}; {names.get(c, c)} takes it badly."
    elif preset == "un_vote":
        effects = [
            {"type": "standing", "actor": a, "delta": round(0.5 * s, 4)},
            {"type": "standing", "actor": b, "delta": round(-0.5 * s, 4)},
        ]
        text = f"A UN General Assembly vote goes for {A} and against {B}."
    elif preset == "talks":
        effects = [{"type": "talks", "actors": [a, b], "open": True}]
        text = f"{A} and {B} open negotiations."
    else:  # third_country_route
        effects = [{"type": "leakage", "actor": a, "target": b, "share": round(s, 4)}]
        text = f"Goods between {A} and {B} find routes through third countries."
    return {
        "label": f"{PRESETS[preset]['label']}: {A} / {B}",
        "kind": preset,
        "citation": f"classroom control-cell inject, session {session_id} (not historical)",
        "narrative": text,
        "effects": effects,
    }


# --- helpers --------------------------------------------------------------------------------


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def state_hash(model: CardModel) -> str:
    """A fingerprint of everything that carries the game forward."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(model.x, dtype=float).tobytes())
    for f in model.factions:
        h.update(np.ascontiguousarray(f.logits, dtype=float).tobytes())
        h.update(np.ascontiguousarray(f.weights, dtype=float).tobytes())
    h.update(np.ascontiguousarray(model.casualties, dtype=float).tobytes())
    h.update(np.ascontiguousarray(model.trade_shock, dtype=float).tobytes())
    h.update(np.ascontiguousarray(model.leakage, dtype=float).tobytes())
    h.update(repr(float(model.temperature)).encode())
    return h.hexdigest()[:32]


def results_of(model: CardModel, rec: Recorder):
    """The record so far (the Recorder leaves out events of a turn not yet resolved)."""
    return rec.results()


def config_dump(cfg: RunConfig) -> dict:
    return cfg.model_dump(mode="json", by_alias=True, exclude_none=False)


def pair_list(ids: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]


_DASH = {
    "-": "",
    "--": "7 4",
    "-.": "8 3 2 3",
    (0, (1, 1)): "2 2",
    (0, (6, 1.5)): "10 3",
    (0, (3, 1, 1, 1, 1, 1)): "6 2 2 2 2 2",
}


def pair_style_table(ids: list[str]) -> dict[tuple[str, str], dict]:
    """The figures' colour and dash per pair (same as :func:`sim.report.plots.pair_styles`)."""
    from sim.report.plots import pair_styles

    styles = pair_styles(pair_list(ids))
    out = {}
    for a, b in pair_list(ids):
        st = styles[frozenset((a, b))]
        out[(a, b)] = {"color": st["color"], "dash": _DASH.get(st["linestyle"], "")}
    return out


class SessionLog:
    """JSON lines, appended and flushed as they happen (and kept in memory)."""

    def __init__(self, path: Path | None):
        self.path = Path(path) if path else None
        self.records: list[dict] = []
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict) -> dict:
        self.records.append(record)
        if self.path:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, allow_nan=False) + "\n")
        return record

    def text(self) -> str:
        return "".join(json.dumps(r) + "\n" for r in self.records)


@dataclass
class Seat:
    actor: str
    code: str
    move: int | None = None
    late: bool = False  # the deadline passed before the team moved: the model plays


# --- the session ------------------------------------------------------------------------------


class Session:
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
        clock=time.monotonic,
    ):
        self.id = session_id or secrets.token_hex(4)
        self.instructor_token = secrets.token_urlsafe(18)
        self.lock = threading.RLock()
        self.clock = clock
        cfg = validate(dict(raw_config))
        seats = list(dict.fromkeys(seats))
        for a in seats:
            if a not in cfg.actors:
                raise ConfigError("seats", a, "actors of the scenario: " + ", ".join(cfg.actors))
        if deadline is not None:
            deadline = float(deadline)
            if deadline <= 0:
                deadline = None
        self.advice = bool(advice)
        self.deadline = deadline
        self.seats = {a: Seat(a, secrets.token_urlsafe(9)) for a in seats}
        self.log = SessionLog(log_path)
        self.version = 0
        self._cache: dict = {}
        self._log_cache: dict = {}
        self._start(cfg, "open")

    # --- lifecycle ---------------------------------------------------------------------------

    def _start(self, cfg: RunConfig, kind: str) -> None:
        self.cfg = cfg
        self.names = display_names(cfg)
        self.model = CardModel(cfg)
        self.rec = Recorder(self.model)
        self.rec.record()
        self.over: str | None = None
        self.injects = 0
        self.team_steps: dict[int, dict[str, int]] = {}  # step -> {actor: row} chosen by teams
        self.late_steps: dict[int, list[str]] = {}
        record = {
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
        }
        from sim.record.provenance import config_hash

        record["config_hash"] = config_hash(cfg, with_seed=True)
        self.log.write(record)
        self._begin()

    def _begin(self) -> None:
        m = self.model
        m.begin_turn()
        for s in self.seats.values():
            s.move = None
            s.late = False
        self.turn_started = self.clock()
        self.deadline_at = self.turn_started + self.deadline if self.deadline else None
        fired = [e for t, e in m.log if t == m.t]
        self.log.write(
            {"type": "turn", "step": m.t, "date": m.dates[m.t], "events": fired, "time": now_iso()}
        )
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._cache.clear()

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

    # --- seats -------------------------------------------------------------------------------

    def options(self, actor: str) -> list[dict]:
        """The actor's moves now, with plain words, value (advice) and rank by value."""
        key = ("options", actor)
        if key not in self._cache:
            opts = self.model.options(actor)
            order = sorted(range(len(opts)), key=lambda k: -opts[k]["value"])
            rank = {k: r + 1 for r, k in enumerate(order)}
            for k, o in enumerate(opts):
                o["text"] = action_text(o["action"], o["target"], self.names)
                o["rank"] = rank[k]
            self._cache[key] = opts
        return self._cache[key]

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
            try:
                row = int(row)
            except (TypeError, ValueError):
                raise bad_request(f"move {row!r} is not a menu row number") from None
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
            choices: dict[str, int] = {}
            seat_moves: dict[str, dict] = {}
            dropped = []
            for a, s in self.seats.items():
                if s.move is None:
                    continue
                opts = {o["row"]: o for o in self.options(a)}
                if s.move not in opts:  # an inject changed what is open: the model plays
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
            model_played = [a for a in self.seats if a not in choices]
            m.resolve_turn(choices)
            self.rec.record()
            self.team_steps[t] = dict(choices)
            self.late_steps[t] = model_played
            rel = public_relation(m.x, m.layout, self.cfg.mechanics.channel_weight)
            ix = m.index
            moves = {}
            for a, (c, _) in zip(m.ids, m.last_choice, strict=True):
                kind, _, tgt = m.menu.label(c)
                moves[a] = {"action": kind, "target": "" if kind == "hold" else m.ids[tgt]}
            outcome = {
                "hash": state_hash(m),
                "relations": {
                    f"{a}-{b}": round(float(rel[ix[a], ix[b]]) * 10, 4) for a, b in pair_list(m.ids)
                },
                "moves": moves,
            }
            self.log.write(
                {
                    "type": "resolve",
                    "step": t,
                    "date": m.dates[t],
                    "choices": choices,
                    "model_played": model_played,
                    "dropped": dropped,
                    "seat_moves": seat_moves,
                    "outcome": outcome,
                    "time": now_iso(),
                }
            )
            if not m.running:
                self.over = "the window's end"
                self.log.write({"type": "end", "step": t, "reason": "window", "time": now_iso()})
                self._changed()
            else:
                self._begin()
            return {"step": t, "date": m.dates[t], "over": bool(self.over)}

    def inject(self, preset: str, params: dict) -> str:
        """Apply a control-cell event now; returns its event id."""
        with self.lock:
            self._require_open()
            m = self.model
            if preset == "custom":
                spec = params.get("spec")
                if not isinstance(spec, dict):
                    raise bad_request("a custom inject needs 'spec': an event mapping")
                spec = {"citation": f"classroom control-cell inject, session {self.id}", **spec}
            else:
                spec = preset_spec(preset, params, self.names, self.id, list(m.ids))
            self.injects += 1
            eid = f"inject_{self.injects}_{preset}"
            try:
                m.inject(eid, spec)
            except ConfigError as exc:
                self.injects -= 1
                raise bad_request(exc.line()) from None
            self.log.write(
                {
                    "type": "inject",
                    "step": m.t,
                    "date": m.dates[m.t],
                    "event": eid,
                    "preset": preset,
                    "params": {k: v for k, v in params.items() if k != "spec"},
                    "spec": spec,
                    "time": now_iso(),
                }
            )
            self._changed()
            return eid

    def set_weights(self, actor: str, weights: dict) -> None:
        with self.lock:
            self._require_open()
            m = self.model
            if actor not in m.index:
                raise bad_request(f"unknown actor {actor!r}; valid: {', '.join(m.ids)}")
            clean = {}
            for k, v in (weights or {}).items():
                if k not in INTEREST_NAMES:
                    raise bad_request(f"unknown interest {k!r}; valid: {', '.join(INTEREST_NAMES)}")
                try:
                    v = float(v)
                except (TypeError, ValueError):
                    raise bad_request(f"weight {k} must be a number in [0, 1]") from None
                if not 0 <= v <= 1:
                    raise bad_request(f"weight {k} = {v} must be in [0, 1]")
                clean[k] = v
            if not clean:
                raise bad_request("no weights given")
            base = {**m.factions[m.index[actor]].base, **clean}
            if sum(base.values()) <= 0:
                raise bad_request("at least one weight must stay above 0")
            m.set_weights(actor, clean)
            self.log.write(
                {
                    "type": "weights",
                    "step": m.t,
                    "actor": actor,
                    "weights": clean,
                    "time": now_iso(),
                }
            )
            self._changed()

    def set_influence(self, actor: str, faction: str, value) -> None:
        with self.lock:
            self._require_open()
            m = self.model
            if actor not in m.index:
                raise bad_request(f"unknown actor {actor!r}; valid: {', '.join(m.ids)}")
            f = m.factions[m.index[actor]]
            if faction not in f.names:
                raise bad_request(
                    f"{actor} has no faction {faction!r}; valid: {', '.join(f.names) or 'none'}"
                )
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise bad_request("influence must be a number in [0.01, 0.99]") from None
            if not 0.01 <= v <= 0.99:
                raise bad_request(f"influence {v} must be in [0.01, 0.99]")
            m.set_influence(actor, faction, v)
            self.log.write(
                {
                    "type": "influence",
                    "step": m.t,
                    "actor": actor,
                    "faction": faction,
                    "value": v,
                    "time": now_iso(),
                }
            )
            self._changed()

    def set_temperature(self, value) -> None:
        with self.lock:
            self._require_open()
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise bad_request("noise (temperature) must be a number in (0, 10]") from None
            try:
                self.model.set_temperature(v)
            except ConfigError as exc:
                raise bad_request(exc.line()) from None
            self.log.write(
                {"type": "temperature", "step": self.model.t, "value": v, "time": now_iso()}
            )
            self._changed()

    def end(self) -> None:
        with self.lock:
            self._require_open()
            self.over = "ended by the instructor"
            self.log.write(
                {"type": "end", "step": self.model.t, "reason": "instructor", "time": now_iso()}
            )
            self._changed()

    def reset(self, seed: int | None = None) -> None:
        """Start the game again (same scenario and seats; optionally a new seed)."""
        with self.lock:
            # a reset drops weight changes and injects: back to the scenario as opened
            first = next(r for r in self.log.records if r["type"] == "open")
            raw = dict(first["config"])
            if seed is not None:
                try:
                    seed = int(seed)
                except (TypeError, ValueError):
                    raise bad_request("seed must be a whole number") from None
                raw["seed"] = seed
            try:
                cfg = validate(raw)
            except ConfigError as exc:
                raise bad_request(exc.line()) from None
            self._start(cfg, "reset")

    # --- views ---------------------------------------------------------------------------------

    def results(self):
        with self.lock:
            return results_of(self.model, self.rec)

    def _common(self, viewer: str | None) -> dict:
        """What every participant sees (``viewer`` is a seat's actor, None for the instructor)."""
        m, rec = self.model, self.rec
        ids, names = list(m.ids), self.names
        cw = self.cfg.mechanics.channel_weight
        k = rec.last + 1
        rel_hist = public_relation(rec.states[:k], m.layout, cw) * 10.0
        rel_now = public_relation(m.x, m.layout, cw)
        ix = m.index
        styles = pair_style_table(ids)
        pairs = [
            {
                "a": a,
                "b": b,
                "label": f"{names[a]}–{names[b]}",
                **styles[(a, b)],
                "values": [round(float(v), 3) for v in rel_hist[:, ix[a], ix[b]]],
            }
            for a, b in pair_list(ids)
        ]
        edges = [
            {"a": a, "b": b, "value": round(float(rel_now[ix[a], ix[b]]) * 10, 2)}
            for a, b in pair_list(ids)
        ]
        H = working_channel(m.x, m.layout)
        L = m.layout.view(m.x, "leaked")
        channels = []
        for a, b in pair_list(ids):
            i, j = ix[a], ix[b]
            if viewer is not None and viewer not in (a, b) and L[i, j] < 0.5:
                continue  # a secret channel between others: not visible
            level = float(H[i, j])
            if level > 0.01:
                channels.append(
                    {"a": a, "b": b, "level": round(level, 3), "public": bool(L[i, j] > 0.5)}
                )
        roles = []
        for t3 in triads(len(ids)):
            config, role = classify(rel_now, t3)
            members = [ids[i] for i in t3]
            roles.append(
                {
                    "triad": "-".join(members),
                    "label": "–".join(names[a] for a in members),
                    "configuration": CONFIGURATIONS[int(config)],
                    "configuration_text": CONFIGURATION_WORDS[CONFIGURATIONS[int(config)]],
                    "roles": {a: ROLES[int(role[q])] for q, a in enumerate(members)},
                }
            )
        markers = []
        for t, eid in m.log:
            spec = m.event_specs[eid]
            markers.append(
                {
                    "step": t,
                    "date": m.dates[t],
                    "event": eid,
                    "label": spec.label,
                    "citation": spec.citation,
                    "narrative": spec.narrative,
                    "inject": eid.startswith("inject_"),
                }
            )
        seats = []
        for a, s in self.seats.items():
            seats.append(
                {
                    "actor": a,
                    "name": names[a],
                    "moved": s.move is not None,
                    "late": s.late,
                }
            )
        return {
            "session": self.id,
            "version": self.version,
            "scenario": {
                "name": self.cfg.name,
                "title": self.cfg.title or self.cfg.name,
                "description": self.cfg.description,
                "seed": self.cfg.seed,
            },
            "ids": ids,
            "names": names,
            "dates": list(m.dates),
            "t": m.t,
            "date": m.dates[m.t],
            "recorded": k,
            "turns": len(m.dates) - 1,
            "over": self.over,
            "advice": self.advice,
            "deadline": self.deadline,
            "seats": seats,
            "network": {"edges": edges, "channels": channels},
            "history": {"pairs": pairs, "markers": markers},
            "roles": roles,
            "log": self._log_view(viewer),
        }

    def _log_view(self, viewer: str | None) -> list[dict]:
        """The game so far, month by month (newest first), in plain words."""
        m = self.model
        key = (id(m), self.rec.last, len(m.log), bool(self.over))
        if self._log_cache.get("key") != key:  # only new steps, events or the end change it
            self._log_cache = {"key": key}
        if viewer not in self._log_cache:
            self._log_cache[viewer] = self._build_log_view(viewer)
        return self._log_cache[viewer]

    def _narrated(self):
        """The run's tables and its narrative lines, for everyone (cached per step)."""
        from sim.report.narrative import narrate_run

        if "all" not in self._log_cache:
            m = self.model
            tables = results_of(m, self.rec).tables()
            lines = narrate_run(
                tables, tables["events"], m.event_specs, self.names, max_lines_per_month=12
            )
            self._log_cache["all"] = (tables, lines)
        return self._log_cache["all"]

    def _build_log_view(self, viewer: str | None) -> list[dict]:
        from sim.report.narrative import _channel_items

        m = self.model
        names = self.names
        specs = m.event_specs
        tables, lines = self._narrated()
        log = tables["log"]
        if viewer is not None:  # others' secret moves stay secret
            hide = log["secret"].astype(bool) & (log["actor"] != viewer) & (log["target"] != viewer)
            hidden = {f"{d}: {text}" for d, _, text in _channel_items(log[hide], names, {})}
            lines = [line for line in lines if line not in hidden]
            log = log[~hide]
        months: dict[str, dict] = {}
        for line in lines:
            date, _, text = line.partition(": ")
            months.setdefault(date, {"date": date, "lines": [], "moves": []})["lines"].append(text)
        moves = log[log["kind"] == "move"]
        for row in moves.itertuples():
            entry = months.setdefault(row.date, {"date": row.date, "lines": [], "moves": []})
            who = ""
            if row.actor in self.seats:
                team = self.team_steps.get(int(row.step), {})
                who = " (team)" if row.actor in team else " (model, for the team)"
            entry["moves"].append(move_text(row.actor, row.action, row.target, names) + who)
        # this turn's events, fired before anyone has moved
        cur = m.dates[m.t]
        for t, eid in m.log:
            if t != m.t or self.over:
                continue
            spec = specs[eid]
            entry = months.setdefault(cur, {"date": cur, "lines": [], "moves": []})
            text = spec.label + (
                f": {spec.narrative.strip().rstrip('.')}" if spec.narrative else ""
            )
            entry["lines"].insert(0, f"{text} ({spec.citation}).")
        return [months[d] for d in sorted(months, reverse=True)]

    def _situation(self, actor: str) -> dict:
        m, names = self.model, self.names
        i = m.index[actor]
        lay = m.layout
        x = m.x
        S, H = lay.view(x, "stance"), lay.view(x, "channel")
        R, C = lay.view(x, "recognition"), lay.view(x, "commitment")
        T, Ind = lay.view(x, "trade"), lay.view(x, "indirect")
        X, K = lay.view(x, "controls"), lay.view(x, "talks")
        rel = public_relation(x, lay, self.cfg.mechanics.channel_weight)
        others = []
        for b in m.ids:
            j = m.index[b]
            if j == i:
                continue
            others.append(
                {
                    "actor": b,
                    "name": names[b],
                    "relation": round(float(rel[i, j]) * 10, 2),
                    "my_stance": round(float(S[i, j]), 3),
                    "their_stance": round(float(S[j, i]), 3),
                    "my_channel": round(float(H[i, j]), 3),
                    "their_channel": round(float(H[j, i]), 3),
                    "i_recognise": RECOGNITION_NAMES[int(round(R[i, j]))],
                    "they_recognise": RECOGNITION_NAMES[int(round(R[j, i]))],
                    "my_commitment": round(float(C[i, j]), 3),
                    "their_commitment": round(float(C[j, i]), 3),
                    "trade": round(float(T[i, j]), 1),
                    "trade_indirect": round(float(Ind[i, j]), 1),
                    "my_controls": round(float(X[i, j]), 3),
                    "their_controls": round(float(X[j, i]), 3),
                    "talks": bool(K[i, j] > 0.5),
                }
            )
        inter = m.interests()[i]
        util = float(m.utilities()[i])
        last = self.rec.last
        prev_inter = self.rec.inter[max(last - 1, 0)] if last >= 1 else self.rec.inter[0]
        prev_util = float(self.rec.util[max(last - 1, 0)][i])
        weights = m.ctx.weights[i]
        f = m.factions[i]
        return {
            "others": others,
            "utility": round(util, 4),
            "utility_change": round(util - prev_util, 4),
            "interests": [
                {
                    "name": n,
                    "value": round(float(inter[k]), 4),
                    "change": round(float(inter[k] - prev_inter[i][k]), 4),
                    "weight": round(float(weights[k]), 3),
                }
                for k, n in enumerate(INTEREST_NAMES)
            ],
            "factions": {n: round(float(v), 3) for n, v in zip(f.names, f.influence, strict=True)}
            if f.names
            else {},
            "standing": round(float(lay.view(x, "standing")[i]), 3),
        }

    def view(self, viewer: str | None) -> dict:
        """The state a participant sees: ``viewer`` a seat's actor, or None (instructor)."""
        with self.lock:
            self.check_deadline()
            key = ("view", viewer)
            if key not in self._cache:
                self._cache[key] = self._build_view(viewer)
            out = dict(self._cache[key])
            out["deadline_left"] = self.deadline_left()
            return out

    def _build_view(self, viewer: str | None) -> dict:
        out = self._common(viewer)
        m = self.model
        if viewer is None:
            out["role"] = "instructor"
            out["seats"] = [{**s, "code": self.seats[s["actor"]].code} for s in out["seats"]]
            out["control"] = {
                "weights": {
                    a: {k: round(float(v), 3) for k, v in m.factions[m.index[a]].base.items()}
                    for a in m.ids
                },
                "effective": {
                    a: {
                        n: round(float(w), 3)
                        for n, w in zip(INTEREST_NAMES, m.ctx.weights[i], strict=True)
                    }
                    for i, a in enumerate(m.ids)
                },
                "factions": {
                    a: {n: round(float(v), 3) for n, v in zip(f.names, f.influence, strict=True)}
                    for a, f in zip(m.ids, m.factions, strict=True)
                    if f.names
                },
                "temperature": float(m.temperature),
                "presets": {
                    k: {"label": v["label"], "help": v["help"], "needs": v["needs"]}
                    for k, v in PRESETS.items()
                },
                "upcoming": [
                    {"date": ev.spec.date, "label": ev.spec.label, "citation": ev.spec.citation}
                    for ev in m.events
                    if ev.active and ev.step is not None and ev.step > m.t
                ],
                "log_path": str(self.log.path) if self.log.path else None,
                "interests": list(INTEREST_NAMES),
            }
            return out
        out["role"] = "seat"
        out["actor"] = viewer
        seat = self.seats[viewer]
        out["me"] = {
            "actor": viewer,
            "name": self.names[viewer],
            "situation": self._situation(viewer),
            "choice": seat.move,
            "late": seat.late,
        }
        if not self.over:
            opts = []
            for o in self.options(viewer):
                item = {
                    "row": o["row"],
                    "text": o["text"],
                    "action": o["action"],
                    "target": o["target"],
                    "secret": o["secret"],
                }
                if self.advice:
                    item.update(
                        value=round(o["value"], 5),
                        rank=o["rank"],
                        probability=round(o["probability"], 4),
                    )
                opts.append(item)
            out["me"]["options"] = opts
        else:
            out["me"]["options"] = []
        return out
