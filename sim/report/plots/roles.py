"""Roles in each strategic triangle (Dittmer 1981; Wu 1996): one row per actor and triad,
coloured (and hatched, for greyscale) by the role it plays month by month."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from sim.report.palette import ROLE_COLOURS, ROLE_HATCHES, ROLE_ORDER
from sim.report.plots.tables import empty_frame, name, triad_label
from sim.report.words import ROLE_GLOSS


def _triad_actors(triad: str, present: Sequence[str]) -> list[str]:
    parts = str(triad).split("-")
    if set(parts) == set(present):
        return parts
    return list(present)


def _triad_order(triads: Iterable[str], names: Mapping[str, str] | None) -> list[str]:
    """Triads sorted by the ``names`` order of their members (unknown ids last, then
    by first appearance)."""
    uniq = list(dict.fromkeys(triads))
    rank = {a: i for i, a in enumerate(names or ())}
    big = len(rank)

    def key(item):
        i, triad = item
        return (tuple(rank.get(p, big) for p in str(triad).split("-")), i)

    return [t for _, t in sorted(enumerate(uniq), key=key)]


def roles_dataset(triangles: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Runs of constant role per triad and actor.

    Columns: triad, actor, role, start, end (``end`` is the last month of the run,
    inclusive).  Triads ordered by their members' order in ``names`` (then first
    appearance); actors in the order the triad string names them; runs in time
    order.
    """
    cols = ["triad", "actor", "role", "start", "end"]
    if triangles is None or len(triangles) == 0:
        return empty_frame(cols)
    rows = []
    t = triangles.sort_values("step", kind="mergesort")
    for triad in _triad_order(triangles["triad"], names):
        tri = t[t["triad"] == triad]
        for actor in _triad_actors(triad, list(dict.fromkeys(tri["actor"]))):
            sub = tri[tri["actor"] == actor]
            run = None
            for date, role in zip(sub["date"].astype(str), sub["role"].astype(str), strict=True):
                if run is not None and run[2] == role:
                    run[4] = date
                else:
                    if run is not None:
                        rows.append(run)
                    run = [triad, actor, role, date, date]
            if run is not None:
                rows.append(run)
    return pd.DataFrame(rows, columns=cols)


def _role_layout(data: pd.DataFrame) -> tuple[list[tuple[float, str, bool]], dict]:
    """Y positions: one header row per triad, then one row per actor."""
    ticks: list[tuple[float, str, bool]] = []
    ypos: dict[tuple[str, str], float] = {}
    y = 0.0
    for triad in dict.fromkeys(data["triad"]):
        ticks.append((y, str(triad), True))
        y += 1
        for actor in dict.fromkeys(data.loc[data["triad"] == triad, "actor"]):
            ypos[(triad, actor)] = y
            ticks.append((y, str(actor), False))
            y += 1
        y += 0.4
    return ticks, ypos


def roles_figure(
    triangles: pd.DataFrame,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    ax=None,
):
    """For each triad a block of rows, one per actor, coloured by the actor's role, with
    dated events above the rows."""
    from matplotlib import dates as mdates
    from matplotlib.patches import Patch

    from sim.report.plots import draw
    from sim.report.plots.tables import date_span, events_dataset, month_after, to_datetime

    data = roles_dataset(triangles, names)
    ticks, ypos = _role_layout(data)
    n_events = len(events_dataset(events))
    # room for the rows, title, date axis and (above the axes) the event labels
    height = 1.5 + 0.32 * max(len(ticks), 3) + (1.9 if n_events else 0.0)
    fig, ax, own = draw.new_axes(ax, (11, height))
    roles_present = list(dict.fromkeys(data["role"]))
    legend_roles = [r for r in ROLE_ORDER if r in roles_present] + sorted(
        r for r in roles_present if r not in ROLE_COLOURS
    )
    ax.xaxis_date()
    for (triad, actor, role), sub in data.groupby(["triad", "actor", "role"], sort=False):
        xr = []
        for s, e in zip(sub["start"], sub["end"], strict=True):
            x0 = mdates.date2num(to_datetime([s]).iloc[0])
            x1 = mdates.date2num(month_after(to_datetime([e]).iloc[0]))
            xr.append((x0, x1 - x0))
        ax.broken_barh(
            xr,
            (ypos[(triad, actor)] - 0.4, 0.8),
            facecolors=ROLE_COLOURS.get(role, "0.7"),
            edgecolors="white",
            linewidth=0.6,
            hatch=ROLE_HATCHES.get(role, ""),
            gid=f"role:{role}",
        )
    if len(data):
        x_lo = mdates.date2num(to_datetime([data["start"].min()]).iloc[0])
        x_hi = mdates.date2num(month_after(to_datetime([data["end"].max()]).iloc[0]))
        ax.set_xlim(x_lo, x_hi)
    draw.draw_events(ax, events, labels="above")
    ax.set_yticks([y for y, _, _ in ticks])
    labels = [
        (triad_label(names, lbl) + " triangle") if hdr else name(names, lbl)
        for _, lbl, hdr in ticks
    ]
    ax.set_yticklabels(labels)
    for tl, (_, _, hdr) in zip(ax.get_yticklabels(), ticks, strict=True):
        if hdr:
            tl.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim((ticks[-1][0] + 0.7) if ticks else 1, -0.7)
    ax.set_xlabel("date (month)")
    span = date_span(list(data["start"]) + list(data["end"])) if len(data) else ""
    title = "Roles in each strategic triangle" + (f", {span}" if span else "")
    if own:  # suptitle sits above the event labels drawn over the axes
        fig.suptitle(title)
    else:
        ax.set_title(title, pad=95 if n_events else 6)
    draw.date_axis(ax)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    if legend_roles:
        handles = [
            Patch(
                facecolor=ROLE_COLOURS.get(r, "0.7"),
                edgecolor="white",
                hatch=ROLE_HATCHES.get(r, ""),
                label=f"{r}: {ROLE_GLOSS[r]}" if r in ROLE_GLOSS else r,
            )
            for r in legend_roles
        ]
        draw.legend_outside(ax, handles=handles, title="role")
    return fig
