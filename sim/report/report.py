"""Plain-words summaries of a run: the stylized facts table and the story."""

from __future__ import annotations

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
