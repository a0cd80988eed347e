"""cardplay benchmark (on demand, not in the test suite): ``make bench`` or

    .venv/bin/python experiments/benchmark.py [--runs 200] [--sobol-n 256] [--quick]

Prints, in one run and one process:

1. ms per run of each shipped scenario (serial, compiled kernel warm) next to a bare
   Mesa loop of the same number of agents doing nothing for the same steps, and
   their ratio;
2. ensemble throughput (runs/s) of ``sim.record.ensemble.map_runs`` on 1 and 2 processes
   against ``mesa.batch_run`` on the same model (``sim.studies.batch_adapter.BatchCardModel``)
   and seeds with every ``number_processes`` setting, checking that every run's
   state record is identical; the ratio to the best batch_run setting (target >= 3x);
3. the time of a 10-parameter Sobol analysis with N=256 (N x (10 + 2) = 3,072 runs,
   first and total order; experiments/sensitivity_1969.yaml), target 30 s.

Process start-up counts: each throughput figure is a cold start (fresh worker
processes) as a user's command pays it; warm figures (workers already up) follow.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def ms_per_run(cfg, reps: int) -> float:
    from sim.record.run import simulate

    simulate(cfg)  # compile / load the kernel
    times = []
    for k in range(reps):
        t0 = time.perf_counter()
        simulate(cfg.model_copy(update={"seed": k}))
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def ms_bare_mesa(agents: int, steps: int, reps: int) -> float:
    from sim.studies.batch_adapter import NullModel

    times = []
    for k in range(reps):
        t0 = time.perf_counter()
        m = NullModel(agents, seed=k)
        for _ in range(steps):
            m.step()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def shutdown_workers() -> None:
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def cardplay_ensemble(cfg, runs: int, n_jobs: int):
    from sim.record.ensemble import map_runs, seeds
    from sim.studies.batch_adapter import digest_and_facts

    t0 = time.perf_counter()
    out = map_runs(cfg, seeds(cfg, runs), digest_and_facts, n_jobs=n_jobs)
    return time.perf_counter() - t0, {s: (d, f) for s, d, f in out}


def mesa_batch(scenario: str, runs: int, processes: int | None):
    from mesa.batchrunner import batch_run

    from sim.studies.batch_adapter import BatchCardModel

    t0 = time.perf_counter()
    rows = batch_run(
        BatchCardModel,
        parameters={"scenario": scenario},
        number_processes=processes,
        rng=list(range(runs)),
        data_collection_period=-1,
        max_steps=10_000,
        display_progress=False,
    )
    return time.perf_counter() - t0, {r["seed"]: (r["digest"], tuple(r["facts"])) for r in rows}


def sobol_time(n: int, n_jobs: int) -> tuple[float, int]:
    import numpy as np

    from sim.scenario.options import checked_config
    from sim.studies.sensitivity import KEYS, Outcome, run_sensitivity
    from sim.studies.study import load_experiment, parse_complements, parse_parameters

    _, spec = load_experiment("sensitivity_1969", "sensitivity_", KEYS)
    _, cfg = checked_config([f"scenario={spec['scenario']}"])
    comp = parse_complements(spec.get("complements"))
    names, bounds = parse_parameters(spec["parameters"], cfg, comp)
    assert len(names) == 10, names
    t0 = time.perf_counter()
    indices, samples, _ = run_sensitivity(
        cfg,
        names,
        bounds,
        Outcome({"pass_rate": "all"}, cfg),
        {"sobol": {"n": n, "second_order": False}},
        replicates=1,
        sample_seed=1,
        complements=comp,
        n_jobs=n_jobs,
    )
    elapsed = time.perf_counter() - t0
    assert np.isfinite(indices["value"]).all()
    return elapsed, len(samples)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200, help="ensemble size for throughput")
    ap.add_argument("--reps", type=int, default=20, help="runs timed per scenario")
    ap.add_argument("--sobol-n", type=int, default=256, help="Sobol base sample N")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.reps, args.sobol_n = 20, 3, 8

    from sim.record.provenance import git_commit, versions
    from sim.scenario.config import scenario_names
    from sim.studies.study import with_values  # noqa: F401  (import cost outside the timings)

    cores = os.cpu_count() or 1
    v = versions()
    print(f"cardplay benchmark - {platform.processor() or platform.machine()}, {cores} cores, "
          f"Python {v['python']}, numba {v['numba']}, mesa {v['mesa']}, commit {git_commit()[:12]}")  # fmt: skip
    from sim.scenario.calendar import step_dates
    from sim.studies.batch_adapter import scenario_config

    print(f"\n1. one run, serial (median of {args.reps} runs; kernel compiled)")
    print(f"   {'scenario':22s} {'steps':>5s} {'ms/run':>9s} {'bare Mesa ms':>13s} {'ratio':>8s}")
    for name in scenario_names():
        cfg = scenario_config(name)
        steps = len(step_dates(cfg.window.start, cfg.window.end, cfg.window.step_months))
        ms = ms_per_run(cfg, args.reps)
        bare = ms_bare_mesa(len(cfg.actors), steps - 1, max(args.reps * 10, 50))
        print(f"   {name:22s} {steps:5d} {ms:9.2f} {bare:13.3f} {ms / bare:7.0f}x")

    scenario = "1969_border_clash"
    cfg = scenario_config(scenario)
    print(f"\n2. ensemble throughput, {scenario}, {args.runs} runs (seeds 0..{args.runs - 1})")
    print(f"   {'runner':44s} {'seconds':>8s} {'runs/s':>8s}  identical")
    shutdown_workers()
    t_ser, ref = cardplay_ensemble(cfg, args.runs, 1)
    ours = {"cardplay map_runs, 1 process": t_ser}
    shutdown_workers()
    ours["cardplay map_runs, 2 processes (cold)"], par = cardplay_ensemble(cfg, args.runs, 2)
    ours["cardplay map_runs, 2 processes (warm)"], par_w = cardplay_ensemble(cfg, args.runs, 2)
    shutdown_workers()
    same = {"cardplay map_runs, 1 process": True}
    same["cardplay map_runs, 2 processes (cold)"] = par == ref
    same["cardplay map_runs, 2 processes (warm)"] = par_w == ref
    theirs, same_b = {}, {}
    for procs in (1, 2, None):
        label = f"mesa.batch_run, number_processes={procs}"
        theirs[label], rows = mesa_batch(scenario, args.runs, procs)
        same_b[label] = rows == ref
    for label, t in {**ours, **theirs}.items():
        ok = {**same, **same_b}[label]
        print(f"   {label:44s} {t:8.2f} {args.runs / t:8.1f}  {'yes' if ok else 'NO'}")
    best_label = min(theirs, key=theirs.get)
    best = args.runs / theirs[best_label]
    cold = args.runs / ours["cardplay map_runs, 2 processes (cold)"]
    warm = args.runs / ours["cardplay map_runs, 2 processes (warm)"]
    print(f"   best batch_run setting: {best_label.split(', ')[1]} ({best:.1f} runs/s)")
    print(f"   cardplay on 2 processes / best batch_run: {cold / best:.2f}x cold, {warm / best:.2f}x warm"
          f"  (target >= 3x: {'met' if cold / best >= 3 else 'NOT met'})")  # fmt: skip
    if not all({**same, **same_b}.values()):
        print("   WARNING: results differ between runners")

    runs = args.sobol_n * 12
    print(f"\n3. Sobol analysis, 10 parameters, N={args.sobol_n} ({runs} runs), 2 processes")
    shutdown_workers()
    t, points = sobol_time(args.sobol_n, 2)
    assert points == runs
    print(f"   {t:.1f} s ({runs / t:.1f} runs/s, cold start included)"
          f"  (target 30 s: {'met' if t <= 30 else 'NOT met'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
