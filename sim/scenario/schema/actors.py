"""Who the actors are and how they stand toward each other when the window opens."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from sim.scenario.schema.base import MAX_TRADE, MOVES, Real, Signed, Strict, Unit, Whole


class Weights(Strict):
    """Interest weights in [0, 1]; the actor's utility uses them normalised."""

    security: Unit = 0.0
    economy: Unit = 0.0
    sovereignty: Unit = 0.0
    ideology: Unit = 0.0
    leverage: Unit = 0.0


class PartialWeights(Strict):
    security: Unit | None = None
    economy: Unit | None = None
    sovereignty: Unit | None = None
    ideology: Unit | None = None
    leverage: Unit | None = None


class Gains(Strict):
    """How much each domestic signal moves a faction's influence (free parameters)."""

    casualties: Real = Field(0.0, ge=-5, le=5)
    threat: Real = Field(0.0, ge=-5, le=5)
    detente: Real = Field(0.0, ge=-5, le=5)
    talks: Real = Field(0.0, ge=-5, le=5)
    sanctions: Real = Field(0.0, ge=-5, le=5)


class Faction(Strict):
    influence: Unit
    weights: PartialWeights = PartialWeights()
    gains: Gains = Gains()
    members: str = ""
    source: str = ""


class Claim(Strict):
    """A contested claim to represent one state: the actor and its rival claimant."""

    rival: str


class Actor(Strict):
    name: str
    ccode: Whole | None = None
    capability: Real | None = Field(None, gt=0, le=1)
    regime: str = "unspecified"
    weights: Weights
    weights_source: str = ""
    claim: Claim | None = None
    standing: Unit = 1.0
    standing_source: str = ""
    names: dict[str, str] = {}
    factions: dict[str, Faction] = {}
    forbid: list[str] = []  # counterfactual lever: "move" or "move@target" this actor may not make

    @field_validator("forbid")
    @classmethod
    def _moves(cls, items: list[str]) -> list[str]:
        for item in items:
            move = item.split("@", 1)[0]
            if move not in MOVES or move == "hold":
                raise ValueError(f"unknown move {move!r}; valid: " + ", ".join(MOVES[1:]))
        return items


class Pair(Strict):
    """Initial state of one actor toward another."""

    stance: Signed = 0.0
    channel: Unit = 0.0
    recognition: Literal["none", "unofficial", "formal"] = "formal"
    commitment: Unit | Literal["cow"] = 0.0
    trade: Real = Field(0.0, ge=0.0, le=MAX_TRADE)
    trade_growth: Real = Field(0.0, ge=-0.5, le=0.5)
    controls: Unit = 0.0
    leakage: Unit = 0.0
    rivalry: Unit = 0.0
    talks: bool = False
    source: str = ""
