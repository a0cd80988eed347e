"""Many runs asked one question: ensembles with fan charts (``study``), Hydra sweeps
(``sweep``), validation against the stylized facts and null worlds (``validation``),
counterfactuals on common random numbers (``counterfactual``, ``outcomes``, ``paired``),
the sources' causal claims as experiments (``claims``), SALib sensitivity
(``sensitivity``), calibration of the mechanics (``calibration``) and the Mesa batch-run
adapter (``batch_adapter``). It may import every layer below (``sim.report``,
``sim.record``, ``sim.model``, ``sim.scenario``), never the apps (``sim.cli``,
``sim.hydra_app``, ``sim.classroom``).
"""
