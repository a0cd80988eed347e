"""Reading a run in words and figures.

- ``palette``: the one source of colours and line styles (Okabe-Ito), keyed by the
  scenario's actor order, for every figure, the debrief and the classroom;
- ``plots``: the figures, one module per family, each with the dataset it draws
  (matplotlib is imported only when a figure is drawn);
- ``narrative`` (and the rules it applies, ``turning_points``): the plain-words story;
- ``words``: the theory in plain words (moves, triangle configurations and roles, glosses);
- ``report``: the facts table, the story and the run folder (``write_run``);
- ``debrief``: the debrief of a run or class session, one module per section;
- ``history``: the historical record and the sources' claims the debrief cites.

It imports ``sim.record``, ``sim.model`` and ``sim.scenario``, never the studies or apps
above it (``tests/test_layers.py``).
"""
