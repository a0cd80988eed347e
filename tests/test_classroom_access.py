"""Who may do what, over HTTP on 127.0.0.1: codes, seats, the board, the instructor, clear
refusals, local pages only, no path out of the static folder."""

from __future__ import annotations

import re

import pytest

from sim.classroom.api import INSTRUCTOR_ONLY
from sim.classroom.client import Client
from sim.classroom.registry import Classroom
from sim.classroom.server import running
from sim.classroom.web import STATIC

KEY = "test-server-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    room = Classroom("1969_border_clash", key=KEY, logdir=tmp_path_factory.mktemp("logs"))
    with running(room, baseline_runs=2) as url:
        yield room, url


@pytest.fixture
def session(server):
    app, url = server
    status, out = Client(url, key=KEY).post(
        "/api/session", {"scenario": "1969_border_clash", "seed": 4, "seats": ["ROC", "US"]}
    )
    assert status == 200, out
    return (
        url,
        Client(url, token=out["token"]),
        Client(url, token=out["codes"]["ROC"]),
        Client(url, token=out["codes"]["US"]),
        Client(url, token=out["board"]),
    )


def test_wrong_or_missing_code_is_refused_clearly(session):
    url, *_ = session
    status, out = Client(url, token="not-a-real-code").get("/api/state")
    assert status == 401
    assert out["error"].startswith("unknown code 'not-a-real-code'")
    assert "check the code your instructor gave you" in out["error"]
    status, out = Client(url).get("/api/state")
    assert status == 401 and "no code given" in out["error"]
    status, out = Client(url).post("/api/join", {"code": "WRONG"})
    assert status == 401 and "unknown code 'WRONG'" in out["error"]
    status, out = Client(url).post("/api/join", {"code": ""})
    assert status == 400 and "join code" in out["error"]


def test_join_tells_a_team_its_seat(session):
    url, instr, roc, _, board = session
    status, out = Client(url).post("/api/join", {"code": roc.token})
    assert status == 200 and out["role"] == "seat" and out["actor"] == "ROC"
    assert out["name"] == "ROC (Taiwan)"
    status, out = Client(url).post("/api/join", {"code": instr.token})
    assert out["role"] == "instructor" and out["actor"] is None
    status, out = Client(url).post("/api/join", {"code": board.token})
    assert out["role"] == "board" and out["actor"] is None


def test_a_seat_code_cannot_act_for_another_seat(session):
    _, instr, roc, us, _ = session
    status, state = roc.get("/api/state")
    assert status == 200 and state["role"] == "seat" and state["actor"] == "ROC"
    assert "control" not in state and all("code" not in s for s in state["seats"])
    us_rows = [o["row"] for o in us.get("/api/state")[1]["me"]["options"]]
    roc_rows = {o["row"] for o in state["me"]["options"]}
    foreign = next(r for r in us_rows if r not in roc_rows)
    # naming another seat
    status, out = roc.post("/api/move", {"actor": "US", "row": us_rows[0]})
    assert status == 403
    assert out["error"] == "this code is for ROC (Taiwan): it cannot act for United States"
    status, out = roc.post("/api/move", {"actor": ["US"], "row": us_rows[0]})
    assert status == 400 and out["error"].startswith("actor = ['US']")
    # a move from another seat's menu
    status, out = roc.post("/api/move", {"row": foreign})
    assert status == 400 and "not one of ROC (Taiwan)'s options" in out["error"]
    # nothing was recorded for either seat
    seats = {s["actor"]: s for s in instr.get("/api/state")[1]["seats"]}
    assert not seats["US"]["moved"] and not seats["ROC"]["moved"]
    # its own move works, and only its own seat shows as moved
    status, out = roc.post("/api/move", {"row": min(roc_rows)})
    assert status == 200 and out["actor"] == "ROC"
    seats = {s["actor"]: s for s in instr.get("/api/state")[1]["seats"]}
    assert seats["ROC"]["moved"] and not seats["US"]["moved"]


@pytest.mark.parametrize("endpoint", sorted(INSTRUCTOR_ONLY))
def test_a_team_cannot_run_the_game(session, endpoint):
    _, instr, roc, _, board = session
    before = instr.get("/api/state")[1]
    body = {
        "preset": "clash",
        "actor": "USSR",
        "target": "PRC",
        "value": 0.1,
        "weights": {"security": 1.0},
        "faction": "hawks",
    }
    for who, says in ((roc, "ROC (Taiwan) team"), (board, "the board's code")):
        if endpoint in ("log", "codes"):
            status, out = who.get(f"/api/{endpoint}")
        else:
            status, out = who.post(f"/api/{endpoint}", body)
        assert status == 403
        assert out["error"].startswith(f"only the instructor can {INSTRUCTOR_ONLY[endpoint]}")
        assert says in out["error"]
    after = instr.get("/api/state")[1]
    assert after["t"] == before["t"] and after["version"] == before["version"]
    assert not after["over"]


def test_only_the_instructor_steps_injects_and_ends(session):
    _, instr, roc, _, board = session
    assert instr.post("/api/step")[0] == 200
    assert instr.get("/api/state")[1]["t"] == 2
    status, out = instr.post(
        "/api/inject", {"preset": "sanctions", "actor": "US", "target": "PRC", "strength": 0.5}
    )
    assert status == 200 and out["event"].startswith("inject_")
    status, out = instr.post("/api/move", {"row": 0})
    assert status == 403 and "the instructor has no seat" in out["error"]
    status, out = roc.get("/api/report")
    assert status == 403 and "once the game is over" in out["error"]
    status, out = board.post("/api/move", {"row": 0})
    assert status == 403 and "the board only shows the game" in out["error"]
    assert board.get("/api/report")[0] == 403
    assert instr.post("/api/end")[0] == 200
    status, out = roc.post("/api/move", {"row": 0})
    assert status == 409 and "game is over" in out["error"]


def test_opening_a_session_needs_the_server_key(server):
    _, url = server
    status, out = Client(url).post("/api/session", {"seats": ["ROC"]})
    assert status == 403 and "only the instructor can open or list sessions" in out["error"]
    status, out = Client(url, key="guess").post("/api/session", {"seats": ["ROC"]})
    assert status == 403
    status, out = Client(url, key=KEY).post("/api/session", {"scenario": "nowhere"})
    assert status == 400 and "unknown scenario 'nowhere'" in out["error"]
    status, out = Client(url, key="guess").get("/api/sessions")
    assert status == 403 and "only the instructor can open or list sessions" in out["error"]


def test_bad_input_gets_a_one_line_message(session):
    _, instr, roc, _, _ = session
    status, out = instr.post("/api/weights", {"actor": "US", "weights": {"security": 7}})
    assert status == 400 and out["error"] == "weight security = 7.0 must be in [0, 1]"
    status, out = instr.post("/api/inject", {"preset": "clash", "actor": "US", "target": "US"})
    assert status == 400 and "different actors" in out["error"]
    status, out = roc.post("/api/move", {"row": "abc"})
    assert status == 400 and out["error"] == "row = 'abc': input should be a valid integer"
    status, out = instr.post("/api/forbid", {"actor": "US", "move": "fly"})
    assert status == 400 and out["error"].startswith("unknown move 'fly'; valid: ")
    status, out = instr.post("/api/step", {"turns": 3})
    assert status == 400 and out["error"] == "turns: unknown field; valid fields: none"
    big = {"label": "x", "kind": "custom", "narrative": "n" * 5000, "effects": []}
    status, out = instr.post("/api/inject", {"preset": "custom", "spec": big})
    assert status == 400 and "at most" in out["error"]  # an inject cannot swell every view


def test_a_refused_session_leaves_no_folder(server):
    room, url = server
    before = sorted(room.logdir.iterdir())
    for bad in ({"deadline": "inf"}, {"deadline": "nan"}, {"seats": "ROC"}, {"pace": 4}):
        status, out = Client(url, key=KEY).post("/api/session", bad)
        assert status == 400 and out["error"].startswith(next(iter(bad))), out
    assert sorted(room.logdir.iterdir()) == before


def test_the_instructor_page_shows_no_code_until_asked(session):
    _, instr, roc, us, board = session
    text = instr.get("/api/state")[1]
    for code in (roc.token, us.token, instr.token):
        assert code not in str(text)
    status, codes = instr.get("/api/codes")
    assert status == 200
    assert {s["actor"]: s["code"] for s in codes["seats"]} == {"ROC": roc.token, "US": us.token}
    assert codes["instructor"] == f"/#code={instr.token}"  # the page puts its address first
    assert codes["board"] == f"/board#code={board.token}"
    assert codes["seats"][0]["link"] == f"/#code={roc.token}"


def test_the_board_sees_no_code_no_secret_and_no_control(session):
    _, instr, roc, us, board = session
    roc_rows = roc.get("/api/state")[1]["me"]["options"]
    channel = next(o for o in roc_rows if o["action"] == "open_channel" and o["target"] == "PRC")
    assert roc.post("/api/move", {"row": channel["row"]})[0] == 200
    assert instr.post("/api/step")[0] == 200
    status, view = board.get("/api/state")
    assert status == 200 and view["role"] == "board"
    assert "control" not in view and "me" not in view and "actor" not in view
    text = str(view)
    for code in (roc.token, us.token, instr.token, board.token):
        assert code not in text
    assert "secretly opens a channel" in str(instr.get("/api/state")[1]["log"])
    assert "secretly" not in str(view["log"])
    assert all(c["public"] for c in view["network"]["channels"])


def test_pages_are_local_only(server):
    _, url = server
    c = Client(url)
    status, page = c.get("/")
    assert status == 200 and '<script type="module" src="/static/main.js">' in page
    status, board = c.get("/board")
    assert status == 200 and '<script type="module" src="/static/board.js">' in board
    csp = c.last_headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    for f in STATIC.iterdir():
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), f.name
        assert "@import" not in text and "@font-face" not in text
        status, body = c.get(f"/static/{f.name}")
        assert status == 200 and body == text
    for path in TRAVERSALS:
        status, out = c.get(path)
        assert status in (400, 404), path
        assert "import" not in str(out)  # no Python source came back


TRAVERSALS = [
    "/static/../server.py",
    "/static/../../scenario/schema.py",
    "/static/%2e%2e/server.py",
    "/static/%2e%2e%2fserver.py",
    "/static/..%2fserver.py",
    "/static/..%5cserver.py",
    "/static/....//server.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..%252fserver.py",
    "/static/%c0%ae%c0%ae/server.py",
    "/static/app.css/../../server.py",
    "/static/./../server.py",
    "/static/\\..\\server.py",
    "/board/../server.py",
    "/api/../classroom/server.py",
]
