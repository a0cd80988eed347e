"""Reading a run in words and figures: the figures (``plots``), the plain-words story
(``narrative``) and the words for moves (``words``), the run report and run folder
(``report``: facts table, story, ``write_run``), the debrief of a run or class session
(``debrief``) and the historical record it compares a run with (``history``). It imports
``sim.record``, ``sim.model`` and ``sim.scenario``, never the studies or apps above it.
"""
