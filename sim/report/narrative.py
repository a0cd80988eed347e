"""A short plain-words story of a run, built from the tidy result tables.

:func:`narrate` turns the ``pairs``, ``log``, ``triangles``, ``events`` (and
optionally ``factions``) tables into one line per turning point, prefixed by
its month, e.g.::

    1969-03: Zhenbao Island clash (Patel2025). USSR–PRC relation falls to -7.4 on the
    Goldstein scale (-10 hostile .. +10 cooperative).

Written for a student: plain words first and the theory's term in brackets ("two partners
against an outcast [stable marriage]", :mod:`sim.report.words`); a term that needs a gloss
(a role, the Goldstein scale) gets it the first time only; no non-events (closing an
already closed channel, leaking a public one: the pairs table says what changed).

:func:`narrative_text` joins those lines into one paragraph per month.
The module uses pandas only (no plotting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from sim.report.turning_points import (
    P_CHANNEL,
    P_EVENT,
    P_FACTION,
    P_TRIANGLE,
    actor_rank,
    channel_items,
    empty,
    event_items,
    faction_items,
    relation_changes,
    triangle_items,
)
from sim.report.words import CONFIGURATION_TERMS, fill_glosses

__all__ = ["narrate", "narrate_run", "narrative_text", "CONFIGURATION_NAMES"]

CONFIGURATION_NAMES = CONFIGURATION_TERMS  # the configurations' terms (kept name)
_channel_items = channel_items  # the classroom hides others' secret moves with it

# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def narrate_run(tables: dict, events: pd.DataFrame, specs: Mapping, names, **options) -> list[str]:
    """:func:`narrate` over a run's tables, each event labelled with its narrative
    (``specs``: event id -> event spec; ``options`` go to :func:`narrate`)."""
    events = events.assign(
        label=[
            f"{lbl}: {specs[e].narrative.strip().rstrip('.')}" if specs[e].narrative else lbl
            for e, lbl in zip(events["event"], events["label"], strict=True)
        ]
    )
    return narrate(
        tables["pairs"],
        tables["log"],
        tables["triangles"],
        events,
        names,
        factions=tables["factions"],
        **options,
    )


def narrate(
    pairs: pd.DataFrame | None,
    log: pd.DataFrame | None,
    triangles: pd.DataFrame | None,
    events: pd.DataFrame | None,
    names: Mapping[str, str] | None,
    factions: pd.DataFrame | None = None,
    *,
    threshold: float = 2.0,
    max_lines_per_month: int = 6,
) -> list[str]:
    """Plain-words turning points, one ``"YYYY-MM: sentence(s)"`` line each.

    Rules (months in calendar order; within a month by priority, then key):

    0. **Events** - (by date, then event id) every enabled event whose month lies within the run's dates
       (the span of the dated tables given; all enabled events if none is given):
       ``"<label> (<citation>)."``.  If a pair the event involves (its ``kind ==
       "event"`` rows in ``log``) has a notable relation change (rule 3/5) in the
       same month, that sentence is appended to the event line instead of
       standing alone.
    1. **Triangles** - a triad's configuration changes from the previous month, in
       plain words with the term in brackets (``"US–USSR–PRC triangle shifts from two
       partners against an outcast [stable marriage] to one pivot courted by two rivals
       [romantic triangle]; US becomes the pivot (friendly with two rivals)."``), or an
       actor newly becomes pivot or outcast (``"In the US–USSR–PRC triangle, PRC becomes
       the pivot."``). A role's gloss is given the first time the role appears.
    2. **Secret channels** - log rows with action ``open_channel`` /
       ``close_channel`` (worded "secretly" when ``secret``) and ``leak_channel``
       ("leaks the secret channel with"), in step order, each only if the pairs table
       shows it changed something (:func:`sim.report.turning_points.channel_items`):
       "opens" from closed or "deepens", "closes" to zero or "winds down", a leak of a
       channel not yet public. Without a pairs table every such row is told.
    3. **Zero crossings** - a pair's symmetric relation (Goldstein units, mean of
       both ordered rows, value at the month's last step) changes sign from the
       previous month: ``"USSR–PRC relation rises to +1.5 on the Goldstein
       scale, turning friendly."`` (the scale glossed the first time).
    4. **Factions** (if ``factions`` given) - the faction with the largest
       influence in an actor (ties: alphabetical) differs from the previous
       month's: ``"USSR: the hawks faction overtakes the doves faction
       (influence 0.55 vs 0.45)."``.
    5. **Large changes** - ``abs(monthly change) >= threshold`` Goldstein units
       without a sign change: ``"... relation falls to -7.4 on the Goldstein
       scale."``; larger changes first.

    At most ``max_lines_per_month`` lines per month are kept (lowest priority
    dropped first).  No change is reported for the first month.  Display names
    come from ``names`` (falling back to ids).  Output is deterministic for
    given tables.  Empty or ``None`` tables are skipped; all empty gives ``[]``.
    """
    items: dict[str, list[tuple[int, tuple, str]]] = {}

    def add(date: str, prio: int, key: tuple, text: str) -> None:
        items.setdefault(str(date), []).append((prio, key, text))

    rank = actor_rank(names, pairs, log, factions)
    dates: set[str] = set()
    for t in (pairs, log, triangles, factions):
        if not empty(t) and "date" in t.columns:
            dates.update(t["date"].astype(str))

    changes = [] if empty(pairs) else relation_changes(pairs, names, rank, threshold)
    used: set[int] = set()
    for date, order, text, involved in event_items(events, log, dates or None):
        for j, (cdate, pair, _prio, _key, ctext) in enumerate(changes):
            if j not in used and cdate == date and pair in involved:
                text += " " + ctext
                used.add(j)
        add(date, P_EVENT, (order,), text)
    for j, (date, _pair, prio, key, text) in enumerate(changes):
        if j not in used:
            add(date, prio, key, text)
    if not empty(triangles):
        for date, key, text in triangle_items(triangles, names):
            add(date, P_TRIANGLE, key, text)
    if not empty(log) and "action" in log.columns:
        for date, key, text in channel_items(log, names, rank, pairs, every_wording=False):
            add(date, P_CHANNEL, key, text)
    if not empty(factions):
        for date, key, text in faction_items(factions, names, rank):
            add(date, P_FACTION, key, text)

    dated: list[tuple[str, str]] = []
    for date in sorted(items):
        month = sorted(items[date], key=lambda x: (x[0], x[1]))
        kept: list[str] = []
        for _prio, _key, text in month:
            if text not in kept and len(kept) < max_lines_per_month:
                kept.append(text)
        dated += [(date, text) for text in kept]
    texts = fill_glosses([text for _, text in dated])
    return [f"{date}: {text}" for (date, _), text in zip(dated, texts, strict=True)]


def narrative_text(lines: Sequence[str]) -> str:
    """Join :func:`narrate` lines into one paragraph per month (blank line between)."""
    paragraphs: list[list[str]] = []
    current = None
    for line in lines:
        date, sep, text = line.partition(": ")
        if sep and date == current:
            paragraphs[-1].append(text)
        else:
            paragraphs.append([line])
            current = date if sep else None
    return "\n\n".join(" ".join(p) for p in paragraphs)
