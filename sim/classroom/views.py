"""What each participant sees of a session, as plain data (sent as JSON).

Three kinds of viewer: the instructor (``None``: everything, with the control cell's
settings, but never the codes: those come on demand), a seat (its actor id: its own
situation, its options with the advice, and no secret channel or move between others)
and the board (the projector: what every participant may see, nothing more).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.classroom import advice, pacing
from sim.classroom.control import pair_list
from sim.classroom.presets import PRESETS
from sim.classroom.situation import situation
from sim.model.dynamics import public_relation, working_channel
from sim.model.interest import INTEREST_NAMES
from sim.model.triangle import CONFIGURATIONS, ROLES, classify, triads
from sim.report.palette import classroom_styles
from sim.report.words import action_text, move_text
from sim.scenario.schema import MOVES

if TYPE_CHECKING:
    from sim.classroom.session import Session

CONFIGURATION_WORDS = {
    "menage_a_trois": "ménage à trois (all three friendly)",
    "romantic_triangle": "romantic triangle (one pivot, two wings)",
    "stable_marriage": "stable marriage (two partners, one outcast)",
    "unit_veto": "unit veto (all three hostile)",
}


def options(session: Session, actor: str) -> list[dict]:
    """The actor's moves now, with plain words, value (advice) and rank by value."""
    opts = session.model.options(actor)
    order = sorted(range(len(opts)), key=lambda k: -opts[k]["value"])
    rank = {k: r + 1 for r, k in enumerate(order)}
    for k, o in enumerate(opts):
        o["text"] = action_text(o["action"], o["target"], session.names)
        o["rank"] = rank[k]
    return opts


def build(session: Session, viewer: str | None) -> dict:
    """The view of ``viewer``: None (instructor), a seat's actor, or the board."""
    out = _common(session, viewer)
    if viewer is None:
        out["role"] = "instructor"
        out["control"] = _control(session)
    elif viewer in session.seats:
        out["role"] = "seat"
        out["actor"] = viewer
        out["me"] = _me(session, viewer)
    else:
        out["role"] = "board"
    return out


def _common(session: Session, viewer: str | None) -> dict:
    """What every participant sees (``viewer`` None for the instructor)."""
    m, rec, names = session.model, session.rec, session.names
    ids = list(m.ids)
    k = rec.last + 1
    cw = session.cfg.mechanics.channel_weight
    rel_hist = public_relation(rec.states[:k], m.layout, cw) * 10.0
    rel_now = public_relation(m.x, m.layout, cw)
    ix = m.index
    styles = classroom_styles(ids)  # the figures' colours, one per actor and per pair
    pairs = [
        {
            "a": a,
            "b": b,
            "label": f"{names[a]}–{names[b]}",
            **styles["pairs"][f"{a}|{b}"],
            "values": [round(float(v), 3) for v in rel_hist[:, ix[a], ix[b]]],
        }
        for a, b in pair_list(ids)
    ]
    edges = [
        {"a": a, "b": b, "value": round(float(rel_now[ix[a], ix[b]]) * 10, 2)}
        for a, b in pair_list(ids)
    ]
    return {
        "session": session.id,
        "version": session.version,
        "scenario": {
            "name": session.cfg.name,
            "title": session.cfg.title or session.cfg.name,
            "description": session.cfg.description,
            "seed": session.cfg.seed,
        },
        "ids": ids,
        "names": names,
        "dates": list(m.dates),
        "t": m.t,
        "date": m.dates[m.t],
        "recorded": k,
        "turns": len(m.dates) - 1,
        "pace": session.cfg.window.step_months,
        "over": session.over,
        "advice": session.advice,
        "deadline": session.deadline,
        "seats": [
            {"actor": a, "name": names[a], "moved": s.move is not None, "late": s.late}
            for a, s in session.seats.items()
        ],
        "network": {"edges": edges, "channels": _channels(session, viewer)},
        "history": {"pairs": pairs, "markers": _markers(session)},
        "roles": _roles(ids, names, rel_now),
        "styles": {k: styles[k] for k in ("actors", "roles", "event", "inject")},
        "log": _log_view(session, viewer),
    }


def _channels(session: Session, viewer: str | None) -> list[dict]:
    m = session.model
    ids, ix = list(m.ids), m.index
    H = working_channel(m.x, m.layout)
    L = m.layout.view(m.x, "leaked")
    out = []
    for a, b in pair_list(ids):
        i, j = ix[a], ix[b]
        if viewer is not None and viewer not in (a, b) and L[i, j] < 0.5:
            continue  # a secret channel between others: not visible
        level = float(H[i, j])
        if level > 0.01:
            out.append({"a": a, "b": b, "level": round(level, 3), "public": bool(L[i, j] > 0.5)})
    return out


def _roles(ids: list[str], names: dict[str, str], rel_now) -> list[dict]:
    out = []
    for t3 in triads(len(ids)):
        config, role = classify(rel_now, t3)
        members = [ids[i] for i in t3]
        out.append(
            {
                "triad": "-".join(members),
                "label": "–".join(names[a] for a in members),
                "configuration": CONFIGURATIONS[int(config)],
                "configuration_text": CONFIGURATION_WORDS[CONFIGURATIONS[int(config)]],
                "roles": {a: ROLES[int(role[q])] for q, a in enumerate(members)},
            }
        )
    return out


def _markers(session: Session) -> list[dict]:
    m = session.model
    out = []
    for t, eid in m.log:
        spec = m.event_specs[eid]
        out.append(
            {
                "step": t,
                "date": m.dates[t],
                "event": eid,
                "label": spec.label,
                "citation": spec.citation,
                "narrative": spec.narrative,
                "inject": eid.startswith("inject_"),
            }
        )
    return out


def _log_view(session: Session, viewer: str | None) -> list[dict]:
    """The game so far, month by month (newest first), in plain words."""
    m = session.model
    key = (id(m), session.rec.last, len(m.log), bool(session.over))
    if session._log_cache.get("key") != key:  # only new steps, events or the end change it
        session._log_cache = {"key": key}
    if viewer not in session._log_cache:
        session._log_cache[viewer] = _build_log_view(session, viewer)
    return session._log_cache[viewer]


def _narrated(session: Session):
    """The run's tables and its narrative lines, for everyone (cached per step)."""
    from sim.report.narrative import narrate_run

    if "all" not in session._log_cache:
        m = session.model
        tables = session.rec.results().tables()
        lines = narrate_run(
            tables, tables["events"], m.event_specs, session.names, max_lines_per_month=12
        )
        session._log_cache["all"] = (tables, lines)
    return session._log_cache["all"]


def _build_log_view(session: Session, viewer: str | None) -> list[dict]:
    from sim.report.narrative import _channel_items

    m, names = session.model, session.names
    tables, lines = _narrated(session)
    log = tables["log"]
    if viewer is not None:  # others' secret moves stay secret
        hide = log["secret"].astype(bool) & (log["actor"] != viewer) & (log["target"] != viewer)
        hidden = {f"{d}: {text}" for d, _, text in _channel_items(log[hide], names, {})}
        lines = [line for line in lines if line not in hidden]
        log = log[~hide]
    months: dict[str, dict] = {}

    def month(date: str) -> dict:
        return months.setdefault(date, {"date": date, "lines": [], "moves": []})

    for line in lines:
        date, _, text = line.partition(": ")
        month(date)["lines"].append(text)
    for row in log[log["kind"] == "move"].itertuples():
        who = ""
        if row.actor in session.seats:
            team = session.team_steps.get(int(row.step), {})
            who = " (team)" if row.actor in team else " (model, for the team)"
        month(row.date)["moves"].append(move_text(row.actor, row.action, row.target, names) + who)
    cur = m.dates[m.t]  # this turn's events, fired before anyone has moved
    for t, eid in m.log:
        if t != m.t or session.over:
            continue
        spec = m.event_specs[eid]
        text = spec.label + (f": {spec.narrative.strip().rstrip('.')}" if spec.narrative else "")
        month(cur)["lines"].insert(0, f"{text} ({spec.citation}).")
    return [months[d] for d in sorted(months, reverse=True)]


def _control(session: Session) -> dict:
    """The control cell's settings (the instructor's view)."""
    m, cfg = session.model, session.cfg
    w = cfg.window
    return {
        "weights": {
            a: {k: round(float(v), 3) for k, v in m.factions[m.index[a]].base.items()}
            for a in m.ids
        },
        "effective": {
            a: {
                n: round(float(v), 3) for n, v in zip(INTEREST_NAMES, m.ctx.weights[i], strict=True)
            }
            for i, a in enumerate(m.ids)
        },
        "factions": {
            a: {n: round(float(v), 3) for n, v in zip(f.names, f.influence, strict=True)}
            for a, f in zip(m.ids, m.factions, strict=True)
            if f.names
        },
        "temperature": float(m.temperature),
        "presets": {
            k: {"label": v["label"], "help": v["help"], "needs": v["needs"]}
            for k, v in PRESETS.items()
        },
        "moves": list(MOVES[1:]),
        "forbidden": list(session.forbids),
        "upcoming": [
            {"date": ev.spec.date, "label": ev.spec.label, "citation": ev.spec.citation}
            for ev in m.events
            if ev.active and ev.step is not None and ev.step > m.t
        ],
        "pacing": {
            "months": w.step_months,
            "turns": len(m.dates) - 1,
            "minutes": round(pacing.minutes(len(m.dates) - 1, session.deadline), 1),
        },
        "board": f"/board#code={session.board_token}",  # read-only: no code in what it shows
        "log_path": str(session.log.path) if session.log.path else None,
        "interests": list(INTEREST_NAMES),
    }


def _me(session: Session, actor: str) -> dict:
    """A seat's own page: its situation, its choice and its options (with the advice)."""
    seat = session.seats[actor]
    out = {
        "actor": actor,
        "name": session.names[actor],
        "situation": situation(session, actor),
        "choice": seat.move,
        "late": seat.late,
        "options": [],
        "groups": [],
    }
    if session.over:
        return out
    opts = []
    for o in session.options(actor):
        item = {k: o[k] for k in ("row", "text", "action", "target", "secret")}
        if session.advice:
            item.update(
                value=round(o["value"], 5),
                rank=o["rank"],
                probability=round(o["probability"], 4),
            )
        opts.append(item)
    if session.advice and opts:
        out["advice"] = advice.advise(opts, float(session.model.temperature))
    out["options"] = opts
    out["groups"] = advice.group_by_target(opts, list(session.model.ids), session.names)
    return out
