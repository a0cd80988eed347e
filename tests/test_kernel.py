"""The specialised anticipation kernel (:func:`sim.model.kernel.scorer`) against the generic
build: the same bytes for every candidate, at every depth."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import kernel
from sim.model.decision import values
from sim.model.model import CardModel
from sim.scenario.config import compose
from sim.scenario.schema import validate


@pytest.mark.parametrize("depth", [1, 2])
def test_scorer_matches_the_generic_build(depth, monkeypatch):
    m = CardModel(validate(compose(["scenario=1969_border_clash", "seed=5"])))
    for _ in range(6):
        m.begin_turn()
        ant = m.anticipation()
        cand = np.flatnonzero(ant.avail)
        movers = ant.menu.actor_arr[cand]
        fast = values(ant, m.x, movers, cand, depth)
        with monkeypatch.context() as mp:
            mp.setattr(kernel, "scorer", lambda n, d: kernel.candidate_values)
            slow = values(ant, m.x, movers, cand, depth)
        assert len(fast) == len(cand) > 20
        assert fast.tobytes() == slow.tobytes()
        m.resolve_turn()


def test_scorer_builds_once_per_actor_count_and_depth():
    assert kernel.scorer(4, 1) is kernel.scorer(4, 1)
    assert kernel.scorer(4, 1) is not kernel.scorer(4, 2)
