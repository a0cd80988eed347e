"""A session survives a restart: a new classroom over the same folder resumes every session
from its log to the same state, byte for byte, and writes nothing while doing so."""

from __future__ import annotations

import json

import pytest

from sim.classroom.bodies import Open
from sim.classroom.errors import AccessError
from sim.classroom.registry import Classroom
from sim.classroom.session import BOARD, Session
from sim.classroom.sessionlog import LOG_NAME, state_hash


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def room(tmp_path):
    return Classroom("1969_border_clash", key="k", logdir=tmp_path)


def opened(room, **kw) -> Session:
    return room.open_session(Open(key="k", seats=["ROC", "US"], seed=5, **kw))


def views(s: Session) -> dict:
    """Every viewer's view as the JSON a browser receives (and the version it carries)."""
    return {v: s.view_json(v) for v in (None, "ROC", "US", BOARD)}


def restarted(room) -> Classroom:
    return Classroom(room.default_scenario, key="another-key", logdir=room.logdir)


def row(s: Session, actor: str, action: str, target: str = "") -> int:
    return next(
        o["row"] for o in s.options(actor) if (o["action"], o["target"]) == (action, target)
    )


def test_a_restart_resumes_mid_turn_to_the_same_bytes(room):
    s = opened(room)
    s.submit("ROC", row(s, "ROC", "warm", "US"))
    s.inject("clash", {"actor": "USSR", "target": "PRC", "strength": 0.6})
    s.set_weights("USSR", {"security": 0.7})
    s.set_influence("USSR", "doves", 0.7)
    s.set_temperature(0.02)
    s.forbid("USSR", "warm", "ROC")
    s.advance()
    s.advance()
    s.submit("US", row(s, "US", "hold"))  # a move in the turn still open
    before, log = views(s), s.log.path.read_bytes()

    again = restarted(room)
    assert again.known == 1
    s2, who = again.identify(s.instructor_token)
    assert who.role == "instructor" and s2 is not s
    assert views(s2) == before
    assert state_hash(s2.model) == state_hash(s.model)
    assert s2.log.path.read_bytes() == log  # resuming wrote nothing
    assert s2.seats["US"].move == s.seats["US"].move and s2.seats["ROC"].move is None
    assert s2.forbids == s.forbids and s2.injects == 1
    # every code still works, and the game goes on exactly as the original would have
    assert again.identify(s.seats["ROC"].code)[1].actor == "ROC"
    assert again.identify(s.board_token)[1].role == "board"
    for game in (s, s2):
        game.submit("ROC", row(game, "ROC", "hold"))
        game.advance()
    assert views(s2) == views(s)


def test_a_finished_game_and_a_reset_resume_too(room):
    s = opened(room, pace=6)
    while not s.over:
        s.advance()
    ended = opened(room)
    ended.advance()
    ended.end()
    reset = opened(room)
    reset.advance()
    reset.reset(seed=9)
    reset.advance()
    again = restarted(room)
    assert again.known == 3
    for live in (s, ended, reset):
        back, _ = again.identify(live.instructor_token)
        assert views(back) == views(live)
        assert back.over == live.over
    assert again.identify(s.instructor_token)[0].cfg.window.step_months == 6
    with pytest.raises(AccessError) as err:
        again.identify(ended.instructor_token)[0].advance()
    assert err.value.status == 409 and "ended by the instructor" in err.value.message


def test_the_deadline_runs_on_across_a_restart(room, monkeypatch):
    s = opened(room, deadline=600)
    again = restarted(room)
    back, _ = again.identify(s.instructor_token)
    assert 0 < back.deadline_left() <= 600
    # the turn opened long ago: its deadline has passed, the teams that did not move are late
    records = [json.loads(line) for line in s.log.path.read_text().splitlines()]
    records[1]["time"] = "2000-01-01T00:00:00+00:00"
    s.log.path.write_text("".join(json.dumps(r) + "\n" for r in records))
    late = restarted(room).identify(s.instructor_token)[0]
    assert late.deadline_left() == 0
    assert late.view(None)["seats"][0]["late"] is True


def test_a_damaged_log_is_refused_clearly_and_the_others_still_resume(room):
    good, bad = opened(room), opened(room)
    good.advance()
    bad.advance()
    path = bad.log.path
    lines = path.read_text().splitlines()
    resolve = next(i for i, line in enumerate(lines) if '"type": "resolve"' in line)
    rec = json.loads(lines[resolve])
    rec["outcome"]["hash"] = "0" * 32
    lines[resolve] = json.dumps(rec)
    path.write_text("\n".join(lines) + "\n")
    again = restarted(room)
    with pytest.raises(AccessError) as err:
        again.identify(bad.instructor_token)
    assert err.value.status == 409 and "cannot be resumed" in err.value.message
    assert "replays to state" in err.value.message
    assert views(again.identify(good.instructor_token)[0]) == views(good)


def test_the_listing_lets_the_key_holder_re_enter(room):
    s = opened(room)
    again = restarted(room)
    with pytest.raises(AccessError):
        again.check_key("k")  # the old key went with the old server
    again.check_key("another-key")
    (entry,) = again.listing()
    assert entry["session"] == s.id and entry["token"] == s.instructor_token
    assert entry["seats"] == ["ROC", "US"] and entry["title"].startswith("The 1969")


def test_the_codes_stay_out_of_the_log(room):
    s = opened(room)
    text = (s.log.path.parent / LOG_NAME).read_text()
    for code in (s.instructor_token, s.board_token, *(x.code for x in s.seats.values())):
        assert code not in text
    access = s.log.path.parent / "access.json"
    assert access.stat().st_mode & 0o077 == 0  # readable by the server's user only


def test_a_session_that_fails_to_open_leaves_no_folder(room):
    with pytest.raises(AccessError):
        room.open_session(Open(key="k", seats=["JAPAN"]))
    with pytest.raises(AccessError):
        room.open_session(Open(key="wrong"))
    assert list(room.logdir.iterdir()) == []


def test_a_resumed_session_matches_one_clock_for_one_clock(tmp_path, raw1969):
    """Session.resume straight from the files (what the classroom does per session)."""
    path = tmp_path / LOG_NAME
    s = Session(raw1969, ["ROC"], log_path=path, deadline=30, clock=Clock())
    s.submit("ROC", row(s, "ROC", "hold"))
    back = Session.resume(path, s.access(), clock=Clock())
    assert views(back) == views(s)
