"""The API's request bodies: parsed as strict JSON and checked by pydantic models, so a
malformed request is a 400 (or 413) with one line naming the field, the value and what
is valid, before anything happens."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError

from sim.classroom.errors import bad_request, too_large
from sim.classroom.pacing import PACES

MAX_BODY = 32_768  # bytes: the largest legitimate body (a custom inject) is under 5 KB
Text = Annotated[str, Field(max_length=200)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


def _blank_is_none(v: Any) -> Any:
    return None if v == "" else v


Optional = BeforeValidator(_blank_is_none)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=200)


class Empty(Body):
    pass


class Open(Body):
    key: Text = ""
    scenario: Annotated[Text | None, Optional] = None
    seed: Annotated[int | None, Optional, Field(ge=0, le=2**63 - 1)] = None
    seats: list[Text] = Field(default_factory=list, max_length=16)
    advice: bool = True
    deadline: Annotated[Finite | None, Optional, Field(ge=0, le=3600)] = None
    pace: Annotated[Literal[PACES] | None, Optional] = None


class Join(Body):
    code: Text = ""


class Move(Body):
    row: Annotated[int, Strict(), Field(ge=0, le=1_000_000)]
    actor: Text | None = None


class Inject(Body):
    preset: Annotated[str, Field(max_length=40)]
    actor: Text | None = None
    target: Text | None = None
    audience: Text | None = None
    strength: Annotated[Finite, Field(gt=0, le=1)] = 0.5
    spec: dict[str, Any] | None = None


class Weights(Body):
    actor: Text
    weights: Annotated[dict[Text, Finite], Field(min_length=1, max_length=8)]


class Influence(Body):
    actor: Text
    faction: Text
    value: Finite


class Noise(Body):
    value: Finite


class Forbid(Body):
    actor: Text
    move: Text
    target: Annotated[Text | None, Optional] = None


class Reset(Body):
    seed: Annotated[int | None, Optional, Field(ge=0, le=2**63 - 1)] = None


def _no_constants(name: str):
    raise ValueError(name)


def parse(raw: bytes, model: type[Body]) -> Body:
    """The body as ``model``, or an AccessError (400/413) saying what is wrong."""
    if len(raw) > MAX_BODY:
        raise too_large(f"request body of {len(raw):,} bytes; at most {MAX_BODY:,}")
    data: Any = {}
    if raw.strip():
        try:
            data = json.loads(raw, parse_constant=_no_constants)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("the request body must be JSON (NaN and Infinity are not)") from None
        except RecursionError:
            raise bad_request("the request body is nested too deeply") from None
    if not isinstance(data, dict):
        raise bad_request("the request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise bad_request(describe(exc, model)) from None
    except RecursionError:
        raise bad_request("the request body is nested too deeply") from None


def describe(exc: ValidationError, model: type[Body]) -> str:
    """The first problem in one line: field, value, what is valid."""
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith(("function-", "lax-")))
    loc = loc or "body"
    if err["type"] == "extra_forbidden":
        valid = ", ".join(model.model_fields) or "none"
        return f"{loc}: unknown field; valid fields: {valid}"
    if err["type"] == "missing":
        return f"{loc}: required field is missing"
    shown = repr(err.get("input"))
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{loc} = {shown}: {err['msg'][0].lower()}{err['msg'][1:]}"
