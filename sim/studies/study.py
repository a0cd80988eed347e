"""Ensembles at scale: seeded replicates to one tidy table, a fan chart and provenance.

``cardplay ensemble scenario=... runs=N`` runs N replicates of one configuration
(seeds ``seed .. seed+N-1``, so replicate k can be rerun alone with
``cardplay run seed=<seed+k>``) on worker processes, many replicates per worker
(:func:`sim.record.ensemble.map_runs`), and writes one folder::

    ensemble.parquet   one long (tidy) table, every run's series (or ensemble.csv)
    facts.csv          each stylized fact's pass rate over the runs
    figures/fan_chart.png   median, 50% and 90% bands of the key relations, events marked
    config.yaml, provenance.json

The table is fully long: one row per run, step, unit and variable, columns
``run, seed, config_hash, kind, step, date, actor, target, faction, variable,
value`` (:data:`LONG_COLUMNS`). ``kind`` is ``pair`` (ordered pair actor ->
target: the variables of :meth:`sim.record.results.Results.pairs`), ``actor`` (utility,
the five interests, capability) or ``faction`` (influence of ``faction`` within
``actor``). Columns that do not apply are empty strings. Recognition is coded
0 none, 1 unofficial, 2 formal; ``channel_public`` is 0/1; ``goldstein`` is
left out (it is ``10 * relation``). :func:`ensemble_pairs` turns the table back
into the wide pairs table (with ``run``) that the fan chart reads.

The module also maps many *different* configurations (sample points of a
sensitivity analysis or a calibration) over worker processes:
:func:`with_values` sets dotted keys on a validated configuration and
:func:`map_points` evaluates ``fn`` over points x seeds, chunked, in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.scenario.schema import RunConfig

LONG_COLUMNS = [
    "run",
    "seed",
    "config_hash",
    "kind",
    "step",
    "date",
    "actor",
    "target",
    "faction",
    "variable",
    "value",
]
RECOGNITION_CODES = {"none": 0.0, "unofficial": 1.0, "formal": 2.0}
FORMATS = ("parquet", "csv")


# --- the long table -------------------------------------------------------------------


def _melt(df: pd.DataFrame, keys: Sequence[str], kind: str, skip: Sequence[str] = ()) -> dict:
    """Columns of ``df`` other than ``keys`` stacked into (variable, value), row-major."""
    values = [c for c in df.columns if c not in keys and c not in skip]
    cols = []
    for c in values:
        s = df[c]
        if c == "recognition":
            s = s.map(RECOGNITION_CODES)
        cols.append(s.to_numpy(dtype=float))
    n, v = len(df), len(values)
    out = {k: np.repeat(df[k].to_numpy(), v) for k in keys}
    out["kind"] = np.full(n * v, kind, dtype=object)
    out["variable"] = np.tile(np.array(values, dtype=object), n)
    out["value"] = np.column_stack(cols).ravel() if cols else np.empty(0)
    return out


def long_table(res) -> pd.DataFrame:
    """One run as the long table's rows (without run, seed and config_hash)."""
    parts = [
        _melt(res.pairs(), ["step", "date", "actor", "target"], "pair", skip=["goldstein"]),
        _melt(res.actors(), ["step", "date", "actor"], "actor"),
        _melt(res.factions(), ["step", "date", "actor", "faction"], "faction"),
    ]
    cols = LONG_COLUMNS[3:]
    frames = []
    for p in parts:
        n = len(p["value"])
        if not n:
            continue
        frames.append(
            pd.DataFrame({c: p[c] if c in p else np.full(n, "", dtype=object) for c in cols})
        )
    out = pd.concat(frames, ignore_index=True)
    out["step"] = out["step"].astype("int64")
    return out


def ensemble_record(res) -> tuple[pd.DataFrame, list[bool]]:
    """A run's long rows and its stylized facts in scenario order (a picklable reducer)."""
    from sim.record.facts import evaluate

    return long_table(res), list(evaluate(res).values())


def assemble(frames: Sequence[pd.DataFrame], seeds: Sequence[int], config_hash: str):
    """Concatenate runs' long rows, adding run (0..N-1), seed and config_hash in front."""
    sizes = [len(f) for f in frames]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "config_hash", config_hash)
    out.insert(0, "seed", np.repeat(np.asarray(seeds, dtype="int64"), sizes))
    out.insert(0, "run", np.repeat(np.arange(len(frames), dtype="int64"), sizes))
    return out[LONG_COLUMNS]


def ensemble_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """The wide pairs table of an ensemble: run, step, date, actor, target and each pair variable.

    This is what :func:`sim.report.plots.fan_chart_dataset` reads.
    """
    sub = table[table["kind"] == "pair"]
    keys = ["run", "step", "date", "actor", "target"]
    wide = sub.pivot(index=keys, columns="variable", values="value")
    wide = wide.reindex(pd.MultiIndex.from_frame(sub[keys].drop_duplicates()))
    wide = wide[list(dict.fromkeys(sub["variable"]))]  # rows and columns in the table's order
    wide.columns.name = None
    return wide.reset_index()


def events_table(cfg: RunConfig) -> pd.DataFrame:
    """The scenario's events (as :meth:`sim.record.results.Results.events`), for event markers."""
    rows = [
        (eid, ev.date, ev.label, ev.citation, ev.enabled and ev.scale > 0, ev.kind)
        for eid, ev in cfg.events.items()
    ]
    return pd.DataFrame(rows, columns=["event", "date", "label", "citation", "enabled", "kind"])


# --- many configurations ------------------------------------------------------------------


def _set(node, parts: list[str], value, key: str):
    head = parts[0]
    if isinstance(node, dict) and head not in node:
        valid = ", ".join(sorted(node)) if node else "(none)"
        raise ConfigError(key, value, f"not a configuration key; valid at this level: {valid}")
    if not isinstance(node, dict):
        raise ConfigError(key, value, "not a configuration key (a value has no sub-keys)")
    if len(parts) == 1:
        old = node[head]
        if isinstance(old, bool):
            value = bool(round(float(value)))
        elif isinstance(old, int):
            value = int(round(float(value)))
        node[head] = value
    else:
        _set(node[head], parts[1:], value, key)


def with_values(
    cfg: RunConfig, values: Mapping[str, object], complements: Mapping[str, str] | None = None
) -> RunConfig:
    """``cfg`` with dotted keys set (``mechanics.depth``, ``actors.USSR.factions.hawks.influence``).

    ``complements`` maps a key to another whose complement it takes (``doves ->
    hawks`` sets the doves' influence to 1 - the hawks'). The result is validated
    again (out-of-range values raise ConfigError). A key holding an integer
    (``mechanics.depth``) takes the value rounded.
    """
    from sim.scenario.schema import _no_interpolation, revalidate

    if not values and not complements:
        return cfg
    raw = cfg.model_dump(mode="python", by_alias=True)
    for key, v in values.items():
        _no_interpolation(v, key)
        _set(raw, key.split("."), v, key)
    for key, source in (complements or {}).items():
        node = raw
        for part in source.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ConfigError("complements", source, "not a configuration key")
            node = node[part]
        _set(raw, key.split("."), 1.0 - float(node), key)
    return revalidate(raw)  # the rest of raw is a validated configuration's data


def _points_chunk(cfg, names, tasks, fn, complements=None) -> list:
    """``fn`` of each (point, seed) task; the configuration is rebuilt when the point changes."""
    from sim.record.ensemble import replicate

    out, last, c = [], None, None
    for x, s in tasks:
        if last is None or not np.array_equal(x, last):
            c = with_values(cfg, dict(zip(names, x.tolist(), strict=True)), complements)
            last = x
        out.append(replicate(c, s, fn))
    return out


def map_points(
    config,
    names: Sequence[str],
    points: np.ndarray,
    seed_list: Sequence[int],
    fn: Callable,
    n_jobs: int = 1,
    chunks_per_job: int = 4,
    progress: bool = False,
    desc: str = "points",
    complements: Mapping[str, str] | None = None,
) -> list[list]:
    """``fn(results)`` for each point (row of ``points``, values of ``names``) and seed.

    Returns ``out[point][k]`` for seed ``seed_list[k]``, in order. Every point runs
    on the same seeds (common random numbers). The (point, seed) runs are cut into
    contiguous chunks, many runs per worker process, so one point with many seeds
    is spread over the workers too; results do not depend on ``n_jobs``.
    ``complements`` as in :func:`with_values`.
    """
    from sim.record.ensemble import default_jobs
    from sim.record.run import as_config

    cfg = as_config(config)
    names = list(names)
    points = np.atleast_2d(np.asarray(points, dtype=float))
    seed_list = list(seed_list)
    tasks = [(x, s) for x in points for s in seed_list]
    if n_jobs == -1:
        n_jobs = default_jobs()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(tasks), desc=desc, unit="run")
    flat: list = []
    if n_jobs <= 1 or len(tasks) < 2:
        for t in tasks:
            flat.extend(_points_chunk(cfg, names, [t], fn, complements))
            if bar is not None:
                bar.update(1)
    else:
        from sim.record.ensemble import chunk_bounds, run_chunks

        bounds = chunk_bounds(len(tasks), n_jobs, chunks_per_job)
        pieces = [(cfg, names, tasks[a:b], fn, complements) for a, b in bounds]
        flat = run_chunks(_points_chunk, pieces, n_jobs, bar)
    if bar is not None:
        bar.close()
    k = len(seed_list)
    return [flat[i * k : (i + 1) * k] for i in range(len(points))]


# --- the ensemble command ---------------------------------------------------------------


def boolean(text: str) -> bool:
    """A command-line boolean (true/false, yes/no, 1/0)."""
    t = str(text).strip().lower()
    if t in ("true", "yes", "1", "on"):
        return True
    if t in ("false", "no", "0", "off"):
        return False
    raise ValueError(text)


def text(value: str) -> str:
    return str(value)


def parse_pairs(spec: str, cfg: RunConfig) -> list[tuple[str, str]] | None:
    """``"USSR-PRC,US-PRC"`` as [("USSR", "PRC"), ("US", "PRC")]; empty means all pairs."""
    if not spec:
        return None
    ids = cfg.actor_ids
    out = []
    for item in spec.split(","):
        a, sep, b = item.strip().partition("-")
        if not sep or a not in ids or b not in ids or a == b:
            raise ConfigError(
                "pairs", spec, "comma-separated pairs of actors A-B; actors: " + ", ".join(ids)
            )
        out.append((a, b))
    return out


def parse_jobs(n: int) -> int:
    if n == -1 or n >= 1:
        return n
    raise ConfigError("n_jobs", n, "a whole number >= 1, or -1 for all cores")


def default_folder(cfg: RunConfig, kind: str, label: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(cfg.output.dir) / kind / cfg.name / f"{label}_{stamp}"


def check_folder(out: Path, key: str = "out") -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(key, str(out), "a new or empty folder")


def run_ensemble(
    cfg: RunConfig,
    runs: int,
    *,
    n_jobs: int = -1,
    progress: bool = False,
) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """Run ``runs`` seeded replicates: (long table, fact ids, facts array runs x facts)."""
    from sim.record.ensemble import map_runs, seeds
    from sim.record.provenance import config_hash

    seed_list = seeds(cfg, runs)
    recs = map_runs(cfg, seed_list, ensemble_record, n_jobs=n_jobs, progress=progress)
    table = assemble([r[0] for r in recs], seed_list, config_hash(cfg))
    ids = list(cfg.facts)
    facts = np.array([r[1] for r in recs], dtype=bool).reshape(len(recs), len(ids))
    return table, ids, facts


def facts_rates(cfg: RunConfig, ids: list[str], facts: np.ndarray) -> pd.DataFrame:
    rows = [
        (
            fid,
            float(facts[:, k].mean()),
            len(facts),
            cfg.facts[fid].description,
            cfg.facts[fid].citation,
        )
        for k, fid in enumerate(ids)
    ]
    return pd.DataFrame(rows, columns=["fact", "pass_rate", "runs", "description", "citation"])


def write_ensemble(
    folder: Path,
    cfg: RunConfig,
    raw: dict,
    table: pd.DataFrame,
    ids: list[str],
    facts: np.ndarray,
    *,
    fmt: str = "parquet",
    figures: bool = True,
    pairs_to_show: list[tuple[str, str]] | None = None,
    extra: dict | None = None,
) -> Path:
    """Write an ensemble folder (all or nothing)."""
    from sim.record.output import staged, write_json, write_tables, write_yaml
    from sim.record.provenance import record
    from sim.record.run import display_names

    with staged(folder) as stage:
        write_tables({"ensemble": table}, stage, [fmt])
        facts_rates(cfg, ids, facts).to_csv(
            stage / "facts.csv", index=False, float_format="%.10g", lineterminator="\n"
        )
        write_yaml(raw, stage / "config.yaml")
        runs = int(table["run"].max()) + 1 if len(table) else 0
        prov = record(
            cfg,
            runs=runs,
            seeds=[cfg.seed, cfg.seed + runs - 1],
            table=f"ensemble.{fmt}",
            layout="long: " + ", ".join(LONG_COLUMNS),
            **(extra or {}),
        )
        write_json(prov, stage / "provenance.json")
        if figures:
            from sim.report.plots import SAVE_DPI, fan_chart_panels

            (stage / "figures").mkdir()
            fig = fan_chart_panels(
                ensemble_pairs(table), events_table(cfg), display_names(cfg), pairs_to_show
            )
            fig.savefig(
                stage / "figures" / "fan_chart.png",
                dpi=SAVE_DPI,
                bbox_inches="tight",
                facecolor="white",
            )
    return Path(folder)


def output_options(overrides: list[str]) -> tuple[int, str, str, bool]:
    """Take the options every study command shares out of ``overrides``:
    ``n_jobs`` (workers), ``format`` (parquet|csv), ``out`` (folder), ``figures``."""
    n_jobs = parse_jobs(pop_option(overrides, "n_jobs", -1))
    fmt = pop_option(overrides, "format", "parquet", text)
    out = pop_option(overrides, "out", "", text)
    figures = pop_option(overrides, "figures", True, boolean)
    if fmt not in FORMATS:
        raise ConfigError("format", fmt, "parquet or csv")
    return n_jobs, fmt, out, figures


def cmd_ensemble(args: list[str]) -> int:
    """``cardplay ensemble [runs=100] [n_jobs=-1] [format=parquet|csv] [out=DIR]
    [pairs=A-B,...] [figures=true] [overrides]``."""
    from sim.record.ensemble import default_jobs

    overrides = list(args)
    runs = pop_option(overrides, "runs", 100)
    n_jobs, fmt, out, figures = output_options(overrides)
    pairs_spec = pop_option(overrides, "pairs", "", text)
    if runs < 1:
        raise ConfigError("runs", runs, "a whole number >= 1")
    raw, cfg = checked_config(overrides)
    pairs_to_show = parse_pairs(pairs_spec, cfg)
    folder = Path(out) if out else default_folder(cfg, "ensembles", f"runs{runs}_seed{cfg.seed}")
    check_folder(folder)
    jobs = default_jobs() if n_jobs == -1 else n_jobs
    t0 = time.perf_counter()
    table, ids, facts = run_ensemble(cfg, runs, n_jobs=jobs, progress=True)
    elapsed = time.perf_counter() - t0
    write_ensemble(
        folder,
        cfg,
        raw,
        table,
        ids,
        facts,
        fmt=fmt,
        figures=figures,
        pairs_to_show=pairs_to_show,
        extra={"n_jobs": jobs},
    )
    print(
        f"{cfg.title or cfg.name}: {runs} runs (seeds {cfg.seed}..{cfg.seed + runs - 1}) "
        f"on {jobs} process{'es' if jobs > 1 else ''} in {elapsed:.1f} s "
        f"({runs / elapsed:.1f} runs/s) -> {folder}"
    )
    print(f"  table: ensemble.{fmt}, {len(table):,} rows ({', '.join(LONG_COLUMNS)})")
    for k, fid in enumerate(ids):
        print(f"  {facts[:, k].mean():6.1%}  {fid}")
    return 0


# --- experiment files ---------------------------------------------------------------------


def experiment_path(name: str, prefix: str) -> Path:
    """``experiments/<name>.yaml`` (or a path to a YAML file); ConfigError lists the choices."""
    from sim.scenario.config import REPO

    p = Path(name)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    q = REPO / "experiments" / f"{name}.yaml"
    if name and q.exists():
        return q
    found = sorted(x.stem for x in (REPO / "experiments").glob(f"{prefix}*.yaml"))
    raise ConfigError("experiment", name, "valid: " + (", ".join(found) or "(none)"))


def load_experiment(name: str, prefix: str, allowed: Sequence[str]) -> tuple[Path, dict]:
    """Read an experiment file; unknown top-level keys raise ConfigError."""
    from sim.scenario import yamlfile

    path = experiment_path(name, prefix)
    spec = yamlfile.load(path) or {}  # data only; ConfigError names file and line
    if not isinstance(spec, dict):
        raise ConfigError("experiment", str(path), "a mapping of keys to values")
    for k in spec:
        if k not in allowed:
            raise ConfigError(k, spec[k], "unknown key; valid keys: " + ", ".join(allowed))
    yamlfile.check_counts(spec, yamlfile.shown(path))
    if spec.get("name", path.stem) != path.stem:
        raise ConfigError("name", spec["name"], f"the file's name, {path.stem!r}")
    return path, spec


def parse_parameters(spec, cfg: RunConfig, complements=None) -> tuple[list[str], np.ndarray]:
    """``{key: [low, high]}`` as (names, bounds array D x 2), each bound checked on ``cfg``."""
    if not isinstance(spec, dict) or not spec:
        raise ConfigError("parameters", spec, "a mapping of configuration keys to [low, high]")
    names, bounds = [], []
    for key, b in spec.items():
        ok = isinstance(b, (list, tuple)) and len(b) == 2
        ok = ok and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in b)
        if not ok or not b[0] < b[1]:
            raise ConfigError(f"parameters.{key}", b, "[low, high] with low < high")
        for v in b:
            with_values(cfg, {key: v}, complements)  # raises ConfigError if out of range
        names.append(str(key))
        bounds.append([float(b[0]), float(b[1])])
    return names, np.array(bounds)


def parse_complements(spec) -> dict[str, str]:
    if spec is None:
        return {}
    if not isinstance(spec, dict) or not all(isinstance(v, str) for v in spec.values()):
        raise ConfigError("complements", spec, "a mapping of key: the key it complements")
    return {str(k): v for k, v in spec.items()}
