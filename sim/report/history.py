"""The historical record the debrief compares a class's run with, in the project's words.

A restatement (never a quotation) of the dated events and the causal claims
collected from the source articles (the project's history digest), each with
its citation. ``actors`` names the scenario actor ids an entry concerns, so a
debrief can read the run's relations at that date; an entry whose actors are
not in a run is still listed, without the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.scenario.calendar import parse_month

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


@dataclass(frozen=True)
class Entry:
    """One dated entry of the record: ``start``..``end`` months (inclusive)."""

    when: str  # as the record gives it (e.g. "1969-03", "1969", "1965-1972")
    start: str
    end: str
    text: str
    source: str
    actors: tuple[str, ...] = ()

    @property
    def span(self) -> tuple[int, int]:
        return parse_month(self.start), parse_month(self.end)


def _e(when: str, start: str, end: str, text: str, source: str, *actors: str) -> Entry:
    return Entry(when, start, end, text, source, tuple(actors))


TIMELINE: tuple[Entry, ...] = (
    _e(
        "1945-08",
        "1945-08",
        "1945-08",
        "Moscow and the Nationalist (ROC) government sign a treaty of friendship and alliance.",
        "Patel2025",
        "USSR",
        "ROC",
    ),
    _e(
        "1949-10",
        "1949-10",
        "1949-10",
        "The PRC is proclaimed; the Nationalists withdraw to Taiwan. Moscow recognises Beijing at once and breaks with the ROC, which in turn bans trade and investment with the USSR.",
        "Patel2025; CDR2024",
        "USSR",
        "PRC",
        "ROC",
    ),
    _e(
        "1950-02",
        "1950-02",
        "1950-02",
        "The USSR and the PRC conclude a treaty of alliance (COW codes a defence pact to 1980).",
        "Patel2025; COW_ALLIANCE",
        "USSR",
        "PRC",
    ),
    _e(
        "1954",
        "1954-01",
        "1954-12",
        "The US and the ROC sign a mutual defence treaty; first Taiwan Strait crisis.",
        "Patel2025; COW_ALLIANCE; ICB",
        "US",
        "ROC",
        "PRC",
    ),
    _e(
        "1958",
        "1958-01",
        "1958-12",
        "Second Taiwan Strait crisis: Moscow arms Beijing but will not back pressure on Taiwan, wary of a nuclear clash with Washington.",
        "Patel2025",
        "USSR",
        "PRC",
        "ROC",
    ),
    _e(
        "c. 1960-1964",
        "1960-01",
        "1964-12",
        "The Sino-Soviet split opens, to Taipei's satisfaction.",
        "Patel2025",
        "USSR",
        "PRC",
    ),
    _e(
        "1965-1972",
        "1965-01",
        "1972-12",
        "Soviet emissaries travel secretly to Taiwan at least six times; after 1968 some trips are leaked deliberately as messages to Beijing or Washington.",
        "Patel2025",
        "USSR",
        "ROC",
    ),
    _e(
        "1968-1969",
        "1968-01",
        "1969-12",
        "Victor Louis, speaking for the Soviet hard-liners, sounds out senior ROC officials about relations and Soviet neutrality; Taipei welcomes neutrality but rejects a pro-Soviet party on the mainland.",
        "Patel2025",
        "USSR",
        "ROC",
    ),
    _e(
        "1969-03",
        "1969-03",
        "1969-03",
        "Armed clashes on the Ussuri river (Zhenbao/Damansky Island) with casualties on both sides.",
        "Patel2025; MID5; ICB",
        "USSR",
        "PRC",
    ),
    _e(
        "1969",
        "1969-01",
        "1969-12",
        "At a party conference some Soviet voices favour working with Taiwan and Marshal Grechko floats a blockade of China; Brezhnev and Kosygin opt for military pressure together with diplomacy.",
        "Patel2025",
        "USSR",
        "PRC",
        "ROC",
    ),
    _e(
        "1969",
        "1969-01",
        "1969-12",
        "Washington signals a smaller role in Asia (leaving Vietnam, ending routine Seventh Fleet Strait patrols); Taipei looks at a Soviet option.",
        "Patel2025",
        "US",
        "ROC",
        "USSR",
    ),
    _e(
        "1969",
        "1969-01",
        "1969-12",
        "At the UN the USSR stops speaking up for PRC membership, the ROC picks up some ten votes on the China seat, and Moscow drops its protests at ROC participation in international bodies.",
        "Patel2025",
        "USSR",
        "ROC",
        "PRC",
    ),
    _e(
        "1969-09",
        "1969-09",
        "1969-09",
        "The last Louis meeting (Vienna) touches on intelligence sharing and plans against the mainland.",
        "Patel2025",
        "USSR",
        "ROC",
    ),
    _e(
        "1969-10",
        "1969-10",
        "1969-10",
        "Sino-Soviet border talks open; the Soviet moderates prevail and the Taiwan channel is quietly shut.",
        "Patel2025",
        "USSR",
        "PRC",
        "ROC",
    ),
    _e(
        "1971-10",
        "1971-10",
        "1971-10",
        "The PRC takes China's seat at the UN; the ROC grows more isolated.",
        "Patel2025",
        "PRC",
        "ROC",
    ),
    _e(
        "1972-02",
        "1972-02",
        "1972-02",
        "Nixon visits China (Shanghai Communique); Washington becomes the pivot of the triangle.",
        "Patel2025; Kissinger1994",
        "US",
        "PRC",
        "USSR",
    ),
    _e(
        "1970s",
        "1973-01",
        "1979-12",
        "Moscow stresses One China again; its contact with the ROC shrinks to marginal trade.",
        "Patel2025",
        "USSR",
        "ROC",
    ),
    _e(
        "1982",
        "1982-01",
        "1982-12",
        "In a speech at Tashkent Brezhnev accepts Chinese sovereignty over Taiwan and rules out any 'two Chinas'.",
        "Patel2025",
        "USSR",
        "PRC",
        "ROC",
    ),
    _e(
        "1988",
        "1988-01",
        "1988-12",
        "Taipei frees the crew of a detained Soviet tanker and lets Soviet ships use the Strait.",
        "Patel2025",
        "USSR",
        "ROC",
    ),
    _e(
        "1990",
        "1990-01",
        "1990-12",
        "Perestroika and Taipei's 'pragmatic diplomacy' open contacts.",
        "Tang",
        "USSR",
        "ROC",
    ),
    _e(
        "1992",
        "1992-01",
        "1992-12",
        "A Yeltsin decree keeps ties with Taipei unofficial: Moscow will not risk its relations with Beijing.",
        "Politika2024; CDR2024",
        "USSR",
        "ROC",
        "PRC",
    ),
    _e(
        "1992-1996",
        "1992-01",
        "1996-12",
        "Coordination commissions in Moscow (1993) and Taipei (1996) act as de facto embassies.",
        "Tang; Politika2024",
        "USSR",
        "ROC",
    ),
    _e(
        "2005",
        "2005-01",
        "2005-12",
        "Russia endorses China's anti-secession law and blocks ROC bids at the UN and WHO.",
        "Politika2024",
        "USSR",
        "PRC",
        "ROC",
    ),
    _e(
        "2008",
        "2008-01",
        "2008-12",
        "With the KMT back in power, cross-Strait warming also helps Taiwan-Russia ties.",
        "Tang",
        "ROC",
        "USSR",
        "PRC",
    ),
    _e(
        "2014-03",
        "2014-03",
        "2014-03",
        "Russia annexes Crimea; Western sectoral sanctions follow; Russian-Taiwanese political contact all but stops, and Russia's turn east favours Beijing.",
        "Politika2024; Tang; CDR2024",
        "USSR",
        "US",
        "ROC",
        "PRC",
    ),
    _e(
        "2015",
        "2015-01",
        "2015-12",
        "The rouble falls and bilateral trade dips.",
        "Tang",
        "USSR",
        "ROC",
    ),
    _e(
        "2018",
        "2018-01",
        "2018-12",
        "Taiwan lets Russian tourists in without visas.",
        "Politika2024",
        "ROC",
        "USSR",
    ),
    _e(
        "2022-02",
        "2022-02",
        "2022-02",
        "Russia invades Ukraine; Taipei condemns it at once and promises to join Western sanctions.",
        "Politika2024; CDR2024",
        "USSR",
        "ROC",
        "US",
    ),
    _e(
        "2022-03",
        "2022-03",
        "2022-03",
        "Russia puts Taiwan on its list of 'unfriendly' countries and territories.",
        "Politika2024",
        "USSR",
        "ROC",
    ),
    _e(
        "2022-04",
        "2022-04",
        "2022-04",
        "Taipei restricts high-tech exports (chips, electronics) to Russia.",
        "Politika2024",
        "ROC",
        "USSR",
    ),
    _e(
        "2022-03 to 2022-12",
        "2022-03",
        "2022-12",
        "Taiwanese machine tools worth over $133 million still reach Russia; only China supplies more.",
        "CDR2024",
        "ROC",
        "USSR",
    ),
    _e(
        "2023-01, 2023-12",
        "2023-01",
        "2023-12",
        "Taipei widens its controls to industrial equipment, chemicals and dual-use goods for Russia and Belarus.",
        "Politika2024",
        "ROC",
        "USSR",
    ),
    _e(
        "2023-11",
        "2023-11",
        "2023-11",
        "Taipei names a seasoned diplomat to head its Moscow commission: it keeps the channel open.",
        "Politika2024",
        "ROC",
        "USSR",
    ),
    _e(
        "2024-01",
        "2024-01",
        "2024-01",
        "Investigators find banned Taiwanese machinery still reaching Russia, up to half via Turkey and much of the rest via mainland China.",
        "Politika2024; CDR2024",
        "ROC",
        "USSR",
        "PRC",
    ),
    _e(
        "2024-02",
        "2024-02",
        "2024-02",
        "Taipei steeply raises fines for breaking the sanctions.",
        "Politika2024",
        "ROC",
        "USSR",
    ),
)


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


def cite(keys: str) -> str:
    """Full references for a citation string like 'Patel2025; MID5'."""
    out = []
    for part in keys.replace(",", ";").split(";"):
        k = part.strip().split(" ")[-1]
        if k in SOURCES and SOURCES[k] not in out:
            out.append(SOURCES[k])
    return " ".join(out)


def entries_near(start: str, end: str, margin_months: int = 24) -> list[Entry]:
    """Record entries overlapping the window widened by ``margin_months`` on each side."""
    a, b = parse_month(start) - margin_months, parse_month(end) + margin_months
    return [e for e in TIMELINE if e.span[1] >= a and e.span[0] <= b]


def claims_for(start: str, end: str, ids: list[str], margin_years: int = 5) -> list[Claim]:
    """Claims speaking about years near the window (general claims always apply)."""
    y0, y1 = int(start[:4]) - margin_years, int(end[:4]) + margin_years
    return [c for c in CLAIMS if c.end >= y0 and c.start <= y1]
