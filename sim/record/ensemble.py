"""Seeded replicates of one configuration, serially or on worker processes.

Replicate k of an ensemble with base seed s runs with seed s + k, so any
replicate can be rerun alone with ``cardplay run seed=<s+k>``. Variants of a
scenario run on the same seeds (common random numbers). Parallel runs give
the same results as serial ones: each replicate depends only on its seed, and
results come back in seed order.

:func:`iter_chunks` streams the results chunk by chunk (what the ensemble command
writes to disk as they come); :func:`map_runs` collects them in one list. The
workers (:class:`sim.record.workers.Workers`) are forked from this process after
it has run the first replicate itself, so they start with the kernel loaded.
"""

from __future__ import annotations

import gc
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

from sim.record.facts import evaluate
from sim.record.run import as_config, simulate
from sim.record.workers import Workers
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
    """``fn(*args)`` as a worker process's task, the heap settled after the first task."""
    out = fn(*args)
    settle_heap()
    return out


def stream_chunks(task: Callable, pieces: Sequence[tuple], n_jobs: int) -> Iterator[list]:
    """``task(*piece)`` for each piece, yielded in piece order as they come back.

    The first piece runs in this process (it loads the compiled kernel, which forked
    workers then inherit); the others on ``n_jobs`` worker processes.
    """
    if not pieces:
        return
    yield task(*pieces[0])
    if len(pieces) == 1:
        return
    with Workers(min(n_jobs, len(pieces) - 1)) as pool:
        yield from pool.imap(in_worker, [(task, *p) for p in pieces[1:]])


def run_chunks(task: Callable, pieces: Sequence[tuple], n_jobs: int, bar=None) -> list:
    """``task(*piece)`` for each piece on ``n_jobs`` worker processes, the results (lists)
    concatenated in piece order; ``bar`` (tqdm) advances as pieces come back."""
    out: list = []
    for part in stream_chunks(task, pieces, n_jobs):
        out.extend(part)
        if bar is not None:
            bar.update(len(part))
    return out


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


def chunk_bounds(
    n_tasks: int, n_jobs: int, chunks_per_job: int, largest: int | None = None
) -> list[tuple[int, int]]:
    """Contiguous chunks (start, end) of ``n_tasks`` for ``n_jobs`` workers, shrinking.

    Guided self-scheduling (Polychronopoulos and Kuck 1987): each chunk takes the
    remaining tasks over ``n_jobs * chunks_per_job / 2``, so the first chunks are
    twice the size of ``chunks_per_job`` equal chunks and the last ones a few
    tasks: a worker that finishes early takes small pieces instead of idling
    while another works through a full-size last chunk. ``largest`` caps a chunk
    (what a streamed ensemble holds in memory per chunk in flight).
    """
    share = max(1.0, n_jobs * chunks_per_job / 2)
    floor = max(1, n_tasks // (8 * n_jobs * chunks_per_job))
    out, a = [], 0
    while a < n_tasks:
        size = max(floor, math.ceil((n_tasks - a) / share))
        b = min(n_tasks, a + (min(size, largest) if largest else size))
        out.append((a, b))
        a = b
    return out


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def progress_bar(progress: bool, total: int, desc: str):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="run")


def iter_chunks(
    config,
    seed_list: Iterable[int],
    fn: Callable | None = None,
    n_jobs: int = 1,
    chunks_per_job: int = 4,
    progress: bool = False,
    largest: int | None = None,
) -> Iterator[list]:
    """``fn(results)`` for each seed, as lists (chunks) in seed order; ``n_jobs`` worker
    processes, ``largest`` runs at most per chunk.

    ``fn`` must be a picklable top-level function when ``n_jobs > 1``.
    """
    cfg = as_config(config)
    seed_list = list(seed_list)
    if n_jobs == -1:
        n_jobs = default_jobs()
    bar = progress_bar(progress, len(seed_list), cfg.name)
    if n_jobs <= 1 or len(seed_list) < 2:
        step = largest or 1
        pieces = [seed_list[a : a + step] for a in range(0, len(seed_list), step)]
        parts: Iterable[list] = (_chunk(cfg, p, fn) for p in pieces)
    else:
        rest = chunk_bounds(len(seed_list) - 1, n_jobs, chunks_per_job, largest)
        pieces = [(cfg, seed_list[:1], fn)]
        pieces += [(cfg, seed_list[1 + a : 1 + b], fn) for a, b in rest]
        parts = stream_chunks(_chunk, pieces, n_jobs)
    try:
        for part in parts:
            if bar is not None:
                bar.update(len(part))
            yield part
    finally:
        if bar is not None:
            bar.close()


def map_runs(config, seed_list: Iterable[int], fn: Callable | None = None, n_jobs: int = 1, **kw):
    """``fn(results)`` for each seed, in seed order, as one list: :func:`iter_chunks`
    (``n_jobs`` worker processes, each running chunks of many replicates; ``kw``:
    ``chunks_per_job``, ``progress``)."""
    return [out for part in iter_chunks(config, seed_list, fn, n_jobs, **kw) for out in part]


def fact_row(res) -> list[bool]:
    """The run's stylized facts in scenario order (a picklable reducer)."""
    return list(evaluate(res).values())


def fact_matrix(config, runs: int, n_jobs: int = 1) -> tuple[list[str], np.ndarray]:
    """Facts of ``runs`` replicates: (fact ids, bool array runs x facts)."""
    cfg = as_config(config)
    ids = list(cfg.facts)
    rows = map_runs(cfg, seeds(cfg, runs), fact_row, n_jobs=n_jobs)
    return ids, np.array(rows, dtype=bool).reshape(len(rows), len(ids))
