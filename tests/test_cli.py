"""The command line: a run writes its folder; help and version on every command; one
option language; bad input is one line, exit 2, nothing written (issues 14, 15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import check_options
from sim.commands import COMMANDS
from tests import HANG_GUARD
from tests.cli_contract import run_main

CARDPLAY = [sys.executable, "-m", "sim.cli"]
HEAVY = ("mesa", "matplotlib", "numba", "pandas", "hydra", "omegaconf", "pydantic")


def cardplay(*args, cwd):
    return subprocess.run(
        [*CARDPLAY, *args], capture_output=True, text=True, cwd=cwd, timeout=HANG_GUARD
    )


def call(capsys, *args) -> tuple[int, str, str]:
    """``cardplay <args>`` in this process: (status, stdout, stderr)."""
    return run_main(capsys, list(args))


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("config error: ") and "Traceback" not in err
    return lines[0]


def test_run_writes_a_complete_folder(tmp_path):
    out = tmp_path / "out"
    r = cardplay("run", "seed=3", f"output.dir={out}", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    (folder,) = list((out / "1969_border_clash").iterdir())
    for name in [
        "config.yaml",
        "provenance.json",
        "facts.csv",
        "narrative.md",
        "tables/pairs.parquet",
        "tables/pairs.csv",
        "tables/log.csv",
        "tables/actors.parquet",
        "tables/triangles.csv",
        "tables/factions.csv",
        "figures/relations.png",
        "figures/roles.png",
        "figures/utilities.png",
    ]:
        assert (folder / name).stat().st_size > 0, name
    assert "stylized facts:" in r.stdout
    assert "Zhenbao Island clash" in (folder / "narrative.md").read_text()
    assert folder.name.startswith("seed3_") and len(folder.name.split("-")) == 3  # sub-second
    pairs = pd.read_csv(folder / "tables" / "pairs.csv", dtype=str)
    noise = pairs.apply(lambda c: c.str.contains(r"e-(?:1[1-9]|[2-9]\d)", na=False)).any()
    assert not noise.any(), "CSV float noise such as 3.8e-12"


@pytest.mark.parametrize(
    "override, key",
    [
        ("actors.USSR.weights.security=1.7", "actors.USSR.weights.security"),
        ("actors.XX.weights.security=0.5", "actors.XX"),
        ("events.zhenbao_clash.date=1975-01", "events.zhenbao_clash.date"),
        ("events.zhenbao_clash.effects.0.actor=XX", "events.zhenbao_clash.effects.0.actor"),
        ("scenario=no_such_scenario", "scenario"),
        ("foo=1", "foo"),
        ("mechanics.depth=9", "mechanics.depth"),
        # pair fields named like effect types keep their name in the key
        ("relations.USSR.PRC.rivalry=2", "relations.USSR.PRC.rivalry"),
        ("relations.USSR.PRC.talks=maybe", "relations.USSR.PRC.talks"),
        ("events.zhenbao_clash.effects.0.delta=5", "events.zhenbao_clash.effects.0.delta"),
        # issue 15: values accepted or crashing before
        ("relations.USSR.PRC.trade=inf", "relations.USSR.PRC.trade"),
        ("relations.USSR.PRC.trade=1e308", "relations.USSR.PRC.trade"),
        ("relations.USSR.PRC.stance=nan", "relations.USSR.PRC.stance"),
        ("seed=true", "seed"),
        ("mechanics.depth=false", "mechanics.depth"),
        ("actors.USSR.ccode=999", "actors.USSR.ccode"),
        ("actors.USSR.names={abcd:Russia}", "actors.USSR.names.abcd"),
        ("window.end=9999-12", "window.end"),
        ("window.end=2199-12", "window.end"),
        ("name=../../escaped", "name"),
        ("name=", "name"),
        ("name=other", "name"),
        ("hydra.run.dir=", "out"),
        ("out=", "out"),
        ("hydra.job.env_set.X=1", "hydra.job.env_set.X"),
        ("port=8000", "port"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, override, key):
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, "run", override, f"output.dir={tmp_path / 'out'}")
    assert code == 2
    assert one_error_line(err).startswith(f"config error: {key} = ")
    assert list(tmp_path.iterdir()) == []


def test_exit_status_and_stderr_from_a_process(tmp_path):
    """The in-process calls above, once through a real process: status 2, one line."""
    r = cardplay("run", "mechanics.depth=9", f"output.dir={tmp_path / 'out'}", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert one_error_line(r.stderr).startswith("config error: mechanics.depth = 9: must be <= 3")
    assert list(tmp_path.iterdir()) == []


def test_grammar_error_names_the_wrong_override(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, "run", "actors.USSR.weights.security==0.5", "seed=3")
    assert code == 2
    assert one_error_line(err).startswith("config error: actors.USSR.weights.security = '=0.5'")


def test_error_lines_stay_short(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, "run", "a" * 5000 + "=1", "b=" + "x" * 5000)
    line = one_error_line(err)
    assert code == 2 and len(line) < 500 and line.startswith("config error: aaaa")


def test_hint_names_the_doc_of_the_option(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cases = [
        (("classroom", "port=abc"), "docs/classroom.md"),
        (("run", "mechanics.depth=9"), "docs/model.md"),
        (("run", "actors.USSR.weights.security=2"), "docs/scenarios.md"),
        (("ensemble", "runs=0"), "docs/research.md"),
        (("report", "baseline_runs=0"), "docs/classroom.md"),
    ]
    for args, doc in cases:
        code, _, err = call(capsys, *args)
        assert code == 2 and one_error_line(err).endswith(f"(see {doc})"), (args, err)


# --- help, version, one option language ---------------------------------------------------


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help(capsys, name):
    code, out, err = call(capsys, name, "--help")
    assert code == 0 and err == ""
    cmd = COMMANDS[name]
    assert out.startswith(f"usage: cardplay {name}")
    for opt in cmd.options:
        assert f"{opt.name}={opt.default}" in out
    examples = [line.strip() for line in out.splitlines() if line.startswith("  cardplay ")]
    assert len(examples) >= 2
    assert f"see {cmd.doc}" in out
    assert len(out.splitlines()) < 40  # short: Hydra's dump is behind --hydra-help


def test_help_and_version_compose_nothing_and_import_nothing_heavy(tmp_path):
    code = (
        "import sys\nfrom sim.cli import main\n"
        "for name in " + repr(list(COMMANDS)) + ":\n    main([name, '--help'])\n"
        "main(['--version']); main(['--help'])\n"
        "print(sorted(m for m in " + repr(HEAVY) + " if m in sys.modules))\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        timeout=HANG_GUARD, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"
    assert "cardplay 0." in r.stdout


def test_version(capsys):
    code, out, _ = call(capsys, "--version")
    assert code == 0 and out.startswith("cardplay ")


def test_run_help_is_ours_and_hydra_help_is_hydras(tmp_path):
    r = cardplay("run", "--hydra-help", cwd=tmp_path)
    assert r.returncode == 0 and "Hydra" in r.stdout, r.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
def test_an_option_a_command_does_not_use_is_an_error(capsys, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, name, "zz_unknown=1")
    line = one_error_line(err)
    assert code == 2 and line.startswith("config error: zz_unknown = ")
    accepts = ", ".join(o.name for o in COMMANDS[name].options)
    assert f"not an option of cardplay {name}; accepts {accepts}" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "run"])
def test_hydra_settings_are_refused_where_unused(capsys, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, name, "hydra.run.dir=x")
    assert code == 2 and one_error_line(err).startswith("config error: hydra.run.dir = ")


@pytest.mark.parametrize(
    "args, key",
    [
        (("ensemble", "runs=99999999999999999999"), "runs"),
        (("ensemble", "runs=true"), "runs"),
        (("validate", "runs=2.5"), "runs"),
        (("validate", "strict=maybe"), "strict"),
        (("compare", "runs=1", "variant=seed=1"), "runs"),
        (("compare", "confidence=inf", "variant=seed=1"), "confidence"),
        (("sensitivity", "n=0"), "n"),
        (("calibrate", "maxiter=-3"), "maxiter"),
        (("classroom", "port=70000"), "port"),
        (("report", "baseline_runs=abc", "x"), "baseline_runs"),
    ],
)
def test_command_options_are_bounded(capsys, tmp_path, monkeypatch, args, key):
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, *args)
    assert code == 2 and one_error_line(err).startswith(f"config error: {key} = ")
    assert list(tmp_path.iterdir()) == []


def test_one_output_option_and_the_old_spelling_kept_a_release(tmp_path):
    for name in [n for n, c in COMMANDS.items() if c.option("out")]:
        assert COMMANDS[name].option("out").name == "out"
    got = check_options(COMMANDS["run"], ["seed=1", f"hydra.run.dir={tmp_path / 'x'}"])
    assert got == ["seed=1", f"out={tmp_path / 'x'}"]


def test_compare_without_a_variant_is_an_error(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, "compare", "runs=3", f"out={tmp_path / 'c'}")
    assert code == 2 and one_error_line(err).startswith("config error: variant = ")
    assert list(tmp_path.iterdir()) == []


# --- sweeps ------------------------------------------------------------------------------


def test_sweep_cases_try_every_value_once():
    from sim.scenario.options import sweep_cases

    cases = sweep_cases(["mechanics.depth=0,1,2", "seed=3", "mechanics.temperature=0.004,0.006"])
    assert cases[0] == ["mechanics.depth=0", "seed=3", "mechanics.temperature=0.004"]
    assert len(cases) == 4
    assert ["mechanics.depth=2", "seed=3", "mechanics.temperature=0.004"] in cases
    assert ["mechanics.depth=0", "seed=3", "mechanics.temperature=0.006"] in cases


def test_named_sweep_is_data_and_its_grid_is_checked():
    from sim.scenario.config import compose
    from sim.scenario.options import sweep_cases

    raw = compose(["+experiment=sweep_hawks_depth"])
    assert raw["study"]["name"] == "hawks_depth" and raw["replicates"] == 20
    grid = {"mechanics.depth": "0,1,2", "actors.USSR.factions.hawks.influence": "0.15,0.35"}
    cases = sweep_cases(["+experiment=sweep_hawks_depth", "mechanics.depth=0,1"], grid)
    assert len(cases) == 3  # the command line's depth replaces the grid's; 1 + 1 + 1


@pytest.mark.parametrize(
    "args, key",
    [
        (("mechanics.depth=0,9",), "mechanics.depth"),
        (("+experiment=sweep_hawks_depth", "replicates=0"), "replicates"),
        (("+experiment=sweep_hawks_depth", "study.name=../x"), "study.name"),
        (("+experiment=sweep", "study.name=a", "mechanics.depth=0,1", "seed=-1"), "seed"),
        (("+experiment=sweep_hawks_depth", "mechanics.depth=range(0,99999)"), "mechanics.depth"),
    ],
)
def test_bad_sweep_point_fails_before_any_job(capsys, tmp_path, monkeypatch, args, key):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    code, _, err = call(capsys, "--multirun", *args, f"output.dir={out}")
    assert code == 2 and one_error_line(err).startswith(f"config error: {key} = ")
    assert list(tmp_path.iterdir()) == []


def test_aliases_kept_for_one_release(tmp_path):
    """The old public entry points still work (CHANGELOG: aliases kept for one release)."""
    import sim.record.run
    import sim.scenario.config
    import sim.studies.sweep
    from sim.config import compose
    from sim.core import as_config, display_names, run_model, simulate
    from sim.sweep import GatherResults, sweep_app

    assert (simulate, run_model, as_config, display_names) == (
        sim.record.run.simulate,
        sim.record.run.run_model,
        sim.record.run.as_config,
        sim.record.run.display_names,
    )
    assert compose is sim.scenario.config.compose
    assert (GatherResults, sweep_app) == (
        sim.studies.sweep.GatherResults,
        sim.studies.sweep.sweep_app,
    )
    r = subprocess.run(
        [sys.executable, "-m", "sim.sweep", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=HANG_GUARD,
    )
    assert r.returncode == 0 and "Configuration groups" in r.stdout, r.stderr


def popped(func, depth: int = 2) -> set[str]:
    """The option names a command function pops (``pop_option(overrides, "name", ...)``, a
    helper's ``key="name"``), following the ``sim`` helpers it calls ``depth`` levels."""
    import ast
    import importlib
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    names = dict(func.__globals__)
    for node in ast.walk(tree):  # imports inside the function
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim"):
            module = importlib.import_module(node.module)
            names.update({a.asname or a.name: getattr(module, a.name, None) for a in node.names})
    keys: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name == "pop_option" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
            keys.add(node.args[1].value)
        keys |= {k.value.value for k in node.keywords if k.arg == "key"
                 and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)}  # fmt: skip
        helper = names.get(name)
        if depth and inspect.isfunction(helper) and helper.__module__.startswith("sim."):
            keys |= popped(helper, depth - 1)
    return keys


@pytest.mark.parametrize("name", [n for n in COMMANDS if n != "run"])
def test_the_option_table_knows_every_option_a_command_reads(name):
    """``--help`` and the unknown-option check read sim/commands.py; the commands read
    their options themselves. Every option a command reads must be in the table."""
    from sim.cli import command

    table = {o.name for o in COMMANDS[name].options}
    missing = popped(command(name)) - table
    assert not missing, f"cardplay {name} reads options its table lacks: {sorted(missing)}"
