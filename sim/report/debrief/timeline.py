"""The run against the historical record and the stylized facts."""

from __future__ import annotations

from sim.report.debrief.common import fmt_g, has, month_index, pairs_of, rel
from sim.scenario.calendar import parse_month


def _at(res, a: str, b: str, date: str, same=None) -> str | None:
    k = month_index(res, date)
    if k is None or not has(res, a, b):
        return None
    text = f"{res.names[a]}–{res.names[b]} {fmt_g(rel(res, a, b)[k])}"
    if same is not None:
        text += f" (model alone {fmt_g(rel(same, a, b)[k])})"
    return text


def timeline_section(res, records: list[dict], base: dict) -> list[dict]:
    from sim.report.history import entries_near
    from sim.scenario.schema import StanceShock

    cfg = res.cfg
    same = base["same_seed"]
    rows = []
    fired = {e: t for t, e in res.fired}
    for eid, ev in res.event_specs.items():
        inject = eid.startswith("inject_")
        pairs: list[tuple[str, str]] = []
        for eff in ev.effects:
            if getattr(eff, "target", None):
                pairs.append((eff.actor, eff.target))
            elif getattr(eff, "actors", None) and len(eff.actors) >= 2:
                pairs.append((eff.actors[0], eff.actors[1]))
        pairs = list(dict.fromkeys(tuple(p) for p in pairs))
        in_run = []
        if eid in fired and fired[eid] < len(res.dates):
            for a, b in pairs[:3]:
                txt = _at(res, a, b, ev.date, None if inject else same)
                if txt:
                    in_run.append(txt)
            status = "class inject" if inject else "fired"
        elif not (ev.enabled and ev.scale > 0):
            status = "switched off"
        elif parse_month(ev.date) > parse_month(res.dates[-1]):
            status = "not reached (the game ended first)"
        else:
            status = "did not fire"
        rows.append(
            {
                "kind": "inject" if inject else "scenario",
                "date": ev.date,
                "sort": parse_month(ev.date),
                "what": ev.label + (f": {ev.narrative.strip()}" if ev.narrative else ""),
                "source": ev.citation,
                "status": status,
                "in_run": "; ".join(in_run),
                "shock": any(isinstance(e, StanceShock) for e in ev.effects),
            }
        )
    for e in entries_near(cfg.window.start, cfg.window.end):
        a0, _ = e.span
        inside = e.span[1] >= parse_month(cfg.window.start) and a0 <= parse_month(res.dates[-1])
        date = e.start if inside and a0 >= parse_month(cfg.window.start) else None
        if inside and date is None:
            date = cfg.window.start
        in_run = []
        if inside:
            present = [a for a in e.actors if a in res.ids]
            for a, b in pairs_of(present)[:3]:
                txt = _at(res, a, b, date, same)
                if txt:
                    in_run.append(txt)
        rows.append(
            {
                "kind": "record",
                "date": e.when,
                "sort": a0,
                "what": e.text,
                "source": e.source,
                "status": "in the window" if inside else "before or after the window",
                "in_run": "; ".join(in_run),
                "shock": False,
            }
        )
    rows.sort(key=lambda r: (r["sort"], {"record": 0, "scenario": 1, "inject": 2}[r["kind"]]))
    return rows


def _last_month_needed(check, window_end: str) -> int:
    """The latest month a stylized fact's check reads (open periods run to the window's end)."""
    from sim.scenario.schema import AllOf, AnyOf, Series

    if isinstance(check, AllOf | AnyOf):
        parts = check.all if isinstance(check, AllOf) else check.any
        return max(_last_month_needed(c, window_end) for c in parts)
    months = []
    for side in (check.left, check.right):
        if not isinstance(side, Series):
            continue
        if side.stat == "at":
            months.append(parse_month(side.date))
        elif side.stat == "first":
            months.append(parse_month(side.start) if side.start else 0)
        else:
            months.append(parse_month(side.end or window_end))
    return max(months, default=0)


def facts_section(res, base: dict) -> list[dict]:
    from sim.record.facts import holds

    same = base["same_seed"]
    last = parse_month(res.dates[-1])
    out = []
    for fid, f in res.cfg.facts.items():
        if _last_month_needed(f.check, res.cfg.window.end) > last:
            mine = None  # the game ended before the fact's months
        else:
            mine = holds(res, f.check)
        alone = holds(same, f.check)
        rate = base["fact_rates"].get(fid)
        if mine is None:
            verdict = "not reached: the game ended before these months"
        elif mine:
            verdict = "as in history"
        else:
            verdict = "departed from history"
        if mine is not None and mine != alone:
            verdict += "; the class changed the outcome (the model alone " + (
                "reproduces history)" if alone else "does not)"
            )
        out.append(
            {
                "fact": fid,
                "description": f.description,
                "citation": f.citation,
                "run": mine,
                "model_alone": alone,
                "ensemble_rate": rate,
                "verdict": verdict,
            }
        )
    return out
