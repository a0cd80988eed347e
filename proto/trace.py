"""Prototype: per-step moves of every actor, with the top alternatives."""
import sys, os
os.environ.setdefault("NUMBA_NUM_THREADS", "1")
import numpy as np
from sim.config import compose
from sim.schema import validate
from sim.model import CardModel
from sim.decision import choice_probabilities
from sim.dynamics import public_relation

scen = sys.argv[1]; seed = int(sys.argv[2]); extra = sys.argv[3:]
pairs = [a for a in extra if a.startswith("pairs=")]
extra = [a for a in extra if not a.startswith("pairs=")]
cfg = validate(compose([f"scenario={scen}", f"seed={seed}", *extra]))
m = CardModel(cfg)
ids = m.ids
def rel():
    P = public_relation(m.x, m.layout, m.mech.channel_weight)
    S = m.layout.view(m.x, "stance"); H = m.layout.view(m.x, "channel")
    out = []
    for i in range(m.n):
        for j in range(i+1, m.n):
            out.append(f"{ids[i][:3]}-{ids[j][:3]} {P[i,j]:+.2f}")
    return " ".join(out)
print(m.dates[0], rel())
while m.running and m.t < len(m.dates) - 1:
    m.begin_turn()
    ant = m.anticipation()
    probs = choice_probabilities(ant, m.x, m.mech.depth)
    m.resolve_turn()
    line = []
    for i, (c, p) in enumerate(m.last_choice):
        k, a, t = m.menu.label(c)
        rows, vals, pr = probs[i]
        hold = vals[0]
        order = np.argsort(-vals)[:3]
        alts = ",".join(f"{m.menu.label(int(rows[o]))[0][:6]}>{ids[m.menu.label(int(rows[o]))[2]][:3]}{(vals[o]-hold)*1e3:+.1f}" for o in order)
        line.append(f"{ids[i][:4]}:{k}>{ids[t][:3] if k!='hold' else ''} [{alts}]")
    print(m.dates[m.t], rel())
    print("     ", " | ".join(line))
