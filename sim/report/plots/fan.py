"""Ensemble fan charts: the median relation per pair across runs with 50% and 90% bands."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.report.plots.relations import goldstein_axes
from sim.report.plots.tables import (
    empty_frame,
    pair_gid,
    pair_goldstein,
    pair_label,
    pair_rows,
    select_pairs,
    unordered_pairs,
)

QUANTILES = {"q05": 0.05, "q25": 0.25, "q50": 0.50, "q75": 0.75, "q95": 0.95}


def fan_chart_dataset(
    ensemble_pairs: pd.DataFrame,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Quantiles across runs of the symmetric relation (Goldstein units).

    For each run, pair and step the relation is the mean of the pair's two
    ordered rows; quantiles use ``numpy.quantile`` (linear interpolation).
    Columns: a, b, date, q05, q25, q50, q75, q95.
    """
    cols = ["a", "b", "date", *QUANTILES]
    if ensemble_pairs is None or len(ensemble_pairs) == 0:
        return empty_frame(cols)
    g = pair_goldstein(ensemble_pairs, names, extra=["run"])
    frames = []
    for a, b in select_pairs(unordered_pairs(ensemble_pairs, names), pairs_to_show):
        rows = []
        for (_step, date), grp in pair_rows(g, a, b).groupby(["step", "date"], sort=True):
            q = np.quantile(grp["goldstein"].to_numpy(dtype=float), list(QUANTILES.values()))
            rows.append([a, b, str(date), *map(float, q)])
        frames.append(pd.DataFrame(rows, columns=cols))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def fan_quantiles(
    goldstein: np.ndarray, pairs: Sequence[tuple[str, str]], dates: Sequence[str]
) -> pd.DataFrame:
    """:func:`fan_chart_dataset`'s table from an array runs x steps x pairs of the relation
    in Goldstein units: one ``numpy.quantile`` over the runs (an ensemble too large for a
    table in memory keeps only this array; the same numbers as from its table)."""
    q = np.quantile(goldstein, list(QUANTILES.values()), axis=0)  # (5, steps, pairs)
    steps = len(dates)
    out = {
        "a": np.repeat([p[0] for p in pairs], steps),
        "b": np.repeat([p[1] for p in pairs], steps),
        "date": np.tile(np.asarray(dates, dtype=object), len(pairs)),
    }
    for k, col in enumerate(QUANTILES):
        out[col] = q[k].T.ravel()
    return pd.DataFrame(out)


def _pair_table(data: pd.DataFrame) -> pd.DataFrame:
    """The pairs of a :func:`fan_quantiles` table as actor/target rows (what styles read)."""
    return pd.DataFrame({"actor": data["a"], "target": data["b"]}).drop_duplicates()


def _fan_pairs(data: pd.DataFrame, pairs_to_show, names) -> pd.DataFrame:
    """The rows of ``pairs_to_show`` in a :func:`fan_quantiles` table, named as asked."""
    if pairs_to_show is None:
        return data
    parts = []
    for a, b in select_pairs(unordered_pairs(_pair_table(data), names), pairs_to_show):
        sub = data[((data["a"] == a) & (data["b"] == b)) | ((data["a"] == b) & (data["b"] == a))]
        parts.append(sub.assign(a=a, b=b))
    return pd.concat(parts, ignore_index=True) if parts else data.iloc[:0]


def _band_handles():
    from matplotlib.patches import Patch

    return [
        Patch(facecolor="0.45", alpha=0.45, label="50% band"),
        Patch(facecolor="0.45", alpha=0.15, label="90% band"),
    ]


def fan_chart(
    ensemble_pairs: pd.DataFrame | None,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
    ax=None,
    event_labels: str = "inside",
    *,
    data: pd.DataFrame | None = None,
    runs: int = 0,
):
    """Median relation per pair across runs with 50% (dark) and 90% (light) bands, and
    dated events (``event_labels`` as :func:`sim.report.plots.draw.draw_events` takes).

    From ``ensemble_pairs``, or from ``data``: a :func:`fan_quantiles` table of every pair
    over ``runs`` runs (``ensemble_pairs`` is then None)."""
    from sim.report.plots import draw
    from sim.report.plots.tables import to_datetime

    fig, ax, _own = draw.new_axes(ax, (10, 5))
    if data is None:
        table, n_runs = (
            ensemble_pairs,
            ensemble_pairs["run"].nunique() if len(ensemble_pairs) else 0,
        )
        data = fan_chart_dataset(ensemble_pairs, pairs_to_show, names)
    else:
        table, n_runs = _pair_table(data), runs
        data = _fan_pairs(data, pairs_to_show, names)
    styles, ids = goldstein_axes(ax, table, names, events, event_labels)
    for (a, b), sub in data.groupby(["a", "b"], sort=False):
        st = styles[frozenset((a, b))]
        x = to_datetime(sub["date"])
        for lo, hi, alpha, what in (("q05", "q95", 0.13, "band90"), ("q25", "q75", 0.28, "band50")):
            ax.fill_between(x, sub[lo], sub[hi], color=st["color"], alpha=alpha, linewidth=0,
                            gid=pair_gid(what, a, b, ids))  # fmt: skip
        ax.plot(x, sub["q50"].to_numpy(), label=pair_label(names, a, b), linewidth=1.8,
                gid=pair_gid("median", a, b, ids), **st)  # fmt: skip
    shown = list(dict.fromkeys(zip(data["a"], data["b"], strict=True)))
    if len(shown) == 1:
        title = f"{pair_label(names, *shown[0])}: median, 50% and 90% bands ({n_runs} runs)"
    else:
        title = f"Pairwise relations across {n_runs} runs: median, 50% and 90% bands"
    ax.set_title(title)
    if len(data):
        handles, _labels = ax.get_legend_handles_labels()
        draw.legend_outside(ax, handles=handles + _band_handles(), title="pair (median)")
    return fig


def fan_chart_panels(
    ensemble_pairs: pd.DataFrame | None,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
    *,
    data: pd.DataFrame | None = None,
    runs: int = 0,
):
    """Small multiples of :func:`fan_chart`, one panel per pair (bands of several pairs on
    one axes overlap badly), events numbered and explained below. Panel i draws
    ``fan_chart_dataset`` for pair i (or pair i's rows of ``data``, as :func:`fan_chart`)."""
    from matplotlib.lines import Line2D

    from sim.report.plots import draw

    table = ensemble_pairs if data is None else _pair_table(data)
    if data is None:
        runs = ensemble_pairs["run"].nunique()
    chosen = select_pairs(unordered_pairs(table, names), pairs_to_show)
    fig, panels, ncols, _own = draw.small_multiples(len(chosen), panel=(5.2, 3.3), extra=1.0)
    for i, (ax, pair) in enumerate(zip(panels, chosen, strict=True)):
        fan_chart(ensemble_pairs, events, names, [pair], ax, "number", data=data, runs=runs)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.set_title("")  # the panel's title, on the left, names the pair
        draw.panel_title(ax, pair_label(names, *pair))
        if i + ncols < len(chosen):
            ax.set_xlabel("")
        ax.xaxis.set_tick_params(labelbottom=True)
        if i % ncols:
            ax.set_ylabel("")
        elif len(chosen) > 1:
            ax.set_ylabel("relation (Goldstein, -10..+10)")
    handles = [*_band_handles(), Line2D([], [], color="0.2", linewidth=1.8, label="median")]
    fig.legend(handles=handles, loc="outside right upper", frameon=False, fontsize="small")
    draw.event_key(fig, events)
    fig.suptitle(f"Pairwise relations across {runs} runs: median, 50% and 90% bands")
    return fig
