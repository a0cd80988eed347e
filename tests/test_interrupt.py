"""Interrupting ``cardplay run`` (issue 15): SIGTERM and SIGINT stop it like Ctrl+C, with
one line, status 143 or 130, and no folder or partial left; SIGKILL cannot be handled,
so the next run removes what a killed one left.

The signals are sent at moments the test observes (the handler installed, read in
``/proc/<pid>/status``; the staging folder on disk), never after a guessed delay.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import HANG_GUARD

slow = pytest.mark.slow
linux = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")


def start(out: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "run", "seed=2", f"output.dir={out}", *args],
        cwd=out.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def catches(pid: int, signum: int) -> bool:
    """Has the process installed a handler for ``signum`` (``SigCgt`` in /proc)?"""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(int(x.split()[1], 16) for x in status.splitlines() if x.startswith("SigCgt:"))
    return bool(mask >> (signum - 1) & 1)


def wait_for(proc: subprocess.Popen, ready) -> bool:
    """Poll until ``ready()`` or the process ends; True if ready while it ran."""
    deadline = time.monotonic() + HANG_GUARD  # a hang guard, not a speed check
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            return True
        time.sleep(0.002)
    return False


def finish(proc: subprocess.Popen) -> tuple[int, str]:
    _, err = proc.communicate(timeout=HANG_GUARD)
    return proc.returncode, err


def leftovers(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out.parent)) for p in out.parent.rglob("*"))


def staging(out: Path) -> list[Path]:
    return list(out.glob("*/.*.partial-*"))


def assert_clean_stop(code: int, err: str, signum: int, out: Path) -> None:
    assert code == 128 + signum, err
    lines = [x for x in err.strip().splitlines() if x.startswith("interrupted")]
    assert len(lines) == 1 and signal.Signals(signum).name in lines[0], err
    assert "Traceback" not in err, err
    assert leftovers(out) == [], leftovers(out)


@linux
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_while_computing_leaves_nothing(tmp_path, signum):
    out = tmp_path / "out"
    proc = start(out)
    # Python catches SIGINT from the start; the command's handlers come in with SIGTERM's
    assert wait_for(proc, lambda: catches(proc.pid, signal.SIGTERM)), finish(proc)
    proc.send_signal(signum)
    assert_clean_stop(*finish(proc), signum, out)


@linux
def test_sigterm_while_writing_leaves_no_folder_and_no_partial(tmp_path):
    out = tmp_path / "out"
    proc = start(out)
    assert wait_for(proc, lambda: staging(out)), finish(proc)  # the run folder is being written
    proc.send_signal(signal.SIGTERM)
    assert_clean_stop(*finish(proc), signal.SIGTERM, out)


@slow
@linux
def test_next_run_removes_what_a_killed_run_left(tmp_path):
    out = tmp_path / "out"
    proc = start(out)
    assert wait_for(proc, lambda: staging(out)), finish(proc)
    proc.send_signal(signal.SIGKILL)  # cannot be handled: the stage stays
    finish(proc)
    (stage,) = staging(out)
    r = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "seed=2", f"output.dir={out}",
         "output.figures=false", "output.narrative=false"],
        cwd=tmp_path, capture_output=True, text=True, timeout=HANG_GUARD,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert not stage.exists() and staging(out) == []
    (folder,) = (out / "1969_border_clash").iterdir()
    assert (folder / "provenance.json").exists()


def test_interrupted_report_write_leaves_no_partial(tmp_path, monkeypatch):
    from sim.record.output import atomic_text

    def interrupted(self, *args, **kwargs):
        Path.write_bytes(self, b"<html>half")
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_text(tmp_path / "debrief.html", "<html>whole</html>")
    assert list(tmp_path.iterdir()) == []


def test_handlers_are_restored_after_a_command(capsys):
    from sim.cli import main

    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    with pytest.raises(SystemExit):
        main(["run", "mechanics.depth=9"])
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    capsys.readouterr()


def test_cli_handler_turns_sigterm_into_a_clean_stop(capsys, tmp_path, monkeypatch):
    """In process: a SIGTERM while a command runs is one line and status 143."""
    import sim.cli

    def slow_command(args):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(HANG_GUARD)  # the handler interrupts this at once

    monkeypatch.setattr(sim.cli, "command", lambda name: slow_command)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        sim.cli.main(["report", str(tmp_path)])
    assert exc.value.code == 143
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("interrupted (SIGTERM)")
