"""Decisions by level-k anticipation with logit (quantal-response) noise.

An actor scores each available move by its utility in the state after the
others' likely replies (MODEL.md, "Card-playing"):

- depth 0: the state right after the move (and one step of reciprocity and
  balance pressure, which every actor expects);
- depth k >= 1: each other actor replies to the move with the quantal response
  of a depth k-1 player; the mover scores the state after the expected
  (probability-weighted) replies.

A responder's repertoire is bounded: "hold" and the diplomatic signals it can
send the mover (warm, cool, escalate, negotiate, leak or close their channel).
A responder sees the move as it sees the state: a secret move (opening a
channel) is invisible to third parties, so it draws no reply from them. The
move is then drawn from p ~ exp(value / temperature). The inner loops are
compiled (:mod:`sim.model.kernel`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from sim.model import kernel
from sim.model.action import Menu
from sim.model.interest import Context, scalars
from sim.model.stepops import segment_max, segment_shares


@dataclass
class Anticipation:
    """Everything the decision rule needs for one step."""

    ctx: Context
    menu: Menu
    values: np.ndarray  # (candidates, width) sparse delta values at the current state
    avail: np.ndarray  # (candidates,) availability at the current state
    lo: np.ndarray
    hi: np.ndarray
    reciprocity: float
    balance: float
    temperature: float

    def scalars(self) -> np.ndarray:
        return scalars(self.ctx, self.reciprocity, self.balance, self.temperature)


def reply_sets(menu: Menu, avail: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reply templates per mover i: every other actor j's available replies toward i.

    Returns padded arrays (n, width): candidate rows (-1 = padding), the
    responder of each row (rows of one responder are contiguous, as the menu
    lists candidates actor by actor), and the number of valid rows per mover.
    """
    return reply_templates(menu.replies, avail, menu.actor_arr)


@numba.njit(cache=True)
def reply_templates(replies, avail, actor):
    """:func:`reply_sets` compiled, from ``replies`` (n, candidates) and ``avail``."""
    n, size = replies.shape
    count = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for c in range(size):
            if replies[i, c] and avail[c]:
                count[i] += 1
    width = max(1, count.max())
    R = np.full((n, width), -1, dtype=np.int64)
    J = np.full((n, width), -1, dtype=np.int64)
    for i in range(n):
        k = 0
        for c in range(size):
            if replies[i, c] and avail[c]:
                R[i, k] = c
                J[i, k] = actor[c]
                k += 1
    return R, J, count


def values(
    ant: Anticipation, x0: np.ndarray, mover: np.ndarray, cand: np.ndarray, depth: int
) -> np.ndarray:
    """Value to ``mover[b]`` of candidate ``cand[b]`` played in ``x0``."""
    R, J, count = reply_sets(ant.menu, ant.avail)
    c, m = ant.ctx, ant.menu
    menu = (m.d_idx, ant.values, m.d_cnt, ant.lo, ant.hi, R, J, count)
    return kernel.scorer(c.layout.n, depth)(
        np.ascontiguousarray(x0, dtype=float),
        np.asarray(mover, dtype=np.int64),
        np.asarray(cand, dtype=np.int64),
        depth,
        c.layout.n,
        ant.scalars(),
        c.arrays(),
        menu,
        numba.get_num_threads(),
    )


def choice_probabilities(ant: Anticipation, x0: np.ndarray, depth: int) -> list[tuple]:
    """For each actor: (candidate rows, values, probabilities) of its available moves."""
    n = ant.ctx.layout.n
    cand = np.flatnonzero(ant.avail)  # the menu lists candidates actor by actor
    movers = ant.menu.actor_arr[cand]
    v = values(ant, x0, movers, cand, depth)
    ends = np.cumsum(np.bincount(movers, minlength=n))
    z = np.exp((v - segment_max(v, ends)) / ant.temperature)
    p = segment_shares(z, ends)
    starts = [0, *ends[:-1].tolist()]
    return [(cand[s:e], v[s:e], p[s:e]) for s, e in zip(starts, ends.tolist(), strict=True)]
