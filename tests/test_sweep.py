"""Named Hydra sweeps: many replicates per job, launcher-independent bytes, resume."""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.studies.sweep import swept_values
from tests import HANG_GUARD

slow = pytest.mark.slow

SWEEP = [sys.executable, "-m", "sim.studies.sweep"]
HAWKS = "actors.USSR.factions.hawks.influence=0.35"
GRID = ["+experiment=sweep_hawks_depth", HAWKS, "mechanics.depth=0,1"]


def sweep(out: Path, *args: str, cmd=SWEEP, timeout=HANG_GUARD) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [*cmd, "--multirun", *args, f"output.dir={out}"],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=out.parent,
    )
    return r


def folder(out: Path, name="hawks_depth") -> Path:
    return out / "sweeps" / name


def jobs(out: Path, name="hawks_depth") -> list[dict]:
    ms = [json.loads(p.read_text()) for p in folder(out, name).glob("jobs/*/job.json")]
    return sorted(ms, key=lambda m: m["job"])


@pytest.fixture(scope="module")
def joblib_sweep(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("joblib") / "out"
    r = sweep(out, *GRID, "replicates=3")
    assert r.returncode == 0, r.stderr[-3000:]
    return out


@slow
def test_gathered_table(joblib_sweep):
    t = pd.read_parquet(folder(joblib_sweep) / "results.parquet")
    assert list(t.columns[:6]) == [
        "job",
        "actors.USSR.factions.hawks.influence",  # the sweep's order (experiment params first)
        "mechanics.depth",
        "config_hash",
        "run",
        "seed",
    ]
    assert t.columns[-1] == "pass_rate"
    assert len(t) == 2 * 3
    assert t["job"].tolist() == [0, 0, 0, 1, 1, 1]
    assert t["mechanics.depth"].tolist() == [0, 0, 0, 1, 1, 1]
    assert t["seed"].tolist() == [0, 1, 2] * 2  # common random numbers across jobs
    assert t["config_hash"].nunique() == 2
    facts = t.columns[6:-1]
    assert len(facts) >= 1 and all(t[f].dtype == bool for f in facts)
    assert t["pass_rate"].between(0, 1).all()
    info = json.loads((folder(joblib_sweep) / "sweep.json").read_text())
    assert info["jobs"] == 2 and info["computed"] == 2 and "JoblibLauncher" in info["launcher"]
    assert (folder(joblib_sweep) / "multirun.yaml").exists()


@slow
@pytest.mark.parametrize("launcher", ["basic", "submitit_local"])
def test_launchers_give_identical_bytes(joblib_sweep, tmp_path, launcher):
    out = tmp_path / "out"
    r = sweep(out, *GRID, "replicates=3", f"hydra/launcher={launcher}")
    assert r.returncode == 0, r.stderr[-3000:]
    a = (folder(joblib_sweep) / "results.parquet").read_bytes()
    b = (folder(out) / "results.parquet").read_bytes()
    assert a == b


@slow
def test_resume_after_lost_job_reruns_only_that_job(tmp_path):
    out = tmp_path / "out"
    grid = [*GRID[:2], "mechanics.depth=0,1,2", "replicates=2", "study.record=series"]
    r = sweep(out, *grid)
    assert r.returncode == 0, r.stderr[-3000:]
    first = jobs(out)
    assert [m["computed"] for m in first] == [True, True, True]
    results = (folder(out) / "results.parquet").read_bytes()
    series = pd.read_parquet(folder(out) / "series.parquet")
    assert {"job", "mechanics.depth", "kind", "variable", "value"} <= set(series.columns)
    # "kill" the sweep: job 1's results were never written, nor the gathered table
    lost = first[1]["key"]
    (folder(out) / "store" / f"{lost}.parquet").unlink()
    (folder(out) / "results.parquet").unlink()
    stamps = {p.name: p.stat().st_mtime_ns for p in (folder(out) / "store").glob("*.parquet")}
    r = sweep(out, *grid)
    assert r.returncode == 0, r.stderr[-3000:]
    again = jobs(out)
    assert [m["computed"] for m in again] == [False, True, False]
    assert [m["key"] for m in again] == [m["key"] for m in first]
    for p in (folder(out) / "store").glob("*.parquet"):
        if p.name in stamps and not p.name.startswith(lost):
            assert p.stat().st_mtime_ns == stamps[p.name], "a complete job was redone"
    assert (folder(out) / "results.parquet").read_bytes() == results
    pd.testing.assert_frame_equal(pd.read_parquet(folder(out) / "series.parquet"), series)


@slow
def test_resume_after_killed_sweep(tmp_path):
    out = tmp_path / "out"
    grid = [*GRID[:2], "mechanics.depth=0,1,2", "replicates=3", "hydra/launcher=basic"]
    proc = subprocess.Popen(
        [*SWEEP, "--multirun", *grid, f"output.dir={out}"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    store = folder(out) / "store"
    while proc.poll() is None and not list(store.glob("*.parquet")):
        time.sleep(0.05)  # until the first job is stored (or the sweep ends)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = {p.stem for p in store.glob("*.parquet")}
    assert done, "no job finished before the kill"
    assert not (folder(out) / "results.parquet").exists() or len(done) == 3
    r = sweep(out, *grid)
    assert r.returncode == 0, r.stderr[-3000:]
    ms = jobs(out)
    assert len(ms) == 3
    assert {m["key"] for m in ms if not m["computed"]} == done
    t = pd.read_parquet(folder(out) / "results.parquet")
    assert t["job"].tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert not list(store.glob(".*tmp*")), "a partial file was left in the store"


@slow
def test_bad_sweep_option_fails(tmp_path):
    out = tmp_path / "out"
    r = sweep(out, *GRID, "replicates=0", "hydra/launcher=basic")
    assert r.returncode != 0
    assert "replicates = 0" in r.stderr
    assert not (folder(out) / "results.parquet").exists()


def test_slurm_preset_composes(tmp_path):
    r = subprocess.run(
        [*SWEEP, "+experiment=sweep_hawks_depth", "hydra/launcher=slurm",
         "hydra.launcher.partition=short", "--cfg", "hydra", "-p", "hydra.launcher"],
        capture_output=True, text=True, cwd=tmp_path, timeout=HANG_GUARD,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "SlurmLauncher" in r.stdout and "partition: short" in r.stdout


def test_swept_values_are_typed():
    raw = {"mechanics": {"depth": 2, "temperature": 0.01}, "name": "x"}
    got = swept_values(
        ["+experiment=sweep", "mechanics.depth=2", "mechanics.temperature=0.01",
         "replicates=3", "study.name=a", "output.dir=/x", "seed=4", "scenario=x"],
        raw,
    )  # fmt: skip
    assert got == {"mechanics.depth": 2, "mechanics.temperature": 0.01, "scenario": "x"}


@slow
@pytest.mark.skipif(
    importlib.util.find_spec("hydra_plugins.hydra_ray_launcher") is None,
    reason="the Ray launcher is an optional extra (pip install -e '.[ray]')",
)
def test_ray_launcher_on_local_ray_gives_identical_bytes(joblib_sweep, tmp_path):
    out = tmp_path / "out"
    r = sweep(
        out, *GRID, "replicates=3", "hydra/launcher=ray_local", "hydra.launcher.ray.init.num_cpus=2"
    )
    assert r.returncode == 0, r.stderr[-3000:]
    a = (folder(joblib_sweep) / "results.parquet").read_bytes()
    assert (folder(out) / "results.parquet").read_bytes() == a


def _routed() -> bool:
    import sim.hydra_app

    return "sim.studies.sweep" in inspect.getsource(sim.hydra_app)


@slow
@pytest.mark.skipif(not _routed(), reason="cardplay --multirun does not route named sweeps yet")
def test_cardplay_multirun_is_the_same_sweep(joblib_sweep, tmp_path):
    out = tmp_path / "out"
    r = sweep(out, *GRID, "replicates=3", cmd=[sys.executable, "-m", "sim.cli"])
    assert r.returncode == 0, r.stderr[-3000:]
    a = (folder(joblib_sweep) / "results.parquet").read_bytes()
    assert (folder(out) / "results.parquet").read_bytes() == a
