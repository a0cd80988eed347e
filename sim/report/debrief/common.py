"""Small helpers the debrief's sections share: relations in Goldstein units, months, the
session log's last game."""

from __future__ import annotations

import numpy as np

from sim.report.palette import scenario_pairs as pairs_of
from sim.scenario.calendar import date_to_step, step_dates

GAP = 1.5  # Goldstein units: the run departs from the model-only path


def fmt_g(v: float) -> str:
    """A Goldstein value as the debrief prints it: "+1.5", "-0.3", "0.0"."""
    v = float(v)
    return "0.0" if abs(v) < 0.05 else f"{v:+.1f}"


def rel(res, a: str, b: str) -> np.ndarray:
    """The public relation of a and b over the run, in Goldstein units."""
    ix = {x: i for i, x in enumerate(res.ids)}
    return res.relation[:, ix[a], ix[b]] * 10.0


def has(res, *ids: str) -> bool:
    return all(a in res.ids for a in ids)


def game_records(records: list[dict] | None) -> list[dict]:
    """The records of the last game in a session log (from its last open/reset)."""
    if not records:
        return []
    start = max(i for i, r in enumerate(records) if r["type"] in ("open", "reset"))
    return records[start:]


def step_of(res, date: str) -> int:
    return date_to_step(date, res.cfg.window.start, res.cfg.window.step_months)


def month_index(res, date: str) -> int | None:
    """The step of ``date`` if it lies within the recorded run, else None."""
    try:
        k = step_of(res, date)
    except ValueError:
        return None
    return k if 0 <= k < len(res.dates) else None


def date_of(res, step) -> str:
    """The date of a step of the scenario's window ('' if none)."""
    if step is None:
        return ""
    w = res.cfg.window
    dates = step_dates(w.start, w.end, w.step_months)
    return dates[int(step)] if 0 <= int(step) < len(dates) else ""


__all__ = [
    "GAP",
    "fmt_g",
    "rel",
    "has",
    "pairs_of",
    "game_records",
    "step_of",
    "month_index",
    "date_of",
]
