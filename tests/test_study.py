"""Ensembles: the long table, the fan chart's data, provenance, bad input; many configurations."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sim.record.provenance import config_hash
from sim.record.run import simulate
from sim.report.plots import fan_chart_dataset, fan_quantiles
from sim.scenario.errors import ConfigError
from sim.studies import long_table
from sim.studies.long_table import LONG_COLUMNS, ensemble_pairs
from sim.studies.points import map_points, with_values
from sim.studies.study import run_ensemble, stream_ensemble, write_ensemble
from tests import HANG_GUARD

CARDPLAY = [sys.executable, "-m", "sim.cli"]


def cardplay(*args, cwd):
    return subprocess.run(
        [*CARDPLAY, *args], capture_output=True, text=True, cwd=cwd, timeout=HANG_GUARD
    )


@pytest.fixture(scope="module")
def ensemble(cfg1969):
    cfg = cfg1969.model_copy(update={"seed": 5})
    return cfg, *run_ensemble(cfg, 3, n_jobs=1)


def test_long_table_schema(ensemble):
    cfg, table, ids, facts = ensemble
    assert list(table.columns) == LONG_COLUMNS
    assert table["run"].dtype == "int64" and table["seed"].dtype == "int64"
    assert table["step"].dtype == "int64" and table["value"].dtype == "float64"
    assert set(table["kind"]) == {"pair", "actor", "faction"}
    assert table["config_hash"].unique().tolist() == [config_hash(cfg)]
    assert table.groupby("run")["seed"].unique().map(list).tolist() == [[5], [6], [7]]
    sizes = table.groupby("run").size()
    assert sizes.nunique() == 1
    pairs = table[table["kind"] == "pair"]
    assert (pairs["faction"] == "").all() and (pairs["target"] != "").all()
    actors = table[table["kind"] == "actor"]
    assert (actors["target"] == "").all()
    assert set(actors["variable"]) == {
        "utility", "security", "economy", "sovereignty", "ideology", "leverage", "capability"
    }  # fmt: skip
    fac = table[table["kind"] == "faction"]
    assert set(fac["faction"]) == {"hawks", "doves"} and set(fac["variable"]) == {"influence"}
    assert "goldstein" not in set(table["variable"])
    assert facts.shape == (3, len(ids)) and ids == list(cfg.facts)


def test_long_table_holds_the_runs_values(ensemble):
    cfg, table, _, _ = ensemble
    res = simulate(cfg.model_copy(update={"seed": 6}))
    wide = ensemble_pairs(table)
    one = wide[wide["run"] == 1].reset_index(drop=True)
    ref = res.pairs()
    for col in ["stance", "relation", "channel", "trade", "controls"]:
        np.testing.assert_array_equal(one[col].to_numpy(), ref[col].to_numpy())
    codes = ref["recognition"].map({"none": 0.0, "unofficial": 1.0, "formal": 2.0})
    np.testing.assert_array_equal(one["recognition"].to_numpy(), codes.to_numpy())
    act = table[(table["run"] == 1) & (table["kind"] == "actor") & (table["variable"] == "utility")]
    np.testing.assert_array_equal(act["value"].to_numpy(), res.utility.ravel())


def test_fan_chart_dataset_from_the_table(ensemble):
    cfg, table, _, _ = ensemble
    data = fan_chart_dataset(ensemble_pairs(table), [("USSR", "PRC")])
    assert len(data) == table["step"].nunique()
    i, j = cfg.actor_ids.index("USSR"), cfg.actor_ids.index("PRC")
    rel = np.array(
        [simulate(cfg.model_copy(update={"seed": s})).relation[:, i, j] for s in (5, 6, 7)]
    )
    q = np.quantile(rel * 10.0, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    for k, col in enumerate(["q05", "q25", "q50", "q75", "q95"]):
        np.testing.assert_allclose(data[col].to_numpy(), q[k], rtol=0, atol=1e-12)


def test_parallel_ensemble_is_identical(ensemble):
    cfg, table, _, facts = ensemble
    t2, _, f2 = run_ensemble(cfg, 3, n_jobs=2)
    pd.testing.assert_frame_equal(table, t2)
    np.testing.assert_array_equal(facts, f2)


def test_fan_chart_from_the_kept_array_equals_the_table_path(ensemble):
    cfg, table, _, _ = ensemble
    ens, sink = stream_ensemble(cfg, 3, long_table.TableSink, n_jobs=1)
    sink.close()
    from_table = fan_chart_dataset(ensemble_pairs(table))
    from_array = ens.fan()
    assert ens.goldstein.shape == (3, table["step"].nunique(), 6)
    pd.testing.assert_frame_equal(
        from_array.sort_values(["a", "b", "date"], ignore_index=True),
        from_table.sort_values(["a", "b", "date"], ignore_index=True),
        check_exact=True,
        check_dtype=False,
    )
    one = fan_quantiles(ens.goldstein[:, :, :1], ens.pairs[:1], ens.dates)
    assert one["q05"].tolist() == from_array["q05"].iloc[: len(ens.dates)].tolist()


def test_streamed_files_do_not_depend_on_the_workers(tmp_path, cfg1969, raw1969, monkeypatch):
    rows = long_table.rows_of(simulate(cfg1969))
    monkeypatch.setattr(long_table, "ROW_GROUP_ROWS", 2 * rows.size)  # row groups of 2 runs
    kw = {"fmt": "parquet", "figures": False}
    a = write_ensemble(tmp_path / "a", cfg1969, raw1969, 5, n_jobs=1, **kw)
    b = write_ensemble(tmp_path / "b", cfg1969, raw1969, 5, n_jobs=2, **kw)
    for name in ("ensemble.parquet", "facts.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    import pyarrow.parquet as pq

    assert pq.ParquetFile(tmp_path / "a" / "ensemble.parquet").num_row_groups == 3
    np.testing.assert_array_equal(a.goldstein, b.goldstein)
    t = pd.read_parquet(tmp_path / "a" / "ensemble.parquet")
    assert t["run"].tolist() == sorted(t["run"]) and t["run"].nunique() == 5
    assert isinstance(t["variable"].dtype, pd.CategoricalDtype)


def test_with_values(cfg1969):
    c = with_values(cfg1969, {"mechanics.depth": 1.6, "mechanics.momentum": 0.2})
    assert c.mechanics.depth == 2 and c.mechanics.momentum == 0.2
    c = with_values(
        cfg1969,
        {"actors.USSR.factions.hawks.influence": 0.6},
        {"actors.USSR.factions.doves.influence": "actors.USSR.factions.hawks.influence"},
    )
    assert c.actors["USSR"].factions["doves"].influence == pytest.approx(0.4)
    with pytest.raises(ConfigError, match="mechanics.nope"):
        with_values(cfg1969, {"mechanics.nope": 1.0})
    with pytest.raises(ConfigError, match="mechanics.momentum"):
        with_values(cfg1969, {"mechanics.momentum": 3.0})


def _stance(res):
    return float(res.block("stance")[-1].sum())


def test_map_points_order_and_jobs(cfg1969):
    X = np.array([[0.1], [0.3], [0.1]])
    serial = map_points(cfg1969, ["mechanics.momentum"], X, [0, 1], _stance, n_jobs=1)
    assert len(serial) == 3 and all(len(r) == 2 for r in serial)
    assert serial[0] == serial[2] and serial[0] != serial[1]
    assert serial[0][0] != serial[0][1]
    assert map_points(cfg1969, ["mechanics.momentum"], X, [0, 1], _stance, n_jobs=2) == serial


@pytest.mark.slow
def test_cli_writes_an_ensemble_folder(tmp_path):
    out = tmp_path / "ens"
    r = cardplay("ensemble", "runs=3", "n_jobs=2", "seed=2", f"out={out}", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    for name in [
        "ensemble.parquet",
        "facts.csv",
        "figures/fan_chart.png",
        "config.yaml",
        "provenance.json",
    ]:
        assert (out / name).stat().st_size > 0, name
    t = pd.read_parquet(out / "ensemble.parquet")
    assert list(t.columns) == LONG_COLUMNS and sorted(t["seed"].unique()) == [2, 3, 4]
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["runs"] == 3 and prov["seeds"] == [2, 4]
    assert prov["config_hash"] == t["config_hash"].iloc[0]
    assert {"git_commit", "versions", "config_hash_with_seed"} <= set(prov)
    rates = pd.read_csv(out / "facts.csv")
    assert list(rates.columns) == ["fact", "pass_rate", "runs", "description", "citation"]
    assert rates["pass_rate"].between(0, 1).all() and (rates["runs"] == 3).all()


@pytest.mark.slow
def test_cli_csv_and_chosen_pairs(tmp_path):
    out = tmp_path / "ens"
    r = cardplay("ensemble", "runs=2", "n_jobs=1", "format=csv", "pairs=USSR-PRC,US-PRC", "figures=false", f"out={out}", cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    assert (out / "ensemble.csv").exists() and not (out / "ensemble.parquet").exists()
    assert not (out / "figures").exists()


@pytest.mark.parametrize(
    "arg, key",
    [
        ("runs=0", "runs"),
        ("runs=many", "runs"),
        ("format=xml", "format"),
        ("n_jobs=0", "n_jobs"),
        ("pairs=USSR-XX", "pairs"),
        ("mechanics.depth=9", "mechanics.depth"),
        ("actors.XX.weights.security=0.5", "actors.XX"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_folder(tmp_path, arg, key):
    out = tmp_path / "ens"
    r = cardplay(
        "ensemble", "runs=2", arg, f"out={out}", f"output.dir={tmp_path / 'o'}", cwd=tmp_path
    )
    assert r.returncode == 2, r.stderr[-2000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"config error: {key} = "), r.stderr
    assert not out.exists() and not (tmp_path / "o").exists()


def test_existing_folder_is_refused(tmp_path):
    out = tmp_path / "ens"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    r = cardplay("ensemble", "runs=1", f"out={out}", cwd=tmp_path)
    assert r.returncode == 2 and "config error: out = " in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
