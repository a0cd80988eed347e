"""The figures of the studies, each drawn from a small dataset that the tests check:
sensitivity indices as bars (Morris mu*, Sobol S1/ST) and a calibration's history.

matplotlib is imported only when a figure is drawn (``figures=false`` never does).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def sensitivity_dataset(indices: pd.DataFrame) -> pd.DataFrame:
    """The bars drawn: method, parameter, index, value, conf (mu_star, S1, ST only)."""
    keep = indices["index"].isin(["mu_star", "S1", "ST"])
    return indices[keep].reset_index(drop=True)


def sensitivity_figure(indices: pd.DataFrame, outcome_label: str = "", axes=None):
    """Bars with 95% confidence intervals: Morris mu* (left), Sobol S1 and ST (right)."""
    from matplotlib.figure import Figure

    from sim.report.plots import OKABE_ITO

    data = sensitivity_dataset(indices)
    methods = list(dict.fromkeys(data["method"]))  # Morris before Sobol, as analysed
    if axes is None:
        fig = Figure(
            figsize=(6.0 * len(methods), 0.45 * data["parameter"].nunique() + 2.0),
            layout="constrained",
        )
        axes = fig.subplots(1, len(methods), squeeze=False)[0]
    else:
        axes = np.atleast_1d(axes)
        fig = axes[0].figure
    for ax, m in zip(axes, methods, strict=False):
        sub = data[data["method"] == m]
        params = list(dict.fromkeys(sub["parameter"]))
        y = np.arange(len(params))
        kinds = ["mu_star"] if m == "morris" else ["S1", "ST"]
        colours = {
            "mu_star": OKABE_ITO["blue"],
            "S1": OKABE_ITO["blue"],
            "ST": OKABE_ITO["vermillion"],
        }
        hatches = {"mu_star": "", "S1": "", "ST": "//"}
        h = 0.8 / len(kinds)
        for k, kind in enumerate(kinds):
            rows = sub[sub["index"] == kind].set_index("parameter").loc[params]
            ax.barh(
                y + (k - (len(kinds) - 1) / 2) * h,
                rows["value"],
                height=h,
                xerr=rows["conf"].fillna(0.0),
                color=colours[kind],
                hatch=hatches[kind],
                edgecolor="white",
                error_kw={"ecolor": "0.2", "capsize": 2, "linewidth": 0.8},
                label={
                    "mu_star": "\u03bc* (Morris)",
                    "S1": "S1 (first order)",
                    "ST": "ST (total order)",
                }[kind],
                gid=f"bars:{m}:{kind}",
            )
        ax.set_yticks(y, params, fontsize="small")
        ax.invert_yaxis()
        ax.axvline(0, color="0.6", linewidth=0.8)
        ax.set_title("Morris screening" if m == "morris" else "Sobol indices")
        ax.set_xlabel("\u03bc* (outcome units)" if m == "morris" else "share of variance")
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            ncols=len(kinds),
            fontsize="small",
            frameon=False,
        )
        ax.grid(axis="x", color="0.92", linewidth=0.6)
    if outcome_label:
        fig.suptitle(f"Sensitivity of the {outcome_label} (bars: 95% confidence intervals)")
    return fig


def history_dataset(history: pd.DataFrame, names: list[str], bounds: np.ndarray) -> pd.DataFrame:
    """What the figure draws: evaluation, loss, best_loss, and each parameter scaled to its bounds."""
    out = history[["evaluation", "generation", "loss", "best_loss"]].copy()
    for (lo, hi), p in zip(bounds, names, strict=True):
        out[p] = (history[p] - lo) / (hi - lo)
    return out


def calibration_figure(history: pd.DataFrame, names: list[str], bounds: np.ndarray, axes=None):
    """Loss of every evaluation and the best so far (top); parameters within their bounds (bottom)."""
    from matplotlib.figure import Figure

    from sim.report.plots import LINE_COLOURS, LINE_STYLES, OKABE_ITO

    data = history_dataset(history, names, bounds)
    if axes is None:
        fig = Figure(figsize=(9, 6.5), layout="constrained")
        axes = fig.subplots(2, 1, sharex=True)
    fig = axes[0].figure
    ax = axes[0]
    ax.scatter(
        data["evaluation"],
        data["loss"],
        s=12,
        color=OKABE_ITO["sky_blue"],
        label="evaluation",
        gid="loss",
    )
    ax.step(
        data["evaluation"],
        data["best_loss"],
        where="post",
        color=OKABE_ITO["vermillion"],
        linewidth=2,
        label="best so far",
        gid="best",
    )
    ax.scatter(
        [0],
        data["loss"].iloc[:1],
        s=40,
        marker="D",
        color=OKABE_ITO["black"],
        label="defaults",
        zorder=3,
    )
    ax.set_ylabel("loss")
    ax.set_title("Calibration: loss per evaluation")
    ax.legend(fontsize="small", frameon=False)
    ax.grid(color="0.92", linewidth=0.6)
    ax = axes[1]
    for i, p in enumerate(names):
        ax.plot(
            data["evaluation"],
            data[p],
            ".",
            color=LINE_COLOURS[i % len(LINE_COLOURS)],
            markersize=3,
            alpha=0.5,
        )
        best = data["best_loss"].to_numpy()
        at = np.flatnonzero(np.r_[True, best[1:] < best[:-1]])
        xs = np.r_[data["evaluation"].to_numpy()[at], data["evaluation"].iloc[-1]]
        ys = np.r_[data[p].to_numpy()[at], data[p].iloc[at[-1]]]
        ax.step(
            xs,
            ys,
            where="post",
            color=LINE_COLOURS[i % len(LINE_COLOURS)],
            linestyle=LINE_STYLES[i % len(LINE_STYLES)],
            label=p,
        )
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("value within bounds (0 = low, 1 = high)")
    ax.set_xlabel("evaluation")
    ax.legend(fontsize="x-small", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.grid(color="0.92", linewidth=0.6)
    return fig
