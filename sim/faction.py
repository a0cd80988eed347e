"""Factions: domestic coalitions whose influence mixes an actor's interest weights.

Each faction has its own weights (those it does not name are the actor's); the
actor's effective weights are the influence-weighted mix (MODEL.md, "Actors").
Influence moves with domestic signals, each faction gaining or losing by its
``gains`` (free parameters, cited where a source supports the sign):

- casualties: a decaying memory of clash casualties (raises hawks);
- threat: capability-weighted hostility the actor faces;
- detente: improvement of the actor's hostile relations this step;
- talks: a negotiation track is open (successful talks raise doves);
- sanctions: the strongest controls others impose on the actor.

Influence logits relax toward their starting values at rate 1 - memory, and
the signals push them: logit += rate * gains @ signals.
"""

from __future__ import annotations

import numpy as np

from sim.interest import INTEREST_NAMES
from sim.schema import SIGNALS, Actor


class Factions:
    """The factions of one actor (possibly none: then the actor's weights stand)."""

    def __init__(self, actor: Actor):
        base = actor.weights.model_dump()
        self.names = list(actor.factions)
        if not self.names:
            self.weights = np.array([[base[k] for k in INTEREST_NAMES]])
            self.gains = np.zeros((1, len(SIGNALS)))
            self.logits0 = np.zeros(1)
        else:
            rows, gains, infl = [], [], []
            for f in actor.factions.values():
                own = {k: v for k, v in f.weights.model_dump().items() if v is not None}
                w = {**base, **own}
                rows.append([w[k] for k in INTEREST_NAMES])
                g = f.gains.model_dump()
                gains.append([g[s] for s in SIGNALS])
                infl.append(max(f.influence, 1e-6))
            self.weights = np.array(rows)
            self.gains = np.array(gains)
            self.logits0 = np.log(np.array(infl))
        self.logits = self.logits0.copy()

    @property
    def influence(self) -> np.ndarray:
        z = np.exp(self.logits - self.logits.max())
        return z / z.sum()

    def effective_weights(self) -> np.ndarray:
        w = self.influence @ self.weights
        s = w.sum()
        return w / s if s > 0 else w

    def update(self, signals: np.ndarray, rate: float, memory: float) -> None:
        if not self.names:
            return
        self.logits = (
            memory * self.logits + (1 - memory) * self.logits0 + rate * (self.gains @ signals)
        )

    def shift(self, faction: str, delta: float) -> None:
        """An exogenous change of influence (an event): moves the faction's logit."""
        self.logits[self.names.index(faction)] += 4.0 * delta
