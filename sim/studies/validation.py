"""`cardplay validate`: stylized-fact pass rates over seeded ensembles, and a report.

Pattern-oriented validation (Grimm et al. 2005): each scenario's stylized facts
(checkable predicates in the scenario file, each with a citation) are evaluated
on every run of a seeded ensemble; a fact's pass rate is the share of runs in
which it holds. ``cardplay validate`` prints the rates and writes a report
folder (default ``outputs/validation/<time>/``, or ``out=...``)::

    report.md                      the rates, the thresholds, fan charts, events
    validation.{parquet,csv}       scenario, fact, description, citation, runs, passed, rate
    runs.{parquet,csv}             one row per scenario, seed and fact: held or not
    figures/<scenario>_fan.png     ensemble bands of the key relations, dated event markers
    figures/<scenario>_fan.csv     the quantiles drawn
    configs/<scenario>.yaml        each resolved (validated) configuration
    provenance.json                config hashes, seeds, versions, git commit

Options (besides any configuration override, applied to every scenario):
``scenario=<name>`` (repeatable, or comma-separated; default: all shipped
scenarios), ``runs=200``, ``n_jobs=-1`` (all cores), ``out=<folder>``,
``strict=false`` (exit 1 when a threshold is missed). Bad input fails before
anything runs: one line, exit 2, no folder.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.scenario.schema import PAIR_VARS, AllOf, AnyOf, RunConfig

#: The issue's acceptance thresholds: every fact, and each scenario's mean over facts.
FACT_THRESHOLD = 0.8
MEAN_THRESHOLD = 0.9
TABLE_COLUMNS = ["scenario", "fact", "description", "citation", "runs", "passed", "rate"]


def _bool(text: str) -> bool:
    low = str(text).strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError(text)


_bool.__name__ = "boolean (true/false)"


def run_row(res) -> tuple[list[bool], np.ndarray]:
    """One run's facts (scenario order) and its public relation (steps, n, n), float32."""
    from sim.record.facts import evaluate

    return list(evaluate(res).values()), res.relation.astype(np.float32)


# --- what to draw ----------------------------------------------------------------------


def _series_of(check) -> list:
    if isinstance(check, AllOf):
        return [s for c in check.all for s in _series_of(c)]
    if isinstance(check, AnyOf):
        return [s for c in check.any for s in _series_of(c)]
    sides = [check.left]
    if not isinstance(check.right, float | int | str):
        sides.append(check.right)
    return sides


def key_pairs(cfg: RunConfig) -> list[tuple[str, str]]:
    """The unordered pairs the scenario's facts talk about (all pairs if none), in actor order.

    A pair counts if a fact reads one of its pair variables, or if a fact reads a
    triad's configuration or roles (then the triad's three pairs count).
    """
    order = {a: k for k, a in enumerate(cfg.actor_ids)}
    found: list[tuple[str, str]] = []

    def add(a: str, b: str) -> None:
        p = tuple(sorted((a, b), key=order.__getitem__))
        if p not in found:
            found.append(p)

    for fact in cfg.facts.values():
        for s in _series_of(fact.check):
            if s.var in PAIR_VARS and s.actor and s.target:
                add(s.actor, s.target)
            elif s.triad:
                a, b, c = s.triad
                for x, y in ((a, b), (a, c), (b, c)):
                    add(x, y)
    if not found:
        ids = cfg.actor_ids
        found = [(a, b) for k, a in enumerate(ids) for b in ids[k + 1 :]]
    return sorted(found, key=lambda p: (order[p[0]], order[p[1]]))


def ensemble_pairs(
    cfg: RunConfig, relations: np.ndarray, pairs: list[tuple[str, str]], seeds: list[int]
) -> pd.DataFrame:
    """The long table the fan charts read: run, step, date, actor, target, relation."""
    from sim.scenario.calendar import step_dates

    ix = {a: k for k, a in enumerate(cfg.actor_ids)}
    dates = np.array(step_dates(cfg.window.start, cfg.window.end, cfg.window.step_months))
    runs, steps = relations.shape[:2]
    frames = []
    for a, b in pairs:
        frames.append(
            pd.DataFrame(
                {
                    "run": np.repeat(np.asarray(seeds), steps),
                    "step": np.tile(np.arange(steps), runs),
                    "date": np.tile(dates, runs),
                    "actor": a,
                    "target": b,
                    "relation": relations[:, :, ix[a], ix[b]].astype(float).ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def events_table(cfg: RunConfig) -> pd.DataFrame:
    """The scenario's events in the columns the figures read (event, date, label, citation, enabled)."""
    return pd.DataFrame(
        [
            (eid, ev.date, ev.label, ev.citation, ev.enabled and ev.scale > 0)
            for eid, ev in cfg.events.items()
        ],
        columns=["event", "date", "label", "citation", "enabled"],
    )


def display_names(cfg: RunConfig) -> dict[str, str]:
    from sim.record.run import display_names as names

    return names(cfg)


# --- one scenario ----------------------------------------------------------------------


@dataclass
class ScenarioResult:
    """An ensemble's outcome: the fact matrix (runs x facts) and the ensemble's relations."""

    name: str
    cfg: RunConfig
    seeds: list[int]
    fact_ids: list[str]
    passed: np.ndarray  # (runs, facts) bool
    relations: np.ndarray  # (runs, steps, n, n) float32

    def table(self) -> pd.DataFrame:
        runs = len(self.seeds)
        rows = [
            (
                self.name,
                fid,
                self.cfg.facts[fid].description,
                self.cfg.facts[fid].citation,
                runs,
                int(self.passed[:, k].sum()),
                float(self.passed[:, k].mean()) if runs else float("nan"),
            )
            for k, fid in enumerate(self.fact_ids)
        ]
        return pd.DataFrame(rows, columns=TABLE_COLUMNS)

    def runs_table(self) -> pd.DataFrame:
        runs, facts = self.passed.shape
        return pd.DataFrame(
            {
                "scenario": self.name,
                "seed": np.repeat(self.seeds, facts),
                "fact": np.tile(np.array(self.fact_ids, dtype=object), runs),
                "passed": self.passed.ravel(),
            }
        )

    @property
    def mean_rate(self) -> float:
        return float(self.passed.mean()) if self.passed.size else float("nan")

    def meets_thresholds(self) -> bool:
        if not self.fact_ids:
            return True
        rates = self.passed.mean(0)
        return bool(rates.min() >= FACT_THRESHOLD and self.mean_rate >= MEAN_THRESHOLD)


def run_scenario(name: str, cfg: RunConfig, runs: int, n_jobs: int = -1) -> ScenarioResult:
    """Run ``runs`` seeded replicates of a validated configuration and collect its facts."""
    from sim.record.ensemble import map_runs, seeds

    seed_list = seeds(cfg, runs)
    out = map_runs(cfg, seed_list, run_row, n_jobs=n_jobs, progress=sys.stderr.isatty())
    facts = np.array([o[0] for o in out], dtype=bool).reshape(len(out), len(cfg.facts))
    relations = np.stack([o[1] for o in out])
    return ScenarioResult(name, cfg, seed_list, list(cfg.facts), facts, relations)


# --- the report -------------------------------------------------------------------------


def fan_figure(result: ScenarioResult):
    """Ensemble bands (median, 50%, 90%) of the key relations with dated event markers."""
    from sim.report.plots import fan_chart_panels

    pairs = key_pairs(result.cfg)
    data = ensemble_pairs(result.cfg, result.relations, pairs, result.seeds)
    fig = fan_chart_panels(data, events_table(result.cfg), display_names(result.cfg), pairs)
    title = result.cfg.title or result.name
    fig.suptitle(f"{title}: key relations across {len(result.seeds)} runs (median, 50%, 90%)")
    return fig, data


def fan_dataset(result: ScenarioResult) -> pd.DataFrame:
    from sim.report.plots import fan_chart_dataset

    pairs = key_pairs(result.cfg)
    data = ensemble_pairs(result.cfg, result.relations, pairs, result.seeds)
    return fan_chart_dataset(data, pairs, display_names(result.cfg))


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def report_markdown(results: list[ScenarioResult], overrides: list[str]) -> str:
    """The validation report as Markdown (figures are referenced relative to the folder)."""
    lines = [
        "# Validation against the historical record",
        "",
        f"Generated {datetime.now().strftime('%Y-%m-%d %H:%M')} by `cardplay validate`"
        + (f" with overrides `{' '.join(overrides)}`" if overrides else "")
        + ".",
        "",
        "Each stylized fact is a checkable predicate in the scenario file; its pass rate is"
        " the share of seeded runs in which it holds (pattern-oriented validation, Grimm et"
        f" al. 2005). Thresholds: every fact at least {FACT_THRESHOLD:.0%},"
        f" each scenario's mean at least {MEAN_THRESHOLD:.0%}.",
        "",
        "| scenario | runs | facts | mean rate | lowest fact | thresholds |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        rates = r.passed.mean(0) if r.fact_ids else np.array([np.nan])
        ok = "met" if r.meets_thresholds() else "**missed**"
        lines.append(
            f"| {r.name} | {len(r.seeds)} | {len(r.fact_ids)} | {r.mean_rate:.1%} |"
            f" {np.nanmin(rates):.1%} | {ok} |"
        )
    for r in results:
        cfg = r.cfg
        lines += [
            "",
            f"## {cfg.title or r.name} (`{r.name}`)",
            "",
            f"Window {cfg.window.start} to {cfg.window.end}; {len(r.seeds)} runs,"
            f" seeds {r.seeds[0]}..{r.seeds[-1]}.",
            "",
            "| pass rate | fact | description | citation |",
            "| ---: | --- | --- | --- |",
        ]
        for row in r.table().itertuples():
            flag = "" if row.rate >= FACT_THRESHOLD else " (below threshold)"
            lines.append(
                f"| {row.rate:.1%}{flag} | `{row.fact}` | {_md_escape(row.description)} |"
                f" {_md_escape(row.citation)} |"
            )
        lines += [
            "",
            f"![{r.name}: ensemble bands of the key relations](figures/{r.name}_fan.png)",
            "",
            "Dated historical markers (the scenario's events, exogenous shocks only):",
            "",
            "| date | event | enabled | citation |",
            "| --- | --- | --- | --- |",
        ]
        for eid, ev in cfg.events.items():
            on = "yes" if ev.enabled and ev.scale > 0 else "no"
            lines.append(
                f"| {ev.date} | {_md_escape(ev.label)} (`{eid}`) | {on} | {_md_escape(ev.citation)} |"
            )
        if not cfg.events:
            lines.append("| | (none) | | |")
    lines += [
        "",
        "Files: `validation.parquet`/`.csv` (one row per fact), `runs.parquet`/`.csv` (one row"
        " per run and fact), `configs/` (resolved configurations), `provenance.json`.",
        "",
    ]
    return "\n".join(lines)


def write_report(
    results: list[ScenarioResult], folder: Path, overrides: list[str], formats=("parquet", "csv")
) -> Path:
    """Write the report folder, all or nothing (:func:`sim.record.output.staged`)."""
    from sim.record import provenance
    from sim.record.output import staged, write_json, write_tables, write_yaml
    from sim.report.plots import SAVE_DPI

    with staged(folder) as stage:
        table = pd.concat([r.table() for r in results], ignore_index=True)
        runs = pd.concat([r.runs_table() for r in results], ignore_index=True)
        write_tables({"validation": table, "runs": runs}, stage, list(formats))
        figs = stage / "figures"
        figs.mkdir()
        for r in results:
            fig, _ = fan_figure(r)
            fig.savefig(figs / f"{r.name}_fan.png", dpi=SAVE_DPI, facecolor="white")
            fan_dataset(r).to_csv(figs / f"{r.name}_fan.csv", index=False, lineterminator="\n")
            (stage / "configs").mkdir(exist_ok=True)
            write_yaml(
                r.cfg.model_dump(mode="json", by_alias=True), stage / "configs" / f"{r.name}.yaml"
            )
        write_json(
            {
                "command": "validate",
                "overrides": overrides,
                "thresholds": {"fact": FACT_THRESHOLD, "mean": MEAN_THRESHOLD},
                "scenarios": {
                    r.name: provenance.record(
                        r.cfg, runs=len(r.seeds), seeds=[r.seeds[0], r.seeds[-1]]
                    )
                    for r in results
                },
            },
            stage / "provenance.json",
        )
        (stage / "report.md").write_text(report_markdown(results, overrides))
    return Path(folder)


# --- the command -------------------------------------------------------------------------


def output_folder(out: str | None, kind: str, prefix: str = "") -> Path:
    """``out`` if given (must be new or empty), else ``outputs/<kind>/<prefix><time>/``."""
    if out:
        folder = Path(out)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise ConfigError("out", out, "a new or empty folder")
        return folder
    from sim.scenario.config import REPO

    stamp = prefix + datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = REPO / "outputs" / kind / stamp
    k = 1
    while folder.exists():
        folder = REPO / "outputs" / kind / f"{stamp}-{k}"
        k += 1
    return folder


def scenario_list(overrides: list[str]) -> list[str]:
    """The scenarios named by ``scenario=`` options (taken out of ``overrides``), or all."""
    from sim.scenario.config import scenario_names

    chosen: list[str] = []
    rest = []
    for o in overrides:
        if o.startswith("scenario="):
            chosen += [s.strip() for s in o.split("=", 1)[1].split(",") if s.strip()]
        else:
            rest.append(o)
    overrides[:] = rest
    return list(dict.fromkeys(chosen)) or scenario_names()


def cmd_validate(args: list[str]) -> int:
    overrides = list(args)
    runs = pop_option(overrides, "runs", 200)
    if runs < 1:
        raise ConfigError("runs", runs, "a whole number >= 1")
    n_jobs = pop_option(overrides, "n_jobs", -1)
    if n_jobs == 0 or n_jobs < -1:
        raise ConfigError("n_jobs", n_jobs, "a whole number >= 1, or -1 for all cores")
    out = pop_option(overrides, "out", None, str)
    strict = pop_option(overrides, "strict", False, _bool)
    names = scenario_list(overrides)
    configs: dict[str, RunConfig] = {}
    for name in names:  # every configuration is checked before anything runs
        configs[name] = checked_config([f"scenario={name}", *overrides])[1]
    folder = output_folder(out, "validation")

    results = []
    for name, cfg in configs.items():
        r = run_scenario(name, cfg, runs, n_jobs)
        results.append(r)
        print(f"{name}: {runs} runs, seeds {r.seeds[0]}..{r.seeds[-1]}")
        for row in r.table().itertuples():
            print(f"  {row.rate:6.1%}  {row.fact}: {row.description} ({row.citation})")
        if r.fact_ids:
            verdict = "thresholds met" if r.meets_thresholds() else "thresholds missed"
            print(f"  mean over facts: {r.mean_rate:.1%} ({verdict})")
    write_report(results, folder, overrides)
    print(f"report: {folder}")
    if strict and not all(r.meets_thresholds() for r in results):
        return 1
    return 0
