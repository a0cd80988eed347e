"""National interest: the five utility terms, each normalised to about [-1, 1].

U_i = sum_k w_ik u_ik(state), computed for a whole batch of candidate states at
once, each row seen by one observer (secret channels count only for the actors
in them, or for everyone once leaked). The terms (MODEL.md, "National interest"):

- security: support from others (commitment and friendliness, weighted by their
  capability share; an ally's pledge shrinks with i's shortfall on the coalition
  measures the ally asks it to join) minus threat (capability times hostility
  toward i), the threat worse when i's adversaries align with each other
  (collusion);
- economy: log of direct plus (discounted) indirect trade relative to the start;
- sovereignty: for a claimant (PRC, ROC), recognition and standing relative to
  its rival, less third parties' alignment with the rival; for other powers,
  their standing (status);
- ideology: affinity with like regimes times the relation (weighted low,
  Patel2025 claim 1);
- leverage: the continuous tie score of the strategic triangle, averaged over
  the actor's triads: s_ij + s_ik - s_jk (Wu 1996; Dittmer 1981).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import kernel
from sim.model.state import Layout

INTEREST_NAMES = ("security", "economy", "sovereignty", "ideology", "leverage")


@dataclass
class Context:
    """What the utility needs beyond the state: per-run constants and this step's capability."""

    layout: Layout
    capability: np.ndarray  # (n,) CINC shares of this step, sum 1
    trade_ref: np.ndarray  # (n,) total modelled trade at the start (US$ m)
    rival: np.ndarray  # (n,) index of the rival claimant, -1 if none
    affinity: np.ndarray  # (n, n) regime affinity in {-1, 0, 1}
    rivalry: np.ndarray  # (n, n) stakes in dispute with each other actor, [0, 1]
    weights: np.ndarray  # (n, 5) effective weights, rows sum to 1
    commitment0: np.ndarray  # (n, n) commitments at the opening (pledges one can renege on)
    recognition0: np.ndarray  # (n, n) recognition levels at the opening
    coalition: np.ndarray  # (n, n) 1 where i's export controls on j are a coalition measure
    positional: np.ndarray  # (n, n) positional rivalry between major powers near parity, [0, 1]
    collusion: float
    channel_weight: float
    indirect_value: float
    rival_warmth_cost: float
    channel_cost: float
    exposure: float
    stakes: float
    retaliation: float
    reneging: float
    solidarity: float
    support_gain: float

    def arrays(self) -> tuple:
        """The array constants in the compiled kernel's order."""
        return (
            self.capability,
            self.trade_ref,
            self.rival,
            self.affinity,
            self.rivalry,
            self.weights,
            self.commitment0,
            self.recognition0,
            self.coalition,
            self.positional,
        )


def scalars(
    ctx: Context, reciprocity: float = 0.0, balance: float = 0.0, temperature: float = 1.0
) -> np.ndarray:
    """The float constants the compiled kernel takes, in its order."""
    return np.array(
        [
            ctx.collusion,
            ctx.channel_weight,
            ctx.indirect_value,
            ctx.rival_warmth_cost,
            reciprocity,
            balance,
            temperature,
            ctx.channel_cost,
            ctx.exposure,
            ctx.stakes,
            ctx.retaliation,
            ctx.reneging,
            ctx.solidarity,
            ctx.support_gain,
        ]
    )


def interests(x: np.ndarray, observer: np.ndarray, ctx: Context) -> np.ndarray:
    """Interest values (B, 5) of each row's observer in each row's state (B, size)."""
    x = np.ascontiguousarray(x, dtype=float)
    obs = np.asarray(observer, dtype=np.int64)
    return kernel.interests_rows(x, obs, ctx.layout.n, scalars(ctx), ctx.arrays())


def utility(x: np.ndarray, observer: np.ndarray, ctx: Context) -> np.ndarray:
    """Weighted utility (B,) of each row's observer, as the decision kernel scores it: the
    interests less the exposure risk of secret channels, the stakes conceded to rivals and
    the reputation lost by reneging on opening commitments (:func:`sim.model.kernel.costs`)."""
    x = np.ascontiguousarray(x, dtype=float)
    obs = np.asarray(observer, dtype=np.int64)
    return kernel.utility_rows(x, obs, ctx.layout.n, scalars(ctx), ctx.arrays())
