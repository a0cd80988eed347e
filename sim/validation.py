"""`cardplay validate`: stylized-fact pass rates over seeded ensembles."""

from __future__ import annotations

from sim.cli import checked_config, pop_option
from sim.errors import ConfigError


def cmd_validate(args: list[str]) -> int:
    from sim.config import scenario_names
    from sim.ensemble import fact_matrix

    overrides = list(args)
    runs = pop_option(overrides, "runs", 200)
    if runs < 1:
        raise ConfigError("runs", runs, "a whole number >= 1")
    chosen = [o.split("=", 1)[1] for o in overrides if o.startswith("scenario=")]
    names = chosen or scenario_names()
    rest = [o for o in overrides if not o.startswith("scenario=")]
    configs = {name: checked_config([f"scenario={name}", *rest])[1] for name in names}
    worst = 1.0
    for name, cfg in configs.items():
        ids, m = fact_matrix(cfg, runs, n_jobs=-1)
        print(f"{name}: {runs} runs, seeds {cfg.seed}..{cfg.seed + runs - 1}")
        for k, fid in enumerate(ids):
            rate = m[:, k].mean()
            worst = min(worst, rate)
            print(f"  {rate:6.1%}  {fid}: {cfg.facts[fid].description} ({cfg.facts[fid].citation})")
        if ids:
            print(f"  mean over facts: {m.mean():.1%}")
    return 0
