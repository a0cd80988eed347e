"""The run against the model playing alone: the same seed, and a model-only ensemble."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.report.debrief.common import pairs_of, rel
from sim.report.plots.tables import PAIR_SEP


def _summary(res):
    from sim.record.facts import evaluate

    return res.relation * 10.0, evaluate(res)


def baseline(cfg, runs: int = 20) -> dict:
    """The model playing alone: the same seed, and an ensemble of ``runs`` seeds.

    Returns the same-seed Results, the ensemble's relation array (runs, T, n, n)
    in Goldstein units and its stylized-fact pass rates.
    """
    from sim.record.ensemble import map_runs, seeds
    from sim.record.run import simulate

    same = simulate(cfg)
    rows = map_runs(cfg, seeds(cfg, runs), _summary, n_jobs=1)
    rel = np.stack([r for r, _ in rows])
    facts = {fid: float(np.mean([f[fid] for _, f in rows])) for fid in cfg.facts}
    return {"same_seed": same, "relations": rel, "fact_rates": facts, "runs": runs}


def departure_dataset(res, base: dict) -> pd.DataFrame:
    """Per pair and step: the run, the model alone on the same seed, and the ensemble
    median and 5-95% band (Goldstein units). What the comparison figure draws."""
    rows = []
    same = base["same_seed"]
    ens = base["relations"]
    ix = {a: i for i, a in enumerate(res.ids)}
    k = len(res.dates)
    for a, b in pairs_of(res.ids):
        run = rel(res, a, b)
        alone = rel(same, a, b)[:k]
        e = ens[:, :k, ix[a], ix[b]]
        q05, q50, q95 = np.quantile(e, [0.05, 0.5, 0.95], axis=0)
        for t in range(k):
            rows.append(
                (
                    a,
                    b,
                    f"{res.names[a]}{PAIR_SEP}{res.names[b]}",
                    t,
                    res.dates[t],
                    float(run[t]),
                    float(alone[t]),
                    float(q50[t]),
                    float(q05[t]),
                    float(q95[t]),
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "a",
            "b",
            "label",
            "step",
            "date",
            "run",
            "model_alone",
            "ensemble_median",
            "ensemble_q05",
            "ensemble_q95",
        ],
    )


def departure_figure(
    data: pd.DataFrame, events: pd.DataFrame | None, runs: int, ids: list[str] | None = None
):
    """Small multiples, one panel per pair: the run (thick, solid, in the pair's colour), the
    model alone on the same seed (black dashes, under it: visible where the two differ),
    the ensemble median (grey dots) and its 5-95% band (shaded), with numbered dated events
    explained below. Here the line style says run or model, so the run is solid whatever
    the pair's dash elsewhere; the colour is the pair's. ``ids``: the scenario's actor order
    that keys the pair colours (default: the pairs' order in ``data``)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from sim.report.palette import pair_styles, scenario_pairs
    from sim.report.plots import draw
    from sim.report.plots.tables import pair_gid, to_datetime

    pairs = list(dict.fromkeys(zip(data["a"], data["b"], strict=True)))
    ids = list(ids) if ids else list(dict.fromkeys(x for p in pairs for x in p))
    styles = pair_styles(scenario_pairs(ids))
    fig, panels, ncols, _own = draw.small_multiples(len(pairs), extra=1.6)
    for i, (ax, (a, b)) in enumerate(zip(panels, pairs, strict=True)):
        sub = data[(data["a"] == a) & (data["b"] == b)]
        x = to_datetime(sub["date"])
        draw.zero_line(ax)
        ax.fill_between(x, sub["ensemble_q05"], sub["ensemble_q95"], color="0.55", alpha=0.22,
                        linewidth=0, gid="ensemble-band")  # fmt: skip
        ax.plot(x, sub["ensemble_median"], color="0.35", linestyle=(0, (1, 1.5)), linewidth=1.4,
                gid="ensemble-median")  # fmt: skip
        ax.plot(x, sub["model_alone"], color="black", linestyle="--", linewidth=1.2,
                gid="model-alone")  # fmt: skip
        ax.plot(x, sub["run"], color=styles[frozenset((a, b))]["color"], linewidth=2.4,
                gid=pair_gid("run", a, b, ids), zorder=3)  # fmt: skip
        draw.draw_events(ax, events, labels="number")
        ax.set_ylim(-10.5, 10.5)
        draw.panel_title(ax, sub["label"].iloc[0])
        if i % ncols == 0:
            ax.set_ylabel("relation (Goldstein, -10..+10)")
        draw.date_axis(ax)
        ax.xaxis.set_tick_params(labelbottom=True, labelsize=8)
        ax.grid(axis="y", **draw.GRID)
    key = [
        Line2D([], [], color="0.3", linewidth=2.4, label="this run (the pair's colour)"),
        Line2D([], [], color="black", linestyle="--", linewidth=1.2,
               label="model alone: same seed"),
        Line2D([], [], color="0.35", linestyle=(0, (1, 1.5)), linewidth=1.4,
               label="model alone: median"),
        Patch(facecolor="0.55", alpha=0.22, label=f"model alone, {runs} seeds: 5-95%"),
    ]  # fmt: skip
    fig.legend(handles=key, loc="outside right upper", frameon=False, fontsize="small")
    draw.event_key(fig, events)
    fig.suptitle("This run against the model playing alone (same seed, and an ensemble)")
    return fig
