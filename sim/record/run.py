"""The pure core: ``simulate(config) -> Results``. No I/O, no global state.

Every shell (the ``cardplay`` command, sweeps, ensembles, the classroom app)
calls this function; it takes a mapping (as composed by Hydra) or a validated
:class:`~sim.scenario.schema.RunConfig`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from sim.model.interest import INTEREST_NAMES
from sim.record.results import Results
from sim.scenario.schema import RunConfig, validate

if TYPE_CHECKING:
    from sim.model.model import CardModel


def as_config(config: Mapping | RunConfig) -> RunConfig:
    """A validated RunConfig from a mapping (or the RunConfig itself)."""
    if isinstance(config, RunConfig):
        return config
    if hasattr(config, "_metadata"):  # an OmegaConf DictConfig
        from omegaconf import OmegaConf

        config = OmegaConf.to_container(config, resolve=True)
    return validate(dict(config))


def display_names(cfg: RunConfig) -> dict[str, str]:
    """Each actor's name at the window's start (e.g. USSR before 1992, Russia after)."""
    year = int(cfg.window.start[:4])
    out = {}
    for aid, a in cfg.actors.items():
        name = a.name
        for since, other in sorted(a.names.items()):
            if year >= int(since):
                name = other
        out[aid] = name
    return out


def simulate(
    config: Mapping | RunConfig, seed_sequence: np.random.SeedSequence | None = None
) -> Results:
    """Run one replicate of a scenario and return its record.

    ``seed_sequence`` overrides ``config.seed`` (ensembles pass spawned children).
    """
    from sim.model.model import CardModel  # Mesa: imported when a model is first built

    cfg = as_config(config)
    model = CardModel(cfg, seed_sequence)
    return run_model(model)


class Recorder:
    """Records a model step by step; :meth:`results` gives the record so far."""

    def __init__(self, model: CardModel):
        self.model = model
        T, n, size = len(model.dates), model.n, model.layout.size
        self.states = np.empty((T, size))
        self.inter = np.empty((T, n, len(INTEREST_NAMES)))
        self.util = np.empty((T, n))
        self.cap = np.empty((T, n))
        self.infl = {
            a: np.empty((T, len(f.names)))
            for a, f in zip(model.ids, model.factions, strict=True)
            if f.names
        }
        self.moves = np.zeros((T, n, 3))
        self.last = -1

    def record(self) -> None:
        m = self.model
        t = m.t
        self.states[t] = m.x
        u = m.interests()
        self.inter[t] = u
        self.util[t] = m.utilities()
        self.cap[t] = m.ctx.capability
        for a, f in zip(m.ids, m.factions, strict=True):
            if f.names:
                self.infl[a][t] = f.influence
        for i, (c, p) in enumerate(m.last_choice):
            self.moves[t, i] = (m.menu.kind[c], m.menu.target[c], p)
        self.last = t

    def results(self) -> Results:
        m = self.model
        k = self.last + 1
        return Results(
            cfg=m.cfg,
            ids=list(m.ids),
            names=display_names(m.cfg),
            dates=list(m.dates[:k]),
            layout=m.layout,
            states=self.states[:k],
            interests=self.inter[:k],
            utility=self.util[:k],
            capability=self.cap[:k],
            influence={a: v[:k] for a, v in self.infl.items()},
            faction_names={
                a: list(f.names) for a, f in zip(m.ids, m.factions, strict=True) if f.names
            },
            moves=self.moves[:k],
            fired=[(t, e) for t, e in m.log if t < k],  # not events of an unresolved turn
            event_specs=dict(m.event_specs),
        )


def run_model(model: CardModel) -> Results:
    """Step a model to the end of its window, recording every step."""
    rec = Recorder(model)
    rec.record()
    for _ in range(1, len(model.dates)):
        model.step()
        rec.record()
    return rec.results()
