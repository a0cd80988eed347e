"""The standard figures of a run folder, as PNG files."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from sim.report.plots.channels import channels_figure
from sim.report.plots.fan import fan_chart_panels
from sim.report.plots.relations import relations_figure
from sim.report.plots.roles import roles_figure
from sim.report.plots.stance import stance_figure
from sim.report.plots.tables import actor_order
from sim.report.plots.utilities import utilities_figure

SAVE_DPI = 150


def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(s)).strip("_") or "actor"


def run_figures(
    results_tables: Mapping[str, pd.DataFrame],
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
) -> Iterator[tuple[str, object]]:
    """(file name, Figure) for each standard figure, drawn one at a time.

    ``results_tables["pairs"]`` gives relations.png, channels.png and one
    stance_<actor>.png per actor; ``["triangles"]`` roles.png; ``["actors"]``
    utilities.png; ``["ensemble_pairs"]`` (pairs plus a ``run`` column), if present,
    fan_chart.png. Missing or empty tables are skipped.
    """

    def has(key: str) -> bool:
        t = results_tables.get(key)
        return t is not None and len(t) > 0

    pairs = results_tables.get("pairs")
    if has("pairs"):
        yield "relations.png", relations_figure(pairs, events, names)
    if has("triangles"):
        yield "roles.png", roles_figure(results_tables["triangles"], events, names)
    if has("actors"):
        yield "utilities.png", utilities_figure(results_tables["actors"], events, names)
    if has("pairs"):
        yield "channels.png", channels_figure(pairs, events, names)
        for actor in actor_order(pairs, names):
            yield f"stance_{_safe(actor)}.png", stance_figure(pairs, events, names, actor)
    if has("ensemble_pairs"):
        yield "fan_chart.png", fan_chart_panels(results_tables["ensemble_pairs"], events, names)


def save_figures(
    results_tables: Mapping[str, pd.DataFrame],
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    folder: str | Path,
) -> list[Path]:
    """Write :func:`run_figures` as PNG (dpi 150) into ``folder`` and return the paths.
    Each figure is cleared once saved."""
    from sim.report.plots.draw import save_png

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for filename, fig in run_figures(results_tables, events, names):
        save_png(fig, folder / filename, SAVE_DPI)
        paths.append(folder / filename)
    return paths
