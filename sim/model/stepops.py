"""Compiled helpers of the per-step bookkeeping (outside the anticipation kernel).

A step's NumPy expressions work on arrays of a few dozen numbers, where NumPy's cost
per call outweighs the arithmetic. These loops compute the same expressions, bit for
bit: element-wise arithmetic in NumPy's order, NumPy's tie rules (``np.maximum`` and
``np.minimum`` return the second operand on a tie, so +0.0 and -0.0 come out as NumPy
gives them; ``np.clip`` returns the bound on a tie with array bounds and the value
with scalar bounds; NaN propagates) and NumPy's pairwise summation (``np.sum`` of a
contiguous run).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.kernel import public
from sim.model.state import MATRIX_BLOCKS


@njit(cache=True, inline="always")
def maximum(a, b):
    """``np.maximum(a, b)`` of two floats."""
    return a if (a > b or a != a) else b


@njit(cache=True, inline="always")
def minimum(a, b):
    """``np.minimum(a, b)`` of two floats."""
    return a if (a < b or a != a) else b


@njit(cache=True, inline="always")
def clip_between(x, lo, hi):
    """``np.clip(x, lo, hi)`` with scalar bounds: ``x`` itself unless outside them."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@njit(cache=True)
def clip_into(x, lo, hi):
    """``np.clip(x, lo, hi, out=x)`` with bound arrays (a tie returns the bound)."""
    for i in range(x.shape[0]):
        x[i] = minimum(maximum(x[i], lo[i]), hi[i])


@njit(cache=True)
def pairwise_sum(a, start, n):
    """``a[start:start + n].sum()``: NumPy's pairwise summation of a contiguous run,
    added to the reduction's initial value +0.0."""
    return 0.0 + _pairwise(a, start, n)


@njit(cache=True)
def _pairwise(a, start, n):
    """NumPy's pairwise_sum: blocks of up to 128 numbers, each summed with eight
    accumulators, halves (a multiple of 8 long) added. Written without recursion
    (numba's cache cannot reload recursive functions)."""
    if n <= 128:
        return _block_sum(a, start, n)
    # post-order walk of the halving tree: (start, length, 0 = split, 1 = add the halves)
    todo = np.empty((192, 3), dtype=np.int64)
    done = np.empty(64)
    top, have = 0, 0
    todo[0, 0], todo[0, 1], todo[0, 2] = start, n, 0
    while top >= 0:
        s, m, step = todo[top, 0], todo[top, 1], todo[top, 2]
        top -= 1
        if step == 1:
            have -= 1
            done[have - 1] = done[have - 1] + done[have]
        elif m <= 128:
            done[have] = _block_sum(a, s, m)
            have += 1
        else:
            half = m // 2
            half -= half % 8
            todo[top + 1, 0], todo[top + 1, 1], todo[top + 1, 2] = s, m, 1
            todo[top + 2, 0], todo[top + 2, 1], todo[top + 2, 2] = s + half, m - half, 0
            todo[top + 3, 0], todo[top + 3, 1], todo[top + 3, 2] = s, half, 0
            top += 3
    return done[0]


@njit(cache=True, inline="always")
def _block_sum(a, start, n):
    if n < 8:
        res = -0.0
        for i in range(start, start + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i = start + 8
    stop = start + n - n % 8
    while i < stop:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < start + n:
        res += a[i]
        i += 1
    return res


@njit(cache=True)
def segment_max(v, ends):
    """Each element's segment maximum: ``v[s:e].max()`` over the segments ending at
    ``ends`` (each non-empty), element by element."""
    out = np.empty_like(v)
    start = 0
    for end in ends:
        top = v[start]
        for i in range(start + 1, end):
            top = maximum(top, v[i])
        out[start:end] = top
        start = end
    return out


@njit(cache=True)
def segment_shares(z, ends):
    """``z[s:e] / z[s:e].sum()`` over the segments ending at ``ends``."""
    out = np.empty_like(z)
    start = 0
    for end in ends:
        total = pairwise_sum(z, start, end - start)
        for i in range(start, end):
            out[i] = z[i] / total
        start = end
    return out


@njit(cache=True)
def inverse_cdf(p, u):
    """``np.searchsorted(np.cumsum(p), u * p.sum(), side="right")``, at most ``len(p) - 1``:
    the index that the uniform ``u`` draws from weights ``p`` (non-negative)."""
    target = u * pairwise_sum(p, 0, p.shape[0])
    last = p.shape[0] - 1
    cum = 0.0
    for k in range(last):
        cum = p[k] if k == 0 else cum + p[k]
        if cum > target:
            return k
    return max(last, 0)


# --- the relations' update after the moves (sim.model.model.CardModel.resolve_turn) -----------

STANCE, CONTROLS, TALKS, TRADE, INDIRECT = (
    MATRIX_BLOCKS.index(b) for b in ("stance", "controls", "talks", "trade", "indirect")
)


@njit(cache=True)
def apply_moves(x, moves, d_idx, d_cnt, values, lo, hi):
    """Add the sparse deltas of ``moves`` to ``x`` in order (``np.add.at``), then clip
    ``x`` to its bounds."""
    for c in moves:
        for e in range(d_cnt[c]):
            x[d_idx[c, e]] += values[c, e]
    clip_into(x, lo, hi)


@njit(cache=True)
def carry_stances(x, x_now, x_prev, stance0, n, momentum, reversion, lo, hi):
    """Momentum (a share of the last change of each stance, ``x_now`` less ``x_prev``) and
    reversion toward the opening stances ``stance0`` on ``x``'s stance block, then clip."""
    for i in range(n):
        for j in range(n):
            k = STANCE * n * n + i * n + j
            s = x[k] + momentum * (x_now[k] - x_prev[k])
            x[k] = s + reversion * (stance0[i, j] - s)
    clip_into(x, lo, hi)


@njit(cache=True)
def public_relation(x, n, channel_weight):
    """Public relation (n, n) of one state (:func:`sim.model.kernel.public`, allocating)."""
    P = np.empty((n, n))
    public(x, n, channel_weight, P)
    return P


@njit(cache=True)
def relax_trade(x, n, potential, leakage, rate):
    """:func:`sim.model.dynamics.relax_trade` of one state, in place."""
    nn = n * n
    for k in range(n):
        for l in range(n):
            blocked = maximum(x[CONTROLS * nn + k * n + l], x[CONTROLS * nn + l * n + k])
            leak = maximum(leakage[k, l], leakage[l, k])
            direct = potential[k, l] * (1.0 - blocked)
            indirect = potential[k, l] * blocked * leak
            t, i = TRADE * nn + k * n + l, INDIRECT * nn + k * n + l
            x[t] += rate * (direct - x[t])
            x[i] += rate * (indirect - x[i])


@njit(cache=True)
def domestic_signals(x, x_before, r_now, capability, channel_weight, casualties):
    """:meth:`sim.model.model.CardModel.signals`: (n, 5) casualties, threat, detente, talks,
    sanctions."""
    n = capability.shape[0]
    nn = n * n
    out = np.empty((n, 5))
    r_before = public_relation(x_before, n, channel_weight)
    improve = np.empty(nn)  # improvement of hostile relations, weighted by their hostility
    for k in range(n):
        for l in range(n):
            b = r_before[k, l]
            improve[k * n + l] = maximum(r_now[k, l] - b, 0.0) * maximum(-b, 0.0)
    for j in range(n):
        hostile, weight = 0.0, 0.0  # the others' capability-weighted hostility toward j
        for i in range(n):
            others = 1.0 - (1.0 if i == j else 0.0)
            hostile += capability[i] * maximum(-x[STANCE * nn + i * n + j], 0.0) * others
            weight += capability[i] * others
        talks = x[TALKS * nn + j * n]
        sanctions = x[CONTROLS * nn + j]
        for k in range(1, n):
            talks = maximum(talks, x[TALKS * nn + j * n + k])
            sanctions = maximum(sanctions, x[CONTROLS * nn + k * n + j])
        out[j, 0] = casualties[j]
        out[j, 1] = hostile / maximum(weight, 1e-9)
        out[j, 2] = clip_between(5.0 * pairwise_sum(improve, j * n, n), 0.0, 1.0)
        out[j, 3] = talks
        out[j, 4] = sanctions
    return out
