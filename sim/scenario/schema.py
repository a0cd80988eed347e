"""The configuration schema: what a scenario file and a run configuration may say.

A scenario file is data: plain YAML mappings, numbers and strings. Nothing in it
names code. :func:`validate` checks a composed configuration (scenario merged with
the mechanics and run options) and returns a typed :class:`RunConfig`, or raises
:class:`~sim.scenario.errors.ConfigError` naming the first bad key, its value and what is
valid. Unknown keys are rejected everywhere.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sim.scenario.calendar import parse_month
from sim.scenario.errors import ConfigError

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
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _month(value: str) -> str:
    parse_month(value)
    return value


class Window(Strict):
    start: str
    end: str
    step_months: int = Field(1, ge=1, le=12)

    _start = field_validator("start", "end")(_month)


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

    casualties: float = Field(0.0, ge=-5, le=5)
    threat: float = Field(0.0, ge=-5, le=5)
    detente: float = Field(0.0, ge=-5, le=5)
    talks: float = Field(0.0, ge=-5, le=5)
    sanctions: float = Field(0.0, ge=-5, le=5)


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
    ccode: int | None = None
    capability: float | None = Field(None, gt=0, le=1)
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
    trade: float = Field(0.0, ge=0.0)
    trade_growth: float = Field(0.0, ge=-0.5, le=0.5)
    controls: Unit = 0.0
    leakage: Unit = 0.0
    rivalry: Unit = 0.0
    talks: bool = False
    source: str = ""


# --- events -----------------------------------------------------------------


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
    factor: float = Field(gt=0.0, le=10.0)


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
    scale: float = Field(1.0, ge=0.0, le=10.0)
    narrative: str = ""
    effects: list[Effect] = Field(min_length=1)

    _date = field_validator("date")(_month)


# --- stylized facts -----------------------------------------------------------

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
    level: float = 0.0  # for ``crossing``: the first step (a date) the series is above it
    start: str | None = Field(None, alias="from")
    end: str | None = Field(None, alias="to")
    date: str | None = None


class Compare(Strict):
    left: Series
    op: Literal["<", "<=", ">", ">=", "==", "!="]
    right: Series | float | str
    margin: float = 0.0


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


# --- mechanics ------------------------------------------------------------------


class Mechanics(Strict):
    """Decision constants: one set for every scenario (free parameters, see docs/model.md)."""

    depth: int = Field(1, ge=0, le=3)
    policy: Literal["model", "hold", "random"] = "model"
    temperature: float = Field(0.00373, gt=0.0, le=10.0)
    momentum: Unit = 0.247
    reciprocity: Unit = 0.321
    balance_pressure: float = Field(1.8, ge=0.0, le=5.0)
    collusion: float = Field(0.889, ge=0.0, le=10.0)
    channel_weight: Unit = 0.265
    step: Unit = 0.1
    escalation: Unit = 0.25
    negotiation: Unit = 0.287
    channel_step: Unit = 0.25
    trade_step: Unit = 0.1
    controls_step: Unit = 0.274
    commitment_step: Unit = 0.1
    trade_elasticity: float = Field(0.161, ge=0.0, le=10.0)
    trade_adjustment: Unit = 0.2
    indirect_value: Unit = 0.5
    influence_rate: Unit = 0.3
    influence_memory: Unit = 0.7
    rival_warmth_cost: float = Field(2.56, ge=0.0, le=10.0)
    channel_cost: float = Field(0.02, ge=0.0, le=1.0)
    reversion: Unit = 0.0647
    retaliation: float = Field(0.978, ge=0.0, le=10.0)
    reneging: float = Field(0.5, ge=0.0, le=10.0)
    solidarity: float = Field(1.12, ge=0.0, le=10.0)
    exposure: float = Field(0.873, ge=0.0, le=10.0)
    stakes: float = Field(0.288, ge=0.0, le=10.0)
    alignment: Signed = 0.3
    support_gain: float = Field(0.0, ge=0.0, le=100.0)
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

    name: str
    title: str = ""
    era: str = ""
    description: str = ""
    seed: int = Field(0, ge=0, le=2**63 - 1)
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


# --- validation --------------------------------------------------------------------


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
    return err["msg"].lower()


def _without_tags(loc: tuple) -> tuple:
    """``loc`` without the union tags pydantic inserts (``effects.0.sanctions.level`` ->
    ``effects.0.level``). Effect-type tags go only right after an effect's list index: a
    key that shares an effect type's name elsewhere (a pair's ``rivalry`` or ``talks``)
    stays in the key."""
    out: list = []
    for p in loc:
        if isinstance(p, str) and p in _TAGS:
            if p not in EFFECT_TYPES or (out and isinstance(out[-1], int)):
                continue
        out.append(p)
    return tuple(out)


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


def validate(raw: dict[str, Any]) -> RunConfig:
    """Validate a composed configuration mapping; raise ConfigError on the first problem."""
    if not isinstance(raw, dict):
        raise ConfigError("<config>", type(raw).__name__, "a mapping of keys to values")
    _no_interpolation(raw, "")
    return revalidate(raw)


def revalidate(raw: dict[str, Any]) -> RunConfig:
    """:func:`validate` for a mapping whose data already passed its interpolation check:
    a validated configuration's dump with some values set (:func:`sim.studies.study.with_values`
    checks those values; scanning the whole tree again per sample point is wasted)."""
    try:
        cfg = RunConfig.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = _without_tags(err["loc"])
        key = ".".join(str(p) for p in loc) or "<config>"
        value = "(missing)" if err["type"] == "missing" else err.get("input")
        raise ConfigError(key, value, _valid_text(err, _fields_at(loc))) from None
    _cross_check(cfg)
    return cfg


EFFECT_TYPES = tuple(
    t.model_fields["type"].annotation.__args__[0]
    for t in typing.get_args(typing.get_args(Effect)[0])
)
_TAGS = {*EFFECT_TYPES, "Compare", "AllOf", "AnyOf", "Series", "float", "str"}


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
