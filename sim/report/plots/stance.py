"""One actor's public stance toward each other actor, and the secret channels on both sides."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sim.report.plots.tables import actor_gid, actor_order, name, table_actor_styles

STANCE_LABEL = "public stance\n(-1 hostile .. +1 friendly)"
CHANNEL_LABEL = "secret-channel engagement\n(0 none .. 1 full)"
THEIR_DASH = (0, (1, 1.5))  # the other side's engagement: dotted, thin


def stance_dataset(
    pairs: pd.DataFrame, names: Mapping[str, str] | None, actor: str
) -> pd.DataFrame:
    """One actor's stance and both sides' secret-channel engagement with each other actor.

    Columns: target, label (target's display name), step, date, stance (actor toward
    target), engagement (the actor's own engagement in its channel to the target),
    engagement_back (the target's engagement toward the actor), channel (the working
    channel: the lesser of the two), channel_public (leaked). Targets in actor order,
    rows by step.
    """
    order = actor_order(pairs, names)
    if actor not in order:
        raise ValueError(f"actor {actor!r} not in the pairs table")
    rank = {a: i for i, a in enumerate(order)}
    mine = pairs[(pairs["actor"] == actor) & (pairs["target"] != actor)]
    back = pairs[(pairs["target"] == actor) & (pairs["actor"] != actor)]
    back = back[["actor", "step", "engagement"]].rename(
        columns={"actor": "target", "engagement": "engagement_back"}
    )
    sub = mine.merge(back, on=["target", "step"], how="left", validate="one_to_one")
    sub["label"] = [name(names, t) for t in sub["target"]]
    sub["_r"] = sub["target"].map(rank)
    sub = sub.sort_values(["_r", "step"], kind="mergesort")
    cols = ["target", "label", "step", "date", "stance", "engagement", "engagement_back"]
    out = sub[[*cols, "channel", "channel_public"]].reset_index(drop=True)
    out["step"] = out["step"].astype(int)
    for c in ("stance", "engagement", "engagement_back", "channel"):
        out[c] = out[c].astype(float)
    out["channel_public"] = out["channel_public"].astype(bool)
    return out


def stance_figure(
    pairs: pd.DataFrame,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    actor: str,
    axes=None,
):
    """Top: the actor's public stance toward each other actor (-1..1). Bottom, on its own
    axis (0..1): its engagement in the secret channel to each (solid) and the other side's
    engagement toward it (dotted). A line takes the colour of the actor it is about; dashed
    verticals mark the dated events. ``axes``: optional (stance axes, channel axes)."""
    from matplotlib.lines import Line2D

    from sim.report.plots import draw
    from sim.report.plots.tables import date_span, to_datetime

    data = stance_dataset(pairs, names, actor)
    styles = table_actor_styles(pairs, names)
    if axes is None:
        fig = draw.Figure(figsize=(10, 6.4), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        own = True
    else:
        top, bottom = axes
        fig, own = draw.root_figure(top), False
    me = name(names, actor)
    draw.zero_line(top)
    handles = []
    for t, sub in data.groupby("target", sort=False):
        st = styles[t]
        x = to_datetime(sub["date"])
        every = max(1, len(sub) // 12)
        line = {"color": st["color"], "linestyle": st["linestyle"], "linewidth": 1.8}
        mark = {"marker": st["marker"], "markersize": 4, "markevery": every}
        (h,) = top.plot(x, sub["stance"].to_numpy(), **line, **mark,
                        label=name(names, t), gid=actor_gid("stance", t))  # fmt: skip
        bottom.plot(x, sub["engagement"].to_numpy(), **line, **mark,
                    label=f"{me}'s engagement with {name(names, t)}",
                    gid=actor_gid("engagement", t))  # fmt: skip
        bottom.plot(x, sub["engagement_back"].to_numpy(), color=st["color"],
                    linestyle=THEIR_DASH, linewidth=1.3,
                    label=f"{name(names, t)}'s engagement with {me}",
                    gid=actor_gid("engagement_back", t))  # fmt: skip
        handles.append(h)
    draw.draw_events(top, events)
    draw.draw_events(bottom, events, labels="none")
    top.set_ylim(-1.05, 1.05)
    top.set_ylabel(STANCE_LABEL)
    bottom.set_ylim(-0.03, 1.03)
    bottom.set_ylabel(CHANNEL_LABEL)
    bottom.set_xlabel("date (month)")
    span = date_span(data["date"])
    title = f"{me}: public stance and secret channels" + (f", {span}" if span else "")
    (fig.suptitle if own else top.set_title)(title)
    for ax in (top, bottom):
        draw.date_axis(ax)
        ax.grid(axis="y", **draw.GRID)
    if handles:
        key = [
            Line2D([], [], color="0.3", linewidth=1.8, label=f"stance (top); {me}'s engagement"),
            Line2D([], [], color="0.3", linestyle=THEIR_DASH, linewidth=1.3,
                   label=f"the other side's engagement with {me}"),
        ]  # fmt: skip
        draw.legend_outside(top, handles=handles, title="toward")
        draw.legend_outside(bottom, handles=key, title="lines")
    return fig
