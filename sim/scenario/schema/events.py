"""Events: the exogenous shocks a scenario scripts, each a dated list of effects."""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field, field_validator

from sim.scenario.schema.base import Real, Signed, Strict, Unit, _month


class StanceShock(Strict):
    type: Literal["stance_shock"]
    actor: str
    target: str
    delta: Signed
    mutual: bool = True


class Casualties(Strict):
    type: Literal["casualties"]
    actors: list[str]
    level: Unit


class FactionShift(Strict):
    type: Literal["faction_shift"]
    actor: str
    faction: str
    delta: Signed


class CommitmentChange(Strict):
    type: Literal["commitment"]
    actor: str
    target: str
    delta: Signed


class StandingChange(Strict):
    type: Literal["standing"]
    actor: str
    delta: Signed


class RecognitionChange(Strict):
    type: Literal["recognition"]
    actor: str
    target: str
    level: Literal["none", "unofficial", "formal"]


class Sanctions(Strict):
    type: Literal["sanctions"]
    actor: str
    target: str
    level: Unit
    coalition: bool = False  # the sanctioning state asks its partners to join the measure


class Talks(Strict):
    type: Literal["talks"]
    actors: list[str]
    open: bool = True


class TradeShock(Strict):
    type: Literal["trade_shock"]
    actor: str
    target: str
    factor: Real = Field(gt=0.0, le=10.0)


class RivalryChange(Strict):
    """New stakes in dispute between two actors (e.g. a contested annexation)."""

    type: Literal["rivalry"]
    actor: str
    target: str
    delta: Signed


class Leakage(Strict):
    type: Literal["leakage"]
    actor: str
    target: str
    share: Unit


Effect = Annotated[
    StanceShock
    | Casualties
    | FactionShift
    | CommitmentChange
    | StandingChange
    | RecognitionChange
    | Sanctions
    | Talks
    | TradeShock
    | RivalryChange
    | Leakage,
    Field(discriminator="type"),
]


class Event(Strict):
    date: str
    label: str
    kind: str
    citation: str = Field(min_length=3)
    enabled: bool = True
    scale: Real = Field(1.0, ge=0.0, le=10.0)
    narrative: str = ""
    effects: list[Effect] = Field(min_length=1)

    _date = field_validator("date")(_month)


EFFECT_TYPES = tuple(
    t.model_fields["type"].annotation.__args__[0]
    for t in typing.get_args(typing.get_args(Effect)[0])
)
