"""Known values of the packaged reference data (checked against the files)."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from sim.scenario import datasets as ds

USA, RUS, CHN, TAW = 2, 365, 710, 713

# values copied from sim/scenario/data/cow_nmc6_capabilities_4states.csv
CINC_USA_1969 = 0.19795081
CINC_USA_1970 = 0.18096918
CINC_USA_2016 = 0.13305758
CINC_USA_1946 = 0.36398837
CINC_TAW_1949 = 0.017091511


# --------------------------------------------------------------------------- files


def test_every_data_file_is_packaged_and_cited():
    data = resources.files("sim.scenario").joinpath("data")
    citation = data.joinpath("CITATION.md").read_text("utf-8")
    assert set(ds.DATA_FILES) == set(ds.DATASETS)
    for key, name in ds.DATA_FILES.items():
        assert data.joinpath(name).is_file(), name
        assert f"## {name}  [{key}]" in citation
        assert ds.DATASETS[key] in citation, f"citation text of {key} differs from CITATION.md"
    for code, abb in ds.CCODES.items():
        assert f"**{code} = {abb}**" in citation


def test_loader_read_matches_importlib_resources():
    for key, name in ds.DATA_FILES.items():
        text = ds._read_text(key)
        assert text == ds._read_text_resources(name)
        assert text.count("\n") > 1


def test_import_does_not_pull_in_pandas_or_numpy():
    code = (
        "import sys, sim.scenario.datasets as d; d.cinc(2, 1969); d.goldstein('046'); "
        "d.alliance(365, 710, 1960); d.mid_dispute(365, 710, 1969); "
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- CINC


def test_cinc_annual_value_is_exact():
    assert ds.cinc(USA, 1969) == CINC_USA_1969
    assert ds.cinc(USA, 1970.0) == CINC_USA_1970


def test_cinc_interpolates_linearly_between_years():
    assert ds.cinc(USA, 1969.5) == pytest.approx((CINC_USA_1969 + CINC_USA_1970) / 2, abs=1e-15)
    quarter = ds.cinc(USA, 1969.25)
    assert quarter == pytest.approx(CINC_USA_1969 + 0.25 * (CINC_USA_1970 - CINC_USA_1969))
    assert CINC_USA_1970 < ds.cinc(USA, 1969.9) < ds.cinc(USA, 1969.1) < CINC_USA_1969


def test_cinc_holds_outside_the_data():
    assert ds.cinc_last_year() == 2016
    assert "2016" in ds.CINC_RULE and "interpolated" in ds.CINC_RULE
    assert ds.cinc(USA, 2016) == CINC_USA_2016
    assert ds.cinc(USA, 2016.5) == CINC_USA_2016
    assert ds.cinc(USA, 2030) == CINC_USA_2016
    assert ds.cinc(USA, 1900) == CINC_USA_1946
    assert ds.cinc(TAW, 1946.5) == CINC_TAW_1949  # ROC on Taiwan enters in 1949


def test_cinc_all_four_states_plausible():
    total = sum(ds.cinc(c, 1985) for c in (USA, RUS, CHN, TAW))
    assert 0 < total < 1
    assert ds.cinc(CHN, 2016) > ds.cinc(USA, 2016)  # COW NMC v6: PRC ahead by 2016


def test_cinc_errors():
    with pytest.raises(KeyError, match="999"):
        ds.cinc(999, 1969)
    with pytest.raises(ValueError):
        ds.cinc(USA, float("nan"))


# --------------------------------------------------------------------------- alliances


def test_sino_soviet_defense_pact_1950_to_1980():
    assert ds.alliance_commitment(RUS, CHN, 1960) == 1.0
    assert ds.alliance_commitment(CHN, RUS, 1980) == 1.0
    assert ds.alliance(RUS, CHN, 1960)["defense"] == 1
    for year in (1981, 1985, 1995):
        assert ds.alliance(RUS, CHN, year) == {
            "defense": 0,
            "neutrality": 0,
            "nonaggression": 0,
            "entente": 0,
        }
        assert ds.alliance_commitment(RUS, CHN, year) == 0.0


def test_us_roc_defense_pact_1954_to_1980():
    assert ds.alliance_commitment(USA, TAW, 1953) == 0.0
    for year in (1954, 1969, 1980):
        assert ds.alliance_commitment(TAW, USA, year) == 1.0
        assert ds.alliance(USA, TAW, year)["defense"] == 1
    assert ds.alliance_commitment(USA, TAW, 1981) == 0.0


def test_alliance_is_symmetric_and_combines_treaties():
    # 1962-64 two treaties bind 365-710: defense (229) and neutrality (267)
    flags = ds.alliance(CHN, RUS, 1963)
    assert flags == ds.alliance(RUS, CHN, 1963)
    assert flags["defense"] == 1 and flags["neutrality"] == 1
    # 1996-2012 non-aggression + entente -> 0.5 (largest weight present)
    assert ds.alliance(RUS, CHN, 2001) == {
        "defense": 0,
        "neutrality": 0,
        "nonaggression": 1,
        "entente": 1,
    }
    assert ds.alliance_commitment(RUS, CHN, 2001) == 0.5
    assert ds.alliance_commitment(USA, RUS, 1970) == 0.0


def test_alliance_commitment_mapping_is_documented():
    assert ds.ALLIANCE_COMMITMENT_WEIGHTS == {
        "defense": 1.0,
        "neutrality": 0.5,
        "nonaggression": 0.5,
        "entente": 0.25,
    }
    assert "free-parameter" in ds.alliance_commitment.__doc__


def test_alliance_errors():
    assert ds.alliance_years() == (1946, 2012)
    with pytest.raises(ValueError, match="1946-2012"):
        ds.alliance(RUS, CHN, 2020)
    with pytest.raises(KeyError, match="123"):
        ds.alliance(123, CHN, 1960)
    with pytest.raises(ValueError):
        ds.alliance_commitment(CHN, CHN, 1960)


# --------------------------------------------------------------------------- trade


def test_national_trade_values_and_blanks():
    assert ds.national_trade(USA, 1969) == (38408.9, 37964.0)
    assert ds.national_trade(CHN, 1969) == (1830.0, 2200.0)
    assert ds.national_trade(TAW, 1950) == (112.0, 72.0)
    imports, exports = ds.national_trade(TAW, 2012)
    assert imports is None and exports == pytest.approx(377506.108836309)


def test_national_trade_errors():
    with pytest.raises(ValueError, match="1949-2014"):
        ds.national_trade(TAW, 1948)
    with pytest.raises(KeyError):
        ds.national_trade(40, 1969)


# --------------------------------------------------------------------------- diplomacy


def test_diplomatic_representation_steps_and_holds():
    assert ds.diplomatic_representation(USA, CHN, 1975) == 0
    assert ds.diplomatic_representation(USA, CHN, 1979) == 0  # 1975 observation
    assert ds.diplomatic_representation(USA, CHN, 1980) == 3
    assert ds.diplomatic_representation(CHN, USA, 1984) == 3
    assert ds.diplomatic_representation(USA, TAW, 1980) == 0
    assert ds.diplomatic_representation(USA, RUS, 2020) == 3  # 2005 held
    assert ds.diplomatic_representation(RUS, TAW, 1990) == 0


def test_diplomatic_representation_is_directed():
    # the only asymmetric post-war rows: row (2, 713, 1965) has DR_at_1 = 9, DR_at_2 = 0
    assert ds.diplomatic_representation(USA, TAW, 1967) == 0
    assert ds.diplomatic_representation(TAW, USA, 1967) == 9
    assert ds.diplomatic_representation(RUS, CHN, 1950) == 9
    assert ds.diplomatic_representation(CHN, RUS, 1950) == 0


def test_diplomatic_representation_errors():
    with pytest.raises(ValueError, match="1817"):
        ds.diplomatic_representation(USA, RUS, 1800)
    with pytest.raises(KeyError):
        ds.diplomatic_representation(USA, 200, 1990)


# --------------------------------------------------------------------------- CAMEO


def test_goldstein_known_codes():
    assert ds.goldstein("046") == 7.0
    assert ds.goldstein("190") == -10.0
    assert ds.goldstein("036") == 4.0
    assert ds.goldstein("1623") == -5.6
    assert ds.goldstein("010") == 0.0


def test_cameo_descriptions():
    assert ds.cameo_description("046") == "Engage in negotiation"
    assert ds.cameo_description("190") == "Use conventional military force, not specified below"
    assert ds.cameo_description("01") == "MAKE PUBLIC STATEMENT"


def test_cameo_errors_name_the_code():
    with pytest.raises(KeyError, match="'999'"):
        ds.goldstein("999")
    with pytest.raises(KeyError, match="'46'"):
        ds.cameo_description("46")  # leading zero matters
    with pytest.raises(TypeError):
        ds.goldstein(46)


# --------------------------------------------------------------------------- MID


def test_1969_sino_soviet_border_clash():
    (d,) = ds.mid_dispute(RUS, CHN, 1969)
    assert d["dispnum"] == 349
    assert d["hostlev"] == 4
    assert d["fatality"] == 3
    assert (d["styear"], d["endyear"]) == (1969, 1969)
    assert (d["fatality1"], d["fatality2"]) == (2, 3)  # USSR, PRC
    (e,) = ds.mid_dispute(CHN, RUS, 1969)
    assert (e["fatality1"], e["fatality2"]) == (3, 2)  # order follows the arguments
    assert e["hostlev"] == 4


def test_mid_dispute_none_and_merged_rows():
    assert ds.mid_dispute(RUS, CHN, 1970) == []
    assert ds.mid_dispute(USA, TAW, 1990) == []
    found = ds.mid_dispute(USA, RUS, 2013)
    nums = [d["dispnum"] for d in found]
    assert len(nums) == len(set(nums))  # 4691 has three dyad rows, reported once
    assert 4691 in nums
    d4691 = next(d for d in found if d["dispnum"] == 4691)
    assert (d4691["styear"], d4691["endyear"]) == (2012, 2014)
    assert d4691["fatality"] == -9  # missing in MIDA, kept as in the file
    with pytest.raises(KeyError):
        ds.mid_dispute(USA, 99, 1969)
