"""What every figure reads from the tidy tables: actor order, pairs, dates, events and the
styles of the actors and pairs present (pandas only, no drawing)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from sim.report import palette

EVENT_GID = "event-marker"  # the gid of the dashed verticals that mark events
PAIR_SEP = "\u2013"  # en dash in pair labels, e.g. "USSR–PRC"
LABEL_CHARS = 30


def name(names: Mapping[str, str] | None, actor: str) -> str:
    """The display name of ``actor`` (its id if ``names`` has none)."""
    if names and actor in names:
        return str(names[actor])
    return str(actor)


def pair_label(names: Mapping[str, str] | None, a: str, b: str) -> str:
    return f"{name(names, a)}{PAIR_SEP}{name(names, b)}"


def triad_label(names: Mapping[str, str] | None, triad: str) -> str:
    parts = str(triad).split("-")
    if names and all(p in names for p in parts):
        return PAIR_SEP.join(name(names, p) for p in parts)
    return str(triad)


def to_datetime(dates: Iterable) -> pd.Series:
    """Convert ``"YYYY-MM"`` strings (or full dates) to a datetime Series."""
    s = pd.Series(list(dates) if not isinstance(dates, pd.Series) else dates)
    try:
        return pd.to_datetime(s, format="%Y-%m")
    except (ValueError, TypeError):
        return pd.to_datetime(s)


def month_after(ts: pd.Timestamp) -> pd.Timestamp:
    return ts + pd.DateOffset(months=1)


def short(label: str, n: int = LABEL_CHARS) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= n else label[: n - 1].rstrip() + "\u2026"


def date_span(dates: Iterable[str]) -> str:
    ds = sorted(set(map(str, dates)))
    if not ds:
        return ""
    return ds[0] if ds[0] == ds[-1] else f"{ds[0]} to {ds[-1]}"


def empty_frame(cols: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


# --- actors, pairs and their styles -------------------------------------------------------


def actor_order(table: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[str]:
    """Actor ids present in ``table``: first in the order of ``names`` (the scenario's
    order, so row order does not matter), then any others in order of first
    appearance (``actor`` column, then ``target``)."""
    cols = [c for c in ("actor", "target") if c in table.columns]
    seen: list = list(names or ())
    present: set = set()
    for col in cols:
        seen.extend(table[col].tolist())
        present.update(table[col].tolist())
    return [a for a in dict.fromkeys(seen) if isinstance(a, str) and a != "" and a in present]


def scenario_ids(table: pd.DataFrame, names: Mapping[str, str] | None = None) -> list[str]:
    """Every actor id that keys the styles: the ``names`` order (the scenario's), then the
    table's other actors in order of appearance. A figure showing a subset of actors or
    pairs still styles them as the whole scenario does."""
    extra = actor_order(table, None)
    return list(dict.fromkeys([*(names or ()), *extra]))


def table_actor_styles(
    table: pd.DataFrame, names: Mapping[str, str] | None = None
) -> dict[str, dict]:
    """:func:`sim.report.palette.actor_styles` of the scenario behind ``table``."""
    return palette.actor_styles(scenario_ids(table, names))


def table_pair_styles(table: pd.DataFrame, names: Mapping[str, str] | None = None) -> dict:
    """:func:`sim.report.palette.pair_styles` of the scenario behind ``table``."""
    return palette.pair_styles(palette.scenario_pairs(scenario_ids(table, names)))


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


def pair_goldstein(
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


def select_pairs(
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


def pair_rows(g: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The rows of ``g`` (columns a, b) for the unordered pair {a, b}."""
    return g[((g["a"] == a) & (g["b"] == b)) | ((g["a"] == b) & (g["b"] == a))]


# --- events ------------------------------------------------------------------------------


def events_dataset(events: pd.DataFrame | None) -> pd.DataFrame:
    """Enabled events sorted by date (stable): columns event, date, label, citation, and
    ``marker``, the text drawn at the event's dashed vertical: its month and short label
    (events of one month share one marker, labels joined by " / ")."""
    cols = ["event", "date", "label", "citation", "marker"]
    if events is None or len(events) == 0:
        return empty_frame(cols)
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
    ev = ev.sort_values("date", kind="mergesort").reset_index(drop=True)
    joined = ev.groupby("date", sort=False)["label"].agg(lambda s: " / ".join(map(short, s)))
    ev["marker"] = [f"{d} {joined[d]}" for d in ev["date"]]
    return ev[cols]


def event_markers(events: pd.DataFrame | None) -> pd.DataFrame:
    """One row per event month: date, number (1, 2, ... in date order) and marker text."""
    ev = events_dataset(events)
    out = ev.drop_duplicates("date")[["date", "marker"]].reset_index(drop=True)
    out.insert(1, "number", range(1, len(out) + 1))
    return out


# --- artist ids (what :func:`sim.report.plots.draw.drawn_styles` reads back) -----------------


def actor_gid(what: str, actor: str) -> str:
    return f"{what}/actor:{actor}"


def pair_gid(what: str, a: str, b: str, ids: Sequence[str]) -> str:
    """``"<what>/pair:<a>|<b>"`` with a and b in scenario order (``ids``)."""
    rank = {x: i for i, x in enumerate(ids)}
    a, b = sorted((a, b), key=lambda x: rank.get(x, len(rank)))
    return f"{what}/pair:{a}|{b}"
