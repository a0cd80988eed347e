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

from sim.model.interest import INTEREST_NAMES
from sim.scenario.schema import SIGNALS, Actor


class Factions:
    """The factions of one actor (possibly none: then the actor's weights stand)."""

    def __init__(self, actor: Actor):
        self.base = actor.weights.model_dump()
        self.names = list(actor.factions)
        self.own = [
            {k: v for k, v in f.weights.model_dump().items() if v is not None}
            for f in actor.factions.values()
        ]
        if not self.names:
            self.gains = np.zeros((1, len(SIGNALS)))
            self.logits0 = np.zeros(1)
        else:
            g = [f.gains.model_dump() for f in actor.factions.values()]
            self.gains = np.array([[row[s] for s in SIGNALS] for row in g])
            infl = [max(f.influence, 1e-6) for f in actor.factions.values()]
            self.logits0 = np.log(np.array(infl))
        self.logits = self.logits0.copy()
        self._rebuild()

    def _rebuild(self) -> None:
        rows = [{**self.base, **own} for own in (self.own or [{}])]
        self.weights = np.array([[w[k] for k in INTEREST_NAMES] for w in rows])
        self._fixed = None if self.names else self._mix()  # no factions: influence stays 1

    def set_base(self, weights: dict[str, float]) -> None:
        """Change the actor's own weights (factions keep the ones they name)."""
        self.base = {**self.base, **{k: float(v) for k, v in weights.items() if v is not None}}
        self._rebuild()

    def set_influence(self, faction: str, influence: float) -> None:
        """Set one faction's influence; the others share the rest in their proportions."""
        if faction not in self.names:
            from sim.scenario.errors import ConfigError

            raise ConfigError("faction", faction, "valid: " + (", ".join(self.names) or "none"))
        k = self.names.index(faction)
        p = self.influence
        rest = p.sum() - p[k]
        new = p * ((1 - influence) / rest if rest > 0 else 0.0)
        new[k] = influence
        self.logits = np.log(np.clip(new, 1e-6, 1.0))

    @property
    def influence(self) -> np.ndarray:
        z = np.exp(self.logits - self.logits.max())
        return z / z.sum()

    def effective_weights(self) -> np.ndarray:
        return self._mix() if self._fixed is None else self._fixed

    def _mix(self) -> np.ndarray:
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
