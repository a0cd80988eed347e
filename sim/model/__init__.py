"""The theory: the state vector and its layout (``state``), the moves (``action``), the
interests (``interest``), anticipation and choice (``decision``), the compiled equations
(``kernel``, ``stepops``), stance and trade dynamics (``dynamics``), factions, strategic
triangles, events, and the Mesa model and agents (``model``, ``agents``). It imports only
``sim.scenario`` (configuration, calendar, datasets); it never reads or writes files other
than package data, and knows nothing of results tables, reports, studies or apps.
"""
