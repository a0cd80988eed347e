"""Advice a student can read and a pace that fits a lesson: grouped moves, the top three,
plain words on the model's own noise scale; turns and class time per turn length; the
scenario's suggested pace."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.classroom import advice, pacing
from sim.classroom.session import Session
from sim.scenario.config import compose
from sim.scenario.errors import ConfigError
from sim.scenario.schema import validate


@pytest.fixture(scope="module")
def seat_view():
    s = Session(compose(["scenario=1969_border_clash", "seed=3"]), ["ROC"])
    return s, s.view("ROC")["me"]


def test_moves_are_grouped_by_target_hold_first(seat_view):
    s, me = seat_view
    groups = me["groups"]
    assert groups[0]["target"] == "" and groups[0]["name"] == "No move this turn"
    assert [g["target"] for g in groups[1:]] == [a for a in s.model.ids if a != "ROC"]
    assert groups[1]["name"] == "Toward USSR"
    rows = [r for g in groups for r in g["rows"]]
    assert sorted(rows) == sorted(o["row"] for o in me["options"])  # each move once
    by_row = {o["row"]: o for o in me["options"]}
    for g in groups:
        assert all(by_row[r]["target"] == g["target"] for r in g["rows"])
        values = [by_row[r]["value"] for r in g["rows"]]
        assert values == sorted(values, reverse=True)  # best first within a group


def test_top_three_and_plain_words(seat_view):
    s, me = seat_view
    opts = me["options"]
    best = sorted(opts, key=lambda o: -o["value"])[:3]
    assert me["advice"]["top"] == [o["row"] for o in best]
    assert [o["top"] for o in best] == [1, 2, 3]
    assert sum(o["top"] is not None for o in opts) == 3
    hold = next(o for o in opts if o["action"] == "hold")
    assert hold["verdict"] == "the baseline" and hold["diff"] == 0
    T = s.model.temperature
    for o in opts:
        if o is hold:
            continue
        assert o["diff"] == pytest.approx(o["value"] - hold["value"], abs=2e-5)
        word = "better" if o["diff"] > T else "worse" if o["diff"] < -T else "about the same"
        assert o["verdict"] == word
    # the case of the issue: utilities differing in the third decimal read as words
    assert set(advice.WORDS) >= {o["verdict"] for o in opts if o is not hold}
    assert sum(me["advice"]["counts"].values()) == len(opts) - 1


def test_no_advice_still_groups_but_shows_no_value():
    s = Session(compose(["scenario=1969_border_clash"]), ["ROC"], advice=False)
    me = s.view("ROC")["me"]
    assert "advice" not in me and me["groups"]
    assert all("value" not in o and "verdict" not in o for o in me["options"])


@given(
    st.lists(st.floats(-1, 1, allow_nan=False), min_size=1, max_size=30),
    st.floats(1e-4, 1.0),
)
def test_the_words_follow_the_logit_odds(values, temperature):
    """'better' means the model's leaders would pick it over holding more than e times as
    often (p proportional to exp(value / T)); 'worse' less than 1/e as often."""
    opts = [{"row": k, "action": "warm", "value": v} for k, v in enumerate(values)]
    opts.append({"row": len(values), "action": "hold", "value": 0.0})
    summary = advice.advise(opts, temperature)
    for o in opts[:-1]:
        log_odds = o["value"] / temperature  # log of p(move) / p(hold)
        if o["verdict"] == "better":
            assert log_odds > math.log(math.e) - 1e-9
        elif o["verdict"] == "worse":
            assert log_odds < -1 + 1e-9
        else:
            assert o["verdict"] == "about the same" and -1 - 1e-9 <= log_odds <= 1 + 1e-9
    assert len(summary["top"]) == min(3, len(opts))


@pytest.mark.parametrize(
    ("scenario", "window", "turns"),
    [
        ("1969_border_clash", ("1969-01", "1971-06"), {1: 29, 2: 14, 3: 9, 6: 4}),
        ("2014_crimea", ("2013-06", "2019-12"), {1: 78, 2: 39, 3: 26, 6: 13}),
    ],
)
def test_turns_per_pace(scenario, window, turns):
    cfg = validate(compose([f"scenario={scenario}"]))
    assert (cfg.window.start, cfg.window.end) == window
    assert {p: pacing.turns(*window, p) for p in pacing.PACES} == turns
    for pace, n in turns.items():  # the session's model agrees
        raw = compose([f"scenario={scenario}", f"window.step_months={pace}"])
        assert len(Session(raw).model.dates) - 1 == n


def test_the_estimate_and_the_suggestion():
    assert pacing.minutes(29) == 29 * pacing.SECONDS_PER_TURN / 60
    assert pacing.minutes(10, deadline=90) == 15
    # the shortest turn whose play fits the lesson's 30 minutes
    assert pacing.suggested("1969-01", "1971-06") == 1  # 29 turns
    assert pacing.suggested("2013-06", "2019-12") == 3  # 78, 39, then 26 turns
    assert pacing.suggested("2013-06", "2019-12", deadline=120) == 6  # 13 turns x 2 min
    opts = pacing.options("2013-06", "2019-12")
    assert [o["fits"] for o in opts] == [False, False, True, True]


def test_a_scenario_may_suggest_a_pace_and_it_changes_no_result(raw1969):
    from sim.record.provenance import config_hash

    plain = validate(dict(raw1969))
    paced = validate({**raw1969, "classroom": {"pace_months": 3}})
    assert paced.classroom.pace_months == 3 and plain.classroom is None
    assert "classroom" not in paced.model_dump()
    assert config_hash(paced) == config_hash(plain)
    with pytest.raises(ConfigError, match="classroom.pace_months"):
        validate({**raw1969, "classroom": {"pace_months": 4}})
    with pytest.raises(ConfigError, match="classroom.speed"):
        validate({**raw1969, "classroom": {"speed": 4}})
