"""Stylized facts: checkable predicates over a run, each with its citation."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.scenario.schema.base import INTERESTS, Magnitude, Strict

PAIR_VARS = (
    "stance",
    "relation",
    "channel",
    "trade",
    "trade_indirect",
    "trade_total",
    "controls",
    "commitment",
    "recognition",
)
ACTOR_VARS = ("utility", *INTERESTS)
STATS = ("first", "last", "min", "max", "mean", "at", "argmin", "argmax", "share", "change")


class Series(Strict):
    """A scalar read off one run: a variable, reduced over a period by a statistic."""

    var: str
    actor: str | None = None
    target: str | None = None
    faction: str | None = None
    triad: list[str] | None = None
    value: str | None = None
    stat: Literal[
        "first",
        "last",
        "min",
        "max",
        "mean",
        "at",
        "argmin",
        "argmax",
        "share",
        "change",
        "crossing",
    ] = "mean"
    level: Magnitude = 0.0  # for ``crossing``: the first step (a date) the series is above it
    start: str | None = Field(None, alias="from")
    end: str | None = Field(None, alias="to")
    date: str | None = None


class Compare(Strict):
    left: Series
    op: Literal["<", "<=", ">", ">=", "==", "!="]
    right: Series | Magnitude | str
    margin: Magnitude = 0.0


class AllOf(Strict):
    all: list[Check]


class AnyOf(Strict):
    any: list[Check]


Check = Compare | AllOf | AnyOf
AllOf.model_rebuild()
AnyOf.model_rebuild()


class Fact(Strict):
    description: str
    citation: str = Field(min_length=3)
    check: Check
    # evidence: a fact the theory claims to explain (it must beat the null worlds);
    # consistency: a check that events or dynamics alone are expected to pass
    kind: Literal["evidence", "consistency"] = "evidence"
