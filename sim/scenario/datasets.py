"""Reference data of the four states, read from the package's ``sim/scenario/data`` files.

Every lookup is answered from small CSV/TSV extracts of public IR datasets
(COW NMC, alliances, trade, diplomatic exchange; MID 5.0; ICB v14; CAMEO and
the Goldstein scale). Each file is parsed once, lazily, on first use and then
cached, so importing this module costs almost nothing and never imports pandas
or numpy. Files are read through the package loader (as ``pkgutil.get_data``
does), with :mod:`importlib.resources` as fallback.

Country codes are COW codes: 2 USA, 365 RUS (USSR to 1991), 710 CHN (PRC from
1949; the Republic of China on the mainland before that), 713 TAW (ROC on
Taiwan, from 1949).

Sources, versions and changes are listed in ``sim/scenario/data/CITATION.md``; the
citation text of each dataset is in :data:`DATASETS`.
"""

from __future__ import annotations

import bisect
import functools
import io
import math
import os

__all__ = [
    "ALLIANCE_COMMITMENT_WEIGHTS",
    "CCODES",
    "CINC_RULE",
    "DATASETS",
    "DATA_FILES",
    "alliance",
    "alliance_commitment",
    "alliance_years",
    "cameo_description",
    "cinc",
    "cinc_last_year",
    "diplomatic_exchange",
    "diplomatic_representation",
    "goldstein",
    "mid_dispute",
    "national_trade",
]

#: COW country codes of the four states and their COW abbreviations.
CCODES: dict[int, str] = {2: "USA", 365: "RUS", 710: "CHN", 713: "TAW"}

#: Dataset key -> file name in ``sim/scenario/data``.
DATA_FILES: dict[str, str] = {
    "cow_nmc": "cow_nmc6_capabilities_4states.csv",
    "cow_alliance": "cow_alliance_v4.1_dyad_yearly_DERIVED_4states.csv",
    "cow_trade": "cow_national_trade_4.0.csv",
    "cow_dipex": "cow_diplomatic_exchange_2006v1.csv",
    "cameo": "cameo_eventcodes.txt",
    "goldstein": "cameo_goldsteinscale.txt",
    "mid5": "mid5_dyads_4states_opposing.csv",
    "icb": "icb1v14_crises_with_4state_actor_1946on.csv",
    "cow_majors": "cow_majors2024.csv",
}

#: Dataset key -> full citation text (as the data providers ask; see CITATION.md).
DATASETS: dict[str, str] = {
    "cow_nmc": (
        'Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability '
        'Distribution, Uncertainty, and Major Power War, 1820-1965." In Bruce Russett '
        "(ed.), Peace, War, and Numbers, 19-48. Beverly Hills: Sage. Data: Greig, J. "
        "Michael and Andrew J. Enterline. 2021. Correlates of War Project National "
        "Material Capabilities (NMC) Data Documentation, Version 6.0."
    ),
    "cow_alliance": (
        "Gibler, Douglas M. 2009. International Military Alliances, 1648-2008. "
        "Washington, DC: CQ Press. (Correlates of War Formal Alliances data, v4.1.)"
    ),
    "cow_trade": (
        "Barbieri, Katherine and Omar M. G. Keshk. 2016. Correlates of War Project "
        "Trade Data Set Codebook, Version 4.0. Online: http://correlatesofwar.org; "
        'Barbieri, Katherine, Omar M. G. Keshk, and Brian Pollins. 2009. "Trading '
        'Data: Evaluating our Assumptions and Coding Rules." Conflict Management and '
        "Peace Science 26(5): 471-491."
    ),
    "cow_dipex": (
        'Bayer, Resat. 2006. "Diplomatic Exchange Data set, v2006.1." '
        "Online: http://correlatesofwar.org"
    ),
    "cameo": (
        "Gerner, Deborah J., Philip A. Schrodt, Omur Yilmaz, and Rajaa Abu-Jabr. 2002. "
        '"Conflict and Mediation Event Observations (CAMEO): A New Event Data '
        'Framework for the Analysis of Foreign Policy Interactions." Paper presented '
        "at the International Studies Association, New Orleans; Schrodt, Philip A. "
        "2012. CAMEO Conflict and Mediation Event Observations Event and Actor "
        "Codebook, Version 1.1b3. Pennsylvania State University. (Code table as "
        "distributed with GDELT.)"
    ),
    "goldstein": (
        'Goldstein, Joshua S. 1992. "A Conflict-Cooperation Scale for WEIS Events '
        'Data." Journal of Conflict Resolution 36(2): 369-385. (CAMEO-to-Goldstein '
        "mapping as distributed with GDELT.)"
    ),
    "mid5": (
        "Palmer, Glenn, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, "
        "Mikaela Karstens, Chase Bloch, Nick Dietrich, Kayla Kahn, Kellan Ritter, and "
        'Michael J. Soules. 2022. "The MID5 Dataset, 2011-2014: Procedures, coding '
        'rules, and description." Conflict Management and Peace Science 39(4): 470-482.'
    ),
    "icb": (
        "Brecher, Michael, Jonathan Wilkenfeld, Kyle Beardsley, Patrick James, and "
        "David Quinn. 2021. International Crisis Behavior Data Codebook, Version 14; "
        "Brecher, Michael and Jonathan Wilkenfeld. 2000. A Study of Crisis. Ann Arbor: "
        "University of Michigan Press."
    ),
    "cow_majors": (
        "Correlates of War Project. 2024. State System Membership List, v2024 "
        "(major powers). Online: http://correlatesofwar.org"
    ),
}

#: The rule :func:`cinc` applies between and beyond the annual COW values.
CINC_RULE: str = (
    "COW NMC v6.0 CINC is annual: the value for year Y applies at Y+0.0, values at "
    "fractional years are linearly interpolated between adjacent annual values, "
    "before a state's first data year its first value is held, and after its last "
    "data year (2016) its last value is held."
)

#: Project coding choice (a free-parameter mapping, not part of COW): commitment
#: weight of each COW alliance type; a dyad-year takes the largest weight present.
ALLIANCE_COMMITMENT_WEIGHTS: dict[str, float] = {
    "defense": 1.0,
    "neutrality": 0.5,
    "nonaggression": 0.5,
    "entente": 0.25,
}

_ALLIANCE_TYPES = ("defense", "neutrality", "nonaggression", "entente")


# --------------------------------------------------------------------------- files


def _read_text(key: str) -> str:
    """Text of the data file of dataset ``key`` in this package's ``data`` folder.

    Read through the package loader's ``get_data`` (the call behind
    ``pkgutil.get_data``; works for installed, editable and zipped packages),
    falling back to :mod:`importlib.resources` for loaders without it. The
    fallback is not the default because importing importlib.resources costs
    ~25 ms, which would dominate start-up of the CLI and of worker processes.
    """
    name = DATA_FILES[key]
    loader = getattr(__spec__, "loader", None)
    here = globals().get("__file__")
    if hasattr(loader, "get_data") and here:
        try:
            raw = loader.get_data(os.path.join(os.path.dirname(here), "data", name))
        except OSError:
            pass
        else:
            return raw.decode("utf-8")
    return _read_text_resources(name)


def _read_text_resources(name: str) -> str:
    from importlib import resources

    return resources.files(__package__).joinpath("data", name).read_text("utf-8")


def _csv_rows(key: str) -> list[dict[str, str]]:
    import csv  # deferred: csv imports re (~5 ms)

    return list(csv.DictReader(io.StringIO(_read_text(key))))


def _check_ccode(ccode: int) -> None:
    if ccode not in CCODES:
        raise KeyError(
            f"unknown COW country code {ccode!r}: the data cover only "
            f"{', '.join(f'{c} ({a})' for c, a in CCODES.items())}"
        )


def _check_dyad(ccode1: int, ccode2: int) -> None:
    _check_ccode(ccode1)
    _check_ccode(ccode2)
    if ccode1 == ccode2:
        raise ValueError(f"a dyad needs two different states, got {ccode1} twice")


# --------------------------------------------------------------------------- CINC


@functools.cache
def _cinc_table() -> dict[int, tuple[list[int], list[float]]]:
    by_state: dict[int, list[tuple[int, float]]] = {}
    for row in _csv_rows("cow_nmc"):
        by_state.setdefault(int(row["ccode"]), []).append((int(row["year"]), float(row["cinc"])))
    table = {}
    for ccode, pairs in by_state.items():
        pairs.sort()
        years = [y for y, _ in pairs]
        if len(set(years)) != len(years):
            raise ValueError(f"duplicate CINC years for ccode {ccode} in {DATA_FILES['cow_nmc']}")
        table[ccode] = (years, [v for _, v in pairs])
    return table


def cinc(ccode: int, year: float) -> float:
    """CINC share of state ``ccode`` at (fractional) ``year``.

    The annual value for year Y applies at Y+0.0 (1969.5 is mid-1969, halfway
    between the 1969 and 1970 values); between annual values the result is
    linearly interpolated; before the state's first data year the first value
    is held, after its last (2016) the last value is held. See
    :data:`CINC_RULE`. Unknown ``ccode`` raises KeyError; a non-finite
    ``year`` raises ValueError.

    Citation: ``DATASETS["cow_nmc"]`` (COW NMC v6.0).
    """
    try:
        years, values = _cinc_table()[ccode]
    except KeyError:
        raise KeyError(
            f"no CINC series for COW country code {ccode!r} in {DATA_FILES['cow_nmc']} "
            f"(available: {sorted(_cinc_table())})"
        ) from None
    if not math.isfinite(year):
        raise ValueError(f"year must be finite, got {year!r}")
    if year <= years[0]:
        return values[0]
    if year >= years[-1]:
        return values[-1]
    i = bisect.bisect_right(years, year)  # years[i-1] <= year < years[i]
    y0, v0 = years[i - 1], values[i - 1]
    if year == y0:
        return v0
    y1, v1 = years[i], values[i]
    return v0 + (year - y0) / (y1 - y0) * (v1 - v0)


def cinc_last_year() -> int:
    """Last year with an annual CINC value for all four states (2016).

    Citation: ``DATASETS["cow_nmc"]``.
    """
    return min(years[-1] for years, _ in _cinc_table().values())


# --------------------------------------------------------------------------- alliances


@functools.cache
def _alliance_table() -> tuple[dict[tuple[int, int, int], dict[str, int]], tuple[int, int]]:
    table: dict[tuple[int, int, int], dict[str, int]] = {}
    years = []
    for row in _csv_rows("cow_alliance"):
        a, b, y = int(row["ccode1"]), int(row["ccode2"]), int(row["year"])
        years.append(y)
        flags = table.setdefault((min(a, b), max(a, b), y), dict.fromkeys(_ALLIANCE_TYPES, 0))
        # several treaties may bind a dyad in one year: a type is present if any has it
        for t in _ALLIANCE_TYPES:
            flags[t] = max(flags[t], int(row[t]))
    return table, (min(years), max(years))


def alliance_years() -> tuple[int, int]:
    """First and last year covered by the alliance extract (1946, 2012).

    Citation: ``DATASETS["cow_alliance"]``.
    """
    return _alliance_table()[1]


def alliance(ccode1: int, ccode2: int, year: int) -> dict[str, int]:
    """COW alliance-type flags of the dyad in ``year``, symmetric in the codes.

    Returns ``{"defense", "neutrality", "nonaggression", "entente"}`` as 0/1
    ints; a flag is 1 if any treaty in force between the two that year has it,
    all 0 when there is no alliance row. Unknown ccode raises KeyError; the same
    code twice, or a year outside :func:`alliance_years` (1946-2012), raises
    ValueError (the data cannot say whether an alliance existed then).

    Citation: ``DATASETS["cow_alliance"]`` (COW Formal Alliances v4.1,
    dyad-year table derived from the member-year file).
    """
    _check_dyad(ccode1, ccode2)
    table, (first, last) = _alliance_table()
    if not first <= year <= last:
        raise ValueError(
            f"year {year} is outside the alliance data ({first}-{last}) in "
            f"{DATA_FILES['cow_alliance']}"
        )
    key = (min(ccode1, ccode2), max(ccode1, ccode2), int(year))
    flags = table.get(key)
    return dict(flags) if flags else dict.fromkeys(_ALLIANCE_TYPES, 0)


def alliance_commitment(ccode1: int, ccode2: int, year: int) -> float:
    """Alliance commitment of the dyad in ``year`` in [0, 1], symmetric.

    1.0 for a defense pact, 0.5 for a neutrality or non-aggression pact, 0.25
    for an entente, 0.0 for none; with several types the largest applies.
    This mapping (:data:`ALLIANCE_COMMITMENT_WEIGHTS`) is the project's coding
    choice, a free-parameter mapping, not part of the COW data. Errors as in
    :func:`alliance`.

    Citation: ``DATASETS["cow_alliance"]``.
    """
    flags = alliance(ccode1, ccode2, year)
    return max(
        (ALLIANCE_COMMITMENT_WEIGHTS[t] for t in _ALLIANCE_TYPES if flags[t]),
        default=0.0,
    )


# --------------------------------------------------------------------------- trade


@functools.cache
def _trade_table() -> dict[int, dict[int, tuple[float | None, float | None]]]:
    table: dict[int, dict[int, tuple[float | None, float | None]]] = {}
    for row in _csv_rows("cow_trade"):
        imports = float(row["imports"]) if row["imports"].strip() else None
        exports = float(row["exports"]) if row["exports"].strip() else None
        table.setdefault(int(row["ccode"]), {})[int(row["year"])] = (imports, exports)
    return table


def national_trade(ccode: int, year: int) -> tuple[float | None, float | None]:
    """Total (imports, exports) of ``ccode`` in ``year``, current US$ millions.

    Either value is None where the COW cell is blank (e.g. Taiwan's imports
    1960-2014). Unknown ccode raises KeyError; a year with no row for the state
    (before 1870, after 2014, Taiwan before 1949) raises ValueError.

    Citation: ``DATASETS["cow_trade"]`` (COW Trade v4.0, national).
    """
    _check_ccode(ccode)
    rows = _trade_table()[ccode]
    try:
        return rows[int(year)]
    except KeyError:
        raise ValueError(
            f"no COW national trade row for ccode {ccode} in {year} "
            f"(covered: {min(rows)}-{max(rows)})"
        ) from None


#: The rule :func:`economic_size` applies to the annual COW national trade values.
ECONOMIC_SIZE_RULE: str = (
    "Economic size is COW Trade v4.0 national turnover (imports plus exports, current "
    "US$ m), a stand-in for economic weight that counts no population or steel (unlike "
    "CINC); a blank imports cell counts the exports twice; fractional years are linearly "
    "interpolated; after the last data year (2014) the last value is held."
)


def economic_size(ccode: int, year: float) -> float:
    """Economic size of ``ccode`` at (fractional) ``year`` (:data:`ECONOMIC_SIZE_RULE`).

    Citation: ``DATASETS["cow_trade"]`` (COW Trade v4.0, national)."""
    _check_ccode(ccode)
    rows = _trade_table()[ccode]

    def turnover(y: int) -> float:
        imp, exp = rows[y]
        exp = exp or 0.0
        return (imp if imp is not None else exp) + exp

    first, last = min(rows), max(rows)
    if not math.isfinite(year):
        raise ValueError(f"year must be finite, got {year!r}")
    y0 = int(math.floor(min(max(year, first), last)))
    if y0 >= last:
        return turnover(last)
    w = min(max(year, first), last) - y0
    return (1 - w) * turnover(y0) + w * turnover(y0 + 1)


@functools.cache
def _majors() -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for row in _csv_rows("cow_majors"):
        out.setdefault(int(row["ccode"]), []).append((int(row["styear"]), int(row["endyear"])))
    return out


def major_power(ccode: int, year: float) -> bool:
    """Whether COW lists ``ccode`` as a major power in ``year`` (held after 2024).

    Citation: ``DATASETS["cow_majors"]``."""
    y = min(int(year), 2024)
    return any(a <= y <= b for a, b in _majors().get(ccode, []))


def parity(ccode1: int, ccode2: int, year: float) -> float:
    """Economic parity of two major powers at ``year``: the smaller economic size over
    the larger (0 .. 1); 0 unless both are COW major powers.

    Citation: ``DATASETS["cow_trade"]``, ``DATASETS["cow_majors"]``."""
    if not (major_power(ccode1, year) and major_power(ccode2, year)):
        return 0.0
    a, b = economic_size(ccode1, year), economic_size(ccode2, year)
    return min(a, b) / max(a, b) if max(a, b) > 0 else 0.0


# --------------------------------------------------------------------------- diplomacy


@functools.cache
def _dipex_table(column: str = "DR_at_2") -> dict[tuple[int, int], tuple[list[int], list[int]]]:
    """One column of the directed rows, per (ccode1, ccode2): (years, values), by year.
    Codebook: ``DR_at_2`` is the level of side 1's representation at side 2; ``DE`` is 1
    where the two exchange diplomats at any level."""
    series: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for row in _csv_rows("cow_dipex"):
        key = (int(row["ccode1"]), int(row["ccode2"]))
        series.setdefault(key, []).append((int(row["year"]), int(row[column])))
    return {k: ([y for y, _ in sorted(v)], [x for _, x in sorted(v)]) for k, v in series.items()}


def diplomatic_representation(ccode1: int, ccode2: int, year: int) -> int:
    """Level of ``ccode1``'s diplomatic representation in ``ccode2``'s capital.

    0 none, 1 chargé d'affaires, 2 minister, 3 ambassador, 9 other (9 is a
    category, not a rank above 3). The data are observed at 5-year steps
    (1950, 1955, ..., 2005 after the war); the value of the latest observation
    year <= ``year`` is returned (so 2005 is held afterwards). A year before the
    first observation raises ValueError; unknown ccode raises KeyError.
    Taken as ``DR_at_2`` of the directed row (ccode1, ccode2), equal to
    ``DR_at_1`` of the row (ccode2, ccode1).

    Citation: ``DATASETS["cow_dipex"]`` (COW Diplomatic Exchange v2006.1).
    """
    _check_dyad(ccode1, ccode2)
    years, levels = _dipex_table()[(ccode1, ccode2)]
    i = bisect.bisect_right(years, year)
    if i == 0:
        raise ValueError(
            f"no diplomatic-exchange observation for ({ccode1}, {ccode2}) at or before "
            f"{year}; first is {years[0]}"
        )
    return levels[i - 1]


def diplomatic_exchange(ccode1: int, ccode2: int, year: int) -> bool:
    """Whether the two states exchange diplomats at any level (COW's ``DE`` flag) at
    the latest observation at or before ``year``; a vacancy at one post does not clear
    it (e.g. the US embassy in Taipei in 1965). Errors as in
    :func:`diplomatic_representation`.

    Citation: ``DATASETS["cow_dipex"]`` (COW Diplomatic Exchange v2006.1).
    """
    _check_dyad(ccode1, ccode2)
    years, flags = _dipex_table("DE")[(ccode1, ccode2)]
    i = bisect.bisect_right(years, year)
    if i == 0:
        raise ValueError(
            f"no diplomatic-exchange observation for ({ccode1}, {ccode2}) at or before "
            f"{year}; first is {years[0]}"
        )
    return bool(flags[i - 1])


# --------------------------------------------------------------------------- CAMEO


def _tsv_map(key: str) -> dict[str, str]:
    lines = _read_text(key).splitlines()
    out = {}
    for line in lines[1:]:  # header: CAMEOEVENTCODE <tab> ...
        if line.strip():
            code, value = line.split("\t", 1)
            out[code.strip()] = value.strip()
    return out


@functools.cache
def _goldstein_table() -> dict[str, float]:
    return {code: float(v) for code, v in _tsv_map("goldstein").items()}


@functools.cache
def _cameo_table() -> dict[str, str]:
    return _tsv_map("cameo")


def _cameo_lookup(table: dict, code: str, what: str):
    if not isinstance(code, str):
        raise TypeError(f"CAMEO codes are strings with leading zeros (e.g. '046'), got {code!r}")
    try:
        return table[code]
    except KeyError:
        raise KeyError(f"unknown CAMEO event code {code!r} (no {what})") from None


def goldstein(code: str) -> float:
    """Goldstein conflict-cooperation score (-10 .. +10) of CAMEO event ``code``.

    ``code`` is a string such as "036" or "1623" (leading zeros matter);
    unknown code raises KeyError naming it, a non-string raises TypeError.

    Citation: ``DATASETS["goldstein"]`` (CAMEO mapping as distributed with GDELT).
    """
    return _cameo_lookup(_goldstein_table(), code, "Goldstein score")


def cameo_description(code: str) -> str:
    """Text description of CAMEO event ``code`` (e.g. "046" -> "Engage in negotiation").

    Unknown code raises KeyError naming it, a non-string raises TypeError.

    Citation: ``DATASETS["cameo"]``.
    """
    return _cameo_lookup(_cameo_table(), code, "description")


# --------------------------------------------------------------------------- MID


@functools.cache
def _mid_rows() -> tuple[dict[str, int], ...]:
    return tuple(
        {k: int(v) for k, v in row.items() if k not in ("stabb1", "stabb2")}
        for row in _csv_rows("mid5")
    )


def mid_dispute(ccode1: int, ccode2: int, year: int) -> list[dict[str, int]]:
    """MID 5.0 disputes with the two states on opposite sides, active in ``year``.

    Either order of codes. A dispute is active if some dyad row of it has
    ``styear <= year <= endyear`` (the dyad's own years). One dict per dispute,
    sorted by dispute start then number, with keys: ``dispnum``;
    ``styear``/``endyear`` (the dyad's span in that dispute); ``hostlev`` and
    ``fatality`` (dispute-level MIDA hostility level 1-5 and fatality level
    0-6, -9 = missing); ``hostlev1``/``hostlev2`` and ``fatality1``/
    ``fatality2`` (each state's own levels, 1 = ``ccode1`` as passed; the
    maximum over the dyad rows active that year). Empty list if none; unknown
    ccode raises KeyError.

    Citation: ``DATASETS["mid5"]`` (MID 5.0, MIDA/MIDB).
    """
    _check_dyad(ccode1, ccode2)
    lo, hi = min(ccode1, ccode2), max(ccode1, ccode2)
    flip = ccode1 != lo
    spans: dict[int, list[int]] = {}
    found: dict[int, dict[str, int]] = {}
    for r in _mid_rows():
        if (r["ccode1"], r["ccode2"]) != (lo, hi):
            continue
        span = spans.setdefault(r["dispnum"], [r["styear"], r["endyear"]])
        span[0], span[1] = min(span[0], r["styear"]), max(span[1], r["endyear"])
        if not r["styear"] <= year <= r["endyear"]:
            continue
        h1, h2, f1, f2 = r["hostlev1"], r["hostlev2"], r["fatality1"], r["fatality2"]
        if flip:
            h1, h2, f1, f2 = h2, h1, f2, f1
        d = found.setdefault(
            r["dispnum"],
            {
                "dispnum": r["dispnum"],
                "hostlev": r["mid_hostlev"],
                "fatality": r["mid_fatality"],
                "hostlev1": h1,
                "hostlev2": h2,
                "fatality1": f1,
                "fatality2": f2,
            },
        )
        d["hostlev1"], d["hostlev2"] = max(d["hostlev1"], h1), max(d["hostlev2"], h2)
        d["fatality1"], d["fatality2"] = max(d["fatality1"], f1), max(d["fatality2"], f2)
    out = []
    for num, d in found.items():
        d["styear"], d["endyear"] = spans[num]
        out.append(d)
    out.sort(key=lambda d: (d["styear"], d["dispnum"]))
    return out
