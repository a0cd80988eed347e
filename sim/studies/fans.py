"""Fan charts of an ensemble's key relations: which pairs a scenario's facts talk about,
the long table of their relations across runs, the scenario's dated events, the figure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.scenario.schema import PAIR_VARS, AllOf, AnyOf, RunConfig


def _series_of(check) -> list:
    if isinstance(check, AllOf):
        return [s for c in check.all for s in _series_of(c)]
    if isinstance(check, AnyOf):
        return [s for c in check.any for s in _series_of(c)]
    sides = [check.left]
    if not isinstance(check.right, float | int | str):
        sides.append(check.right)
    return sides


def key_pairs(cfg: RunConfig) -> list[tuple[str, str]]:
    """The unordered pairs the scenario's facts talk about (all pairs if none), in actor order.

    A pair counts if a fact reads one of its pair variables, or if a fact reads a
    triad's configuration or roles (then the triad's three pairs count).
    """
    order = {a: k for k, a in enumerate(cfg.actor_ids)}
    found: list[tuple[str, str]] = []

    def add(a: str, b: str) -> None:
        p = tuple(sorted((a, b), key=order.__getitem__))
        if p not in found:
            found.append(p)

    for fact in cfg.facts.values():
        for s in _series_of(fact.check):
            if s.var in PAIR_VARS and s.actor and s.target:
                add(s.actor, s.target)
            elif s.triad:
                a, b, c = s.triad
                for x, y in ((a, b), (a, c), (b, c)):
                    add(x, y)
    if not found:
        ids = cfg.actor_ids
        found = [(a, b) for k, a in enumerate(ids) for b in ids[k + 1 :]]
    return sorted(found, key=lambda p: (order[p[0]], order[p[1]]))


def ensemble_pairs(
    cfg: RunConfig, relations: np.ndarray, pairs: list[tuple[str, str]], seeds: list[int]
) -> pd.DataFrame:
    """The long table the fan charts read: run, step, date, actor, target, relation."""
    from sim.scenario.calendar import step_dates

    ix = {a: k for k, a in enumerate(cfg.actor_ids)}
    dates = np.array(step_dates(cfg.window.start, cfg.window.end, cfg.window.step_months))
    runs, steps = relations.shape[:2]
    frames = []
    for a, b in pairs:
        frames.append(
            pd.DataFrame(
                {
                    "run": np.repeat(np.asarray(seeds), steps),
                    "step": np.tile(np.arange(steps), runs),
                    "date": np.tile(dates, runs),
                    "actor": a,
                    "target": b,
                    "relation": relations[:, :, ix[a], ix[b]].astype(float).ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def events_table(cfg: RunConfig) -> pd.DataFrame:
    """The scenario's events in the columns the figures read (event, date, label, citation, enabled)."""
    return pd.DataFrame(
        [
            (eid, ev.date, ev.label, ev.citation, ev.enabled and ev.scale > 0)
            for eid, ev in cfg.events.items()
        ],
        columns=["event", "date", "label", "citation", "enabled"],
    )


def display_names(cfg: RunConfig) -> dict[str, str]:
    from sim.record.run import display_names as names

    return names(cfg)


def fan_figure(result):
    """Ensemble bands (median, 50%, 90%) of the key relations with dated event markers
    (``result``: a :class:`~sim.studies.evidence.ScenarioResult`)."""
    from sim.report.plots import fan_chart_panels

    pairs = key_pairs(result.cfg)
    data = ensemble_pairs(result.cfg, result.relations, pairs, result.seeds)
    fig = fan_chart_panels(data, events_table(result.cfg), display_names(result.cfg), pairs)
    title = result.cfg.title or result.name
    fig.suptitle(f"{title}: key relations across {len(result.seeds)} runs (median, 50%, 90%)")
    return fig, data


def fan_dataset(result) -> pd.DataFrame:
    from sim.report.plots import fan_chart_dataset

    pairs = key_pairs(result.cfg)
    data = ensemble_pairs(result.cfg, result.relations, pairs, result.seeds)
    return fan_chart_dataset(data, pairs, display_names(result.cfg))
