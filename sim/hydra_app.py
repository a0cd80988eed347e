"""The Hydra application behind ``cardplay run`` (and ``--multirun`` sweeps)."""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.scenario.config import CONFIG_DIR


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base=None)
def run_app(cfg: DictConfig) -> str:
    """Simulate the composed configuration and write its run folder; returns the folder."""
    from hydra.core.hydra_config import HydraConfig

    from sim.record.facts import evaluate
    from sim.record.run import simulate
    from sim.report.report import facts_lines, facts_table, write_run
    from sim.scenario.schema import validate

    raw = OmegaConf.to_container(cfg, resolve=True)
    raw.pop("hydra", None)
    if "study" in raw:  # a named sweep (+experiment=sweep*): many replicates per job
        from sim.studies.sweep import task

        return task(cfg)
    run_config = validate(raw)
    folder = Path(HydraConfig.get().runtime.output_dir)
    results = simulate(run_config)
    out = run_config.output
    write_run(
        results, folder, raw, formats=out.formats, figures=out.figures, narrative=out.narrative
    )
    print(f"{run_config.title or run_config.name}: seed {run_config.seed} -> {folder}")
    print("stylized facts:")
    print("\n".join(facts_lines(facts_table(run_config, evaluate(results)))))
    if out.narrative:
        print()
        print((folder / "narrative.md").read_text())
    return str(folder)
