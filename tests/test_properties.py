"""Property-based tests: invariants for any valid parameters, clean errors for bad input."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.model.interest import INTEREST_NAMES
from sim.record.run import simulate
from sim.scenario.errors import ConfigError
from sim.scenario.schema import validate

SHORT = {"start": "1969-01", "end": "1969-11", "step_months": 1}
unit = st.floats(0.0, 1.0, allow_nan=False)
weights = st.fixed_dictionaries({k: unit for k in INTEREST_NAMES}).filter(
    lambda w: sum(w.values()) > 0.01
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    w=weights,
    temperature=st.floats(1e-3, 1.0),
    depth=st.integers(0, 1),
    momentum=unit,
    reciprocity=unit,
    balance=st.floats(0.0, 5.0),
    stance=st.floats(-1.0, 1.0),
    seed=st.integers(0, 2**32),
)
def test_state_stays_in_range_and_utilities_finite(
    raw1969, w, temperature, depth, momentum, reciprocity, balance, stance, seed
):
    raw = copy.deepcopy(raw1969)
    raw["window"] = SHORT
    raw["facts"] = {}
    raw["seed"] = seed
    raw["actors"]["USSR"]["weights"] = w
    raw["relations"]["USSR"]["ROC"]["stance"] = stance
    raw["mechanics"].update(
        temperature=temperature,
        depth=depth,
        momentum=momentum,
        reciprocity=reciprocity,
        balance_pressure=balance,
    )
    res = simulate(validate(raw))
    S = res.block("stance")
    assert np.all(S >= -1) and np.all(S <= 1)
    assert np.all((res.block("channel") >= 0) & (res.block("channel") <= 1))
    assert np.all(res.block("trade") >= 0) and np.all(res.block("indirect") >= 0)
    assert np.all(np.isfinite(res.utility)) and np.all(np.isfinite(res.interests))
    assert np.all(np.abs(res.relation) <= 1)
    for infl in res.influence.values():
        np.testing.assert_allclose(infl.sum(1), 1.0)


# --- bad scenario files --------------------------------------------------------------


def _set(d: dict, path: list, value) -> None:
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = value


BAD = [
    (
        ["actors", "USSR", "weights", "security"],
        st.floats(1.0001, 1e6) | st.floats(-1e6, -1e-4),
        "actors.USSR.weights.security",
    ),
    (
        ["events", "zhenbao_clash", "date"],
        st.sampled_from(["1968-12", "1971-07", "2000-01"]),
        "events.zhenbao_clash.date",
    ),
    (
        ["events", "zhenbao_clash", "date"],
        st.sampled_from(["1969-13", "69-03", "March"]),
        "events.zhenbao_clash.date",
    ),
    (
        ["events", "zhenbao_clash", "effects", 0, "actor"],
        st.text(min_size=1, max_size=6).filter(lambda s: s not in ("USSR", "PRC", "ROC", "US")),
        "events.zhenbao_clash.effects.0.actor",
    ),
    (["relations", "USSR", "PRC", "stance"], st.floats(1.0001, 50), "relations.USSR.PRC.stance"),
    (["mechanics", "temperature"], st.floats(-5, 0), "mechanics.temperature"),
    (
        ["actors", "USSR", "factions", "hawks", "influence"],
        st.floats(1.0001, 9),
        "actors.USSR.factions.hawks.influence",
    ),
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=st.sampled_from(range(len(BAD))), data=st.data())
def test_bad_values_give_one_clean_line(raw1969, case, data):
    path, strategy, key = BAD[case]
    raw = copy.deepcopy(raw1969)
    _set(raw, path, data.draw(strategy))
    with pytest.raises(ConfigError) as exc:
        validate(raw)
    line = exc.value.line()
    assert "\n" not in line
    assert exc.value.key.startswith(key.rsplit(".", 1)[0])
    assert line.startswith("config error: ")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    where=st.sampled_from(
        [
            [],
            ["actors", "PRC"],
            ["mechanics"],
            ["events", "border_talks"],
            ["window"],
            ["relations", "US", "ROC"],
        ]
    ),
    key=st.from_regex(r"[a-z][a-z_]{0,12}", fullmatch=True),
)
def test_unknown_keys_are_named(raw1969, where, key):
    raw = copy.deepcopy(raw1969)
    node = raw
    for k in where:
        node = node[k]
    assume(key not in node)
    node[key] = 1
    with pytest.raises(ConfigError) as exc:
        validate(raw)
    assert exc.value.key.endswith(key)
    assert "unknown key" in exc.value.valid


@settings(max_examples=20, deadline=None)
@given(
    junk=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
        max_leaves=8,
    )
)
def test_arbitrary_junk_never_crashes_validation(junk):
    with pytest.raises(ConfigError):
        validate(junk if isinstance(junk, dict) else {"actors": junk})


def test_interpolation_is_refused(raw1969):
    raw = copy.deepcopy(raw1969)
    raw["title"] = "${oc.env:HOME}"
    with pytest.raises(ConfigError, match="interpolations are not allowed"):
        validate(raw)
