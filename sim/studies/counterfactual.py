"""`cardplay compare`: a counterfactual against its baseline, on common random numbers.

::

    cardplay compare scenario=1969_border_clash runs=200 \\
        variant="events.zhenbao_clash.enabled=false" [variant=...] [outcome=...]
    cardplay compare experiment=compare_1969_border_clash

The baseline is the scenario with any plain overrides (``seed=5``,
``mechanics.depth=2`` ...); the variant is the baseline plus every ``variant=``
override (several ``variant=`` options, or several overrides separated by
spaces in one, make up one variant). Replicate k of both runs with seed
``seed + k``, so each pair of runs shares its random numbers (common random
numbers) and differs only by the variant: a variant identical to the baseline
gives differences of exactly zero.

Outcomes are scalars read off each run, in the stylized facts' language plus
threshold crossings and fact shares (:mod:`sim.studies.outcomes`). On the
command line::

    outcome="peak_stance:var=stance,actor=USSR,target=ROC,stat=max,from=1969-02,to=1969-12"
    outcome="us_prc_positive:var=relation,actor=US,target=PRC,above=0"
    outcome="{name: peak, var: stance, actor: USSR, target: ROC, stat: max}"
    outcome="record:facts=all"

or in an experiment file (``experiment=<name>`` reads ``experiments/<name>.yaml``,
or a path), see ``experiments/compare_1969_border_clash.yaml``. Without
outcomes the scenario's experiment file ``experiments/compare_<scenario>.yaml``
supplies them if it exists; otherwise the left-hand series of each stylized
fact is used.

For each outcome the command reports the paired mean difference (variant minus
baseline) with a bootstrap confidence interval (``scipy.stats.bootstrap``, BCa,
seeded), the Wilcoxon signed-rank test of the paired differences and the
two-sample Kolmogorov-Smirnov test of the two distributions
(:mod:`sim.studies.paired`), and writes a
folder (default ``outputs/compare/<scenario>_<time>/``, or ``out=...``)::

    runs.{parquet,csv}        seed, outcome, baseline, variant, difference
    summary.{parquet,csv}     one row per outcome: means, difference, CI, tests
    summary.md                the same in words
    figures/compare.png       fan charts of the relevant relation, baseline and variant,
                              and the first outcome's two distributions
    figures/fan_*.csv         the quantiles drawn
    config_baseline.yaml, config_variant.yaml, provenance.json

Other options: ``runs=200``, ``n_jobs=-1``, ``confidence=0.95``,
``resamples=9999``, ``pair=A,B`` (the relation to draw). Bad input fails before
anything runs: one line, exit 2, no folder.
"""

from __future__ import annotations

import functools
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.scenario.schema import PAIR_VARS, RunConfig
from sim.studies.outcomes import (
    Outcome,
    check_outcomes,
    outcomes_from_block,
    parse_outcome,
    run_outcomes,
)
from sim.studies.paired import paired_summary
from sim.studies.shell import data_file, interval_options, output_folder, read_yaml, run_options

SUMMARY_COLUMNS = [
    "outcome",
    "description",
    "unit",
    "runs",
    "baseline_mean",
    "variant_mean",
    "mean_difference",
    "ci_low",
    "ci_high",
    "confidence",
    "wilcoxon_statistic",
    "wilcoxon_p",
    "ks_statistic",
    "ks_p",
    "censored_baseline",
    "censored_variant",
]
RUNS_COLUMNS = [
    "seed",
    "outcome",
    "baseline",
    "variant",
    "difference",
    "censored_baseline",
    "censored_variant",
]


# --- the comparison -----------------------------------------------------------------------------


@dataclass
class Comparison:
    """Baseline and variant ensembles on the same seeds, reduced to outcomes."""

    scenario: str
    baseline: RunConfig
    variant: RunConfig
    variant_overrides: list[str]
    outcomes: list[Outcome]
    seeds: list[int]
    values: np.ndarray  # (2, runs, outcomes): baseline, variant
    censored: np.ndarray  # (2, runs, outcomes) bool
    pair: tuple[str, str]
    relations: np.ndarray  # (2, runs, steps) of the drawn pair

    def runs_table(self) -> pd.DataFrame:
        """One row per outcome and seed: baseline, variant, their difference, censoring."""
        k, runs = len(self.outcomes), len(self.seeds)
        base, var = (self.values[side].T.ravel() for side in (0, 1))
        cb, cv = (self.censored[side].T.ravel() for side in (0, 1))
        names = np.repeat(np.array([o.name for o in self.outcomes], dtype=object), runs)
        seeds = np.tile(np.asarray(self.seeds), k)
        cols = (seeds, names, base, var, var - base, cb, cv)
        return pd.DataFrame(dict(zip(RUNS_COLUMNS, cols, strict=True)))

    def summary(self, seed: int = 0, confidence: float = 0.95, resamples: int = 9999):
        rows = []
        for k, o in enumerate(self.outcomes):
            s = paired_summary(
                self.values[0, :, k],
                self.values[1, :, k],
                seed=seed + k,
                confidence=confidence,
                resamples=resamples,
            )
            s.update(
                outcome=o.name,
                description=o.label(),
                unit=o.unit,
                censored_baseline=int(self.censored[0, :, k].sum()),
                censored_variant=int(self.censored[1, :, k].sum()),
            )
            rows.append(s)
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def figure_pair(cfg: RunConfig, outcomes: list[Outcome]) -> tuple[str, str]:
    """The relation to draw: the first outcome's pair, else the facts' first key pair."""
    for o in outcomes:
        s = o.series
        if s is None:  # a facts outcome
            continue
        if s.var in PAIR_VARS and s.actor and s.target:
            return s.actor, s.target
        if s.triad:
            return s.triad[0], s.triad[1]
    from sim.studies.fans import key_pairs

    return key_pairs(cfg)[0]


def compare(
    scenario: str,
    baseline: RunConfig,
    variant: RunConfig,
    variant_overrides: list[str],
    outcomes: list[Outcome],
    runs: int,
    n_jobs: int = -1,
    pair: tuple[str, str] | None = None,
) -> Comparison:
    """Run baseline and variant on the same seeds and reduce every run to the outcomes."""
    from sim.record.ensemble import map_runs, seeds

    pair = pair or figure_pair(baseline, outcomes)
    ix = {a: k for k, a in enumerate(baseline.actor_ids)}
    fn = functools.partial(run_outcomes, outcomes=tuple(outcomes), pair=(ix[pair[0]], ix[pair[1]]))
    seed_list = seeds(baseline, runs)
    progress = sys.stderr.isatty()
    both = [
        map_runs(c, seed_list, fn, n_jobs=n_jobs, progress=progress) for c in (baseline, variant)
    ]
    values = np.array([[[v for v, _ in row[0]] for row in side] for side in both], dtype=float)
    censored = np.array([[[c for _, c in row[0]] for row in side] for side in both], dtype=bool)
    values = values.reshape(2, runs, len(outcomes))
    censored = censored.reshape(2, runs, len(outcomes))
    relations = np.array([[row[1] for row in side] for side in both])
    return Comparison(
        scenario,
        baseline,
        variant,
        list(variant_overrides),
        list(outcomes),
        seed_list,
        values,
        censored,
        pair,
        relations,
    )


# --- the command ---------------------------------------------------------------------------


def read_experiment(path: Path) -> dict:
    """The ``compare:`` block of an experiment file."""
    data = read_yaml(path)
    block = data.get("compare") if isinstance(data, dict) else None
    if not isinstance(block, dict):
        raise ConfigError("experiment", str(path), "a YAML file with a 'compare:' mapping")
    allowed = {"scenario", "runs", "variant", "outcomes", "overrides", "pair", "description"}
    for k in block:
        if k not in allowed:
            raise ConfigError(f"compare.{k}", block[k], "valid keys: " + ", ".join(sorted(allowed)))
    return block


def _as_list(value, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(key, value, "an override string or a list of them")


def default_outcomes(scenario: str, cfg: RunConfig) -> list[Outcome]:
    """The scenario's experiment file's outcomes, else each fact's left-hand series."""
    from sim.scenario.config import REPO
    from sim.scenario.schema import AllOf, AnyOf

    path = REPO / "experiments" / f"compare_{scenario}.yaml"
    if path.is_file():
        found = outcomes_from_block(read_experiment(path).get("outcomes"))
        if found:
            return found
    out = []
    for fid, fact in cfg.facts.items():
        check = fact.check
        while isinstance(check, AllOf | AnyOf):
            check = (check.all if isinstance(check, AllOf) else check.any)[0]
        out.append(Outcome(fid, check.left, fact.description))
    return out


def _split_variant(values: list[str]) -> list[str]:
    out = []
    for v in values:
        out += shlex.split(v)
    return out


def cmd_compare(args: list[str]) -> int:
    overrides = list(args)
    variant_values: list[str] = []
    outcome_texts: list[str] = []
    rest = []
    for o in overrides:
        key, _, value = o.partition("=")
        if key == "variant":
            variant_values.append(value)
        elif key == "outcome":
            outcome_texts.append(value)
        else:
            rest.append(o)
    overrides = rest
    block: dict = {}
    exp = pop_option(overrides, "experiment", None, str)
    if exp:
        block = read_experiment(data_file(exp))
    default_runs = block.get("runs", 200)
    if not isinstance(default_runs, int) or isinstance(default_runs, bool):
        raise ConfigError("compare.runs", default_runs, "a whole number >= 2")
    runs, n_jobs = run_options(overrides, default_runs, least=2)
    confidence, resamples = interval_options(overrides)
    out = pop_option(overrides, "out", None, str)
    pair_text = pop_option(overrides, "pair", None, str)

    scenario = None
    for o in overrides:
        if o.startswith("scenario="):
            scenario = o.split("=", 1)[1]
    if scenario is None:
        scenario = block.get("scenario", "1969_border_clash")
        overrides.insert(0, f"scenario={scenario}")
    base_overrides = [*_as_list(block.get("overrides"), "compare.overrides"), *overrides]
    variant_overrides = [
        *_as_list(block.get("variant"), "compare.variant"),
        *_split_variant(variant_values),
    ]
    raw_b, cfg_b = checked_config(list(base_overrides))
    raw_v, cfg_v = checked_config([*base_overrides, *variant_overrides])

    outcomes = [parse_outcome(t, k) for k, t in enumerate(outcome_texts)]
    outcomes = outcomes or outcomes_from_block(block.get("outcomes"))
    outcomes = outcomes or default_outcomes(scenario, cfg_b)
    if not outcomes:
        raise ConfigError("outcome", None, "at least one outcome (the scenario has no facts)")
    check_outcomes(cfg_b, outcomes)
    pair = None
    pair_text = pair_text or (",".join(block["pair"]) if block.get("pair") else None)
    if pair_text:
        pair = tuple(a.strip() for a in pair_text.replace("+", ",").split(",") if a.strip())
        if len(pair) != 2 or pair[0] == pair[1] or any(a not in cfg_b.actors for a in pair):
            raise ConfigError("pair", pair_text, "two different actors, e.g. USSR,ROC")
    if not variant_overrides:  # the baseline against itself says nothing
        raise ConfigError("variant", "", "overrides to compare, variant='key=value ...'")
    folder = output_folder(out, "compare", prefix=f"{scenario}_")

    cmp = compare(scenario, cfg_b, cfg_v, variant_overrides, outcomes, runs, n_jobs, pair)
    summary = cmp.summary(seed=cfg_b.seed, confidence=confidence, resamples=resamples)
    print(
        f"{scenario}: baseline vs variant {' '.join(variant_overrides) or '(none)'},"
        f" {runs} paired runs, seeds {cmp.seeds[0]}..{cmp.seeds[-1]}"
    )
    for r in summary.itertuples():
        cens = (
            f"; never crossed: {r.censored_baseline} baseline, {r.censored_variant} variant"
            if r.censored_baseline or r.censored_variant
            else ""
        )
        print(
            f"  {r.outcome}: {r.baseline_mean:.4g} -> {r.variant_mean:.4g}, difference"
            f" {r.mean_difference:+.4g} [{r.ci_low:+.4g}, {r.ci_high:+.4g}] ({r.confidence:.0%} CI),"
            f" Wilcoxon p={r.wilcoxon_p:.3g}, KS p={r.ks_p:.3g}{cens}"
        )
    extra = {"bootstrap": {"method": "BCa", "resamples": resamples, "seed": cfg_b.seed}}
    from sim.studies.compare_report import write_comparison

    write_comparison(cmp, summary, folder, (raw_b, raw_v), extra)
    print(f"folder: {folder}")
    return 0
