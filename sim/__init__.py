"""cardplay: an agent-based simulator of the US / USSR-Russia / PRC / ROC "card game".

Sub-packages are layers; each imports only from the layers below it (``tests/test_layers.py``):
apps (:mod:`sim.cli`, :mod:`sim.hydra_app`, :mod:`sim.classroom`) -> :mod:`sim.studies`
-> :mod:`sim.report` -> :mod:`sim.record` -> :mod:`sim.model` -> :mod:`sim.scenario`.
``sim.core``, ``sim.config`` and ``sim.sweep`` are aliases kept for one release (CHANGELOG).
"""
