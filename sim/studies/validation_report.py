"""The report of ``cardplay validate``: the facts with their null-world rates, skill and
role, the claim verdicts, fan charts of the key relations with dated events, and the
folder (all or nothing). See :mod:`sim.studies.validation` for what is measured."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim.studies.evidence import (
    EVIDENCE_SHARE,
    FACT_THRESHOLD,
    MEAN_THRESHOLD,
    NULL_WORLDS,
    SKILL_POINTS,
    ScenarioResult,
)
from sim.studies.fans import fan_dataset, fan_figure


def _md_escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def report_markdown(results: list[ScenarioResult], overrides: list[str], claims=None) -> str:
    """The validation report as Markdown (figures are referenced relative to the folder)."""
    worlds = list(dict.fromkeys(w for r in results for w in r.nulls))
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
    ]
    if worlds:
        lines += [
            "A pass is evidence only if simpler worlds fail the fact. Every fact is also"
            " evaluated on the same seeds in the null worlds:",
            "",
            *(f"- *{w}* (`{NULL_WORLDS[w][0]}`): {NULL_WORLDS[w][1]};" for w in worlds),
            "",
            f"*Skill* is the model's rate minus the best null world's, in points. A fact is"
            f" **evidence** when the model passes it and its skill is at least {SKILL_POINTS}"
            f" points; a **consistency** check when the scenario file marks it so or a null"
            f" world passes it (>= {FACT_THRESHOLD:.0%}); **weak** when the model passes it"
            f" with less skill; **missed** when the model does not pass it. The bar: at least"
            " two thirds of a scenario's facts are evidence.",
            "",
        ]
    lines += [
        "| scenario | runs | facts | mean rate | lowest fact | thresholds | evidence | bar (2/3) |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |",
    ]
    for r in results:
        rates = r.passed.mean(0) if r.fact_ids else np.array([np.nan])
        ok = "met" if r.meets_thresholds() else "**missed**"
        found, bar = r.evidence()
        ev, met = (f"{found} of {len(r.fact_ids)}", "met" if found >= bar else "**missed**")
        if not r.nulls:
            ev, met = "(no nulls)", "not measured"
        lines.append(
            f"| {r.name} | {len(r.seeds)} | {len(r.fact_ids)} | {r.mean_rate:.1%} |"
            f" {np.nanmin(rates):.1%} | {ok} | {ev} | {met} |"
        )
    if claims is not None:
        lines += [
            "",
            "The sources' causal claims, as paired counterfactuals: see the last section.",
        ]
    for r in results:
        lines += _scenario_markdown(r, worlds)
    if claims is not None:
        from sim.studies.claims_report import claims_summary_markdown

        lines += ["", *claims_summary_markdown(claims, level=2)]
    lines += [
        "",
        "Files: `validation.parquet`/`.csv` (one row per fact: rates, skill, role),"
        " `runs.parquet`/`.csv` (one row per world, run and fact), `claims.parquet`/`.csv`"
        " and `claim_runs.parquet`/`.csv` (the claim experiments, if run), `configs/`"
        " (resolved configurations, also of each null world and claim), `provenance.json`.",
        "",
    ]
    return "\n".join(lines)


def _scenario_markdown(r: ScenarioResult, worlds: list[str]) -> list[str]:
    cfg = r.cfg
    shown = [w for w in worlds if w in r.nulls]
    lines = [
        "",
        f"## {cfg.title or r.name} (`{r.name}`)",
        "",
        f"Window {cfg.window.start} to {cfg.window.end}; {len(r.seeds)} runs,"
        f" seeds {r.seeds[0]}..{r.seeds[-1]} (the null worlds on the same seeds).",
        "",
        f"Headline: {r.headline()}.",
        "",
        "| model | "
        + "".join(f"{w} | " for w in shown)
        + ("skill | role | " if shown else "")
        + "fact | description | citation |",
        "| ---: | "
        + "---: | " * len(shown)
        + ("---: | --- | " if shown else "")
        + "--- | --- | --- |",
    ]
    for row in r.table().itertuples():
        flag = "" if row.rate >= FACT_THRESHOLD else " (below threshold)"
        nulls = "".join(f"{getattr(row, f'rate_{w}'):.1%} | " for w in shown)
        role = f"{row.skill:+.0f} | {row.role}: {_md_escape(row.why)} | " if shown else ""
        lines.append(
            f"| {row.rate:.1%}{flag} | {nulls}{role}`{row.fact}` | {_md_escape(row.description)} |"
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
    return lines


def write_report(
    results: list[ScenarioResult],
    folder: Path,
    overrides: list[str],
    claims=None,
    formats=("parquet", "csv"),
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
        (stage / "configs").mkdir()
        for r in results:
            fig, _ = fan_figure(r)
            fig.savefig(figs / f"{r.name}_fan.png", dpi=SAVE_DPI, facecolor="white")
            fan_dataset(r).to_csv(figs / f"{r.name}_fan.csv", index=False, lineterminator="\n")
            for tag, cfg in {"": r.cfg, **{f".{w}": c for w, c in r.null_cfgs.items()}}.items():
                dump = cfg.model_dump(mode="json", by_alias=True)
                write_yaml(dump, stage / "configs" / f"{r.name}{tag}.yaml")
        record = {
            "command": "validate",
            "overrides": overrides,
            "thresholds": {
                "fact": FACT_THRESHOLD,
                "mean": MEAN_THRESHOLD,
                "skill_points": SKILL_POINTS,
                "evidence_share": EVIDENCE_SHARE,
            },
            "common_random_numbers": True,
            "scenarios": {
                r.name: provenance.record(
                    r.cfg,
                    runs=len(r.seeds),
                    seeds=[r.seeds[0], r.seeds[-1]],
                    nulls={
                        w: {
                            "override": NULL_WORLDS[w][0],
                            "config_hash": provenance.config_hash(c),
                        }
                        for w, c in r.null_cfgs.items()
                    },
                )
                for r in results
            },
        }
        if claims is not None:
            from sim.studies.claims_report import write_claim_files

            record["claims"] = write_claim_files(claims, stage, list(formats))
        write_json(record, stage / "provenance.json")
        (stage / "report.md").write_text(report_markdown(results, overrides, claims))
    return Path(folder)
