"""Worker processes for ensembles: forked from a warm parent, tied to its life.

:class:`Workers` is a process pool (the standard library's
``concurrent.futures.ProcessPoolExecutor``) with three promises:

- **warm start**: on Linux the workers are forked from the calling process, so a
  worker inherits its imports and its loaded compiled kernels instead of paying them
  again (about 1-2 CPU-s a worker); the caller runs one small task first to load them;
- **one thread each**: a worker runs one numba and one BLAS thread (the workers
  already use every core; threads inside one run are for single runs, when asked
  with ``NUMBA_NUM_THREADS``: ``sim/__init__.py`` makes one thread the default);
- **no orphans**: the workers stay in the parent's process group, ignore Ctrl+C
  (the parent stops them), and end when the parent does: Linux's parent-death
  signal (``prctl(PR_SET_PDEATHSIG)``) and, as a fallback, a thread that checks the
  parent's pid every second. Leaving the ``with`` block by an exception (Ctrl+C,
  SIGTERM turned into an exception by the command, an error) kills them at once.

:meth:`Workers.imap` streams results in task order while at most ``window`` tasks
are in flight, so a slow consumer never piles results up in memory.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 1.0

_PINNED: list[bool] = []  # set once the BLAS libraries are limited in this process
_WATCHED: set[int] = set()  # parents this process watches


def set_threads(n: int = 1) -> None:
    """``n`` numba threads (and one BLAS thread) in this process; cheap to call again."""
    import numba

    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    if _PINNED:
        return
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        pass
    _PINNED.append(True)


def die_with_parent(parent: int, kernel_signal: bool = True) -> None:
    """End this process when ``parent`` ends: SIGKILL from the kernel on Linux, and a pid
    check every second (elsewhere, and for a parent that died before the signal was armed).

    The kernel's signal comes when the *thread* that started this process ends: only for
    processes that a long-lived thread starts (``kernel_signal=False`` keeps the check).
    """
    if kernel_signal and sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if os.getppid() != parent:
        os._exit(1)
    if parent in _WATCHED:
        return
    _WATCHED.add(parent)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group
    set_threads(1)


def start_method() -> str:
    """``fork`` on Linux (a warm start), else ``spawn`` (fork is unsafe on macOS)."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


class Workers:
    """``n`` worker processes running top-level functions; a context manager."""

    def __init__(self, n: int):
        self.n = n
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        self.pool = ProcessPoolExecutor(
            self.n,
            mp_context=mp.get_context(start_method()),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )
        return self

    def __exit__(self, kind, value, tb) -> None:
        if kind is None:
            self.pool.shutdown(wait=True)
        else:
            self.stop()

    def stop(self) -> None:
        """Kill the workers now and forget queued tasks."""
        pool = self.pool
        if pool is None:
            return
        if hasattr(pool, "kill_workers"):  # Python 3.14
            pool.kill_workers()
            return
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for p in procs:
            if p.is_alive():
                p.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.join()

    def submit(self, fn: Callable, *args):
        # Forking a process that holds threads draws a DeprecationWarning. Those threads
        # are idle library pools that survive a fork (OpenBLAS, jemalloc: they register
        # fork handlers) or numba's OpenMP pool, which a one-thread worker never enters.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", ".*multi-threaded.*fork", DeprecationWarning)
            return self.pool.submit(fn, *args)

    def imap(self, fn: Callable, pieces: Iterable[tuple], window: int | None = None) -> Iterator:
        """``fn(*piece)`` for each piece, yielded in order; at most ``window`` (default
        two per worker: one running, one queued) submitted and not yet yielded."""
        window = window or 2 * self.n
        pending: deque = deque()
        it = iter(pieces)
        for piece in it:
            pending.append(self.submit(fn, *piece))
            if len(pending) >= window:
                break
        while pending:
            out = pending.popleft().result()
            piece = next(it, None)
            if piece is not None:
                pending.append(self.submit(fn, *piece))
            yield out
