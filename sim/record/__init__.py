"""What a run returns and how it is written: stepping a model and recording it
(``run``: ``simulate``, ``run_model``, ``Recorder``), seeded replicates of a configuration
serially or on worker processes (``ensemble``), the tidy results tables (``results``),
stylized-fact evaluation (``facts``), all-or-nothing output folders (``output``) and
provenance (``provenance``). It imports ``sim.model`` and ``sim.scenario``, never the
reports, studies or apps above it.
"""
