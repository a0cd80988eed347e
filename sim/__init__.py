"""cardplay: an agent-based simulator of the US / USSR-Russia / PRC / ROC "card game".

Sub-packages are layers; each imports only from the layers below it (``tests/test_layers.py``):
apps (:mod:`sim.cli`, :mod:`sim.hydra_app`, :mod:`sim.classroom`) -> :mod:`sim.studies`
-> :mod:`sim.report` -> :mod:`sim.record` -> :mod:`sim.model` -> :mod:`sim.scenario`.
``sim.core``, ``sim.config`` and ``sim.sweep`` are aliases kept for one release (CHANGELOG).
"""

import os

# One compiled thread per process unless asked (NUMBA_NUM_THREADS=2 cardplay run ...):
# ensembles already use every core, and a second thread that spins while waiting makes
# a busy machine slower. Asked-for threads wait passively. Read when numba is imported.
os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
