"""Mesa-compatible adapters for ``mesa.batch_run`` (used by experiments/benchmark.py).

:class:`BatchCardModel` is the card-game model as ``mesa.batch_run`` expects a
model class: keyword parameters (``scenario``, ``seed``, ``overrides``), a
``datacollector``, ``running`` and ``step()``. It records every step exactly as
:func:`sim.record.run.simulate` does, so a batch run and a cardplay ensemble of the
same seeds give identical results (checked through :func:`run_digest`).

:class:`NullModel` is the bare Mesa loop: the same number of agents doing
nothing, for the same number of steps; it measures Mesa's own overhead.
"""

from __future__ import annotations

import hashlib
from functools import cache

import mesa
import numpy as np

from sim.model.model import CardModel
from sim.record.run import Recorder


@cache
def scenario_config(scenario: str, overrides: tuple[str, ...] = ()):
    """The validated configuration of a scenario (composed once per process)."""
    from sim.scenario.config import compose
    from sim.scenario.schema import validate

    return validate(compose([f"scenario={scenario}", *overrides]))


def run_digest(res) -> str:
    """SHA-256 of a run's full state record and moves (what "identical results" means)."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(res.states).tobytes())
    h.update(np.ascontiguousarray(res.moves).tobytes())
    return h.hexdigest()


def digest_and_facts(res) -> tuple[int, str, tuple[bool, ...]]:
    """(seed, digest, facts) of a run: the reducer both ensemble runners share."""
    from sim.record.facts import evaluate

    return res.cfg.seed, run_digest(res), tuple(evaluate(res).values())


class BatchCardModel(CardModel):
    """The card game with the constructor ``mesa.batch_run`` calls: ``Model(**params, seed=...)``."""

    def __init__(
        self,
        scenario: str = "1969_border_clash",
        seed: int | None = 0,
        overrides: tuple[str, ...] = (),
    ):
        cfg = scenario_config(scenario, tuple(overrides))
        super().__init__(cfg.model_copy(update={"seed": int(seed or 0)}))
        self.recorder = Recorder(self)
        self.recorder.record()
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "seed": lambda m: m.cfg.seed,
                "digest": lambda m: run_digest(m.recorder.results()),
                "facts": lambda m: digest_and_facts(m.recorder.results())[2],
            }
        )

    def step(self) -> None:
        super().step()
        self.recorder.record()
        if not self.running:
            self.datacollector.collect(self)


class Idle(mesa.Agent):
    def step(self) -> None:
        pass


class NullModel(mesa.Model):
    """``n`` agents that do nothing, stepped with ``shuffle_do`` (the bare Mesa loop)."""

    def __init__(self, n: int = 4, seed: int | None = 0):
        super().__init__(rng=seed)
        for _ in range(n):
            Idle(self)

    def step(self) -> None:
        self.agents.shuffle_do("step")
