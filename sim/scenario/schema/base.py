"""The building blocks of the schema: strict models, bounded numbers, the names the
theory uses (interests, moves, signals) and the documented maxima."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from sim.scenario.calendar import parse_month

INTERESTS = ("security", "economy", "sovereignty", "ideology", "leverage")
MOVES = (
    "hold",
    "warm",
    "cool",
    "escalate",
    "negotiate",
    "open_channel",
    "close_channel",
    "leak_channel",
    "expand_trade",
    "restrict_exports",
    "ease_controls",
    "reaffirm_one_china",
    "upgrade_unofficial",
    "recognise",
    "derecognise",
    "raise_commitment",
    "cut_commitment",
)
SIGNALS = ("casualties", "threat", "detente", "talks", "sanctions")
RECOGNITION = ("none", "unofficial", "formal")
#: Documented maxima (docs/scenarios.md): a window's steps, years, trade, other magnitudes.
MAX_STEPS = 600  # 50 years of monthly steps
YEARS = (1800, 2200)
MAX_TRADE = 1e7  # US$ millions a year: ten trillion
MAX_MAGNITUDE = 1e9  # a fact's threshold or margin


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a number, not true/false")
    return value


#: Numbers: finite (the models refuse inf and nan) and never a boolean.
Real = Annotated[float, BeforeValidator(_not_bool)]
Whole = Annotated[int, BeforeValidator(_not_bool)]
Unit = Annotated[Real, Field(ge=0.0, le=1.0)]
Signed = Annotated[Real, Field(ge=-1.0, le=1.0)]
Magnitude = Annotated[Real, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _month(value: str) -> str:
    parse_month(value)
    if not YEARS[0] <= int(value[:4]) <= YEARS[1]:
        raise ValueError(f"a year in {YEARS[0]}..{YEARS[1]}")
    return value
