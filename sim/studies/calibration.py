"""Calibration: fit free parameters to the record across all scenarios at once.

``cardplay calibrate experiment=calibrate_mechanics`` reads an experiment file
(``experiments/calibrate_*.yaml``) naming the free parameters with bounds
(``mechanics.*``: the one set of decision constants shared by every scenario;
``actors.<id>.weights.*``: an era's interest weights, shared by its scenarios),
the scenarios, and the record to match, and minimises

    loss(x) = w_facts * (1 - mean over scenarios of the stylized-fact pass rate)
              + sum over targets of w_t * error_t

where a scenario's pass rate is the share of its facts that hold, averaged over
``replicates`` seeded runs; a target either matches a series statistic to a
recorded value (``value:``, squared log error with ``scale: log`` or squared
relative error with ``scale: relative``, averaged over the runs; e.g. Taiwan-Russia
trade turnover in 2014, US$ 4,900 m, Tang) or asks a check to hold (``check:``,
the language of the facts; error = 1 - its pass rate; e.g. the 2015 dip).
Targets whose scenario is not shipped are skipped (and reported).

Every evaluation uses the same seeds (common random numbers), so the loss is a
deterministic function of the parameters and the optimiser's comparisons are
paired. Optimisers: ``differential_evolution`` (scipy, seeded, the default
parameters as one member of the first population, candidates of a generation
evaluated together on worker processes) or ``nelder-mead`` (scipy, bounded, from
the defaults). Writes ``fitted.yaml`` (the values, the loss and its parts at the
fit and at the defaults, and the command line that runs the fit),
``history.parquet`` (every evaluation), ``figures/calibration.png``, the
experiment and provenance.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.studies.experiment import (
    check_folder,
    load_experiment,
    output_options,
    parse_parameters,
    save_png,
    text,
    unused,
)
from sim.studies.objective import Objective, Target

KEYS = (
    "name",
    "description",
    "scenarios",
    "overrides",
    "replicates",
    "optimizer_seed",
    "method",
    "budget",
    "parameters",
    "facts_weight",
    "targets",
)
METHODS = ("differential_evolution", "nelder-mead")


def defaults(cfg, names: list[str]) -> np.ndarray:
    """The parameters' values in a configuration (the starting point)."""
    return np.array([float(v) for v in _raw_values(cfg, names)])


def calibrate(
    objective: Objective,
    bounds: np.ndarray,
    x0: np.ndarray,
    method: str = "differential_evolution",
    budget: dict | None = None,
    seed: int = 0,
    integrality: np.ndarray | None = None,
):
    """Run the optimiser; returns scipy's OptimizeResult (the history is on ``objective``)."""
    from scipy import optimize

    budget = dict(budget or {})
    x0 = np.clip(x0, bounds[:, 0], bounds[:, 1])
    objective.generation = -1
    objective(x0)  # evaluation 0, generation 0: the defaults
    if method == "differential_evolution":
        return optimize.differential_evolution(
            objective,
            bounds=[tuple(b) for b in bounds],
            x0=x0,
            rng=np.random.default_rng(seed),
            maxiter=int(budget.get("maxiter", 2)),
            popsize=int(budget.get("popsize", 4)),
            tol=float(budget.get("tol", 0.0)),
            mutation=tuple(budget.get("mutation", (0.5, 1.0))),
            recombination=float(budget.get("recombination", 0.7)),
            init=str(budget.get("init", "sobol")),
            polish=False,
            updating="deferred",
            vectorized=True,
            integrality=integrality,
        )
    return optimize.minimize(
        objective,
        x0,
        method="Nelder-Mead",
        bounds=[tuple(b) for b in bounds],
        options={
            "maxfev": int(budget.get("maxfev", 40)),
            "xatol": float(budget.get("xatol", 1e-4)),
            "fatol": float(budget.get("fatol", 1e-4)),
            "initial_simplex": None,
        },
    )


# --- the command ---------------------------------------------------------------------------


def build(spec: dict, overrides: list[str], scenarios_arg: str = ""):
    """Configurations per scenario, parameters, bounds and targets from an experiment spec."""
    from sim.scenario.config import scenario_names

    chosen = scenarios_arg or spec.get("scenarios", "all")
    if chosen == "all":
        chosen = scenario_names()
    elif isinstance(chosen, str):
        chosen = [s.strip() for s in chosen.split(",") if s.strip()]
    if not isinstance(chosen, list) or not chosen:
        raise ConfigError("scenarios", chosen, "all, or a list of scenario names")
    for s in chosen:
        if s not in scenario_names():
            raise ConfigError("scenarios", s, "valid: " + ", ".join(scenario_names()))
    fixed = [str(o) for o in spec.get("overrides") or []]
    raws, configs = {}, {}
    for s in chosen:
        raws[s], configs[s] = checked_config([f"scenario={s}", *fixed, *overrides])
    names, bounds = None, None
    for cfg in configs.values():
        names, bounds = parse_parameters(spec.get("parameters"), cfg)
    if len(configs) > 1:
        check_shared(names, configs)
    targets, skipped = [], []
    for i, t in enumerate(spec.get("targets") or []):
        target = Target(t, i)
        if target.scenario in configs:
            target.check_on(configs[target.scenario])
            targets.append(target)
        else:
            skipped.append(target.name)
    return raws, configs, names, bounds, targets, skipped


def run_command(fitted: dict, scenarios: list[str]) -> str:
    """The ``cardplay run`` line that applies a fit: mechanics hold for any scenario; interest
    weights belong to the fitted scenarios' era, so the line names the first of them."""
    values = " ".join(f"{k}={v}" for k, v in fitted.items())
    if all(k.startswith("mechanics.") for k in fitted):
        return "cardplay run " + values
    return f"cardplay run scenario={scenarios[0]} " + values


def check_shared(names: list[str], configs: dict) -> None:
    """Several scenarios share one value per parameter: the mechanics constants (one set for
    every scenario), or an actor's interest weights when every scenario is of one era (the
    era's free weights, e.g. 2014_crimea and 2022_invasion)."""
    eras = sorted({cfg.era for cfg in configs.values()})
    for n in names:
        if n.startswith("mechanics."):
            continue
        parts = n.split(".")
        weight = len(parts) == 4 and parts[0] == "actors" and parts[2] == "weights"
        if not weight:
            raise ConfigError(
                "parameters",
                n,
                "mechanics.* or actors.<id>.weights.* when several scenarios are fitted",
            )
        if len(eras) > 1 or not eras[0]:
            raise ConfigError(
                "parameters",
                n,
                "interest weights are fitted across scenarios of one era only (eras: "
                + ", ".join(f"{s}={c.era or '?'}" for s, c in configs.items())
                + ")",
            )


def cmd_calibrate(args: list[str]) -> int:
    """``cardplay calibrate experiment=<file> [scenarios=all|a,b] [method=...] [maxiter=...]
    [popsize=...] [maxfev=...] [replicates=...] [optimizer_seed=...] [n_jobs=-1]
    [format=parquet|csv] [out=DIR] [figures=true] [overrides]``."""
    from sim.record.ensemble import default_jobs
    from sim.record.output import staged, write_json, write_tables, write_yaml
    from sim.record.provenance import record

    overrides = list(args)
    name = pop_option(overrides, "experiment", "calibrate_mechanics", text)
    scen = pop_option(overrides, "scenarios", "", text)
    method = pop_option(overrides, "method", "", text)
    maxiter = pop_option(overrides, "maxiter", 0)
    popsize = pop_option(overrides, "popsize", 0)
    maxfev = pop_option(overrides, "maxfev", 0)
    reps = pop_option(overrides, "replicates", 0)
    oseed = pop_option(overrides, "optimizer_seed", -1)
    n_jobs, fmt, out, figures = output_options(overrides)
    path, spec = load_experiment(name, "calibrate_", KEYS)
    method = method or spec.get("method", "differential_evolution")
    if method not in METHODS:
        raise ConfigError("method", method, "valid: " + ", ".join(METHODS))
    budget = dict(spec.get("budget") or {})
    for k, v in (("maxiter", maxiter), ("popsize", popsize), ("maxfev", maxfev)):
        if v < 0:
            raise ConfigError(k, v, "a whole number >= 1")
        if v:
            budget[k] = v
    replicates = reps or int(spec.get("replicates", 2))
    if replicates < 1:
        raise ConfigError("replicates", replicates, "a whole number >= 1")
    seed = oseed if oseed >= 0 else int(spec.get("optimizer_seed", 0))
    raws, configs, names, bounds, targets, skipped = build(spec, overrides, scen)
    label = spec.get("name", path.stem)
    first = next(iter(configs.values()))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = (
        Path(out) if out else unused(Path(first.output.dir) / "calibration" / f"{label}_{stamp}")
    )
    check_folder(folder)
    jobs = default_jobs() if n_jobs == -1 else n_jobs
    objective = Objective(
        configs,
        names,
        targets,
        replicates=replicates,
        facts_weight=float(spec.get("facts_weight", 1.0)),
        n_jobs=jobs,
        progress=True,
    )
    ints = np.array([isinstance(v, int) for v in _raw_values(first, names)])
    x0 = defaults(first, names)
    t0 = time.perf_counter()
    res = calibrate(objective, bounds, x0, method, budget, seed, ints if ints.any() else None)
    elapsed = time.perf_counter() - t0
    history = pd.DataFrame(objective.history)
    best = history.loc[history["loss"].idxmin()]
    start = history.iloc[0]
    fitted = {
        p: _plain(best[p], isinstance(v, int))
        for p, v in zip(names, _raw_values(first, names), strict=True)
    }
    summary = {
        "experiment": label,
        "method": method,
        "scenarios": list(configs),
        "replicates": replicates,
        "evaluations": int(len(history)),
        "fitted": fitted,
        "loss": float(best["loss"]),
        "defaults": {
            p: _plain(v, isinstance(v, int))
            for p, v in zip(names, _raw_values(first, names), strict=True)
        },
        "loss_at_defaults": float(start["loss"]),
        "at_fit": {k: float(best[k]) for k in history.columns if ":" in k or k == "pass_rate"},
        "at_defaults": {
            k: float(start[k]) for k in history.columns if ":" in k or k == "pass_rate"
        },
        "targets_skipped": skipped,
        "command": run_command(fitted, list(configs)),
        "optimizer_message": str(getattr(res, "message", "")),
    }
    with staged(folder) as stage:
        write_yaml(summary, stage / "fitted.yaml")
        write_tables({"history": history}, stage, [fmt])
        write_yaml(
            {
                **spec,
                "method": method,
                "budget": budget,
                "replicates": replicates,
                "optimizer_seed": seed,
            },
            stage / "experiment.yaml",
        )
        write_json(
            record(
                first,
                experiment=str(path),
                scenarios=list(configs),
                evaluations=len(history),
                seconds=round(elapsed, 1),
                n_jobs=jobs,
            ),
            stage / "provenance.json",
        )
        if figures:
            from sim.studies.figures import calibration_figure

            save_png(
                calibration_figure(history, names, bounds), stage / "figures" / "calibration.png"
            )
    runs = sum(len(objective.cache) * len(s) for s in objective.seeds.values())
    print(
        f"{label}: {method}, {len(names)} parameters over {', '.join(configs)}; {len(history)} evaluations ({runs} runs) in {elapsed:.1f} s -> {folder}"
    )
    if skipped:
        print(f"  targets skipped (scenario not shipped): {', '.join(skipped)}")
    print(
        f"  loss {summary['loss_at_defaults']:.4f} at the defaults -> {summary['loss']:.4f} at the fit"
    )
    for p in names:
        print(f"  {p:40s} {summary['defaults'][p]!s:>10} -> {fitted[p]}")
    return 0


def _raw_values(cfg, names: list[str]) -> list:
    raw = cfg.model_dump(mode="python", by_alias=True)
    out = []
    for key in names:
        node = raw
        for part in key.split("."):
            node = node[part]
        out.append(node)
    return out


def _plain(v, integer: bool):
    return int(round(float(v))) if integer else float(f"{float(v):.6g}")
