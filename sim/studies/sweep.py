"""Hydra sweeps with many replicates per job, a results store, resume and one gathered table.

A named sweep is an experiment config (``experiments/sweep_*.yaml``, the Hydra
config group ``experiment``) that includes ``experiments/sweep.yaml``::

    cardplay --multirun +experiment=sweep_hawks_depth               # the named grid
    cardplay --multirun +experiment=sweep mechanics.depth=0,1,2 replicates=20

(``python -m sim.studies.sweep`` is the same application.) Each Hydra job is one
configuration; it runs ``replicates`` seeded replicates in its own process
(seeds ``seed .. seed+replicates-1``, the same for every job: common random
numbers) and stores them in ``<sweep dir>/store/<key>.parquet``, with ``key =
<config hash>-seed<seed>x<replicates>`` (:func:`sim.record.provenance.config_hash`,
seed and output options excluded), written atomically. A job whose store file
exists skips the simulation, so rerunning an interrupted sweep redoes only the
missing jobs and loses none. Each job also leaves ``jobs/<num>/job.json``
(its overrides and store key). At the end the :class:`GatherResults` callback
(``on_multirun_end``) concatenates the jobs' results, in job order, into
``<sweep dir>/results.parquet``: one row per job and replicate with the job
number, the swept values (one column per overridden key), ``config_hash``,
``run``, ``seed``, one boolean column per stylized fact and ``pass_rate``. With
``study.record=series`` it also writes ``series.parquet``, the long table of
:mod:`sim.studies.study` with the job and swept columns in front.

Results depend only on the configuration and the seeds, never on the launcher:
the gathered table is byte-identical serially (Hydra's basic launcher), with
``hydra/launcher=joblib`` and with ``hydra/launcher=submitit_local`` (or
``submitit_slurm`` on a cluster).

Options (top-level keys the sweep base adds; stripped before validation):
``replicates`` (replicates per job), ``study.name`` (folder under
``<output.dir>/sweeps/``), ``study.record`` (``facts`` or ``series``),
``study.n_jobs`` (worker processes inside one job; the launcher already runs
jobs in parallel).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from pathlib import Path
from typing import Any

import hydra
import pandas as pd
from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.scenario.config import CONFIG_DIR
from sim.scenario.errors import ConfigError
from sim.studies.gather import (
    JOBS,
    RESULTS,
    SERIES,
    STORE,
    atomic_parquet,
    atomic_text,
    clear_markers,
    gather,
    markers,
)

RECORDS = ("facts", "series")
#: Overridden keys that are not swept parameters (sweep machinery and output options).
NOT_PARAMS = ("hydra", "experiment", "replicates", "study", "output", "seed")


# --- one job ----------------------------------------------------------------------------


def options(raw: dict) -> tuple[int, dict]:
    """Pop and check the sweep options (``replicates``, ``study``) from a composed config."""
    reps = raw.pop("replicates", None)
    study = dict(raw.pop("study", None) or {})
    if not isinstance(reps, int) or isinstance(reps, bool) or reps < 1:
        raise ConfigError("replicates", reps, "a whole number >= 1")
    name = study.get("name")
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        raise ConfigError("study.name", name, "a folder name (no '/')")
    record = study.get("record", "facts")
    if record not in RECORDS:
        raise ConfigError("study.record", record, "facts or series")
    n_jobs = study.get("n_jobs", 1)
    if not isinstance(n_jobs, int) or not (n_jobs == -1 or n_jobs >= 1):
        raise ConfigError("study.n_jobs", n_jobs, "a whole number >= 1, or -1 for all cores")
    comp = study.get("complements") or {}
    if not isinstance(comp, dict):
        raise ConfigError("study.complements", comp, "a mapping of key: key it complements")
    study.update(name=name, record=record, n_jobs=n_jobs, complements=comp)
    return reps, study


def apply_complements(raw: dict, complements: dict) -> None:
    """Set each key to 1 minus another (faction influences must sum to 1).

    ``{actors.USSR.factions.doves.influence: actors.USSR.factions.hawks.influence}``
    gives the doves whatever influence the (swept) hawks leave.
    """
    from sim.studies.points import _set

    for target, source in complements.items():
        value = _lookup(raw, source)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ConfigError("study.complements", source, "a numeric configuration key")
        _set(raw, str(target).split("."), 1.0 - float(value), f"study.complements.{target}")


def job_config(raw: dict):
    """A job's checked configuration: (validated config, replicates, study options).
    Pops the sweep options from ``raw``; raises ConfigError."""
    from sim.scenario.schema import validate

    replicates, study = options(raw)
    apply_complements(raw, study["complements"])
    return validate(raw), replicates, study


def check_job(raw: dict) -> None:
    """What a job checks before computing (its options, then its configuration); the
    command line calls it for every sweep point before launching any job."""
    job_config(json.loads(json.dumps(raw)))  # a copy: the checks pop and set keys


def store_key(cfg, replicates: int) -> str:
    """The store key of a job: configuration hash (no seed, no output options), seeds."""
    from sim.record.provenance import config_hash

    return f"{config_hash(cfg)}-seed{cfg.seed}x{replicates}"


def _lookup(raw: dict, key: str):
    node: Any = raw
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, (int, float, str, bool)) else None


def swept_values(task_overrides, raw: dict) -> dict:
    """The job's overridden keys and their values (typed, from the composed config).

    Sweep machinery (``replicates``, ``study.*``, ``+experiment``), output options
    and ``seed`` (the ``seed`` column has it) are left out.
    """
    out = {}
    for o in task_overrides:
        if o.startswith("~") or "=" not in o:
            continue
        key, _, value = o.lstrip("+").partition("=")
        if key.split(".")[0].split("/")[0] in NOT_PARAMS:
            continue
        found = _lookup(raw, key)
        out[key] = value if found is None else found
    return out


def fact_rows(cfg, recs: list[list[bool]], seed_list: list[int], chash: str) -> pd.DataFrame:
    """One row per replicate: config_hash, run, seed, each fact, pass_rate."""
    import numpy as np

    ids = list(cfg.facts)
    m = np.array(recs, dtype=bool).reshape(len(recs), len(ids))
    df = pd.DataFrame(
        {
            "config_hash": [chash] * len(recs),
            "run": np.arange(len(recs), dtype="int64"),
            "seed": np.asarray(seed_list, dtype="int64"),
        }
    )
    for k, fid in enumerate(ids):
        df[fid] = m[:, k]
    df["pass_rate"] = m.mean(axis=1) if ids else np.nan
    return df


def compute(cfg, replicates: int, record: str, n_jobs: int, series: Path) -> pd.DataFrame:
    """A job's results (facts per replicate); with ``record == "series"`` its long table
    is streamed to ``series`` as the runs come (:mod:`sim.studies.long_table`)."""
    from sim.record.ensemble import fact_row, map_runs, seeds
    from sim.record.provenance import config_hash
    from sim.record.workers import set_threads
    from sim.studies.long_table import TableSink
    from sim.studies.study import stream_ensemble

    set_threads(1)  # the launcher runs jobs in parallel: one thread per job process
    seed_list = seeds(cfg, replicates)
    chash = config_hash(cfg)
    if record == "series":
        ens, sink = stream_ensemble(
            cfg, replicates, lambda rows, h: TableSink(rows, h, series), n_jobs=n_jobs
        )
        sink.close()
        return fact_rows(cfg, list(ens.facts), seed_list, chash)
    recs = map_runs(cfg, seed_list, fact_row, n_jobs=n_jobs)
    return fact_rows(cfg, recs, seed_list, chash)


def run_job(raw: dict) -> str:
    """The Hydra task of a sweep job: compute (or find) its results, leave its job marker.

    ``raw`` is the job's composed configuration as a plain dict (``hydra`` removed);
    returns the path of the job's store file.
    """
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode

    from sim.record import provenance
    from sim.record.workers import die_with_parent

    launcher = mp.parent_process()  # a launcher's worker (joblib): end with the sweep
    if launcher is not None and launcher.pid:
        die_with_parent(launcher.pid, kernel_signal=False)
    hc = HydraConfig.get()
    params = swept_values(list(hc.overrides.task), raw)
    cfg, replicates, study = job_config(raw)
    sweep_dir = Path(str(hc.sweep.dir))
    single = hc.mode == RunMode.RUN
    if single:
        clear_markers(sweep_dir)
        job_dir, num = sweep_dir / JOBS / "0", 0
    else:
        job_dir, num = Path(hc.runtime.output_dir), int(hc.job.num)
    store = sweep_dir / STORE
    store.mkdir(parents=True, exist_ok=True)
    key = store_key(cfg, replicates)
    paths = {RESULTS: store / f"{key}.parquet", SERIES: store / f"{key}.{SERIES}.parquet"}
    need = [RESULTS, SERIES] if study["record"] == "series" else [RESULTS]
    done = all(paths[k].exists() for k in need)
    sidecar = store / f"{key}.json"
    if not done:
        tmp = paths[SERIES].with_name(f".{paths[SERIES].name}.tmp-{os.getpid()}")
        try:
            results = compute(cfg, replicates, study["record"], study["n_jobs"], tmp)
            prov = provenance.record(cfg, replicates=replicates, record=study["record"])
            atomic_text(json.dumps(prov, indent=2, sort_keys=True) + "\n", sidecar)
            if SERIES in need:
                os.replace(tmp, paths[SERIES])
            atomic_parquet(results, paths[RESULTS])  # last: it marks the job complete
        finally:
            tmp.unlink(missing_ok=True)
    elif sidecar.exists():
        then = json.loads(sidecar.read_text()).get("git_commit")
        if then != provenance.git_commit():
            print(
                f"warning: job {num} reuses results made at commit {then} "
                f"(now {provenance.git_commit()}); delete {store} to recompute"
            )
    job_dir.mkdir(parents=True, exist_ok=True)
    marker = {
        "job": num,
        "key": key,
        "params": params,
        "overrides": list(hc.overrides.task),
        "replicates": replicates,
        "seed": cfg.seed,
        "record": study["record"],
        "computed": not done,
    }
    atomic_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", job_dir / "job.json")
    word = "computed" if not done else "reused"
    print(f"job {num}: {' '.join(f'{k}={v}' for k, v in params.items())} -> {key} ({word})")
    if single:
        gather(sweep_dir)
    return str(paths[RESULTS])


def _container(node) -> dict:
    return OmegaConf.to_container(node) if OmegaConf.is_config(node) else dict(node or {})


class GatherResults(Callback):
    """Hydra callback of named sweeps (experiments/sweep.yaml).

    ``on_multirun_start`` forgets the previous invocation's job markers (the store
    stays: that is the resume); ``on_multirun_end`` gathers all jobs' results
    into ``results.parquet`` and writes ``sweep.json`` (provenance).
    """

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        clear_markers(Path(str(config.hydra.sweep.dir)))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        from sim.record import provenance

        sweep_dir = Path(str(config.hydra.sweep.dir))
        formats = list(OmegaConf.select(config, "output.formats", default=["parquet"]))
        written = gather(sweep_dir, formats)
        ms = markers(sweep_dir)
        computed = sum(m["computed"] for m in ms)
        info = {
            "sweep": str(OmegaConf.select(config, "study.name")),
            "jobs": len(ms),
            "computed": computed,
            "reused": len(ms) - computed,
            "replicates": OmegaConf.select(config, "replicates"),
            "launcher": str(OmegaConf.select(config, "hydra.launcher._target_")),
            "overrides": list(config.hydra.overrides.task),
            "sweeper_params": _container(config.hydra.sweeper.get("params")),
            "tables": {k: str(v.name) for k, v in written.items()},
            "git_commit": provenance.git_commit(),
            "versions": provenance.versions(),
        }
        atomic_text(json.dumps(info, indent=2, sort_keys=True) + "\n", sweep_dir / "sweep.json")
        if RESULTS in written:
            print(
                f"sweep {info['sweep']}: {len(ms)} jobs ({computed} computed, "
                f"{len(ms) - computed} reused) x {info['replicates']} replicates -> "
                f"{written[RESULTS]}"
            )


# --- the application --------------------------------------------------------------------


def task(cfg: DictConfig) -> str:
    """A sweep job (what ``cardplay --multirun`` runs for a named sweep)."""
    raw = OmegaConf.to_container(cfg, resolve=True)
    raw.pop("hydra", None)
    try:
        if "study" not in raw:
            raise ConfigError(
                "experiment", None, "a sweep experiment: +experiment=sweep or +experiment=sweep_*"
            )
        return run_job(raw)
    except ConfigError as exc:  # a plain error travels back from worker processes
        raise ValueError(exc.line()) from None


sweep_app = hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base=None)(task)

if __name__ == "__main__":
    from sim.scenario.options import guarded

    guarded(sweep_app, check_job)
