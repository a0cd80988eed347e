"""`cardplay validate`: the report folder, the null worlds on the same seeds, skill and
roles, and clean failures on bad input.

The machinery only: no test here asserts the shipped model's rates or roles (those
move with the theory; ``tests/test_validation_record.py`` checks them). Ensembles are
4 runs; every number is compared exactly with a rerun or with arithmetic on the table.
"""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.record import provenance
from sim.record.ensemble import fact_matrix
from sim.scenario.config import REPO
from sim.scenario.options import checked_config
from sim.studies.evidence import (
    CONSISTENCY,
    EVIDENCE,
    MISSED,
    NULL_WORLDS,
    TABLE_COLUMNS,
    WEAK,
    ScenarioResult,
    fact_role,
    null_configs,
    passes,
    skill,
)
from sim.studies.fans import key_pairs
from sim.studies.validation import cmd_validate
from sim.studies.validation_report import report_markdown
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
    args = [f"scenario={SCENARIO}", f"runs={RUNS}", "n_jobs=1", "resamples=200", f"out={folder}"]
    assert cmd_validate(args) == 0
    return folder


@pytest.fixture(scope="module")
def cfg():
    return checked_config([f"scenario={SCENARIO}"])[1]


def test_report_folder_is_complete(report):
    for name in (
        "report.md",
        "validation.parquet",
        "validation.csv",
        "runs.parquet",
        "runs.csv",
        "claims.parquet",
        "claims.csv",
        "claim_runs.parquet",
        "claim_runs.csv",
        "claims_file.yaml",
        "provenance.json",
        f"configs/{SCENARIO}.yaml",
        *(f"configs/{SCENARIO}.{w}.yaml" for w in NULL_WORLDS),
        f"figures/{SCENARIO}_fan.png",
        f"figures/{SCENARIO}_fan.csv",
    ):
        assert (report / name).stat().st_size > 0, name
    assert not [p for p in report.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_table_contents_match_the_ensemble(report, cfg):
    table = pd.read_parquet(report / "validation.parquet")
    assert list(table.columns) == TABLE_COLUMNS
    assert table["fact"].tolist() == list(cfg.facts)
    assert (table["scenario"] == SCENARIO).all() and (table["runs"] == RUNS).all()
    for row in table.itertuples():
        assert row.description == cfg.facts[row.fact].description
        assert row.citation == cfg.facts[row.fact].citation
        assert row.kind == cfg.facts[row.fact].kind
        assert row.rate == pytest.approx(row.passed / RUNS)
    ids, m = fact_matrix(cfg, RUNS)  # the same seeds, run serially
    assert ids == table["fact"].tolist()
    np.testing.assert_array_equal(m.sum(0), table["passed"].to_numpy())
    csv = pd.read_csv(report / "validation.csv")
    assert csv["rate"].to_numpy() == pytest.approx(table["rate"].to_numpy())


def test_null_worlds_run_on_the_same_seeds(report, cfg):
    """Each null world's rates are its own ensemble on the model's seeds (a serial rerun
    with the null's override gives the same fact matrix), and the override is applied."""
    runs = pd.read_parquet(report / "runs.parquet")
    assert list(runs["world"].unique()) == ["model", *NULL_WORLDS]
    seeds = list(range(cfg.seed, cfg.seed + RUNS))
    table = pd.read_parquet(report / "validation.parquet")
    nulls = null_configs(SCENARIO, [], list(NULL_WORLDS))
    assert nulls["hold"].mechanics.policy == "hold" and nulls["myopic"].mechanics.depth == 0
    assert nulls["random"].mechanics.policy == "random"
    for world, null_cfg in nulls.items():
        rows = runs[runs["world"] == world]
        assert sorted(rows["seed"].unique()) == seeds
        assert len(rows) == RUNS * len(cfg.facts)
        assert null_cfg.seed == cfg.seed
        _, m = fact_matrix(null_cfg, RUNS)
        held = rows.pivot(index="seed", columns="fact", values="passed")[list(cfg.facts)]
        np.testing.assert_array_equal(held.to_numpy(), m)
        np.testing.assert_allclose(table[f"rate_{world}"].to_numpy(), m.mean(0))


def test_skill_and_role_follow_from_the_rates(report):
    table = pd.read_parquet(report / "validation.parquet")
    null_cols = [f"rate_{w}" for w in NULL_WORLDS]
    for row in table.itertuples():
        rates = {w: getattr(row, f"rate_{w}") for w in NULL_WORLDS}
        assert row.skill == pytest.approx(100 * (row.rate - max(rates.values())))
        assert row.best_null == max(rates, key=rates.get)
        counts = {w: round(r * RUNS) for w, r in rates.items()}
        assert (row.role, row.why) == fact_role(row.kind, row.passed, counts, RUNS)
    assert table[null_cols].notna().all().all()


# --- the rules, on made-up counts -------------------------------------------------------


def test_pass_threshold_and_skill_arithmetic():
    assert passes(160, 200) and not passes(159, 200) and not passes(0, 0)
    assert skill(180, {"hold": 100, "random": 140, "myopic": 120}, 200) == pytest.approx(20.0)
    assert skill(50, {"hold": 100}, 200) == pytest.approx(-25.0)
    assert np.isnan(skill(180, {}, 200))


@pytest.mark.parametrize(
    "kind, count, nulls, role",
    [
        ("evidence", 200, {"hold": 120, "random": 0, "myopic": 40}, EVIDENCE),  # skill 40
        ("evidence", 200, {"hold": 160, "random": 0, "myopic": 0}, CONSISTENCY),  # hold at 80%
        ("evidence", 200, {"hold": 159, "random": 0, "myopic": 0}, EVIDENCE),  # skill 20.5
        ("evidence", 170, {"hold": 131, "random": 0, "myopic": 0}, WEAK),  # skill 19.5
        ("evidence", 170, {"hold": 130, "random": 0, "myopic": 0}, EVIDENCE),  # skill 20 exactly
        ("evidence", 150, {"hold": 0, "random": 0, "myopic": 0}, MISSED),  # model at 75%
        ("evidence", 100, {"hold": 190, "random": 0, "myopic": 0}, CONSISTENCY),  # null passes
        ("consistency", 200, {"hold": 0, "random": 0, "myopic": 0}, CONSISTENCY),  # declared
        ("evidence", 200, {}, ""),  # no null worlds: no role
    ],
)
def test_fact_role(kind, count, nulls, role):
    got, why = fact_role(kind, count, nulls, 200)
    assert got == role and why


def _synthetic(cfg, model: np.ndarray, nulls: dict) -> ScenarioResult:
    runs = model.shape[0]
    steps, n = 30, len(cfg.actors)
    rel = np.zeros((runs, steps, n, n), dtype=np.float32)
    return ScenarioResult(SCENARIO, cfg, list(range(runs)), list(cfg.facts), model, rel, nulls)


def test_table_headline_and_report_on_made_up_matrices(cfg):
    """Ten runs, eight facts: the table's rates, skill and roles, and the headline's count
    of evidence against the bar of two thirds (six of eight)."""
    runs, k = 10, len(cfg.facts)
    model = np.ones((runs, k), dtype=bool)
    hold = np.zeros((runs, k), dtype=bool)
    hold[:, 0] = True  # fact 0: the hold world passes it -> consistency
    hold[:7, 1] = True  # fact 1: hold 70%, skill 30 -> evidence
    hold[:9, 2] = True  # fact 2: hold 90% -> consistency
    model[:5, 3] = False  # fact 3: the model at 50% -> missed
    rnd = np.zeros((runs, k), dtype=bool)
    rnd[:9, 4] = True  # fact 4: random 90% -> consistency
    myo = np.zeros((runs, k), dtype=bool)
    myo[:7, 5] = myo[:7, 6] = myo[:9, 7] = True  # facts 5, 6 evidence; 7 consistency
    r = _synthetic(cfg, model, {"hold": hold, "random": rnd, "myopic": myo})
    t = r.table()
    assert t["rate"].tolist() == [1, 1, 1, 0.5, 1, 1, 1, 1]
    assert t["skill"].tolist() == pytest.approx([0, 30, 10, 50, 10, 30, 30, 10])
    roles = [CONSISTENCY, EVIDENCE, CONSISTENCY, MISSED, CONSISTENCY, EVIDENCE, EVIDENCE]
    assert t["role"].tolist() == [*roles, CONSISTENCY]
    assert t["best_null"].tolist()[:2] == ["hold", "hold"]
    assert r.evidence() == (3, 6)
    assert r.headline().startswith("evidence: 3 of 8 facts") and "missed" in r.headline()
    text = report_markdown([r], [])
    assert "| 1969_border_clash | 10 | 8 |" in text and "3 of 8 | **missed** |" in text
    none = _synthetic(cfg, model, {})
    assert none.table()["rate_hold"].isna().all() and none.table()["skill"].isna().all()
    assert none.table()["role"].tolist() == ["", "", "", MISSED, "", "", "", ""]
    assert "nulls=none" in none.headline()


# --- the report ---------------------------------------------------------------------------


def test_report_markdown_lists_facts_nulls_claims_events_and_figure(report, cfg):
    text = (report / "report.md").read_text()
    for fid, fact in cfg.facts.items():
        assert f"`{fid}`" in text and fact.citation.split(";")[0] in text
    for ev in cfg.events.values():
        assert ev.date in text and ev.label in text
    assert f"figures/{SCENARIO}_fan.png" in text
    for override, _ in NULL_WORLDS.values():
        assert f"`{override}`" in text
    assert "| model | hold | random | myopic | skill | role |" in text
    assert "Headline: evidence:" in text
    assert "causal claims as experiments" in text
    claims = pd.read_parquet(report / "claims.parquet")
    for row in claims.itertuples():
        assert f"| {row.claim}. {row.title} | **{row.claim_verdict}** |" in text


def test_claims_in_the_report_cover_only_validated_scenarios(report):
    claims = pd.read_parquet(report / "claims.parquet")
    run = claims[claims["test"] != ""]
    assert set(run["scenario"]) == {SCENARIO} and (run["pairs"] == RUNS).all()
    others = claims[claims["test"] == ""]
    assert set(others["verdict"]) <= {"not run", "not expressible"}
    pairs = pd.read_parquet(report / "claim_runs.parquet")
    assert len(pairs) == RUNS * len(run)


def test_config_and_provenance(report, cfg):
    saved = yaml.safe_load((report / "configs" / f"{SCENARIO}.yaml").read_text())
    assert saved["name"] == SCENARIO and saved["mechanics"] == cfg.mechanics.model_dump()
    hold = yaml.safe_load((report / "configs" / f"{SCENARIO}.hold.yaml").read_text())
    assert hold["mechanics"]["policy"] == "hold"
    prov = json.loads((report / "provenance.json").read_text())
    rec = prov["scenarios"][SCENARIO]
    assert rec["runs"] == RUNS and rec["seeds"] == [cfg.seed, cfg.seed + RUNS - 1]
    assert rec["config_hash"] and rec["git_commit"] and rec["versions"]["numpy"]
    nulls = null_configs(SCENARIO, [], list(NULL_WORLDS))
    for w, null_cfg in nulls.items():
        assert rec["nulls"][w]["config_hash"] == provenance.config_hash(null_cfg)
    assert prov["common_random_numbers"] is True and prov["thresholds"]["skill_points"] == 20
    assert prov["claims"]["sha256"] and prov["claims"]["pairs"] == RUNS


def test_fan_chart_data_covers_the_key_pairs(report, cfg):
    fan = pd.read_csv(report / "figures" / f"{SCENARIO}_fan.csv")
    pairs = key_pairs(cfg)
    assert ("USSR", "ROC") in pairs and ("USSR", "PRC") in pairs
    assert len(fan) == len(pairs) * len(range(30))  # 1969-01 .. 1971-06
    assert (fan["q05"] <= fan["q50"]).all() and (fan["q50"] <= fan["q95"]).all()


def test_nulls_option_chooses_the_worlds(tmp_path):
    out = tmp_path / "v"
    args = [f"scenario={SCENARIO}", "runs=2", "n_jobs=1", "nulls=hold", "claims=none"]
    assert cmd_validate([*args, f"out={out}"]) == 0
    table = pd.read_parquet(out / "validation.parquet")
    assert table["rate_hold"].notna().all()
    assert table["rate_random"].isna().all() and table["rate_myopic"].isna().all()
    assert set(pd.read_parquet(out / "runs.parquet")["world"]) == {"model", "hold"}
    assert not (out / "claims.csv").exists()
    text = (out / "report.md").read_text()
    assert "| model | hold | skill | role |" in text and "causal claims" not in text


def test_command_prints_rates_nulls_and_headline(tmp_path, cfg):
    out = tmp_path / "v"
    r = cardplay(
        "validate", f"scenario={SCENARIO}", "runs=2", "n_jobs=1", "claims=none", f"out={out}",
        cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    for fid, fact in cfg.facts.items():
        assert any(fid in line and fact.citation in line for line in r.stdout.splitlines())
    assert "model    hold  random  myopic   skill  role" in r.stdout
    assert "evidence: " in r.stdout and "bar of two thirds" in r.stdout
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
        (["scenario=1969_border_clash", "nulls=hold,sometimes"], "nulls"),
        (["scenario=1969_border_clash", "claims=no_such_claims"], "claims"),
        (["scenario=1969_border_clash", "pairs=1"], "pairs"),
        (["scenario=1969_border_clash", "resamples=5"], "resamples"),
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
