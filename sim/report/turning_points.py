"""The rules that find a run's turning points in its tables: relation changes and zero
crossings, events, triangle shifts, secret-channel moves that changed something, faction
takeovers. Each rule returns (date, sort key, sentence) items; :func:`sim.report.narrative.narrate`
orders, caps and words them for the reader."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from sim.report.plots.tables import PAIR_SEP, name, unordered_rows
from sim.report.words import configuration_text, gloss_mark

EPS = 1e-9  # a channel engagement at or below this is closed

# Priorities within a month (lower comes first and survives the cap).
P_EVENT, P_TRIANGLE, P_CHANNEL, P_CROSSING, P_FACTION, P_CHANGE = range(6)
_CHANNEL_ACTIONS = ("open_channel", "close_channel", "leak_channel")


def empty(df: pd.DataFrame | None) -> bool:
    return df is None or len(df) == 0


def _triad_name(names: Mapping[str, str] | None, triad: str) -> str:
    return PAIR_SEP.join(name(names, p) for p in str(triad).split("-"))


def _fmt(value: float) -> str:
    r = round(float(value), 1)
    return "0.0" if r == 0 else f"{r:+.1f}"


def actor_rank(names: Mapping[str, str] | None, *tables: pd.DataFrame | None) -> dict[str, int]:
    """Actor ids: the order of ``names`` first, then first appearance in the tables."""
    seen: list = list(names or ())
    for t in tables:
        if empty(t):
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


# --- rules ---------------------------------------------------------------------------------


def relation_changes(
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
                f"{name(names, a)}{PAIR_SEP}{name(names, b)} relation {verb} to {_fmt(cur)} "
                f"on the Goldstein scale{gloss_mark('goldstein')}{turn}."
            )
            prio = P_CROSSING if crossing else P_CHANGE
            key = (-round(abs(delta), 6), rank.get(a, 0), rank.get(b, 0))
            out.append((dates[i], frozenset((a, b)), prio, key, text))
    return out


def event_items(
    events: pd.DataFrame | None, log: pd.DataFrame | None, dates: set[str] | None
) -> list[tuple[str, int, str, set[frozenset]]]:
    """(date, order, sentence, pairs involved) for enabled events."""
    if empty(events):
        return []
    ev = events
    if "enabled" in ev.columns:
        ev = ev[ev["enabled"].fillna(False).astype(bool)]
    ev = ev.assign(_date=ev["date"].astype(str), _id=ev["event"].astype(str))
    ev = ev.sort_values(["_date", "_id"], kind="mergesort")
    involved: dict[str, set[frozenset]] = {}
    if not empty(log) and {"kind", "event", "actor", "target"} <= set(log.columns):
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


def triangle_items(
    triangles: pd.DataFrame, names: Mapping[str, str] | None
) -> list[tuple[str, tuple, str]]:
    """Configuration changes (plain words, the term in brackets) and actors newly becoming
    pivot or outcast (the role glossed the first time)."""
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
                f"{name(names, a)} becomes the {roles[(cur, a)]}{gloss_mark('role:' + roles[(cur, a)])}"
                for a in members
                if roles.get((cur, a)) in ("pivot", "outcast")
                and roles.get((cur, a)) != roles.get((prev, a))
            ]
            if not changed and not becomes:
                continue
            roles_text = " and ".join(becomes)
            if changed:
                old, new = configuration_text(config[prev]), configuration_text(config[cur])
                text = f"{tname} triangle shifts from {old} to {new}"
                text += f"; {roles_text}." if roles_text else "."
            else:
                text = f"In the {tname} triangle, {roles_text}."
            out.append((cur, (ti,), text))
    return out


def _channel_states(pairs: pd.DataFrame | None) -> tuple[dict, dict] | None:
    """(engagement, public) per (actor, target, step) from the pairs table, if it has them."""
    if empty(pairs) or not {"engagement", "channel_public"} <= set(pairs.columns):
        return None
    keys = list(zip(pairs["actor"], pairs["target"], pairs["step"].astype(int), strict=True))
    engaged = dict(zip(keys, pairs["engagement"].astype(float), strict=True))
    public = dict(zip(keys, pairs["channel_public"].astype(bool), strict=True))
    return engaged, public


def _channel_text(action: str, a: str, b: str, how: str, before: float, after: float) -> str:
    """The words for a channel move that changed something (``before``/``after``: the
    actor's engagement)."""
    if action == "open_channel":
        verb = "opens a channel to" if before <= EPS else "deepens its channel to"
        return f"{a} {how}{verb} {b}."
    if action == "close_channel":
        verb = "closes its channel to" if after <= EPS else "winds down its channel to"
        return f"{a} {how}{verb} {b}."
    return f"{a} leaks the secret channel with {b}."


def channel_items(
    log: pd.DataFrame,
    names: Mapping[str, str] | None,
    rank: dict[str, int],
    pairs: pd.DataFrame | None = None,
    *,
    every_wording: bool = True,
) -> list[tuple[str, tuple, str]]:
    """Channel moves that changed something, in step order.

    With ``pairs`` (engagement and channel_public per step), a move is told only if it
    changed the state: an opening that raised the actor's engagement ("opens" from closed,
    else "deepens"), a closing that lowered it ("closes" to zero, else "winds down"), a leak
    that made the channel public. Without it, each row is told ("opens", "closes"), or, with
    ``every_wording``, in every wording it could take (what the classroom hides from a seat
    that may not see a secret move).
    """
    rows = log[log["action"].isin(_CHANNEL_ACTIONS)]
    states = _channel_states(pairs)
    out = []
    for r in rows.itertuples(index=False):
        a, b = name(names, r.actor), name(names, r.target)
        secret = getattr(r, "secret", False)
        how = "secretly " if (not pd.isna(secret) and bool(secret)) else ""
        t = int(r.step)
        if states is None:
            variants = [(0.0, 1.0), (0.5, 1.0)] if r.action == "open_channel" else [(1.0, 0.0)]
            if r.action == "close_channel":
                variants.append((1.0, 0.5))
            variants = variants if every_wording else variants[:1]
            texts = list(dict.fromkeys(_channel_text(r.action, a, b, how, *v) for v in variants))
        else:
            engaged, public = states
            key, back = (r.actor, r.target, t), (r.target, r.actor, t)
            after = engaged.get(key, 0.0)
            before = engaged.get((r.actor, r.target, t - 1), 0.0 if t > 0 else after)
            if r.action == "open_channel" and not after > before + EPS and t > 0:
                continue
            if r.action == "close_channel" and not after < before - EPS:
                continue
            was = public.get((r.actor, r.target, t - 1), False) or public.get(
                (r.target, r.actor, t - 1), False
            )
            if r.action == "leak_channel" and (was or not (public.get(key) or public.get(back))):
                continue
            texts = [_channel_text(r.action, a, b, how, before, after)]
        for text in texts:
            order = _CHANNEL_ACTIONS.index(r.action)
            ra, rb = rank.get(r.actor, len(rank)), rank.get(r.target, len(rank))
            out.append((str(r.date), (t, ra, rb, order, text), text))
    return out


def faction_items(
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
                f"{name(names, actor)}: the {nf} faction overtakes the {of} faction "
                f"(influence {infl[new]:.2f} vs {infl.get(old, float('nan')):.2f})."
            )
            out.append((date, (rank.get(actor, len(rank)), str(actor)), text))
    return out
