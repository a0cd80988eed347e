"""How relations move between decisions: reciprocity, balance pressure, momentum, trade.

- Partial reciprocity and bureaucratic inertia (Goldstein & Freeman 1990,
  "Three-Way Street"): each stance moves a share ``reciprocity`` of the way
  toward the partner's stance, and keeps a share ``momentum`` of its last change.
- Balance pressure (Heider): i's stance toward j drifts by ``balance_pressure``
  times the mean over third parties k of rel(i,k) * rel(k,j), on publicly
  visible relations (a leaked channel counts). It is a weak, tunable tendency,
  not an attractor: decisions and noise dominate it (Doreian & Mrvar 2015).
- Trade relaxes toward a potential that grows at the pair's trend rate, rises
  with the relation, and is cut by export controls; the controlled share that
  leaks through third countries becomes indirect trade (CDR2024, Politika2024).
"""

from __future__ import annotations

import numpy as np

from sim.model import stepops
from sim.model.state import Layout


def working_channel(x: np.ndarray, layout: Layout) -> np.ndarray:
    """Working secret-channel level (..., n, n): the lesser of the two sides' engagement."""
    H = layout.view(x, "channel")
    return np.minimum(H, np.swapaxes(H, -1, -2))


def public_relation(x: np.ndarray, layout: Layout, channel_weight: float) -> np.ndarray:
    """Symmetric relation (..., n, n) that everyone can see: stances plus leaked channels.

    One state is computed compiled (:func:`sim.model.stepops.public_relation`, the same numbers).
    """
    if x.ndim == 1:
        return stepops.public_relation(x, layout.n, channel_weight)
    S = layout.view(x, "stance")
    W = np.clip(S + channel_weight * working_channel(x, layout) * layout.view(x, "leaked"), -1, 1)
    return 0.5 * (W + np.swapaxes(W, -1, -2))


def react(
    x: np.ndarray,
    layout: Layout,
    reciprocity: float,
    balance: float,
    channel_weight: float,
    lo: np.ndarray,
    hi: np.ndarray,
    inplace: bool = False,
) -> np.ndarray:
    """One step of reciprocity and balance pressure on a state or batch, then clip."""
    out = x if inplace else x.copy()
    n = layout.n
    S = layout.view(x, "stance")
    dS = reciprocity * (np.swapaxes(S, -1, -2) - S)
    if balance > 0 and n >= 3:
        P = public_relation(x, layout, channel_weight)
        dS = dS + balance * (P @ P) / (n - 2)
    So = layout.view(out, "stance")
    So += dS
    d = np.arange(n)
    So[..., d, d] = 0.0
    np.minimum(out, hi, out=out)
    np.maximum(out, lo, out=out)
    return out


def trade_potential(
    base: np.ndarray, relation: np.ndarray, relation0: np.ndarray, elasticity: float
) -> np.ndarray:
    """Potential turnover (n, n): the trend scaled by exp(elasticity * change in relation)."""
    return base * np.exp(elasticity * (relation - relation0))


def relax_trade(
    x: np.ndarray,
    layout: Layout,
    potential: np.ndarray,
    leakage: np.ndarray,
    rate: float,
) -> None:
    """Move direct and indirect trade a share ``rate`` toward their targets, in place:
    ``rate`` of the way to ``potential`` times the open share (1 less the stronger of the
    two sides' controls) directly, and to the controlled share times the pair's leakage
    indirectly (compiled: :func:`sim.model.stepops.relax_trade`)."""
    stepops.relax_trade(x, layout.n, potential, leakage, rate)
