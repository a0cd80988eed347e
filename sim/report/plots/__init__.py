"""Figures of cardplay runs, drawn from the tidy result tables, one module per family:
``relations`` (pairs over time), ``stance`` (one actor's stances and both sides' secret
channels), ``channels`` (each pair's channel, side by side), ``roles`` (triangle roles),
``utilities`` (interests), ``fan`` (ensemble bands); ``files`` writes a run's set.

Every figure function takes ``ax=None`` (or ``axes=None``) and returns the
:class:`matplotlib.figure.Figure` it drew on. Each has a pure companion ``*_dataset``
function returning exactly the numbers drawn, so tests (and readers) check a figure
without parsing pixels; :func:`~sim.report.plots.draw.drawn_styles` reads back the colour
and line style each actor and pair got.

Conventions
-----------
* Colours and line styles come from :mod:`sim.report.palette`, keyed by the scenario's
  actor order (the ``names`` mapping): an actor or a pair looks the same in every figure,
  the debrief and the classroom. Okabe-Ito colours; dashes and markers so figures also
  read in greyscale.
* Dates ``"YYYY-MM"`` are drawn as real dates (first of the month).
* Enabled events are dashed vertical lines (``gid="event-marker"``) labelled with their
  month and short label; in small multiples they are numbered and explained below.
* Actor ids are shown through ``names`` (id -> display name).
* matplotlib is imported only when a figure is drawn: the datasets, the narrative and a
  run written with ``output.figures=false`` never load it.
"""

from sim.report.palette import (
    INTEREST_STYLES,
    LINE_COLOURS,
    LINE_STYLES,
    MARKERS,
    OKABE_ITO,
    ROLE_COLOURS,
    ROLE_HATCHES,
    ROLE_ORDER,
    actor_styles,
    pair_styles,
)
from sim.report.plots.channels import channels_dataset, channels_figure
from sim.report.plots.fan import fan_chart, fan_chart_dataset, fan_chart_panels, fan_quantiles
from sim.report.plots.files import SAVE_DPI, run_figures, save_figures
from sim.report.plots.relations import GOLDSTEIN_LABEL, relations_dataset, relations_figure
from sim.report.plots.roles import roles_dataset, roles_figure
from sim.report.plots.stance import stance_dataset, stance_figure
from sim.report.plots.tables import (
    EVENT_GID,
    actor_order,
    event_markers,
    events_dataset,
    to_datetime,
    unordered_pairs,
    unordered_rows,
)
from sim.report.plots.utilities import INTERESTS, utilities_dataset, utilities_figure

__all__ = [
    "OKABE_ITO",
    "LINE_COLOURS",
    "LINE_STYLES",
    "MARKERS",
    "ROLE_COLOURS",
    "ROLE_HATCHES",
    "ROLE_ORDER",
    "INTEREST_STYLES",
    "INTERESTS",
    "GOLDSTEIN_LABEL",
    "EVENT_GID",
    "SAVE_DPI",
    "actor_order",
    "actor_styles",
    "pair_styles",
    "unordered_pairs",
    "unordered_rows",
    "to_datetime",
    "events_dataset",
    "event_markers",
    "relations_dataset",
    "relations_figure",
    "stance_dataset",
    "stance_figure",
    "channels_dataset",
    "channels_figure",
    "roles_dataset",
    "roles_figure",
    "utilities_dataset",
    "utilities_figure",
    "fan_chart_dataset",
    "fan_chart",
    "fan_chart_panels",
    "fan_quantiles",
    "run_figures",
    "save_figures",
]
