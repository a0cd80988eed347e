"""Pydantic's validation errors as one :class:`~sim.scenario.errors.ConfigError`: the
key without union tags, the closest branch of a union, what is valid in plain words."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from sim.scenario.schema.events import EFFECT_TYPES
from sim.scenario.schema.run import RunConfig
from sim.scenario.userfiles import NAME_RULE

_TAGS = {*EFFECT_TYPES, "Compare", "AllOf", "AnyOf", "Series", "float", "str"}


def _valid_text(err: dict[str, Any], model_fields: list[str] | None) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return (
            "unknown key; valid keys: " + ", ".join(model_fields or [])
            if model_fields
            else ("unknown key")
        )
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        bounds = {
            "less_than_equal": f"<= {ctx.get('le')}",
            "greater_than_equal": f">= {ctx.get('ge')}",
            "less_than": f"< {ctx.get('lt')}",
            "greater_than": f"> {ctx.get('gt')}",
        }
        return f"must be {bounds[kind]}"
    if kind == "literal_error":
        return "must be one of " + str(ctx.get("expected", "")).replace("'", "")
    if kind == "union_tag_invalid":
        return "unknown effect type; valid types: " + str(ctx.get("expected_tags", ""))
    if kind == "missing":
        return "required key is missing"
    if kind == "string_pattern_mismatch":
        return "a name: " + NAME_RULE
    if kind == "finite_number":
        return "a finite number"
    msg = err["msg"]
    return msg.removeprefix("Value error, ") if kind == "value_error" else msg.lower()


def _tags(loc: tuple) -> tuple:
    """The union tags pydantic inserts in ``loc`` (``effects.0.sanctions.level``: the
    ``sanctions`` branch), with their positions. Effect-type tags come only right after an
    effect's list index: a key that shares an effect type's name elsewhere (a pair's
    ``rivalry`` or ``talks``) is a key."""
    out = []
    for i, p in enumerate(loc):
        if not isinstance(p, str):
            continue
        if p.startswith("function-") or (
            p in _TAGS and (p not in EFFECT_TYPES or (i and isinstance(loc[i - 1], int)))
        ):
            out.append((i, p))
    return tuple(out)


def _without_tags(loc: tuple) -> tuple:
    """``loc`` without its union tags (``effects.0.sanctions.level`` -> ``effects.0.level``)."""
    skip = {i for i, _ in _tags(loc)}
    return tuple(p for i, p in enumerate(loc) if i not in skip)


def _first_error(errors: list[dict]) -> dict:
    """The error to report. Where a union was tried branch by branch, the branch that came
    closest (fewest errors, not a mere type mismatch); in it a misspelt key (the deepest)
    before the key it leaves missing."""
    groups: dict[tuple, list[dict]] = {}
    for e in errors:
        groups.setdefault(_tags(e["loc"]), []).append(e)

    def score(item: tuple) -> tuple:
        branch, errs = item
        return (len(errs), all(e["type"].endswith("_type") for e in errs), -len(branch))

    _, errs = min(groups.items(), key=score)
    extra = [e for e in errs if e["type"] == "extra_forbidden"]
    return max(extra, key=lambda e: len(e["loc"])) if extra else errs[0]


def _fields_at(loc: tuple) -> list[str] | None:
    """Valid keys of the model that holds ``loc`` (for unknown-key errors)."""
    model: Any = RunConfig
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", None)
        if fields is None:
            return None
        if part in fields:
            ann = fields[part].annotation
            model = _inner_model(ann)
        else:  # a dict key (actor id, event id ...): stay on the value model
            continue
        if model is None:
            return None
    fields = getattr(model, "model_fields", None)
    if not fields:
        return None
    return [f.alias or name for name, f in fields.items()]


def _inner_model(ann: Any) -> Any:
    args = getattr(ann, "__args__", None)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    if args:
        for a in reversed(args):
            m = _inner_model(a)
            if m is not None:
                return m
    return None
