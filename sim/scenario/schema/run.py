"""A run: the window, the shared mechanics, the output options and the whole
validated configuration (:class:`RunConfig`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from sim.scenario.schema.actors import Actor, Pair
from sim.scenario.schema.base import Real, Signed, Strict, Unit, Whole, _month
from sim.scenario.schema.events import Event
from sim.scenario.schema.facts import Fact
from sim.scenario.userfiles import NAME


class Window(Strict):
    start: str
    end: str
    step_months: Whole = Field(1, ge=1, le=12)

    _start = field_validator("start", "end")(_month)


# --- mechanics ------------------------------------------------------------------


class Mechanics(Strict):
    """Decision constants: one set for every scenario (free parameters, see docs/model.md)."""

    depth: Whole = Field(1, ge=0, le=3)
    policy: Literal["model", "hold", "random"] = "model"
    temperature: Real = Field(0.00373, gt=0.0, le=10.0)
    momentum: Unit = 0.247
    reciprocity: Unit = 0.321
    balance_pressure: Real = Field(1.8, ge=0.0, le=5.0)
    collusion: Real = Field(0.889, ge=0.0, le=10.0)
    channel_weight: Unit = 0.265
    step: Unit = 0.1
    escalation: Unit = 0.25
    negotiation: Unit = 0.287
    channel_step: Unit = 0.25
    trade_step: Unit = 0.1
    controls_step: Unit = 0.274
    commitment_step: Unit = 0.1
    trade_elasticity: Real = Field(0.161, ge=0.0, le=10.0)
    trade_adjustment: Unit = 0.2
    indirect_value: Unit = 0.5
    influence_rate: Unit = 0.3
    influence_memory: Unit = 0.7
    rival_warmth_cost: Real = Field(2.56, ge=0.0, le=10.0)
    channel_cost: Real = Field(0.02, ge=0.0, le=1.0)
    reversion: Unit = 0.0647
    retaliation: Real = Field(0.978, ge=0.0, le=10.0)
    reneging: Real = Field(0.5, ge=0.0, le=10.0)
    solidarity: Real = Field(1.12, ge=0.0, le=10.0)
    exposure: Real = Field(0.873, ge=0.0, le=10.0)
    stakes: Real = Field(0.288, ge=0.0, le=10.0)
    alignment: Signed = 0.3
    support_gain: Real = Field(0.0, ge=0.0, le=100.0)
    positional: Unit = 0.0
    parity_floor: Unit = 0.5
    unilateral: Unit = 1.0
    accord_cap: Unit = 0.0
    claim_stakes: Unit = 0.0


class Output(Strict):
    dir: str = "outputs"
    formats: list[Literal["parquet", "csv"]] = ["parquet", "csv"]
    figures: bool = True
    narrative: bool = True


class Classroom(Strict):
    """What a scenario suggests to the classroom app (changes no result)."""

    pace_months: Literal[1, 2, 3, 6] = 1  # months per turn a 50-minute class can play


class RunConfig(Strict):
    """A validated run: scenario, mechanics, seed and output options."""

    name: Annotated[str, Field(pattern=NAME.pattern)]
    title: str = ""
    era: str = ""
    description: str = ""
    seed: Whole = Field(0, ge=0, le=2**63 - 1)
    window: Window
    actors: dict[str, Actor] = Field(min_length=2)
    relations: dict[str, dict[str, Pair]] = {}
    events: dict[str, Event] = {}
    facts: dict[str, Fact] = {}
    mechanics: Mechanics = Mechanics()
    output: Output = Output()
    sources: dict[str, str] = {}
    # a suggestion to the classroom app, not part of a run: left out of dumps and hashes
    classroom: Classroom | None = Field(None, exclude=True)

    @property
    def actor_ids(self) -> list[str]:
        return list(self.actors)
