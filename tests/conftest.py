"""Shared fixtures: configurations composed through Hydra's compose API."""

from __future__ import annotations

import copy

import pytest
from hypothesis import settings

from sim.record.run import simulate
from sim.scenario.config import compose
from sim.scenario.schema import validate

# No deadlines: the first call of a compiled function in a fresh process can take
# seconds on a busy machine, and timing is the benchmark's business, not a test's.
settings.register_profile("cardplay", deadline=None)
settings.load_profile("cardplay")


@pytest.fixture(scope="session")
def raw1969() -> dict:
    """The composed 1969 configuration as a plain dict (copy before mutating)."""
    return compose(["scenario=1969_border_clash"])


@pytest.fixture
def raw(raw1969) -> dict:
    return copy.deepcopy(raw1969)


@pytest.fixture(scope="session")
def cfg1969(raw1969):
    return validate(copy.deepcopy(raw1969))


@pytest.fixture(scope="session")
def run1969(cfg1969):
    return simulate(cfg1969.model_copy(update={"seed": 7}))
