"""The pairs' public relations over time (Goldstein units), one line per pair."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from sim.report.plots.tables import (
    empty_frame,
    pair_gid,
    pair_goldstein,
    pair_label,
    pair_rows,
    scenario_ids,
    select_pairs,
    table_pair_styles,
    unordered_pairs,
)

GOLDSTEIN_LABEL = "relation (Goldstein scale, -10 hostile .. +10 cooperative)"


def relations_dataset(
    pairs: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Symmetric relation (Goldstein units) over time per unordered pair.

    Columns: a, b, label (display names, "A–B"), step, date, goldstein.  Pairs
    follow ``pairs_to_show`` (keeping the given order of a and b) or actor order.
    """
    cols = ["a", "b", "label", "step", "date", "goldstein"]
    if pairs is None or len(pairs) == 0:
        return empty_frame(cols)
    g = pair_goldstein(pairs, names)
    frames = []
    for a, b in select_pairs(unordered_pairs(pairs, names), pairs_to_show):
        sub = pair_rows(g, a, b).copy()
        sub["a"], sub["b"] = a, b
        sub["label"] = pair_label(names, a, b)
        frames.append(sub[cols])
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    out["step"] = out["step"].astype(int)
    out["goldstein"] = out["goldstein"].astype(float)
    return out


def goldstein_axes(ax, table: pd.DataFrame, names, events, event_labels: str = "inside"):
    """Set up ``ax`` for relations over time and return (pair styles, scenario ids): the
    zero line and, on top, the dated events; the -10..+10 axis, its labels, date ticks
    and grid."""
    from sim.report.plots import draw

    draw.zero_line(ax)
    draw.draw_events(ax, events, labels=event_labels)
    ax.set_ylim(-10.5, 10.5)
    ax.set_ylabel(GOLDSTEIN_LABEL)
    ax.set_xlabel("date (month)")
    draw.date_axis(ax)
    ax.grid(axis="y", **draw.GRID)
    if table is None or len(table) == 0:
        return {}, []
    return table_pair_styles(table, names), scenario_ids(table, names)


def relations_figure(
    pairs: pd.DataFrame,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
    ax=None,
):
    """Relation of each unordered pair over time, in Goldstein units, with dated events."""
    from sim.report.plots import draw
    from sim.report.plots.tables import date_span, to_datetime

    fig, ax, _own = draw.new_axes(ax, (10, 5))
    data = relations_dataset(pairs, names, pairs_to_show)
    styles, ids = goldstein_axes(ax, pairs, names, events)
    for (a, b), sub in data.groupby(["a", "b"], sort=False):
        ax.plot(
            to_datetime(sub["date"]),
            sub["goldstein"].to_numpy(),
            label=pair_label(names, a, b),
            linewidth=1.8,
            gid=pair_gid("relation", a, b, ids),
            **styles[frozenset((a, b))],
        )
    span = date_span(data["date"]) if len(data) else ""
    ax.set_title(f"Pairwise relations{', ' + span if span else ''}")
    if len(data):
        draw.legend_outside(ax, title="pair")
    return fig
