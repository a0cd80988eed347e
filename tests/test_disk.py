"""The destination is checked first (issue 15): a taken, unwritable or impossible folder
is one line and exit 2 before anything is composed or computed; default folder names
are unique; a write that fails leaves nothing behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sim.cli
from sim.commands import COMMANDS
from sim.record.output import default_folder, remove_stale, staged
from sim.scenario.errors import ConfigError
from tests.cli_contract import error_line

UNWRITABLE = "/proc/cardplay-nope"  # not even root can make a folder in /proc


def call(capsys, *args) -> tuple[int, str]:
    return 2, error_line(capsys, list(args))


@pytest.fixture
def nothing_runs(monkeypatch):
    """Fail the test if a simulation starts."""

    def refuse(*args, **kwargs):
        raise AssertionError("computation started before the destination was checked")

    monkeypatch.setattr("sim.record.run.simulate", refuse)
    monkeypatch.setattr("sim.hydra_app.run_folder", refuse)


def writing_commands() -> list[str]:
    return [n for n, c in COMMANDS.items() if c.option("out") and n != "report"]


@pytest.mark.parametrize("name", writing_commands())
def test_unwritable_destination_is_refused_at_once(capsys, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sim.cli, "command", lambda n: pytest.fail("the command started"))
    code, line = call(capsys, name, f"out={UNWRITABLE}", *extra(name))
    assert code == 2 and line.startswith(f"config error: out = '{UNWRITABLE}': a writable place")


@pytest.mark.parametrize("name", writing_commands())
def test_existing_folder_is_refused_at_once(capsys, tmp_path, monkeypatch, name):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "results.csv").write_text("old\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sim.cli, "command", lambda n: pytest.fail("the command started"))
    code, line = call(capsys, name, f"out={taken}", *extra(name))
    assert code == 2 and line.startswith(f"config error: out = '{taken}': a new or empty folder")
    assert (taken / "results.csv").read_text() == "old\n"


def extra(name: str) -> list[str]:
    return ["variant=seed=1"] if name == "compare" else []


def test_a_path_under_a_file_is_refused(capsys, tmp_path, monkeypatch, nothing_runs):
    (tmp_path / "file").write_text("x")
    monkeypatch.chdir(tmp_path)
    code, line = call(capsys, "run", f"out={tmp_path / 'file' / 'run'}")
    assert code == 2 and "is a file" in line


def test_run_default_folder_unwritable_root(capsys, tmp_path, monkeypatch, nothing_runs):
    monkeypatch.chdir(tmp_path)
    code, line = call(capsys, "run", f"output.dir={UNWRITABLE}")
    assert code == 2 and line.startswith("config error: output.dir = ")


def test_report_refuses_to_overwrite_a_file(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "debrief.html"
    target.write_text("mine")
    monkeypatch.setattr(sim.cli, "command", lambda n: pytest.fail("the command started"))
    code, line = call(capsys, "report", str(tmp_path), f"out={target}")
    assert code == 2 and line.startswith(f"config error: out = '{target}': a new file")
    assert target.read_text() == "mine"


def test_default_folder_names_are_unique(tmp_path):
    a = default_folder(tmp_path, "seed1")
    a.mkdir()
    b = default_folder(tmp_path, "seed1")
    assert a != b and not b.exists()
    stamp = a.name.removeprefix("seed1_")
    assert len(stamp) == len("20250101-120000-123")  # milliseconds in the name
    taken = tmp_path / f"seed1_{stamp}"
    assert taken.exists()


def test_a_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "new" / "deeper" / "run"
    with pytest.raises(RuntimeError), staged(target) as stage:
        (stage / "half.csv").write_text("1,2\n")
        raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []  # the stage and the parents it made are gone


def test_two_writers_into_one_folder_leave_no_partial(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(ConfigError, match="filled meanwhile"), staged(target) as stage:
        (stage / "b.txt").write_text("second")
        target.mkdir()  # another run finished into the same folder meanwhile
        (target / "a.txt").write_text("first")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]


def test_stale_partials_are_removed_live_ones_kept(tmp_path):
    dead = tmp_path / f".run.partial-{dead_pid()}"
    dead.mkdir()
    reused = tmp_path / ".old.partial-1"  # pid 1 lives, but began after this stage was made
    reused.mkdir()
    os.utime(reused, (0, 0))
    mine = tmp_path / f".mine.partial-{os.getpid()}"
    mine.mkdir()
    remove_stale(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name]


def dead_pid() -> int:
    import subprocess
    import sys

    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_destination_errors_are_config_errors(tmp_path):
    from sim.record.output import destination

    with pytest.raises(ConfigError, match="inside the output root"):
        destination(tmp_path / "root" / ".." / "elsewhere", root=tmp_path / "root")
    assert destination(tmp_path / "fresh") == Path(tmp_path / "fresh").resolve()
    assert not (tmp_path / "fresh").exists()  # checking creates nothing
