"""`cardplay validate`: stylized-fact pass rates over seeded ensembles, beside the null
worlds' rates on the same seeds, the sources' causal claims, and a report.

Pattern-oriented validation (Grimm et al. 2005): each scenario's stylized facts
(checkable predicates in the scenario file, each with a citation) are evaluated
on every run of a seeded ensemble; a fact's pass rate is the share of runs in
which it holds. A pass is evidence for the theory only if simpler worlds fail
the fact, so every fact is also evaluated, on the same seeds (common random
numbers), in three null worlds (hold, random, myopic) and gets a skill (points
over the best null world) and a role (evidence, consistency, weak, missed): see
:mod:`sim.studies.evidence`.

Each scenario's headline counts its evidence facts against the bar of two
thirds of its facts. Then the causal claims of the sources whose scenarios are
validated run as paired counterfactuals (:mod:`sim.studies.claims`), with
``runs`` pairs each. ``cardplay validate`` prints the rates and writes a report
folder (default ``outputs/validation/<time>/``, or ``out=...``)::

    report.md                      headline, facts with null rates, skill and role,
                                   claim verdicts, fan charts, events
    validation.{parquet,csv}       one row per fact: rates of the model and each null
                                   world, skill, role, why
    runs.{parquet,csv}             one row per scenario, world, seed and fact: held or not
    claims.{parquet,csv}           one row per claim experiment: effect, CI, verdict
    claim_runs.{parquet,csv}       one row per claim experiment and seed (paired values)
    claims_file.yaml               the claim definitions used
    figures/<scenario>_fan.png     ensemble bands of the key relations, dated event markers
    figures/<scenario>_fan.csv     the quantiles drawn
    configs/<scenario>.yaml        each resolved (validated) configuration, and
    configs/<scenario>.<null>.yaml each null world's; configs/claims/ the claims'
    provenance.json                config hashes, seeds, versions, git commit

Options (besides any configuration override, applied to every scenario, null
world and claim): ``scenario=<name>`` (repeatable, or comma-separated; default:
all shipped scenarios), ``runs=200``, ``nulls=hold,random,myopic`` (default all;
``none`` to skip), ``claims=claims`` (``experiments/claims.yaml`` or a path;
``none`` to skip), ``pairs=<runs>`` (pairs per claim experiment), ``confidence=0.95`` and
``resamples=9999`` (the claims' bootstrap), ``n_jobs=-1``,
``out=<folder>``, ``strict=false`` (exit 1 when a threshold is missed). Bad input
fails before anything runs: one line, exit 2, no folder.
"""

from __future__ import annotations

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.scenario.schema import RunConfig
from sim.studies.evidence import NULL_WORLDS, ScenarioResult, null_configs, run_scenario
from sim.studies.experiment import boolean
from sim.studies.shell import interval_options, output_folder, run_options, scenario_list


def null_option(overrides: list[str]) -> list[str]:
    """The ``nulls=`` option: a comma-separated subset of the null worlds, or ``none``."""
    text = pop_option(overrides, "nulls", ",".join(NULL_WORLDS), str)
    chosen = [w.strip() for w in text.split(",") if w.strip()]
    if chosen == ["none"]:
        return []
    if not chosen or any(w not in NULL_WORLDS for w in chosen):
        raise ConfigError(
            "nulls", text, "a comma-separated subset of hold, random, myopic, or none"
        )
    return list(dict.fromkeys(chosen))


# --- the command -------------------------------------------------------------------------


def _print_scenario(r: ScenarioResult) -> None:
    print(f"{r.name}: {len(r.seeds)} runs, seeds {r.seeds[0]}..{r.seeds[-1]}")
    worlds = list(r.nulls)
    if worlds:
        print("   model  " + "  ".join(f"{w:>6s}" for w in worlds) + "   skill  role")
    for row in r.table().itertuples():
        nulls = "".join(f"  {getattr(row, f'rate_{w}'):6.1%}" for w in worlds)
        tail = f"  {row.skill:+5.0f}  {row.role:11s}" if worlds else ""
        print(f"  {row.rate:6.1%}{nulls}{tail}  {row.fact}: {row.description} ({row.citation})")
    if r.fact_ids:
        verdict = "thresholds met" if r.meets_thresholds() else "thresholds missed"
        print(f"  mean over facts: {r.mean_rate:.1%} ({verdict})")
        print(f"  {r.headline()}")


def cmd_validate(args: list[str]) -> int:
    from sim.studies import claims as claim_study

    overrides = list(args)
    runs, n_jobs = run_options(overrides)
    pairs = pop_option(overrides, "pairs", max(runs, 2))
    if pairs < 2:
        raise ConfigError("pairs", pairs, "a whole number >= 2 (paired statistics need two runs)")
    confidence, resamples = interval_options(overrides)
    out = pop_option(overrides, "out", None, str)
    strict = pop_option(overrides, "strict", False, boolean)
    worlds = null_option(overrides)
    claims_name = pop_option(overrides, "claims", "claims", str)
    names = scenario_list(overrides)
    configs: dict[str, RunConfig] = {}
    nulls: dict[str, dict[str, RunConfig]] = {}
    for name in names:  # every configuration is checked before anything runs
        configs[name] = checked_config([f"scenario={name}", *overrides])[1]
        nulls[name] = null_configs(name, overrides, worlds)
    plan = None
    if claims_name != "none":
        book = claim_study.load_claims(claim_study.claims_file(claims_name))
        plan = claim_study.prepare(book, overrides, scenarios=set(names))
    folder = output_folder(out, "validation")

    results = []
    for name, cfg in configs.items():
        r = run_scenario(name, cfg, runs, n_jobs, nulls[name])
        results.append(r)
        _print_scenario(r)
    claims = None
    if plan is not None:
        claims = claim_study.run_claims(plan, pairs, n_jobs, confidence, resamples)
        from sim.studies.claims_report import print_claims

        print_claims(claims)
    from sim.studies.validation_report import write_report

    write_report(results, folder, overrides, claims)
    print(f"report: {folder}")
    if strict and not all(r.meets_thresholds() for r in results):
        return 1
    return 0
