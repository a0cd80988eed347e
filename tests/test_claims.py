"""`cardplay claims`: claim files as data, paired runs on common random numbers, the
verdict rule, the folder, and clean failures on bad input.

The machinery only: no test asserts the shipped model's verdicts (they move with the
theory; ``tests/test_validation_record.py`` checks them). Ensembles are 3-4 pairs.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.record.run import simulate
from sim.scenario.config import REPO
from sim.scenario.errors import ConfigError
from sim.studies.claims import claims_file, load_claims, prepare, run_claims
from sim.studies.claims_report import CLAIM_COLUMNS
from sim.studies.outcomes import outcome_value
from sim.studies.paired import NOT_SUPPORTED, SUPPORTED, verdict
from tests import HANG_GUARD

CARDPLAY = REPO / ".venv" / "bin" / "cardplay"
SHIPPED = REPO / "experiments" / "claims.yaml"


def cardplay(*args, cwd):
    return subprocess.run(
        [str(CARDPLAY), "claims", *args], capture_output=True, text=True, cwd=cwd,
        timeout=HANG_GUARD,
    )  # fmt: skip


def claim_file(tmp_path, claims: list[dict], name="mine.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"claims": claims}, sort_keys=False))
    return path


def a_claim(**test) -> dict:
    """A one-test claim on the 1969 scenario, with ``test`` fields replaced."""
    base = {
        "name": "no_clash",
        "scenario": "1969_border_clash",
        "why": "the clash drives the flirtation",
        "counterfactual": ["events.zhenbao_clash.enabled=false"],
        "outcome": {"var": "stance", "actor": "USSR", "target": "ROC", "stat": "max",
                    "from": "1969-02", "to": "1969-12"},
        "expect": "lower",
    }  # fmt: skip
    base.update(test)
    return {"id": 3, "title": "Contingent", "text": "A claim.", "citation": "Patel2025",
            "tests": [base]}  # fmt: skip


# --- the shipped file ----------------------------------------------------------------------


def test_shipped_claims_cover_the_sources_claims():
    """Every claim of the history digest (1-8) is in the file, with tests or a reason why
    not; claims 1, 3, 4 and 6 are experiments, and every test resolves in its scenario."""
    path, text, book = load_claims(claims_file("claims"))
    assert path == SHIPPED and text == SHIPPED.read_text()
    by_id = {c.id: c for c in book.claims}
    assert sorted(by_id) == list(range(1, 9))
    for cid in (1, 3, 4, 6):
        assert by_id[cid].tests, cid
    for c in book.claims:
        assert bool(c.tests) != bool(c.not_expressible)
        for t in c.tests:
            assert t.why and t.expect in ("lower", "higher")
    study = prepare((path, text, book), [])
    assert len(study.experiments) == sum(len(c.tests) for c in book.claims)
    for e in study.experiments:
        cfg_b, cfg_c = e.cfgs
        assert cfg_b.seed == cfg_c.seed and cfg_b != cfg_c


# --- the verdict rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "low, high, expect, result",
    [
        (-0.3, -0.1, "lower", SUPPORTED),
        (0.1, 0.3, "higher", SUPPORTED),
        (-0.3, 0.1, "lower", NOT_SUPPORTED),  # includes zero
        (0.0, 0.3, "higher", NOT_SUPPORTED),  # touches zero: not excluded
        (0.1, 0.3, "lower", NOT_SUPPORTED),  # the other way
        (-0.3, -0.1, "higher", NOT_SUPPORTED),
        (0.0, 0.0, "lower", NOT_SUPPORTED),  # no effect at all
        (math.nan, math.nan, "lower", NOT_SUPPORTED),
    ],
)
def test_verdict_rule(low, high, expect, result):
    got, why = verdict(low, high, expect)
    assert got == result and why
    if (low > 0 and expect == "lower") or (high < 0 and expect == "higher"):
        assert "other way" in why


# --- paired runs ---------------------------------------------------------------------------


def test_a_claim_with_no_effect_by_construction_is_not_supported(tmp_path):
    """A counterfactual that changes nothing (the clash at its own scale) gives differences
    of exactly zero on common random numbers: not supported, whichever the direction."""
    same = ["events.zhenbao_clash.scale=1.0"]
    claims = [
        a_claim(counterfactual=same),
        {**a_claim(counterfactual=same, expect="higher", name="other"), "id": 4},
    ]
    study = prepare(load_claims(claim_file(tmp_path, claims)), [])
    run_claims(study, pairs=3, n_jobs=1, resamples=200)
    for e in study.experiments:
        assert e.summary["mean_difference"] == 0.0
        assert e.summary["ci_low"] == e.summary["ci_high"] == 0.0
        assert e.verdict == NOT_SUPPORTED
        assert study.claim_verdict(e.claim)[0] == NOT_SUPPORTED


def test_paired_runs_use_common_random_numbers(tmp_path):
    """Pair k runs both sides with seed `seed + k`: each paired value is the outcome of a
    plain run of that side's configuration with that seed."""
    study = prepare(load_claims(claim_file(tmp_path, [a_claim()])), ["seed=11"])
    run_claims(study, pairs=3, n_jobs=1, resamples=200)
    (e,) = study.experiments
    assert e.comparison.seeds == [11, 12, 13]
    cfg_b, cfg_c = e.cfgs
    assert cfg_b.events["zhenbao_clash"].enabled and not cfg_c.events["zhenbao_clash"].enabled
    base, counter = e.comparison.values[0, :, 0], e.comparison.values[1, :, 0]
    for k, seed in enumerate(e.comparison.seeds):
        alone = [simulate(c.model_copy(update={"seed": seed})) for c in (cfg_b, cfg_c)]
        assert base[k] == outcome_value(alone[0], e.outcome)[0]
        assert counter[k] == outcome_value(alone[1], e.outcome)[0]
    assert e.summary["mean_difference"] == pytest.approx(float(np.mean(counter - base)))


def test_claims_outside_the_validated_scenarios_are_not_run(tmp_path):
    other = {**a_claim(scenario="1972_rapprochement", name="later"), "id": 5}
    other["tests"][0]["outcome"] = {"var": "relation", "actor": "US", "target": "PRC"}
    study = prepare(load_claims(claim_file(tmp_path, [a_claim(), other])), [],
                    scenarios={"1969_border_clash"})  # fmt: skip
    assert [e.key for e in study.experiments] == ["3.no_clash"]
    assert study.claim_verdict(study.claims[1])[0] == "not run"


# --- the command ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("claims")
    out = tmp / "c"
    r = cardplay("claim=3", "pairs=4", "n_jobs=1", "resamples=200", f"out={out}", cwd=tmp)
    assert r.returncode == 0, r.stderr
    return out, r.stdout


def test_command_writes_the_claims_folder(folder):
    out, stdout = folder
    for name in ("claims.md", "claims.parquet", "claims.csv", "claim_runs.parquet",
                 "claim_runs.csv", "claims_file.yaml", "provenance.json"):  # fmt: skip
        assert (out / name).stat().st_size > 0, name
    assert (out / "claims_file.yaml").read_text() == SHIPPED.read_text()
    table = pd.read_parquet(out / "claims.parquet")
    assert list(table.columns) == CLAIM_COLUMNS and set(table["claim"]) == {3}
    runs = pd.read_parquet(out / "claim_runs.parquet")
    for row in table.itertuples():
        assert (row.verdict, row.reason) == verdict(row.ci_low, row.ci_high, row.expect)
        pairs = runs[runs["test"] == row.test]
        assert pairs["seed"].tolist() == [0, 1, 2, 3]
        np.testing.assert_allclose(pairs["difference"], pairs["counterfactual"] - pairs["baseline"])
        assert row.effect == pytest.approx(pairs["difference"].mean())
        for side in ("baseline", "counterfactual"):
            assert (out / "configs" / "claims" / f"3.{row.test}.{side}.yaml").exists()
        assert f"{row.test} [{row.scenario}]" in stdout and row.verdict in stdout
    text = (out / "claims.md").read_text()
    assert "| 3. " in text and "CI" in text


def test_provenance_names_the_file_seeds_and_both_configurations(folder):
    out, _ = folder
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["command"] == "claims" and prov["common_random_numbers"] is True
    assert prov["sha256"] == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    assert prov["pairs"] == 4 and prov["bootstrap"]["resamples"] == 200
    for key, e in prov["experiments"].items():
        assert key.startswith("3.") and e["seeds"] == [0, 3]
        assert e["baseline"]["config_hash"] != e["counterfactual"]["config_hash"]
        assert e["baseline"]["git_commit"] and e["counterfactual"]["versions"]["numpy"]
        assert e["counterfactual"]["overrides"]


# --- bad input -----------------------------------------------------------------------------


def _bad_files() -> list:
    no_tests = {k: v for k, v in a_claim().items() if k != "tests"}
    both = {**a_claim(), "not_expressible": "because"}
    return [
        (a_claim(colour="red"), "claims.3.tests.no_clash.colour", "unknown key"),
        ({**a_claim(), "sorce": "x"}, "claims.3.sorce", "unknown key"),
        (a_claim(expect="sideways"), "claims.3.tests.no_clash.expect", ""),
        (a_claim(counterfactual=["hydra.run.dir=/tmp/x"]), "claims.3.tests.no_clash.counterfactual.0", "actors"),
        (a_claim(counterfactual=["seed=5"]), "claims.3.tests.no_clash.counterfactual.0", ""),
        (a_claim(counterfactual=["events.no_such_event.enabled=false"]), "claims.3.tests.no_clash.counterfactual", "events.no_such_event"),
        (a_claim(scenario="no_such_scenario"), "claims.3.tests.no_clash.scenario", ""),
        (a_claim(outcome={"var": "stance", "actor": "USSR", "target": "JPN"}), "claims.3.tests.no_clash.outcome.target", "unknown actor"),
        (a_claim(outcome={"var": "stance", "colour": 1}), "claims.3.tests.no_clash.outcome.colour", ""),
        (no_tests, "claims.3", "either tests or not_expressible"),
        (both, "claims.3", "either tests or not_expressible"),
    ]  # fmt: skip


@pytest.mark.parametrize("claim, key, valid", _bad_files())
def test_bad_claim_files_raise_one_config_error_naming_the_key(tmp_path, claim, key, valid):
    with pytest.raises(ConfigError) as err:
        prepare(load_claims(claim_file(tmp_path, [claim])), [])
    assert err.value.key == key and valid in err.value.valid


def test_duplicate_ids_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="unique"):
        load_claims(claim_file(tmp_path, [a_claim(), a_claim()]))
    path = tmp_path / "broken.yaml"
    path.write_text("claims:\n  - id: 3\n    title: [unclosed\n")
    with pytest.raises(ConfigError) as err:
        load_claims(path)
    assert err.value.key == "claims" and "broken.yaml:" in str(err.value.value)


@pytest.mark.parametrize(
    "args, key",
    [
        (["claims={bad}"], "claims.3.tests.no_clash.colour"),
        (["claims=no_such_claims"], "claims"),
        (["claim=99"], "claim"),
        (["pairs=1"], "pairs"),
        (["scenario=1969_border_clash"], "scenario"),
        (["confidence=2"], "confidence"),
        (["actors.USSR.weights.security=1.7"], "actors.USSR.weights.security"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, args, key):
    bad = claim_file(tmp_path, [a_claim(colour="red")], "bad.yaml")
    out = tmp_path / "c"
    extra = [] if args[0].startswith("pairs") else ["pairs=2"]
    r = cardplay(*[a.format(bad=bad) for a in args], *extra, f"out={out}", cwd=tmp_path)
    assert r.returncode == 2
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith(f"config error: {key} = "), line
    assert not out.exists() and not (tmp_path / "outputs").exists()
