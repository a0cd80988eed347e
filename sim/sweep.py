"""Alias kept for one release (CHANGELOG): sweeps are now :mod:`sim.studies.sweep`.

``python -m sim.sweep`` and ``_target_: sim.sweep.GatherResults`` keep working; new code
names ``sim.studies.sweep``.
"""

from sim.studies.sweep import GatherResults, sweep_app  # GatherResults: sweep.yaml callbacks

__all__ = ["GatherResults", "sweep_app"]

if __name__ == "__main__":
    sweep_app()
