"""What calibration minimises: targets from the record, what one run contributes, and the
loss over all scenarios (:class:`Objective`, every evaluation recorded)."""

from __future__ import annotations

import numpy as np

from sim.scenario.errors import ConfigError
from sim.studies.points import map_points

TARGET_KEYS = ("name", "scenario", "series", "value", "scale", "check", "weight", "citation")


class Target:
    """One piece of the record: a series statistic against a value, or a check."""

    def __init__(self, spec: dict, index: int):
        from sim.scenario.schema import Compare, Series

        key = f"targets.{index}"
        if not isinstance(spec, dict):
            raise ConfigError(key, spec, "a mapping: name, scenario, series + value, or check")
        for k in spec:
            if k not in TARGET_KEYS:
                raise ConfigError(f"{key}.{k}", spec[k], "valid keys: " + ", ".join(TARGET_KEYS))
        self.name = str(spec.get("name") or f"target{index}")
        self.scenario = spec.get("scenario")
        self.weight = float(spec.get("weight", 1.0))
        self.citation = str(spec.get("citation", ""))
        self.scale = spec.get("scale", "log")
        self.series = self.check = None
        self.value = None
        if ("check" in spec) == ("series" in spec):
            raise ConfigError(key, spec, "either series: with value:, or check:")
        try:
            if "check" in spec:
                self.check = Compare.model_validate(spec["check"])
            else:
                self.series = Series.model_validate(spec["series"])
                self.value = float(spec["value"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(key, spec, f"a valid series and value or check ({exc})") from None
        if self.scale not in ("log", "relative"):
            raise ConfigError(f"{key}.scale", self.scale, "log or relative")
        if self.series is not None and self.scale == "log" and self.value <= 0:
            raise ConfigError(f"{key}.value", self.value, "> 0 for scale: log")

    def check_on(self, cfg) -> None:
        from sim.scenario.calendar import parse_month
        from sim.scenario.schema import _check_fact, _check_series

        lo, hi = parse_month(cfg.window.start), parse_month(cfg.window.end)
        key = f"targets.{self.name}"
        if self.check is not None:
            _check_fact(cfg, key, self.check, lo, hi)
        else:
            _check_series(cfg, key, self.series, lo, hi)

    def error(self, res) -> float:
        from sim.record.facts import holds, statistic

        if self.check is not None:
            return 0.0 if holds(res, self.check) else 1.0
        v = statistic(res, self.series)
        if self.scale == "log":
            return float(np.log(max(v, 1e-9) / self.value) ** 2)
        return float(((v - self.value) / self.value) ** 2)


class Measure:
    """What one run of one scenario contributes: its facts' pass rate, its targets' errors."""

    def __init__(self, targets: list[Target]):
        self.targets = targets

    def __call__(self, res) -> tuple[float, list[float]]:
        from sim.record.facts import evaluate

        facts = list(evaluate(res).values())
        rate = float(np.mean(facts)) if facts else np.nan
        return rate, [t.error(res) for t in self.targets]


class Objective:
    """The loss over all scenarios, with every evaluation recorded (and cached)."""

    def __init__(
        self,
        configs: dict,
        names: list[str],
        targets: list[Target],
        *,
        replicates: int,
        facts_weight: float = 1.0,
        n_jobs: int = 1,
        progress: bool = False,
    ):
        from sim.record.ensemble import seeds

        self.configs = configs
        self.names = names
        self.targets = targets
        self.by_scenario = {s: [t for t in targets if t.scenario == s] for s in configs}
        self.seeds = {s: seeds(c, replicates) for s, c in configs.items()}
        self.facts_weight = facts_weight
        self.n_jobs = n_jobs
        self.progress = progress
        self.history: list[dict] = []
        self.cache: dict[tuple, dict] = {}
        self.generation = 0

    def evaluate(self, X: np.ndarray) -> np.ndarray:
        """Loss of each row of ``X`` (evaluations recorded in order; repeats come from the cache)."""
        X = np.atleast_2d(X)
        new = []
        for x in X:
            k = tuple(np.round(x, 12))
            if k not in self.cache and k not in {tuple(np.round(n, 12)) for n in new}:
                new.append(x)
        if new:
            P = np.array(new)
            parts = {
                s: map_points(
                    cfg,
                    self.names,
                    P,
                    self.seeds[s],
                    Measure(self.by_scenario[s]),
                    n_jobs=self.n_jobs,
                    progress=self.progress,
                    desc=f"gen {self.generation} {s}",
                )
                for s, cfg in self.configs.items()
            }
            for i, x in enumerate(P):
                row = self._combine({s: parts[s][i] for s in parts})
                self.cache[tuple(np.round(x, 12))] = row
        out = []
        for x in X:
            row = dict(self.cache[tuple(np.round(x, 12))])
            out.append(row["loss"])
            best = min([h["loss"] for h in self.history] + [row["loss"]])
            self.history.append(
                {
                    "evaluation": len(self.history),
                    "generation": self.generation,
                    **dict(zip(self.names, map(float, x), strict=True)),
                    **row,
                    "best_loss": best,
                }
            )
        return np.array(out)

    def _combine(self, runs: dict[str, list]) -> dict:
        row: dict = {}
        rates = []
        for s, rs in runs.items():
            r = [x[0] for x in rs]
            rate = float(np.nanmean(r)) if not np.all(np.isnan(r)) else np.nan
            row[f"pass_rate:{s}"] = rate
            if not np.isnan(rate):
                rates.append(rate)
        mean_rate = float(np.mean(rates)) if rates else np.nan
        loss = self.facts_weight * (1.0 - mean_rate) if rates else 0.0
        row["pass_rate"] = mean_rate
        for s, rs in runs.items():
            for k, t in enumerate(self.by_scenario[s]):
                err = float(np.mean([x[1][k] for x in rs]))
                row[f"error:{t.name}"] = err
                loss += t.weight * err
        row["loss"] = float(loss)
        return row

    def __call__(self, x: np.ndarray) -> np.ndarray | float:
        """The optimiser's call: a whole population (DE) or one point; each call is a generation."""
        self.generation += 1
        x = np.asarray(x, dtype=float)
        if x.ndim == 2:  # differential_evolution, vectorized: (parameters, candidates)
            return self.evaluate(x.T)
        return float(self.evaluate(x[None, :])[0])
