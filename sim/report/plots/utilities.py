"""Each actor's interests and total utility over time, one panel per actor."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sim.model.interest import INTEREST_NAMES
from sim.report.palette import INTEREST_STYLES
from sim.report.plots.tables import actor_order, empty_frame, name

INTERESTS = INTEREST_NAMES
VALUE_LABEL = "interest value (-1..+1)"


def utilities_dataset(actors: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Long table of each actor's interests and total utility over time.

    Columns: actor, variable, step, date, value.  Actors in actor order; variables in the
    order security, economy, sovereignty, ideology, leverage, utility (those present);
    rows by step.
    """
    cols = ["actor", "variable", "step", "date", "value"]
    if actors is None or len(actors) == 0:
        return empty_frame(cols)
    variables = [v for v in (*INTERESTS, "utility") if v in actors.columns]
    frames = []
    a_sorted = actors.sort_values("step", kind="mergesort")
    for actor in actor_order(actors, names):
        sub = a_sorted[a_sorted["actor"] == actor]
        for v in variables:
            frames.append(
                pd.DataFrame(
                    {
                        "actor": actor,
                        "variable": v,
                        "step": sub["step"].astype(int).to_numpy(),
                        "date": sub["date"].astype(str).to_numpy(),
                        "value": sub[v].astype(float).to_numpy(),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)[cols]


def utilities_figure(
    actors: pd.DataFrame, events: pd.DataFrame | None, names: Mapping[str, str] | None, axes=None
):
    """One panel per actor: its interest values and total utility over time, with the
    dated events numbered (explained below the panels).

    ``axes``: optional sequence of Axes, at least one per actor (extra ones are hidden).
    """
    from matplotlib.lines import Line2D

    from sim.report.plots import draw
    from sim.report.plots.tables import date_span, to_datetime

    data = utilities_dataset(actors, names)
    order = list(dict.fromkeys(data["actor"]))
    n = len(order)
    fig, panels, ncols, own = draw.small_multiples(n, axes, panel=(4.4, 2.9), extra=1.6)
    handles: dict[str, Line2D] = {}
    for i, (ax, actor) in enumerate(zip(panels, order, strict=True)):
        sub = data[data["actor"] == actor]
        draw.zero_line(ax)
        for v, vs in sub.groupby("variable", sort=False):
            colour, ls, lw = INTEREST_STYLES.get(v, ("0.5", "-", 1.2))
            (line,) = ax.plot(
                to_datetime(vs["date"]),
                vs["value"].to_numpy(),
                color=colour,
                linestyle=ls,
                linewidth=lw,
                label=v if v != "utility" else "total utility",
                gid=f"{actor}:{v}",
            )
            handles.setdefault(line.get_label(), line)
        draw.draw_events(ax, events, labels="number" if own else "inside")
        draw.panel_title(ax, name(names, actor))
        draw.date_axis(ax)
        ax.grid(axis="y", **draw.GRID)
        if not own or i % ncols == 0:
            ax.set_ylabel(VALUE_LABEL)
        if not own or i + ncols >= n:
            ax.set_xlabel("date (month)")
            ax.xaxis.set_tick_params(labelbottom=True)
    if handles and own:
        span = date_span(data["date"])
        fig.suptitle("Interests and utility by actor" + (f", {span}" if span else ""))
        fig.legend(list(handles.values()), list(handles.keys()), loc="outside right upper",
                   frameon=False, fontsize="small")  # fmt: skip
        draw.event_key(fig, events)
    elif handles:
        draw.legend_outside(panels[0], handles=list(handles.values()))
    return fig
