"""Validation: :func:`validate` checks a composed configuration and returns a typed
:class:`~sim.scenario.schema.run.RunConfig`, or raises ConfigError naming the first bad
key; the cross-checks are what one field cannot say alone (actors that exist, dates in
the window, factions that sum to one)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from sim.scenario.calendar import parse_month
from sim.scenario.datasets import CCODES
from sim.scenario.errors import ConfigError
from sim.scenario.schema.base import MAX_STEPS
from sim.scenario.schema.events import FactionShift
from sim.scenario.schema.facts import ACTOR_VARS, PAIR_VARS, AllOf, AnyOf, Series
from sim.scenario.schema.messages import _fields_at, _first_error, _valid_text, _without_tags
from sim.scenario.schema.run import RunConfig


def validate(raw: dict[str, Any]) -> RunConfig:
    """Validate a composed configuration mapping; raise ConfigError on the first problem."""
    if not isinstance(raw, dict):
        raise ConfigError("<config>", type(raw).__name__, "a mapping of keys to values")
    _no_interpolation(raw, "")
    return revalidate(raw)


def revalidate(raw: dict[str, Any]) -> RunConfig:
    """:func:`validate` for a mapping whose data already passed its interpolation check:
    a validated configuration's dump with some values set (:func:`sim.studies.points.with_values`
    checks those values; scanning the whole tree again per sample point is wasted)."""
    try:
        cfg = RunConfig.model_validate(raw)
    except ValidationError as exc:
        err = _first_error(exc.errors())
        loc = _without_tags(err["loc"])
        key = ".".join(str(p) for p in loc) or "<config>"
        value = "(missing)" if err["type"] == "missing" else err.get("input")
        raise ConfigError(key, value, _valid_text(err, _fields_at(loc))) from None
    _cross_check(cfg)
    return cfg


def _no_interpolation(node: Any, path: str) -> None:
    """Scenario values are data: refuse interpolations and code-like keys."""
    if isinstance(node, dict):
        for k, v in node.items():
            key = f"{path}.{k}" if path else str(k)
            if str(k).startswith("_"):
                raise ConfigError(key, v, "keys starting with '_' are not allowed (data only)")
            _no_interpolation(v, key)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _no_interpolation(v, f"{path}.{i}")
    elif isinstance(node, str) and "${" in node:
        raise ConfigError(path, node, "interpolations are not allowed in scenario data")


def _cross_check(cfg: RunConfig) -> None:
    ids = cfg.actor_ids
    valid_ids = "one of " + ", ".join(ids)

    def actor(key: str, value: str | None) -> None:
        if value is not None and value not in cfg.actors:
            raise ConfigError(key, value, f"unknown actor; valid: {valid_ids}")

    start, end = parse_month(cfg.window.start), parse_month(cfg.window.end)
    if end <= start:
        raise ConfigError(
            "window.end", cfg.window.end, f"must be after window.start {cfg.window.start}"
        )
    if (end - start) // cfg.window.step_months + 1 > MAX_STEPS:
        raise ConfigError("window.end", cfg.window.end, f"a window of at most {MAX_STEPS} steps")

    for aid, a in cfg.actors.items():
        for k, item in enumerate(a.forbid):
            if "@" in item:
                actor(f"actors.{aid}.forbid.{k}", item.split("@", 1)[1])
        if sum(a.weights.model_dump().values()) <= 0:
            raise ConfigError(
                f"actors.{aid}.weights", a.weights.model_dump(), "at least one weight > 0"
            )
        if a.claim is not None:
            actor(f"actors.{aid}.claim.rival", a.claim.rival)
            if a.claim.rival == aid:
                raise ConfigError(
                    f"actors.{aid}.claim.rival", aid, "an actor cannot be its own rival"
                )
        if a.factions:
            total = sum(f.influence for f in a.factions.values())
            if abs(total - 1.0) > 1e-6:
                raise ConfigError(
                    f"actors.{aid}.factions", round(total, 6), "faction influences must sum to 1"
                )
        if a.ccode is None and a.capability is None:
            raise ConfigError(f"actors.{aid}.ccode", None, "give a COW ccode or a capability value")
        if a.ccode is not None and a.ccode not in CCODES:
            raise ConfigError(
                f"actors.{aid}.ccode",
                a.ccode,
                "a COW code the data cover: "
                + ", ".join(f"{c} ({n})" for c, n in CCODES.items())
                + "; else give a capability",
            )
        for year in a.names:
            if not (year.isdigit() and len(year) == 4):
                raise ConfigError(
                    f"actors.{aid}.names.{year}", a.names[year], "keys are years YYYY"
                )

    for aid, row in cfg.relations.items():
        actor(f"relations.{aid}", aid)
        for tid in row:
            actor(f"relations.{aid}.{tid}", tid)
            if tid == aid:
                raise ConfigError(
                    f"relations.{aid}.{tid}", tid, "an actor has no relation to itself"
                )

    for eid, ev in cfg.events.items():
        m = parse_month(ev.date)
        if not start <= m <= end:
            raise ConfigError(
                f"events.{eid}.date",
                ev.date,
                f"must lie in the window {cfg.window.start}..{cfg.window.end}",
            )
        for n, eff in enumerate(ev.effects):
            base = f"events.{eid}.effects.{n}"
            for field in ("actor", "target"):
                actor(f"{base}.{field}", getattr(eff, field, None))
            for i, a in enumerate(getattr(eff, "actors", None) or []):
                actor(f"{base}.actors.{i}", a)
            if getattr(eff, "target", None) is not None and eff.target == eff.actor:
                raise ConfigError(f"{base}.target", eff.target, "target must differ from actor")
            if isinstance(eff, FactionShift):
                facs = cfg.actors[eff.actor].factions
                if eff.faction not in facs:
                    raise ConfigError(
                        f"{base}.faction",
                        eff.faction,
                        "valid: " + (", ".join(facs) or "no factions"),
                    )

    for fid, fact in cfg.facts.items():
        _check_fact(cfg, f"facts.{fid}.check", fact.check, start, end)


def _check_fact(cfg: RunConfig, key: str, check: Any, start: int, end: int) -> None:
    if isinstance(check, AllOf):
        for i, c in enumerate(check.all):
            _check_fact(cfg, f"{key}.all.{i}", c, start, end)
        return
    if isinstance(check, AnyOf):
        for i, c in enumerate(check.any):
            _check_fact(cfg, f"{key}.any.{i}", c, start, end)
        return
    _check_series(cfg, f"{key}.left", check.left, start, end)
    if isinstance(check.right, Series):
        _check_series(cfg, f"{key}.right", check.right, start, end)
    elif isinstance(check.right, str):
        try:
            parse_month(check.right)
        except ValueError:
            raise ConfigError(
                f"{key}.right", check.right, "a number, a YYYY-MM date or a series"
            ) from None


def _check_series(cfg: RunConfig, key: str, s: Series, start: int, end: int) -> None:
    ids = cfg.actor_ids
    for field in ("actor", "target"):
        v = getattr(s, field)
        if v is not None and v not in cfg.actors:
            raise ConfigError(f"{key}.{field}", v, "unknown actor; valid: one of " + ", ".join(ids))
    for i, a in enumerate(s.triad or []):
        if a not in cfg.actors:
            raise ConfigError(
                f"{key}.triad.{i}", a, "unknown actor; valid: one of " + ", ".join(ids)
            )
    if s.var in PAIR_VARS:
        if s.actor is None or s.target is None:
            raise ConfigError(f"{key}.var", s.var, "pair variables need actor and target")
    elif s.var in ACTOR_VARS:
        if s.actor is None:
            raise ConfigError(f"{key}.var", s.var, "actor variables need an actor")
    elif s.var == "influence":
        if s.actor is None or s.faction not in cfg.actors[s.actor].factions:
            raise ConfigError(f"{key}.faction", s.faction, "a faction of the named actor")
    elif s.var in ("role", "configuration"):
        if not s.triad or len(s.triad) != 3 or len(set(s.triad)) != 3:
            raise ConfigError(f"{key}.triad", s.triad, "three distinct actors")
        if s.var == "role" and s.actor not in (s.triad or []):
            raise ConfigError(f"{key}.actor", s.actor, "an actor of the triad")
        if s.value is None:
            raise ConfigError(f"{key}.value", None, "the role or configuration to count")
    else:
        valid = ", ".join(PAIR_VARS + ACTOR_VARS + ("influence", "role", "configuration"))
        raise ConfigError(f"{key}.var", s.var, f"valid: {valid}")
    for field in ("start", "end", "date"):
        v = getattr(s, field)
        if v is None:
            continue
        name = {"start": "from", "end": "to"}.get(field, field)
        try:
            m = parse_month(v)
        except ValueError:
            raise ConfigError(f"{key}.{name}", v, "a YYYY-MM date") from None
        if not start <= m <= end:
            raise ConfigError(
                f"{key}.{name}", v, f"must lie in the window {cfg.window.start}..{cfg.window.end}"
            )
    if s.stat == "at" and s.date is None:
        raise ConfigError(f"{key}.date", None, "stat 'at' needs a date")
