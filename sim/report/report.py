"""The run report: the stylized facts table, the story, and the run folder they go into
(:func:`write_run`, written all or nothing by :mod:`sim.record.output`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sim.scenario.schema import RunConfig


def facts_table(cfg: RunConfig, passed: dict[str, bool]) -> pd.DataFrame:
    """One row per stylized fact: id, description, citation, passed."""
    return pd.DataFrame(
        [(fid, f.description, f.citation, bool(passed[fid])) for fid, f in cfg.facts.items()],
        columns=["fact", "description", "citation", "passed"],
    )


def story(results, tables: dict | None = None) -> str:
    """The run's turning points month by month, as Markdown."""
    from sim.report.narrative import narrate, narrative_text

    t = tables or results.tables()
    lines = narrate(
        t["pairs"], t["log"], t["triangles"], t["events"], results.names, factions=t["factions"]
    )
    title = results.cfg.title or results.cfg.name
    return f"# {title} (seed {results.cfg.seed})\n\n" + narrative_text(lines)


def facts_lines(table: pd.DataFrame) -> list[str]:
    return [
        f"  [{'PASS' if r.passed else 'FAIL'}] {r.description} ({r.citation})"
        for r in table.itertuples()
    ]


def write_run(
    results,
    folder: Path,
    raw_config: dict,
    *,
    formats=("parquet", "csv"),
    figures: bool = True,
    narrative: bool = True,
    extra: Callable[[Path], None] | None = None,
) -> Path:
    """Write one run's tables, config, provenance, facts, narrative and figures."""
    from sim.record import facts, provenance
    from sim.record.output import staged, write_json, write_tables, write_yaml

    with staged(folder) as stage:
        tables = results.tables()
        write_tables(tables, stage / "tables", list(formats))
        write_yaml(raw_config, stage / "config.yaml")
        write_json(provenance.record(results.cfg), stage / "provenance.json")
        ft = facts_table(results.cfg, facts.evaluate(results))
        ft.to_csv(stage / "facts.csv", index=False, lineterminator="\n")
        if narrative:
            (stage / "narrative.md").write_text(story(results, tables) + "\n")
        if figures:
            from sim.report.plots import save_figures

            save_figures(tables, tables["events"], results.names, stage / "figures")
        if extra is not None:
            extra(stage)
    return Path(folder)
