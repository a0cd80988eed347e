"""The actor: a Mesa agent that draws its move from the logit distribution."""

from __future__ import annotations

import mesa
import numpy as np

from sim.model.stepops import inverse_cdf


class Power(mesa.Agent):
    """One state (USSR/Russia, PRC, ROC, US, ...): an actor id, a display name, its own RNG.

    Each power draws exactly one uniform per step (inverse-CDF sampling), so the
    same seed gives the same random numbers whatever the menu's size.
    """

    def __init__(self, model, actor_id: str, idx: int, rng: np.random.Generator):
        super().__init__(model)
        self.actor_id = actor_id
        self.idx = idx
        self.draws = rng
        spec = model.cfg.actors[actor_id]
        self.name = spec.name

    def display_name(self, year: int) -> str:
        """Era-dependent name (e.g. 'USSR' to 1991, 'Russia' after)."""
        spec = self.model.cfg.actors[self.actor_id]
        best = self.name
        for since, name in sorted(spec.names.items()):
            if year >= int(since):
                best = name
        return best

    def choose(self, rows: np.ndarray, p: np.ndarray) -> int:
        """Draw a candidate row from probabilities ``p`` over ``rows``."""
        return int(rows[self.draw(p)])

    def draw(self, p: np.ndarray) -> int:
        """Draw an index into probabilities ``p`` (one uniform, by inverse CDF)."""
        return inverse_cdf(p, self.draws.random())

    def __repr__(self) -> str:
        return f"Power({self.actor_id!r})"
