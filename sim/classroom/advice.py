"""Advice a student can read: a seat's moves grouped by target, the three best marked,
and each move's value said as a difference from holding, in plain words.

The value of a move is the decision rule's expected utility after the others' likely
replies (:meth:`sim.model.model.CardModel.options`). Utilities move in the third decimal,
so the words use the model's own yardstick: its leaders choose with logit noise of
temperature ``T`` (p proportional to exp(value / T)), so a move more than ``T`` above
holding is one they would pick more than e times as often as holding ("better"), one
more than ``T`` below, less than 1/e as often ("worse"), and anything between "about
the same". The exact numbers stay available on demand.
"""

from __future__ import annotations

TOP = 3
HOLD = "hold"
WORDS = ("better", "about the same", "worse")


def verdict(diff: float, temperature: float) -> str:
    """'better', 'about the same' or 'worse' than holding, on the model's noise scale."""
    if diff > temperature:
        return WORDS[0]
    if diff < -temperature:
        return WORDS[2]
    return WORDS[1]


def group_by_target(options: list[dict], ids: list[str], names: dict[str, str]) -> list[dict]:
    """Moves grouped by whom they are aimed at: holding first, then each other actor in
    the scenario's order; within a group, the menu's order (or best first, if valued)."""
    groups: dict[str, list[dict]] = {}
    for o in options:
        groups.setdefault(o["target"], []).append(o)
    out = []
    for target in ["", *ids]:
        rows = groups.get(target)
        if not rows:
            continue
        if all("value" in o for o in rows):
            rows = sorted(rows, key=lambda o: -o["value"])
        out.append(
            {
                "target": target,
                "name": "No move this turn"
                if not target
                else f"Toward {names.get(target, target)}",
                "rows": [o["row"] for o in rows],
            }
        )
    return out


def advise(options: list[dict], temperature: float) -> dict:
    """Mark each valued option with its difference from holding, its word and, for the
    best three, its place; return the summary (hold's value, the scale, the top rows).

    ``options`` are dicts with ``row``, ``action``, ``value``; they gain ``diff``,
    ``verdict`` and ``top`` (1..3 or None).
    """
    hold = next((o for o in options if o["action"] == HOLD), None)
    base = hold["value"] if hold else max(o["value"] for o in options)
    ranked = sorted(options, key=lambda o: -o["value"])
    top = {o["row"]: k + 1 for k, o in enumerate(ranked[:TOP])}
    for o in options:
        diff = o["value"] - base
        o["diff"] = round(diff, 5)
        o["verdict"] = "the baseline" if o is hold else verdict(diff, temperature)
        o["top"] = top.get(o["row"])
    counts = {w: sum(o["verdict"] == w for o in options) for w in WORDS}
    return {
        "hold_value": round(base, 5),
        "scale": temperature,
        "top": [o["row"] for o in ranked[:TOP]],
        "counts": counts,
    }
