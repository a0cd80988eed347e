"""The control cell's events: presets an instructor injects in one click, and the bounds
on a custom event (an event mapping as in a scenario file).

A preset turns (actor, target, audience, strength) into the effects of a scenario
event; the model validates and applies it like any scheduled event.
"""

from __future__ import annotations

import json

from sim.classroom.errors import bad_request

# A custom inject is one event of a scenario file: these bound what a class can send, so
# that no single inject can swell every participant's state (free limits, generous for
# any event the scenarios hold: the longest narrative there is under 400 characters).
MAX_CUSTOM_BYTES = 4_000
MAX_EFFECTS = 8
MAX_TEXT = {"label": 120, "narrative": 600, "citation": 300, "kind": 40}

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


def _stance(actor: str, target: str, delta: float, mutual: bool) -> dict:
    return {
        "type": "stance_shock",
        "actor": actor,
        "target": target,
        "delta": round(delta, 4),
        "mutual": mutual,
    }


def _effects(preset: str, a: str, b: str, c: str | None, s: float) -> list[dict]:
    """The effects of a preset of strength ``s`` in (0, 1] (the multipliers are free)."""
    if preset == "clash":
        return [_stance(a, b, -0.4 * s, True), {"type": "casualties", "actors": [a, b], "level": s}]
    if preset == "sanctions":
        return [
            {"type": "sanctions", "actor": a, "target": b, "level": s},
            {"type": "trade_shock", "actor": a, "target": b, "factor": round(1 - 0.6 * s, 4)},
            _stance(b, a, -0.15 * s, False),
        ]
    if preset == "leak":
        return [_stance(c, a, -0.3 * s, False), _stance(c, b, -0.15 * s, False)]
    if preset == "un_vote":
        return [
            {"type": "standing", "actor": a, "delta": round(0.5 * s, 4)},
            {"type": "standing", "actor": b, "delta": round(-0.5 * s, 4)},
        ]
    if preset == "talks":
        return [{"type": "talks", "actors": [a, b], "open": True}]
    return [{"type": "leakage", "actor": a, "target": b, "share": s}]  # third_country_route


def _narrative(preset: str, A: str, B: str, C: str) -> str:
    return {
        "clash": f"Armed clash between {A} and {B}, with casualties.",
        "sanctions": f"{A} imposes sanctions and export controls on {B}.",
        "leak": f"The press reveals contacts between {A} and {B}; {C} takes it badly.",
        "un_vote": f"A UN General Assembly vote goes for {A} and against {B}.",
        "talks": f"{A} and {B} open negotiations.",
        "third_country_route": f"Goods between {A} and {B} find routes through third countries.",
    }[preset]


def preset_spec(
    preset: str, params: dict, names: dict[str, str], session_id: str, ids: list[str]
) -> dict:
    """An event mapping (as in a scenario file, without its date) for a control-cell preset.

    ``params``: actor, target, (audience for a leak), strength in (0, 1].
    """
    if preset not in PRESETS:
        valid = ", ".join([*PRESETS, "custom"])
        raise bad_request(f"unknown inject preset {preset!r}; valid: {valid}")
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
    s = params.get("strength", 0.5)
    if not isinstance(s, int | float) or isinstance(s, bool) or not 0 < s <= 1:
        raise bad_request(f"inject strength {s!r} must be a number in (0, 1]")
    s = round(float(s), 4)
    a, b, c = vals["actor"], vals["target"], vals.get("audience")
    A, B = names.get(a, a), names.get(b, b)
    return {
        "label": f"{PRESETS[preset]['label']}: {A} / {B}",
        "kind": preset,
        "citation": f"classroom control-cell inject, session {session_id} (not historical)",
        "narrative": _narrative(preset, A, B, names.get(c, c) if c else ""),
        "effects": _effects(preset, a, b, c, s),
    }


def custom_spec(spec: object, session_id: str) -> dict:
    """A custom event mapping, bounded in size (the model validates its content)."""
    if not isinstance(spec, dict):
        raise bad_request("a custom inject needs 'spec': an event mapping (label, kind, effects)")
    size = len(json.dumps(spec, default=str))
    if size > MAX_CUSTOM_BYTES:
        raise bad_request(
            f"custom inject is {size:,} bytes; at most {MAX_CUSTOM_BYTES:,} (one event)"
        )
    for key, limit in MAX_TEXT.items():
        v = spec.get(key)
        if v is not None and (not isinstance(v, str) or len(v) > limit):
            raise bad_request(f"custom inject {key}: text of at most {limit} characters")
    effects = spec.get("effects")
    if not isinstance(effects, list) or not 1 <= len(effects) <= MAX_EFFECTS:
        raise bad_request(f"custom inject effects: a list of 1 to {MAX_EFFECTS} effects")
    return {"citation": f"classroom control-cell inject, session {session_id}", **spec}
