"""The sources' causal claims, restated, with the years they speak about."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Claim:
    """A causal claim of the sources, restated, with the years it speaks about."""

    number: int
    text: str
    source: str
    start: int
    end: int
    actors: tuple[str, ...] = field(default=())


CLAIMS: tuple[Claim, ...] = (
    Claim(
        1,
        "National interest, judged hard-headedly, drives states; ideology comes second "
        "(the Sino-Soviet split, the Soviet flirtation with Taipei and the Sino-US opening all "
        "show it).",
        "Patel2025",
        1945,
        2030,
    ),
    Claim(
        2,
        "Under bipolarity the lesser powers (PRC, ROC) win room to manoeuvre by playing "
        "one superpower off against the other.",
        "Patel2025, after Gaddis2006",
        1945,
        1991,
        ("PRC", "ROC"),
    ),
    Claim(
        3,
        "Moscow's 1969 opening to Taipei depended on the escalating conflict with Beijing; "
        "once border talks started, the Soviet leaders buried the secret channel to protect "
        "them.",
        "Patel2025",
        1965,
        1975,
        ("USSR", "ROC", "PRC"),
    ),
    Claim(
        4,
        "Playing the 'Taiwan card' and the 'Soviet card' as signals to Beijing and "
        "Washington gained Moscow and Taipei nothing; if anything it sped up the Sino-US "
        "rapprochement.",
        "Patel2025",
        1965,
        1980,
        ("USSR", "ROC", "US", "PRC"),
    ),
    Claim(
        5,
        "After Beijing and Washington came together, Moscow judged that mending relations "
        "with Beijing paid better than a Taiwan option, and returned to One China.",
        "Patel2025",
        1970,
        1990,
        ("USSR", "PRC", "ROC"),
    ),
    Claim(
        6,
        "Washington needed no card to play: fear of the USSR was enough to make China cooperate.",
        "Patel2025, after Kissinger1994",
        1968,
        1980,
        ("US", "PRC", "USSR"),
    ),
    Claim(
        7,
        "Russia is pragmatic: Taipei can deepen ties only where they help Russia's economy "
        "without crossing the One China line, and after 2014 (more so after 2022) Russia's "
        "dependence on China leaves Taipei no room.",
        "Tang; Politika2024",
        1990,
        2030,
        ("USSR", "ROC", "PRC"),
    ),
    Claim(
        8,
        "Sanctions are only as strong as their enforcement: with weak enforcement and "
        "routes through third countries, Taiwanese equipment keeps reaching Russia.",
        "CDR2024; Politika2024; Matsumura2018",
        2014,
        2030,
        ("ROC", "USSR"),
    ),
)
