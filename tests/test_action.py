"""The action menu: CAMEO codes, sparse deltas, prerequisites."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.action import KINDS, REPLY_KINDS
from sim.model.model import CardModel
from sim.scenario import datasets


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
    from sim.model.dynamics import working_channel

    m = CardModel(cfg1969)
    H = m.layout.view(m.x, "channel")
    H[0, 2], H[2, 0] = 0.8, 0.2
    assert working_channel(m.x, m.layout)[0, 2] == 0.2


def test_schema_defaults_match_the_mechanics_file():
    """One set of mechanics: the schema's defaults are the shipped configs/mechanics file."""
    import yaml

    from sim.scenario.config import CONFIG_DIR
    from sim.scenario.schema import Mechanics

    shipped = yaml.safe_load((CONFIG_DIR / "mechanics" / "default.yaml").read_text())
    assert Mechanics().model_dump() == shipped


def test_python_utility_matches_the_kernel(cfg1969):
    """Recorded utilities are the ones decisions use: the weighted interests less the costs
    (secret channels, stakes conceded to rivals, reneging on opening pledges)."""
    from sim.model import kernel
    from sim.model.interest import scalars

    m = CardModel(cfg1969)
    for _ in range(4):
        m.step()
    ctx = m.ctx
    f = scalars(ctx)
    W, u5 = np.empty((m.n, m.n)), np.empty(5)
    want = [kernel.utility_of(m.x.copy(), i, m.n, f, ctx.arrays(), W, u5) for i in range(m.n)]
    np.testing.assert_allclose(m.utilities(), want)
    lay, x = m.layout, m.x
    secret = ctx.channel_cost * lay.view(x, "channel").sum(1)
    conceded = ctx.stakes * (ctx.rivalry * 0.5 * (lay.view(x, "stance") + 1.0)).sum(1)
    c0, r0 = ctx.commitment0, ctx.recognition0
    renege = ctx.reneging * (
        np.maximum(c0 - lay.view(x, "commitment"), 0)
        + c0 * 0.5 * np.maximum(r0 - lay.view(x, "recognition"), 0)
    ).sum(1)
    by_hand = (m.interests() * ctx.weights).sum(1) - secret - conceded - renege
    np.testing.assert_allclose(m.utilities(), by_hand)


def test_reneging_on_a_pledge_costs_utility(cfg1969):
    """Derecognising a partner one is pledged to lowers one's utility by the reneging cost."""
    from sim.model import kernel
    from sim.model.interest import scalars

    cfg = cfg1969.model_copy(
        update={"mechanics": cfg1969.mechanics.model_copy(update={"reneging": 0.5})}
    )
    m = CardModel(cfg)
    us, roc = m.index["US"], m.index["ROC"]
    c0 = m.ctx.commitment0[us, roc]
    assert c0 > 0  # the 1954 defense treaty (COW alliances)
    x = m.x.copy()
    m.layout.view(x, "recognition")[us, roc] -= 1.0
    f = scalars(m.ctx)
    before = kernel.costs(m.x, us, m.n, f, m.ctx.arrays())
    after = kernel.costs(x, us, m.n, f, m.ctx.arrays())
    assert after - before == pytest.approx(0.5 * c0 * 0.5 * 1.0)


def _mech(cfg, **values):
    return cfg.model_copy(update={"mechanics": cfg.mechanics.model_copy(update=values)})


def test_derecognition_switches_formal_to_unofficial_only(cfg1969):
    """Derecognising a claimant ends formal ties; unofficial offices are not closed by it."""
    m = CardModel(cfg1969)
    c = _row(m, "US", "derecognise", "ROC")
    assert m.menu.label(c)[0] == "derecognise"
    x = m.x.copy()
    us, roc, prc = m.index["US"], m.index["ROC"], m.index["PRC"]
    m.layout.view(x, "stance")[us, prc] = 0.5  # past the alignment threshold
    _, avail = m.menu.deltas(x)
    assert avail[c]
    m.layout.view(x, "recognition")[us, roc] = 1.0  # unofficial already
    _, avail = m.menu.deltas(x)
    assert not avail[c]


@pytest.mark.parametrize("retaliation", [0.0, 0.5])
def test_claimants_answer_recognition_of_their_rival(cfg1969, retaliation):
    """Retaliation: when a third party switches recognition from the ROC to the PRC, the
    PRC's stance toward it rises and the ROC's falls, by ``retaliation`` times the change
    in how it sides (for the PRC from -1, Taipei formal and Beijing none, to +0.5)."""
    from sim.model import kernel
    from sim.model.interest import scalars

    m = CardModel(_mech(cfg1969, retaliation=retaliation, balance_pressure=0.0, reciprocity=0.0))
    us, roc, prc = m.index["US"], m.index["ROC"], m.index["PRC"]
    before = m.x.copy()
    after = m.x.copy()
    R = m.layout.view(after, "recognition")
    R[us, roc], R[us, prc] = 1.0, 2.0  # from Taipei (formal) to Beijing (formal)
    kernel.react_rows(after[None, :], before[None, :], m.n, scalars(m.ctx), m.ctx.arrays())
    S0, S1 = m.layout.view(before, "stance"), m.layout.view(after, "stance")
    side_prc = 0.5 * (2.0 - 1.0) - 0.5 * (0.0 - 2.0)  # how the US sides, change: 1.5
    np.testing.assert_allclose(S1[prc, us] - S0[prc, us], retaliation * side_prc)
    np.testing.assert_allclose(S1[roc, us] - S0[roc, us], -retaliation * side_prc)
    np.testing.assert_allclose(S1[us, prc], S0[us, prc])  # third parties do not retaliate


@pytest.mark.parametrize("retaliation", [0.0, 0.5])
def test_a_state_answers_sanctions_on_it(cfg1969, retaliation):
    """Retaliation: when the ROC raises its controls on the USSR by 0.25, the USSR's stance
    toward the ROC falls by ``retaliation`` times 0.25; lifting them is answered with
    warmth; nobody else's stance moves."""
    from sim.model import kernel
    from sim.model.interest import scalars

    m = CardModel(_mech(cfg1969, retaliation=retaliation, balance_pressure=0.0, reciprocity=0.0))
    roc, ussr = m.index["ROC"], m.index["USSR"]
    for change in (0.25, -0.25):
        before = m.x.copy()
        m.layout.view(before, "controls")[roc, ussr] = 0.5
        after = before.copy()
        m.layout.view(after, "controls")[roc, ussr] += change
        kernel.react_rows(after[None, :], before[None, :], m.n, scalars(m.ctx), m.ctx.arrays())
        S0, S1 = m.layout.view(before, "stance"), m.layout.view(after, "stance")
        expected = S0.copy()
        expected[ussr, roc] -= retaliation * change
        np.testing.assert_allclose(S1, expected)


def test_sanctions_stay_while_relations_are_hostile(cfg1969):
    """Easing controls is open only toward an actor one's stance exceeds -alignment."""
    m = CardModel(cfg1969)
    us, ussr = m.index["US"], m.index["USSR"]
    c = next(c for c in m.menu.by_actor[us] if m.menu.label(c) == ("ease_controls", us, ussr))
    x = m.x.copy()
    m.layout.view(x, "controls")[us, ussr] = 0.5
    for stance, open_ in ((-0.5, False), (-0.2, True)):
        m.layout.view(x, "stance")[us, ussr] = stance
        assert m.menu.deltas(x)[1][c] == open_


def _coalition(m, leader, target):
    m.coalition[m.index[leader], m.index[target]] = 1.0
    m.ctx = m._context()


@pytest.mark.parametrize(
    ("solidarity", "coalition", "gains"),
    [(1.0, True, True), (0.0, True, False), (1.0, False, False)],
)
def test_an_allys_pledge_is_worth_more_to_a_client_that_joins_its_coalition(
    cfg1969, solidarity, coalition, gains
):
    """Solidarity: the ROC's security rises when it matches the US's controls on a third
    party, if those controls are a coalition measure (burden-sharing); not with
    solidarity 0, nor for measures the US does not ask its partners to join."""
    from sim.model.interest import interests

    m = CardModel(_mech(cfg1969, solidarity=solidarity))
    us, roc, ussr = m.index["US"], m.index["ROC"], m.index["USSR"]
    if coalition:
        _coalition(m, "US", "USSR")
    x = m.x.copy()
    m.layout.view(x, "controls")[us, ussr] = 0.8
    m.layout.view(x, "controls")[roc, ussr] = 0.0  # (1969: the ROC's embargo lifted)
    joined = x.copy()
    m.layout.view(joined, "controls")[roc, ussr] = 0.8
    sec = interests(np.stack([x, joined]), np.array([roc, roc]), m.ctx)[:, 0]
    if gains:
        assert sec[1] - sec[0] > 0.01
    else:
        assert sec[1] == pytest.approx(sec[0])


@pytest.mark.parametrize("coalition", [False, True])
def test_joining_a_coalition_measure_is_answered_with_warmth_up_to_the_leaders_level(
    cfg1969, coalition
):
    """Retaliation's mirror: when the ROC raises its controls on the USSR from 0.5 to 1.0
    while the US holds a coalition measure of 0.8 on it, the US's stance toward the ROC
    rises by ``retaliation`` times the part up to the US's own level (0.3) and the USSR's
    falls by ``retaliation`` times the whole change; nobody else moves. Without the
    coalition the US does not move."""
    from sim.model import kernel
    from sim.model.interest import scalars

    m = CardModel(_mech(cfg1969, balance_pressure=0.0, reciprocity=0.0))
    us, roc, ussr = m.index["US"], m.index["ROC"], m.index["USSR"]
    if coalition:
        _coalition(m, "US", "USSR")
    before = m.x.copy()
    m.layout.view(before, "controls")[us, ussr] = 0.8
    m.layout.view(before, "controls")[roc, ussr] = 0.5
    after = before.copy()
    m.layout.view(after, "controls")[roc, ussr] = 1.0
    kernel.react_rows(after[None, :], before[None, :], m.n, scalars(m.ctx), m.ctx.arrays())
    ret = m.mech.retaliation
    S0, S1 = m.layout.view(before, "stance"), m.layout.view(after, "stance")
    expected = S0.copy()
    expected[ussr, roc] -= ret * 0.5
    if coalition:
        expected[us, roc] += ret * 0.3
    np.testing.assert_allclose(S1, expected)


def test_a_pledged_partner_may_join_a_coalition_measure_without_hostility(cfg1969):
    """Sanctions target the unfriendly, except that a state may follow a coalition measure
    led by an actor pledged to it (Politika2024: Taipei follows Washington's lead in
    2022 without hostile statements toward Moscow), until it has matched it."""
    m = CardModel(cfg1969)
    us, roc, ussr = m.index["US"], m.index["ROC"], m.index["USSR"]
    c = _row(m, "ROC", "restrict_exports", "USSR")
    x = m.x.copy()
    m.layout.view(x, "stance")[roc, ussr] = 0.2  # not hostile
    m.layout.view(x, "controls")[roc, ussr] = 0.0
    m.layout.view(x, "controls")[us, ussr] = 0.8
    m.layout.view(x, "commitment")[us, roc] = 0.3
    coal = np.zeros((m.n, m.n))
    assert not m.menu.deltas(x, coalition=coal)[1][c]
    coal[us, ussr] = 1.0
    assert m.menu.deltas(x, coalition=coal)[1][c]
    m.layout.view(x, "controls")[roc, ussr] = 0.8  # matched: nothing left to follow
    assert not m.menu.deltas(x, coalition=coal)[1][c]
    m.layout.view(x, "controls")[roc, ussr] = 0.0
    m.layout.view(x, "commitment")[us, roc] = 0.0  # no pledge: no lead to follow
    assert not m.menu.deltas(x, coalition=coal)[1][c]


@pytest.mark.parametrize("talks", [0.0, 1.0])
def test_negotiation_does_not_soften_a_rival_across_stakes_without_talks(cfg1969, talks):
    """Negotiating softens the partner's hostility by half the own de-escalation, all of it
    with talks open; without talks the stakes in dispute (rivalry r) shrink the partner's
    part by 1 - r: contested territory is not bargained away by signals."""
    m = CardModel(cfg1969)
    ussr, prc = m.index["USSR"], m.index["PRC"]
    c = _row(m, "USSR", "negotiate", "PRC")
    x = m.x.copy()
    m.layout.view(x, "talks")[[ussr, prc], [prc, ussr]] = talks
    S = m.layout.view(x, "stance")
    for r in (0.0, 0.5, 1.0):
        riv = np.zeros((m.n, m.n))
        riv[ussr, prc] = riv[prc, ussr] = r
        vals, _ = m.menu.deltas(x, rivalry=riv)
        D = m.menu.dense(vals, np.array([c]), m.layout.size)[0]
        own = D[m.layout.index("stance", ussr, prc)]
        partner = D[m.layout.index("stance", prc, ussr)]
        assert own == pytest.approx(m.mech.negotiation * -S[ussr, prc])
        share = 1.0 if talks else 0.5 * (1.0 - r)
        assert partner == pytest.approx(m.mech.negotiation * -S[prc, ussr] * share)
