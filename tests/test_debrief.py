"""The debrief report, tested through the data it is rendered from (debrief_data)."""

from __future__ import annotations

import base64
import re
import sys

import numpy as np
import pytest

from sim.classroom.debrief import cmd_report
from sim.classroom.session import Session
from sim.record.run import simulate
from sim.report import palette
from sim.report.debrief import GAP, debrief_data, debrief_html, departure_dataset
from sim.report.history import CLAIMS, SOURCES, TIMELINE, entries_near
from sim.report.plots import run_figures
from sim.report.plots.draw import drawn_styles
from sim.scenario.config import compose
from sim.scenario.schema import validate

RUNS = 3


@pytest.fixture(scope="module")
def raw():
    return compose(["scenario=1969_border_clash", "seed=8"])


@pytest.fixture(scope="module")
def model_run(raw):
    res = simulate(validate(raw))
    return res, debrief_data(res, baseline_runs=RUNS, figures=False)


@pytest.fixture(scope="module")
def class_run(raw, tmp_path_factory):
    path = tmp_path_factory.mktemp("session") / "session.jsonl"
    s = Session(raw, ["ROC", "US"], log_path=path)
    for k in range(14):
        if k == 1:
            s.inject("clash", {"actor": "USSR", "target": "PRC", "strength": 1.0})
        if k == 3:
            s.set_weights("US", {"leverage": 1.0, "security": 0.1})
        roc = s.options("ROC")  # the ROC team always picks the advice's worst move
        s.submit("ROC", max(roc, key=lambda o: o["rank"])["row"])
        s.advance()
    s.end()
    return s, path, debrief_data(s.results(), s.log.records, baseline_runs=RUNS)


def test_model_only_run_does_not_depart_from_the_model(model_run):
    res, d = model_run
    assert d["meta"]["complete"] and d["meta"]["seats"] == []
    for f in d["facts"]:
        assert f["run"] == f["model_alone"]  # the same seed, nobody intervened
        assert 0.0 <= f["ensemble_rate"] <= 1.0
    assert [f["fact"] for f in d["facts"]] == list(res.cfg.facts)
    assert all(r["first"] is None and r["max_gap"] == 0 for r in d["departures"]["relations"])
    assert d["departures"]["team_moves"] == [] and d["departures"]["control"] == []


def test_story_is_the_runs_narrative_with_cited_events(model_run):
    res, d = model_run
    months = [m["date"] for m in d["story"]]
    assert months == sorted(months) and set(months) <= set(res.dates)
    clash = next(m for m in d["story"] if m["date"] == "1969-03")
    assert clash["lines"][0].startswith("Zhenbao Island clash: Soviet and Chinese border troops")
    assert "Patel2025" in clash["lines"][0]


def test_timeline_sets_the_run_against_the_record(model_run):
    res, d = model_run
    tl = d["timeline"]
    assert [r["sort"] for r in tl] == sorted(r["sort"] for r in tl)
    scenario = {r["what"].split(":")[0]: r for r in tl if r["kind"] == "scenario"}
    for ev in res.cfg.events.values():
        row = scenario[ev.label]
        assert row["date"] == ev.date and row["source"] == ev.citation
        assert row["status"] == "fired"
    clash = scenario["Zhenbao Island clash"]
    rel = res.relation[res.dates.index("1969-03"), 0, 1] * 10
    assert f"USSR–PRC {rel:+.1f}" in clash["in_run"]
    record = [r for r in tl if r["kind"] == "record"]
    near = entries_near(res.cfg.window.start, res.cfg.window.end)
    assert len(record) == len(near) > 5
    for r in record:
        for key in r["source"].split(";"):
            assert key.strip() in SOURCES
    talks = next(r for r in record if r["date"] == "1969-10")
    assert "border talks" in talks["what"] and talks["status"] == "in the window"
    assert "USSR–PRC" in talks["in_run"] and "model alone" in talks["in_run"]
    outside = [r for r in record if r["status"] != "in the window"]
    assert outside and all(r["in_run"] == "" for r in outside)


def test_questions_come_from_the_claims_with_citations(model_run):
    res, d = model_run
    qs = d["questions"]
    # 1969-71: the Cold War claims (1-6), not the post-1990 ones
    assert [q["claim"] for q in qs] == [1, 2, 3, 4, 5, 6]
    claims = {c.number: c for c in CLAIMS}
    for q in qs:
        assert q["claim_text"] == claims[q["claim"]].text
        assert q["citation"] == claims[q["claim"]].source and q["reference"]
        assert q["question"].endswith("?")
    q3 = qs[2]
    ch = res.block("channel")[:, 2, 0].clip(max=res.block("channel")[:, 0, 2])
    peak = int(np.argmax(ch))
    assert f"peaked at {ch[peak]:.2f} in {res.dates[peak]}" in q3["observation"]
    assert "talks opened in 1969-10" in q3["observation"]


def test_claims_and_record_are_restated_not_quoted():
    for c in CLAIMS:
        assert c.source and len(c.text) > 40
    assert all(e.source for e in TIMELINE)


def test_departure_data_is_what_the_figure_draws(class_run):
    s, _, d = class_run
    res = s.results()
    dep = d["figures"]["departure"]["data"]
    assert len(dep) == 6 * len(res.dates)
    ix = {a: i for i, a in enumerate(res.ids)}
    for row in dep[::7]:
        assert row["run"] == pytest.approx(
            res.relation[row["step"], ix[row["a"]], ix[row["b"]]] * 10, abs=1e-4
        )
        assert row["ensemble_q05"] <= row["ensemble_median"] <= row["ensemble_q95"]
    same = simulate(res.cfg)
    frame = departure_dataset(
        res, {"same_seed": same, "relations": np.stack([same.relation * 10]), "runs": 1}
    )
    assert np.allclose(frame["model_alone"], frame["ensemble_median"])


def test_figures_are_embedded_pngs_with_their_data(class_run):
    s, _, d = class_run
    figs = d["figures"]
    assert set(figs) == {"relations", "roles", "utilities", "departure", "channels"}
    for f in figs.values():
        png = base64.b64decode(f["png"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
        assert f["title"] and f["caption"] and f["data"]
    rel = figs["relations"]["data"]
    res = s.results()
    assert {r["date"] for r in rel} == set(res.dates)
    roles = figs["roles"]["data"]
    assert {r["role"] for r in roles} <= {"pivot", "wing", "partner", "outcast", "friend", "foe"}


def test_actors_and_pairs_keep_their_colours_in_the_debrief_and_the_run_files(class_run):
    """The debrief's figures and a run folder's figure files give every actor and pair the
    palette's colour (read back from what was drawn), the same in both."""
    s, _, d = class_run
    res = s.results()
    tables = res.tables()
    actors = palette.actor_styles(res.ids)
    pairs = palette.pair_styles(palette.scenario_pairs(res.ids))

    def colours(records):
        out = {}
        for r in records:
            out.setdefault(r["key"], set()).add(r["color"])
        return out

    debrief = colours(r for f in d["figures"].values() for r in f["styles"])
    files = colours(
        r for _, fig in run_figures(tables, tables["events"], res.names) for r in drawn_styles(fig)
    )
    assert {f"actor:{a}" for a in res.ids} <= set(debrief) and set(debrief) <= set(files)
    for key, seen in {**files, **debrief}.items():
        kind, who = key.split(":")
        want = actors[who] if kind == "actor" else pairs[frozenset(who.split("|"))]
        assert seen == {want["color"].upper()}, key
    assert all(len(v) == 1 for v in debrief.values())
    for a, b in palette.scenario_pairs(res.ids):  # every pair drawn in its colour
        assert f"pair:{a}|{b}" in debrief


def test_a_run_without_figures_never_imports_matplotlib(raw, tmp_path, monkeypatch):
    from sim.report.report import write_run

    res = simulate(validate(raw))
    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, mod, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    folder = write_run(res, tmp_path / "run", raw, formats=["csv"], figures=False)
    assert (folder / "narrative.md").is_file() and not (folder / "figures").exists()
    assert debrief_data(res, baseline_runs=1, figures=False)["figures"] == {}
    with pytest.raises(ImportError):  # the block works: drawing needs matplotlib
        write_run(res, tmp_path / "drawn", raw, formats=["csv"], figures=True)


def test_where_the_class_departed(class_run):
    s, _, d = class_run
    dep = d["departures"]
    meta = d["meta"]
    assert meta["seats"] == [
        {"actor": "ROC", "name": "ROC (Taiwan)", "team_moves": 14},
        {"actor": "US", "name": "United States", "team_moves": 0},
    ]
    assert meta["ended"] == "instructor" and not meta["complete"]
    assert len(dep["team_moves"]) == 14
    worst = dep["against_advice"]
    assert worst and all(m["rank"] == m["options"] and m["rank"] > 1 for m in worst)
    assert [m["gap"] for m in worst] == sorted((m["gap"] for m in worst), reverse=True)
    whats = [c["what"] for c in dep["control"]]
    assert whats[0] == "inject: Border clash: USSR / PRC"
    assert "weights of United States" in whats
    assert whats[-1] == "game ended by the instructor"
    # the clash inject and the contrarian team push some relation off the model's path
    moved = [r for r in dep["relations"] if r["first"] is not None]
    assert moved and abs(moved[0]["max_gap"]) >= GAP
    assert moved[0]["max_gap"] == max((r["max_gap"] for r in dep["relations"]), key=abs)
    inject = next(r for r in d["timeline"] if r["kind"] == "inject")
    assert inject["date"] == "1969-03" and "not historical" in inject["source"]
    # facts about months after the game ended are not judged
    late = next(f for f in d["facts"] if f["fact"] == "us_prc_warming_begins")
    assert late["run"] is None and late["verdict"].startswith("not reached")
    pending = [r for r in d["timeline"] if r["kind"] == "scenario" and r["status"] != "fired"]
    assert all(r["status"].startswith("not reached") for r in pending)


def test_html_is_self_contained_and_shows_the_data(class_run):
    _, _, d = class_run
    html = debrief_html(d)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "<script" not in html and "@import" not in html
    assert html.count("data:image/png;base64,") == 5
    assert "default-src 'none'" in html
    for q in d["questions"]:
        assert q["question"].replace("'", "&#x27;") in html
    for f in d["facts"]:
        assert f["description"] in html
    assert "Border clash: USSR / PRC" in html


def test_cardplay_report_on_a_session_log_and_a_run_folder(class_run, raw, tmp_path, capsys):
    _, path, _ = class_run
    assert cmd_report([str(path.parent), "baseline_runs=2"]) == 0
    out = path.parent / "debrief.html"
    assert str(out) in capsys.readouterr().out
    assert "classroom session" in out.read_text()
    from sim.report.report import write_run

    folder = write_run(
        simulate(validate(raw)),
        tmp_path / "run",
        raw,
        formats=["csv"],
        figures=False,
        narrative=False,
    )
    assert cmd_report([str(folder), f"out={tmp_path / 'r.html'}", "baseline_runs=2"]) == 0
    assert "model run" in (tmp_path / "r.html").read_text()


def test_cardplay_report_bad_input(tmp_path):
    from sim.scenario.errors import ConfigError

    with pytest.raises(ConfigError, match="report"):
        cmd_report([str(tmp_path)])
    with pytest.raises(ConfigError, match="report"):
        cmd_report([])
