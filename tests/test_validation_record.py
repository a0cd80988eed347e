"""The validation test: the shipped model against the historical record (issue 13's bar).

- every fact passes in at least 80% of the seeded runs, and each scenario's mean over
  its facts is at least 90%;
- at least two thirds of each scenario's facts are evidence: the model passes them and
  beats every null world (hold, random, myopic; same seeds) by at least 20 points;
- anticipation matters: in each Cold War scenario, on at least one evidence fact, the
  model (depth 1) beats the myopic world (depth 0) by at least 15 points;
- the sources' claims 1, 3, 4 and 6 are supported (paired counterfactuals, the CI
  excludes zero in the claimed direction).

Ensembles of 100 runs (pairs) here; the report uses 200 (``cardplay validate``).
Slow: run with ``pytest -m slow``. Scenarios and claims that do not yet reach the
bar are strict expected failures, with the numbers measured: the mark has to go
when they pass.
"""

from __future__ import annotations

import functools

import pytest

from sim.scenario.config import scenario_names
from sim.scenario.options import checked_config
from sim.studies.claims import claims_file, load_claims, prepare, run_claims
from sim.studies.evidence import (
    EVIDENCE,
    FACT_THRESHOLD,
    MEAN_THRESHOLD,
    NULL_WORLDS,
    null_configs,
    run_scenario,
)
from sim.studies.paired import SUPPORTED

RUNS = 100
ANTICIPATION_POINTS = 15
COLD_WAR = ("1969_border_clash", "1972_rapprochement")
CLAIMS = (1, 3, 4, 6)

# Measured at 1c6d43f with 100 runs (cardplay validate runs=100). strict: each mark
# must go once its scenario or claim passes.
SHORT_OF_THE_BAR = {
    "2014_crimea": "83% mean: Russia-PRC rises in ~4% of runs (every other fact >= 89%)",
    "2022_invasion": "82% mean: Russia-PRC never the strongest dyad; ROC controls 79%",
}
NOT_YET_EVIDENCE = {
    "1969_border_clash": "0 of 8 facts are evidence: hold or myopic pass every one",
    "1972_rapprochement": "0 of 6: the myopic world passes every fact (99-100%)",
    "2014_crimea": "0 of 7: hold or myopic pass six, the seventh is missed",
    "2022_invasion": "0 of 8: myopic passes seven (85-100%), the eighth is missed",
}
NO_ANTICIPATION = {
    "1969_border_clash": "no evidence fact; depth 0 within 2 points of depth 1 everywhere",
    "1972_rapprochement": "no evidence fact; depth 0 passes every fact (99-100%)",
}
NOT_YET_SUPPORTED = {
    3: "no_talks: the Soviet channel to the ROC in 1970 is not higher without the talks",
    4: "no_cards_1972: -0.1 months [-0.4, +0.2]: the cards do not move the rapprochement",
    6: "no_soviet_threat_1972: -5.3 months: without the threat it comes sooner",
}


def _cases(names, marks: dict) -> list:
    return [
        pytest.param(n, marks=[pytest.mark.xfail(strict=True, reason=marks[n])] if n in marks else [])
        for n in names
    ]  # fmt: skip


@functools.cache
def _result(name: str):
    _, cfg = checked_config([f"scenario={name}"])
    return run_scenario(
        name, cfg, RUNS, n_jobs=-1, null_cfgs=null_configs(name, [], [*NULL_WORLDS])
    )


def _report(result) -> str:
    lines = [
        f"  {r.rate:6.1%} (nulls "
        + " ".join(f"{getattr(r, f'rate_{w}'):.0%}" for w in NULL_WORLDS)
        + f", skill {r.skill:+.0f}, {r.role})  {r.fact}"
        for r in result.table().itertuples()
    ]
    return "\n".join([*lines, f"  mean {result.mean_rate:.1%}; {result.headline()}"])


@pytest.mark.slow
@pytest.mark.parametrize("name", _cases(scenario_names(), SHORT_OF_THE_BAR))
def test_scenario_reproduces_its_stylized_facts(name):
    result = _result(name)
    table = result.table()
    low = table[table["rate"] < FACT_THRESHOLD]
    assert low.empty, (
        f"{name}: facts below {FACT_THRESHOLD:.0%} over {RUNS} runs:\n{_report(result)}"
    )
    assert result.mean_rate >= MEAN_THRESHOLD, (
        f"{name}: mean below {MEAN_THRESHOLD:.0%}:\n{_report(result)}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", _cases(scenario_names(), NOT_YET_EVIDENCE))
def test_two_thirds_of_the_facts_are_evidence(name):
    result = _result(name)
    found, bar = result.evidence()
    assert found >= bar, f"{name}: {found} evidence facts, the bar is {bar}:\n{_report(result)}"


@pytest.mark.slow
@pytest.mark.parametrize("name", _cases(COLD_WAR, NO_ANTICIPATION))
def test_anticipation_matters_on_an_evidence_fact(name):
    table = _result(name).table()
    gain = 100 * (table["rate"] - table["rate_myopic"])
    ok = table[(table["role"] == EVIDENCE) & (gain >= ANTICIPATION_POINTS)]
    assert not ok.empty, (
        f"{name}: no evidence fact where depth 1 beats depth 0 by {ANTICIPATION_POINTS} points:\n{_report(_result(name))}"
    )


@functools.cache
def _claims():
    study = prepare(load_claims(claims_file("claims")), [], ids=list(CLAIMS))
    return run_claims(study, pairs=RUNS, n_jobs=-1)


@pytest.mark.slow
@pytest.mark.parametrize("cid", _cases(CLAIMS, NOT_YET_SUPPORTED))
def test_the_sources_claim_is_supported(cid):
    study = _claims()
    claim = next(c for c in study.claims if c.id == cid)
    result, why = study.claim_verdict(claim)
    detail = "\n".join(
        f"  {e.test.name}: effect {e.summary['mean_difference']:+.4g}"
        f" [{e.summary['ci_low']:+.4g}, {e.summary['ci_high']:+.4g}], expected {e.test.expect}"
        for e in study.experiments
        if e.claim.id == cid
    )
    assert result == SUPPORTED, f"claim {cid} ({claim.title}): {why}\n{detail}"
