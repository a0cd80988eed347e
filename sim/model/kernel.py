"""Compiled inner loops (numba): interests of one observer, reaction, anticipation.

This is the only implementation of the utility and of level-k anticipation;
:mod:`sim.model.interest` and :mod:`sim.model.decision` are thin wrappers. States are flat
vectors laid out as in :mod:`sim.model.state` (blocks of n*n in the order stance,
channel, leaked, recognition, commitment, trade, indirect, controls, talks,
then the n-vector standing). Moves are sparse: up to ``E`` (index, value)
entries per candidate, applied with clipping to the state bounds.

Speed: the anticipation loop (:func:`candidate_values`) scores about a thousand
small leaves per step, where numba's reference counting of every array passed
or unpacked (atomic increments, shared between threads) and calls passing every
buffer by value would cost more than the arithmetic. The loop therefore calls
:func:`lean` builds of the model functions: the same Python functions compiled
again without reference counting (they only write into buffers they are given)
and inlined, so their results are identical.
"""

from __future__ import annotations

import types

import numpy as np
from numba import njit, prange
from numba.core.dispatcher import Dispatcher

STANCE, CHANNEL, LEAKED, RECOG, COMMIT, TRADE, INDIRECT, CONTROLS, TALKS = range(9)


@njit(cache=True)
def channel(x, nn, n, k, l):
    """Working level of the k-l secret channel: the lesser of the two sides' engagement."""
    return min(x[CHANNEL * nn + k * n + l], x[CHANNEL * nn + l * n + k])


@njit(cache=True)
def interests_one(
    x,
    o,
    n,
    cap,
    tref,
    rival,
    aff,
    riv,
    coll,
    chw,
    indv,
    rwc,
    expo,
    stakes,
    sol,
    coal,
    pos,
    kap,
    W,
    out,
):
    """Write the five interest values of observer ``o`` in state ``x`` into ``out``.

    ``coal[j, t]`` is 1 where j's export controls on t are a coalition measure, one it
    asks its partners to join (:class:`sim.scenario.schema.Sanctions`)."""
    nn = n * n
    for k in range(n):
        for l in range(n):
            vis = 1.0 if (k == o or l == o) else x[LEAKED * nn + k * n + l]
            w = x[k * n + l] + chw * channel(x, nn, n, k, l) * vis
            W[k, l] = min(1.0, max(-1.0, w))
    # security
    threat = 0.0
    support = 0.0
    norm = 0.0
    for j in range(n):
        if j == o:
            continue
        t = W[j, o]
        rho = pos[o, j]  # a positional rival is a threat whatever its stance
        h = max(-t, 0.0)
        h = h + rho * (1.0 - h)
        f = max(t, 0.0) * (1.0 - rho)  # and its warmth buys no security
        threat += cap[j] * h
        pledge = x[COMMIT * nn + j * n + o]
        if sol > 0.0 and pledge > 0.0:  # an ally's pledge is worth less to a free rider
            gap = 0.0  # on the coalition measures it asks its partners to join
            for t in range(n):
                if t != o and t != j and coal[j, t] > 0.0:
                    gap = max(gap, x[CONTROLS * nn + j * n + t] - x[CONTROLS * nn + o * n + t])
            pledge *= max(1.0 - sol * gap, 0.0)
        support += cap[j] * 0.5 * (pledge * (1.0 - rho) + f)
        norm += cap[j]
    exposed = 0.0
    for j in range(n):
        if j == o:
            continue
        exposed += cap[j] * max(x[o * n + j] - x[j * n + o], 0.0)
    collude = 0.0
    for j in range(n):
        if j == o:
            continue
        hj = max(-W[j, o], 0.0)
        hj = hj + pos[o, j] * (1.0 - hj)
        if hj == 0.0:
            continue
        for k in range(n):
            if k == o or k == j:
                continue
            hk = max(-W[k, o], 0.0)
            hk = hk + pos[o, k] * (1.0 - hk)
            a = 0.5 * (W[j, k] + W[k, j])
            if a > 0.0:
                collude += 0.25 * (cap[j] + cap[k]) * hj * hk * a
    norm = max(norm, 1e-9)
    if kap > 0.0:  # balance of threat: support is worth what it covers of the threat
        out[0] = -(threat + coll * collude) / (norm + kap * support) - expo * exposed / norm
    else:
        out[0] = (support - threat - coll * collude - expo * exposed) / norm
    # economy
    total = 0.0
    for j in range(n):
        total += x[TRADE * nn + o * n + j] + indv * x[INDIRECT * nn + o * n + j]
    ref = tref[o]
    if ref > 0.0:
        out[1] = min(1.0, max(-1.0, np.log((total + 1e-9) / ref)))
    else:
        out[1] = 0.0
    # sovereignty / legitimacy: contested claims (stakes conceded to rivals: utility_of)
    stand = 9 * nn
    r = rival[o]
    if r >= 0:
        gap = 0.0
        warmth = 0.0
        cnt = 0
        for k in range(n):
            if k == o or k == r:
                continue
            gap += 0.5 * (x[RECOG * nn + k * n + o] - x[RECOG * nn + k * n + r])
            a = 0.5 * (W[k, r] + W[r, k])
            warmth += max(a, 0.0)
            cnt += 1
        cnt = max(cnt, 1)
        legit = 0.4 * gap / cnt + 0.3 * (x[stand + o] - x[stand + r]) - 0.3 * rwc * warmth / cnt
        out[2] = legit
    else:
        out[2] = x[stand + o] - 1.0
    # ideology
    ide = 0.0
    row = 0.0
    for j in range(n):
        if j == o:
            continue
        a = 0.5 * (W[o, j] + W[j, o])
        ide += aff[o, j] * a
        row += a
    out[3] = ide / max(n - 1, 1)
    # leverage: continuous triangle tie score s_ij + s_ik - s_jk, averaged over triads
    if n >= 3:
        among = 0.0
        for j in range(n):
            if j == o:
                continue
            for k in range(n):
                if k == o or k == j:
                    continue
                among += 0.5 * (W[j, k] + W[k, j])
        npairs = (n - 1) * (n - 2) / 2.0
        out[4] = ((n - 2) * row - 0.5 * among) / (3.0 * npairs)
    else:
        out[4] = 0.0


@njit(cache=True)
def public(x, n, chw, P):
    """Symmetric public relation into ``P``: stances plus leaked channels."""
    nn = n * n
    for k in range(n):
        for l in range(n):
            h = chw * channel(x, nn, n, k, l) * x[LEAKED * nn + k * n + l]
            a = min(1.0, max(-1.0, x[k * n + l] + h))
            b = min(1.0, max(-1.0, x[l * n + k] + h))
            P[k, l] = 0.5 * (a + b)


@njit(cache=True)
def treatment(x, n, ctx, Q):
    """How each other actor k treats actor c, into ``Q[c, k]``: for a claimant c, how k
    sides in c's contest (half of k's recognition of c less its recognition of c's
    rival, -1 .. 1), less the export controls k imposes on c (0 .. 1), plus how far k
    has joined c's coalition measures (k's controls on their target, up to c's own)."""
    nn = n * n
    rival, coal = ctx[2], ctx[8]
    for c in range(n):
        r = rival[c]
        leads = False  # c leads a coalition measure (rare: skip the loop otherwise)
        for t in range(n):
            leads = leads or coal[c, t] > 0.0
        for k in range(n):
            q = 0.0
            if r >= 0 and k != c and k != r:
                q = 0.5 * (x[RECOG * nn + k * n + c] - x[RECOG * nn + k * n + r])
            if k != c:
                q -= x[CONTROLS * nn + k * n + c]
                if leads:
                    for t in range(n):
                        if t != c and t != k and coal[c, t] > 0.0:
                            q += min(x[CONTROLS * nn + k * n + t], x[CONTROLS * nn + c * n + t])
            Q[c, k] = q


@njit(cache=True)
def before_change(x, n, f, ctx, B):
    """Record what the reaction step compares against: the public relation and how each
    actor treats the others (:func:`treatment`) in state ``x`` (into ``B``'s Pb and Qb)."""
    P, Pb, S, Q, Qb = B
    public(x, n, f[1], Pb)
    if f[10] > 0.0:
        treatment(x, n, ctx, Qb)


@njit(cache=True)
def react(x, before, n, f, ctx, B):
    """Reciprocity, triadic reciprocity and retaliation on ``x`` in place, relative to
    ``before``."""
    before_change(before, n, f, ctx, B)
    react_from(x, n, f, ctx, B)


@njit(cache=True)
def react_from(x, n, f, ctx, B):
    """Reciprocity, triadic reciprocity and retaliation on the stance block of ``x``, in
    place.

    ``B`` = (P, Pb, S, Q, Qb) buffers; ``Pb`` and ``Qb`` hold the public relation and the
    treatment before the change (:func:`before_change`).
    Direct: i's stance moves ``reciprocity`` of the way toward j's stance toward i.
    Triadic (the balance pressure, on changes only): i's stance toward j moves
    by ``balance`` times the mean over third parties m of the change since
    ``before`` in rel(i, m) * rel(m, j): warming to my enemy cools me to you, and
    falling out with m warms me to m's enemies.
    Retaliation: c's stance toward k moves by ``retaliation`` times the change in how k
    treats c (:func:`treatment`): recognising a claimant's rival, derecognising the
    claimant, or restricting exports to c is a hostile act toward c and is answered as
    one; lifting controls is answered with warmth, and so is joining c's coalition
    measures (up to c's own level).
    """
    P, Pb, S, Q, Qb = B
    rho, beta, chw, ret = f[4], f[5], f[1], f[10]
    for k in range(n):
        for l in range(n):
            S[k, l] = x[k * n + l]
    if beta > 0.0 and n >= 3:
        public(x, n, chw, P)
    if ret > 0.0:
        treatment(x, n, ctx, Q)
    for k in range(n):
        for l in range(n):
            if k == l:
                x[k * n + l] = 0.0
                continue
            v = S[k, l] + rho * (S[l, k] - S[k, l])
            if beta > 0.0 and n >= 3:
                acc = 0.0
                for m in range(n):
                    if m != k and m != l:  # change of the balance product P_km * P_ml
                        acc += P[k, m] * P[m, l] - Pb[k, m] * Pb[m, l]
                v += beta * acc / (n - 2)
            if ret > 0.0:
                v += ret * (Q[k, l] - Qb[k, l])
            x[k * n + l] = min(1.0, max(-1.0, v))


@njit(cache=True, _nrt=False, inline="always")
def apply_move(x, c, d_idx, d_val, d_cnt, lo, hi, scale):
    """Add ``scale`` times candidate ``c``'s sparse delta to ``x``, clipping touched entries."""
    for e in range(d_cnt[c]):
        i = d_idx[c, e]
        x[i] = min(hi[i], max(lo[i], x[i] + scale * d_val[c, e]))


@njit(cache=True)
def utility_of(x, o, n, f, ctx, W, u5):
    """Weighted utility of observer ``o`` in ``x``, less the exposure risk of secret channels
    and the stakes conceded to rivals.

    ``f`` = (collusion, channel_weight, indirect_value, rival_warmth_cost,
    reciprocity, balance, temperature, channel_cost, exposure, stakes, retaliation,
    reneging, solidarity); ``ctx`` = (capability, trade_ref, rival, affinity, rivalry, weights,
    opening commitments, opening recognition, coalition measures).
    """
    cap, tref, rival, aff, riv, weights, commit0, recog0, coal, pos = ctx
    interests_one(
        x,
        o,
        n,
        cap,
        tref,
        rival,
        aff,
        riv,
        f[0],
        f[1],
        f[2],
        f[3],
        f[8],
        f[9],
        f[12],
        coal,
        pos,
        f[13],
        W,
        u5,
    )
    s = 0.0
    for k in range(5):
        s += weights[o, k] * u5[k]
    return s - costs(x, o, n, f, ctx)


@njit(cache=True)
def costs(x, o, n, f, ctx):
    """What observer ``o`` pays whatever its weights: the exposure risk of secret
    channels, the stakes conceded by warming to rivals, and the reputation lost by
    reneging on the commitments and recognition it held at the opening."""
    riv, commit0, recog0 = ctx[4], ctx[6], ctx[7]
    nn = n * n
    s = 0.0
    for j in range(n):
        s += f[7] * x[CHANNEL * nn + o * n + j]  # exposure risk of secret dealings
        if j == o:
            continue
        s += f[9] * riv[o, j] * 0.5 * (x[o * n + j] + 1.0)  # stakes conceded to a rival
        c0 = commit0[o, j]
        if c0 > 0.0:  # abandoning a partner one was pledged to (Gibler 2008)
            cut = max(c0 - x[COMMIT * nn + o * n + j], 0.0)
            derec = max(recog0[o, j] - x[RECOG * nn + o * n + j], 0.0)
            s += f[11] * (cut + c0 * 0.5 * derec)
    return s


@njit(cache=True)
def utility_rows(X, observers, n, f, ctx):
    """Weighted utility (B,) of each row's observer, as decisions score it."""
    out = np.empty(X.shape[0])
    W = np.empty((n, n))
    u5 = np.empty(5)
    for b in range(X.shape[0]):
        out[b] = utility_of(X[b], observers[b], n, f, ctx, W, u5)
    return out


def lean(fn: Dispatcher, _built: dict = {}) -> Dispatcher:  # noqa: B006 (a memo)
    """``fn`` compiled again from its own Python function, inlined into its callers and
    without reference counting.

    The jitted functions it calls are rebuilt the same way. Only for functions that
    allocate nothing (numba then refuses to compile them); the arithmetic, and so
    every result, is that of ``fn``.
    """
    if fn not in _built:
        py = fn.py_func
        env = dict(py.__globals__)
        for name in py.__code__.co_names:
            if isinstance(env.get(name), Dispatcher) and env[name] is not fn:
                env[name] = lean(env[name])
        copy = types.FunctionType(py.__code__, env, py.__name__, py.__defaults__, py.__closure__)
        copy.__qualname__ = py.__qualname__ + "_lean"  # its own cache entry
        _built[fn] = njit(cache=True, _nrt=False, inline="always")(copy)
    return _built[fn]


_before_change, _react_from, _utility_of = lean(before_change), lean(react_from), lean(utility_of)

ACTORS = 0  # the actor count as a compile-time constant in :func:`scorer` builds (0: generic)


def rebuilt(fn: Dispatcher, name: str, bindings: dict) -> Dispatcher:
    """``fn`` compiled again, as ``name``, with some of its globals rebound."""
    py = fn.py_func
    env = dict(py.__globals__)
    env.update(bindings)
    copy = types.FunctionType(py.__code__, env, py.__name__, py.__defaults__, py.__closure__)
    copy.__qualname__ = name  # its own cache entry
    opts = {k: v for k, v in fn.targetoptions.items() if k != "nopython"}
    return njit(cache=True, **opts)(copy)


@njit(cache=True, _nrt=False, inline="always")
def leaf_value(base, mover, c, n, f, ctx, menu, work):
    """Depth-0 value: the move applied in place to ``base``, scored, and undone.

    ``work``'s ``Pb[0]`` and ``Qb[0]`` hold what the reaction step compares against in
    ``base`` (:func:`before_change`), computed once by the caller for all the moves
    scored in ``base``. Only the move's entries and the stance block change, so only
    they are saved and restored (no copy of the whole state).
    """
    d_idx, d_val, d_cnt, lo, hi, R, J, count = menu
    scratch, Pb, Qb, acc, probs, W, P, S, Q, u5 = work
    nn = n * n
    keep = scratch[0]
    k = d_cnt[c]
    for e in range(k):
        keep[nn + e] = base[d_idx[c, e]]
    for i in range(nn):
        keep[i] = base[i]
    apply_move(base, c, d_idx, d_val, d_cnt, lo, hi, 1.0)
    _react_from(base, n, f, ctx, (P, Pb[0], S, Q, Qb[0]))
    v = _utility_of(base, mover, n, f, ctx, W, u5)
    for i in range(nn):
        base[i] = keep[i]
    for e in range(k - 1, -1, -1):
        base[d_idx[c, e]] = keep[nn + e]
    return v


@njit(cache=True, _nrt=False)
def value_of(base, mover, c, depth, n, f, ctx, menu, work):
    """Value to ``mover`` of candidate ``c`` played in ``base``, anticipating replies.

    ``menu`` = (d_idx, d_val, d_cnt, lo, hi, R, J, count): sparse deltas, bounds and
    reply templates; ``work`` = (scratch, Pb, Qb, acc, probs, W, P, S, Q, u5) buffers,
    the first five with one row per depth level. ``Pb[depth]`` and ``Qb[depth]`` hold
    :func:`before_change` of ``base`` (shared by every move scored in ``base``); a level
    writes only the rows below its own.
    """
    n = n if ACTORS == 0 else ACTORS
    d_idx, d_val, d_cnt, lo, hi, R, J, count = menu
    scratch, Pb, Qb, acc, probs, W, P, S, Q, u5 = work
    if depth == 0:
        return leaf_value(base, mover, c, n, f, ctx, menu, work)
    X = scratch[depth]
    for i in range(X.shape[0]):
        X[i] = base[i]
    apply_move(X, c, d_idx, d_val, d_cnt, lo, hi, 1.0)
    # shared by the replies scored in X
    _before_change(X, n, f, ctx, (P, Pb[depth - 1], S, Q, Qb[depth - 1]))
    A = acc[depth]
    A[:] = 0.0
    pr = probs[depth]
    m = count[mover]
    start = 0
    while start < m:
        j = J[mover, start]
        end = start
        while end < m and J[mover, end] == j:
            end += 1
        best = -1e300
        for q in range(start, end):
            if depth == 1:  # the leaves directly (saves a call with every buffer)
                v = leaf_value(X, j, R[mover, q], n, f, ctx, menu, work)
            else:
                v = value_of(X, j, R[mover, q], depth - 1, n, f, ctx, menu, work)
            pr[q] = v
            best = max(best, v)
        tot = 0.0
        for q in range(start, end):
            pr[q] = np.exp((pr[q] - best) / f[6])
            tot += pr[q]
        for q in range(start, end):
            r = R[mover, q]
            p = pr[q] / tot
            for e in range(d_cnt[r]):
                A[d_idx[r, e]] += p * d_val[r, e]
        start = end
    for i in range(X.shape[0]):
        if A[i] != 0.0:
            X[i] = min(hi[i], max(lo[i], X[i] + A[i]))
    _react_from(X, n, f, ctx, (P, Pb[depth], S, Q, Qb[depth]))  # = react(X, base, ...)
    return _utility_of(X, mover, n, f, ctx, W, u5)


@njit(cache=True)
def workspace(L, depth, n, width):
    """Buffers for :func:`value_of`: (scratch, Pb, Qb, acc, probs, W, P, S, Q, u5)."""
    return (
        np.empty((depth + 1, L)),
        np.empty((depth + 1, n, n)),
        np.zeros((depth + 1, n, n)),  # read only when retaliation is on
        np.empty((depth + 1, L)),
        np.empty((depth + 1, width)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty(5),
    )


@njit(cache=True)
def score_chunk(x0, B0, movers, cands, first, stride, depth, n, f, ctx, menu, out):
    """Candidates ``first``, ``first + stride``, ... of :func:`candidate_values` into ``out``,
    with one copy of the state and one set of buffers (``B0``: before_change of ``x0``)."""
    work = workspace(x0.shape[0], depth, n, max(menu[5].shape[1], 1))
    work[1][depth] = B0[1]
    work[2][depth] = B0[4]
    x = x0.copy()  # restored after every candidate
    for b in range(first, cands.shape[0], stride):
        out[b] = value_of(x, movers[b], cands[b], depth, n, f, ctx, menu, work)


@njit(cache=True)
def reaction_buffers(n):
    """(P, Pb, S, Q, Qb): the reaction step's work arrays."""
    return (
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
        np.empty((n, n)),
    )


@njit(cache=True, parallel=True)
def candidate_values(x0, movers, cands, depth, n, f, ctx, menu, threads):
    """Values of every (mover, candidate) pair in state ``x0``.

    Candidates are independent: they are scored in parallel (numba threads), in
    ``threads`` interleaved chunks, each with its own copy of the state and its own
    buffers (the state is restored after every candidate, and every buffer is
    written before it is read), so the result does not depend on the number of
    threads. With one thread no parallel region is entered. :func:`before_change` of
    ``x0`` is computed once for all candidates.
    """
    m = cands.shape[0]
    out = np.empty(m)
    B0 = reaction_buffers(n)
    B0[4][:] = 0.0  # read only when retaliation is on
    before_change(x0, n, f, ctx, B0)
    chunks = max(1, min(m, threads))
    if chunks == 1:
        score_chunk(x0, B0, movers, cands, 0, 1, depth, n, f, ctx, menu, out)
    else:
        for t in prange(chunks):
            score_chunk(x0, B0, movers, cands, t, chunks, depth, n, f, ctx, menu, out)
    return out


@njit(cache=True, _nrt=False)
def no_deeper(base, mover, c, depth, n, f, ctx, menu, work):
    """Stands for the level below depth 0 in a :func:`scorer` (never called)."""
    return 0.0


def scorer(n: int, depth: int, _built: dict = {}) -> Dispatcher:  # noqa: B006 (a memo)
    """:func:`candidate_values` compiled for ``n`` actors and anticipation ``depth``.

    Each level of :func:`value_of` is its own build that calls the level below (no
    recursion), with the global ``ACTORS`` bound to ``n``: the actor count is a
    constant there and in the code inlined into it (:func:`lean` builds), so the
    compiler unrolls the small loops over actors. The operations and their order are
    those of the generic build, and so is every value.
    """
    key = (n, depth)
    if key not in _built:
        below = no_deeper
        for d in range(depth + 1):
            below = rebuilt(value_of, f"value_of_n{n}_d{d}", {"ACTORS": n, "value_of": below})
        chunk = rebuilt(score_chunk, f"score_chunk_n{n}_d{depth}", {"value_of": below})
        name = f"candidate_values_n{n}_d{depth}"
        _built[key] = rebuilt(candidate_values, name, {"score_chunk": chunk})
    return _built[key]


@njit(cache=True)
def interests_rows(X, observers, n, f, ctx):
    """Interest values (B, 5) of each row's observer (no reaction step)."""
    cap, tref, rival, aff, riv = ctx[0], ctx[1], ctx[2], ctx[3], ctx[4]
    out = np.empty((X.shape[0], 5))
    W = np.empty((n, n))
    u5 = np.empty(5)
    for b in range(X.shape[0]):
        interests_one(
            X[b],
            observers[b],
            n,
            cap,
            tref,
            rival,
            aff,
            riv,
            f[0],
            f[1],
            f[2],
            f[3],
            f[8],
            f[9],
            f[12],
            ctx[8],
            ctx[9],
            f[13],
            W,
            u5,
        )
        out[b] = u5
    return out


@njit(cache=True)
def react_rows(X, before, n, f, ctx):
    """Reaction step on each row of a batch, in place (``before``: the rows' prior states)."""
    B = reaction_buffers(n)
    for b in range(X.shape[0]):
        react(X[b], before[b], n, f, ctx, B)
