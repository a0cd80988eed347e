"""Events: exogenous shocks with a lifecycle (dated, typed effects, a citation).

A scenario's events store only data. :meth:`Event.initialize` resolves the date
to a step and actor ids to indices once; :meth:`Event.apply` changes the model
at that step. ``enabled``, ``date`` and ``scale`` make every event a lever for
counterfactuals (``events.zhenbao_clash.enabled=false``). Events script only
what lies outside the actors' choices: no effect type makes an actor choose.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sim.model.faction import Factions
from sim.model.state import RECOGNITION_LEVELS, Layout
from sim.scenario.calendar import date_to_step
from sim.scenario.schema import (
    Casualties,
    CommitmentChange,
    FactionShift,
    Leakage,
    RecognitionChange,
    RivalryChange,
    RunConfig,
    Sanctions,
    StanceShock,
    StandingChange,
    Talks,
    TradeShock,
)
from sim.scenario.schema import Event as EventSpec


class Stage(Protocol):
    """What an event reads and changes in the model it fires in (:class:`CardModel
    <sim.model.model.CardModel>` is one): events depend on this, not on the model."""

    cfg: RunConfig
    index: dict[str, int]
    layout: Layout
    x: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    casualties: np.ndarray
    factions: list[Factions]
    coalition: np.ndarray
    trade_shock: np.ndarray
    rivalry: np.ndarray
    leakage: np.ndarray

    def refresh_context(self) -> None: ...

    def restake(self) -> None: ...


class Event:
    """One scheduled shock."""

    def __init__(self, event_id: str, spec: EventSpec):
        self.id = event_id
        self.spec = spec
        self.step: int | None = None

    def initialize(self, model: Stage) -> None:
        cfg = model.cfg
        self.step = date_to_step(self.spec.date, cfg.window.start, cfg.window.step_months)
        self._index = model.index

    @property
    def active(self) -> bool:
        return self.spec.enabled and self.spec.scale > 0

    def apply(self, model: Stage) -> None:
        """Apply every effect, scaled by ``scale``."""
        k = self.spec.scale
        lay = model.layout
        x = model.x
        ix = self._index
        for eff in self.spec.effects:
            if isinstance(eff, StanceShock):
                i, j = ix[eff.actor], ix[eff.target]
                S = lay.view(x, "stance")
                S[i, j] += k * eff.delta
                if eff.mutual:
                    S[j, i] += k * eff.delta
            elif isinstance(eff, Casualties):
                for a in eff.actors:
                    model.casualties[ix[a]] += k * eff.level
            elif isinstance(eff, FactionShift):
                model.factions[ix[eff.actor]].shift(eff.faction, k * eff.delta)
            elif isinstance(eff, CommitmentChange):
                lay.view(x, "commitment")[ix[eff.actor], ix[eff.target]] += k * eff.delta
            elif isinstance(eff, StandingChange):
                lay.view(x, "standing")[ix[eff.actor]] += k * eff.delta
            elif isinstance(eff, RecognitionChange):
                lay.view(x, "recognition")[ix[eff.actor], ix[eff.target]] = RECOGNITION_LEVELS[
                    eff.level
                ]
            elif isinstance(eff, Sanctions):
                X = lay.view(x, "controls")
                i, j = ix[eff.actor], ix[eff.target]
                X[i, j] = max(X[i, j], min(1.0, k * eff.level))
                if eff.coalition:
                    model.coalition[i, j] = 1.0
                    model.refresh_context()
            elif isinstance(eff, Talks):
                a, b = (ix[v] for v in eff.actors[:2])
                lay.view(x, "talks")[[a, b], [b, a]] = 1.0 if eff.open else 0.0
            elif isinstance(eff, TradeShock):
                i, j = ix[eff.actor], ix[eff.target]
                f = eff.factor**k
                model.trade_shock[[i, j], [j, i]] *= f
            elif isinstance(eff, RivalryChange):
                i, j = ix[eff.actor], ix[eff.target]
                v = float(np.clip(model.rivalry[i, j] + k * eff.delta, 0.0, 1.0))
                model.rivalry[i, j] = model.rivalry[j, i] = v
                model.restake()
            elif isinstance(eff, Leakage):
                i, j = ix[eff.actor], ix[eff.target]
                model.leakage[i, j] = float(np.clip(k * eff.share, 0.0, 1.0))
        np.clip(x, model.lo, model.hi, out=x)
