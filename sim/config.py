"""Alias kept for one release (CHANGELOG): composition is now :mod:`sim.scenario.config`.

``from sim.config import compose`` keeps working; new code imports ``sim.scenario.config``.
"""

from sim.scenario.config import compose

__all__ = ["compose"]
