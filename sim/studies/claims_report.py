"""The output of ``cardplay claims`` (and the claims part of ``cardplay validate``): the
verdicts printed and in Markdown, the tables, the resolved configurations, the claim
file as read, and the provenance. See :mod:`sim.studies.claims` for what is measured."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.studies.paired import SUPPORTED

if TYPE_CHECKING:
    from sim.studies.claims import ClaimStudy

CLAIM_COLUMNS = [
    "claim", "title", "test", "scenario", "counterfactual", "outcome", "unit", "expect", "pairs",
    "baseline_mean", "counterfactual_mean", "effect", "ci_low", "ci_high", "confidence",
    "wilcoxon_p", "censored_baseline", "censored_counterfactual", "verdict", "reason",
    "claim_verdict",
]  # fmt: skip


def claims_table(study: ClaimStudy) -> pd.DataFrame:
    """One row per test run, and one per claim not expressible or not run here."""
    rows = []
    for claim in study.claims:
        overall = study.claim_verdict(claim)[0]
        tests = [e for e in study.experiments if e.claim.id == claim.id]
        for e in tests:
            s = e.summary or {}
            rows.append(
                [claim.id, claim.title, e.test.name, e.test.scenario,
                 " ".join(e.test.counterfactual), e.outcome.label(),
                 e.outcome.unit, e.test.expect, s.get("runs", 0), s.get("baseline_mean"),
                 s.get("variant_mean"), s.get("mean_difference"), s.get("ci_low"),
                 s.get("ci_high"), s.get("confidence"), s.get("wilcoxon_p"),
                 s.get("censored_baseline"), s.get("censored_variant"), e.verdict, e.reason,
                 overall]
            )  # fmt: skip
        if not tests:
            why = study.claim_verdict(claim)[1]
            rows.append(
                [
                    claim.id,
                    claim.title,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    0,
                    *[None] * 9,
                    overall,
                    why,
                    overall,
                ]
            )
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def claim_runs_table(study: ClaimStudy) -> pd.DataFrame:
    """One row per test and seed: the paired values (both sides ran with that seed)."""
    frames = []
    for e in study.experiments:
        if e.comparison is None:
            continue
        t = e.comparison.runs_table().drop(columns="outcome")
        t = t.rename(columns=lambda c: c.replace("variant", "counterfactual"))
        frames.append(t.assign(claim=e.claim.id, test=e.test.name)[["claim", "test", *t.columns]])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _effect(e) -> str:
    s = e.summary
    return (
        f"{s['baseline_mean']:.4g} -> {s['variant_mean']:.4g}, effect {s['mean_difference']:+.4g}"
        f" [{s['ci_low']:+.4g}, {s['ci_high']:+.4g}] ({s['confidence']:.0%} CI)"
    )


def _censored(e) -> str:
    b, c = e.summary["censored_baseline"], e.summary["censored_variant"]
    return f"; never crossed: {b} baseline, {c} counterfactual runs" if b or c else ""


def print_claims(study: ClaimStudy) -> None:
    print(
        f"claims ({study.path.name}): {study.pairs} pairs per test on common random numbers,"
        " effect = counterfactual - baseline"
    )
    for claim in study.claims:
        v, why = study.claim_verdict(claim)
        tail = f": {why}" if v != SUPPORTED else ""
        print(f"  claim {claim.id} ({claim.title}): {v}{tail}")
        for e in [e for e in study.experiments if e.claim.id == claim.id]:
            print(
                f"    {e.test.name} [{e.test.scenario}] {e.outcome.label()}: {_effect(e)},"
                f" expected {e.test.expect}: {e.verdict}{_censored(e)}"
            )


def claims_summary_markdown(study: ClaimStudy, level: int = 1) -> list[str]:
    """The claims section: the rule, the verdict per claim, each test, the claims' text."""
    h = "#" * level
    ci = f"{study.confidence:.0%}"
    lines = [
        f"{h} The sources' causal claims as experiments",
        "",
        f'The claims of the historical digest (`shared/history/README.md`, "Claims the sources'
        f' make about causes"), defined as data in `{study.path.name}`. Each test is a paired'
        f" counterfactual on common random numbers: {study.pairs} pairs, both runs of pair k"
        f" with seed `seed + k`; the effect is the mean of counterfactual minus baseline, with"
        f" a {ci} bootstrap interval (BCa, {study.resamples} resamples, seeded). A test is"
        f" **supported** when its interval excludes zero in the claimed direction; a claim,"
        f" when all its tests are.",
        "",
        "| claim | verdict | why |",
        "| --- | --- | --- |",
    ]
    for claim in study.claims:
        v, why = study.claim_verdict(claim)
        lines.append(f"| {claim.id}. {_md(claim.title)} | **{v}** | {_md(why)} |")
    if study.experiments:
        lines += [
            "",
            f"| test | scenario | counterfactual | outcome | expected | baseline | counter"
            f"factual | effect | {ci} CI | censored | verdict |",
            "| --- | --- | --- | --- | --- | ---: | ---: | ---: | --- | --- | --- |",
        ]
    for e in study.experiments:
        s = e.summary or {}
        if not s:
            continue
        cens = f"{s['censored_baseline']} / {s['censored_variant']}" if e.outcome.is_time else ""
        lines.append(
            f"| {e.key} | {e.test.scenario} | `{_md(' '.join(e.test.counterfactual))}` |"
            f" {_md(e.outcome.label())} ({e.outcome.unit}) | {e.test.expect} |"
            f" {s['baseline_mean']:.4g} | {s['variant_mean']:.4g} | {s['mean_difference']:+.4g} |"
            f" [{s['ci_low']:+.4g}, {s['ci_high']:+.4g}] | {cens} | {e.verdict} |"
        )
    lines += ["", "The claims, and why each test expresses its claim:", ""]
    for claim in study.claims:
        lines.append(
            f"{claim.id}. **{_md(claim.title)}.** {_md(claim.text)} ({_md(claim.citation)})"
        )
        if claim.not_expressible:
            lines.append(f"   - Not expressible: {_md(claim.not_expressible)}")
        for t in claim.tests:
            base = f" on top of `{' '.join(t.baseline)}`" if t.baseline else ""
            lines.append(f"   - `{t.name}` ({t.scenario}{base}): {_md(t.why)}")
    return lines


def claims_markdown(study: ClaimStudy) -> str:
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    over = f" with overrides `{' '.join(study.overrides)}`" if study.overrides else ""
    lines = claims_summary_markdown(study, level=1)
    lines[1:1] = ["", f"Generated {stamp} by `cardplay claims`{over}."]
    lines += [
        "",
        "Files: `claims.parquet`/`.csv` (one row per test), `claim_runs.parquet`/`.csv` (one"
        " row per test and seed), `claims_file.yaml` (the definitions as read),"
        " `configs/claims/` (both sides of every test, resolved), `provenance.json`.",
        "",
    ]
    return "\n".join(lines)


def write_claim_files(study: ClaimStudy, stage: Path, formats: list[str]) -> dict:
    """Tables, the claim file as read and the resolved configurations; the provenance."""
    from sim.record import provenance
    from sim.record.output import write_tables, write_yaml

    tables = {"claims": claims_table(study), "claim_runs": claim_runs_table(study)}
    write_tables(tables, stage, formats)
    (stage / "claims_file.yaml").write_text(study.text)
    folder = stage / "configs" / "claims"
    folder.mkdir(parents=True, exist_ok=True)
    experiments = {}
    for e in study.experiments:
        for side, raw in zip(("baseline", "counterfactual"), e.raw, strict=True):
            write_yaml(raw, folder / f"{e.key}.{side}.yaml")
        cfg_b, cfg_c = e.cfgs
        seeds = e.comparison.seeds if e.comparison else []
        experiments[e.key] = {
            "scenario": e.test.scenario,
            "outcome": e.outcome.spec(),
            "expect": e.test.expect,
            "bootstrap_seed": cfg_b.seed,
            "seeds": [seeds[0], seeds[-1]] if seeds else [],
            "baseline": provenance.record(cfg_b, overrides=e.test.baseline),
            "counterfactual": provenance.record(
                cfg_c, overrides=[*e.test.baseline, *e.test.counterfactual]
            ),
        }
    return {
        "file": str(study.path),
        "sha256": hashlib.sha256(study.text.encode()).hexdigest(),
        "overrides": study.overrides,
        "pairs": study.pairs,
        "common_random_numbers": True,
        "bootstrap": {
            "method": "BCa (percentile if BCa degenerates)",
            "resamples": study.resamples,
        },
        "confidence": study.confidence,
        "experiments": experiments,
    }


def write_claims(study: ClaimStudy, folder: Path, formats=("parquet", "csv")) -> Path:
    """The claims folder, all or nothing (:func:`sim.record.output.staged`)."""
    from sim.record.output import staged, write_json

    with staged(folder) as stage:
        record = write_claim_files(study, stage, list(formats))
        write_json({"command": "claims", **record}, stage / "provenance.json")
        (stage / "claims.md").write_text(claims_markdown(study))
    return Path(folder)
