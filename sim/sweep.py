"""Alias kept for one release (CHANGELOG): sweeps are now :mod:`sim.studies.sweep`.

``python -m sim.sweep`` keeps working (with the checks of ``cardplay --multirun``);
new code names ``sim.studies.sweep``. The gathering callback is configured by the
package (``configs/experiment/sweep.yaml``), never by a user file.
"""

from sim.studies.sweep import GatherResults, check_job, sweep_app

__all__ = ["GatherResults", "sweep_app"]

if __name__ == "__main__":
    from sim.scenario.options import guarded

    guarded(sweep_app, check_job)
