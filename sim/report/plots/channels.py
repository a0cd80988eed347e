"""Secret channels pair by pair: each side's engagement, the working channel, and leaks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from sim.report.plots.tables import (
    actor_gid,
    actor_order,
    empty_frame,
    name,
    pair_label,
    select_pairs,
    table_actor_styles,
    unordered_pairs,
)

COLUMNS = ["a", "b", "label", "step", "date", "engagement_a", "engagement_b", "channel", "public"]


def channels_dataset(
    pairs: pd.DataFrame,
    names: Mapping[str, str] | None = None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Per unordered pair (a before b in actor order) and step: engagement_a (a's engagement
    in its channel to b), engagement_b (b's toward a), channel (the working channel, the
    lesser of the two) and public (the channel has been leaked). Pairs in actor order or as
    ``pairs_to_show`` gives them; rows by step."""
    if pairs is None or len(pairs) == 0:
        return empty_frame(COLUMNS)
    rank = {a: i for i, a in enumerate(actor_order(pairs, names))}
    frames = []
    for a, b in select_pairs(unordered_pairs(pairs, names), pairs_to_show):
        if rank[a] > rank[b]:
            a, b = b, a
        ab = pairs[(pairs["actor"] == a) & (pairs["target"] == b)].sort_values("step")
        ba = pairs[(pairs["actor"] == b) & (pairs["target"] == a)].sort_values("step")
        e_a = ab["engagement"].to_numpy(dtype=float)
        e_b = ba["engagement"].to_numpy(dtype=float)
        frames.append(
            pd.DataFrame(
                {
                    "a": a,
                    "b": b,
                    "label": pair_label(names, a, b),
                    "step": ab["step"].astype(int).to_numpy(),
                    "date": ab["date"].astype(str).to_numpy(),
                    "engagement_a": e_a,
                    "engagement_b": e_b,
                    "channel": np.minimum(e_a, e_b),
                    "public": ab["channel_public"].astype(bool).to_numpy()
                    | ba["channel_public"].astype(bool).to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[COLUMNS] if frames else empty_frame(COLUMNS)


def channels_figure(
    pairs: pd.DataFrame,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    pairs_to_show: Iterable[tuple[str, str]] | None = None,
    axes=None,
):
    """Small multiples, one panel per pair: each side's engagement in its secret channel to
    the other (the actor's colour, line style and marker), the working channel shaded grey,
    the months it was public marked black along the top, and numbered dated events.
    ``axes``: optional sequence of Axes, one per pair (extra ones are hidden)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from sim.report.plots import draw
    from sim.report.plots.tables import date_span, to_datetime

    data = channels_dataset(pairs, names, pairs_to_show)
    styles = table_actor_styles(pairs, names)
    shown = list(dict.fromkeys(zip(data["a"], data["b"], strict=True)))
    fig, panels, ncols, own = draw.small_multiples(len(shown), axes, panel=(5.0, 2.6))
    actors_drawn: dict[str, Line2D] = {}
    for i, (ax, (a, b)) in enumerate(zip(panels, shown, strict=True)):
        sub = data[(data["a"] == a) & (data["b"] == b)]
        x = to_datetime(sub["date"])
        every = max(1, len(sub) // 10)
        ax.fill_between(x, 0, sub["channel"], color="0.82", linewidth=0, gid="working")
        for who, col in ((a, "engagement_a"), (b, "engagement_b")):
            st = styles[who]
            (line,) = ax.plot(x, sub[col].to_numpy(), color=st["color"], linestyle=st["linestyle"],
                              marker=st["marker"], markersize=3.5, markevery=every, linewidth=1.7,
                              label=name(names, who), gid=actor_gid("engagement", who))  # fmt: skip
            actors_drawn.setdefault(who, line)
        public = sub["public"].to_numpy()
        if public.any():
            ax.fill_between(x, 1.02, 1.08, where=public, color="black", linewidth=0, gid="public")
        draw.draw_events(ax, events, labels="number")
        ax.set_ylim(-0.03, 1.1)
        quiet = float(sub[["engagement_a", "engagement_b"]].to_numpy().max()) == 0.0
        draw.panel_title(ax, pair_label(names, a, b) + (" (no channel)" if quiet else ""))
        if i % ncols == 0:
            ax.set_ylabel("engagement (0..1)")
        draw.date_axis(ax)
        ax.xaxis.set_tick_params(labelbottom=True, labelsize=8)
        ax.grid(axis="y", **draw.GRID)
    handles = [*actors_drawn.values(),
               Patch(facecolor="0.82", label="working channel (the lesser)"),
               Patch(facecolor="black", label="public (leaked)")]  # fmt: skip
    if own:
        fig.legend(handles=handles, loc="outside right upper", frameon=False, fontsize="small",
                   title="engagement of")  # fmt: skip
        draw.event_key(fig, events)
        span = date_span(data["date"])
        fig.suptitle("Secret channels, each side's engagement" + (f", {span}" if span else ""))
    elif shown:
        draw.legend_outside(panels[0], handles=handles)
    return fig
