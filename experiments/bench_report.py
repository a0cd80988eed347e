"""docs/benchmark.md from experiments/benchmark_results.json (written by benchmark.py)."""

from __future__ import annotations


def render(r: dict) -> str:
    """The benchmark's figures as Markdown: the one source README.md and docs quote."""
    L = [
        "# Benchmark",
        "",
        "Written by `make bench` (`experiments/benchmark.py`) from "
        "`experiments/benchmark_results.json`; do not edit by hand. "
        f"{r['date']}, commit {r['commit']}, {r['machine']}, Python {r['python']}, "
        f"numba {r['numba']}, Mesa {r['mesa']}; load average {r['load_before']:.1f} before and "
        f"{r['load_after']:.1f} after (the machine is shared: absolute times vary with the "
        "load, the ratios are measured in the same run). One numba thread everywhere.",
        "",
        "## One run (ms, serial, kernel loaded)",
        "",
        "| scenario | steps | depth 0 | depth 1 | depth 2 | bare Mesa loop | depth 1 / bare Mesa |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, p in r["per_run"].items():
        L.append(
            f"| {name} | {p['steps']} | {p['depth0']:.2f} | {p['depth1']:.2f} | "
            f"{p['depth2']:.2f} | {p['bare_mesa']:.3f} | {p['depth1'] / p['bare_mesa']:.0f}x |"
        )
    lim = r["limit"]
    L += [
        "",
        f"Hydra `compose` and validation of a scenario take {r['compose_ms']:.0f} ms, "
        f"{r['compose_ms'] / r['per_run']['1969_border_clash']['depth1']:.0f} runs of 1969: "
        "a study composes once and varies the validated configuration. `import sim.core` "
        f"takes {r['import_core_s']:.2f} s in a fresh process (Mesa is imported when the "
        "first model is built).",
        "",
        f"1969 at depth 1 takes {lim['ms']:.2f} ms. About {lim['ops'] / 1e6:.0f} M floating-point "
        "operations (issue 18: 1,268 leaf evaluations a step, about 900 operations each) at "
        f"{lim['flops'] / 1e9:.2f} G operations/s (scalar, measured on one core in the same "
        f"run) take {lim['limit_ms']:.2f} ms, {lim['limit_ms'] / 4:.2f} ms with 4-wide AVX2 "
        f"vectors: the run is {lim['ms'] / lim['limit_ms']:.1f}x the scalar and "
        f"{4 * lim['ms'] / lim['limit_ms']:.1f}x the vector limit.",
        "",
        "## Ensemble throughput (1969, same seeds, 2 processes x 1 thread)",
        "",
        "Cold: a fresh process (imports, kernel load, workers), as a user's command pays it. "
        "Warm: the same call again in that process.",
        "",
        "| runner | cold s | warm s | cardplay faster, cold | warm | same runs |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    names = {"cardplay": "cardplay `map_runs`", "batch_run": "`mesa.batch_run`",
             "fork_pool": "plain fork pool", "ema": "EMA Workbench"}  # fmt: skip
    for k, t in r["throughput"].items():
        ratio = f"{t['ratio_cold']:.2f}x | {t['ratio_warm']:.2f}x" if "ratio_cold" in t else "- | -"
        L.append(
            f"| {names[k]} | {t['cold']:.2f} | {t['warm']:.2f} | {ratio} | "
            f"{'yes' if t['same'] else 'NO'} |"
        )
    if "ema" not in r["throughput"]:
        L.append("| EMA Workbench | not installed (`pip install -e '.[bench]'`) | | | | |")
    L += [
        "",
        "## `cardplay ensemble scenario=2022_invasion`, end to end (2 processes)",
        "",
        "| runs | wall s | simulation s | post-processing s (share) | writing while running "
        "| after the runs | peak MiB | on disk MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in r["ensemble"]:
        L.append(
            f"| {e['runs']:,} | {e['wall']:.1f} | {e['simulation']:.1f} | "
            f"{e['writing'] + e['after']:.1f} ({e['post_share']:.1%}) | {e['writing']:.1f} | "
            f"{e['after']:.1f} | {e['peak_mib']:.0f} | {e['folder_mib']:.1f} |"
        )
    m = r["memory"]
    L += [
        "",
        f"Peak memory: {m['base_mib']:.0f} MiB + {m['per_1000_runs_mib']:.1f} MiB per 1,000 "
        f"runs; by this slope 100,000 runs peak at {m['at_100000_runs_gib']:.2f} GiB.",
    ]
    if "compile" in r:
        L += ["", "## Compiling the kernel (4 actors)", "",
              "| step | CPU-s into an empty cache | CPU-s from the cache |", "| --- | --- | --- |"]  # fmt: skip
        for k, s in r["compile"]["compile"].items():
            L.append(f"| {k} | {s:.1f} | {r['compile']['load'][k]:.1f} |")
    L += ["", "## Sobol analysis (10 parameters, 2 processes)", "", "| N | runs | wall s |",
          "| --- | --- | --- |"]  # fmt: skip
    for n, s in r["sobol"].items():
        L.append(f"| {n} | {s['runs']:,} | {s['seconds']:.1f} |")
    return "\n".join(L) + "\n"
