"""`cardplay compare`: paired runs on common random numbers, outcomes, statistics, output."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pandas as pd
import pytest

from sim.record.facts import statistic
from sim.record.run import simulate
from sim.scenario.config import REPO
from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config
from sim.scenario.schema import Series
from sim.studies.counterfactual import SUMMARY_COLUMNS, cmd_compare, compare, default_outcomes
from sim.studies.outcomes import Outcome, check_outcomes, outcome_value, parse_outcome
from sim.studies.paired import paired_summary
from tests import HANG_GUARD

CARDPLAY = REPO / ".venv" / "bin" / "cardplay"
PEAK = "peak:var=stance,actor=USSR,target=ROC,stat=max,from=1969-02,to=1969-12"


def configs(*variant):
    base = checked_config(["scenario=1969_border_clash"])[1]
    var = checked_config(["scenario=1969_border_clash", *variant])[1]
    return base, var


# --- outcomes --------------------------------------------------------------------------


def test_parse_outcome_forms_agree():
    a = parse_outcome(PEAK, 0)
    b = parse_outcome(
        "{name: peak, var: stance, actor: USSR, target: ROC, stat: max,"
        " from: '1969-02', to: '1969-12'}",
        1,
    )
    assert a == b
    assert a.name == "peak" and a.series.stat == "max" and a.series.start == "1969-02"
    c = parse_outcome("var=relation,actor=US,target=PRC,above=0", 3)
    assert c.name == "outcome3" and c.above == 0.0 and c.is_time
    d = parse_outcome("role:var=role,triad=US+USSR+PRC,actor=US,value=pivot,stat=share", 4)
    assert d.series.triad == ["US", "USSR", "PRC"]


@pytest.mark.parametrize(
    "text, key",
    [
        ("var=stance,actor=USSR,target=ROC,stat=peak", "outcome.outcome0.stat"),
        ("x:var=stance,actor=USSR,target=ROC,colour=red", "outcome.x.colour"),
        ("var=stance,actor=USSR,target=ROC,above=high", "outcome.outcome0.above"),
        ("var=stance,USSR", "outcome.outcome0"),
        ("{var: stance, below: 1, above: 0}", "outcome.outcome0"),
    ],
)
def test_bad_outcomes_raise_config_errors(text, key):
    with pytest.raises(ConfigError) as err:
        parse_outcome(text, 0)
    assert err.value.key == key


def test_outcomes_are_checked_against_the_scenario():
    base, _ = configs()
    with pytest.raises(ConfigError, match="unknown actor"):
        check_outcomes(base, [parse_outcome("var=stance,actor=USSR,target=JPN", 0)])
    with pytest.raises(ConfigError, match="window"):
        check_outcomes(base, [parse_outcome("var=stance,actor=USSR,target=ROC,from=1990-01", 0)])
    check_outcomes(base, [parse_outcome(PEAK, 0)])


def test_outcome_values_and_crossings():
    base, _ = configs()
    res = simulate(base.model_copy(update={"seed": 5}))
    peak = parse_outcome(PEAK, 0)
    assert outcome_value(res, peak) == (statistic(res, peak.series), False)
    rel = res.relation[:, res.ids.index("US"), res.ids.index("PRC")]
    up = parse_outcome("var=relation,actor=US,target=PRC,above=-2", 0)  # always above
    assert outcome_value(res, up) == (0.0, False)
    never = parse_outcome("var=relation,actor=US,target=PRC,above=2", 0)  # never above
    assert outcome_value(res, never) == (float(len(rel)), True)
    cross = parse_outcome(f"var=relation,actor=US,target=PRC,above={rel[10]}", 0)
    months, censored = outcome_value(res, cross)
    assert not censored and rel[int(months)] > rel[10] and (rel[: int(months)] <= rel[10]).all()


def test_crossing_statistic_is_in_months_and_censored_when_never_crossed():
    base, _ = configs()
    res = simulate(base.model_copy(update={"seed": 5}))
    rel = res.relation[:, res.ids.index("US"), res.ids.index("PRC")]
    o = parse_outcome("var=relation,actor=US,target=PRC,stat=crossing,level=2", 0)
    assert o.is_time and outcome_value(res, o) == (float(len(rel)), True)
    level = float(rel[12])
    o = parse_outcome(f"var=relation,actor=US,target=PRC,stat=crossing,level={level}", 0)
    months, censored = outcome_value(res, o)
    assert not censored and months == float(np.flatnonzero(rel > level)[0])


def test_facts_outcome_is_the_share_of_facts_held():
    from sim.record.facts import evaluate

    base, _ = configs()
    res = simulate(base.model_copy(update={"seed": 2}))
    held = evaluate(res)
    every = parse_outcome("record:facts=all", 0)
    assert every.facts == ("all",) and every.unit == "share of facts that hold"
    assert outcome_value(res, every) == (sum(held.values()) / len(held), False)
    two = list(held)[:2]
    some = parse_outcome(f"facts={two[0]}+{two[1]}", 1)
    assert outcome_value(res, some) == ((held[two[0]] + held[two[1]]) / 2, False)
    with pytest.raises(ConfigError) as err:
        check_outcomes(base, [parse_outcome("facts=no_such_fact", 2)])
    assert err.value.key == "outcome.outcome2.facts"
    with pytest.raises(ConfigError) as err:
        parse_outcome("facts=all,var=stance", 3)
    assert err.value.key == "outcome.outcome3.var"


def test_default_outcomes_come_from_the_experiment_file():
    base, _ = configs()
    names = [o.name for o in default_outcomes("1969_border_clash", base)]
    assert names[:2] == ["peak_soviet_stance_to_roc", "us_prc_turns_positive"]
    other = base.model_copy(update={"name": "zz"})
    assert [o.name for o in default_outcomes("zz", other)] == list(base.facts)


# --- statistics --------------------------------------------------------------------------


def test_paired_summary_on_known_data():
    rng = np.random.default_rng(1)
    base = rng.normal(size=60)
    s = paired_summary(base, base - 1.0 + 0.1 * rng.normal(size=60), seed=3, resamples=2000)
    assert s["mean_difference"] == pytest.approx(-1.0, abs=0.05)
    assert s["ci_low"] < s["mean_difference"] < s["ci_high"] < 0
    assert s["wilcoxon_p"] < 1e-6 and s["ks_p"] < 1e-3
    again = paired_summary(base, base - 1.0 + 0.1 * np.random.default_rng(1).normal(size=60))
    assert again["runs"] == 60
    same = paired_summary(base, base)
    assert same["mean_difference"] == same["ci_low"] == same["ci_high"] == 0.0
    assert same["wilcoxon_p"] == 1.0 and same["ks_p"] == 1.0


# --- paired runs on common random numbers -------------------------------------------------


def test_identical_variant_gives_exactly_zero_differences():
    base, var = configs("events.zhenbao_clash.scale=1.0")
    outs = [parse_outcome(PEAK, 0), parse_outcome("var=relation,actor=US,target=PRC,above=0", 1)]
    cmp = compare("1969_border_clash", base, var, ["events.zhenbao_clash.scale=1.0"], outs, 6, 1)
    assert np.array_equal(cmp.values[0], cmp.values[1])
    assert np.array_equal(cmp.relations[0], cmp.relations[1])
    summary = cmp.summary(resamples=500)
    assert (summary["mean_difference"] == 0.0).all()
    assert (summary["ci_low"] == 0.0).all() and (summary["ci_high"] == 0.0).all()
    assert (summary["wilcoxon_p"] == 1.0).all()
    assert (cmp.runs_table()["difference"] == 0.0).all()


def test_switching_off_zhenbao_lowers_the_peak_soviet_stance_to_the_roc():
    base, var = configs("events.zhenbao_clash.enabled=false")
    outs = [parse_outcome(PEAK, 0)]
    cmp = compare(
        "1969_border_clash", base, var, ["events.zhenbao_clash.enabled=false"], outs, 30, -1
    )
    row = cmp.summary(resamples=2000).iloc[0]
    assert row.mean_difference < 0
    assert row.ci_high < 0, f"CI [{row.ci_low}, {row.ci_high}] should exclude zero"
    assert row.wilcoxon_p < 0.01


# --- the command -------------------------------------------------------------------------


def test_command_writes_the_comparison_folder(tmp_path):
    out = tmp_path / "c"
    code = cmd_compare(
        [
            "scenario=1969_border_clash",
            "runs=4",
            "n_jobs=1",
            "resamples=200",
            "variant=events.zhenbao_clash.enabled=false",
            f"outcome={PEAK}",
            "outcome=us_prc:var=relation,actor=US,target=PRC,above=0",
            f"out={out}",
        ]
    )
    assert code == 0
    for name in (
        "runs.parquet",
        "runs.csv",
        "summary.parquet",
        "summary.csv",
        "summary.md",
        "figures/compare.png",
        "figures/fan_baseline.csv",
        "figures/fan_variant.csv",
        "config_baseline.yaml",
        "config_variant.yaml",
        "provenance.json",
    ):
        assert (out / name).stat().st_size > 0, name
    summary = pd.read_parquet(out / "summary.parquet")
    assert list(summary.columns) == SUMMARY_COLUMNS
    assert summary["outcome"].tolist() == ["peak", "us_prc"]
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 8 and runs["seed"].tolist()[:4] == [0, 1, 2, 3]
    assert np.allclose(runs["difference"], runs["variant"] - runs["baseline"])
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["common_random_numbers"] is True
    assert prov["variant"]["overrides"] == ["events.zhenbao_clash.enabled=false"]
    assert prov["baseline"]["config_hash"] != prov["variant"]["config_hash"]
    assert "enabled: false" in (out / "config_variant.yaml").read_text()


def test_experiment_file_runs_from_the_command_line(tmp_path):
    out = tmp_path / "c"
    r = subprocess.run(
        [str(CARDPLAY), "compare", "experiment=compare_1969_border_clash", "runs=3",
         "n_jobs=1", "resamples=200", f"out={out}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=HANG_GUARD,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "peak_soviet_stance_to_roc" in r.stdout and "CI" in r.stdout
    assert (out / "summary.csv").exists()


@pytest.mark.parametrize(
    "args, key",
    [
        (["variant=events.zhenbao_clash.enabled=maybe"], "events.zhenbao_clash.enabled"),
        (["variant=events.no_such_event.enabled=false"], "events.no_such_event"),
        (["outcome=var=stance,actor=USSR,target=JPN"], "outcome.outcome0.target"),
        (["runs=1"], "runs"),
        (["experiment=no_such_experiment"], "experiment"),
        (["pair=USSR,USSR"], "pair"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_no_folder(tmp_path, args, key):
    out = tmp_path / "c"
    r = subprocess.run(
        [str(CARDPLAY), "compare", "scenario=1969_border_clash", "runs=3", *args, f"out={out}"],
        capture_output=True, text=True, cwd=tmp_path, timeout=HANG_GUARD,
    )  # fmt: skip
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith(f"config error: {key}"), line
    assert not out.exists() and not (tmp_path / "outputs").exists()


def test_outcome_dataclass_units():
    s = Series.model_validate({"var": "relation", "actor": "US", "target": "PRC", "stat": "argmax"})
    assert Outcome("t", s).is_time and "months" in Outcome("t", s).unit
    s2 = s.model_copy(update={"stat": "max"})
    assert not Outcome("v", s2).is_time
