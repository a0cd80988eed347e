"""End to end over HTTP: an instructor and two teams, each its own client, play one session;
the debrief report downloads as one self-contained HTML file; the log replays exactly; the
command line starts the server."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from sim.classroom.client import Client
from sim.classroom.registry import Classroom
from sim.classroom.replay import replay
from sim.classroom.server import running
from tests import HANG_GUARD

KEY = "e2e-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    room = Classroom("1969_border_clash", key=KEY, logdir=tmp_path_factory.mktemp("logs"))
    with running(room, baseline_runs=3) as url:
        yield room, url


def external_links(html: str) -> list[str]:
    """src/href attributes (and CSS url()) pointing at another host."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)""", html, re.I)
    found += re.findall(r"""url\(\s*["']?((?:https?:)?//[^"')]+)""", html, re.I)
    return found


def test_two_teams_and_an_instructor_play_one_session(server, tmp_path):
    room, url = server
    instructor = Client(url, key=KEY)
    status, opened = instructor.post(
        "/api/session",
        {
            "scenario": "1969_border_clash",
            "seed": 21,
            "seats": ["ROC", "US"],
            "advice": True,
            "pace": 1,
        },
    )
    assert status == 200
    instructor.token = opened["token"]
    # each team joins from its own client with its code
    teams = {}
    for actor, code in opened["codes"].items():
        c = Client(url)
        status, joined = c.post("/api/join", {"code": code})
        assert status == 200 and joined["actor"] == actor
        c.token = joined["token"]
        teams[actor] = c
    rng = random.Random(0)
    turns = 0
    while True:
        status, state = instructor.get("/api/state")
        if state["over"]:
            break
        for actor, c in teams.items():
            s = c.get("/api/state")[1]
            assert s["actor"] == actor and s["date"] == state["date"]
            opts = s["me"]["options"]
            assert all("value" in o and "rank" in o for o in opts)  # advice is on
            if actor == "US":  # follows the advice
                row = min(opts, key=lambda o: o["rank"])["row"]
            else:  # a contrarian team
                row = rng.choice(opts)["row"]
            status, out = c.post("/api/move", {"row": row})
            assert status == 200, out
        seats = instructor.get("/api/state")[1]["seats"]
        assert all(s["moved"] for s in seats)
        if turns == 2:
            assert (
                instructor.post(
                    "/api/inject",
                    {"preset": "clash", "actor": "USSR", "target": "PRC", "strength": 0.8},
                )[0]
                == 200
            )
        if turns == 4:
            assert (
                instructor.post("/api/weights", {"actor": "USSR", "weights": {"ideology": 0.5}})[0]
                == 200
            )
        if turns == 5:
            assert instructor.post("/api/noise", {"value": 0.01})[0] == 200
        status, out = instructor.post("/api/step")
        assert status == 200
        turns += 1
    assert turns == 29 and state["over"] == "the window's end"
    # what each team saw of the last month: its own moves, labelled as the team's
    roc_view = teams["ROC"].get("/api/state")[1]
    assert any("(team)" in m for month in roc_view["log"] for m in month["moves"])
    markers = [m for m in roc_view["history"]["markers"] if m["inject"]]
    assert len(markers) == 1 and markers[0]["date"] == "1969-04"
    # teams may download the debrief once the game is over; the instructor always
    for c in (instructor, teams["ROC"]):
        status, html = c.get("/api/report")
        assert status == 200
        assert "attachment" in c.last_headers["Content-Disposition"]
        assert html.startswith("<!doctype html>")
        assert external_links(html) == []
        assert "data:image/png;base64," in html
        for section in ("story", "figures", "timeline", "departures", "questions"):
            assert f"id='{section}'" in html
        assert "Border clash: USSR / PRC" in html
    # the log downloads and replays to the identical game
    status, text = instructor.get("/api/log")
    assert status == 200
    path = tmp_path / "session.jsonl"
    path.write_text(text)
    game = replay(path)
    live = room.session(opened["session"]).results()
    assert np.array_equal(game.results.states, live.states)
    assert np.array_equal(game.results.moves, live.moves)
    # the server wrote the same log to disk as it went
    assert Path(opened["log"]).read_text() == text


@contextmanager
def cli_server(*options: str):
    """``cardplay classroom port=0 ...`` in its own process; yields what it printed up to
    the teams' address (the server is answering by then), stops it after."""
    exe = Path(sys.executable).with_name("cardplay")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.cli"]
    proc = subprocess.Popen(
        [*cmd, "classroom", "port=0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        while "teams join at" not in "".join(lines):
            line = proc.stdout.readline()
            if not line:  # it ended before serving
                raise AssertionError("".join(lines) + proc.stderr.read())
            lines.append(line)
        yield "".join(lines)
    finally:
        proc.terminate()
        proc.wait(timeout=HANG_GUARD)


def test_cli_starts_the_server_and_prints_its_address(tmp_path):
    with cli_server("key=cli-key", f"logdir={tmp_path}") as text:
        m = re.search(r"instructor \(keep private\): (http://127\.0\.0\.1:\d+/)#key=cli-key", text)
        assert m, text
        base = m.group(1)
        assert Client(base).get("/api/health") == (200, {"ok": True})
        status, out = Client(base, key="cli-key").post("/api/session", {"seats": []})
        assert status == 200 and Path(out["log"]).is_relative_to(tmp_path)


def test_cli_bad_input_is_one_line_and_exit_2():
    exe = Path(sys.executable).with_name("cardplay")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.cli"]
    for args, key in (
        [["classroom", "port=99999"], "port"],
        [["classroom", "scenario=atlantis"], "scenario"],
    ):
        r = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=HANG_GUARD)
        assert r.returncode == 2, r.stderr
        err = r.stderr.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"config error: {key}")
