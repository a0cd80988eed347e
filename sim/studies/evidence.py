"""Evidence against null worlds: a fact's pass rate beside simpler worlds' on the same seeds.

A pass is evidence for the theory only if simpler worlds fail the fact
(pattern-oriented modelling asks patterns to discriminate between structures;
Grimm et al. 2005). Every fact is evaluated, on the model's seeds (common random
numbers), in the null worlds of :data:`NULL_WORLDS`: *hold* (nobody moves: events
and the reaction dynamics only), *random* (each actor picks uniformly among its
available moves) and *myopic* (decisions without anticipation, depth 0). A fact's
*skill* is the model's rate minus the best null world's, in points, and its role
(:func:`fact_role`) one of:

- ``evidence``: the model passes it (>= 80%) and beats every null world by at
  least 20 points;
- ``consistency``: the scenario file marks it ``kind: consistency``, or a null
  world passes it (>= 80%): the record agrees, but the fact does not tell the
  theory from a simpler world;
- ``weak``: the model passes it, but with a skill under 20 points;
- ``missed``: the model does not pass it (and no null world does).

A scenario's headline counts its evidence facts against the bar of two thirds.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.scenario.options import checked_config
from sim.scenario.schema import RunConfig

#: The issue's acceptance thresholds: every fact, and each scenario's mean over facts.
FACT_THRESHOLD = 0.8
MEAN_THRESHOLD = 0.9
#: A fact is evidence when the model beats the best null world by this many points ...
SKILL_POINTS = 20
#: ... and a scenario's evidence should be at least this share of its facts.
EVIDENCE_SHARE = 2 / 3

#: The null worlds: the override that makes each, and what it leaves out.
NULL_WORLDS = {
    "hold": ("mechanics.policy=hold", "nobody moves: events and the reaction dynamics only"),
    "random": ("mechanics.policy=random", "each actor picks uniformly among its available moves"),
    "myopic": ("mechanics.depth=0", "decisions without anticipating replies (depth 0)"),
}
EVIDENCE, CONSISTENCY, WEAK, MISSED = "evidence", "consistency", "weak", "missed"
TABLE_COLUMNS = [
    "scenario",
    "fact",
    "description",
    "citation",
    "kind",
    "runs",
    "passed",
    "rate",
    *(f"rate_{n}" for n in NULL_WORLDS),
    "best_null",
    "skill",
    "role",
    "why",
]


def run_row(res) -> tuple[list[bool], np.ndarray]:
    """One run's facts (scenario order) and its public relation (steps, n, n), float32."""
    from sim.record.facts import evaluate

    return list(evaluate(res).values()), res.relation.astype(np.float32)


# --- evidence ------------------------------------------------------------------------------


def passes(count: int, runs: int) -> bool:
    """Whether ``count`` passes in ``runs`` runs reach the fact threshold."""
    return runs > 0 and count >= FACT_THRESHOLD * runs - 1e-9


def skill(count: int, null_counts: dict[str, int], runs: int) -> float:
    """The model's pass rate minus the best null world's, in points (NaN without nulls)."""
    if not null_counts or runs == 0:
        return float("nan")
    return 100.0 * (count - max(null_counts.values())) / runs


def fact_role(kind: str, count: int, null_counts: dict[str, int], runs: int) -> tuple[str, str]:
    """A fact's role (evidence, consistency, weak, missed; '' without null worlds) and why."""
    if kind == CONSISTENCY:
        return CONSISTENCY, "marked kind: consistency in the scenario file"
    passing = [n for n, c in null_counts.items() if passes(c, runs)]
    if passing:
        rates = ", ".join(f"{n} {null_counts[n] / runs:.0%}" for n in passing)
        return CONSISTENCY, f"a null world passes it ({rates})"
    if not passes(count, runs):
        return MISSED, f"the model passes it in {count / runs:.0%} of runs (< {FACT_THRESHOLD:.0%})"
    if not null_counts:
        return "", "no null worlds run"
    points = skill(count, null_counts, runs)
    if points >= SKILL_POINTS - 1e-9:
        return EVIDENCE, f"beats every null world by {points:.0f} points or more"
    best = max(null_counts, key=null_counts.__getitem__)
    return WEAK, f"beats the best null world ({best}) by only {points:.0f} points"


# --- one scenario ----------------------------------------------------------------------


@dataclass
class ScenarioResult:
    """An ensemble's outcome: the fact matrix (runs x facts), the ensemble's relations, and
    each null world's fact matrix on the same seeds."""

    name: str
    cfg: RunConfig
    seeds: list[int]
    fact_ids: list[str]
    passed: np.ndarray  # (runs, facts) bool
    relations: np.ndarray  # (runs, steps, n, n) float32
    nulls: dict[str, np.ndarray] = field(default_factory=dict)  # world -> (runs, facts) bool
    null_cfgs: dict[str, RunConfig] = field(default_factory=dict)

    def roles(self) -> list[tuple[str, str]]:
        runs = len(self.seeds)
        out = []
        for k, fid in enumerate(self.fact_ids):
            counts = {n: int(m[:, k].sum()) for n, m in self.nulls.items()}
            out.append(
                fact_role(self.cfg.facts[fid].kind, int(self.passed[:, k].sum()), counts, runs)
            )
        return out

    def table(self) -> pd.DataFrame:
        runs = len(self.seeds)
        rows = []
        for k, (fid, (role, why)) in enumerate(zip(self.fact_ids, self.roles(), strict=True)):
            fact = self.cfg.facts[fid]
            count = int(self.passed[:, k].sum())
            counts = {n: int(m[:, k].sum()) for n, m in self.nulls.items()}
            rate = count / runs if runs else float("nan")
            null_rates = [counts[n] / runs if n in counts else float("nan") for n in NULL_WORLDS]
            best = max(counts, key=counts.__getitem__) if counts else ""
            row = [self.name, fid, fact.description, fact.citation, fact.kind, runs, count, rate]
            rows.append([*row, *null_rates, best, skill(count, counts, runs), role, why])
        return pd.DataFrame(rows, columns=TABLE_COLUMNS)

    def runs_table(self) -> pd.DataFrame:
        """One row per world, seed and fact (the model first, then each null world)."""
        frames = []
        for world, m in {"model": self.passed, **self.nulls}.items():
            runs, facts = m.shape
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": self.name,
                        "world": world,
                        "seed": np.repeat(self.seeds, facts),
                        "fact": np.tile(np.array(self.fact_ids, dtype=object), runs),
                        "passed": m.ravel(),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    @property
    def mean_rate(self) -> float:
        return float(self.passed.mean()) if self.passed.size else float("nan")

    def meets_thresholds(self) -> bool:
        if not self.fact_ids:
            return True
        rates = self.passed.mean(0)
        return bool(rates.min() >= FACT_THRESHOLD and self.mean_rate >= MEAN_THRESHOLD)

    def evidence(self) -> tuple[int, int]:
        """(facts that are evidence, the least number the bar of two thirds asks)."""
        found = sum(role == EVIDENCE for role, _ in self.roles())
        return found, int(np.ceil(EVIDENCE_SHARE * len(self.fact_ids) - 1e-9))

    def headline(self) -> str:
        """The scenario's evidence in one line."""
        if not self.nulls:
            return "null worlds not run (nulls=none): no fact can count as evidence"
        found, bar = self.evidence()
        roles = [role for role, _ in self.roles()]
        counts = ", ".join(f"{roles.count(r)} {r}" for r in (CONSISTENCY, WEAK, MISSED))
        met = "met" if found >= bar else "missed"
        return (
            f"evidence: {found} of {len(self.fact_ids)} facts (skill >= {SKILL_POINTS} points"
            f" over {', '.join(self.nulls)}); bar of two thirds ({bar}): {met}; {counts}"
        )


def run_world(cfg: RunConfig, seed_list: list[int], n_jobs: int) -> np.ndarray:
    """The fact matrix (runs x facts) of a configuration on the given seeds."""
    from sim.record.ensemble import fact_row, map_runs

    out = map_runs(cfg, seed_list, fact_row, n_jobs=n_jobs, progress=sys.stderr.isatty())
    return np.array(out, dtype=bool).reshape(len(seed_list), len(cfg.facts))


def run_scenario(
    name: str,
    cfg: RunConfig,
    runs: int,
    n_jobs: int = -1,
    null_cfgs: dict[str, RunConfig] | None = None,
) -> ScenarioResult:
    """Run ``runs`` seeded replicates of a validated configuration and collect its facts;
    then each null world's on the same seeds."""
    from sim.record.ensemble import map_runs, seeds

    seed_list = seeds(cfg, runs)
    out = map_runs(cfg, seed_list, run_row, n_jobs=n_jobs, progress=sys.stderr.isatty())
    facts = np.array([o[0] for o in out], dtype=bool).reshape(len(out), len(cfg.facts))
    relations = np.stack([o[1] for o in out])
    null_cfgs = dict(null_cfgs or {})
    nulls = {n: run_world(c, seed_list, n_jobs) for n, c in null_cfgs.items()}
    return ScenarioResult(name, cfg, seed_list, list(cfg.facts), facts, relations, nulls, null_cfgs)


def null_configs(name: str, overrides: list[str], worlds: list[str]) -> dict[str, RunConfig]:
    """Each null world's validated configuration: the scenario, the overrides, its own."""
    return {
        w: checked_config([f"scenario={name}", *overrides, NULL_WORLDS[w][0]])[1] for w in worlds
    }
