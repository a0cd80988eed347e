"""Sensitivity analysis: SALib on a tiny budget, the indices table, seeded reproducibility."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.scenario.errors import ConfigError
from sim.studies.figures import sensitivity_dataset, sensitivity_figure
from sim.studies.sensitivity import Outcome, run_sensitivity, salib_seed
from tests import HANG_GUARD

NAMES = ["mechanics.temperature", "mechanics.momentum", "actors.USSR.factions.hawks.influence"]
BOUNDS = np.array([[0.002, 0.02], [0.0, 0.3], [0.15, 0.65]])
COMPLEMENTS = {"actors.USSR.factions.doves.influence": "actors.USSR.factions.hawks.influence"}
METHODS = {
    "morris": {"trajectories": 2, "levels": 4, "resamples": 50},
    "sobol": {"n": 4, "resamples": 50},
}


def tiny(cfg, **kw):
    return run_sensitivity(
        cfg,
        NAMES,
        BOUNDS,
        Outcome({"pass_rate": "all"}, cfg),
        METHODS,
        replicates=1,
        sample_seed=3,
        complements=COMPLEMENTS,
        **kw,
    )


@pytest.fixture(scope="module")
def result(cfg1969):
    return tiny(cfg1969)


def test_indices_table(result):
    indices, samples, times = result
    assert list(indices.columns) == ["method", "parameter", "index", "value", "conf"]
    got = indices.groupby("method")["index"].unique().map(sorted).to_dict()
    assert got == {"morris": ["mu", "mu_star", "sigma"], "sobol": ["S1", "ST"]}
    assert set(indices["parameter"]) == set(NAMES)
    ci = indices[indices["index"].isin(["mu_star", "S1", "ST"])]
    assert ci["conf"].notna().all()
    # Morris: 2 trajectories x (3 + 1) points; Sobol (Saltelli): 4 x (3 + 2)
    assert samples.groupby("method").size().to_dict() == {"morris": 8, "sobol": 20}
    assert list(samples.columns) == ["method", "point", *NAMES, "outcome", "outcome_sd"]
    assert samples["outcome"].between(0, 1).all()
    for name, (lo, hi) in zip(NAMES, BOUNDS, strict=True):
        assert samples[name].between(lo, hi).all()
    assert set(times) == {"morris", "sobol"}


def test_seeded_and_independent_of_workers(result, cfg1969):
    again = tiny(cfg1969, n_jobs=2)
    pd.testing.assert_frame_equal(result[0], again[0])
    pd.testing.assert_frame_equal(result[1], again[1])


def test_other_seed_other_sample(result, cfg1969):
    other = run_sensitivity(
        cfg1969, NAMES, BOUNDS, Outcome({"pass_rate": "all"}, cfg1969),
        {"sobol": {"n": 4, "resamples": 50}}, sample_seed=4, complements=COMPLEMENTS,
    )  # fmt: skip
    mine = result[1][result[1]["method"] == "sobol"][NAMES].to_numpy()
    assert not np.array_equal(other[1][NAMES].to_numpy(), mine)


def test_salib_seed_is_never_zero():
    assert all(salib_seed(s, k) != 0 for s in range(50) for k in range(5))
    assert salib_seed(0, 1) == salib_seed(0, 1) != salib_seed(1, 1)


def test_outcomes(cfg1969, run1969):
    assert Outcome({"pass_rate": "all"}, cfg1969)(run1969) == pytest.approx(
        np.mean(list(__import__("sim.record.facts").record.facts.evaluate(run1969).values()))
    )
    fact = next(iter(cfg1969.facts))
    assert Outcome({"fact": fact}, cfg1969)(run1969) in (0.0, 1.0)
    s = {"var": "relation", "actor": "US", "target": "PRC", "stat": "max"}
    assert Outcome({"series": s}, cfg1969)(run1969) == pytest.approx(
        run1969.relation[:, cfg1969.actor_ids.index("US"), cfg1969.actor_ids.index("PRC")].max()
    )
    rel = run1969.relation[:, cfg1969.actor_ids.index("US"), cfg1969.actor_ids.index("PRC")]
    level = float(np.median(rel))
    got = Outcome({"crossing": {**s, "above": level}}, cfg1969)(run1969)
    assert got == float(np.argmax(rel > level))
    never = Outcome({"crossing": {**s, "above": 2.0}}, cfg1969)(run1969)
    assert never == len(rel)


@pytest.mark.parametrize(
    "spec",
    [
        {"fact": "no_such_fact"},
        {"series": {"var": "relation", "actor": "US", "target": "XX"}},
        {"crossing": {"var": "relation", "actor": "US", "target": "PRC"}},
        {"median": 1},
    ],
)
def test_bad_outcomes(cfg1969, spec):
    with pytest.raises(ConfigError):
        Outcome(spec, cfg1969)


def test_figure_draws_the_dataset(result):
    data = sensitivity_dataset(result[0])
    fig = sensitivity_figure(result[0], "pass rate")
    patches = [p for ax in fig.axes for p in ax.patches]
    gids = {p.get_gid() for p in patches}
    assert gids == {"bars:morris:mu_star", "bars:sobol:S1", "bars:sobol:ST"}
    widths = [p.get_width() for p in patches if p.get_gid() == "bars:sobol:ST"]
    np.testing.assert_allclose(widths, data[data["index"] == "ST"]["value"].to_numpy())


@pytest.mark.slow
def test_cli(tmp_path):
    out = tmp_path / "sens"
    r = subprocess.run(
        [sys.executable, "-m", "sim.cli", "sensitivity", "experiment=sensitivity_1969",
         "method=morris", "trajectories=2", "replicates=1", "n_jobs=2", f"out={out}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=HANG_GUARD,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    for name in [
        "indices.parquet",
        "samples.parquet",
        "figures/sensitivity.png",
        "experiment.yaml",
        "config.yaml",
        "provenance.json",
    ]:
        assert (out / name).stat().st_size > 0, name
    assert "mu_star" in r.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "sim.cli", "sensitivity", "experiment=no_such", f"out={tmp_path / 'x'}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=HANG_GUARD,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.startswith("config error: experiment = 'no_such'")
    assert not (tmp_path / "x").exists()
