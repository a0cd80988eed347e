"""`cardplay validate`: the report folder, its table, and clean failures on bad input."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.record.ensemble import fact_matrix
from sim.scenario.config import REPO
from sim.scenario.options import checked_config
from sim.studies.validation import TABLE_COLUMNS, cmd_validate, key_pairs
from tests import HANG_GUARD

CARDPLAY = REPO / ".venv" / "bin" / "cardplay"
SCENARIO = "1969_border_clash"
RUNS = 4


def cardplay(*args, cwd):
    return subprocess.run(
        [str(CARDPLAY), *args], capture_output=True, text=True, cwd=cwd, timeout=HANG_GUARD
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("validation") / "report"
    code = cmd_validate([f"scenario={SCENARIO}", f"runs={RUNS}", "n_jobs=1", f"out={folder}"])
    assert code == 0
    return folder


def test_report_folder_is_complete(report):
    for name in (
        "report.md",
        "validation.parquet",
        "validation.csv",
        "runs.parquet",
        "runs.csv",
        "provenance.json",
        f"configs/{SCENARIO}.yaml",
        f"figures/{SCENARIO}_fan.png",
        f"figures/{SCENARIO}_fan.csv",
    ):
        assert (report / name).stat().st_size > 0, name
    assert not [p for p in report.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_table_contents_match_the_ensemble(report):
    _, cfg = checked_config([f"scenario={SCENARIO}"])
    table = pd.read_parquet(report / "validation.parquet")
    assert list(table.columns) == TABLE_COLUMNS
    assert table["fact"].tolist() == list(cfg.facts)
    assert (table["scenario"] == SCENARIO).all() and (table["runs"] == RUNS).all()
    for row in table.itertuples():
        assert row.description == cfg.facts[row.fact].description
        assert row.citation == cfg.facts[row.fact].citation
        assert row.rate == pytest.approx(row.passed / RUNS)
    ids, m = fact_matrix(cfg, RUNS)  # the same seeds, run serially
    assert ids == table["fact"].tolist()
    np.testing.assert_array_equal(m.sum(0), table["passed"].to_numpy())
    csv = pd.read_csv(report / "validation.csv")
    assert csv["rate"].to_numpy() == pytest.approx(table["rate"].to_numpy())
    runs = pd.read_parquet(report / "runs.parquet")
    assert len(runs) == RUNS * len(cfg.facts)
    assert sorted(runs["seed"].unique()) == list(range(cfg.seed, cfg.seed + RUNS))


def test_report_markdown_lists_facts_events_and_figure(report):
    _, cfg = checked_config([f"scenario={SCENARIO}"])
    text = (report / "report.md").read_text()
    for fid, fact in cfg.facts.items():
        assert f"`{fid}`" in text and fact.citation.split(";")[0] in text
    for ev in cfg.events.values():
        assert ev.date in text and ev.label in text
    assert f"figures/{SCENARIO}_fan.png" in text


def test_config_and_provenance(report):
    _, cfg = checked_config([f"scenario={SCENARIO}"])
    saved = yaml.safe_load((report / "configs" / f"{SCENARIO}.yaml").read_text())
    assert saved["name"] == SCENARIO and saved["mechanics"] == cfg.mechanics.model_dump()
    prov = json.loads((report / "provenance.json").read_text())
    rec = prov["scenarios"][SCENARIO]
    assert rec["runs"] == RUNS and rec["seeds"] == [cfg.seed, cfg.seed + RUNS - 1]
    assert rec["config_hash"] and rec["git_commit"] and rec["versions"]["numpy"]


def test_fan_chart_data_covers_the_key_pairs(report):
    _, cfg = checked_config([f"scenario={SCENARIO}"])
    fan = pd.read_csv(report / "figures" / f"{SCENARIO}_fan.csv")
    pairs = key_pairs(cfg)
    assert ("USSR", "ROC") in pairs and ("USSR", "PRC") in pairs
    assert len(fan) == len(pairs) * len(range(30))  # 1969-01 .. 1971-06
    assert (fan["q05"] <= fan["q50"]).all() and (fan["q50"] <= fan["q95"]).all()


def test_command_prints_rates_with_citations(tmp_path):
    out = tmp_path / "v"
    r = cardplay(
        "validate", f"scenario={SCENARIO}", "runs=2", "n_jobs=1", f"out={out}", cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    _, cfg = checked_config([f"scenario={SCENARIO}"])
    for fid, fact in cfg.facts.items():
        assert any(fid in line and fact.citation in line for line in r.stdout.splitlines())
    assert f"report: {out}" in r.stdout
    assert (out / "report.md").exists()


@pytest.mark.parametrize(
    "args, key",
    [
        (["scenario=no_such_scenario"], "scenario"),
        (
            ["scenario=1969_border_clash", "actors.USSR.weights.security=1.7"],
            "actors.USSR.weights.security",
        ),
        (
            ["scenario=1969_border_clash", "events.zhenbao_clash.date=1990-01"],
            "events.zhenbao_clash.date",
        ),
        (["scenario=1969_border_clash", "runs=many"], "runs"),
        (["scenario=1969_border_clash", "runs=0"], "runs"),
        (["scenario=1969_border_clash", "n_jobs=0"], "n_jobs"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_folder(tmp_path, args, key):
    out = tmp_path / "v"
    r = cardplay("validate", *args, f"out={out}", cwd=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"config error: {key} = ")
    assert "docs/scenarios.md" in lines[0]
    assert not out.exists()
    assert not (tmp_path / "outputs").exists()


def test_bad_scenario_file_is_one_line_exit_2_and_no_folder(tmp_path):
    raw = yaml.safe_load((REPO / "scenarios" / f"{SCENARIO}.yaml").read_text())
    raw["name"] = "zz_broken"
    raw["events"]["zhenbao_clash"]["effects"][0]["type"] = "bombardment"
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "zz_broken.yaml").write_text(
        "# @package _global_\n" + yaml.safe_dump(raw, sort_keys=False)
    )
    out = tmp_path / "v"
    r = cardplay(
        "validate",
        "scenario=zz_broken",
        f"hydra.searchpath=[file://{tmp_path}]",
        f"out={out}",
        cwd=tmp_path,
    )
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("config error: events.zhenbao_clash.effects.0")
    assert "unknown effect type" in line
    assert not out.exists()


def test_existing_output_folder_is_refused_before_running(tmp_path):
    out = tmp_path / "v"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    r = cardplay("validate", f"scenario={SCENARIO}", "runs=2", f"out={out}", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().startswith("config error: out = ")
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
