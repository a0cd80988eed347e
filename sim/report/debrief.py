"""The debrief report: one self-contained HTML file for a run or a classroom session.

:func:`debrief_data` gathers everything the report shows, as plain data (tests
check the report through it); :func:`debrief_html` renders that dict into one
HTML file whose figures are embedded PNGs, with no external links, scripts or
fonts. Sections:

- the story of the run (its turning points month by month);
- figures: relations with dated events, triangle roles, utilities, and the run
  against the model playing alone (same seed) and a model-only ensemble;
- the run against the historical timeline (the scenario's events, the class's
  injects, and the record's dated events, each with its citation);
- where the class departed from history and from the model, and what followed
  (stylized facts, team moves against the advice, diverging relations,
  control-cell interventions);
- discussion questions drawn from the sources' causal claims, cited.

``cardplay report <run folder | session folder | session.jsonl>``
(:mod:`sim.classroom.debrief`) writes ``debrief.html`` beside its input.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from sim.scenario.calendar import date_to_step, parse_month

GAP = 1.5  # Goldstein units: the run departs from the model-only path
PNG_DPI = 110


# --- small helpers ---------------------------------------------------------------------------


def _g(v: float) -> str:
    v = float(v)
    return "0.0" if abs(v) < 0.05 else f"{v:+.1f}"


def _rel(res, a: str, b: str) -> np.ndarray:
    ix = {x: i for i, x in enumerate(res.ids)}
    return res.relation[:, ix[a], ix[b]] * 10.0


def _has(res, *ids: str) -> bool:
    return all(a in res.ids for a in ids)


def _pairs(ids: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]


def _game_records(records: list[dict] | None) -> list[dict]:
    """The records of the last game in a session log (from its last open/reset)."""
    if not records:
        return []
    start = max(i for i, r in enumerate(records) if r["type"] in ("open", "reset"))
    return records[start:]


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, bbox_inches="tight", facecolor="white")
    fig.clear()
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _step(res, date: str) -> int:
    return date_to_step(date, res.cfg.window.start, res.cfg.window.step_months)


def _month_index(res, date: str) -> int | None:
    """The step of ``date`` if it lies within the recorded run, else None."""
    try:
        k = _step(res, date)
    except ValueError:
        return None
    return k if 0 <= k < len(res.dates) else None


# --- model-only comparison -------------------------------------------------------------------


def _summary(res):
    from sim.record.facts import evaluate

    return res.relation * 10.0, evaluate(res)


def baseline(cfg, runs: int = 20) -> dict:
    """The model playing alone: the same seed, and an ensemble of ``runs`` seeds.

    Returns the same-seed Results, the ensemble's relation array (runs, T, n, n)
    in Goldstein units and its stylized-fact pass rates.
    """
    from sim.record.ensemble import map_runs, seeds
    from sim.record.run import simulate

    same = simulate(cfg)
    rows = map_runs(cfg, seeds(cfg, runs), _summary, n_jobs=1)
    rel = np.stack([r for r, _ in rows])
    facts = {fid: float(np.mean([f[fid] for _, f in rows])) for fid in cfg.facts}
    return {"same_seed": same, "relations": rel, "fact_rates": facts, "runs": runs}


def departure_dataset(res, base: dict) -> pd.DataFrame:
    """Per pair and step: the run, the model alone on the same seed, and the ensemble
    median and 5-95% band (Goldstein units). What the comparison figure draws."""
    rows = []
    same = base["same_seed"]
    ens = base["relations"]
    ix = {a: i for i, a in enumerate(res.ids)}
    k = len(res.dates)
    for a, b in _pairs(res.ids):
        run = _rel(res, a, b)
        alone = _rel(same, a, b)[:k]
        e = ens[:, :k, ix[a], ix[b]]
        q05, q50, q95 = np.quantile(e, [0.05, 0.5, 0.95], axis=0)
        for t in range(k):
            rows.append(
                (
                    a,
                    b,
                    f"{res.names[a]}–{res.names[b]}",
                    t,
                    res.dates[t],
                    float(run[t]),
                    float(alone[t]),
                    float(q50[t]),
                    float(q05[t]),
                    float(q95[t]),
                )
            )
    return pd.DataFrame(
        rows,
        columns=[
            "a",
            "b",
            "label",
            "step",
            "date",
            "run",
            "model_alone",
            "ensemble_median",
            "ensemble_q05",
            "ensemble_q95",
        ],
    )


def departure_figure(data: pd.DataFrame, events: pd.DataFrame | None, runs: int):
    """Small multiples: the run (solid, pair colour), the model alone on the same seed
    (dashed black), the ensemble median (dotted) and its 5-95% band (shaded)."""
    from matplotlib.figure import Figure

    from sim.report.plots import _date_axis, _grid_shape, events_dataset, pair_styles, to_datetime

    pairs = list(dict.fromkeys(zip(data["a"], data["b"], strict=True)))
    styles = pair_styles(pairs)
    nrows, ncols = _grid_shape(len(pairs))
    fig = Figure(figsize=(5.0 * ncols, 2.9 * nrows + 0.8), layout="constrained")
    axes = list(fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel())
    for i, ax in enumerate(axes):
        if i >= len(pairs):
            ax.set_visible(False)
            continue
        a, b = pairs[i]
        sub = data[(data["a"] == a) & (data["b"] == b)]
        x = to_datetime(sub["date"])
        st = styles[frozenset((a, b))]
        ax.axhline(0, color="0.8", linewidth=0.8, zorder=0)
        ax.fill_between(
            x,
            sub["ensemble_q05"],
            sub["ensemble_q95"],
            color="0.55",
            alpha=0.22,
            linewidth=0,
            label=f"model alone, {runs} seeds: 5-95%",
        )
        ax.plot(
            x,
            sub["ensemble_median"],
            color="0.35",
            linestyle=(0, (1, 1.5)),
            linewidth=1.4,
            label="model alone: median",
        )
        ax.plot(
            x,
            sub["model_alone"],
            color="black",
            linestyle="--",
            linewidth=1.3,
            label="model alone: same seed",
        )
        ax.plot(
            x,
            sub["run"],
            color=st["color"],
            linestyle="-",
            linewidth=2.2,
            label="this run (pair colour)",
        )
        for x_ev in to_datetime(events_dataset(events)["date"]):  # events: lines only
            ax.axvline(x_ev, color="0.45", linestyle=(0, (4, 3)), linewidth=0.8, zorder=1)
        ax.set_ylim(-10.5, 10.5)
        ax.set_title(sub["label"].iloc[0], fontsize="medium", loc="left")
        if i % ncols == 0:
            ax.set_ylabel("Goldstein -10..+10")
        _date_axis(ax)
        ax.xaxis.set_tick_params(labelbottom=True, labelsize=8)
        ax.grid(axis="y", color="0.92", linewidth=0.6)
    handles, labels = axes[0].get_legend_handles_labels()
    keep = [(h, lbl) for h, lbl in zip(handles, labels, strict=True) if not lbl.startswith("_")]
    fig.legend(
        [h for h, _ in keep],
        [lbl for _, lbl in keep],
        loc="outside lower center",
        ncols=4,
        frameon=False,
        fontsize="small",
    )
    fig.suptitle(
        "This run against the model playing alone (same seed, and an ensemble); "
        "dashed verticals: events"
    )
    return fig


# --- sections ----------------------------------------------------------------------------------


def _story(res, tables: dict) -> list[dict]:
    from sim.report.narrative import narrate_run

    events = _events_shown(res, tables["events"])
    lines = narrate_run(tables, events, res.event_specs, res.names)
    months: dict[str, list[str]] = {}
    for line in lines:
        date, _, text = line.partition(": ")
        months.setdefault(date, []).append(text)
    return [{"date": d, "lines": months[d]} for d in sorted(months)]


def _events_shown(res, events: pd.DataFrame) -> pd.DataFrame:
    """Events that fired within the recorded run (scenario events and injects)."""
    fired = {e for _, e in res.fired}
    last = res.dates[-1]
    keep = events["event"].isin(fired) & (events["date"].astype(str) <= last)
    return events[keep].reset_index(drop=True)


def _figures(res, tables: dict, base: dict) -> dict:
    from sim.report import plots

    names = res.names
    events = _events_shown(res, tables["events"])
    out = {}
    fig = plots.relations_figure(tables["pairs"], events, names)
    out["relations"] = {
        "title": "Relations over time, with the events that fired",
        "caption": "Each pair's public relation on the Goldstein scale (-10 hostile .. +10 "
        "cooperative); dashed verticals mark scenario events and control-cell injects.",
        "png": _png(fig),
        "data": plots.relations_dataset(tables["pairs"], names).round(4).to_dict("records"),
    }
    fig = plots.roles_figure(tables["triangles"], events, names)
    out["roles"] = {
        "title": "Roles in each strategic triangle",
        "caption": "Pivot, wing, partner, outcast, friend or foe in every triad, month by month "
        "(Dittmer 1981; Wu 1996).",
        "png": _png(fig),
        "data": plots.roles_dataset(tables["triangles"], names).to_dict("records"),
    }
    fig = plots.utilities_figure(tables["actors"], names)
    out["utilities"] = {
        "title": "Interests and utility by actor",
        "caption": "Each actor's five interests and its total utility.",
        "png": _png(fig),
        "data": plots.utilities_dataset(tables["actors"], names).round(5).to_dict("records"),
    }
    dep = departure_dataset(res, base)
    fig = departure_figure(dep, events, base["runs"])
    out["departure"] = {
        "title": "This run against the model playing alone",
        "caption": "Solid: this run. Dashed: the model alone on the same seed (same random "
        f"numbers, no team moves, no injects). Dotted and shaded: median and 5-95% band of "
        f"{base['runs']} model-only runs.",
        "png": _png(fig),
        "data": dep.round(4).to_dict("records"),
    }
    return out


def _at(res, a: str, b: str, date: str, same=None) -> str | None:
    k = _month_index(res, date)
    if k is None or not _has(res, a, b):
        return None
    text = f"{res.names[a]}–{res.names[b]} {_g(_rel(res, a, b)[k])}"
    if same is not None:
        text += f" (model alone {_g(_rel(same, a, b)[k])})"
    return text


def _timeline(res, records: list[dict], base: dict) -> list[dict]:
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
            for a, b in _pairs(present)[:3]:
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


def _facts(res, base: dict) -> list[dict]:
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


def _departures(res, records: list[dict], base: dict, story: list[dict]) -> dict:
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
    for a, b in _pairs(res.ids):
        run = _rel(res, a, b)
        alone = _rel(same, a, b)[:k]
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
        date = r.get("date") or _date_of(res, r.get("step"))
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


def _date_of(res, step) -> str:
    """The date of a step of the scenario's window ('' if none)."""
    from sim.scenario.calendar import step_dates

    if step is None:
        return ""
    w = res.cfg.window
    dates = step_dates(w.start, w.end, w.step_months)
    return dates[int(step)] if 0 <= int(step) < len(dates) else ""


# --- discussion questions ------------------------------------------------------------------------


def _moves(tables: dict, actor: str | None = None, action: str | None = None) -> pd.DataFrame:
    log = tables["log"]
    m = log[log["kind"] == "move"]
    if actor:
        m = m[m["actor"] == actor]
    if action:
        m = m[m["action"] == action]
    return m


def _questions(res, tables: dict) -> list[dict]:
    from sim.model.dynamics import working_channel
    from sim.model.interest import INTEREST_NAMES
    from sim.model.model import affinity
    from sim.report.history import SOURCES, cite, claims_for

    cfg = res.cfg
    names = res.names
    ids = res.ids
    ix = {a: i for i, a in enumerate(ids)}
    N = names.get
    out = []
    for c in claims_for(cfg.window.start, cfg.window.end, ids):
        obs, q = "", ""
        if c.number == 1:
            like, unlike = [], []
            for a, b in _pairs(ids):
                aff = affinity(cfg.actors[a].regime, cfg.actors[b].regime)
                r = _rel(res, a, b)[-1]
                if aff > 0 and r < -1:
                    like.append(f"{N(a)}–{N(b)} ({_g(r)})")
                if aff < 0 and r > 1:
                    unlike.append(f"{N(a)}–{N(b)} ({_g(r)})")
            share = [f"{N(a)} {cfg.actors[a].weights.ideology:.2f}" for a in ids]
            obs = "Ideology weights: " + ", ".join(share) + ". "
            if like:
                obs += "Like regimes ending at odds: " + ", ".join(like) + ". "
            if unlike:
                obs += "Unlike regimes ending on good terms: " + ", ".join(unlike) + ". "
            q = (
                "Pick one turning point of your run. Which interest drove it: security, "
                "leverage, economy, sovereignty or ideology? Would doubling the ideology "
                "weights have changed it?"
            )
        elif c.number == 2:
            cap = res.capability.mean(0)
            order = [ids[i] for i in np.argsort(cap)]
            if len(order) >= 4:
                small, big = order[:2], order[-2:]
                parts = []
                for s in small:
                    lev = res.interests[:, ix[s], INTEREST_NAMES.index("leverage")]
                    rels = ", ".join(
                        f"{N(s)}–{N(b)} {_g(_rel(res, s, b)[0])} to {_g(_rel(res, s, b)[-1])}"
                        for b in big
                    )
                    parts.append(f"{N(s)}: leverage {lev[0]:+.2f} to {lev[-1]:+.2f} ({rels})")
                obs = "; ".join(parts) + "."
                q = (
                    f"Did {N(small[0])} or {N(small[1])} gain room by playing {N(big[0])} "
                    f"and {N(big[1])} against each other? Which moves did it, and what did "
                    "the stronger powers do in reply?"
                )
            else:
                q = "Did the weaker actors gain room by playing the stronger ones off?"
        elif c.number == 3 and _has(res, "USSR", "ROC", "PRC"):
            ch = working_channel(res.states, res.layout)[:, ix["USSR"], ix["ROC"]]
            peak = int(np.argmax(ch))
            low = int(np.argmin(_rel(res, "USSR", "PRC")))
            talks = _talks_date(res, "USSR", "PRC")
            obs = (
                f"The USSR–ROC secret channel peaked at {ch[peak]:.2f} in {res.dates[peak]} "
                f"and ended at {ch[-1]:.2f}; the USSR–PRC relation hit its low "
                f"({_g(_rel(res, 'USSR', 'PRC')[low])}) in {res.dates[low]}"
            )
            obs += f"; talks opened in {talks}." if talks else "; no talks opened in the run."
            q = (
                "Did the secret Soviet channel to Taipei rise with the Sino-Soviet conflict and "
                "close once talks began? If your run differs, which moves or injects kept the "
                "channel alive or shut it early?"
            )
        elif c.number == 4 and _has(res, "US", "PRC"):
            leaks = _moves(tables, action="leak_channel")
            leaks = leaks[leaks["actor"].isin([a for a in ("USSR", "ROC") if a in ids])]
            r = _rel(res, "US", "PRC")
            if len(leaks):
                d0 = str(leaks["date"].iloc[0])
                k0 = _step(res, d0)
                who = ", ".join(N(a) for a in dict.fromkeys(leaks["actor"]))
                obs = (
                    f"{len(leaks)} leak(s) by {who}, the first in {d0}; US–PRC stood at "
                    f"{_g(r[k0])} then and {_g(r[-1])} at the end (it began at {_g(r[0])})."
                )
            else:
                obs = f"No channel was leaked; US–PRC went from {_g(r[0])} to {_g(r[-1])}."
            q = (
                "When a secret channel was leaked (or could have been), who was the message "
                "for, and did it pay? Did it pull the US and PRC closer instead?"
            )
        elif c.number == 5 and _has(res, "USSR", "PRC", "ROC"):
            n1 = len(_moves(tables, "USSR", "reaffirm_one_china"))
            S = res.block("stance")
            obs = (
                f"The USSR reaffirmed One China {n1} time(s); its stance toward the ROC went "
                f"from {S[0, ix['USSR'], ix['ROC']]:+.2f} to {S[-1, ix['USSR'], ix['ROC']]:+.2f}"
                f", USSR–PRC from {_g(_rel(res, 'USSR', 'PRC')[0])} to "
                f"{_g(_rel(res, 'USSR', 'PRC')[-1])}."
            )
            q = (
                "What did Moscow stand to gain from Taipei, and what from Beijing, in your run? "
                "At what point, if any, did mending fences with Beijing pay better?"
            )
        elif c.number == 6 and _has(res, "US", "PRC", "USSR"):
            us_moves = _moves(tables, "US")
            toward = us_moves[
                (us_moves["target"] == "PRC")
                & us_moves["action"].isin(
                    ["warm", "negotiate", "open_channel", "expand_trade", "ease_controls"]
                )
            ]
            sec = res.interests[:, ix["PRC"], INTEREST_NAMES.index("security")]
            obs = (
                f"The US made {len(toward)} friendly move(s) toward the PRC; US–PRC went from "
                f"{_g(_rel(res, 'US', 'PRC')[0])} to {_g(_rel(res, 'US', 'PRC')[-1])}; the "
                f"PRC's security interest from {sec[0]:+.2f} to {sec[-1]:+.2f}."
            )
            q = (
                "Was the PRC's move toward (or away from) the US driven by US moves or by its "
                "fear of the USSR? What would have happened had the US simply held?"
            )
        elif c.number == 7 and _has(res, "USSR", "ROC"):
            T = res.block("trade")[:, ix["USSR"], ix["ROC"]]
            S = res.block("stance")[:, ix["USSR"], ix["ROC"]]
            obs = (
                f"{N('USSR')}–{N('ROC')} trade from {T[0]:.0f} to {T[-1]:.0f} US$ m; "
                f"{N('USSR')}'s stance toward the ROC from {S[0]:+.2f} to {S[-1]:+.2f}."
            )
            q = (
                f"Where did {N('USSR')}'s economic interest in Taipei end and its need for "
                "Beijing begin? Did ties deepen anywhere without crossing the One China line?"
            )
        elif c.number == 8 and _has(res, "USSR", "ROC"):
            X = res.block("controls")[:, ix["ROC"], ix["USSR"]]
            T = res.block("trade")[:, ix["USSR"], ix["ROC"]]
            Ind = res.block("indirect")[:, ix["USSR"], ix["ROC"]]
            share = Ind[-1] / max(T[-1] + Ind[-1], 1e-9)
            obs = (
                f"ROC export controls on {N('USSR')} ended at {X[-1]:.2f}; "
                f"{share:.0%} of their trade ran through third countries at the end."
            )
            q = (
                "How much did the sanctions in your run bite, given the third-country routes? "
                "What would stronger enforcement have changed, and for whom?"
            )
        else:
            q = (
                "How does your run bear on this claim? Point to the months that support or "
                "contradict it."
            )
        out.append(
            {
                "claim": c.number,
                "claim_text": c.text,
                "citation": c.source,
                "reference": cite(c.source) or SOURCES.get(c.source, ""),
                "observation": obs.strip(),
                "question": q,
            }
        )
    return out


def _talks_date(res, a: str, b: str) -> str | None:
    from sim.scenario.schema import Talks

    for t, eid in res.fired:
        ev = res.event_specs[eid]
        for eff in ev.effects:
            if (
                isinstance(eff, Talks)
                and eff.open
                and {a, b} <= set(eff.actors)
                and t < len(res.dates)
            ):
                return res.dates[t]
    return None


# --- the data ------------------------------------------------------------------------------------


def debrief_data(
    results,
    records: list[dict] | None = None,
    *,
    baseline_runs: int = 20,
    source: str = "",
    figures: bool = True,
) -> dict:
    """Everything the debrief report shows, as plain data.

    ``results``: the run (a :class:`~sim.record.results.Results`); ``records``: the
    session log's records when it comes from a classroom session.
    """
    from sim.record.provenance import config_hash, git_commit

    res = results
    cfg = res.cfg
    game = _game_records(records)
    tables = res.tables()
    base = baseline(cfg, baseline_runs)
    story = _story(res, tables)
    opening = game[0] if game else {}
    ended = next((r for r in reversed(game) if r["type"] == "end"), None)
    seats = opening.get("seats", [])
    played = {}
    for r in game:
        if r["type"] == "resolve":
            for a in r.get("choices", {}):
                played[a] = played.get(a, 0) + 1
    meta = {
        "title": cfg.title or cfg.name,
        "scenario": cfg.name,
        "description": cfg.description,
        "seed": cfg.seed,
        "window": [cfg.window.start, cfg.window.end],
        "span": [res.dates[0], res.dates[-1]],
        "steps": len(res.dates),
        "complete": res.dates[-1] == cfg.window.end,
        "source": source
        or (f"classroom session {opening.get('session')}" if game else "model run"),
        "session": opening.get("session"),
        "opened": opening.get("time"),
        "seats": [
            {"actor": a, "name": res.names.get(a, a), "team_moves": played.get(a, 0)} for a in seats
        ],
        "ended": (ended or {}).get("reason"),
        "config_hash": config_hash(cfg, with_seed=True),
        "git_commit": git_commit(),
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "baseline_runs": baseline_runs,
        "names": dict(res.names),
    }
    data = {
        "meta": meta,
        "story": story,
        "timeline": _timeline(res, game, base),
        "facts": _facts(res, base),
        "departures": _departures(res, game, base, story),
        "questions": _questions(res, tables),
        "figures": _figures(res, tables, base) if figures else {},
    }
    return data


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;
 margin:0 auto;max-width:1060px;padding:1.5rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-bottom:2px solid #0072B2;padding-bottom:.2rem;
 margin-top:2.2rem}h3{margin-bottom:.3rem}
.sub{color:#555}table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.6rem 0}
th,td{border-bottom:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}figure{margin:1.2rem 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.88rem;color:#444}.tag{display:inline-block;font-size:.75rem;
 padding:0 .35rem;border-radius:3px;border:1px solid #999;margin-right:.3rem}
.record{border-color:#0072B2;color:#0072B2}.scenario{border-color:#009E73;color:#006b4f}
.inject{border-color:#D55E00;color:#a44800;font-weight:bold}.pass{color:#006b4f;font-weight:bold}
.fail{color:#a44800;font-weight:bold}.muted{color:#666}.month{margin:.3rem 0}
.month b{display:inline-block;min-width:5.2rem}.q{margin:1rem 0;padding:.6rem .9rem;
 border-left:4px solid #CC79A7;background:#faf6f9}.q p{margin:.25rem 0}
.small{font-size:.85rem}ol li{margin-bottom:.3rem}
@media print{h2{page-break-before:auto}figure{page-break-inside:avoid}}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _yes(v) -> str:
    if v is None:
        return '<span class="muted">not reached</span>'
    return '<span class="pass">yes</span>' if v else '<span class="fail">no</span>'


def debrief_html(data: dict) -> str:
    """Render :func:`debrief_data` as one self-contained HTML page."""
    m = data["meta"]
    out: list[str] = []
    w = out.append
    w("<!doctype html><html lang='en'><head><meta charset='utf-8'>")
    w(
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">"
    )
    w("<meta name='viewport' content='width=device-width, initial-scale=1'>")
    w(f"<title>Debrief: {_e(m['title'])}</title><style>{_CSS}</style></head><body>")
    w(f"<h1>Debrief: {_e(m['title'])}</h1>")
    seats = ", ".join(f"{s['name']} ({s['team_moves']} team moves)" for s in m["seats"])
    w(
        f"<p class='sub'>{_e(m['source'])} · scenario <b>{_e(m['scenario'])}</b> · seed "
        f"{_e(m['seed'])} · {_e(m['span'][0])} to {_e(m['span'][1])} ({m['steps']} months"
        f"{'' if m['complete'] else ', ended before the window closed'})"
        + (f" · team seats: {_e(seats)}" if seats else " · no team seats: the model played all")
        + "</p>"
    )
    if m.get("description"):
        w(f"<p>{_e(m['description'])}</p>")
    w(
        "<nav class='small'>Contents: <a href='#story'>story</a> · <a href='#figures'>figures</a> · "
        "<a href='#timeline'>against the record</a> · <a href='#departures'>where the class "
        "departed</a> · <a href='#questions'>discussion questions</a></nav>"
    )

    w("<h2 id='story'>The story of the run</h2>")
    if not data["story"]:
        w("<p class='muted'>No turning points.</p>")
    for month in data["story"]:
        w(f"<p class='month'><b>{_e(month['date'])}</b> {_e(' '.join(month['lines']))}</p>")

    w("<h2 id='figures'>Figures</h2>")
    for key in ("relations", "departure", "roles", "utilities"):
        f = data["figures"].get(key)
        if not f:
            continue
        w(
            f"<figure id='fig-{key}'><img alt='{_e(f['title'])}' "
            f"src='data:image/png;base64,{f['png']}'><figcaption><b>{_e(f['title'])}.</b> "
            f"{_e(f['caption'])}</figcaption></figure>"
        )

    w("<h2 id='timeline'>The run against the historical record</h2>")
    w(
        "<p class='small'>The record's dated events (restated, with their sources), the scenario's "
        "scripted shocks and the class's injects. Where an entry falls within the run, the relations "
        "of the actors it concerns are given at that month (Goldstein scale), with the model playing "
        "alone on the same seed in brackets.</p>"
    )
    w("<table><tr><th>date</th><th>what</th><th>source</th><th>in this run</th></tr>")
    labels = {"record": "record", "scenario": "scenario event", "inject": "class inject"}
    for r in data["timeline"]:
        w(
            f"<tr><td>{_e(r['date'])}</td><td><span class='tag {r['kind']}'>{labels[r['kind']]}"
            f"</span>{_e(r['what'])}</td><td class='small'>{_e(r['source'])}</td>"
            f"<td class='small'>{_e(r['status'])}{'<br>' if r['in_run'] else ''}"
            f"{_e(r['in_run'])}</td></tr>"
        )
    w("</table>")

    d = data["departures"]
    w("<h2 id='departures'>Where the class departed, and what followed</h2>")
    w("<h3>Stylized facts: history, this run, the model alone</h3>")
    w(
        f"<table><tr><th>what history shows</th><th>source</th><th>this run</th><th>model alone, "
        f"same seed</th><th>model alone, {m['baseline_runs']} seeds</th><th>verdict</th></tr>"
    )
    for f in data["facts"]:
        rate = "" if f["ensemble_rate"] is None else f"{f['ensemble_rate']:.0%}"
        w(
            f"<tr><td>{_e(f['description'])}</td><td class='small'>{_e(f['citation'])}</td>"
            f"<td>{_yes(f['run'])}</td><td>{_yes(f['model_alone'])}</td><td>{rate}</td>"
            f"<td class='small'>{_e(f['verdict'])}</td></tr>"
        )
    w("</table>")
    w("<h3>Relations that left the model's path</h3>")
    w(
        f"<table><tr><th>pair</th><th>first month ≥ {GAP} apart</th><th>largest gap</th><th>end: "
        "this run / model alone</th><th>model-only 5-95% at the end</th><th>what followed</th></tr>"
    )
    for r in d["relations"]:
        w(
            f"<tr><td>{_e(r['label'])}</td><td>{_e(r['first'] or 'never')}</td>"
            f"<td>{_g(r['max_gap'])} ({_e(r['max_gap_date'])})</td><td>{_g(r['final_run'])} / "
            f"{_g(r['final_model_alone'])}</td><td>{_g(r['final_band'][0])} .. "
            f"{_g(r['final_band'][1])}{' <b>outside</b>' if r['outside_band'] else ''}</td>"
            f"<td class='small'>{'<br>'.join(_e(x) for x in r['followed'])}</td></tr>"
        )
    w("</table>")
    w("<h3>Team moves against the advice</h3>")
    if d["against_advice"]:
        w(
            "<table><tr><th>month</th><th>team</th><th>chose</th><th>advice ranked it</th>"
            "<th>the advice's pick</th><th>what followed</th></tr>"
        )
        for r in d["against_advice"]:
            w(
                f"<tr><td>{_e(r['date'])}</td><td>{_e(r['name'])}</td><td>{_e(r['chose'])}</td>"
                f"<td>{r['rank']} of {r['options']}</td><td>{_e(r['advice'])}</td>"
                f"<td class='small'>{'<br>'.join(_e(x) for x in r['followed'])}</td></tr>"
            )
        w("</table>")
    else:
        none = (
            "No team moves in this run."
            if not d["team_moves"]
            else ("Every team move followed the advice.")
        )
        w(f"<p class='muted'>{none}</p>")
    w("<h3>Control-cell interventions</h3>")
    if d["control"]:
        w("<table><tr><th>month</th><th>what</th><th>detail</th></tr>")
        for r in d["control"]:
            w(
                f"<tr><td>{_e(r['date'])}</td><td>{_e(r['what'])}</td>"
                f"<td class='small'>{_e(r['detail'])}</td></tr>"
            )
        w("</table>")
    else:
        w("<p class='muted'>None.</p>")

    w("<h2 id='questions'>Discussion questions</h2>")
    w(
        "<p class='small'>Each question starts from a causal claim the sources make (restated here, "
        "with its citation) and from what your run shows.</p>"
    )
    for q in data["questions"]:
        w(
            f"<div class='q'><p><b>Claim {q['claim']}.</b> {_e(q['claim_text'])} "
            f"<span class='muted'>({_e(q['citation'])})</span></p>"
        )
        if q["observation"]:
            w(f"<p><i>In this run:</i> {_e(q['observation'])}</p>")
        w(f"<p><b>Question:</b> {_e(q['question'])}</p></div>")
    w("<h3>References</h3><ol class='small'>")
    from sim.report.history import SOURCES

    used = set()
    for q in data["questions"]:
        for part in q["citation"].replace(",", ";").split(";"):
            k = part.strip().split(" ")[-1]
            if k in SOURCES:
                used.add(k)
    for r in data["timeline"]:
        for part in r["source"].split(";"):
            k = part.strip()
            if k in SOURCES:
                used.add(k)
    for k in sorted(used):
        w(f"<li><b>{_e(k)}</b>: {_e(SOURCES[k])}</li>")
    w("</ol>")
    w(
        f"<p class='small muted'>Generated {_e(m['generated'])} by cardplay · config hash "
        f"{_e(m['config_hash'])} · code {_e(m['git_commit'])}. The same seed and the same "
        "session log replay to identical results.</p>"
    )
    w("</body></html>")
    return "\n".join(out)
