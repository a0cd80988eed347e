"""A seat's situation: its utility and interests (and how they moved), its factions, and
its relations with every other actor as the team may know them (its own channels and
theirs toward it, never channels between others)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model.dynamics import public_relation
from sim.model.interest import INTEREST_NAMES
from sim.model.state import RECOGNITION_NAMES

if TYPE_CHECKING:
    from sim.classroom.session import Session


def _relations(session: Session, i: int) -> list[dict]:
    m, names = session.model, session.names
    lay, x = m.layout, m.x
    S, H = lay.view(x, "stance"), lay.view(x, "channel")
    R, C = lay.view(x, "recognition"), lay.view(x, "commitment")
    T, Ind = lay.view(x, "trade"), lay.view(x, "indirect")
    X, K = lay.view(x, "controls"), lay.view(x, "talks")
    rel = public_relation(x, lay, session.cfg.mechanics.channel_weight)
    out = []
    for b in m.ids:
        j = m.index[b]
        if j == i:
            continue
        out.append(
            {
                "actor": b,
                "name": names[b],
                "relation": round(float(rel[i, j]) * 10, 2),
                "my_stance": round(float(S[i, j]), 3),
                "their_stance": round(float(S[j, i]), 3),
                "my_channel": round(float(H[i, j]), 3),
                "their_channel": round(float(H[j, i]), 3),
                "i_recognise": RECOGNITION_NAMES[int(round(R[i, j]))],
                "they_recognise": RECOGNITION_NAMES[int(round(R[j, i]))],
                "my_commitment": round(float(C[i, j]), 3),
                "their_commitment": round(float(C[j, i]), 3),
                "trade": round(float(T[i, j]), 1),
                "trade_indirect": round(float(Ind[i, j]), 1),
                "my_controls": round(float(X[i, j]), 3),
                "their_controls": round(float(X[j, i]), 3),
                "talks": bool(K[i, j] > 0.5),
            }
        )
    return out


def situation(session: Session, actor: str) -> dict:
    m, rec = session.model, session.rec
    i = m.index[actor]
    inter = m.interests()[i]
    util = float(m.utilities()[i])
    last = rec.last
    prev_inter = rec.inter[max(last - 1, 0)] if last >= 1 else rec.inter[0]
    prev_util = float(rec.util[max(last - 1, 0)][i])
    weights = m.ctx.weights[i]
    f = m.factions[i]
    return {
        "others": _relations(session, i),
        "utility": round(util, 4),
        "utility_change": round(util - prev_util, 4),
        "interests": [
            {
                "name": n,
                "value": round(float(inter[k]), 4),
                "change": round(float(inter[k] - prev_inter[i][k]), 4),
                "weight": round(float(weights[k]), 3),
            }
            for k, n in enumerate(INTEREST_NAMES)
        ],
        "factions": {n: round(float(v), 3) for n, v in zip(f.names, f.influence, strict=True)}
        if f.names
        else {},
        "standing": round(float(m.layout.view(m.x, "standing")[i]), 3),
    }
