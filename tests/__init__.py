"""cardplay's tests.

No test measures wall-clock time: speed belongs to the benchmark
(``experiments/benchmark.py``). ``HANG_GUARD`` only stops a subprocess that hangs
for good; it is far above what the slowest machine needs, never a speed check.
"""

HANG_GUARD = 3600  # seconds
