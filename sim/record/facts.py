"""Stylized facts: checkable predicates on one run, read from the scenario file.

A fact compares a series statistic with a number, a date or another series
statistic (``left op right``, with an optional ``margin`` that the left side
must clear), or combines such comparisons with ``all`` / ``any``. Over an
ensemble, the share of runs in which a fact holds is its pass rate
(pattern-oriented validation, Grimm et al. 2005).
"""

from __future__ import annotations

import operator

import numpy as np

from sim.model.dynamics import working_channel
from sim.model.interest import INTEREST_NAMES
from sim.model.triangle import CONFIGURATIONS, ROLES, triads
from sim.record.results import Results
from sim.scenario.calendar import date_to_step, parse_month
from sim.scenario.schema import AllOf, AnyOf, Compare, Series

OPS = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def series(res: Results, s: Series) -> np.ndarray:
    """The full time series a Series names (steps,)."""
    ix = {a: i for i, a in enumerate(res.ids)}
    v = s.var
    if v == "relation":
        return res.relation[:, ix[s.actor], ix[s.target]]
    if v == "trade_total":
        i, j = ix[s.actor], ix[s.target]
        return res.block("trade")[:, i, j] + res.block("indirect")[:, i, j]
    if v == "channel":
        return working_channel(res.states, res.layout)[:, ix[s.actor], ix[s.target]]
    if v in ("stance", "trade", "controls", "commitment", "recognition"):
        return res.block(v)[:, ix[s.actor], ix[s.target]]
    if v == "trade_indirect":
        return res.block("indirect")[:, ix[s.actor], ix[s.target]]
    if v == "utility":
        return res.utility[:, ix[s.actor]]
    if v in INTEREST_NAMES:
        return res.interests[:, ix[s.actor], INTEREST_NAMES.index(v)]
    if v == "influence":
        return res.influence[s.actor][:, res.faction_names[s.actor].index(s.faction)]
    if v in ("role", "configuration"):
        idx = sorted(ix[a] for a in s.triad)
        t3 = tuple(idx)
        assert t3 in triads(len(res.ids))
        config, role = res.triangle_codes[t3]
        if v == "configuration":
            return (config == CONFIGURATIONS.index(s.value)).astype(float)
        k = t3.index(ix[s.actor])
        return (role[:, k] == ROLES.index(s.value)).astype(float)
    raise KeyError(v)


def statistic(res: Results, s: Series) -> float:
    """Reduce a series over its period by its statistic."""
    y = series(res, s)
    start, step = res.cfg.window.start, res.cfg.window.step_months
    if s.stat == "at":
        return float(y[date_to_step(s.date, start, step)])
    a = date_to_step(s.start, start, step) if s.start else 0
    b = date_to_step(s.end, start, step) + 1 if s.end else len(y)
    w = y[a:b]
    if s.stat == "first":
        return float(w[0])
    if s.stat == "last":
        return float(w[-1])
    if s.stat == "min":
        return float(w.min())
    if s.stat == "max":
        return float(w.max())
    if s.stat in ("mean", "share"):
        return float(w.mean())
    if s.stat == "change":
        return float(w[-1] - w[0])
    if s.stat == "crossing":  # first step above the level; the window's end + 1 if never
        above = np.flatnonzero(w > s.level)
        return float(a + above[0]) if above.size else float(len(y))
    k = int(np.argmin(w) if s.stat == "argmin" else np.argmax(w))
    return float(a + k)  # a step index, compared with dates as step indices


def _side(res: Results, side) -> float:
    if isinstance(side, Series):
        return statistic(res, side)
    if isinstance(side, str):
        return float(date_to_step(side, res.cfg.window.start, res.cfg.window.step_months))
    return float(side)


def holds(res: Results, check) -> bool:
    """Whether a check (Compare, AllOf, AnyOf) holds on a run."""
    if isinstance(check, AllOf):
        return all(holds(res, c) for c in check.all)
    if isinstance(check, AnyOf):
        return any(holds(res, c) for c in check.any)
    assert isinstance(check, Compare)
    left, right = _side(res, check.left), _side(res, check.right)
    if check.op in (">", ">="):
        right += check.margin
    elif check.op in ("<", "<="):
        right -= check.margin
    return bool(OPS[check.op](left, right))


def evaluate(res: Results) -> dict[str, bool]:
    """Every stylized fact of the run's scenario: fact id -> holds."""
    return {fid: holds(res, f.check) for fid, f in res.cfg.facts.items()}


def first_month(dates: list[str]) -> int:
    return parse_month(dates[0])
