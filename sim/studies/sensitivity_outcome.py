"""A sensitivity analysis's outcome: one number per run, from a spec in the experiment file.

- ``pass_rate: all`` - the share of the scenario's stylized facts that hold;
- ``fact: <id>`` - whether one fact holds;
- ``series: {var, actor, target, stat, from, to, ...}`` - a statistic of one series
  (:func:`sim.record.facts.statistic`; the same language as the facts);
- ``crossing: {var, actor, target, above: 0.0, from: YYYY-MM}`` (or ``below:``) - months
  from the window's start until the series first lies above (below) the level; a run
  where it never does counts as the window's length plus one step (censored).
"""

from __future__ import annotations

import numpy as np

from sim.scenario.errors import ConfigError


class Outcome:
    """A scalar outcome of one run, from its spec (picklable: workers call it)."""

    def __init__(self, spec: dict, cfg):
        from sim.scenario.schema import Series

        if not isinstance(spec, dict) or len(spec) != 1:
            raise ConfigError(
                "outcome", spec, "one of pass_rate: all, fact: <id>, series: {...}, crossing: {...}"
            )
        ((self.kind, arg),) = spec.items()
        self.spec = dict(spec)
        self.level, self.above = 0.0, True
        if self.kind == "pass_rate":
            if arg not in ("all", None):
                raise ConfigError("outcome.pass_rate", arg, "all")
            if not cfg.facts:
                raise ConfigError("outcome.pass_rate", cfg.name, "a scenario with stylized facts")
        elif self.kind == "fact":
            if arg not in cfg.facts:
                raise ConfigError("outcome.fact", arg, "valid: " + ", ".join(cfg.facts))
            self.fact = arg
        elif self.kind in ("series", "crossing"):
            if not isinstance(arg, dict):
                raise ConfigError(f"outcome.{self.kind}", arg, "a mapping: var, actor, target, ...")
            arg = dict(arg)
            if self.kind == "crossing":
                if ("above" in arg) == ("below" in arg):
                    raise ConfigError("outcome.crossing", arg, "exactly one of above: or below:")
                self.above = "above" in arg
                self.level = float(arg.pop("above" if self.above else "below"))
            try:
                self.series = Series.model_validate(arg)
            except Exception as exc:
                raise ConfigError(f"outcome.{self.kind}", arg, f"a series: {exc}") from None
            self._check(cfg)
        else:
            raise ConfigError("outcome", self.kind, "pass_rate, fact, series or crossing")

    def _check(self, cfg) -> None:
        from sim.scenario.calendar import parse_month
        from sim.scenario.schema import _check_series

        lo, hi = parse_month(cfg.window.start), parse_month(cfg.window.end)
        _check_series(cfg, f"outcome.{self.kind}", self.series, lo, hi)

    def label(self) -> str:
        if self.kind == "pass_rate":
            return "stylized-fact pass rate"
        if self.kind == "fact":
            return f"pass rate of {self.fact}"
        s = self.series
        who = "-".join(x for x in (s.actor, s.target) if x)
        if self.kind == "crossing":
            word = "above" if self.above else "below"
            return f"months until {s.var} {who} is {word} {self.level:g}"
        return f"{s.stat} of {s.var} {who}"

    def __call__(self, res) -> float:
        from sim.record.facts import evaluate, holds, series, statistic

        if self.kind == "pass_rate":
            return float(np.mean(list(evaluate(res).values())))
        if self.kind == "fact":
            return float(holds(res, res.cfg.facts[self.fact].check))
        if self.kind == "series":
            return statistic(res, self.series)
        from sim.scenario.calendar import date_to_step

        y = series(res, self.series)
        cfg = res.cfg
        a = 0
        if self.series.start:
            a = date_to_step(self.series.start, cfg.window.start, cfg.window.step_months)
        hit = (y[a:] > self.level) if self.above else (y[a:] < self.level)
        k = int(np.argmax(hit)) + a if hit.any() else len(y)
        return float(k * cfg.window.step_months)
