"""The world state: everything between actors, packed in one flat float vector.

A flat layout lets the decision rule apply hundreds of candidate moves at once
(``state + deltas``) and score them in one vectorised utility call. Blocks, each
n x n for n actors and indexed [i, j] = "i toward j" unless said otherwise:

- ``stance``      public stance of i toward j in [-1, 1] (hostile .. aligned);
- ``channel``     i's engagement in a secret channel with j in [0, 1]; the working
                  channel is the lesser of the two sides' engagement;
- ``leaked``      1 once the i-j channel is public (symmetric);
- ``recognition`` i's recognition of j's government: 0 none, 1 unofficial, 2 formal;
- ``commitment``  i's security commitment to j in [0, 1];
- ``trade``       direct trade turnover between i and j, US$ millions (symmetric);
- ``indirect``    turnover routed through third countries, US$ millions (symmetric);
- ``controls``    export controls / sanctions i imposes on j in [0, 1];
- ``talks``       1 while a negotiation track between i and j is open (symmetric);
and one n-vector ``standing`` (international participation in [0, 1]).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

MATRIX_BLOCKS = (
    "stance",
    "channel",
    "leaked",
    "recognition",
    "commitment",
    "trade",
    "indirect",
    "controls",
    "talks",
)
VECTOR_BLOCKS = ("standing",)
SYMMETRIC = ("leaked", "trade", "indirect", "talks")
BOUNDS = {
    "stance": (-1.0, 1.0),
    "channel": (0.0, 1.0),
    "leaked": (0.0, 1.0),
    "recognition": (0.0, 2.0),
    "commitment": (0.0, 1.0),
    "trade": (0.0, np.inf),
    "indirect": (0.0, np.inf),
    "controls": (0.0, 1.0),
    "talks": (0.0, 1.0),
    "standing": (0.0, 1.0),
}
RECOGNITION_LEVELS = {"none": 0.0, "unofficial": 1.0, "formal": 2.0}
RECOGNITION_NAMES = {0: "none", 1: "unofficial", 2: "formal"}


@dataclass(frozen=True)
class Layout:
    """Where each block lives in the flat state vector for ``n`` actors."""

    n: int

    @property
    def size(self) -> int:
        return len(MATRIX_BLOCKS) * self.n * self.n + len(VECTOR_BLOCKS) * self.n

    def offset(self, block: str) -> int:
        nn = self.n * self.n
        if block in MATRIX_BLOCKS:
            return MATRIX_BLOCKS.index(block) * nn
        return len(MATRIX_BLOCKS) * nn + VECTOR_BLOCKS.index(block) * self.n

    def index(self, block: str, i: int, j: int | None = None) -> int:
        """Flat index of entry [i, j] of a matrix block (or [i] of a vector block)."""
        if j is None:
            return self.offset(block) + i
        return self.offset(block) + i * self.n + j

    def view(self, x: np.ndarray, block: str) -> np.ndarray:
        """Block of a state vector or of a batch (..., size) as (..., n, n) or (..., n)."""
        o = self.offset(block)
        if block in MATRIX_BLOCKS:
            nn = self.n * self.n
            return x[..., o : o + nn].reshape(*x.shape[:-1], self.n, self.n)
        return x[..., o : o + self.n]

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bound vectors; diagonals of matrix blocks are pinned to 0."""
        lo, hi = _bounds(self)
        return lo.copy(), hi.copy()

    def symmetrise(self, x: np.ndarray) -> None:
        """Make symmetric blocks symmetric in place (max of the two entries for flags)."""
        for block in SYMMETRIC:
            v = self.view(x, block)
            v[...] = np.maximum(v, np.swapaxes(v, -1, -2)) if block in ("leaked", "talks") else v


@functools.lru_cache(maxsize=16)
def _bounds(lay: Layout) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`Layout.bounds`, built once per layout (every run of an ensemble asks)."""
    lo = np.empty(lay.size)
    hi = np.empty(lay.size)
    for block in MATRIX_BLOCKS + VECTOR_BLOCKS:
        a, b = BOUNDS[block]
        lay.view(lo, block)[...] = a
        lay.view(hi, block)[...] = b
    for block in MATRIX_BLOCKS:
        d = np.arange(lay.n)
        lay.view(lo, block)[d, d] = 0.0
        lay.view(hi, block)[d, d] = 0.0
    return lo, hi
