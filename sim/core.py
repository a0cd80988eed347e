"""Alias kept for one release (CHANGELOG): the pure core is now :mod:`sim.record.run`.

``from sim.core import simulate`` keeps working; new code imports ``sim.record.run``.
"""

from sim.record.run import as_config, display_names, run_model, simulate

__all__ = ["as_config", "display_names", "run_model", "simulate"]
