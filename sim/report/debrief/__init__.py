"""The debrief report: one self-contained HTML file for a run or a classroom session.

:func:`debrief_data` gathers everything the report shows, as plain data (tests
check the report through it); :func:`debrief_html` renders that dict into one
HTML file whose figures are embedded PNGs, with no external links, scripts or
fonts. Sections:

- the story of the run (its turning points month by month);
- figures: relations with dated events, the run against the model playing alone
  (same seed) and a model-only ensemble, each side's secret channels, triangle roles,
  utilities; actors and pairs keep the colours of every other figure
  (:mod:`sim.report.palette`);
- the run against the historical timeline (the scenario's events, the class's
  injects, and the record's dated events, each with its citation);
- where the class departed from history and from the model, and what followed
  (stylized facts, team moves against the advice, diverging relations,
  control-cell interventions);
- discussion questions drawn from the sources' causal claims, cited.

``cardplay report <run folder | session folder | session.jsonl>``
(:mod:`sim.classroom.debrief`) writes ``debrief.html`` beside its input.

One module per part: ``compare`` (the model playing alone), ``figures`` (story and
figures), ``timeline`` (the record and the stylized facts), ``departures`` (where the class
departed), ``questions`` (discussion), ``page`` (the HTML), ``common`` (shared helpers).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sim.report.debrief.common import GAP, game_records
from sim.report.debrief.compare import baseline, departure_dataset, departure_figure
from sim.report.debrief.departures import departures_section
from sim.report.debrief.figures import figures_section, story_section
from sim.report.debrief.page import debrief_html
from sim.report.debrief.questions import questions_section
from sim.report.debrief.timeline import facts_section, timeline_section

__all__ = [
    "GAP",
    "baseline",
    "debrief_data",
    "debrief_html",
    "departure_dataset",
    "departure_figure",
]


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
    game = game_records(records)
    tables = res.tables()
    base = baseline(cfg, baseline_runs)
    story = story_section(res, tables)
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
        "timeline": timeline_section(res, game, base),
        "facts": facts_section(res, base),
        "departures": departures_section(res, game, base, story),
        "questions": questions_section(res, tables),
        "figures": figures_section(res, tables, base) if figures else {},
    }
    return data
