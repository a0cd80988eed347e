"""Pacing a game to a lesson: the turn length (months per turn), the number of turns it
gives a scenario's window, and an estimate of the class time they take.

A pace is the scenario's ``window.step_months`` for the session (events fire in the
turn that contains their date). The estimate is turns x seconds per turn: the turn
deadline when the instructor sets one, else ``SECONDS_PER_TURN``.
"""

from __future__ import annotations

from sim.scenario.calendar import step_dates

PACES = (1, 2, 3, 6)  # months per turn the classroom offers
# Free parameter (no data): a team reads its situation, talks and moves in about a
# minute; a turn deadline replaces it when set.
SECONDS_PER_TURN = 60
# A 50-minute lesson: 10 minutes to brief the teams, 30 to play, 10 for the debrief.
LESSON_MINUTES, BRIEF_MINUTES, DEBRIEF_MINUTES = 50, 10, 10
PLAY_MINUTES = LESSON_MINUTES - BRIEF_MINUTES - DEBRIEF_MINUTES


def turns(start: str, end: str, pace: int) -> int:
    """Turns a game of the window takes at ``pace`` months per turn."""
    return len(step_dates(start, end, pace)) - 1


def minutes(n_turns: int, deadline: float | None = None) -> float:
    """Estimated minutes of play for ``n_turns`` turns (the deadline, if any, per turn)."""
    return n_turns * (deadline or SECONDS_PER_TURN) / 60.0


def suggested(start: str, end: str, deadline: float | None = None) -> int:
    """The shortest turn that fits the game into the lesson's play time (else the longest)."""
    for pace in PACES:
        if minutes(turns(start, end, pace), deadline) <= PLAY_MINUTES:
            return pace
    return PACES[-1]


def options(start: str, end: str, deadline: float | None = None) -> list[dict]:
    """Every pace with its number of turns and estimated minutes of play."""
    out = []
    for pace in PACES:
        n = turns(start, end, pace)
        m = minutes(n, deadline)
        out.append({"months": pace, "turns": n, "minutes": round(m, 1), "fits": m <= PLAY_MINUTES})
    return out
