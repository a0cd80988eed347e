"""The null worlds of validation (``mechanics.policy``), the ``forbid`` lever and the
data rules behind the mechanisms under test (positional parity, diplomatic exchange)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.model import CardModel
from sim.record.facts import statistic
from sim.record.run import simulate
from sim.scenario import datasets
from sim.scenario.errors import ConfigError
from sim.scenario.schema import Series, validate


def _moves(res):
    log = res.log()
    return log[log.kind == "move"]


def test_hold_world_makes_no_move(raw):
    raw["mechanics"]["policy"] = "hold"
    res = simulate(validate(raw))
    assert set(_moves(res).action) == {"hold"}
    # events still fire: the Zhenbao clash moves the Sino-Soviet relation
    rel = res.relation[:, 0, 1]
    assert rel.min() < rel[0] - 0.1


def test_random_world_draws_uniformly(raw):
    raw["mechanics"]["policy"] = "random"
    res = simulate(validate(raw).model_copy(update={"seed": 3}))
    moves = _moves(res)
    assert moves.action.nunique() > 5
    # each chosen move had probability 1 / (number of moves open to its actor)
    p = moves.probability.to_numpy()
    assert np.all((p > 0.01) & (p < 0.2))


def test_policy_keeps_the_random_streams_aligned(raw):
    """The null worlds draw the same uniforms as the model (common random numbers)."""
    a = validate(raw)
    b = a.model_copy(update={"mechanics": a.mechanics.model_copy(update={"policy": "random"})})
    draws = []
    for cfg in (a, b):
        m = CardModel(cfg)
        m.step()
        draws.append([p.draws.random() for p in m.powers])
    assert draws[0] == draws[1]


def test_forbidden_moves_are_never_made(raw):
    raw["actors"]["USSR"]["forbid"] = ["open_channel@ROC", "leak_channel@ROC", "warm"]
    raw["mechanics"]["policy"] = "random"
    cfg = validate(raw)
    for seed in range(5):
        moves = _moves(simulate(cfg.model_copy(update={"seed": seed})))
        soviet = moves[moves.actor == "USSR"]
        assert not (
            (soviet.action.isin(["open_channel", "leak_channel"])) & (soviet.target == "ROC")
        ).any()
        assert "warm" not in set(soviet.action)


def test_forbid_from_the_control_cell(cfg1969):
    m = CardModel(cfg1969)
    m.forbid("US", "negotiate", "PRC")
    m.begin_turn()
    opts = m.options("US")
    assert not any(o["action"] == "negotiate" and o["target"] == "PRC" for o in opts)
    assert any(o["action"] == "negotiate" for o in opts)  # toward others still open
    with pytest.raises(ConfigError):
        m.forbid("US", "teleport")


@pytest.mark.parametrize(
    ("value", "key"),
    [(["teleport"], "actors.USSR.forbid"), (["warm@Atlantis"], "actors.USSR.forbid.0")],
)
def test_bad_forbid_is_a_config_error(raw, value, key):
    raw["actors"]["USSR"]["forbid"] = value
    with pytest.raises(ConfigError) as err:
        validate(raw)
    assert err.value.key.startswith(key)


def test_crossing_is_the_first_month_above_the_level(run1969):
    s = Series(var="relation", actor="US", target="PRC", stat="crossing", level=-0.5)
    step = statistic(run1969, s)
    rel = run1969.relation[:, 3, 1]
    above = np.flatnonzero(rel > -0.5)
    assert step == (above[0] if above.size else len(rel))


def test_parity_rule_separates_the_eras():
    """Positional rivalry needs major powers near economic parity: none between the US
    and the PRC in 1972 (COW trade turnover ratio about 0.06), much by 2014 (about 0.75);
    the ROC is no major power."""
    assert datasets.parity(2, 710, 1972) < 0.1
    assert datasets.parity(2, 710, 2014) > 0.7
    assert datasets.parity(2, 713, 2014) == 0.0
    assert datasets.parity(2, 710, 2030) == datasets.parity(2, 710, 2014)  # held after 2014


def test_diplomatic_exchange_flag():
    assert datasets.diplomatic_exchange(2, 713, 1965)  # an ambassador's post vacant, not cut
    assert not datasets.diplomatic_exchange(2, 710, 1970)
    assert datasets.diplomatic_exchange(2, 710, 2005)
    with pytest.raises(ValueError):
        datasets.diplomatic_exchange(2, 710, 1800)
