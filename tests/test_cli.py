"""The command line: a run writes its folder; bad input is one line, exit 2, no folder."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests import HANG_GUARD

CARDPLAY = [sys.executable, "-m", "sim.cli"]


def cardplay(*args, cwd):
    return subprocess.run(
        [*CARDPLAY, *args], capture_output=True, text=True, cwd=cwd, timeout=HANG_GUARD
    )


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
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, override, key):
    out = tmp_path / "out"
    r = cardplay("run", override, f"output.dir={out}", cwd=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"config error: {key} = ")
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_malformed_scenario_file(tmp_path):
    """A scenario file that is not valid YAML gives one line, not a traceback (in a
    temporary config tree, so the shipped scenarios/ folder is never touched)."""
    import shutil

    from sim.scenario.config import CONFIG_DIR, compose
    from sim.scenario.errors import ConfigError

    configs = tmp_path / "configs"
    shutil.copytree(
        CONFIG_DIR, configs, symlinks=False, ignore=shutil.ignore_patterns("scenario", "experiment")
    )
    (configs / "scenario").mkdir()
    (configs / "scenario" / "broken.yaml").write_text("# @package _global_\nname: [unclosed\n")
    with pytest.raises(ConfigError) as exc:
        compose(["scenario=broken"], config_dir=configs)
    line = exc.value.line()
    assert "\n" not in line and line.startswith("config error: ")


def test_sweep_cases_try_every_value_once():
    from sim.cli import sweep_cases

    cases = sweep_cases(["mechanics.depth=0,1,2", "seed=3", "mechanics.temperature=0.004,0.006"])
    assert cases[0] == ["mechanics.depth=0", "seed=3", "mechanics.temperature=0.004"]
    assert len(cases) == 4
    assert ["mechanics.depth=2", "seed=3", "mechanics.temperature=0.004"] in cases
    assert ["mechanics.depth=0", "seed=3", "mechanics.temperature=0.006"] in cases


def test_bad_value_in_a_sweep_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "out"
    r = cardplay("--multirun", "mechanics.depth=0,9", f"output.dir={out}", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "config error: mechanics.depth = 9: must be <= 3 (see docs/scenarios.md)"
    )
    assert not out.exists()


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
