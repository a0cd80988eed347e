"""User files are data (issue 15): a scenario or experiment file cannot configure Hydra,
logging or git, and a malformed one is one line naming the file, the line and the key.

One test per vector of the audit; each checks that the code the file names never ran.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sim.scenario.config import SCENARIO_DIR
from sim.scenario.errors import ConfigError
from tests.cli_contract import error_line

SHIPPED = (SCENARIO_DIR / "1969_border_clash.yaml").read_text()


def scenario_text(name: str = "mine", extra: str = "", header: str = "# @package _global_") -> str:
    body = SHIPPED.replace("name: 1969_border_clash", f"name: {name}", 1)
    body = "\n".join(line for line in body.splitlines() if not line.startswith("# @package"))
    return f"{header}\n{body}\n{extra}"


def folder_with(tmp_path: Path, text: str, name: str = "mine") -> Path:
    root = tmp_path / "mine"
    (root / "scenario").mkdir(parents=True, exist_ok=True)
    (root / "scenario" / f"{name}.yaml").write_text(text)
    return root


def run(capsys, tmp_path, root: Path, name: str = "mine", *more: str) -> str:
    """``cardplay run scenario=<name>`` from ``root``: returns the one error line."""
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        args = ["run", f"scenario={name}", f"hydra.searchpath=[file://{root}]", *more]
        line = error_line(capsys, args)
    finally:
        os.chdir(cwd)
    assert not (tmp_path / "outputs").exists()
    return line


MARK = "/tmp/cardplay-vector-ran"  # what each vector would create if its code ran


@pytest.fixture(autouse=True)
def no_mark():
    Path(MARK).unlink(missing_ok=True)
    yield
    assert not Path(MARK).exists(), "a user file ran code"


@pytest.mark.parametrize(
    "extra, key",
    [
        # hydra.job.env_set -> git config -> core.fsmonitor runs a shell command
        (
            "hydra:\n  job:\n    env_set:\n      GIT_CONFIG_COUNT: '1'\n"
            "      GIT_CONFIG_KEY_0: core.fsmonitor\n      GIT_CONFIG_VALUE_0: touch " + MARK,
            "hydra",
        ),
        # a Hydra callback that copies or truncates files
        (
            "hydra:\n  callbacks:\n    x:\n      _target_: builtins.open\n"
            f"      file: {MARK}\n      mode: w",
            "hydra",
        ),
        # logging's dictConfig factory
        (
            "hydra:\n  job_logging:\n    handlers:\n      x:\n        '()': shutil.copyfile\n"
            f"        src: /etc/hostname\n        dst: {MARK}",
            "hydra",
        ),
        ("defaults:\n  - override /hydra/job_logging: default", "defaults"),
        ("extra_key: 1", "extra_key"),
    ],
)
def test_a_scenario_cannot_configure_anything_else(capsys, tmp_path, extra, key):
    line = run(capsys, tmp_path, folder_with(tmp_path, scenario_text(extra=extra)))
    assert "mine/scenario/mine.yaml:" in line and f": {key}" in line


@pytest.mark.parametrize("key", ["_target_", "()", "_args_", "_partial_"])
def test_code_keys_anywhere_are_refused(capsys, tmp_path, key):
    text = scenario_text().replace(
        "  USSR:\n", f"  USSR:\n    '{key}': shutil.copyfile\n", 1
    )  # deep inside the actors
    line = run(capsys, tmp_path, folder_with(tmp_path, text))
    assert f"actors.USSR.{key}" in line and "data only" in line


def test_a_package_header_other_than_global_is_refused(capsys, tmp_path):
    text = scenario_text(header="# @package hydra")
    line = run(capsys, tmp_path, folder_with(tmp_path, text))
    assert "mine.yaml:1" in line and "@package" in line


@pytest.mark.parametrize(
    "entry", ["config.yaml", "hydra/job_logging/evil.yaml", "mechanics/default.yaml"]
)
def test_a_search_path_folder_holds_scenarios_only(capsys, tmp_path, entry):
    root = folder_with(tmp_path, scenario_text())
    (root / entry).parent.mkdir(parents=True, exist_ok=True)
    (root / entry).write_text("a: 1\n")
    line = run(capsys, tmp_path, root)
    assert line.startswith("config error: hydra.searchpath = ")


@pytest.mark.parametrize(
    "name, text_name, key",
    [
        ("mine", "other", "name"),
        ("mine", "''", "name"),
        ("mine", "'../../x'", "name"),
        ("bad.name", "bad.name", "scenario"),
    ],
)
def test_names_match_the_file_and_a_safe_pattern(capsys, tmp_path, name, text_name, key):
    text = scenario_text(name=text_name)
    line = run(capsys, tmp_path, folder_with(tmp_path, text, name), name)
    assert f"{key} = " in line


@pytest.mark.parametrize(
    "text, why",
    [
        ("a: &a [1,1,1,1,1,1,1,1,1]\n"
         + "".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n"
                   for p, c in zip("abcdefgh", "bcdefghi", strict=True))
         + "name: *i\n", "aliases"),  # billion laughs, 9 x 9
        ("name: mine\nname: mine\n", "duplicate key"),
        ("name: !!python/object/apply:os.system ['touch " + MARK + "']\n", "tags"),
        ("name: " + "[" * 2000 + "]" * 2000 + "\n", "nest"),
        ("name: [unclosed\n", ""),
        ("\xff\xfe", ""),
    ],
)  # fmt: skip
def test_malformed_yaml_names_file_and_line(capsys, tmp_path, text, why):
    line = run(capsys, tmp_path, folder_with(tmp_path, f"# @package _global_\n{text}"))
    assert "mine/scenario/mine.yaml" in line and why in line


def test_non_finite_values_in_a_file_are_refused(capsys, tmp_path):
    text = scenario_text().replace("stance: -0.5", "stance: .inf", 1)
    line = run(capsys, tmp_path, folder_with(tmp_path, text))
    assert "stance = inf: a finite number" in line


def test_the_loader_limits():
    from sim.scenario import yamlfile

    assert yamlfile.loads("a: &x {b: 1}\nc: *x\nd: 1e-3\ne: 1969-01-02\n") == {
        "a": {"b": 1},
        "c": {"b": 1},
        "d": 0.001,  # YAML 1.2 floats, as Hydra reads them
        "e": "1969-01-02",  # no timestamps: dates stay text
    }
    with pytest.raises(ConfigError, match="<text>:2"):
        yamlfile.loads("a: 1\na: 2\n")
    with pytest.raises(ConfigError, match="recursive"):
        yamlfile.loads("a: &x [*x]\n", data_only=False)


def test_provenance_git_ignores_the_jobs_git_environment(tmp_path, monkeypatch):
    from sim.record import provenance

    mark = tmp_path / "fsmonitor-ran"
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.fsmonitor")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", f"touch {mark}; false")
    provenance.git_commit.cache_clear()
    try:
        commit = provenance.git_commit()
    finally:
        provenance.git_commit.cache_clear()
    assert not mark.exists()
    assert commit == "unknown" or len(commit.split("-")[0]) == 40


@pytest.mark.parametrize(
    "spec, key",
    [
        ("replicates: abc\n", "replicates"),
        ("replicates: true\n", "replicates"),
        ("name: ../escaped\n", "name"),
        ("hydra: {run: {dir: /tmp}}\n", "hydra"),
        ("extra:\n  deep:\n    _target_: os.system\n", "extra.deep._target_"),
    ],
)
def test_experiment_files_are_data(capsys, tmp_path, monkeypatch, spec, key):
    base = (SCENARIO_DIR.parent / "experiments" / "sensitivity_1969.yaml").read_text()
    base = "\n".join(x for x in base.splitlines() if not x.startswith(("replicates:", "name:")))
    path = tmp_path / "sensitivity_mine.yaml"
    path.write_text(base + "\n" + spec)
    monkeypatch.chdir(tmp_path)
    line = error_line(capsys, ["sensitivity", f"experiment={path}", f"out={tmp_path / 'o'}"])
    assert f"{key} = " in line or f": {key}:" in line, line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sensitivity_mine.yaml"]


@pytest.mark.parametrize(
    "extra", ["hydra:\n  sweeper:\n    params: {seed: '1,2'}\n", "study:\n  _target_: x\n"]
)
def test_a_named_sweep_file_is_data(capsys, tmp_path, monkeypatch, extra):
    path = tmp_path / "sweep_mine.yaml"
    path.write_text("scenario: 1969_border_clash\nreplicates: 2\ngrid: {mechanics.depth: [0]}\n")
    path.write_text(path.read_text() + extra)
    monkeypatch.chdir(tmp_path)
    line = error_line(capsys, ["--multirun", f"+experiment={path}", f"output.dir={tmp_path / 'o'}"])
    assert "sweep_mine.yaml:" in line and "data only" in line
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "config",
    ["name: [unclosed\n", "!!python/object/apply:os.system ['touch /tmp/x']\n", "a: 1\na: 2\n"],
)
def test_report_on_a_malformed_run_folder(capsys, tmp_path, monkeypatch, config):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.yaml").write_text(config)
    monkeypatch.chdir(tmp_path)
    assert "run/config.yaml" in error_line(capsys, ["report", str(run_dir)])
    assert sorted(p.name for p in run_dir.iterdir()) == ["config.yaml"]


def test_the_shipped_files_pass_the_data_checks():
    from sim.scenario import userfiles, yamlfile

    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        userfiles.scenario_file(path)
    experiments = SCENARIO_DIR.parent / "experiments"
    for path in sorted(experiments.glob("*.yaml")):
        yamlfile.load(path)
    fixtures = Path(__file__).parent / "fixtures" / "scenario"
    for path in sorted(fixtures.glob("*.yaml")):
        userfiles.scenario_file(path)
    r = subprocess.run(["git", "grep", "-l", "_target_", "--", "experiments", "scenarios"],
                       capture_output=True, text=True, cwd=SCENARIO_DIR.parent)  # fmt: skip
    assert r.stdout == ""
