"""The runners :mod:`benchmark` compares, each run in a fresh process (``--child``).

A child times its first call from before its imports (cold: what a user's command
pays) and a second call in the same process (warm), checks nothing itself, and
prints JSON: seconds and each seed's run digest, which the parent compares. Every
runner does the same work: one replicate per seed of one scenario, on ``procs``
processes of one numba thread each.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import time

T0 = time.perf_counter()

CFG = None  # the scenario's validated configuration (set before any pool starts)


def _digest(seed: int) -> str:
    from sim.record.ensemble import replicate
    from sim.studies.batch_adapter import run_digest

    return run_digest(replicate(CFG, int(seed)))


def _digests(seed: int) -> tuple[int, str]:
    return int(seed), _digest(seed)


def cardplay(seeds: list[int], procs: int) -> dict:
    """``sim.record.ensemble.map_runs``: forked workers, the parent runs the first replicate."""
    from sim.record.ensemble import map_runs
    from sim.studies.batch_adapter import digest_and_facts

    return {s: d for s, d, _ in map_runs(CFG, seeds, digest_and_facts, n_jobs=procs)}


def fork_pool(seeds: list[int], procs: int) -> dict:
    """What a user writes by hand: ``multiprocessing.Pool`` (fork) mapping one run per seed."""
    with mp.get_context("fork").Pool(procs) as pool:
        return dict(pool.map(_digests, seeds))


def batch_run(seeds: list[int], procs: int) -> dict:
    """``mesa.batch_run`` on the Mesa adapter, ``number_processes=procs``."""
    from mesa.batchrunner import batch_run as mesa_batch_run

    from sim.studies.batch_adapter import BatchCardModel

    rows = mesa_batch_run(
        BatchCardModel,
        parameters={"scenario": CFG.name},
        number_processes=procs,
        rng=list(seeds),
        data_collection_period=-1,
        max_steps=10_000,
        display_progress=False,
    )
    return {r["seed"]: r["digest"] for r in rows}


def _ema_model(seed=0):
    return {"digest": float(int(_digest(seed)[:12], 16))}


def ema(seeds: list[int], procs: int) -> dict:
    """EMA Workbench's ``MultiprocessingEvaluator``; the outcome is the digest's first 48 bits."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import (
            IntegerParameter,
            Model,
            MultiprocessingEvaluator,
            Sample,
            ScalarOutcome,
        )

    model = Model("cardplay", function=_ema_model)
    model.uncertainties = [IntegerParameter("seed", 0, 2**31 - 1)]
    model.outcomes = [ScalarOutcome("digest")]
    with MultiprocessingEvaluator(model, n_processes=procs) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=[Sample(seed=int(s)) for s in seeds]
        )
    return {
        int(s): f"{int(d):012x}"
        for s, d in zip(experiments["seed"], outcomes["digest"], strict=True)
    }


RUNNERS = {"cardplay": cardplay, "fork_pool": fork_pool, "batch_run": batch_run, "ema": ema}


def child(runner: str, scenario: str, runs: int, procs: int) -> None:
    """Run ``runner`` twice (cold, then warm) and print the JSON the parent reads."""
    global CFG
    from sim.studies.batch_adapter import scenario_config

    CFG = scenario_config(scenario)
    seeds = list(range(runs))
    fn = RUNNERS[runner]
    first = fn(seeds, procs)
    cold = time.perf_counter() - T0
    t = time.perf_counter()
    second = fn(seeds, procs)
    warm = time.perf_counter() - t
    keep = 12 if runner == "ema" else 64
    digests = {str(s): d[:keep] for s, d in sorted(first.items())}
    same = {str(s): d[:keep] for s, d in sorted(second.items())} == digests
    print(json.dumps({"cold": cold, "warm": warm, "digests": digests, "repeatable": same}))


def compile_child(depths: list[int]) -> None:
    """CPU seconds to compile each depth's kernel into an empty cache (the parent sets
    ``NUMBA_CACHE_DIR``), then to load all of them from that cache in a new process."""
    import resource

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    out = {}
    c = cpu()
    from sim.record.run import simulate
    from sim.studies.batch_adapter import scenario_config

    out["imports, no compiling"] = cpu() - c
    cfg = scenario_config("1969_border_clash")
    for k, d in enumerate(depths):
        c = cpu()
        mechanics = cfg.mechanics.model_copy(update={"depth": d})
        simulate(cfg.model_copy(update={"mechanics": mechanics}))
        out[f"4 actors x depth {d}" + (" (and the shared code)" if k == 0 else "")] = cpu() - c
    print(json.dumps(out))


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    if sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        compile_child([int(d) for d in sys.argv[2:]])
