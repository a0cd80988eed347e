"""Calibration: tiny budgets, outputs written, the best loss never rises."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.record.facts import statistic
from sim.scenario.errors import ConfigError
from sim.studies.calibration import build, calibrate, defaults, run_command
from sim.studies.figures import history_dataset
from sim.studies.objective import Objective, Target
from tests import HANG_GUARD

NAMES = ["mechanics.temperature", "mechanics.reciprocity"]
BOUNDS = np.array([[0.002, 0.02], [0.05, 0.45]])
TRADE = {"var": "trade", "actor": "USSR", "target": "PRC", "stat": "mean", "from": "1970-01", "to": "1970-12"}  # fmt: skip


def objective(cfg, targets=()):
    return Objective({cfg.name: cfg}, NAMES, list(targets), replicates=2)


@pytest.fixture(scope="module")
def de_run(cfg1969):
    obj = objective(cfg1969)
    res = calibrate(obj, BOUNDS, defaults(cfg1969, NAMES), "differential_evolution", {"maxiter": 1, "popsize": 2}, seed=3)  # fmt: skip
    return obj, res


def test_best_loss_never_rises_and_beats_the_defaults(de_run):
    obj, _ = de_run
    h = pd.DataFrame(obj.history)
    assert h["evaluation"].tolist() == list(range(len(h)))
    # evaluation 0 is the defaults; then the first population and one generation of trials
    assert set(h["generation"]) == {0, 1, 2}
    sizes = h.groupby("generation").size()
    assert sizes[0] == 1 and sizes[1] == sizes[2] >= 4
    assert np.all(np.diff(h["best_loss"]) <= 0)
    assert h["best_loss"].iloc[-1] <= h["loss"].iloc[0]
    assert h["best_loss"].iloc[-1] == h["loss"].min()
    from sim.scenario.schema import Mechanics

    defaults = Mechanics().model_dump()
    assert h.loc[0, NAMES].tolist() == [defaults[n.split(".")[-1]] for n in NAMES]
    assert ((h["loss"] - (1 - h["pass_rate"])).abs() < 1e-12).all()
    for (lo, hi), p in zip(BOUNDS, NAMES, strict=True):
        assert h[p].between(lo, hi).all()


def test_seeded(de_run, cfg1969):
    obj, _ = de_run
    again = objective(cfg1969)
    calibrate(again, BOUNDS, defaults(cfg1969, NAMES), "differential_evolution", {"maxiter": 1, "popsize": 2}, seed=3)  # fmt: skip
    pd.testing.assert_frame_equal(pd.DataFrame(obj.history), pd.DataFrame(again.history))


def test_nelder_mead(cfg1969):
    obj = objective(cfg1969)
    calibrate(obj, BOUNDS, defaults(cfg1969, NAMES), "nelder-mead", {"maxfev": 5})
    h = pd.DataFrame(obj.history)
    assert 2 <= len(h) <= 1 + 5 + 1
    assert np.all(np.diff(h["best_loss"]) <= 0) and h["best_loss"].iloc[-1] <= h["loss"].iloc[0]


def test_targets(cfg1969, run1969):
    from sim.scenario.schema import Series

    recorded = statistic(run1969, Series.model_validate(TRADE))
    t = Target(
        {"name": "t", "scenario": cfg1969.name, "series": TRADE, "value": recorded * np.e}, 0
    )
    assert t.error(run1969) == pytest.approx(1.0)  # (log(1/e))^2
    rel = Target(
        {"scenario": cfg1969.name, "series": TRADE, "value": recorded / 2, "scale": "relative"}, 1
    )
    assert rel.error(run1969) == pytest.approx(1.0)
    ok = Target({"scenario": cfg1969.name, "check": {"left": TRADE, "op": ">", "right": -1}}, 2)
    assert ok.error(run1969) == 0.0
    obj = objective(cfg1969, [t, ok])
    loss = obj(defaults(cfg1969, NAMES))
    row = obj.history[0]
    assert row["error:t"] >= 0
    assert loss == pytest.approx(1 - row["pass_rate"] + row["error:t"] + row["error:target2"])
    with pytest.raises(ConfigError):
        Target({"scenario": "x", "series": TRADE}, 3)  # no value
    with pytest.raises(ConfigError):
        Target({"scenario": "x", "series": TRADE, "value": 1, "check": {}}, 4)


def test_history_dataset(de_run):
    obj, _ = de_run
    h = pd.DataFrame(obj.history)
    d = history_dataset(h, NAMES, BOUNDS)
    assert d[NAMES].min().min() >= 0 and d[NAMES].max().max() <= 1
    np.testing.assert_allclose(
        d["mechanics.temperature"], (h["mechanics.temperature"] - 0.002) / 0.018
    )


def test_several_scenarios_share_mechanics_or_one_eras_weights(tmp_path):
    spec = {"parameters": {"actors.USSR.weights.security": [0.2, 0.5]}}
    same_era = ["1969_border_clash", "1972_rapprochement"]
    raws, configs, got, bounds, targets, skipped = build({**spec, "scenarios": same_era}, [])
    assert got == ["actors.USSR.weights.security"] and list(configs) == same_era
    with pytest.raises(ConfigError, match="one era only.*1969_border_clash=cold_war.*2014_crimea=post_cold_war"):  # fmt: skip
        build({**spec, "scenarios": ["1969_border_clash", "2014_crimea"]}, [])
    other = {"parameters": {"actors.USSR.standing": [0.2, 0.5]}}
    with pytest.raises(ConfigError, match="mechanics.. or actors.<id>.weights"):
        build({**other, "scenarios": same_era}, [])
    raws, configs, got, bounds, targets, skipped = build({**other, "scenarios": same_era[:1]}, [])
    assert got == ["actors.USSR.standing"]


def test_run_command_names_the_era_for_weights():
    assert run_command({"mechanics.momentum": 0.2}, ["2014_crimea"]) == "cardplay run mechanics.momentum=0.2"  # fmt: skip
    line = run_command({"actors.US.weights.security": 0.6}, ["2014_crimea", "2022_invasion"])
    assert line == "cardplay run scenario=2014_crimea actors.US.weights.security=0.6"


@pytest.mark.slow
def test_cli(tmp_path):
    out = tmp_path / "cal"
    r = subprocess.run(
        [sys.executable, "-m", "sim.cli", "calibrate", "experiment=calibrate_mechanics",
         "scenarios=1969_border_clash", "maxiter=1", "popsize=1", "replicates=1", "n_jobs=2", f"out={out}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=HANG_GUARD,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    for name in [
        "fitted.yaml",
        "history.parquet",
        "figures/calibration.png",
        "experiment.yaml",
        "provenance.json",
    ]:
        assert (out / name).stat().st_size > 0, name
    fitted = yaml.safe_load((out / "fitted.yaml").read_text())
    assert fitted["loss"] <= fitted["loss_at_defaults"]
    assert set(fitted["fitted"]) == set(fitted["defaults"])
    assert fitted["targets_skipped"] == ["roc_russia_trade_2014", "roc_russia_trade_dips_2015"]
    assert fitted["command"].startswith("cardplay run mechanics.")
    h = pd.read_parquet(out / "history.parquet")
    assert np.all(np.diff(h["best_loss"]) <= 0)
    bad = subprocess.run(
        [sys.executable, "-m", "sim.cli", "calibrate", "method=annealing", f"out={tmp_path / 'x'}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=HANG_GUARD,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.startswith("config error: method = 'annealing'")
    assert not (tmp_path / "x").exists()


def test_post_cold_war_weights_experiment_builds():
    from sim.studies.calibration import KEYS
    from sim.studies.experiment import load_experiment

    _, spec = load_experiment("calibrate_post_cold_war_weights", "calibrate_", KEYS)
    raws, configs, names, bounds, targets, skipped = build(spec, [])
    assert list(configs) == ["2014_crimea", "2022_invasion"]
    assert {cfg.era for cfg in configs.values()} == {"post_cold_war"}
    assert len(names) == 19 and all(".weights." in n for n in names)
    assert np.all(bounds[:, 0] < bounds[:, 1]) and [t.name for t in targets] == ["roc_russia_trade_2014"]  # fmt: skip
    start = defaults(configs["2014_crimea"], names)  # the shipped weights lie within the bounds
    assert np.all((bounds[:, 0] <= start) & (start <= bounds[:, 1]))
