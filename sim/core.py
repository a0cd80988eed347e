"""The pure core: ``simulate(config) -> Results``. No I/O, no global state.

Every shell (the ``cardplay`` command, sweeps, ensembles, the classroom app)
calls this function; it takes a mapping (as composed by Hydra) or a validated
:class:`~sim.schema.RunConfig`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.interest import INTEREST_NAMES
from sim.model import CardModel
from sim.results import Results
from sim.schema import RunConfig, validate


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
    cfg = as_config(config)
    model = CardModel(cfg, seed_sequence)
    return run_model(model)


def run_model(model: CardModel) -> Results:
    """Step a model to the end of its window, recording every step."""
    cfg = model.cfg
    T, n, size = len(model.dates), model.n, model.layout.size
    states = np.empty((T, size))
    inter = np.empty((T, n, len(INTEREST_NAMES)))
    util = np.empty((T, n))
    cap = np.empty((T, n))
    infl = {
        a: np.empty((T, len(f.names)))
        for a, f in zip(model.ids, model.factions, strict=True)
        if f.names
    }
    moves = np.zeros((T, n, 3))

    def record(t: int) -> None:
        states[t] = model.x
        u = model.interests()
        inter[t] = u
        util[t] = (u * model.ctx.weights).sum(1)
        cap[t] = model.ctx.capability
        for a, f in zip(model.ids, model.factions, strict=True):
            if f.names:
                infl[a][t] = f.influence
        for i, (c, p) in enumerate(model.last_choice):
            moves[t, i] = (model.menu.kind[c], model.menu.target[c], p)

    record(0)
    for t in range(1, T):
        model.step()
        record(t)
    return Results(
        cfg=cfg,
        ids=list(model.ids),
        names=display_names(cfg),
        dates=list(model.dates),
        layout=model.layout,
        states=states,
        interests=inter,
        utility=util,
        capability=cap,
        influence=infl,
        faction_names={
            a: list(f.names) for a, f in zip(model.ids, model.factions, strict=True) if f.names
        },
        moves=moves,
        fired=list(model.log),
    )
