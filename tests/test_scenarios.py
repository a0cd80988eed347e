"""The scenario library: every shipped scenario validates, cites, follows the data rules,
scripts no conclusion; and a scenario written from the authoring guide alone runs."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.record.facts import evaluate
from sim.record.run import display_names, simulate
from sim.scenario import datasets
from sim.scenario.config import REPO, scenario_names
from sim.scenario.options import checked_config
from sim.scenario.schema import PAIR_VARS, AllOf, AnyOf, validate
from tests import HANG_GUARD

SHIPPED = scenario_names()
FIXTURES = Path(__file__).parent / "fixtures"
CARDPLAY = REPO / ".venv" / "bin" / "cardplay"

WINDOWS = {
    "1969_border_clash": ("1969-01", "1971-06"),
    "1972_rapprochement": ("1971-01", "1973-12"),
    "2014_crimea": ("2013-06", "2019-12"),
    "2022_invasion": ("2021-06", "2024-12"),
}

# The pairs whose political behaviour a scenario's facts claim must emerge
# (MODEL.md; history README, "Claims the sources make about causes"): no event
# may move their stances, recognition, commitments, channels or controls, nor
# open talks between them. Exogenous economic shocks (a currency crash, trade
# routes through third countries) may touch them.
EMERGENT = {
    "1969_border_clash": [("USSR", "ROC")],
    "1972_rapprochement": [("US", "PRC"), ("USSR", "ROC"), ("USSR", "PRC"), ("US", "USSR")],
    "2014_crimea": [("USSR", "PRC"), ("USSR", "ROC")],
    "2022_invasion": [("USSR", "PRC"), ("USSR", "ROC")],
}
ECONOMIC = {"trade_shock", "leakage"}

# Rivalry rule (the scenario files' comment): territorial stakes, min(1, MID 5.0
# disputes with the two on opposite sides and a territorial revision type (revtype 1)
# in the ten years before the window / 3); the MID data end 2014, so later windows
# use 2005-2014. The counts, from the MID participant file (MIDB):
RIVALRY_YEARS = {
    "1969_border_clash": (1959, 1968),
    "1972_rapprochement": (1961, 1970),
    "2014_crimea": (2003, 2012),
    "2022_invasion": (2005, 2014),
}
TERRITORIAL_DISPUTES = {
    "1969_border_clash": {("USSR", "PRC"): 4, ("USSR", "US"): 2},
    "1972_rapprochement": {("USSR", "PRC"): 5, ("USSR", "US"): 1},
    "2014_crimea": {},
    "2022_invasion": {},
}
MIDB = Path("/work/shared/data/mid5_midb_4states_1946on.csv")  # optional cross-check
# Stakes an earlier scenario's events add and that still stand when a later one opens:
# scenario -> (earlier scenario, its event). The 2014 annexation of Crimea is still
# contested in 2021.
CARRIED_STAKES = {"2022_invasion": ("2014_crimea", "crimea_crisis")}


@pytest.fixture(scope="module", params=SHIPPED)
def shipped(request):
    name = request.param
    raw, cfg = checked_config([f"scenario={name}"])
    return name, raw, cfg


def test_the_issue_scenarios_are_shipped():
    assert set(WINDOWS) <= set(SHIPPED)


def test_scenario_validates_and_names_itself(shipped):
    name, raw, cfg = shipped
    assert cfg.name == name
    assert validate(raw) == cfg
    text = (REPO / "scenarios" / f"{name}.yaml").read_text()
    assert text.startswith("# @package _global_")
    assert "mechanics:" not in text  # one set of mechanics for all scenarios


def test_window_and_actor_ids(shipped):
    name, _, cfg = shipped
    if name in WINDOWS:
        assert (cfg.window.start, cfg.window.end) == WINDOWS[name]
    assert set(cfg.actor_ids) >= {"USSR", "PRC", "ROC", "US"}
    later = {"USSR": "Russia"} if cfg.window.start >= "1992" else {"USSR": "USSR"}
    assert display_names(cfg)["USSR"] == later["USSR"]


def _cites_a_source(text: str, cfg) -> bool:
    keys = [*cfg.sources, "MID 5.0", "COW", "ICB"]
    return any(k in text for k in keys)


def test_events_and_facts_cite_sources(shipped):
    _, _, cfg = shipped
    assert cfg.facts, "a scenario needs stylized facts"
    for eid, ev in cfg.events.items():
        assert _cites_a_source(ev.citation, cfg), f"event {eid}: {ev.citation!r}"
    for fid, fact in cfg.facts.items():
        assert _cites_a_source(fact.citation, cfg), f"fact {fid}: {fact.citation!r}"


def test_every_number_has_a_source(shipped):
    """Actors name the source of weights and standing; every relation entry has a source;
    every effect line and capability line with a bare number carries a comment."""
    name, _, cfg = shipped
    for aid, a in cfg.actors.items():
        assert a.weights_source and a.standing_source, aid
        for fname, f in a.factions.items():
            assert f.source, f"{aid}.{fname}"
    for aid, row in cfg.relations.items():
        for tid, pair in row.items():
            assert pair.source, f"relations.{aid}.{tid}"
    text = (REPO / "scenarios" / f"{name}.yaml").read_text()
    for line in text.splitlines():
        if re.search(
            r"\{type: (stance_shock|casualties|commitment|standing|sanctions|trade_shock|leakage|rivalry)",
            line,
        ):
            assert "#" in line, f"effect without a source comment: {line.strip()}"


def _touches(eff, pair) -> bool:
    ends = {getattr(eff, "actor", None), getattr(eff, "target", None)}
    ends |= set(getattr(eff, "actors", None) or [])
    return set(pair) <= ends


def test_no_event_scripts_the_conclusion(shipped):
    name, _, cfg = shipped
    for eid, ev in cfg.events.items():
        for eff in ev.effects:
            for pair in EMERGENT.get(name, []):
                assert eff.type in ECONOMIC or not _touches(eff, pair), (
                    f"{name}: event {eid} ({eff.type}) acts on {pair}, whose behaviour must emerge"
                )


def test_2022_roc_controls_and_russian_hostility_are_decisions():
    _, cfg = checked_config(["scenario=2022_invasion"])
    for ev in cfg.events.values():
        for eff in ev.effects:
            assert not (eff.type == "sanctions" and eff.actor == "ROC")
            assert not (eff.type == "stance_shock" and {eff.actor, eff.target} == {"USSR", "ROC"})


def test_rivalry_follows_the_territorial_mid_rule(shipped):
    name, _, cfg = shipped
    if name not in TERRITORIAL_DISPUTES:
        pytest.skip("no dispute counts recorded for this scenario")
    counts = TERRITORIAL_DISPUTES[name]
    carried: dict[frozenset, float] = {}
    if name in CARRIED_STAKES:  # the earlier scenario's event's rivalry effects
        earlier, event = CARRIED_STAKES[name]
        for eff in checked_config([f"scenario={earlier}"])[1].events[event].effects:
            if eff.type == "rivalry":
                carried[frozenset((eff.actor, eff.target))] = eff.delta
        assert carried, f"{earlier}.{event} adds no stakes"
    ids = cfg.actor_ids
    for k, a in enumerate(ids):
        for b in ids[k + 1 :]:
            n = counts.get((a, b), counts.get((b, a), 0))
            sides = [cfg.relations.get(x, {}).get(y) for x, y in ((a, b), (b, a))]
            got = max((p.rivalry for p in sides if p is not None), default=0.0)
            want = min(1.0, max(n / 3, carried.get(frozenset((a, b)), 0.0)))
            assert got == pytest.approx(want, abs=0.005), f"{name}: {a}-{b}"


def test_opening_recognition_matches_cow_diplomatic_exchange(shipped):
    """Formal recognition where COW Diplomatic Exchange records an exchange of diplomats
    (its DE flag) at the latest observation up to the window's start; none or unofficial
    (representative offices the dataset does not code) where it records none."""
    name, _, cfg = shipped
    year = int(cfg.window.start[:4])
    checked = 0
    for a, b in ((a, b) for a in cfg.actor_ids for b in cfg.actor_ids if a != b):
        ca, cb = cfg.actors[a].ccode, cfg.actors[b].ccode
        if not (ca and cb):
            continue
        try:
            exchange = datasets.diplomatic_exchange(ca, cb, year)
        except (KeyError, ValueError):
            continue  # outside the dataset
        pair = cfg.relations.get(a, {}).get(b)
        recognition = pair.recognition if pair is not None else "formal"
        assert (recognition == "formal") == exchange, f"{name}: {a} -> {b} (COW DE {exchange})"
        checked += 1
    assert checked >= 6, f"{name}: only {checked} pairs checked"


def _territorial_disputes(ca: int, cb: int, y0: int, y1: int) -> int:
    by: dict[str, list[dict]] = {}
    with MIDB.open() as fh:
        for row in csv.DictReader(fh):
            by.setdefault(row["dispnum"], []).append(row)
    n = 0
    for parts in by.values():
        pa = [p for p in parts if int(p["ccode"]) == ca]
        pb = [p for p in parts if int(p["ccode"]) == cb]
        opposed = any(x["sidea"] != y["sidea"] for x in pa for y in pb)
        active = any(int(p["styear"]) <= y1 and int(p["endyear"]) >= y0 for p in pa + pb)
        territorial = any("1" in (p["revtype1"], p["revtype2"]) for p in pa + pb)
        n += opposed and active and territorial
    return n


@pytest.mark.skipif(not MIDB.exists(), reason="MID 5.0 participant file not available")
@pytest.mark.parametrize("name", sorted(TERRITORIAL_DISPUTES))
def test_territorial_dispute_counts_match_mid5(name):
    _, cfg = checked_config([f"scenario={name}"])
    y0, y1 = RIVALRY_YEARS[name]
    ids = cfg.actor_ids
    counts = TERRITORIAL_DISPUTES[name]
    for k, a in enumerate(ids):
        for b in ids[k + 1 :]:
            want = counts.get((a, b), counts.get((b, a), 0))
            ca, cb = cfg.actors[a].ccode, cfg.actors[b].ccode
            assert _territorial_disputes(ca, cb, y0, y1) == want, f"{name}: {a}-{b}"


def test_capabilities_come_from_cow():
    for name in SHIPPED:
        _, cfg = checked_config([f"scenario={name}"])
        for aid, a in cfg.actors.items():
            assert a.ccode in datasets.CCODES, f"{name}.{aid}"


def _series(check):
    if isinstance(check, AllOf):
        return [s for c in check.all for s in _series(c)]
    if isinstance(check, AnyOf):
        return [s for c in check.any for s in _series(c)]
    right = [check.right] if not isinstance(check.right, float | int | str) else []
    return [check.left, *right]


def test_taiwan_russia_trade_is_checked_against_the_record():
    """2014: the turnover of 2014 is checked in a band around US$ 4,900 m and a 2015 dip."""
    _, cfg = checked_config(["scenario=2014_crimea"])
    bands = []
    dips = []
    for fact in cfg.facts.values():
        check = fact.check
        comparisons = check.all if isinstance(check, AllOf) else [check]
        for c in comparisons:
            s = c.left
            if s.var == "trade" and {s.actor, s.target} == {"USSR", "ROC"}:
                if (s.start, s.end) == ("2014-01", "2014-12") and isinstance(c.right, float):
                    bands.append((c.op, c.right))
                if (s.start, s.end) == ("2015-01", "2015-12") and c.op == "<":
                    dips.append(c.right)
    lows = [v for op, v in bands if op in (">", ">=")]
    highs = [v for op, v in bands if op in ("<", "<=")]
    assert lows and highs and max(lows) < 4900 < min(highs)
    assert dips and dips[0].start == "2014-01" and dips[0].var == "trade"


def test_facts_read_the_scenarios_own_pairs(shipped):
    _, _, cfg = shipped
    for fact in cfg.facts.values():
        for s in _series(fact.check):
            if s.var in PAIR_VARS:
                assert s.actor in cfg.actors and s.target in cfg.actors


@pytest.mark.parametrize("name", SHIPPED)
def test_scenario_runs_and_its_facts_evaluate(name):
    _, cfg = checked_config([f"scenario={name}", "seed=3"])
    res = simulate(cfg)
    assert len(res.dates) == len(res.relation)
    facts = evaluate(res)
    assert list(facts) == list(cfg.facts)
    assert all(isinstance(v, bool) for v in facts.values())


# --- a scenario written from the authoring guide alone ------------------------------------

FIXTURE = FIXTURES / "scenario" / "1996_strait_crisis.yaml"
SEARCH = f"hydra.searchpath=[file://{FIXTURES}]"


def test_guide_exists_and_covers_every_schema_field():
    from sim.scenario.schema import (
        EFFECT_TYPES,
        Actor,
        Event,
        Faction,
        Gains,
        Pair,
        Series,
        Weights,
    )

    guide = (REPO / "docs" / "scenarios.md").read_text()
    fields = set()
    for model in (Actor, Faction, Gains, Pair, Event, Weights, Series):
        fields |= {f.alias or n for n, f in model.model_fields.items()}
    fields |= set(EFFECT_TYPES)
    fields |= {
        "all",
        "any",
        "margin",
        "share",
        "argmax",
        "change",
        "role",
        "configuration",
        "trade_indirect",
        "trade_total",
        "influence",
    }
    missing = sorted(f for f in fields if f"`{f}`" not in guide)
    assert not missing, f"fields the guide does not explain: {missing}"


def test_guide_worked_example_validates_and_runs():
    guide = (REPO / "docs" / "scenarios.md").read_text()
    (block,) = re.findall(r"```yaml\n(# @package _global_\n# The Second.*?)```", guide, re.S)
    cfg = validate(yaml.safe_load(block))
    assert set(evaluate(simulate(cfg))) == set(cfg.facts)


def test_fixture_scenario_validates_through_the_search_path():
    raw, cfg = checked_config(["scenario=1996_strait_crisis", SEARCH])
    assert cfg.name == "1996_strait_crisis"
    assert cfg.events and cfg.facts
    assert display_names(cfg)["USSR"] == "Russia"


def test_fixture_scenario_runs_from_the_dict():
    cfg = validate(yaml.safe_load(FIXTURE.read_text()))
    res = simulate(cfg)
    facts = evaluate(res)
    assert set(facts) == set(cfg.facts)


def test_fixture_scenario_runs_with_cardplay(tmp_path):
    out = tmp_path / "out"
    r = subprocess.run(
        [
            str(CARDPLAY),
            "run",
            "scenario=1996_strait_crisis",
            SEARCH,
            "seed=2",
            f"output.dir={out}",
            "output.figures=false",
            "output.narrative=false",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=HANG_GUARD,
    )
    assert r.returncode == 0, r.stderr
    (folder,) = list((out / "1996_strait_crisis").iterdir())
    for name in ("config.yaml", "provenance.json", "facts.csv", "tables/pairs.parquet"):
        assert (folder / name).stat().st_size > 0, name
    assert "stylized facts:" in r.stdout


def test_talks_stated_at_the_opening_are_open_to_both_sides():
    """1972 opens with the Sino-Soviet border talks of 1969-10 still under way (Patel2025)."""
    from sim.model.model import CardModel

    _, cfg = checked_config(["scenario=1972_rapprochement"])
    m = CardModel(cfg)
    T = m.layout.view(m.x, "talks")
    ussr, prc = m.index["USSR"], m.index["PRC"]
    assert T[ussr, prc] == T[prc, ussr] == 1.0
    assert T.sum() == 2.0


def test_new_stakes_lower_the_level_a_relation_reverts_to():
    """When the Crimea event adds Russia-US stakes (+1.0), the level both stances revert to
    falls by ``stakes`` x 1.0 and no other pair's level moves."""
    from sim.model.model import CardModel

    _, cfg = checked_config(["scenario=2014_crimea"])
    m = CardModel(cfg)
    ussr, us = m.index["USSR"], m.index["US"]
    while m.dates[m.t] < "2014-03":
        m.step()
    expected = m.stance0.copy()
    expected[[ussr, us], [us, ussr]] -= m.mech.stakes * 1.0
    np.testing.assert_allclose(m.anchor, expected)
