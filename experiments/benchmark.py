"""cardplay benchmark (on demand, not in the test suite): ``make bench`` or

    .venv/bin/python experiments/benchmark.py [--runs 400] [--quick] [--no-compile]

Prints, in one run, side by side, and writes experiments/benchmark_results.json and
docs/benchmark.md (the one file README.md and docs/research.md quote):

1. ms per run of each shipped scenario at anticipation depths 0-2 (serial, one numba
   thread, kernel loaded), next to a bare Mesa loop of as many agents doing nothing;
2. the 1969 run (depth 1) against the arithmetic limit: issue 18's count of about
   36 M floating-point operations a run at this core's measured rate;
3. ensemble throughput, cold (a fresh process: imports, kernel load, workers) and warm
   (the same call again), of ``map_runs`` against ``mesa.batch_run``, a plain fork
   pool and EMA Workbench (``pip install -e ".[bench]"``; skipped with a note if
   absent), all on the same seeds with the same processes of one thread each, every
   run's state record compared;
4. ``cardplay ensemble`` end to end on 2022 at two sizes: simulation against
   post-processing, peak memory, and the memory each 1,000 more runs take;
5. compile CPU-s per kernel specialisation (actor count x depth) into an empty cache,
   and the load from the cache (``--no-compile`` skips: minutes of CPU);
6. the wall time of a 10-parameter Sobol analysis at N=256 and N=1024.

Absolute times vary with the machine's load (the development machine is shared);
the ratios, measured in the same run, are what to compare.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ["NUMBA_NUM_THREADS"] = "1"  # pinned: ratios with equal threads (children too)
RESULTS = REPO / "experiments" / "benchmark_results.json"
REPORT = REPO / "docs" / "benchmark.md"
OPS_1969 = 36e6  # issue 18: 1,268 leaf evaluations a step at depth 1, ~900 operations each
SCENARIO = "1969_border_clash"
PROCS = 2


def ms_per_run(cfg, reps: int) -> float:
    from sim.record.run import simulate

    simulate(cfg)  # compile or load the kernel
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


def flop_rate() -> float:
    """Scalar floating-point operations per second of one core: 8 independent
    multiply-add chains on values read from memory, compiled without fast-math (as the
    model is); the 4-wide AVX2 limit is a quarter of the time."""
    import numpy as np
    from numba import njit

    @njit
    def chains(x, n):
        a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
        m = x.size - 1
        for i in range(n):
            v = x[i & m]
            a0 = a0 * v + 1.0
            a1 = a1 * v + 2.0
            a2 = a2 * v + 3.0
            a3 = a3 * v + 4.0
            a4 = a4 * v + 5.0
            a5 = a5 * v + 6.0
            a6 = a6 * v + 7.0
            a7 = a7 * v + 8.0
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7

    x = np.random.default_rng(0).uniform(0.1, 0.5, 1024)
    chains(x, 10)
    n = 50_000_000
    best = min(_timed(chains, x, n) for _ in range(3))
    return 16 * n / best


def _timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def python(*args: str, env: dict | None = None) -> str:
    r = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )  # fmt: skip
    if r.returncode:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{r.stderr[-3000:]}")
    return r.stdout


def runner(name: str, runs: int) -> dict:
    out = python(str(Path(__file__).with_name("bench_runners.py")), "--child", name,
                 SCENARIO, str(runs), str(PROCS))  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def ensemble_end_to_end(runs: int, folder: Path) -> dict:
    """``cardplay ensemble`` of 2022 in a fresh process: its time split and peak memory."""
    code = (
        "import json, resource, sys; from sim.cli import main; main(sys.argv[1:]); "
        "r = resource.getrusage; print(json.dumps({'self': r(resource.RUSAGE_SELF).ru_maxrss, "
        "'children': r(resource.RUSAGE_CHILDREN).ru_maxrss}))"
    )
    t0 = time.perf_counter()
    out = python("-c", code, "ensemble", "scenario=2022_invasion", f"runs={runs}",
                 f"n_jobs={PROCS}", f"out={folder}")  # fmt: skip
    wall = time.perf_counter() - t0
    split = re.search(
        r"simulation ([\d.]+) s, writing .* ([\d.]+) s, afterwards .* ([\d.]+) s", out
    )
    mem = json.loads(out.strip().splitlines()[-1])
    sim, writing, after = (float(x) for x in split.groups())
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return {"runs": runs, "wall": wall, "simulation": sim, "writing": writing, "after": after,
            "peak_mib": mem["self"] / 1024, "worker_peak_mib": mem["children"] / 1024,
            "folder_mib": size / 2**20}  # fmt: skip


def compile_costs(depths: list[int]) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        args = [str(Path(__file__).with_name("bench_runners.py")), "--compile", *map(str, depths)]
        cold = json.loads(python(*args, env={"NUMBA_CACHE_DIR": cache}).splitlines()[-1])
        warm = json.loads(python(*args, env={"NUMBA_CACHE_DIR": cache}).splitlines()[-1])
    return {"compile": cold, "load": warm}


def sobol_time(n: int) -> tuple[float, int]:
    from sim.scenario.options import checked_config
    from sim.studies.experiment import load_experiment, parse_complements, parse_parameters
    from sim.studies.sensitivity import KEYS, Outcome, run_sensitivity

    _, spec = load_experiment("sensitivity_1969", "sensitivity_", KEYS)
    _, cfg = checked_config([f"scenario={spec['scenario']}"])
    comp = parse_complements(spec.get("complements"))
    names, bounds = parse_parameters(spec["parameters"], cfg, comp)
    t0 = time.perf_counter()
    _, samples, _ = run_sensitivity(
        cfg, names, bounds, Outcome({"pass_rate": "all"}, cfg),
        {"sobol": {"n": n, "second_order": False}},
        replicates=1, sample_seed=1, complements=comp, n_jobs=PROCS,
    )  # fmt: skip
    return time.perf_counter() - t0, len(samples)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=400, help="ensemble size for throughput")
    ap.add_argument("--reps", type=int, default=20, help="runs timed per scenario and depth")
    ap.add_argument("--ensembles", type=int, nargs=2, default=[2000, 10000], help="2022 sizes")
    ap.add_argument("--sobol", type=int, nargs="+", default=[256, 1024], help="Sobol N")
    ap.add_argument("--no-compile", action="store_true", help="skip compiling into a new cache")
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.reps, args.ensembles, args.sobol = 20, 2, [20, 40], [8]
        args.no_compile = True

    from sim.record.provenance import git_commit, versions
    from sim.record.workers import set_threads
    from sim.scenario.calendar import step_dates
    from sim.scenario.config import scenario_names
    from sim.studies.batch_adapter import scenario_config
    from sim.studies.points import with_values

    set_threads(1)
    v = versions()
    res: dict = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_before": os.getloadavg()[0], "python": v["python"], "numba": v["numba"],
        "mesa": v["mesa"], "commit": git_commit()[:12], "date": time.strftime("%Y-%m-%d %H:%M"),
    }  # fmt: skip
    print(f"cardplay benchmark - {res['machine']}, load {res['load_before']:.1f}, commit "
          f"{res['commit']}; one numba thread everywhere, {PROCS} processes for ensembles")  # fmt: skip

    print(f"\n1. ms per run, serial (median of {args.reps}; depth 2 of {max(2, args.reps // 4)})")
    print(f"   {'scenario':22s} {'steps':>5s} {'depth 0':>8s} {'depth 1':>8s} {'depth 2':>8s}"
          f" {'bare Mesa':>10s} {'d1/Mesa':>8s}")  # fmt: skip
    res["per_run"] = {}
    for name in scenario_names():
        cfg = scenario_config(name)
        steps = len(step_dates(cfg.window.start, cfg.window.end, cfg.window.step_months))
        ms = {}
        for d in (0, 1, 2):
            reps = args.reps if d < 2 else max(2, args.reps // 4)
            ms[d] = ms_per_run(with_values(cfg, {"mechanics.depth": d}), reps)
        bare = ms_bare_mesa(len(cfg.actors), steps - 1, max(args.reps * 10, 50))
        res["per_run"][name] = {"steps": steps, "actors": len(cfg.actors), "bare_mesa": bare,
                                **{f"depth{d}": m for d, m in ms.items()}}  # fmt: skip
        print(f"   {name:22s} {steps:5d} {ms[0]:8.2f} {ms[1]:8.2f} {ms[2]:8.2f} {bare:10.3f}"
              f" {ms[1] / bare:7.0f}x")  # fmt: skip

    from sim.scenario.config import compose
    from sim.scenario.schema import validate

    compose_ms = 1000 * min(
        _timed(lambda: validate(compose([f"scenario={SCENARIO}"]))) for _ in range(5)
    )
    res["compose_ms"] = compose_ms
    print(f"   Hydra compose + validate of {SCENARIO}: {compose_ms:.0f} ms, "
          f"{compose_ms / res['per_run'][SCENARIO]['depth1']:.0f} runs' worth: compose once per study")  # fmt: skip

    code = "import time; t = time.perf_counter(); import sim.core; print(time.perf_counter() - t)"
    res["import_core_s"] = min(float(python("-c", code)) for _ in range(3))
    print(f"   import sim.core in a fresh process: {res['import_core_s']:.2f} s (best of 3)")

    rate = flop_rate()
    d1 = res["per_run"][SCENARIO]["depth1"]
    limit = 1000 * OPS_1969 / rate
    res["limit"] = {"ops": OPS_1969, "flops": rate, "limit_ms": limit, "ms": d1}
    print(f"\n2. 1969 at depth 1: {d1:.2f} ms per run. Arithmetic limit: {OPS_1969 / 1e6:.0f} M "
          f"operations at {rate / 1e9:.2f} G operations/s (scalar, measured on one core) take "
          f"{limit:.2f} ms, {limit / 4:.2f} ms with 4-wide AVX2 vectors: the run is "
          f"{d1 / limit:.1f}x the scalar and {4 * d1 / limit:.1f}x the vector limit")  # fmt: skip

    print(
        f"\n3. ensembles of {SCENARIO}, {args.runs} runs, {PROCS} processes x 1 thread "
        "(cold: a fresh process, imports and workers included; warm: the same call again)"
    )
    print(
        f"   {'runner':34s} {'cold s':>7s} {'runs/s':>7s} {'warm s':>7s} {'runs/s':>7s}  same runs"
    )
    labels = {"cardplay": "cardplay map_runs (forked, warm kernel)", "batch_run": "mesa.batch_run",
              "fork_pool": "plain fork pool (multiprocessing)", "ema": "EMA Workbench"}  # fmt: skip
    res["throughput"] = {}
    ref = None
    for key in ("cardplay", "batch_run", "fork_pool", "ema"):
        if key == "ema" and importlib.util.find_spec("ema_workbench") is None:
            print(f"   {labels[key]:34s} skipped: pip install -e '.[bench]' to compare")
            continue
        r = runner(key, args.runs)
        ref = ref or r["digests"]
        keep = len(next(iter(r["digests"].values())))
        same = r["repeatable"] and r["digests"] == {s: d[:keep] for s, d in ref.items()}
        res["throughput"][key] = {"cold": r["cold"], "warm": r["warm"], "same": same}
        print(f"   {labels[key]:34s} {r['cold']:7.2f} {args.runs / r['cold']:7.1f} "
              f"{r['warm']:7.2f} {args.runs / r['warm']:7.1f}  {'yes' if same else 'NO'}")  # fmt: skip
    ours = res["throughput"]["cardplay"]
    for key, t in res["throughput"].items():
        if key != "cardplay":
            t["ratio_cold"], t["ratio_warm"] = t["cold"] / ours["cold"], t["warm"] / ours["warm"]
            print(
                f"   cardplay / {labels[key]}: {t['ratio_cold']:.2f}x cold, {t['ratio_warm']:.2f}x warm"
            )

    print(f"\n4. cardplay ensemble scenario=2022_invasion, {PROCS} processes, end to end")
    res["ensemble"] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.ensembles:
            e = ensemble_end_to_end(n, Path(tmp) / f"e{n}")
            post = e["writing"] + e["after"]
            e["post_share"] = post / (e["simulation"] + post)
            res["ensemble"].append(e)
            print(f"   {n:6d} runs: {e['wall']:6.1f} s; simulation {e['simulation']:6.1f} s, "
                  f"post-processing {post:5.1f} s ({e['post_share']:.1%}: writing "
                  f"{e['writing']:.1f} s while it ran, {e['after']:.1f} s after); peak "
                  f"{e['peak_mib']:.0f} MiB; {e['folder_mib']:.1f} MiB on disk")  # fmt: skip
    a, b = res["ensemble"]
    per_k = 1000 * (b["peak_mib"] - a["peak_mib"]) / (b["runs"] - a["runs"])
    base = a["peak_mib"] - per_k * a["runs"] / 1000
    res["memory"] = {"per_1000_runs_mib": per_k, "base_mib": base,
                     "at_100000_runs_gib": (base + 100 * per_k) / 1024}  # fmt: skip
    print(
        f"   peak memory: {base:.0f} MiB + {per_k:.1f} MiB per 1,000 runs "
        f"(100,000 runs: {res['memory']['at_100000_runs_gib']:.2f} GiB by this slope)"
    )

    if not args.no_compile:
        print("\n5. compile CPU-s per kernel specialisation, 4 actors (every shipped scenario)")
        c = compile_costs([1, 0, 2])
        res["compile"] = c
        for k, s in c["compile"].items():
            print(f"   {k:24s}: {s:6.1f} CPU-s into an empty cache, {c['load'][k]:5.1f} from it")

    res["sobol"] = {}
    for n in args.sobol:
        t, points = sobol_time(n)
        res["sobol"][str(n)] = {"seconds": t, "runs": points}
        print(f"\n6. Sobol, 10 parameters, N={n} ({points} runs), {PROCS} processes: {t:.1f} s "
              f"({points / t:.0f} runs/s)")  # fmt: skip
    res["load_after"] = os.getloadavg()[0]
    if args.quick:
        return 0  # a smoke test: the figures of record stay as they are
    RESULTS.write_text(json.dumps(res, indent=2) + "\n")
    from bench_report import render

    REPORT.write_text(render(res))
    print(f"\nwrote {RESULTS.relative_to(REPO)} and {REPORT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
