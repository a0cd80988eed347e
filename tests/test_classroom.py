"""Classroom sessions without HTTP: seats, deadline, control cell, views, exact replay."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.classroom.errors import AccessError
from sim.classroom.presets import PRESETS
from sim.classroom.replay import ReplayError, load, replay
from sim.classroom.session import Session
from sim.classroom.sessionlog import state_hash
from sim.record.run import simulate
from sim.scenario.config import compose
from sim.scenario.schema import validate

SCENARIO = "1969_border_clash"


@pytest.fixture(scope="module")
def raw():
    return compose([f"scenario={SCENARIO}", "seed=11"])


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def opt(session, actor, action, target=""):
    for o in session.options(actor):
        if o["action"] == action and o["target"] == target:
            return o["row"]
    raise AssertionError(f"{actor} cannot {action} {target} now")


def test_codes_are_unguessable_and_distinct(raw):
    s = Session(raw, ["ROC", "US"])
    codes = [seat.code for seat in s.seats.values()] + [s.instructor_token]
    assert len(set(codes)) == 3
    assert all(len(c) >= 12 for c in codes)
    assert Session(raw, ["ROC"]).seats["ROC"].code != s.seats["ROC"].code


def test_unknown_seat_is_refused(raw):
    from sim.scenario.errors import ConfigError

    with pytest.raises(ConfigError, match="seats"):
        Session(raw, ["JAPAN"])


def test_model_only_session_equals_simulate(raw):
    """With no seats and no injects, a session is exactly the pure core's run."""
    s = Session(raw, [])
    while not s.over:
        s.advance()
    ref = simulate(validate(raw))
    assert np.array_equal(s.results().states, ref.states)
    assert np.array_equal(s.results().moves, ref.moves)


def test_a_team_moves_only_from_its_menu(raw):
    s = Session(raw, ["ROC", "US"])
    us_row = s.options("US")[1]["row"]
    with pytest.raises(AccessError) as err:
        s.submit("ROC", us_row)
    assert err.value.status == 400 and "not one of ROC (Taiwan)'s options" in err.value.message
    with pytest.raises(AccessError) as err:
        s.submit("USSR", s.options("USSR")[0]["row"])
    assert err.value.status == 403
    row = opt(s, "ROC", "warm", "US")
    assert s.submit("ROC", row)["text"] == "Warm toward United States"
    s.advance()
    assert s.results().moves[1, s.model.index["ROC"], 0] == 1  # KIND 'warm'
    assert s.log.records[-2]["type"] == "resolve"
    assert s.log.records[-2]["choices"] == {"ROC": row}


def test_deadline_lets_the_model_play_for_a_late_team(raw):
    clock = Clock()
    s = Session(raw, ["ROC", "US"], deadline=30, clock=clock)
    s.submit("US", opt(s, "US", "hold"))
    assert s.view("ROC")["deadline_left"] == pytest.approx(30)
    clock.now += 31
    with pytest.raises(AccessError) as err:
        s.submit("ROC", opt(s, "ROC", "hold"))
    assert err.value.status == 409 and "deadline" in err.value.message
    assert s.view(None)["seats"][0]["late"] is True
    s.advance()
    resolve = next(r for r in reversed(s.log.records) if r["type"] == "resolve")
    assert list(resolve["choices"]) == ["US"]
    assert resolve["model_played"] == ["ROC"]
    assert any(r["type"] == "deadline" and r["late"] == ["ROC"] for r in s.log.records)
    # the next turn has a fresh deadline
    assert s.view("ROC")["me"]["late"] is False


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_is_a_valid_event(raw, preset):
    s = Session(raw, ["ROC"])
    eid = s.inject(preset, {"actor": "USSR", "target": "ROC", "audience": "PRC", "strength": 0.7})
    spec = s.model.event_specs[eid]
    assert spec.kind == preset and "not historical" in spec.citation
    assert spec.date == s.model.dates[s.model.t]
    view = s.view(None)
    assert view["history"]["markers"][-1]["event"] == eid
    assert view["history"]["markers"][-1]["inject"] is True
    assert spec.label in view["log"][0]["lines"][0]


def test_inject_changes_the_state_and_bad_input_is_refused(raw):
    s = Session(raw, [])
    before = s.view(None)["network"]["edges"]
    s.inject("clash", {"actor": "USSR", "target": "PRC", "strength": 1.0})
    after = s.view(None)["network"]["edges"]
    assert after[0]["value"] < before[0]["value"]  # USSR-PRC is the first pair
    for bad, msg in [
        ({"actor": "USSR", "target": "USSR"}, "different actors"),
        ({"actor": "USSR", "target": "XX"}, "not an actor"),
        ({"actor": "USSR", "target": "PRC", "strength": 3}, "strength"),
    ]:
        with pytest.raises(AccessError, match=msg):
            s.inject("clash", bad)
    with pytest.raises(AccessError, match="unknown inject preset"):
        s.inject("nuke", {})


def test_weights_influence_noise(raw):
    s = Session(raw, [])
    s.set_weights("US", {"leverage": 1.0})
    assert s.view(None)["control"]["weights"]["US"]["leverage"] == 1.0
    s.set_influence("USSR", "hawks", 0.9)
    assert s.view(None)["control"]["factions"]["USSR"]["hawks"] == pytest.approx(0.9, abs=1e-3)
    s.set_temperature(0.05)
    assert s.view(None)["control"]["temperature"] == 0.05
    for call, msg in [
        (lambda: s.set_weights("US", {"leverage": 2}), "must be in"),
        (lambda: s.set_weights("US", {"greed": 1}), "unknown interest"),
        (lambda: s.set_influence("PRC", "hawks", 0.5), "no faction"),
        (lambda: s.set_temperature(0), "temperature"),
    ]:
        with pytest.raises(AccessError, match=msg):
            call()


def test_end_stops_the_game(raw):
    s = Session(raw, ["ROC"])
    s.advance()
    s.end()
    assert s.over
    for call in (s.advance, lambda: s.submit("ROC", 0), lambda: s.inject("talks", {})):
        with pytest.raises(AccessError) as err:
            call()
        assert err.value.status == 409 and "over" in err.value.message
    assert len(s.results().dates) == 2  # the opened but unresolved turn is not recorded
    assert s.view("ROC")["me"]["options"] == []


def test_seats_do_not_see_others_secret_moves(raw):
    s = Session(raw, ["ROC", "US"])
    s.submit("ROC", opt(s, "ROC", "open_channel", "PRC"))
    s.advance()
    line = "ROC (Taiwan) secretly opens a channel to PRC"

    def text(view):
        return json.dumps(view["log"])

    assert line in text(s.view(None)) and line in text(s.view("ROC"))
    assert line not in text(s.view("US"))
    seen = s.view("US")["network"]["channels"]
    assert all("US" in (c["a"], c["b"]) or c["public"] for c in seen)
    everyone = s.view(None)["network"]["channels"]
    assert any("US" not in (c["a"], c["b"]) and not c["public"] for c in everyone)


def play(s: Session, turns: int) -> None:
    """A scripted class: moves, injects, weight, influence and noise changes, a late team."""
    for k in range(turns):
        if s.over:
            return
        if k == 2:
            s.inject("clash", {"actor": "USSR", "target": "PRC", "strength": 0.6})
        if k == 4:
            s.set_weights("USSR", {"security": 0.8, "leverage": 0.2})
            s.set_influence("USSR", "doves", 0.8)
        if k == 6:
            s.set_temperature(0.02)
            s.inject("leak", {"actor": "USSR", "target": "ROC", "audience": "PRC"})
        roc = s.options("ROC")
        s.submit("ROC", roc[(3 * k) % len(roc)]["row"])
        if k % 3:  # the US team sometimes does not move: the model plays for it
            s.submit("US", min(s.options("US"), key=lambda o: o["rank"])["row"])
        s.advance()


def test_session_log_replays_identically(raw, tmp_path):
    path = tmp_path / "session.jsonl"
    s = Session(raw, ["ROC", "US"], log_path=path)
    play(s, 12)
    s.end()
    records = load(path)
    assert [r["type"] for r in records][:2] == ["open", "turn"]
    assert {"move", "inject", "weights", "influence", "temperature", "resolve", "end"} <= {
        r["type"] for r in records
    }
    game = replay(path)
    live = s.results()
    again = game.results
    assert np.array_equal(again.states, live.states)
    assert np.array_equal(again.moves, live.moves)
    assert again.fired == live.fired
    assert game.hashes == [r["outcome"]["hash"] for r in records if r["type"] == "resolve"]
    assert state_hash(game.model) == state_hash(s.model)
    assert game.ended == "instructor"


def test_a_tampered_log_is_caught(raw, tmp_path):
    path = tmp_path / "session.jsonl"
    s = Session(raw, ["ROC"], log_path=path)
    play_roc = [o["row"] for o in s.options("ROC")]
    s.submit("ROC", play_roc[1])
    s.advance()
    s.advance()
    records = load(path)
    for r in records:
        if r["type"] == "resolve" and r["choices"]:
            r["choices"]["ROC"] = play_roc[0]
    with pytest.raises(ReplayError, match="replays to state"):
        replay(records)


def test_reset_starts_again_and_replay_returns_the_last_game(raw, tmp_path):
    path = tmp_path / "session.jsonl"
    s = Session(raw, ["ROC"], log_path=path)
    s.inject("talks", {"actor": "USSR", "target": "PRC"})
    s.advance()
    s.reset(seed=99)
    assert s.model.t == 1 and s.cfg.seed == 99 and s.view(None)["history"]["markers"] == []
    s.advance()
    game = replay(path)
    assert game.opening["type"] == "reset" and game.opening["seed"] == 99
    assert np.array_equal(game.results.states, s.results().states)


def test_the_app_draws_in_the_figures_colours(raw):
    """One colour per actor and per pair everywhere: the app's come from the palette."""
    from sim.report.palette import classroom_styles

    s = Session(raw, ["ROC"])
    styles = classroom_styles(list(s.model.ids))
    for viewer in (None, "ROC"):
        view = s.view(viewer)
        assert view["styles"]["actors"] == styles["actors"]
        assert view["styles"]["roles"] == styles["roles"]
        for p in view["history"]["pairs"]:
            want = styles["pairs"][f"{p['a']}|{p['b']}"]
            assert (p["color"], p["dash"]) == (want["color"], want["dash"])


def test_the_control_cell_forbids_a_move(raw, tmp_path):
    path = tmp_path / "session.jsonl"
    s = Session(raw, ["ROC"], log_path=path)
    row = opt(s, "ROC", "warm", "US")
    s.submit("ROC", row)
    entry = s.forbid("ROC", "warm", "US")
    assert entry["text"] == "ROC (Taiwan): Warm toward United States"
    assert s.view(None)["control"]["forbidden"] == [entry]
    assert all((o["action"], o["target"]) != ("warm", "US") for o in s.options("ROC"))
    assert any(o["action"] == "warm" for o in s.options("ROC"))  # only toward the US
    s.advance()  # the team's move is no longer open: the model plays for it
    resolve = next(r for r in reversed(s.log.records) if r["type"] == "resolve")
    assert resolve["dropped"] == ["ROC"] and resolve["choices"] == {}
    s.forbid("USSR", "open_channel")  # toward anyone
    assert all(o["action"] != "open_channel" for o in s.options("USSR"))
    s.advance()
    assert np.array_equal(replay(path).results.states, s.results().states)
    with pytest.raises(AccessError, match="unknown move 'fly'"):
        s.forbid("USSR", "fly")
    with pytest.raises(AccessError, match="toward itself"):
        s.forbid("USSR", "warm", "USSR")
