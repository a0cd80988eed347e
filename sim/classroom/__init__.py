"""The classroom: a class plays a scenario in the browser (``cardplay classroom``).

The game, without HTTP:

- ``session``: one game (a live model, its seats and its log); ``control``: the
  instructor's levers and their checks; ``views`` and ``situation``: what each
  participant sees; ``advice``: a seat's moves grouped, ranked and said in words;
  ``pacing``: turn lengths and class time; ``presets``: the control cell's events;
- ``sessionlog``: the log and codes on disk; ``replay``: a log replayed, and a
  session resumed from it; ``registry``: the sessions and who may act in them;
  ``debrief``: ``cardplay report`` and the server's debrief cache.

The web app: ``bodies`` (request bodies, checked), ``api`` (the endpoints), ``push``
(server-sent events), ``web`` (the Starlette app), ``server`` (uvicorn, the command),
``client`` (a small HTTP client for scripts and tests), ``static/`` (the pages).
"""
