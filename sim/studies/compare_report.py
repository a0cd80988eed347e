"""The output of ``cardplay compare``: fan charts of baseline and variant, the first
outcome's two distributions, the summary in words, and the folder (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sim.studies.counterfactual import Comparison


def _fan_table(cmp: Comparison, side: int) -> pd.DataFrame:
    from sim.studies.fans import ensemble_pairs

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
    from sim.studies.fans import display_names, events_table

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
                "outcomes": {o.name: o.spec() for o in cmp.outcomes},
                **extra,
            },
            stage / "provenance.json",
        )
    return Path(folder)
