"""A short plain-words story of a run, built from the tidy result tables.

:func:`narrate` turns the ``pairs``, ``log``, ``triangles``, ``events`` (and
optionally ``factions``) tables into one line per turning point, prefixed by
its month, e.g.::

    1969-03: Zhenbao Island clash (Patel2025). USSR-PRC relation falls to -7.4 on the Goldstein scale.

:func:`narrative_text` joins those lines into one paragraph per month.
The module uses pandas only (no plotting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from sim.report.plots import unordered_rows

__all__ = ["narrate", "narrative_text", "CONFIGURATION_NAMES"]

#: Plain names of the strategic-triangle configurations.
CONFIGURATION_NAMES: dict[str, str] = {
    "menage_a_trois": "ménage à trois",
    "romantic_triangle": "romantic triangle",
    "stable_marriage": "stable marriage",
    "unit_veto": "unit veto",
}

# Priorities within a month (lower comes first and survives the cap).
_P_EVENT, _P_TRIANGLE, _P_CHANNEL, _P_CROSSING, _P_FACTION, _P_CHANGE = range(6)
_CHANNEL_ACTIONS = ("open_channel", "close_channel", "leak_channel")


def _empty(df: pd.DataFrame | None) -> bool:
    return df is None or len(df) == 0


def _name(names: Mapping[str, str] | None, actor: str) -> str:
    if names and actor in names:
        return str(names[actor])
    return str(actor)


def _triad_name(names: Mapping[str, str] | None, triad: str) -> str:
    return "-".join(_name(names, p) for p in str(triad).split("-"))


def _fmt(value: float) -> str:
    r = round(float(value), 1)
    return "0.0" if r == 0 else f"{r:+.1f}"


def _actor_rank(names: Mapping[str, str] | None, *tables: pd.DataFrame | None) -> dict[str, int]:
    """Actor ids: the order of ``names`` first, then first appearance in the tables."""
    seen: list = list(names or ())
    for t in tables:
        if _empty(t):
            continue
        for col in ("actor", "target"):
            if col in t.columns:
                seen.extend(t[col].tolist())
    order = [a for a in dict.fromkeys(seen) if isinstance(a, str) and a != ""]
    return {a: i for i, a in enumerate(order)}


def _last_per_date(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Keep each key's row from the last step of every month."""
    df = df.sort_values("step", kind="mergesort")
    return df.groupby([*keys, "date"], sort=False, as_index=False).last()


# ---------------------------------------------------------------------------
# rules
# ---------------------------------------------------------------------------


def _relation_changes(
    pairs: pd.DataFrame,
    names: Mapping[str, str] | None,
    rank: dict[str, int],
    threshold: float,
) -> list[tuple[str, frozenset, int, tuple, str]]:
    """(date, pair, priority, key, sentence) for notable relation changes."""
    df = unordered_rows(pairs, rank)
    df = df.groupby(["a", "b", "step", "date"], as_index=False)["_g"].mean()
    df = _last_per_date(df, ["a", "b"])
    out = []
    for (a, b), sub in df.groupby(["a", "b"], sort=False):
        sub = sub.sort_values("step", kind="mergesort")
        dates = sub["date"].astype(str).tolist()
        vals = sub["_g"].to_numpy(dtype=float)
        for i in range(1, len(vals)):
            prev, cur = vals[i - 1], vals[i]
            delta = cur - prev
            crossing = prev * cur < 0
            big = abs(delta) >= threshold - 1e-9
            if not (crossing or big):
                continue
            verb = "rises" if delta > 0 else "falls"
            turn = ""
            if crossing:
                turn = ", turning friendly" if cur > 0 else ", turning hostile"
            text = (
                f"{_name(names, a)}-{_name(names, b)} relation {verb} to {_fmt(cur)} "
                f"on the Goldstein scale{turn}."
            )
            prio = _P_CROSSING if crossing else _P_CHANGE
            key = (-round(abs(delta), 6), rank.get(a, 0), rank.get(b, 0))
            out.append((dates[i], frozenset((a, b)), prio, key, text))
    return out


def _event_items(
    events: pd.DataFrame | None, log: pd.DataFrame | None, dates: set[str] | None
) -> list[tuple[str, int, str, set[frozenset]]]:
    """(date, order, sentence, pairs involved) for enabled events."""
    if _empty(events):
        return []
    ev = events
    if "enabled" in ev.columns:
        ev = ev[ev["enabled"].fillna(False).astype(bool)]
    ev = ev.assign(_date=ev["date"].astype(str), _id=ev["event"].astype(str))
    ev = ev.sort_values(["_date", "_id"], kind="mergesort")
    involved: dict[str, set[frozenset]] = {}
    if not _empty(log) and {"kind", "event", "actor", "target"} <= set(log.columns):
        for _, row in log[log["kind"] == "event"].iterrows():
            a, t = row["actor"], row["target"]
            if isinstance(a, str) and isinstance(t, str) and a and t and a != t:
                involved.setdefault(str(row["event"]), set()).add(frozenset((a, t)))
    out = []
    for i, (_, row) in enumerate(ev.iterrows()):
        date = row["_date"]
        if dates is not None and not (min(dates) <= date <= max(dates)):
            continue
        label = row.get("label")
        if not isinstance(label, str) or not label.strip():
            label = str(row.get("event", "event"))
        label = label.strip().rstrip(".")
        cit = row.get("citation")
        cit = cit.strip() if isinstance(cit, str) else ""
        text = f"{label} ({cit})." if cit else f"{label}."
        out.append((date, i, text, involved.get(str(row.get("event", "")), set())))
    return out


def _triangle_items(
    triangles: pd.DataFrame, names: Mapping[str, str] | None
) -> list[tuple[str, tuple, str]]:
    """Configuration changes and actors newly becoming pivot or outcast."""
    df = _last_per_date(triangles, ["triad", "actor"])
    rank = {a: i for i, a in enumerate(names or ())}
    triads = sorted(
        dict.fromkeys(triangles["triad"]),
        key=lambda t: (tuple(rank.get(p, len(rank)) for p in str(t).split("-")), str(t)),
    )
    out = []
    for ti, triad in enumerate(triads):
        tri = df[df["triad"] == triad].sort_values("step", kind="mergesort")
        dates = list(dict.fromkeys(tri["date"].astype(str)))
        members = str(triad).split("-")
        actors = list(dict.fromkeys(tri["actor"]))
        if set(members) != set(actors):
            members = actors
        config = tri.groupby("date", sort=False)["configuration"].first().to_dict()
        roles = {(r["date"], r["actor"]): r["role"] for _, r in tri.iterrows()}
        tname = _triad_name(names, triad)
        for prev, cur in zip(dates, dates[1:], strict=False):
            changed = config.get(cur) != config.get(prev)
            becomes = [
                f"{_name(names, a)} becomes {roles[(cur, a)]}"
                for a in members
                if roles.get((cur, a)) in ("pivot", "outcast")
                and roles.get((cur, a)) != roles.get((prev, a))
            ]
            if not changed and not becomes:
                continue
            roles_text = " and ".join(becomes)
            if changed:
                old = CONFIGURATION_NAMES.get(config[prev], str(config[prev]).replace("_", " "))
                new = CONFIGURATION_NAMES.get(config[cur], str(config[cur]).replace("_", " "))
                text = f"{tname} triangle shifts from {old} to {new}"
                text += f"; {roles_text}." if roles_text else "."
            else:
                text = f"In the {tname} triangle, {roles_text}."
            out.append((cur, (ti,), text))
    return out


def _channel_items(
    log: pd.DataFrame, names: Mapping[str, str] | None, rank: dict[str, int]
) -> list[tuple[str, tuple, str]]:
    rows = log[log["action"].isin(_CHANNEL_ACTIONS)]
    out = []
    for _, r in rows.iterrows():
        a, b = _name(names, r["actor"]), _name(names, r["target"])
        secret = bool(r.get("secret", False)) if not pd.isna(r.get("secret", False)) else False
        how = "secretly " if secret else ""
        if r["action"] == "open_channel":
            text = f"{a} {how}opens a channel to {b}."
        elif r["action"] == "close_channel":
            text = f"{a} {how}closes its channel to {b}."
        else:
            text = f"{a} leaks the secret channel with {b}."
        key = (
            int(r["step"]),
            rank.get(r["actor"], len(rank)),
            rank.get(r["target"], len(rank)),
            _CHANNEL_ACTIONS.index(r["action"]),
            text,
        )
        out.append((str(r["date"]), key, text))
    return out


def _faction_items(
    factions: pd.DataFrame, names: Mapping[str, str] | None, rank: dict[str, int]
) -> list[tuple[str, tuple, str]]:
    df = _last_per_date(factions, ["actor", "faction"])
    out = []
    for actor in sorted(
        dict.fromkeys(factions["actor"]), key=lambda a: (rank.get(a, len(rank)), a)
    ):
        sub = df[df["actor"] == actor]
        leaders = []
        for date, g in sub.groupby("date", sort=False):
            g = g.sort_values(["influence", "faction"], ascending=[False, True], kind="mergesort")
            infl = dict(zip(g["faction"], g["influence"].astype(float), strict=True))
            leaders.append((int(g["step"].max()), str(date), g["faction"].iloc[0], infl))
        leaders.sort()
        for (_, _, old, _), (_, date, new, infl) in zip(leaders, leaders[1:], strict=False):
            if new == old:
                continue
            nf, of = str(new).replace("_", " "), str(old).replace("_", " ")
            text = (
                f"{_name(names, actor)}: the {nf} faction overtakes the {of} faction "
                f"(influence {infl[new]:.2f} vs {infl.get(old, float('nan')):.2f})."
            )
            out.append((date, (rank.get(actor, len(rank)), str(actor)), text))
    return out


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
    1. **Triangles** - a triad's configuration changes from the previous month
       (``"US-USSR-PRC triangle shifts from stable marriage to romantic
       triangle; US becomes pivot."``), or an actor newly becomes pivot or
       outcast (``"In the US-USSR-PRC triangle, PRC becomes pivot."``).
    2. **Secret channels** - log rows with action ``open_channel`` /
       ``close_channel`` (worded "secretly" when ``secret``) and
       ``leak_channel`` ("leaks the secret channel with"), in step order.
    3. **Zero crossings** - a pair's symmetric relation (Goldstein units, mean of
       both ordered rows, value at the month's last step) changes sign from the
       previous month: ``"USSR-PRC relation rises to +1.5 on the Goldstein
       scale, turning friendly."``.
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

    rank = _actor_rank(names, pairs, log, factions)
    dates: set[str] = set()
    for t in (pairs, log, triangles, factions):
        if not _empty(t) and "date" in t.columns:
            dates.update(t["date"].astype(str))

    changes = [] if _empty(pairs) else _relation_changes(pairs, names, rank, threshold)
    event_items = _event_items(events, log, dates or None)

    used: set[int] = set()
    for date, order, text, involved in event_items:
        for j, (cdate, pair, _prio, _key, ctext) in enumerate(changes):
            if j not in used and cdate == date and pair in involved:
                text += " " + ctext
                used.add(j)
        add(date, _P_EVENT, (order,), text)
    for j, (date, _pair, prio, key, text) in enumerate(changes):
        if j not in used:
            add(date, prio, key, text)
    if not _empty(triangles):
        for date, key, text in _triangle_items(triangles, names):
            add(date, _P_TRIANGLE, key, text)
    if not _empty(log) and "action" in log.columns:
        for date, key, text in _channel_items(log, names, rank):
            add(date, _P_CHANNEL, key, text)
    if not _empty(factions):
        for date, key, text in _faction_items(factions, names, rank):
            add(date, _P_FACTION, key, text)

    lines: list[str] = []
    for date in sorted(items):
        month = sorted(items[date], key=lambda x: (x[0], x[1]))
        seen: set[str] = set()
        kept = 0
        for _prio, _key, text in month:
            if text in seen or kept >= max_lines_per_month:
                continue
            seen.add(text)
            lines.append(f"{date}: {text}")
            kept += 1
    return lines


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
