"""Options of the shell commands: a composed and validated configuration from the
overrides, and a command's own ``key=value`` options taken out of them.

Every command (``cardplay run``, the studies, the classroom, the report) reads its
options through these, so a bad one is the same one-line :class:`ConfigError`.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.scenario.errors import ConfigError


def checked_config(overrides: list[str]):
    """Compose and validate; raises ConfigError. Rewrites ``overrides`` as Hydra needs them."""
    from sim.scenario.config import compose_with
    from sim.scenario.schema import validate

    raw, fixed = compose_with(overrides)
    overrides[:] = fixed
    return raw, validate(raw)


def pop_option(overrides: list[str], key: str, default, cast: Callable = int):
    """Take a shell option like ``runs=200`` out of the override list."""
    out = default
    rest = []
    for o in overrides:
        k, _, v = o.partition("=")
        if k == key:
            try:
                out = cast(v)
            except ValueError:
                raise ConfigError(key, v, f"a {cast.__name__}") from None
        else:
            rest.append(o)
    overrides[:] = rest
    return out
