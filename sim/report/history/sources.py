"""The sources the record and the claims cite, by key, and their full references."""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "Patel2025": (
        'Patel, A. (2025). "Soviet-Taiwanese Relations during the Cold War: The One China '
        'policy and a saga of rapprochements." Shiksha Samvad 3(2): 193-200.'
    ),
    "Tang": (
        'Tang, A. (c. 2018). "Are Closer Taiwan-Russia Relations Possible? How?" '
        "CommonWealth Magazine (English edition)."
    ),
    "Politika2024": "Commentary on Russia-Taiwan relations (unsigned, 2024).",
    "CDR2024": (
        "Report on Taiwanese machine tools reaching Russia after 2022, citing the Centre "
        "for Defence Reforms (c. 2024)."
    ),
    "Matsumura2018": "Matsumura, M. (c. 2018). Op-ed on Taiwan and export-control regimes, Taipei Times.",
    "Kissinger1994": "Kissinger, H. (1994). Diplomacy. (as cited by Patel2025)",
    "Gaddis2006": "Gaddis, J. L. (2006). The Cold War. (as cited by Patel2025)",
    "MID5": "Palmer et al. (2022), Militarized Interstate Disputes 5.0.",
    "ICB": "Brecher et al., International Crisis Behavior v14 (2021).",
    "COW_ALLIANCE": "Gibler (2009), COW Formal Alliances v4.1.",
}


def cite(keys: str) -> str:
    """Full references for a citation string like 'Patel2025; MID5'."""
    out = []
    for part in keys.replace(",", ";").split(";"):
        k = part.strip().split(" ")[-1]
        if k in SOURCES and SOURCES[k] not in out:
            out.append(SOURCES[k])
    return " ".join(out)
