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

Outcomes are scalars read off each run, written as the ``Series`` the stylized
facts use (``var, actor, target, faction, triad, value, stat, from, to,
date``), plus an optional threshold crossing: ``above: x`` (or ``below: x``)
gives the number of months from the window's start to the first step in
``from..to`` at which the series is above (below) ``x``; runs that never cross
count as one step past ``to`` and are reported as censored. Time statistics
(``argmin``, ``argmax``, crossings) are in months since the window's start.
On the command line::

    outcome="peak_stance:var=stance,actor=USSR,target=ROC,stat=max,from=1969-02,to=1969-12"
    outcome="us_prc_positive:var=relation,actor=US,target=PRC,above=0"
    outcome="{name: peak, var: stance, actor: USSR, target: ROC, stat: max}"

or in an experiment file (``experiment=<name>`` reads ``experiments/<name>.yaml``,
or a path), see ``experiments/compare_1969_border_clash.yaml``. Without
outcomes the scenario's experiment file ``experiments/compare_<scenario>.yaml``
supplies them if it exists; otherwise the left-hand series of each stylized
fact is used.

For each outcome the command reports the paired mean difference (variant minus
baseline) with a bootstrap confidence interval (``scipy.stats.bootstrap``, BCa,
seeded), the Wilcoxon signed-rank test of the paired differences and the
two-sample Kolmogorov-Smirnov test of the two distributions, and writes a
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
import yaml
from pydantic import ValidationError

from sim.scenario.calendar import date_to_step
from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.scenario.schema import PAIR_VARS, RunConfig, Series
from sim.studies.validation import output_folder

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
TIME_STATS = ("argmin", "argmax")
OUTCOME_KEYS = ("name", "description", "above", "below")


# --- outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """A scalar per run: a Series reduced by its statistic, or a threshold crossing."""

    name: str
    series: Series
    description: str = ""
    above: float | None = None
    below: float | None = None

    @property
    def crossing(self) -> bool:
        return self.above is not None or self.below is not None

    @property
    def is_time(self) -> bool:
        return self.crossing or self.series.stat in TIME_STATS

    @property
    def unit(self) -> str:
        return "months since the window's start" if self.is_time else "value"

    def label(self) -> str:
        return self.description or self.name


def outcome_from_mapping(data: dict, key: str, default_name: str) -> Outcome:
    """An Outcome from a mapping of Series fields plus name/description/above/below."""
    if not isinstance(data, dict):
        raise ConfigError(key, data, "a mapping of series fields (var, actor, target, stat ...)")
    data = dict(data)
    name = str(data.pop("name", default_name))
    description = str(data.pop("description", ""))
    bounds = {}
    for side in ("above", "below"):
        if side in data:
            value = data.pop(side)
            try:
                bounds[side] = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{key}.{side}", value, "a number") from None
    if len(bounds) > 1:
        raise ConfigError(key, data, "give at most one of above, below")
    if "triad" in data and isinstance(data["triad"], str):
        data["triad"] = [a for a in data["triad"].replace("+", " ").split() if a]
    try:
        series = Series.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        valid = (
            "unknown key; valid: "
            + ", ".join([*(f.alias or n for n, f in Series.model_fields.items()), *OUTCOME_KEYS])
            if err["type"] == "extra_forbidden"
            else err["msg"].lower()
        )
        raise ConfigError(f"{key}.{loc}", err.get("input"), valid) from None
    return Outcome(name, series, description, bounds.get("above"), bounds.get("below"))


def parse_outcome(text: str, k: int) -> Outcome:
    """An outcome from the command line: ``[name:]key=value,...`` or a YAML mapping."""
    name = f"outcome{k}"
    text = text.strip()
    if text.startswith("{"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ConfigError(
                "outcome", text, "a YAML mapping such as {var: stance, ...}"
            ) from None
        if isinstance(data, dict) and "name" in data:
            name = str(data["name"])
        return outcome_from_mapping(data, f"outcome.{name}", name)
    head, sep, rest = text.partition(":")
    if sep and "=" not in head:
        name, text = head.strip(), rest
    key = f"outcome.{name}"
    data: dict = {}
    for part in [p for p in text.split(",") if p.strip()]:
        field, eq, value = part.partition("=")
        if not eq:
            raise ConfigError(key, part, "key=value pairs separated by commas")
        data[field.strip()] = value.strip()
    return outcome_from_mapping(data, key, name)


def check_outcomes(cfg: RunConfig, outcomes: list[Outcome]) -> None:
    """Every outcome names actors, factions, triads and dates of the scenario."""
    from sim.scenario import schema
    from sim.scenario.calendar import parse_month

    start, end = parse_month(cfg.window.start), parse_month(cfg.window.end)
    seen = set()
    for o in outcomes:
        if o.name in seen:
            raise ConfigError(f"outcome.{o.name}", o.name, "outcome names must be unique")
        seen.add(o.name)
        schema._check_series(cfg, f"outcome.{o.name}", o.series, start, end)
        if o.crossing and o.series.stat == "at":
            raise ConfigError(f"outcome.{o.name}.stat", "at", "a crossing reads a period, not 'at'")


def outcome_value(res, outcome: Outcome) -> tuple[float, bool]:
    """The outcome of one run, and whether it is censored (a crossing that never happens)."""
    from sim.record.facts import series, statistic

    cfg = res.cfg
    start, months = cfg.window.start, cfg.window.step_months
    s = outcome.series
    if not outcome.crossing:
        v = statistic(res, s)
        return (v * months if s.stat in TIME_STATS else v), False
    y = series(res, s)
    a = date_to_step(s.start, start, months) if s.start else 0
    b = date_to_step(s.end, start, months) + 1 if s.end else len(y)
    w = y[a:b]
    hit = w > outcome.above if outcome.above is not None else w < outcome.below
    if hit.any():
        return float((a + int(np.argmax(hit))) * months), False
    return float(b * months), True


def run_outcomes(res, outcomes: tuple[Outcome, ...], pair: tuple[int, int]):
    """Picklable reducer: each outcome (value, censored), and the drawn pair's relation."""
    values = [outcome_value(res, o) for o in outcomes]
    return values, res.relation[:, pair[0], pair[1]].astype(np.float32)


# --- statistics ---------------------------------------------------------------------------------


def paired_summary(
    baseline: np.ndarray,
    variant: np.ndarray,
    *,
    seed: int = 0,
    confidence: float = 0.95,
    resamples: int = 9999,
) -> dict:
    """Paired mean difference (variant - baseline), bootstrap CI, Wilcoxon and KS tests."""
    from scipy import stats

    base = np.asarray(baseline, dtype=float)
    var = np.asarray(variant, dtype=float)
    d = var - base
    out = {
        "runs": len(d),
        "baseline_mean": float(base.mean()),
        "variant_mean": float(var.mean()),
        "mean_difference": float(d.mean()),
        "confidence": confidence,
    }
    if len(d) < 2 or np.ptp(d) == 0.0:  # no spread: the interval is the point itself
        out["ci_low"] = out["ci_high"] = float(d[0]) if len(d) else float("nan")
    else:
        ci = stats.bootstrap(
            (d,),
            np.mean,
            confidence_level=confidence,
            n_resamples=resamples,
            method="BCa",
            rng=np.random.default_rng(seed),
        ).confidence_interval
        low, high = float(ci.low), float(ci.high)
        if not (np.isfinite(low) and np.isfinite(high)):  # BCa degenerate: percentile
            ci = stats.bootstrap(
                (d,),
                np.mean,
                confidence_level=confidence,
                n_resamples=resamples,
                method="percentile",
                rng=np.random.default_rng(seed),
            ).confidence_interval
            low, high = float(ci.low), float(ci.high)
        out["ci_low"], out["ci_high"] = low, high
    if np.any(d != 0.0):
        w = stats.wilcoxon(d)
        out["wilcoxon_statistic"], out["wilcoxon_p"] = float(w.statistic), float(w.pvalue)
    else:  # identical runs: no evidence of any difference
        out["wilcoxon_statistic"], out["wilcoxon_p"] = 0.0, 1.0
    ks = stats.ks_2samp(base, var)
    out["ks_statistic"], out["ks_p"] = float(ks.statistic), float(ks.pvalue)
    return out


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
        rows = []
        for k, o in enumerate(self.outcomes):
            for r, seed in enumerate(self.seeds):
                b, v = self.values[0, r, k], self.values[1, r, k]
                rows.append(
                    (
                        seed,
                        o.name,
                        b,
                        v,
                        v - b,
                        bool(self.censored[0, r, k]),
                        bool(self.censored[1, r, k]),
                    )
                )
        cols = [
            "seed",
            "outcome",
            "baseline",
            "variant",
            "difference",
            "censored_baseline",
            "censored_variant",
        ]
        return pd.DataFrame(rows, columns=cols)

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
        if s.var in PAIR_VARS and s.actor and s.target:
            return s.actor, s.target
        if s.triad:
            return s.triad[0], s.triad[1]
    from sim.studies.validation import key_pairs

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


# --- output ----------------------------------------------------------------------------------


def _fan_table(cmp: Comparison, side: int) -> pd.DataFrame:
    from sim.studies.validation import ensemble_pairs

    cfg = cmp.baseline if side == 0 else cmp.variant
    ix = {a: k for k, a in enumerate(cfg.actor_ids)}
    n = len(ix)
    runs, steps = cmp.relations.shape[1:]
    rel = np.zeros((runs, steps, n, n), dtype=np.float32)
    i, j = ix[cmp.pair[0]], ix[cmp.pair[1]]
    rel[:, :, i, j] = rel[:, :, j, i] = cmp.relations[side]
    return ensemble_pairs(cfg, rel, [cmp.pair], cmp.seeds)


def comparison_figure(cmp: Comparison, summary: pd.DataFrame):
    """Baseline and variant fan charts of the drawn relation, and the first outcome's spread."""
    from matplotlib.figure import Figure

    from sim.report.plots import OKABE_ITO, fan_chart
    from sim.studies.validation import display_names, events_table

    names = display_names(cmp.baseline)
    fig = Figure(figsize=(16, 4.8), layout="constrained")
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 0.8]})
    for side, (ax, cfg, title) in enumerate(
        zip(axes[:2], (cmp.baseline, cmp.variant), ("baseline", "variant"), strict=True)
    ):
        fan_chart(_fan_table(cmp, side), events_table(cfg), names, [cmp.pair], ax=ax)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.set_title(f"{title}: {names[cmp.pair[0]]}\u2013{names[cmp.pair[1]]}", fontsize="medium")
    axes[1].set_ylabel("")
    ax = axes[2]
    if cmp.outcomes:
        o = cmp.outcomes[0]
        base, var = cmp.values[0, :, 0], cmp.values[1, :, 0]
        lo, hi = float(min(base.min(), var.min())), float(max(base.max(), var.max()))
        bins = np.linspace(lo, hi if hi > lo else lo + 1.0, 21)
        ax.hist(base, bins=bins, color=OKABE_ITO["blue"], alpha=0.55, label="baseline")
        ax.hist(var, bins=bins, color=OKABE_ITO["vermillion"], alpha=0.55, label="variant")
        row = summary.iloc[0]
        ax.set_title(
            f"{o.name}: difference {row.mean_difference:+.3g}\n"
            f"{row.confidence:.0%} CI [{row.ci_low:+.3g}, {row.ci_high:+.3g}]",
            fontsize="medium",
        )
        ax.set_xlabel(o.unit)
        ax.set_ylabel("runs")
        ax.legend(frameon=False, fontsize="small")
    variant_text = " ".join(cmp.variant_overrides) or "(identical to the baseline)"
    fig.suptitle(
        f"{cmp.baseline.title or cmp.scenario}: baseline vs variant {variant_text}"
        f" ({len(cmp.seeds)} paired runs)"
    )
    return fig


def summary_markdown(cmp: Comparison, summary: pd.DataFrame) -> str:
    lines = [
        f"# Counterfactual: {cmp.baseline.title or cmp.scenario}",
        "",
        f"Variant: `{' '.join(cmp.variant_overrides) or '(none)'}`; {len(cmp.seeds)} paired"
        f" runs on common random numbers, seeds {cmp.seeds[0]}..{cmp.seeds[-1]}.",
        "",
        "| outcome | baseline mean | variant mean | difference | CI | Wilcoxon p | KS p |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in summary.itertuples():
        lines.append(
            f"| {r.description} ({r.unit}) | {r.baseline_mean:.4g} | {r.variant_mean:.4g} |"
            f" {r.mean_difference:+.4g} | {r.confidence:.0%}: [{r.ci_low:+.4g}, {r.ci_high:+.4g}]"
            f" | {r.wilcoxon_p:.3g} | {r.ks_p:.3g} |"
        )
    lines += ["", "![baseline and variant](figures/compare.png)", ""]
    return "\n".join(lines)


def write_comparison(
    cmp: Comparison,
    summary: pd.DataFrame,
    folder: Path,
    raw: tuple[dict, dict],
    extra: dict,
    formats=("parquet", "csv"),
) -> Path:
    """Write the comparison folder, all or nothing (:func:`sim.record.output.staged`)."""
    from sim.record import provenance
    from sim.record.output import staged, write_json, write_tables, write_yaml
    from sim.report.plots import SAVE_DPI, fan_chart_dataset

    with staged(folder) as stage:
        write_tables({"runs": cmp.runs_table(), "summary": summary}, stage, list(formats))
        (stage / "summary.md").write_text(summary_markdown(cmp, summary))
        figs = stage / "figures"
        figs.mkdir()
        comparison_figure(cmp, summary).savefig(
            figs / "compare.png", dpi=SAVE_DPI, facecolor="white"
        )
        for side, tag in ((0, "baseline"), (1, "variant")):
            fan_chart_dataset(_fan_table(cmp, side), [cmp.pair]).to_csv(
                figs / f"fan_{tag}.csv", index=False, lineterminator="\n"
            )
        write_yaml(raw[0], stage / "config_baseline.yaml")
        write_yaml(raw[1], stage / "config_variant.yaml")
        write_json(
            {
                "command": "compare",
                "baseline": provenance.record(cmp.baseline, runs=len(cmp.seeds)),
                "variant": provenance.record(
                    cmp.variant, runs=len(cmp.seeds), overrides=cmp.variant_overrides
                ),
                "seeds": [cmp.seeds[0], cmp.seeds[-1]],
                "common_random_numbers": True,
                "outcomes": {
                    o.name: {
                        **o.series.model_dump(mode="json", by_alias=True, exclude_none=True),
                        **({"above": o.above} if o.above is not None else {}),
                        **({"below": o.below} if o.below is not None else {}),
                    }
                    for o in cmp.outcomes
                },
                **extra,
            },
            stage / "provenance.json",
        )
    return Path(folder)


# --- the command ---------------------------------------------------------------------------


def experiment_file(name: str) -> Path:
    """``experiments/<name>.yaml``, or a path to a YAML file."""
    from sim.scenario.config import REPO

    p = Path(name)
    candidates = [p] if p.suffix in (".yaml", ".yml") else []
    candidates.append(REPO / "experiments" / f"{name}.yaml")
    for c in candidates:
        if c.is_file():
            return c
    raise ConfigError("experiment", name, "a file experiments/<name>.yaml or a path to a YAML file")


def read_experiment(path: Path) -> dict:
    """The ``compare:`` block of an experiment file."""
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(
            "experiment", str(path), f"valid YAML ({str(exc).splitlines()[0]})"
        ) from None
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


def outcomes_from_block(block) -> list[Outcome]:
    if block is None:
        return []
    if not isinstance(block, dict):
        raise ConfigError("compare.outcomes", block, "a mapping: outcome name -> series fields")
    out = []
    for name, spec in block.items():
        key = f"compare.outcomes.{name}"
        if not isinstance(spec, dict):
            raise ConfigError(
                key, spec, "a mapping of series fields (var, actor, target, stat ...)"
            )
        out.append(outcome_from_mapping({"name": name, **spec}, key, str(name)))
    return out


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
        block = read_experiment(experiment_file(exp))
    default_runs = block.get("runs", 200)
    if not isinstance(default_runs, int) or isinstance(default_runs, bool):
        raise ConfigError("compare.runs", default_runs, "a whole number >= 2")
    runs = pop_option(overrides, "runs", default_runs)
    if runs < 2:
        raise ConfigError("runs", runs, "a whole number >= 2 (paired statistics need two runs)")
    n_jobs = pop_option(overrides, "n_jobs", -1)
    if n_jobs == 0 or n_jobs < -1:
        raise ConfigError("n_jobs", n_jobs, "a whole number >= 1, or -1 for all cores")
    confidence = pop_option(overrides, "confidence", 0.95, float)
    if not 0.5 <= confidence < 1.0:
        raise ConfigError("confidence", confidence, "a level in [0.5, 1), e.g. 0.95")
    resamples = pop_option(overrides, "resamples", 9999)
    if resamples < 100:
        raise ConfigError("resamples", resamples, "a whole number >= 100")
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
    write_comparison(cmp, summary, folder, (raw_b, raw_v), extra)
    print(f"folder: {folder}")
    return 0
