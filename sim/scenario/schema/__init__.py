"""The configuration schema: what a scenario file and a run configuration may say.

A scenario file is data: plain YAML mappings, numbers and strings. Nothing in it
names code. :func:`validate` checks a composed configuration (scenario merged with
the mechanics and run options) and returns a typed :class:`RunConfig`, or raises
:class:`~sim.scenario.errors.ConfigError` naming the first bad key, its value and what is
valid. Unknown keys are rejected everywhere; numbers are finite, bounded and never
true/false.

The modules, bottom up: ``base`` (strict models, bounded numbers, the theory's names,
the documented maxima), ``actors`` (actors, factions, pairs), ``events`` (effects and
events), ``facts`` (stylized facts), ``run`` (window, mechanics, output, RunConfig),
``messages`` (pydantic's errors as one line) and ``checks`` (validate and the
cross-checks). Everything is importable from here.
"""

from sim.scenario.schema.actors import (  # noqa: F401
    Actor,
    Claim,
    Faction,
    Gains,
    Pair,
    PartialWeights,
    Weights,
)
from sim.scenario.schema.base import (  # noqa: F401
    INTERESTS,
    MAX_MAGNITUDE,
    MAX_STEPS,
    MAX_TRADE,
    MOVES,
    RECOGNITION,
    SIGNALS,
    YEARS,
    Magnitude,
    Real,
    Signed,
    Strict,
    Unit,
    Whole,
    _month,
)
from sim.scenario.schema.checks import (  # noqa: F401
    _check_fact,
    _check_series,
    _no_interpolation,
    revalidate,
    validate,
)
from sim.scenario.schema.events import (  # noqa: F401
    EFFECT_TYPES,
    Casualties,
    CommitmentChange,
    Effect,
    Event,
    FactionShift,
    Leakage,
    RecognitionChange,
    RivalryChange,
    Sanctions,
    StanceShock,
    StandingChange,
    Talks,
    TradeShock,
)
from sim.scenario.schema.facts import (  # noqa: F401
    ACTOR_VARS,
    PAIR_VARS,
    STATS,
    AllOf,
    AnyOf,
    Check,
    Compare,
    Fact,
    Series,
)
from sim.scenario.schema.run import (  # noqa: F401
    Classroom,
    Mechanics,
    Output,
    RunConfig,
    Window,
)
