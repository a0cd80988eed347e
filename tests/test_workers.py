"""Ensemble workers never outlive the command: SIGKILL, SIGTERM or SIGINT to the parent
alone leaves no worker process and no writer of its stdout (``| tee`` ends).

Each test starts ``cardplay ensemble`` with far more runs than it will finish, waits
until its workers are up, signals the parent, and polls the process table until the
workers are gone. No timing is asserted: the loops end when the condition holds, and
``HANG_GUARD`` only stops a test that would otherwise hang for good.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import HANG_GUARD

slow = pytest.mark.slow


def proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, pgrp) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            st = proc_stat(int(p.name))
            if st and st[1] == pid and st[0] != "Z":
                out.append(int(p.name))
    return out


def alive(pids: list[int]) -> list[int]:
    return [p for p in pids if (st := proc_stat(p)) is not None and st[0] != "Z"]


def until(condition, what: str):
    """Poll ``condition`` until it is truthy (hang guard only); returns its value."""
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"hang guard: {what}")


@contextmanager
def started(args: list[str], cwd: Path) -> Iterator[subprocess.Popen]:
    """A ``python`` command in its own session (the test can clean up whatever happens)."""
    proc = subprocess.Popen([sys.executable, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        yield proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def workers_of(proc: subprocess.Popen) -> list[int]:
    return until(
        lambda: (len(w := children(proc.pid)) >= 2 and w) or proc.poll() is not None,
        "the ensemble's workers never started",
    )


@slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    "sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name
)
def test_signal_to_parent_leaves_no_worker(tmp_path, sig):
    args = ["-m", "sim.cli", "ensemble", "runs=100000", "n_jobs=2", "figures=false",
            f"out={tmp_path / 'ens'}"]  # fmt: skip
    with started(args, tmp_path) as proc:
        workers = workers_of(proc)
        assert workers is not True, "the ensemble ended before its workers were seen"
        pgrp = proc_stat(proc.pid)[2]
        assert all(proc_stat(w)[2] == pgrp for w in alive(workers)), "a worker left the group"
        os.kill(proc.pid, sig)  # the parent alone, as `kill <pid>` does
        until(lambda: not alive(workers), f"workers {alive(workers)} outlived the parent")
        proc.stdout.read()  # EOF: no process holds the pipe any more, so `| tee` ends
        proc.wait()
        if sig != signal.SIGKILL:
            assert proc.returncode == 128 + sig
        assert not list(tmp_path.glob("ens*")), "an interrupted ensemble left a folder"


@slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_sweep_leaves_no_job_process(tmp_path):
    out = tmp_path / "out"
    args = ["-m", "sim.studies.sweep", "--multirun", "+experiment=sweep_hawks_depth",
            "actors.USSR.factions.hawks.influence=0.35", "mechanics.depth=0,1",
            "replicates=10000", f"output.dir={out}"]  # fmt: skip
    jobs = out / "sweeps" / "hawks_depth" / "jobs"
    with started(args, tmp_path) as proc:
        until(lambda: (jobs / "0").exists() and (jobs / "1").exists() or proc.poll() is not None,
              "the sweep's jobs never started")  # fmt: skip
        assert proc.poll() is None, "the sweep ended before the test could kill it"
        workers = children(proc.pid)
        assert workers, "no job process seen"
        os.kill(proc.pid, signal.SIGKILL)
        until(lambda: not alive(workers), f"job processes {alive(workers)} outlived the sweep")
        proc.stdout.read()
