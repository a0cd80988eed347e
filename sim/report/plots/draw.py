"""Drawing helpers shared by the figures: new figures, date axes, legends, dated event
markers, and the styles a figure drew (read back from its artists).

This is the one module of :mod:`sim.report.plots` that imports matplotlib at the top; the
figure functions import it when they draw, so reading the figures' data never loads it.
Figures are plain :class:`~matplotlib.figure.Figure` objects (never pyplot), so they save
headless.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.report.palette import EVENT_COLOUR
from sim.report.plots.tables import EVENT_GID, event_markers, events_dataset, to_datetime

EVENT_DASH = (0, (4, 3))
GRID = {"color": "0.9", "linewidth": 0.6}


def new_axes(ax, figsize: tuple[float, float]):
    """(figure, axes, own): a constrained-layout Figure with one axes if ``ax`` is None."""
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot(), True
    return root_figure(ax), ax, False


def root_figure(ax) -> Figure:
    try:
        return ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        fig = ax.figure
        while getattr(fig, "figure", None) not in (None, fig):
            fig = fig.figure
        return fig


def grid_shape(n: int) -> tuple[int, int]:
    """Rows and columns of small multiples for ``n`` panels."""
    ncols = 1 if n <= 1 else 2 if n in (2, 4) else 3
    return math.ceil(max(n, 1) / ncols), ncols


def small_multiples(n: int, axes=None, *, panel=(5.0, 2.9), extra: float = 1.4):
    """(figure, the ``n`` axes to draw on, columns, own) for one panel per item: a new
    constrained figure of shared axes (``panel`` inches each, ``extra`` for titles and
    keys), or the given ``axes`` (at least ``n``). Axes beyond ``n`` are hidden."""
    if axes is None:
        nrows, ncols = grid_shape(n)
        fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows + extra), layout="constrained")
        grid = list(fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel())
        own = True
    else:
        grid = list(np.ravel(np.asarray(axes, dtype=object)))
        if len(grid) < n:
            raise ValueError(f"need {n} axes, got {len(grid)}")
        fig, ncols, own = root_figure(grid[0]), 1, False
    for ax in grid[n:]:
        ax.set_visible(False)
    return fig, grid[:n], ncols, own


def date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def zero_line(ax) -> None:
    ax.axhline(0.0, color="0.75", linewidth=0.8, zorder=0, gid="zero-line", label="_zero")


def panel_title(ax, text: str) -> None:
    """A small-multiple's title, left, with room below it for numbered event markers."""
    ax.set_title(text, fontsize="medium", loc="left", pad=13)


def legend_outside(ax, **kw):
    kw.setdefault("fontsize", "small")
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, **kw)


def draw_events(ax, events: pd.DataFrame | None, *, labels: str = "inside") -> int:
    """A dashed vertical per enabled event and, per event month, its marker text.

    ``labels``: ``"inside"`` (rotated "YYYY-MM label" inside the top of the axes),
    ``"above"`` (the same just above the axes), ``"number"`` (the month's number from
    :func:`~sim.report.plots.tables.event_markers`, explained by :func:`event_key`) or
    ``"none"``. Returns the number of events drawn.
    """
    ev = events_dataset(events)
    for x in to_datetime(ev["date"]):
        ax.axvline(
            x,
            color=EVENT_COLOUR,
            linestyle=EVENT_DASH,
            linewidth=0.9,
            zorder=1,
            gid=EVENT_GID,
            label="_event",
        )
    tf = ax.get_xaxis_transform()
    box = {"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}
    for m in event_markers(events).itertuples():
        x = to_datetime([m.date]).iloc[0]
        if labels == "number":
            ax.text(x, 1.0, str(m.number), transform=tf, ha="center", va="bottom",
                    fontsize=8, color="0.15", fontweight="bold", gid="event-number")  # fmt: skip
        elif labels in ("inside", "above"):
            above = labels == "above"
            ax.text(
                x,
                1.01 if above else 0.985,
                m.marker,
                transform=tf,
                rotation=90,
                ha="center" if above else "right",
                va="bottom" if above else "top",
                fontsize=7.5,
                color="0.2",
                zorder=5,
                gid="event-label",
                bbox=box,
            )
    return len(ev)


def event_key(fig: Figure, events: pd.DataFrame | None, ncols: int = 3) -> None:
    """A figure legend explaining the numbered event markers: "1  1969-03 Zhenbao ..."."""
    marks = event_markers(events)
    if marks.empty:
        return
    handles = [
        Line2D([], [], linestyle="none", marker=f"${m.number}$", color="0.15", markersize=7)
        for m in marks.itertuples()
    ]
    fig.legend(
        handles,
        list(marks["marker"]),
        loc="outside lower center",
        ncols=min(ncols, len(handles)),
        frameon=False,
        fontsize="small",
        title="dashed verticals: events",
        title_fontsize="small",
    )


def line_dash(line: Line2D) -> str:
    """A line's style as drawn: "-" for solid, else its dash pattern "on off ..." in points
    (matplotlib reports every custom dash as "--", so the pattern is read back)."""
    _offset, seq = getattr(line, "_unscaled_dash_pattern", (0, None))
    if not seq:
        return str(line.get_linestyle())
    return " ".join(f"{x:g}" for x in seq)


def drawn_styles(fig: Figure) -> list[dict]:
    """The style of every line a figure drew for an actor or a pair, read back from the
    artists: one record per line whose gid is ``"<what>/actor:<id>"`` or
    ``"<what>/pair:<a>|<b>"``: gid, what, key (``actor:US`` or ``pair:US|PRC``), color (hex),
    linestyle, marker. Band fills (gid ``"band.../pair:..."``) report their colour only."""
    out = []
    for ax in fig.get_axes():
        artists = [*ax.get_lines(), *ax.collections]
        for art in artists:
            gid = art.get_gid()
            if not isinstance(gid, str) or "/" not in gid:
                continue
            what, key = gid.split("/", 1)
            if not key.startswith(("actor:", "pair:")):
                continue
            if isinstance(art, Line2D):
                colour, ls, marker = art.get_color(), line_dash(art), art.get_marker()
            else:
                colour, ls, marker = art.get_facecolor()[0], "", ""
            out.append(
                {
                    "gid": gid,
                    "what": what,
                    "key": key,
                    "color": to_hex(colour, keep_alpha=False).upper(),
                    "linestyle": str(ls),
                    "marker": str(marker) if marker not in (None, "None", "none") else "",
                }
            )
    return out


def save_png(fig: Figure, target, dpi: int) -> None:
    """Save as PNG on white (``target`` a path or a binary file), then clear the figure."""
    fig.savefig(target, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    fig.clear()
