"""Strategic triangles: configurations and roles from relation signs (Dittmer 1981; Wu 1996)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.triangle import CONFIGURATIONS, ROLE_SCORE, ROLES, classify, triads


def rel(ab, ac, bc):
    r = np.zeros((3, 3))
    r[0, 1] = r[1, 0] = ab
    r[0, 2] = r[2, 0] = ac
    r[1, 2] = r[2, 1] = bc
    return r


@pytest.mark.parametrize(
    "signs, config, roles",
    [
        ((1, 1, 1), "menage_a_trois", ("friend", "friend", "friend")),
        ((1, 1, -1), "romantic_triangle", ("pivot", "wing", "wing")),
        ((1, -1, 1), "romantic_triangle", ("wing", "pivot", "wing")),
        ((-1, 1, 1), "romantic_triangle", ("wing", "wing", "pivot")),
        ((1, -1, -1), "stable_marriage", ("partner", "partner", "outcast")),
        ((-1, -1, 1), "stable_marriage", ("outcast", "partner", "partner")),
        ((-1, -1, -1), "unit_veto", ("foe", "foe", "foe")),
    ],
)
def test_classification(signs, config, roles):
    c, r = classify(rel(*[0.5 * s for s in signs]), (0, 1, 2))
    assert CONFIGURATIONS[int(c)] == config
    assert tuple(ROLES[k] for k in r) == roles


def test_wu_role_ranking():
    assert ROLE_SCORE["pivot"] > ROLE_SCORE["partner"] >= ROLE_SCORE["friend"] > ROLE_SCORE["wing"]
    assert ROLE_SCORE["outcast"] == -3 and ROLE_SCORE["pivot"] == 3


def test_triads_of_n():
    assert triads(4) == [(0, 1, 2), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
    assert len(triads(5)) == 10


def test_vectorised_over_time():
    series = np.stack([rel(1, 1, -1), rel(-1, -1, -1)])
    c, r = classify(series, (0, 1, 2))
    assert [CONFIGURATIONS[k] for k in c] == ["romantic_triangle", "unit_veto"]
    assert r.shape == (2, 3)
