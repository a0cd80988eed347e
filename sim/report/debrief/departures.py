"""Where the class departed from the model: team moves against the advice, relations
that left the model's path, and what the control cell did."""

from __future__ import annotations

import numpy as np

from sim.report.debrief.common import GAP, date_of, pairs_of, rel
from sim.scenario.calendar import parse_month


def _followed(story: list[dict], after: str, words: list[str], months: int = 4, limit: int = 3):
    """Story lines after ``after`` (within ``months``) that mention all of ``words``."""
    a = parse_month(after)
    out = []
    for m in story:
        d = parse_month(m["date"])
        if a < d <= a + months:
            for line in m["lines"]:
                if all(w in line for w in words):
                    out.append(f"{m['date']}: {line}")
    return out[:limit]


def departures_section(res, records: list[dict], base: dict, story: list[dict]) -> dict:
    from sim.report.words import action_text

    names = res.names
    same = base["same_seed"]
    team = []
    for r in records:
        if r["type"] != "resolve":
            continue
        for a, mv in (r.get("seat_moves") or {}).items():
            gap = float(mv["best_value"]) - float(mv["value"])
            team.append(
                {
                    "date": r["date"],
                    "actor": a,
                    "name": names.get(a, a),
                    "chose": action_text(mv["action"], mv["target"], names),
                    "rank": int(mv["rank"]),
                    "options": int(mv["options"]),
                    "advice": action_text(mv["best_action"], mv["best_target"], names),
                    "gap": round(gap, 5),
                    "followed": _followed(story, r["date"], [names.get(a, a)]),
                }
            )
    against = sorted((m for m in team if m["rank"] > 1), key=lambda m: -m["gap"])
    k = len(res.dates)
    diverge = []
    for a, b in pairs_of(res.ids):
        run = rel(res, a, b)
        alone = rel(same, a, b)[:k]
        gap = run - alone
        big = np.flatnonzero(np.abs(gap) >= GAP)
        first = res.dates[int(big[0])] if len(big) else None
        top = int(np.argmax(np.abs(gap)))
        ens = base["relations"][:, :k, res.ids.index(a), res.ids.index(b)]
        q05, q95 = np.quantile(ens[:, -1], [0.05, 0.95])
        diverge.append(
            {
                "a": a,
                "b": b,
                "label": f"{names[a]}–{names[b]}",
                "first": first,
                "max_gap": round(float(gap[top]), 3),
                "max_gap_date": res.dates[top],
                "final_run": round(float(run[-1]), 3),
                "final_model_alone": round(float(alone[-1]), 3),
                "final_band": [round(float(q05), 3), round(float(q95), 3)],
                "outside_band": bool(run[-1] < q05 or run[-1] > q95),
                "followed": _followed(story, first, [names[a], names[b]], months=6)
                if first
                else [],
            }
        )
    diverge.sort(key=lambda d: -abs(d["max_gap"]))
    control = []
    for r in records:
        t = r["type"]
        date = r.get("date") or date_of(res, r.get("step"))
        if t == "inject":
            spec = r["spec"]
            control.append(
                {
                    "date": r["date"],
                    "what": f"inject: {spec['label']}",
                    "detail": spec.get("narrative", ""),
                }
            )
        elif t == "weights":
            w = ", ".join(f"{k} {v:.2f}" for k, v in r["weights"].items())
            control.append(
                {
                    "date": date,
                    "what": f"weights of {names.get(r['actor'], r['actor'])}",
                    "detail": w,
                }
            )
        elif t == "influence":
            control.append(
                {
                    "date": date,
                    "what": f"faction influence in {names.get(r['actor'], r['actor'])}",
                    "detail": f"{r['faction']} set to {r['value']:.2f}",
                }
            )
        elif t == "temperature":
            control.append(
                {
                    "date": date,
                    "what": "decision noise (temperature)",
                    "detail": f"set to {r['value']:g}",
                }
            )
        elif t == "end" and r.get("reason") == "instructor":
            control.append({"date": date, "what": "game ended by the instructor", "detail": ""})
        elif t == "deadline":
            late = ", ".join(names.get(a, a) for a in r.get("late", []))
            control.append(
                {
                    "date": date,
                    "what": "turn deadline passed",
                    "detail": f"the model played for {late}",
                }
            )
    return {
        "team_moves": team,
        "against_advice": against[:12],
        "relations": diverge,
        "control": control,
    }
