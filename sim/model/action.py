"""The action menu: what an actor can do to another, as sparse changes of the state.

Every action has a CAMEO code (its Goldstein value comes from the CAMEO table,
see :mod:`sim.scenario.datasets`), and is public or secret. Secret moves (opening or
closing a channel) are invisible to third parties until the channel is leaked.

A :class:`Menu` holds every (actor, action, target) candidate of a run with its
state changes ("entries") and the conditions under which it is available; each
step :meth:`Menu.deltas` turns them into one matrix of state deltas, so the
decision rule can apply all candidates at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numba import njit

from sim.model.state import Layout
from sim.model.stepops import maximum, minimum
from sim.scenario.schema import MOVES

# name: (CAMEO code, secret, applies only toward a claimant)
KINDS: dict[str, tuple[str, bool, bool]] = {
    "hold": ("010", False, False),
    "warm": ("051", False, False),
    "cool": ("111", False, False),
    "escalate": ("150", False, False),
    "negotiate": ("046", False, False),
    "open_channel": ("040", True, False),
    "close_channel": ("164", True, False),
    "leak_channel": ("010", False, False),
    "expand_trade": ("061", False, False),
    "restrict_exports": ("163", False, False),
    "ease_controls": ("085", False, False),
    "reaffirm_one_china": ("032", False, True),
    "upgrade_unofficial": ("043", False, True),
    "recognise": ("054", False, True),
    "derecognise": ("161", False, True),
    "raise_commitment": ("062", False, False),
    "cut_commitment": ("1622", False, False),
}
KIND_NAMES = tuple(KINDS)
assert KIND_NAMES == MOVES  # the configuration's vocabulary (sim.schema.MOVES)
SECRET = np.array([KINDS[k][1] for k in KIND_NAMES])

# The replies a level-0 responder considers toward a mover: diplomatic signals.
REPLY_KINDS = ("hold", "warm", "cool", "escalate", "negotiate", "leak_channel", "close_channel")

# How an entry's delta is computed from the current state x0 (cur = x0 at the entry):
# ADD coef; SET coef - cur; CAP min(cur, coef) - cur; SCALE coef * x0[ref];
# DEESC coef * max(-cur, 0) * (1 if ref < 0 else (1 + t) / 2 * (1 - r * (1 - t))), t = x0[ref]:
# de-escalation, which shrinks as a hostile stance approaches neutral; the partner's
# (ref: the pair's talks) doubles with talks open and, without them, shrinks with the
# stakes r in dispute between the two (territory is not bargained away by signals).
ADD, SET, CAP, SCALE, DEESC = 0, 1, 2, 3, 4
LT, GT = 0, 1


@dataclass(frozen=True)
class Step:
    """Sizes of the moves (the mechanics' step constants)."""

    step: float
    escalation: float
    negotiation: float
    channel: float
    trade: float
    controls: float
    commitment: float
    alignment: float  # stance needed before recognising or committing to a partner
    unilateral: float = 1.0  # partner's share of a negotiation off a talks track
    trade_warmth: bool = False  # expanding trade is a cooperative act (stance +step/2)


class Menu:
    """All candidate moves of a run, with their state changes and availability."""

    def __init__(self, layout: Layout, rival: np.ndarray, sizes: Step):
        self.layout = layout
        self.sizes = sizes
        n = layout.n
        self.actor: list[int] = []
        self.kind: list[int] = []
        self.target: list[int] = []
        entries: list[tuple[int, int, int, float, int]] = []
        self.negotiate_partner: list[int] = []  # the entries softening the partner
        conds: list[tuple[int, int, int, float]] = []
        ix = layout.index
        s = sizes

        def add(kind: str, i: int, j: int) -> int:
            c = len(self.actor)
            self.actor.append(i)
            self.kind.append(KIND_NAMES.index(kind))
            self.target.append(j)
            return c

        def e(c: int, idx: int, mode: int, coef: float, ref: int = 0) -> None:
            entries.append((c, idx, mode, coef, ref))

        def cond(c: int, idx: int, op: int, thr: float) -> None:
            conds.append((c, idx, op, thr))

        for i in range(n):
            add("hold", i, i)
            for j in range(n):
                if j == i:
                    continue
                S_ij, S_ji = ix("stance", i, j), ix("stance", j, i)
                c = add("warm", i, j)
                e(c, S_ij, ADD, s.step)
                cond(c, S_ij, LT, 1.0)
                c = add("cool", i, j)
                e(c, S_ij, ADD, -s.step)
                cond(c, S_ij, GT, -1.0)
                c = add("escalate", i, j)
                e(c, S_ij, ADD, -s.escalation)
                cond(c, S_ij, GT, -1.0)
                cond(c, S_ij, LT, 0.0)  # one escalates against adversaries
                c = add("negotiate", i, j)  # conflict management: reduces hostility only
                self.negotiate_partner.append(len(entries) + 1)
                e(c, S_ij, DEESC, s.negotiation, -1)
                e(c, S_ji, DEESC, s.negotiation, ix("talks", i, j))
                cond(c, S_ij, LT, 0.0)
                H_ij, H_ji = ix("channel", i, j), ix("channel", j, i)
                L_ij, L_ji = ix("leaked", i, j), ix("leaked", j, i)
                c = add("open_channel", i, j)  # i engages; the channel works as far as j does
                e(c, H_ij, ADD, s.channel)
                cond(c, H_ij, LT, 1.0)
                c = add("close_channel", i, j)
                e(c, H_ij, ADD, -s.channel)
                cond(c, H_ij, GT, 0.0)
                c = add("leak_channel", i, j)
                e(c, L_ij, SET, 1.0)
                e(c, L_ji, SET, 1.0)
                cond(c, H_ij, GT, 0.0)
                cond(c, H_ji, GT, 0.0)
                cond(c, L_ij, LT, 0.5)
                T_ij, T_ji = ix("trade", i, j), ix("trade", j, i)
                X_ij = ix("controls", i, j)
                c = add("expand_trade", i, j)  # a cooperative act (CAMEO 061)
                for t in (T_ij, T_ji):
                    e(c, t, SCALE, s.trade, T_ij)
                    e(c, t, ADD, s.trade)  # US$ 0.1 m a step even from nothing
                if s.trade_warmth:
                    e(c, S_ij, ADD, 0.5 * s.step)
                cond(c, X_ij, LT, 0.5)
                c = add("restrict_exports", i, j)
                e(c, X_ij, ADD, s.controls)
                for t in (T_ij, T_ji):
                    e(c, t, SCALE, -s.controls, T_ij)
                e(c, S_ij, ADD, -0.5 * s.step)
                cond(c, X_ij, LT, 1.0)
                cond(c, S_ij, LT, 0.0)  # sanctions target the unfriendly
                c = add("ease_controls", i, j)
                e(c, X_ij, ADD, -s.controls)
                e(c, S_ij, ADD, 0.5 * s.step)
                cond(c, X_ij, GT, 0.0)
                cond(c, S_ij, GT, -s.alignment)  # and stay while relations are hostile
                C_ij = ix("commitment", i, j)
                c = add("raise_commitment", i, j)
                e(c, C_ij, ADD, s.commitment)
                e(c, S_ij, ADD, 0.5 * s.step)
                cond(c, C_ij, LT, 1.0)
                cond(c, S_ij, GT, s.alignment)  # commitments go to friends
                c = add("cut_commitment", i, j)
                e(c, C_ij, ADD, -s.commitment)
                cond(c, C_ij, GT, 0.0)
                r = int(rival[j])
                if r >= 0 and i != r:  # j is a claimant and i is a third party
                    R_ij, R_ir = ix("recognition", i, j), ix("recognition", i, r)
                    S_ir = ix("stance", i, r)
                    c = add("reaffirm_one_china", i, j)
                    e(c, S_ij, ADD, 0.5 * s.step)
                    e(c, S_ir, ADD, -0.5 * s.step)
                    e(c, R_ir, CAP, 1.0)
                    cond(c, R_ij, GT, 1.5)
                    c = add("upgrade_unofficial", i, j)
                    e(c, R_ij, SET, 1.0)
                    e(c, S_ij, ADD, 0.5 * s.step)
                    cond(c, R_ij, LT, 0.5)
                    cond(c, S_ij, GT, 0.0)
                    c = add("recognise", i, j)
                    e(c, R_ij, SET, 2.0)
                    e(c, R_ir, CAP, 1.0)
                    e(c, S_ij, ADD, s.step)
                    e(c, S_ir, ADD, -s.step)
                    cond(c, R_ij, LT, 1.5)
                    cond(c, S_ij, GT, s.alignment)  # recognition follows rapprochement
                    c = add("derecognise", i, j)
                    e(c, R_ij, ADD, -1.0)  # formal to unofficial: switching recognition
                    e(c, S_ij, ADD, -s.step)
                    cond(c, R_ij, GT, 1.5)
                    cond(c, S_ir, GT, s.alignment)  # a price paid to the rival claimant

        self.actor_arr = np.array(self.actor)
        self.kind_arr = np.array(self.kind)
        self.target_arr = np.array(self.target)
        self.secret = SECRET[self.kind_arr]
        ent = np.array(entries, dtype=float).reshape(-1, 5)
        self.e_cand = ent[:, 0].astype(int)
        self.e_idx = ent[:, 1].astype(int)
        self.e_mode = ent[:, 2].astype(int)
        self.e_coef = ent[:, 3]
        self.e_ref = ent[:, 4].astype(int)
        self.e_pos = np.zeros(len(self.e_cand), dtype=int)
        seen: dict[int, int] = {}
        for k, c in enumerate(self.e_cand):
            self.e_pos[k] = seen.get(int(c), 0)
            seen[int(c)] = self.e_pos[k] + 1
        self.width = int(self.e_pos.max()) + 1 if len(self.e_pos) else 1
        self.d_cnt = np.bincount(self.e_cand, minlength=len(self.actor)).astype(np.int64)
        self.d_idx = np.zeros((len(self.actor), self.width), dtype=np.int64)
        self.d_idx[self.e_cand, self.e_pos] = self.e_idx
        cd = np.array(conds, dtype=float).reshape(-1, 4)
        self.c_cand = cd[:, 0].astype(int)
        self.c_idx = cd[:, 1].astype(int)
        self.c_op = cd[:, 2].astype(int)
        self.c_thr = cd[:, 3]
        self.size = len(self.actor)
        self.by_actor = [np.flatnonzero(self.actor_arr == i) for i in range(n)]
        # per-step constants of deltas(): where each entry goes, its mode's formula
        self.e_flat = self.e_cand * self.width + self.e_pos
        self.e_unscaled = self.e_ref < 0
        self.c_lo = self.c_thr - 1e-12  # LT conditions hold below
        self.c_hi = self.c_thr + 1e-12  # GT conditions hold above
        self.c_lt = self.c_op == LT
        # negotiate's partner entries, by the pair they soften (stakes: :meth:`deltas`)
        self.neg_entry = np.array(self.negotiate_partner, dtype=np.int64)
        neg = self.e_cand[self.neg_entry]
        self.neg_pair = (self.actor_arr[neg], self.target_arr[neg])
        # restrict_exports candidates, for partners joining a coalition measure
        self.restrict = np.flatnonzero(self.kind_arr == KIND_NAMES.index("restrict_exports"))
        self.expand = np.flatnonzero(self.kind_arr == KIND_NAMES.index("expand_trade"))
        # replies[i, c]: candidate c is a reply some other actor may make to mover i
        # (a diplomatic signal toward i, or holding), when available
        movers = np.arange(n)[:, None]
        self.replies = (
            np.isin(self.kind_arr, [KIND_NAMES.index(k) for k in REPLY_KINDS])[None, :]
            & (self.actor_arr[None, :] != movers)
            & ((self.kind_arr[None, :] == 0) | (self.target_arr[None, :] == movers))
        )

    def deltas(
        self,
        x0: np.ndarray,
        rivalry: np.ndarray | None = None,
        coalition: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Sparse deltas (candidates, width) of every candidate at ``x0``, and availability.

        Entry e of candidate c adds ``values[c, e]`` at state index ``self.d_idx[c, e]``
        (for e < ``self.d_cnt[c]``). ``rivalry`` (n, n): the stakes in dispute, which
        blunt negotiation without talks; ``coalition`` (n, n): 1 where i's controls on
        j are a coalition measure, which i's pledged partners may join (below).
        """
        stakes = np.zeros(len(self.e_idx))
        if rivalry is not None:
            stakes[self.neg_entry] = rivalry[self.neg_pair]
        D, avail = entry_deltas(
            x0,
            (self.e_idx, self.e_ref, self.e_mode, self.e_coef, self.e_flat, self.e_unscaled),
            stakes,
            (self.c_cand, self.c_idx, self.c_lt, self.c_lo, self.c_hi),
            self.size,
            self.width,
            self.sizes.unilateral,
        )
        if coalition is not None and coalition.any():
            avail[self.restrict] |= self.joinable(x0, coalition)
        return D, avail

    def joinable(self, x0: np.ndarray, coalition: np.ndarray) -> np.ndarray:
        """For each restrict_exports candidate (i, t): whether i may join a coalition
        measure against t whatever its own stance toward t. It may when an actor j
        pledged to i (commitment > 0) leads a coalition measure against t above i's own
        controls on t, and i's controls on t are not yet total. A client follows its
        patron's lead without hostility of its own (Politika2024 on Taipei, 2022)."""
        lay = self.layout
        X, C = (lay.view(x0, b) for b in ("controls", "commitment"))
        i = self.actor_arr[self.restrict]
        t = self.target_arr[self.restrict]
        others = np.arange(lay.n)[:, None]
        leads = (
            (C[:, i] > 0.0)
            & (coalition[:, t] > 0.0)
            & (X[:, t] > X[i, t] + 1e-12)
            & (others != i)
            & (others != t)
        )
        return leads.any(axis=0) & (X[i, t] < 1.0 - 1e-12)

    def forbidden(self, rules: list[tuple[int, str, int | None]]) -> np.ndarray:
        """Mask (candidates,) of the moves a counterfactual takes away: each rule is
        (actor index, move name, target index or None for every target)."""
        out = np.zeros(self.size, dtype=bool)
        for i, move, j in rules:
            hit = (self.actor_arr == i) & (self.kind_arr == KIND_NAMES.index(move))
            if j is not None:
                hit &= self.target_arr == j
            out |= hit
        return out

    def dense(self, values: np.ndarray, rows: np.ndarray, size: int) -> np.ndarray:
        """Dense deltas (len(rows), size) of the given candidates (for inspection and tests)."""
        out = np.zeros((len(rows), size))
        for k, c in enumerate(rows):
            np.add.at(out[k], self.d_idx[c, : self.d_cnt[c]], values[c, : self.d_cnt[c]])
        return out

    def label(self, c: int) -> tuple[str, int, int]:
        """(action name, actor index, target index) of candidate ``c``."""
        return KIND_NAMES[self.kind[c]], self.actor[c], self.target[c]


def shared_menu(layout: Layout, rival: np.ndarray, sizes: Step) -> Menu:
    """``Menu(layout, rival, sizes)``, built once per actors, claims and step sizes and
    shared by the runs that have them (nothing changes a menu after it is built)."""
    return _menu(layout, tuple(int(r) for r in rival), sizes)


@functools.lru_cache(maxsize=64)
def _menu(layout: Layout, rival: tuple[int, ...], sizes: Step) -> Menu:
    return Menu(layout, np.array(rival), sizes)


@njit(cache=True)
def entry_deltas(x0, entries, stakes, conds, size, width, unilateral):
    """:meth:`Menu.deltas` compiled: each entry's delta by its mode's formula, and which
    candidates have all their conditions met (NumPy's arithmetic and tie rules).
    ``stakes[k]``: the stakes in dispute between the pair of entry k, which blunt it when
    it is a partner's DEESC entry (one that reads the pair's talks) and talks are closed."""
    e_idx, e_ref, e_mode, e_coef, e_flat, e_unscaled = entries
    c_cand, c_idx, c_lt, c_lo, c_hi = conds
    D = np.zeros(size * width)
    for k in range(e_idx.shape[0]):
        cur, ref, coef, mode = x0[e_idx[k]], x0[e_ref[k]], e_coef[k], e_mode[k]
        if mode == ADD:
            v = coef
        elif mode == SET:
            v = coef - cur
        elif mode == CAP:
            v = minimum(cur, coef) - cur
        elif mode == SCALE:
            v = coef * ref
        elif mode == DEESC:
            factor = (
                1.0 if e_unscaled[k] else ref + (1.0 - ref) * unilateral * 0.5 * (1.0 - stakes[k])
            )
            v = coef * maximum(-cur, 0.0) * factor
        else:
            raise ValueError("unknown entry mode")
        D[e_flat[k]] = v
    avail = np.ones(size, dtype=np.bool_)
    for k in range(c_idx.shape[0]):
        v = x0[c_idx[k]]
        if not (v < c_lo[k] if c_lt[k] else v > c_hi[k]):
            avail[c_cand[k]] = False  # available when all its conditions hold
    return D.reshape(size, width), avail
