"""Seeded replicates of one configuration, serially or on worker processes.

Replicate k of an ensemble with base seed s runs with seed s + k, so any
replicate can be rerun alone with ``cardplay run seed=<s+k>``. Variants of a
scenario run on the same seeds (common random numbers). Parallel runs give
the same results as serial ones: each replicate depends only on its seed, and
results come back in seed order.
"""

from __future__ import annotations

import gc
import math
import os
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from sim.record.facts import evaluate
from sim.record.run import as_config, simulate
from sim.scenario.schema import RunConfig


def seeds(cfg: RunConfig, runs: int) -> list[int]:
    """The seeds of ``runs`` replicates of a configuration."""
    return [cfg.seed + k for k in range(runs)]


def replicate(cfg: RunConfig, seed: int, fn: Callable | None = None):
    """Run one replicate with ``seed`` and reduce it with ``fn`` (default: the Results)."""
    res = simulate(cfg.model_copy(update={"seed": seed}))
    return fn(res) if fn else res


def _chunk(cfg: RunConfig, chunk: Sequence[int], fn: Callable | None) -> list:
    return [replicate(cfg, s, fn) for s in chunk]


def in_worker(fn: Callable, *args):
    """``fn(*args)`` as a worker process's task: one thread, the heap settled after the
    first task."""
    single_threaded()
    out = fn(*args)
    settle_heap()
    return out


def run_chunks(task: Callable, pieces: Sequence[tuple], n_jobs: int, bar=None) -> list:
    """``task(*piece)`` for each piece on ``n_jobs`` worker processes, the results (lists)
    concatenated in piece order; ``bar`` (tqdm) advances as pieces come back."""
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator")
    out: list = []
    for part in par(delayed(in_worker)(task, *piece) for piece in pieces):
        out.extend(part)
        if bar is not None:
            bar.update(len(part))
    return out


_PINNED: list[bool] = []  # set once the BLAS libraries are limited in this process
_SETTLED: list[bool] = []  # set once a worker's long-lived objects are frozen


def settle_heap() -> None:
    """Freeze a worker's long-lived objects (modules, loaded kernels, caches) once.

    After its first task a worker holds ~200,000 objects that live as long as it
    does; every full collection would scan them again (~70 ms, every ~200 runs).
    Collected once and frozen, they are left out of later collections, which then
    scan only the objects of the runs in flight. Only for worker processes: frozen
    objects are never collected.
    """
    if _SETTLED:
        return
    gc.collect()
    gc.freeze()
    _SETTLED.append(True)


def single_threaded() -> None:
    """One BLAS and one numba thread per worker: the workers already use every core.

    Cheap to call again (a worker calls it for every chunk it runs).
    """
    import numba

    numba.set_num_threads(1)
    if _PINNED:
        return
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with joblib's deps
        pass
    _PINNED.append(True)


def chunk_bounds(n_tasks: int, n_jobs: int, chunks_per_job: int) -> list[tuple[int, int]]:
    """Contiguous chunks (start, end) of ``n_tasks`` for ``n_jobs`` workers, shrinking.

    Guided self-scheduling (Polychronopoulos and Kuck 1987): each chunk takes the
    remaining tasks over ``n_jobs * chunks_per_job / 2``, so the first chunks are
    twice the size of ``chunks_per_job`` equal chunks and the last ones a few
    tasks: a worker that finishes early takes small pieces instead of idling
    while another works through a full-size last chunk.
    """
    share = max(1.0, n_jobs * chunks_per_job / 2)
    floor = max(1, n_tasks // (8 * n_jobs * chunks_per_job))
    out, a = [], 0
    while a < n_tasks:
        b = min(n_tasks, a + max(floor, math.ceil((n_tasks - a) / share)))
        out.append((a, b))
        a = b
    return out


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def map_runs(
    config,
    seed_list: Iterable[int],
    fn: Callable | None = None,
    n_jobs: int = 1,
    chunks_per_job: int = 4,
    progress: bool = False,
) -> list:
    """``fn(results)`` for each seed, in seed order; ``n_jobs`` worker processes.

    Each worker runs a chunk of many replicates (not one process per run).
    ``fn`` must be a picklable top-level function when ``n_jobs > 1``.
    """
    cfg = as_config(config)
    seed_list = list(seed_list)
    if n_jobs == -1:
        n_jobs = default_jobs()
    if n_jobs <= 1 or len(seed_list) < 2:
        it = seed_list
        if progress:
            from tqdm import tqdm

            it = tqdm(seed_list, desc=cfg.name, unit="run")
        return [replicate(cfg, s, fn) for s in it]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(seed_list), desc=cfg.name, unit="run")
    bounds = chunk_bounds(len(seed_list), n_jobs, chunks_per_job)
    out = run_chunks(_chunk, [(cfg, seed_list[a:b], fn) for a, b in bounds], n_jobs, bar)
    if bar is not None:
        bar.close()
    return out


def fact_row(res) -> list[bool]:
    """The run's stylized facts in scenario order (a picklable reducer)."""
    return list(evaluate(res).values())


def fact_matrix(config, runs: int, n_jobs: int = 1) -> tuple[list[str], np.ndarray]:
    """Facts of ``runs`` replicates: (fact ids, bool array runs x facts)."""
    cfg = as_config(config)
    ids = list(cfg.facts)
    rows = map_runs(cfg, seeds(cfg, runs), fact_row, n_jobs=n_jobs)
    return ids, np.array(rows, dtype=bool).reshape(len(rows), len(ids))
