"""Small synthetic result tables (the schemas of the model's output) for tests."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

FOUR = ("US", "USSR", "PRC", "ROC")
INTERESTS = ("security", "economy", "sovereignty", "ideology", "leverage")


def months(start: str, n: int) -> list[str]:
    return list(pd.period_range(start, periods=n, freq="M").strftime("%Y-%m"))


def relation_paths(actors, n_steps: int, seed: int = 0) -> dict[tuple[str, str], np.ndarray]:
    """A deterministic relation path in [-0.9, 0.9] per unordered pair (actor order)."""
    rng = np.random.default_rng(seed)
    out = {}
    for a, b in combinations(actors, 2):
        start = rng.uniform(-0.6, 0.6)
        steps = rng.normal(0, 0.15, n_steps)
        steps[0] = 0
        out[(a, b)] = np.round(np.clip(start + np.cumsum(steps), -0.9, 0.9), 4)
    return out


def make_pairs(
    actors=FOUR,
    n_steps: int = 6,
    start: str = "1969-01",
    relations: dict[tuple[str, str], list[float]] | None = None,
    channels: dict[tuple[str, str], list[float]] | None = None,
    seed: int = 0,
    skew: float = 0.05,
    public: dict[tuple[str, str], list[bool]] | None = None,
) -> pd.DataFrame:
    """Pairs table.  ``relations[(a, b)]`` gives the relation per step (default random);
    stances are relation +/- ``skew`` (a->b gets +skew), so their mean is the relation.
    ``channels[(a, b)]`` gives a's engagement toward b per step (default 0); ``channel``
    is the working channel, the lesser of the two sides' engagement. ``public[(a, b)]``
    marks the steps at which the pair's channel is public (both directions)."""
    channels = channels or {}
    public = public or {}
    dates = months(start, n_steps)
    rel = relation_paths(actors, n_steps, seed)
    if relations:
        rel.update({k: np.asarray(v, dtype=float) for k, v in relations.items()})
    rows = []
    for step, date in enumerate(dates):
        for a in actors:
            for t in actors:
                if a == t:
                    continue
                key, sign = ((a, t), 1.0) if (a, t) in rel else ((t, a), -1.0)
                r = float(rel[key][step])
                mine = float(channels.get((a, t), [0.0] * n_steps)[step])
                theirs = float(channels.get((t, a), [0.0] * n_steps)[step])
                leaked = public.get((a, t)) or public.get((t, a)) or [False] * n_steps
                rows.append(
                    {
                        "step": step,
                        "date": date,
                        "actor": a,
                        "target": t,
                        "stance": r + sign * skew,
                        "relation": r,
                        "goldstein": r * 10,
                        "channel": min(mine, theirs),
                        "engagement": mine,
                        "channel_public": bool(leaked[step]),
                        "recognition": "formal",
                        "commitment": 0.0,
                        "trade": 100.0,
                        "trade_indirect": 10.0,
                        "controls": 0.0,
                    }
                )
    return pd.DataFrame(rows)


def triangle_roles(rel: dict) -> tuple[str, dict[str, str]]:
    """Configuration and roles of a triad from the signs of its three relations."""
    actors = sorted({x for k in rel for x in k})
    friendly = {k for k, v in rel.items() if v > 0}
    if len(friendly) == 3:
        return "menage_a_trois", dict.fromkeys(actors, "friend")
    if len(friendly) == 0:
        return "unit_veto", dict.fromkeys(actors, "foe")
    if len(friendly) == 2:
        pivot = next(x for x in actors if all(x in k for k in friendly))
        return "romantic_triangle", {x: "pivot" if x == pivot else "wing" for x in actors}
    (k,) = friendly
    return "stable_marriage", {x: "partner" if x in k else "outcast" for x in actors}


def make_triangles(pairs: pd.DataFrame) -> pd.DataFrame:
    actors = list(dict.fromkeys(pairs["actor"]))
    rows = []
    for (step, date), g in pairs.groupby(["step", "date"], sort=True):
        rel = {(a, t): r for a, t, r in zip(g["actor"], g["target"], g["relation"], strict=True)}
        for tri in combinations(actors, 3):
            sub = {(a, b): rel[(a, b)] for a, b in combinations(tri, 2)}
            config, roles = triangle_roles(sub)
            for x in tri:
                rows.append(
                    {
                        "step": step,
                        "date": date,
                        "triad": "-".join(tri),
                        "configuration": config,
                        "actor": x,
                        "role": roles[x],
                    }
                )
    return pd.DataFrame(rows)


def make_actors(actors=FOUR, n_steps: int = 6, start: str = "1969-01") -> pd.DataFrame:
    rows = []
    for step, date in enumerate(months(start, n_steps)):
        for i, a in enumerate(actors):
            vals = {
                v: round(0.1 * (j + 1) * (-1) ** i + 0.01 * step, 4)
                for j, v in enumerate(INTERESTS)
            }
            rows.append(
                {
                    "step": step,
                    "date": date,
                    "actor": a,
                    "utility": round(sum(vals.values()) / 5, 6),
                    **vals,
                    "capability": 1.0 + i,
                }
            )
    return pd.DataFrame(rows)


def make_factions(
    actors=FOUR, n_steps: int = 6, start: str = "1969-01", takeover=None
) -> pd.DataFrame:
    """Two factions per actor, doves lead at 0.6; ``takeover={actor: step}`` makes
    hawks lead (0.7) from that step on."""
    takeover = takeover or {}
    rows = []
    for step, date in enumerate(months(start, n_steps)):
        for a in actors:
            hawks = 0.7 if step >= takeover.get(a, n_steps + 1) else 0.4
            for f, v in (("hawks", hawks), ("doves", 1 - hawks)):
                rows.append(
                    {"step": step, "date": date, "actor": a, "faction": f, "influence": round(v, 6)}
                )
    return pd.DataFrame(rows)


def make_events(rows: list[tuple[str, str, str, str, bool]]) -> pd.DataFrame:
    """Events from (event, date, label, citation, enabled)."""
    return pd.DataFrame(
        [
            {"event": e, "date": d, "label": lbl, "citation": c, "enabled": en, "kind": "clash"}
            for e, d, lbl, c, en in rows
        ],
        columns=["event", "date", "label", "citation", "enabled", "kind"],
    )


LOG_COLUMNS = [
    "step",
    "date",
    "actor",
    "target",
    "action",
    "cameo",
    "goldstein",
    "secret",
    "probability",
    "kind",
    "event",
    "citation",
]


def make_log(rows: list[dict]) -> pd.DataFrame:
    """Log rows from partial dicts (defaults fill the rest)."""
    full = []
    for r in rows:
        d = {
            "step": 0,
            "date": "1969-01",
            "actor": "",
            "target": "",
            "action": "hold",
            "cameo": "0",
            "goldstein": 0.0,
            "secret": False,
            "probability": 0.5,
            "kind": "move",
            "event": "",
            "citation": "",
        }
        d.update(r)
        full.append(d)
    return pd.DataFrame(full, columns=LOG_COLUMNS)
