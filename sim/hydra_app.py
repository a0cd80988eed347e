"""The Hydra application behind ``cardplay --multirun`` sweeps (and ``--cfg``/``--info``),
and the run folder every ``cardplay run`` writes.

A single ``cardplay run`` does not go through Hydra's application: the command line
composes and checks the configuration, checks the destination, then calls
:func:`run_folder`. A sweep's jobs come here through :func:`run_app`.
"""

from __future__ import annotations

from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.scenario.config import CONFIG_DIR


def run_folder(raw: dict, run_config, folder: Path) -> Path:
    """Simulate a validated configuration, write its run folder (all or nothing), print
    the stylized facts and the narrative; returns the folder."""
    from sim.record.facts import evaluate
    from sim.record.run import simulate
    from sim.report.report import facts_lines, facts_table, write_run

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
        print((Path(folder) / "narrative.md").read_text())
    return Path(folder)


@hydra.main(config_path=str(CONFIG_DIR), config_name="config", version_base=None)
def run_app(cfg: DictConfig) -> str:
    """A sweep job: simulate the composed configuration into the job's folder."""
    from hydra.core.hydra_config import HydraConfig

    from sim.scenario.schema import validate

    raw = OmegaConf.to_container(cfg, resolve=True)
    raw.pop("hydra", None)
    if "study" in raw:  # a named sweep (+experiment=sweep*): many replicates per job
        from sim.studies.sweep import task

        return task(cfg)
    folder = Path(HydraConfig.get().runtime.output_dir)
    return str(run_folder(raw, validate(raw), folder))
