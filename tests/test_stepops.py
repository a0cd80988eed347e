"""The compiled step helpers (:mod:`sim.model.stepops`) give NumPy's numbers bit for bit:
property-based checks against the NumPy expressions they replace."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.model import stepops
from sim.model.dynamics import public_relation
from sim.model.state import Layout

FLOATS = st.floats(-2.0, 2.0, allow_nan=False) | st.sampled_from([0.0, -0.0, 1.0, -1.0])


def _same(a, b) -> bool:
    return np.asarray(a, dtype=float).tobytes() == np.asarray(b, dtype=float).tobytes()


@given(a=FLOATS | st.just(np.nan), b=FLOATS | st.just(np.nan))
def test_maximum_and_minimum_follow_numpy_ties_and_nan(a, b):
    assert _same(stepops.maximum(a, b), np.maximum(a, b))
    assert _same(stepops.minimum(a, b), np.minimum(a, b))


@settings(max_examples=60)
@given(v=arrays(float, st.integers(1, 700), elements=st.floats(-1e6, 1e6)))
def test_pairwise_sum_is_numpys_sum(v):
    assert _same(stepops.pairwise_sum(v, 0, v.size), v.sum())


@given(
    p=arrays(float, st.integers(1, 30), elements=st.floats(0.0, 1.0)),
    u=st.floats(0.0, 1.0, exclude_max=True),
)
def test_inverse_cdf_is_searchsorted_on_the_cumulative_sum(p, u):
    want = min(int(np.searchsorted(np.cumsum(p), u * p.sum(), side="right")), p.size - 1)
    assert stepops.inverse_cdf(p, u) == want


def _state(seed: int, n: int = 4) -> tuple[Layout, np.ndarray]:
    lay = Layout(n)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, lay.size)
    for block in ("channel", "leaked", "controls"):
        lay.view(x, block)[...] = rng.uniform(0.0, 1.0, (n, n))
    leaked = lay.view(x, "leaked")
    leaked[...] = np.maximum(leaked, leaked.T) > 0.5  # leaks are seen by both sides
    lay.view(x, "trade")[...] = rng.uniform(0.0, 100.0, (n, n))
    return lay, x


@given(seed=st.integers(0, 2**32 - 1), cw=st.floats(0.0, 1.0))
def test_public_relation_of_one_state_is_the_batched_numpy_one(seed, cw):
    lay, x = _state(seed)
    assert _same(public_relation(x, lay, cw), public_relation(x[None, :], lay, cw)[0])


@given(seed=st.integers(0, 2**32 - 1), rate=st.floats(0.0, 1.0))
def test_relax_trade_is_the_numpy_expression(seed, rate):
    lay, x = _state(seed)
    rng = np.random.default_rng(seed + 1)
    potential = rng.uniform(0.0, 100.0, (lay.n, lay.n))
    leakage = rng.uniform(0.0, 1.0, (lay.n, lay.n))
    want = x.copy()
    X = lay.view(want, "controls")
    blocked = np.maximum(X, X.T)
    T, I = lay.view(want, "trade"), lay.view(want, "indirect")
    T += rate * (potential * (1.0 - blocked) - T)
    I += rate * (potential * blocked * np.maximum(leakage, leakage.T) - I)
    stepops.relax_trade(x, lay.n, potential, leakage, rate)
    assert _same(x, want)
