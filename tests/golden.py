"""Seeded golden regression outputs.

``python -m tests.golden --regenerate`` (or ``make golden``) rewrites them on
purpose, after a change that is meant to alter model outputs; say so in the
commit message. The regression test compares a fresh run with these files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

GOLDEN = Path(__file__).parent / "golden"
CASES = {"1969_seed7": ["scenario=1969_border_clash", "seed=7"]}
PAIR_COLS = [
    "step",
    "date",
    "actor",
    "target",
    "stance",
    "relation",
    "channel",
    "trade",
    "controls",
    "commitment",
    "recognition",
]
LOG_COLS = ["step", "date", "actor", "target", "action", "cameo", "kind", "event", "probability"]


def produce(overrides: list[str]) -> dict[str, pd.DataFrame]:
    from sim.record.run import simulate
    from sim.scenario.config import compose

    t = simulate(compose(overrides)).tables()
    return {
        "pairs": t["pairs"][PAIR_COLS],
        "log": t["log"][LOG_COLS],
        "actors": t["actors"],
        "factions": t["factions"],
    }


def regenerate() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, overrides in CASES.items():
        for table, df in produce(overrides).items():
            df.to_csv(GOLDEN / f"{name}_{table}.csv", index=False, float_format="%.12g")
            print("wrote", GOLDEN / f"{name}_{table}.csv")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--regenerate", action="store_true", help="rewrite the golden files")
    if p.parse_args().regenerate:
        regenerate()
    else:
        p.print_help()
