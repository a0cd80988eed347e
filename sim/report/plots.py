"""Figures for cardplay runs, drawn from the tidy result tables.

Every figure function takes ``ax=None`` (or ``axes=None``) and returns the
:class:`matplotlib.figure.Figure` it drew on.  Each has a pure companion
``*_dataset`` function that returns exactly the numbers drawn, so tests (and
readers) can check a figure without parsing pixels.

The module never touches pyplot or the global backend: new figures are plain
``Figure`` objects, which can be saved headless.

Conventions
-----------
* Colours come from the Okabe-Ito colour-blind-safe palette.  A pair's colour
  and line style are fixed by its position in the sorted list of all unordered
  pairs in the data, so the same pair looks the same in every figure; line
  styles vary alongside colours so figures also read in greyscale.
* Dates ``"YYYY-MM"`` are drawn as real dates (first of the month).
* Enabled events are drawn as grey dashed vertical lines (``gid="event-marker"``)
  with a short rotated label; events sharing a month share one label.
* Actor ids are shown through the ``names`` mapping (id -> display name).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

__all__ = [
    "OKABE_ITO",
    "LINE_COLOURS",
    "LINE_STYLES",
    "ROLE_COLOURS",
    "INTERESTS",
    "actor_order",
    "unordered_pairs",
    "pair_styles",
    "events_dataset",
    "relations_dataset",
    "relations_figure",
    "stance_dataset",
    "stance_figure",
    "roles_dataset",
    "roles_figure",
    "utilities_dataset",
    "utilities_figure",
    "fan_chart_dataset",
    "fan_chart",
    "fan_chart_panels",
    "save_figures",
]

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Order in which line colours are handed out (yellow last: weak on white).
LINE_COLOURS: tuple[str, ...] = tuple(
    OKABE_ITO[k]
    for k in (
        "blue",
        "vermillion",
        "bluish_green",
        "reddish_purple",
        "orange",
        "sky_blue",
        "black",
        "yellow",
    )
)
#: Line styles cycled alongside the colours (6 styles x 8 colours: 24 distinct pairs).
LINE_STYLES: tuple = ("-", "--", "-.", (0, (1, 1)), (0, (6, 1.5)), (0, (3, 1, 1, 1, 1, 1)))
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")

#: Role colours (Okabe-Ito) and hatches (for greyscale) in the roles figure.
ROLE_COLOURS: dict[str, str] = {
    "pivot": OKABE_ITO["vermillion"],
    "wing": OKABE_ITO["sky_blue"],
    "partner": OKABE_ITO["bluish_green"],
    "outcast": OKABE_ITO["reddish_purple"],
    "friend": OKABE_ITO["blue"],
    "foe": OKABE_ITO["orange"],
}
ROLE_HATCHES: dict[str, str] = {
    "pivot": "",
    "wing": "//",
    "partner": "",
    "outcast": "xx",
    "friend": "..",
    "foe": "\\\\",
}
ROLE_ORDER: tuple[str, ...] = tuple(ROLE_COLOURS)

#: Interest columns of the actors table, in drawing order.
INTERESTS: tuple[str, ...] = ("security", "economy", "sovereignty", "ideology", "leverage")
_INTEREST_STYLE: dict[str, tuple[str, object, float]] = {
    "security": (OKABE_ITO["blue"], "-", 1.4),
    "economy": (OKABE_ITO["vermillion"], "--", 1.4),
    "sovereignty": (OKABE_ITO["bluish_green"], "-.", 1.4),
    "ideology": (OKABE_ITO["reddish_purple"], (0, (1, 1)), 1.6),
    "leverage": (OKABE_ITO["orange"], (0, (6, 1.5)), 1.4),
    "utility": (OKABE_ITO["black"], "-", 2.4),
}

GOLDSTEIN_LABEL = "relation (Goldstein scale, -10..+10)"
EVENT_GID = "event-marker"
SAVE_DPI = 150
_LABEL_CHARS = 28
_PAIR_SEP = "\u2013"  # en dash in pair labels, e.g. "USSR–PRC"


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


def _name(names: Mapping[str, str] | None, actor: str) -> str:
    if names and actor in names:
        return str(names[actor])
    return str(actor)


def _pair_label(names: Mapping[str, str] | None, a: str, b: str) -> str:
    return f"{_name(names, a)}{_PAIR_SEP}{_name(names, b)}"


def _triad_label(names: Mapping[str, str] | None, triad: str) -> str:
    parts = str(triad).split("-")
    if names and all(p in names for p in parts):
        return _PAIR_SEP.join(_name(names, p) for p in parts)
    return str(triad)


def to_datetime(dates: Iterable) -> pd.Series:
    """Convert ``"YYYY-MM"`` strings (or full dates) to a datetime Series."""
    s = pd.Series(list(dates) if not isinstance(dates, pd.Series) else dates)
    try:
        return pd.to_datetime(s, format="%Y-%m")
    except (ValueError, TypeError):
        return pd.to_datetime(s)


def _month_after(ts: pd.Timestamp) -> pd.Timestamp:
    return ts + pd.DateOffset(months=1)


def _short(label: str, n: int = _LABEL_CHARS) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= n else label[: n - 1].rstrip() + "\u2026"


def _new_axes(ax, figsize: tuple[float, float]):
    """Return (figure, axes); create a constrained-layout Figure if ``ax`` is None."""
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
        return fig, ax, True
    return _root_figure(ax), ax, False


def _root_figure(ax) -> Figure:
    try:
        return ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        fig = ax.figure
        while hasattr(fig, "figure") and fig.figure is not fig and fig.figure is not None:
            fig = fig.figure
        return fig


def _date_axis(ax) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _legend_outside(ax, **kw):
    kw.setdefault("fontsize", "small")
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, **kw)


def _date_span(dates: Iterable[str]) -> str:
    ds = sorted(set(map(str, dates)))
    if not ds:
        return ""
    return ds[0] if ds[0] == ds[-1] else f"{ds[0]} to {ds[-1]}"


# ---------------------------------------------------------------------------
# actors, pairs, styles
# ---------------------------------------------------------------------------


def actor_order(table: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[str]:
    """Actor ids present in ``table``: first in the order of ``names`` (the scenario's
    order, so row order does not matter), then any others in order of first
    appearance (``actor`` column, then ``target``)."""
    seen: list = list(names or ())
    for col in ("actor", "target"):
        if col in table.columns:
            seen.extend(table[col].tolist())
    present = set()
    for col in ("actor", "target"):
        if col in table.columns:
            present.update(table[col].tolist())
    return [a for a in dict.fromkeys(seen) if isinstance(a, str) and a != "" and a in present]


def unordered_pairs(
    pairs: pd.DataFrame, names: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Unordered pairs present in ``pairs`` as (a, b), a before b in :func:`actor_order`."""
    order = actor_order(pairs, names)
    rank = {a: i for i, a in enumerate(order)}
    present = {
        tuple(sorted((a, t), key=rank.__getitem__))
        for a, t in zip(pairs["actor"], pairs["target"], strict=True)
        if a != t
    }
    return sorted(present, key=lambda p: (rank[p[0]], rank[p[1]]))


def pair_styles(pair_list: Iterable[tuple[str, str]]) -> dict[frozenset, dict]:
    """Colour and line style per unordered pair, fixed by the sorted pair list.

    Keys are ``frozenset({a, b})``; values are ``{"color": ..., "linestyle": ...}``.
    """
    keys = sorted({tuple(sorted(p)) for p in pair_list})
    return {
        frozenset(k): {
            "color": LINE_COLOURS[i % len(LINE_COLOURS)],
            "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
        }
        for i, k in enumerate(keys)
    }


def unordered_rows(pairs: pd.DataFrame, rank: Mapping[str, int]) -> pd.DataFrame:
    """The ordered-pair rows with ``_g`` (relation in Goldstein units) and the pair as
    (``a``, ``b``), ``a`` the earlier actor in ``rank``."""
    df = pairs[pairs["actor"] != pairs["target"]].copy()
    if "goldstein" in df.columns:
        df["_g"] = df["goldstein"].astype(float)
    else:
        df["_g"] = df["relation"].astype(float) * 10.0
    first = df["actor"].map(rank) < df["target"].map(rank)
    df["a"] = np.where(first, df["actor"], df["target"])
    df["b"] = np.where(first, df["target"], df["actor"])
    return df


def _pair_goldstein(
    pairs: pd.DataFrame, names: Mapping[str, str] | None = None, extra: Sequence[str] = ()
) -> pd.DataFrame:
    """Symmetric relation (Goldstein units) per unordered pair and step.

    Averages the two ordered rows of a pair (they should agree).  Returns columns
    ``*extra, a, b, step, date, goldstein`` with (a, b) in actor order.
    """
    order = actor_order(pairs, names)
    rank = {a: i for i, a in enumerate(order)}
    df = unordered_rows(pairs, rank)
    keys = [*extra, "a", "b", "step", "date"]
    out = df.groupby(keys, sort=False, as_index=False)["_g"].mean()
    out = out.rename(columns={"_g": "goldstein"})
    out["_ra"] = out["a"].map(rank)
    out["_rb"] = out["b"].map(rank)
    out = out.sort_values([*extra, "_ra", "_rb", "step"], kind="mergesort")
    return out.drop(columns=["_ra", "_rb"]).reset_index(drop=True)


def _select_pairs(
    available: list[tuple[str, str]], pairs_to_show: Iterable[tuple[str, str]] | None
) -> list[tuple[str, str]]:
    if pairs_to_show is None:
        return list(available)
    lookup = {frozenset(p): p for p in available}
    chosen = []
    for a, b in pairs_to_show:
        if frozenset((a, b)) not in lookup:
            raise ValueError(f"pair ({a!r}, {b!r}) not in the pairs table")
        chosen.append((a, b))
    return chosen


# ---------------------------------------------------------------------------
# events
# ---------------------------------------------------------------------------


def events_dataset(events: pd.DataFrame | None) -> pd.DataFrame:
    """Enabled events sorted by date (stable): columns event, date, label, citation."""
    cols = ["event", "date", "label", "citation"]
    if events is None or len(events) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    ev = events
    if "enabled" in ev.columns:
        ev = ev[ev["enabled"].fillna(False).astype(bool)]
    ev = ev.copy()
    for c in cols:
        if c not in ev.columns:
            ev[c] = ""
    ev["date"] = ev["date"].astype(str)
    ev["label"] = ev["label"].fillna(ev["event"]).astype(str)
    ev["citation"] = ev["citation"].fillna("").astype(str)
    return ev.sort_values("date", kind="mergesort")[cols].reset_index(drop=True)


def _draw_events(ax, events: pd.DataFrame | None, *, above: bool = False) -> int:
    """Dashed vertical line per enabled event, one rotated label per month.

    Labels sit inside the top of the axes, or just above it if ``above``.
    """
    ev = events_dataset(events)
    if ev.empty:
        return 0
    xs = to_datetime(ev["date"])
    for x in xs:
        ax.axvline(
            x,
            color="0.4",
            linestyle=(0, (4, 3)),
            linewidth=0.9,
            zorder=1,
            gid=EVENT_GID,
            label="_event",
        )
    tf = ax.get_xaxis_transform()
    for date, group in ev.groupby("date", sort=True):
        x = to_datetime([date]).iloc[0]
        text = " / ".join(_short(lbl) for lbl in group["label"])
        ax.text(
            x,
            1.01 if above else 0.985,
            text,
            transform=tf,
            rotation=90,
            ha="center" if above else "right",
            va="bottom" if above else "top",
            fontsize=7,
            color="0.25",
            zorder=5,
            gid="event-label",
            bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
        )
    return len(ev)


# ---------------------------------------------------------------------------
# relations
# ---------------------------------------------------------------------------


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
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    g = _pair_goldstein(pairs, names)
    chosen = _select_pairs(unordered_pairs(pairs, names), pairs_to_show)
    frames = []
    for a, b in chosen:
        sub = g[((g["a"] == a) & (g["b"] == b)) | ((g["a"] == b) & (g["b"] == a))].copy()
        sub["a"], sub["b"] = a, b
        sub["label"] = _pair_label(names, a, b)
        frames.append(sub[cols])
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    out["step"] = out["step"].astype(int)
    out["goldstein"] = out["goldstein"].astype(float)
    return out


def relations_figure(
    pairs: pd.DataFrame,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
    ax=None,
) -> Figure:
    """Relation of each unordered pair over time, in Goldstein units, with events."""
    fig, ax, own = _new_axes(ax, (10, 5))
    data = relations_dataset(pairs, names, pairs_to_show)
    styles = pair_styles(unordered_pairs(pairs)) if len(pairs) else {}
    ax.axhline(0.0, color="0.8", linewidth=0.8, zorder=0, gid="zero-line", label="_zero")
    for (a, b), sub in data.groupby(["a", "b"], sort=False):
        ax.plot(
            to_datetime(sub["date"]),
            sub["goldstein"].to_numpy(),
            label=_pair_label(names, a, b),
            linewidth=1.8,
            gid=f"pair:{a}|{b}",
            **styles[frozenset((a, b))],
        )
    _draw_events(ax, events)
    ax.set_ylim(-10.5, 10.5)
    ax.set_ylabel(GOLDSTEIN_LABEL)
    ax.set_xlabel("date (month)")
    span = _date_span(data["date"]) if len(data) else ""
    ax.set_title(f"Pairwise relations{', ' + span if span else ''}")
    _date_axis(ax)
    ax.grid(axis="y", color="0.92", linewidth=0.6)
    if len(data):
        _legend_outside(ax, title="pair")
    return fig


# ---------------------------------------------------------------------------
# one actor's stance
# ---------------------------------------------------------------------------


def stance_dataset(
    pairs: pd.DataFrame, names: Mapping[str, str] | None, actor: str
) -> pd.DataFrame:
    """One actor's public stance and secret channel level toward each other actor.

    Columns: target, label (display name of target), step, date, stance, channel.
    Targets in actor order, rows by step.
    """
    cols = ["target", "label", "step", "date", "stance", "channel"]
    order = actor_order(pairs, names)
    if actor not in order:
        raise ValueError(f"actor {actor!r} not in the pairs table")
    rank = {a: i for i, a in enumerate(order)}
    sub = pairs[(pairs["actor"] == actor) & (pairs["target"] != actor)].copy()
    sub["label"] = [_name(names, t) for t in sub["target"]]
    sub["_r"] = sub["target"].map(rank)
    sub = sub.sort_values(["_r", "step"], kind="mergesort")
    out = sub[cols].reset_index(drop=True)
    out["step"] = out["step"].astype(int)
    out["stance"] = out["stance"].astype(float)
    out["channel"] = out["channel"].astype(float)
    return out


def stance_figure(
    pairs: pd.DataFrame,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    actor: str,
    ax=None,
) -> Figure:
    """An actor's public stance toward each other actor (solid, with markers) and its
    secret channel level with each (dotted, same colour), plus event markers."""
    fig, ax, own = _new_axes(ax, (10, 5))
    data = stance_dataset(pairs, names, actor)
    ax.axhline(0.0, color="0.8", linewidth=0.8, zorder=0, gid="zero-line", label="_zero")
    targets = list(dict.fromkeys(data["target"]))
    colour_of = {t: LINE_COLOURS[i % len(LINE_COLOURS)] for i, t in enumerate(sorted(targets))}
    for t in targets:
        sub = data[data["target"] == t]
        x = to_datetime(sub["date"])
        i = sorted(targets).index(t)
        every = max(1, len(sub) // 12)
        ax.plot(
            x,
            sub["stance"].to_numpy(),
            color=colour_of[t],
            linestyle="-",
            linewidth=1.8,
            marker=MARKERS[i % len(MARKERS)],
            markersize=4,
            markevery=every,
            label=f"stance toward {_name(names, t)}",
            gid=f"stance:{t}",
        )
        ax.plot(
            x,
            sub["channel"].to_numpy(),
            color=colour_of[t],
            linestyle=":",
            linewidth=1.6,
            label=f"secret channel with {_name(names, t)}",
            gid=f"channel:{t}",
        )
    _draw_events(ax, events)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("stance (-1 hostile..+1 friendly);\nchannel level (0..1)")
    ax.set_xlabel("date (month)")
    span = _date_span(data["date"])
    ax.set_title(
        f"{_name(names, actor)}: public stance and secret channels" + (f", {span}" if span else "")
    )
    _date_axis(ax)
    ax.grid(axis="y", color="0.92", linewidth=0.6)
    if len(data):
        _legend_outside(ax)
    return fig


# ---------------------------------------------------------------------------
# triangle roles
# ---------------------------------------------------------------------------


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
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
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
) -> Figure:
    """For each triad a block of rows, one per actor, coloured by the actor's role."""
    data = roles_dataset(triangles, names)
    ticks, ypos = _role_layout(data)
    n_events = len(events_dataset(events))
    # room for the rows, title, date axis and (above the axes) the event labels
    height = 1.5 + 0.32 * max(len(ticks), 3) + (1.5 if n_events else 0.0)
    fig, ax, own = _new_axes(ax, (10, height))
    roles_present = list(dict.fromkeys(data["role"]))
    legend_roles = [r for r in ROLE_ORDER if r in roles_present] + sorted(
        r for r in roles_present if r not in ROLE_COLOURS
    )
    ax.xaxis_date()
    for (triad, actor, role), sub in data.groupby(["triad", "actor", "role"], sort=False):
        xr = []
        for s, e in zip(sub["start"], sub["end"], strict=True):
            x0 = mdates.date2num(to_datetime([s]).iloc[0])
            x1 = mdates.date2num(_month_after(to_datetime([e]).iloc[0]))
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
        x_hi = mdates.date2num(_month_after(to_datetime([data["end"].max()]).iloc[0]))
        ax.set_xlim(x_lo, x_hi)
    _draw_events(ax, events, above=True)
    ax.set_yticks([y for y, _, _ in ticks])
    labels = [
        (_triad_label(names, lbl) + " triangle") if hdr else _name(names, lbl)
        for _, lbl, hdr in ticks
    ]
    ax.set_yticklabels(labels)
    for tl, (_, _, hdr) in zip(ax.get_yticklabels(), ticks, strict=True):
        if hdr:
            tl.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim((ticks[-1][0] + 0.7) if ticks else 1, -0.7)
    ax.set_xlabel("date (month)")
    span = _date_span(list(data["start"]) + list(data["end"])) if len(data) else ""
    title = "Roles in each strategic triangle" + (f", {span}" if span else "")
    if own:  # suptitle sits above the event labels drawn over the axes
        fig.suptitle(title)
    else:
        ax.set_title(title, pad=70 if n_events else 6)
    _date_axis(ax)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    if legend_roles:
        handles = [
            Patch(
                facecolor=ROLE_COLOURS.get(r, "0.7"),
                edgecolor="white",
                hatch=ROLE_HATCHES.get(r, ""),
                label=r,
            )
            for r in legend_roles
        ]
        _legend_outside(ax, handles=handles, title="role")
    return fig


# ---------------------------------------------------------------------------
# utilities
# ---------------------------------------------------------------------------


def utilities_dataset(actors: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Long table of each actor's interests and total utility over time.

    Columns: actor, variable, step, date, value.  Actors in :func:`actor_order`;
    variables in the order security, economy, sovereignty, ideology,
    leverage, utility (those present); rows by step.
    """
    cols = ["actor", "variable", "step", "date", "value"]
    if actors is None or len(actors) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
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


def _grid_shape(n: int) -> tuple[int, int]:
    ncols = 1 if n <= 1 else 2 if n in (2, 4) else 3
    return math.ceil(max(n, 1) / ncols), ncols


def utilities_figure(actors: pd.DataFrame, names: Mapping[str, str] | None, axes=None) -> Figure:
    """One panel per actor: its interest values and total utility over time.

    ``axes``: optional sequence of Axes, at least one per actor (extra ones are hidden).
    """
    data = utilities_dataset(actors, names)
    order = list(dict.fromkeys(data["actor"]))
    n = len(order)
    if axes is None:
        nrows, ncols = _grid_shape(n)
        fig = Figure(figsize=(4.2 * ncols, 2.9 * nrows + 0.9), layout="constrained")
        grid = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
        axes_list = list(grid.ravel())
        own = True
    else:
        axes_list = list(np.ravel(np.asarray(axes, dtype=object)))
        if len(axes_list) < n:
            raise ValueError(f"need {n} axes, got {len(axes_list)}")
        fig = _root_figure(axes_list[0])
        own = False
    handles: dict[str, Line2D] = {}
    for i, ax in enumerate(axes_list):
        if i >= n:
            ax.set_visible(False)
            continue
        actor = order[i]
        sub = data[data["actor"] == actor]
        ax.axhline(0.0, color="0.8", linewidth=0.8, zorder=0, gid="zero-line", label="_zero")
        for v, vs in sub.groupby("variable", sort=False):
            colour, ls, lw = _INTEREST_STYLE.get(v, ("0.5", "-", 1.2))
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
        ax.set_title(_name(names, actor), fontsize="medium")
        _date_axis(ax)
        ax.grid(axis="y", color="0.92", linewidth=0.6)
        if own:
            if i % ncols == 0:
                ax.set_ylabel("interest value (-1..+1)")
            if i + ncols >= n:
                ax.set_xlabel("date (month)")
                ax.xaxis.set_tick_params(labelbottom=True)
        else:
            ax.set_ylabel("interest value (-1..+1)")
            ax.set_xlabel("date (month)")
    if handles:
        if own:
            span = _date_span(data["date"])
            fig.suptitle("Interests and utility by actor" + (f", {span}" if span else ""))
            fig.legend(
                list(handles.values()),
                list(handles.keys()),
                loc="outside lower center",
                ncols=len(handles),
                frameon=False,
                fontsize="small",
            )
        else:
            _legend_outside(axes_list[0], handles=list(handles.values()))
    return fig


# ---------------------------------------------------------------------------
# ensemble fan chart
# ---------------------------------------------------------------------------

_QUANTILES = {"q05": 0.05, "q25": 0.25, "q50": 0.50, "q75": 0.75, "q95": 0.95}


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
    cols = ["a", "b", "date", *_QUANTILES]
    if ensemble_pairs is None or len(ensemble_pairs) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    g = _pair_goldstein(ensemble_pairs, names, extra=["run"])
    chosen = _select_pairs(unordered_pairs(ensemble_pairs, names), pairs_to_show)
    frames = []
    for a, b in chosen:
        sub = g[((g["a"] == a) & (g["b"] == b)) | ((g["a"] == b) & (g["b"] == a))]
        rows = []
        for (_step, date), grp in sub.groupby(["step", "date"], sort=True):
            q = np.quantile(grp["goldstein"].to_numpy(dtype=float), list(_QUANTILES.values()))
            rows.append([a, b, str(date), *map(float, q)])
        frames.append(pd.DataFrame(rows, columns=cols))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def fan_chart(
    ensemble_pairs: pd.DataFrame,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
    ax=None,
) -> Figure:
    """Median relation per pair across runs with 50% (dark) and 90% (light) bands."""
    fig, ax, own = _new_axes(ax, (10, 5))
    data = fan_chart_dataset(ensemble_pairs, pairs_to_show, names)
    styles = pair_styles(unordered_pairs(ensemble_pairs)) if len(ensemble_pairs) else {}
    ax.axhline(0.0, color="0.8", linewidth=0.8, zorder=0, gid="zero-line", label="_zero")
    for (a, b), sub in data.groupby(["a", "b"], sort=False):
        st = styles[frozenset((a, b))]
        x = to_datetime(sub["date"])
        ax.fill_between(
            x, sub["q05"], sub["q95"], color=st["color"], alpha=0.13, linewidth=0, gid="band90"
        )
        ax.fill_between(
            x, sub["q25"], sub["q75"], color=st["color"], alpha=0.28, linewidth=0, gid="band50"
        )
        ax.plot(
            x,
            sub["q50"].to_numpy(),
            label=_pair_label(names, a, b),
            linewidth=1.8,
            gid=f"median:{a}|{b}",
            **st,
        )
    _draw_events(ax, events)
    ax.set_ylim(-10.5, 10.5)
    ax.set_ylabel(GOLDSTEIN_LABEL)
    ax.set_xlabel("date (month)")
    n_runs = ensemble_pairs["run"].nunique() if len(ensemble_pairs) else 0
    shown = list(dict.fromkeys(zip(data["a"], data["b"], strict=True)))
    if len(shown) == 1:
        title = f"{_pair_label(names, *shown[0])}: median, 50% and 90% bands ({n_runs} runs)"
    else:
        title = f"Pairwise relations across {n_runs} runs: median, 50% and 90% bands"
    ax.set_title(title)
    _date_axis(ax)
    ax.grid(axis="y", color="0.92", linewidth=0.6)
    if len(data):
        handles, labels = ax.get_legend_handles_labels()
        handles += [
            Patch(facecolor="0.45", alpha=0.45, label="50% band"),
            Patch(facecolor="0.45", alpha=0.15, label="90% band"),
        ]
        _legend_outside(ax, handles=handles, title="pair (median)")
    return fig


def fan_chart_panels(
    ensemble_pairs: pd.DataFrame,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
) -> Figure:
    """Small multiples of :func:`fan_chart`, one panel per pair (bands of several
    pairs on one axes overlap badly).  Panel i draws ``fan_chart_dataset`` for pair i."""
    chosen = _select_pairs(unordered_pairs(ensemble_pairs, names), pairs_to_show)
    nrows, ncols = _grid_shape(len(chosen))
    fig = Figure(figsize=(5.2 * ncols, 3.3 * nrows), layout="constrained")
    axes = list(fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel())
    for i, ax in enumerate(axes):
        if i >= len(chosen):
            ax.set_visible(False)
            continue
        fan_chart(ensemble_pairs, events, names, pairs_to_show=[chosen[i]], ax=ax)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.set_title(_pair_label(names, *chosen[i]), fontsize="medium")
        ax.xaxis.set_tick_params(labelbottom=True)
        if i % ncols:
            ax.set_ylabel("")
    handles = [
        Patch(facecolor="0.45", alpha=0.45, label="50% band"),
        Patch(facecolor="0.45", alpha=0.15, label="90% band"),
        Line2D([], [], color="0.2", linewidth=1.8, label="median"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False)
    n_runs = ensemble_pairs["run"].nunique()
    fig.suptitle(f"Pairwise relations across {n_runs} runs: median, 50% and 90% bands")
    return fig


# ---------------------------------------------------------------------------
# saving
# ---------------------------------------------------------------------------


def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(s)).strip("_") or "actor"


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=SAVE_DPI, bbox_inches="tight", facecolor="white")
    fig.clear()
    return path


def save_figures(
    results_tables: Mapping[str, pd.DataFrame],
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    folder: str | Path,
) -> list[Path]:
    """Write the standard figures as PNG (dpi 150) into ``folder`` and return the paths.

    Uses ``results_tables["pairs"]`` for relations.png and one stance_<actor>.png
    per actor, ``["triangles"]`` for roles.png, ``["actors"]`` for utilities.png
    and, if present, ``["ensemble_pairs"]`` (pairs plus a ``run`` column) for
    fan_chart.png.  Missing or empty tables are skipped.  Figures are cleared after
    saving.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []

    def has(key: str) -> bool:
        t = results_tables.get(key)
        return t is not None and len(t) > 0

    if has("pairs"):
        pairs = results_tables["pairs"]
        paths.append(_save(relations_figure(pairs, events, names), folder / "relations.png"))
    if has("triangles"):
        fig = roles_figure(results_tables["triangles"], events, names)
        paths.append(_save(fig, folder / "roles.png"))
    if has("actors"):
        fig = utilities_figure(results_tables["actors"], names)
        paths.append(_save(fig, folder / "utilities.png"))
    if has("pairs"):
        for actor in actor_order(results_tables["pairs"], names):
            fig = stance_figure(results_tables["pairs"], events, names, actor)
            paths.append(_save(fig, folder / f"stance_{_safe(actor)}.png"))
    if has("ensemble_pairs"):
        paths.append(
            _save(
                fan_chart_panels(results_tables["ensemble_pairs"], events, names),
                folder / "fan_chart.png",
            )
        )
    return paths
