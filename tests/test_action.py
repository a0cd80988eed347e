"""The action menu: CAMEO codes, sparse deltas, prerequisites."""

from __future__ import annotations

import numpy as np

from sim import datasets
from sim.action import KINDS, REPLY_KINDS
from sim.model import CardModel


def test_every_action_has_a_cameo_code_with_a_goldstein_value():
    for code, _secret, _claim in KINDS.values():
        assert isinstance(datasets.goldstein(code), float)
    assert datasets.goldstein(KINDS["escalate"][0]) < 0 < datasets.goldstein(KINDS["negotiate"][0])


def test_only_channel_moves_are_secret():
    secret = {k for k, v in KINDS.items() if v[1]}
    assert secret == {"open_channel", "close_channel"}
    assert set(REPLY_KINDS) <= set(KINDS)


def _row(m, actor, kind, target):
    i, j = m.index[actor], m.index[target]
    for c in m.menu.by_actor[i]:
        name, a, t = m.menu.label(int(c))
        if name == kind and t == j:
            return int(c)
    raise KeyError(kind)


def test_warm_changes_only_the_actors_stance(cfg1969):
    m = CardModel(cfg1969)
    vals, avail = m.menu.deltas(m.x)
    c = _row(m, "USSR", "warm", "ROC")
    D = m.menu.dense(vals, np.array([c]), m.layout.size)[0]
    (nz,) = np.nonzero(D)
    assert list(nz) == [m.layout.index("stance", 0, 2)]
    assert D[nz[0]] == cfg1969.mechanics.step


def test_prerequisites(cfg1969):
    m = CardModel(cfg1969)
    _, avail = m.menu.deltas(m.x)
    assert not avail[_row(m, "USSR", "recognise", "ROC")]  # hostile: no recognition
    assert not avail[_row(m, "USSR", "raise_commitment", "ROC")]  # no alliance with a foe
    assert not avail[_row(m, "US", "escalate", "ROC")]  # one escalates against adversaries
    assert avail[_row(m, "US", "escalate", "PRC")]
    assert avail[_row(m, "US", "reaffirm_one_china", "ROC")]  # the US recognises the ROC
    assert not avail[_row(m, "USSR", "leak_channel", "US")]  # no channel to leak


def test_channel_works_only_as_far_as_both_engage(cfg1969):
    from sim.dynamics import working_channel

    m = CardModel(cfg1969)
    H = m.layout.view(m.x, "channel")
    H[0, 2], H[2, 0] = 0.8, 0.2
    assert working_channel(m.x, m.layout)[0, 2] == 0.2


def test_schema_defaults_match_the_mechanics_file():
    """One set of mechanics: the schema's defaults are the shipped configs/mechanics file."""
    import yaml

    from sim.config import CONFIG_DIR
    from sim.schema import Mechanics

    shipped = yaml.safe_load((CONFIG_DIR / "mechanics" / "default.yaml").read_text())
    assert Mechanics().model_dump() == shipped


def test_python_utility_matches_the_kernel(cfg1969):
    """Recorded utilities are the ones decisions use (one implementation of U)."""
    from sim import kernel
    from sim.interest import utility

    m = CardModel(cfg1969)
    for _ in range(4):
        m.step()
    ctx = m.ctx
    f = np.array(
        [
            ctx.collusion,
            ctx.channel_weight,
            ctx.indirect_value,
            ctx.rival_warmth_cost,
            0,
            0,
            1,
            ctx.channel_cost,
            ctx.exposure,
            ctx.stakes,
        ]
    )
    W, u5 = np.empty((m.n, m.n)), np.empty(5)
    want = [kernel.utility_of(m.x.copy(), i, m.n, f, ctx.arrays(), W, u5) for i in range(m.n)]
    np.testing.assert_allclose(utility(np.tile(m.x, (m.n, 1)), np.arange(m.n), ctx), want)
    np.testing.assert_allclose(m.utilities(m.interests()), want)
