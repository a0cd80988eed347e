"""Outcomes: the scalar a paired comparison reads off each run.

An outcome is written in the stylized facts' language, a ``Series`` (``var, actor,
target, faction, triad, value, stat, level, from, to, date``) reduced by its
statistic, with three additions:

- a threshold crossing, ``above: x`` (or ``below: x``): the months from the
  window's start to the first step in ``from..to`` at which the series is above
  (below) ``x``; the ``crossing`` statistic (first step above ``level``) reads the
  same way. A run that never crosses counts as one step past ``to`` (or past the
  window) and is reported as censored;
- ``facts: all`` (or a list of fact ids): the share of the scenario's stylized
  facts that hold in the run (how well a run reproduces the record);
- ``name`` and ``description``.

Time statistics (``argmin``, ``argmax``, crossings) are in months since the
window's start. Used by ``cardplay compare`` (:mod:`sim.studies.counterfactual`)
and ``cardplay claims`` (:mod:`sim.studies.claims`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import yaml
from pydantic import ValidationError

from sim.scenario.calendar import date_to_step
from sim.scenario.errors import ConfigError
from sim.scenario.schema import RunConfig, Series

TIME_STATS = ("argmin", "argmax", "crossing")
OUTCOME_KEYS = ("name", "description", "above", "below", "facts")


@dataclass(frozen=True)
class Outcome:
    """A scalar per run: a Series reduced by its statistic, a threshold crossing, or the
    share of stylized facts that hold (``facts``: fact ids, or ``("all",)``)."""

    name: str
    series: Series | None
    description: str = ""
    above: float | None = None
    below: float | None = None
    facts: tuple[str, ...] = ()

    @property
    def crossing(self) -> bool:
        return self.above is not None or self.below is not None

    @property
    def is_time(self) -> bool:
        return self.crossing or (self.series is not None and self.series.stat in TIME_STATS)

    @property
    def unit(self) -> str:
        if self.facts:
            return "share of facts that hold"
        return "months since the window's start" if self.is_time else "value"

    def label(self) -> str:
        return self.description or self.name

    def spec(self) -> dict:
        """The outcome as data (what provenance records)."""
        if self.facts:
            return {"facts": list(self.facts)}
        out = self.series.model_dump(mode="json", by_alias=True, exclude_none=True)
        for side in ("above", "below"):
            if getattr(self, side) is not None:
                out[side] = getattr(self, side)
        return out


def _facts_field(value, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.replace("+", " ").replace(",", " ").split() if v]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(key, value, "'all' or a list of the scenario's fact ids")
    return ("all",) if value == ["all"] else tuple(value)


def outcome_from_mapping(data: dict, key: str, default_name: str) -> Outcome:
    """An Outcome from a mapping of Series fields plus name/description/above/below/facts."""
    if not isinstance(data, dict):
        raise ConfigError(key, data, "a mapping of series fields (var, actor, target, stat ...)")
    data = dict(data)
    name = str(data.pop("name", default_name))
    description = str(data.pop("description", ""))
    if "facts" in data:
        facts = _facts_field(data.pop("facts"), f"{key}.facts")
        if data:
            extra = next(iter(data))
            raise ConfigError(f"{key}.{extra}", data[extra], "a facts outcome takes no series")
        return Outcome(name, None, description, facts=facts)
    bounds = {}
    for side in ("above", "below"):
        if side in data:
            value = data.pop(side)
            try:
                bounds[side] = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{key}.{side}", value, "a number") from None
    if len(bounds) > 1:
        raise ConfigError(key, data, "give at most one of above, below")
    if "triad" in data and isinstance(data["triad"], str):
        data["triad"] = [a for a in data["triad"].replace("+", " ").split() if a]
    try:
        series = Series.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        valid = (
            "unknown key; valid: "
            + ", ".join([*(f.alias or n for n, f in Series.model_fields.items()), *OUTCOME_KEYS])
            if err["type"] == "extra_forbidden"
            else err["msg"].lower()
        )
        raise ConfigError(f"{key}.{loc}", err.get("input"), valid) from None
    return Outcome(name, series, description, bounds.get("above"), bounds.get("below"))


def parse_outcome(text: str, k: int) -> Outcome:
    """An outcome from the command line: ``[name:]key=value,...`` or a YAML mapping."""
    name = f"outcome{k}"
    text = text.strip()
    if text.startswith("{"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ConfigError(
                "outcome", text, "a YAML mapping such as {var: stance, ...}"
            ) from None
        if isinstance(data, dict) and "name" in data:
            name = str(data["name"])
        return outcome_from_mapping(data, f"outcome.{name}", name)
    head, sep, rest = text.partition(":")
    if sep and "=" not in head:
        name, text = head.strip(), rest
    key = f"outcome.{name}"
    data: dict = {}
    for part in [p for p in text.split(",") if p.strip()]:
        field, eq, value = part.partition("=")
        if not eq:
            raise ConfigError(key, part, "key=value pairs separated by commas")
        data[field.strip()] = value.strip()
    return outcome_from_mapping(data, key, name)


def outcomes_from_block(block, key: str = "compare.outcomes") -> list[Outcome]:
    """Outcomes from a mapping ``name -> fields`` (an experiment file's ``outcomes:``)."""
    if block is None:
        return []
    if not isinstance(block, dict):
        raise ConfigError(key, block, "a mapping: outcome name -> series fields")
    return [
        outcome_from_mapping({"name": name, **spec}, f"{key}.{name}", str(name))
        if isinstance(spec, dict)
        else outcome_from_mapping(spec, f"{key}.{name}", str(name))
        for name, spec in block.items()
    ]


def check_outcomes(cfg: RunConfig, outcomes: list[Outcome], key: str = "outcome") -> None:
    """Every outcome names actors, factions, triads, dates and facts of the scenario."""
    from sim.scenario import schema
    from sim.scenario.calendar import parse_month

    start, end = parse_month(cfg.window.start), parse_month(cfg.window.end)
    seen = set()
    for o in outcomes:
        where = f"{key}.{o.name}" if key == "outcome" else key
        if o.name in seen:
            raise ConfigError(where, o.name, "outcome names must be unique")
        seen.add(o.name)
        if o.facts:
            unknown = [f for f in o.facts if f != "all" and f not in cfg.facts]
            if unknown or not cfg.facts:
                valid = "'all' or fact ids of the scenario: " + (", ".join(cfg.facts) or "none")
                raise ConfigError(f"{where}.facts", (unknown or ["all"])[0], valid)
            continue
        schema._check_series(cfg, where, o.series, start, end)
        if o.crossing and o.series.stat == "at":
            raise ConfigError(f"{where}.stat", "at", "a crossing reads a period, not 'at'")


def outcome_value(res, outcome: Outcome) -> tuple[float, bool]:
    """The outcome of one run, and whether it is censored (a crossing that never happens)."""
    from sim.record.facts import evaluate, series, statistic

    if outcome.facts:
        held = evaluate(res)
        ids = list(held) if outcome.facts == ("all",) else outcome.facts
        return float(np.mean([held[f] for f in ids])), False
    cfg = res.cfg
    start, months = cfg.window.start, cfg.window.step_months
    s = outcome.series
    if not outcome.crossing:
        v = statistic(res, s)
        if s.stat == "crossing":  # never above the level: the window's end + 1
            return v * months, v >= len(res.dates)
        return (v * months if s.stat in TIME_STATS else v), False
    y = series(res, s)
    a = date_to_step(s.start, start, months) if s.start else 0
    b = date_to_step(s.end, start, months) + 1 if s.end else len(y)
    w = y[a:b]
    hit = w > outcome.above if outcome.above is not None else w < outcome.below
    if hit.any():
        return float((a + int(np.argmax(hit))) * months), False
    return float(b * months), True


def run_outcomes(res, outcomes: tuple[Outcome, ...], pair: tuple[int, int]):
    """Picklable reducer: each outcome (value, censored), and the drawn pair's relation."""
    values = [outcome_value(res, o) for o in outcomes]
    return values, res.relation[:, pair[0], pair[1]].astype(np.float32)
