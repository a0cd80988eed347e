"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

``cardplay sensitivity experiment=sensitivity_1969`` reads an experiment file
(``experiments/sensitivity_*.yaml``) naming a scenario, the parameters (any
configuration keys) with their bounds, a scalar outcome and the methods, then

1. samples the parameter box with SALib (Morris trajectories: Morris 1991,
   Campolongo et al. 2007; Sobol/Saltelli design: Saltelli 2002, Saltelli et al.
   2010), seeded by ``sample_seed``;
2. runs ``replicates`` seeded replicates at each sample point (seeds ``seed ..
   seed+replicates-1``, the same at every point: common random numbers) on
   worker processes (:func:`sim.studies.points.map_points`) and averages the outcome;
3. analyses with SALib (Morris mu*, mu, sigma with bootstrap confidence
   intervals; Sobol first-order S1 and total-order ST with bootstrap confidence
   intervals, and S2 if asked), seeded too;
4. writes ``indices.parquet`` (or .csv), ``samples.parquet``, ``figures/sensitivity.png``
   (bars with 95% confidence intervals), the experiment, the base config and provenance.

Outcomes (``outcome:`` in the file), each averaged over the replicates:

- ``pass_rate: all`` - the share of the scenario's stylized facts that hold;
- ``fact: <id>`` - whether one fact holds (its pass rate over the replicates);
- ``series: {var, actor, target, stat, from, to, ...}`` - a statistic of one series
  (:func:`sim.record.facts.statistic`; the same language as the facts);
- ``crossing: {var, actor, target, above: 0.0, from: YYYY-MM}`` (or ``below:``) - months
  from the window's start until the series first lies above (below) the level,
  e.g. the month the US-PRC relation turns positive in 1972; a run where it never
  does counts as the window's length plus one step (censored).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.studies.experiment import (
    check_folder,
    default_folder,
    load_experiment,
    output_options,
    parse_complements,
    parse_parameters,
    save_png,
    text,
)
from sim.studies.points import map_points

KEYS = (
    "name",
    "description",
    "scenario",
    "overrides",
    "replicates",
    "sample_seed",
    "outcome",
    "methods",
    "parameters",
    "complements",
)
METHODS = ("morris", "sobol")
CONF_LEVEL = 0.95
# Sample points per worker process come in this many chunks: thousands of short runs,
# so small chunks keep both workers busy to the end at a negligible cost per chunk.
CHUNKS_PER_JOB = 16


# --- the outcome --------------------------------------------------------------------------


class Outcome:
    """The file's ``outcome:`` (``pass_rate``, ``fact``, ``series`` or ``crossing``) as a
    :class:`sim.studies.outcomes.Outcome`, the outcome language of the paired studies;
    called on a run, its value (picklable: workers call it)."""

    def __init__(self, spec: dict, cfg):
        from sim.studies.outcomes import check_outcomes, outcome_from_mapping

        kinds = "one of pass_rate: all, fact: <id>, series: {...}, crossing: {...}"
        if not isinstance(spec, dict) or len(spec) != 1:
            raise ConfigError("outcome", spec, kinds)
        ((self.kind, arg),) = spec.items()
        key = f"outcome.{self.kind}"
        if self.kind == "pass_rate":
            if arg not in ("all", None):
                raise ConfigError(key, arg, "all")
            mapping = {"facts": "all"}
        elif self.kind == "fact":
            mapping = {"facts": [arg]}
        elif self.kind in ("series", "crossing") and isinstance(arg, dict):
            mapping = dict(arg)
            if self.kind == "crossing" and ("above" in arg) == ("below" in arg):
                raise ConfigError(key, arg, "exactly one of above: or below:")
        elif self.kind in ("series", "crossing"):
            raise ConfigError(key, arg, "a mapping: var, actor, target, ...")
        else:
            raise ConfigError("outcome", self.kind, kinds)
        self.outcome = outcome_from_mapping(mapping, key, self.kind)
        check_outcomes(cfg, [self.outcome], key)

    def label(self) -> str:
        o, s = self.outcome, self.outcome.series
        if self.kind == "pass_rate":
            return "stylized-fact pass rate"
        if self.kind == "fact":
            return f"pass rate of {o.facts[0]}"
        who = "-".join(x for x in (s.actor, s.target) if x)
        if self.kind == "crossing":
            side = "above" if o.above is not None else "below"
            return f"months until {s.var} {who} is {side} {getattr(o, side):g}"
        return f"{s.stat} of {s.var} {who}"

    def __call__(self, res) -> float:
        from sim.studies.outcomes import outcome_value

        return outcome_value(res, self.outcome)[0]


# --- the analysis ------------------------------------------------------------------------


def salib_seed(seed: int, stream: int) -> int:
    """A nonzero seed for SALib from ours (SALib's Sobol analyzer treats 0 as unseeded)."""
    return int(np.random.SeedSequence([int(seed), stream]).generate_state(1)[0]) or 1


def problem(names: list[str], bounds: np.ndarray) -> dict:
    return {"num_vars": len(names), "names": list(names), "bounds": bounds.tolist()}


def sample(method: str, prob: dict, opts: dict, seed: int) -> np.ndarray:
    """SALib's sample for ``method`` (Morris trajectories or the Sobol/Saltelli design)."""
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(
            prob,
            N=int(opts.get("trajectories", 10)),
            num_levels=int(opts.get("levels", 4)),
            seed=salib_seed(seed, 1),
        )
    from SALib.sample import sobol

    return sobol.sample(
        prob,
        N=int(opts.get("n", 64)),
        calc_second_order=bool(opts.get("second_order", False)),
        scramble=True,
        seed=salib_seed(seed, 2),
    )


def analyze(method: str, prob: dict, opts: dict, X: np.ndarray, Y: np.ndarray, seed: int):
    """SALib's analysis; returns the tidy indices table of ``method``."""
    rows = []
    names = prob["names"]
    if method == "morris":
        from SALib.analyze import morris

        si = morris.analyze(
            prob,
            X,
            Y,
            num_levels=int(opts.get("levels", 4)),
            conf_level=CONF_LEVEL,
            num_resamples=int(opts.get("resamples", 1000)),
            seed=salib_seed(seed, 3),
        )
        for i, p in enumerate(names):
            rows.append(("morris", p, "mu_star", si["mu_star"][i], si["mu_star_conf"][i]))
            rows.append(("morris", p, "mu", si["mu"][i], np.nan))
            rows.append(("morris", p, "sigma", si["sigma"][i], np.nan))
    else:
        from SALib.analyze import sobol

        second = bool(opts.get("second_order", False))
        si = sobol.analyze(
            prob,
            Y,
            calc_second_order=second,
            conf_level=CONF_LEVEL,
            num_resamples=int(opts.get("resamples", 1000)),
            seed=salib_seed(seed, 4),
        )
        for i, p in enumerate(names):
            rows.append(("sobol", p, "S1", si["S1"][i], si["S1_conf"][i]))
            rows.append(("sobol", p, "ST", si["ST"][i], si["ST_conf"][i]))
        if second:
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    rows.append(
                        (
                            "sobol",
                            f"{names[i]} x {names[j]}",
                            "S2",
                            si["S2"][i, j],
                            si["S2_conf"][i, j],
                        )
                    )
    df = pd.DataFrame(rows, columns=["method", "parameter", "index", "value", "conf"])
    df["value"] = df["value"].astype(float)
    df["conf"] = df["conf"].astype(float)
    return df


def run_sensitivity(
    cfg,
    names: list[str],
    bounds: np.ndarray,
    outcome: Outcome,
    methods: dict[str, dict],
    *,
    replicates: int = 1,
    sample_seed: int = 0,
    complements: dict | None = None,
    n_jobs: int = 1,
    progress: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Sample, run and analyse: (indices, samples, seconds per method)."""
    from sim.record.ensemble import seeds

    prob = problem(names, bounds)
    seed_list = seeds(cfg, replicates)
    tables, samples, times = [], [], {}
    for method, opts in methods.items():
        t0 = time.perf_counter()
        X = sample(method, prob, opts, sample_seed)
        out = map_points(
            cfg,
            names,
            X,
            seed_list,
            outcome,
            n_jobs=n_jobs,
            chunks_per_job=CHUNKS_PER_JOB,
            progress=progress,
            desc=method,
            complements=complements,
        )
        runs = np.array(out, dtype=float).reshape(len(X), len(seed_list))
        Y = runs.mean(axis=1)
        tables.append(analyze(method, prob, opts, X, Y, sample_seed))
        times[method] = time.perf_counter() - t0
        s = pd.DataFrame(X, columns=names)
        s.insert(0, "point", np.arange(len(X), dtype="int64"))
        s.insert(0, "method", method)
        s["outcome"] = Y
        s["outcome_sd"] = runs.std(axis=1, ddof=1) if replicates > 1 else np.nan
        samples.append(s)
    return pd.concat(tables, ignore_index=True), pd.concat(samples, ignore_index=True), times


# --- the command ---------------------------------------------------------------------------


def parse_methods(spec, only: str) -> dict[str, dict]:
    spec = spec or {"morris": {}, "sobol": {}}
    if not isinstance(spec, dict) or not set(spec) <= set(METHODS):
        raise ConfigError("methods", spec, "a mapping with morris: {...} and/or sobol: {...}")
    out = {m: dict(spec[m] or {}) for m in METHODS if m in spec}
    if only != "all":
        if only not in METHODS:
            raise ConfigError("method", only, "morris, sobol or all")
        out = {only: out.get(only, {})}
    return out


def cmd_sensitivity(args: list[str]) -> int:
    """``cardplay sensitivity experiment=<file> [method=all|morris|sobol] [n=...]
    [trajectories=...] [replicates=...] [sample_seed=...] [n_jobs=-1] [format=parquet|csv]
    [out=DIR] [figures=true] [overrides]``."""
    from sim.record.ensemble import default_jobs
    from sim.record.output import staged, write_json, write_tables, write_yaml
    from sim.record.provenance import record

    overrides = list(args)
    name = pop_option(overrides, "experiment", "sensitivity_1969", text)
    only = pop_option(overrides, "method", "all", text)
    n = pop_option(overrides, "n", 0)
    trajectories = pop_option(overrides, "trajectories", 0)
    reps = pop_option(overrides, "replicates", 0)
    sseed = pop_option(overrides, "sample_seed", -1)
    n_jobs, fmt, out, figures = output_options(overrides)
    path, spec = load_experiment(name, "sensitivity_", KEYS)
    methods = parse_methods(spec.get("methods"), only)
    if n:
        methods.get("sobol", {})["n"] = n
    if trajectories:
        methods.get("morris", {})["trajectories"] = trajectories
    for m, opts in methods.items():
        for k in ("n", "trajectories", "levels", "resamples"):
            if k in opts and (not isinstance(opts[k], int) or opts[k] < 1):
                raise ConfigError(f"methods.{m}.{k}", opts[k], "a whole number >= 1")
    replicates = reps or int(spec.get("replicates", 1))
    if replicates < 1:
        raise ConfigError("replicates", replicates, "a whole number >= 1")
    sample_seed = sseed if sseed >= 0 else int(spec.get("sample_seed", 0))
    scenario = spec.get("scenario", "1969_border_clash")
    fixed = [str(o) for o in spec.get("overrides") or []]
    raw, cfg = checked_config([f"scenario={scenario}", *fixed, *overrides])
    complements = parse_complements(spec.get("complements"))
    names, bounds = parse_parameters(spec.get("parameters"), cfg, complements)
    outcome = Outcome(spec.get("outcome") or {"pass_rate": "all"}, cfg)
    label = spec.get("name", path.stem)
    folder = Path(out) if out else default_folder(cfg, "sensitivity", label)
    check_folder(folder)
    jobs = default_jobs() if n_jobs == -1 else n_jobs

    t0 = time.perf_counter()
    indices, samples, times = run_sensitivity(
        cfg,
        names,
        bounds,
        outcome,
        methods,
        replicates=replicates,
        sample_seed=sample_seed,
        complements=complements,
        n_jobs=jobs,
        progress=True,
    )
    elapsed = time.perf_counter() - t0
    used = {**spec, "methods": methods, "replicates": replicates, "sample_seed": sample_seed}
    with staged(folder) as stage:
        write_tables({"indices": indices, "samples": samples}, stage, [fmt])
        write_yaml(used, stage / "experiment.yaml")
        write_yaml(raw, stage / "config.yaml")
        write_json(
            record(
                cfg,
                experiment=str(path),
                outcome=outcome.label(),
                runs={m: int((samples["method"] == m).sum()) * replicates for m in methods},
                seconds={m: round(t, 2) for m, t in times.items()},
                n_jobs=jobs,
            ),
            stage / "provenance.json",
        )
        if figures:
            from sim.studies.figures import sensitivity_figure

            save_png(
                sensitivity_figure(indices, outcome.label()), stage / "figures" / "sensitivity.png"
            )
    total = sum(int((samples["method"] == m).sum()) * replicates for m in methods)
    print(
        f"{label}: {outcome.label()}, {len(names)} parameters, {total} runs in {elapsed:.1f} s -> {folder}"
    )
    show = indices[indices["index"].isin(["mu_star", "S1", "ST"])]
    wide = show.pivot_table(index="parameter", columns="index", values="value", sort=False)
    conf = show.pivot_table(index="parameter", columns="index", values="conf", sort=False)
    for p in wide.index:
        cells = [f"{k} {wide.loc[p, k]:7.3f} \u00b1 {conf.loc[p, k]:.3f}" for k in wide.columns]
        print(f"  {p:45s} " + "   ".join(cells))
    return 0
