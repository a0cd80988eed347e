"""The historical record the debrief compares a class's run with, in the project's words.

A restatement (never a quotation) of the dated events and the causal claims
collected from the source articles (the project's history digest), each with
its citation. ``actors`` names the scenario actor ids an entry concerns, so a
debrief can read the run's relations at that date; an entry whose actors are
not in a run is still listed, without the comparison.

``sources`` holds the references, ``record`` the dated entries, ``claims`` the claims.
"""

from __future__ import annotations

from sim.report.history.claims import CLAIMS, Claim
from sim.report.history.record import TIMELINE, Entry
from sim.report.history.sources import SOURCES, cite
from sim.scenario.calendar import parse_month

__all__ = ["CLAIMS", "Claim", "Entry", "SOURCES", "TIMELINE", "cite", "claims_for", "entries_near"]


def entries_near(start: str, end: str, margin_months: int = 24) -> list[Entry]:
    """Record entries overlapping the window widened by ``margin_months`` on each side."""
    a, b = parse_month(start) - margin_months, parse_month(end) + margin_months
    return [e for e in TIMELINE if e.span[1] >= a and e.span[0] <= b]


def claims_for(start: str, end: str, ids: list[str], margin_years: int = 5) -> list[Claim]:
    """Claims speaking about years near the window (general claims always apply)."""
    y0, y1 = int(start[:4]) - margin_years, int(end[:4]) + margin_years
    return [c for c in CLAIMS if c.end >= y0 and c.start <= y1]
