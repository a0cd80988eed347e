"""The debrief's story and figures (embedded PNGs, each with the data it draws)."""

from __future__ import annotations

import base64
import io

import pandas as pd

from sim.report.debrief.compare import departure_dataset, departure_figure

PNG_DPI = 110


def png_base64(fig) -> str:
    """The figure as a base64 PNG (then cleared)."""
    from sim.report.plots.draw import save_png

    buf = io.BytesIO()
    save_png(fig, buf, PNG_DPI)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def story_section(res, tables: dict) -> list[dict]:
    from sim.report.narrative import narrate_run

    events = events_shown(res, tables["events"])
    lines = narrate_run(tables, events, res.event_specs, res.names)
    months: dict[str, list[str]] = {}
    for line in lines:
        date, _, text = line.partition(": ")
        months.setdefault(date, []).append(text)
    return [{"date": d, "lines": months[d]} for d in sorted(months)]


def events_shown(res, events: pd.DataFrame) -> pd.DataFrame:
    """Events that fired within the recorded run (scenario events and injects)."""
    fired = {e for _, e in res.fired}
    last = res.dates[-1]
    keep = events["event"].isin(fired) & (events["date"].astype(str) <= last)
    return events[keep].reset_index(drop=True)


def _entry(fig, title: str, caption: str, data: pd.DataFrame) -> dict:
    """A figure as the debrief keeps it: title, caption, the PNG, the data it draws and the
    styles it gave each actor and pair (read back from the drawing)."""
    from sim.report.plots.draw import drawn_styles

    styles = drawn_styles(fig)
    return {
        "title": title,
        "caption": caption,
        "png": png_base64(fig),
        "data": data.to_dict("records"),
        "styles": styles,
    }


def figures_section(res, tables: dict, base: dict) -> dict:
    """The relations, the run against the model alone, the secret channels, the triangle
    roles and the interests, each as :func:`_entry`."""
    from sim.report import plots

    names, pairs = res.names, tables["pairs"]
    events = events_shown(res, tables["events"])
    dep = departure_dataset(res, base)
    return {
        "relations": _entry(
            plots.relations_figure(pairs, events, names),
            "Relations over time, with the events that fired",
            "Each pair's public relation on the Goldstein scale (-10 hostile .. +10 "
            "cooperative); dashed verticals mark scenario events and control-cell injects.",
            plots.relations_dataset(pairs, names).round(4),
        ),
        "departure": _entry(
            departure_figure(dep, events, base["runs"], res.ids),
            "This run against the model playing alone",
            "Thick, in the pair's colour: this run. Black dashes: the model alone on the same "
            "seed (same random numbers, no team moves, no injects). Dotted and shaded: median "
            f"and 5-95% band of {base['runs']} model-only runs.",
            dep.round(4),
        ),
        "channels": _entry(
            plots.channels_figure(pairs, events, names),
            "Secret channels, each side's engagement",
            "For every pair, how far each side engaged in its secret channel to the other "
            "(0 none .. 1 full), in the actor's colour; grey: the working channel, the lesser "
            "of the two; black along the top: months the channel was public (leaked).",
            plots.channels_dataset(pairs, names).round(4),
        ),
        "roles": _entry(
            plots.roles_figure(tables["triangles"], events, names),
            "Roles in each strategic triangle",
            "Pivot, wing, partner, outcast, friend or foe in every triad, month by month "
            "(Dittmer 1981; Wu 1996).",
            plots.roles_dataset(tables["triangles"], names),
        ),
        "utilities": _entry(
            plots.utilities_figure(tables["actors"], events, names),
            "Interests and utility by actor",
            "Each actor's five interests and its total utility.",
            plots.utilities_dataset(tables["actors"], names).round(5),
        ),
    }
