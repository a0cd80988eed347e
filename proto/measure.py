"""Prototype: fact pass rates of the model and the null worlds on the same seeds."""
import sys, os, json
os.environ.setdefault("NUMBA_NUM_THREADS", "1")
import numpy as np
from multiprocessing import Pool
from sim.config import compose
from sim.schema import validate
from sim.core import simulate
from sim.facts import evaluate

SCEN = ["1969_border_clash", "1972_rapprochement", "2014_crimea", "2022_invasion"]
VARIANTS = {"model": [], "hold": ["mechanics.policy=hold"], "random": ["mechanics.policy=random"], "myopic": ["mechanics.depth=0"]}

def job(args):
    scen, var, extra, seeds = args
    cfg = validate(compose([f"scenario={scen}", *VARIANTS[var], *extra]))
    rows = []
    for s in seeds:
        r = simulate(cfg.model_copy(update={"seed": s}))
        rows.append(list(evaluate(r).values()))
    return scen, var, list(cfg.facts), rows

if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    scens = sys.argv[2].split(",") if len(sys.argv) > 2 and sys.argv[2] else SCEN
    variants = sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else list(VARIANTS)
    extra = sys.argv[4:] 
    chunks = 4
    tasks = [(sc, v, extra, list(range(k, runs, chunks))) for sc in scens for v in variants for k in range(chunks)]
    out = {}
    with Pool(int(os.environ.get("PROCS", "2"))) as pool:
        for sc, v, ids, rows in pool.imap_unordered(job, tasks):
            out.setdefault((sc, v), [ids, []])[1].extend(rows)
    for sc in scens:
        print(f"== {sc}")
        ids = out[(sc, variants[0])][0]
        print(f"{'fact':48s}" + "".join(f"{v:>8s}" for v in variants) + "   skill")
        for k, f in enumerate(ids):
            rates = [np.mean([r[k] for r in out[(sc, v)][1]]) for v in variants]
            skill = rates[0] - max(rates[1:]) if len(rates) > 1 else float('nan')
            print(f"{f[:48]:48s}" + "".join(f"{x:8.2f}" for x in rates) + f"   {skill:+.2f}")
        means = [np.mean(out[(sc, v)][1]) for v in variants]
        print(f"{'MEAN':48s}" + "".join(f"{x:8.2f}" for x in means))
