"""Seeded replicates of one configuration.

Replicate k of an ensemble with base seed s runs with seed s + k, so any
replicate can be rerun alone with ``cardplay run seed=<s+k>``. Variants of a
scenario run on the same seeds (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from sim.core import as_config, simulate
from sim.facts import evaluate
from sim.schema import RunConfig


def seeds(cfg: RunConfig, runs: int) -> list[int]:
    """The seeds of ``runs`` replicates of a configuration."""
    return [cfg.seed + k for k in range(runs)]


def replicate(cfg: RunConfig, seed: int, fn: Callable | None = None):
    """Run one replicate with ``seed`` and reduce it with ``fn`` (default: the Results)."""
    res = simulate(cfg.model_copy(update={"seed": seed}))
    return fn(res) if fn else res


def fact_matrix(config, runs: int) -> tuple[list[str], np.ndarray]:
    """Facts of ``runs`` replicates: (fact ids, bool array runs x facts)."""
    cfg = as_config(config)
    ids = list(cfg.facts)
    rows = [[evaluate(r)[f] for f in ids] for r in iter_runs(cfg, seeds(cfg, runs))]
    return ids, np.array(rows, dtype=bool).reshape(len(rows), len(ids))


def iter_runs(cfg: RunConfig, seed_list: Iterable[int]):
    for s in seed_list:
        yield replicate(cfg, s)
