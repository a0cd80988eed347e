"""Ensembles at scale: seeded replicates streamed to one long table, a fan chart, provenance.

``cardplay ensemble scenario=... runs=N`` runs N replicates of one configuration
(seeds ``seed .. seed+N-1``, so replicate k can be rerun alone with
``cardplay run seed=<seed+k>``) on worker processes, many replicates per worker
(:func:`sim.record.ensemble.iter_chunks`), and writes one folder::

    ensemble.parquet   one long (tidy) table, every run's series (or ensemble.csv)
    facts.csv          each stylized fact's pass rate over the runs
    figures/fan_chart.png   median, 50% and 90% bands of the key relations, events marked
    config.yaml, provenance.json

The table's layout is :mod:`sim.studies.long_table`'s. Its size grows with the
runs; this process does not: the workers return each run's values as one vector
and its facts, and the values go to the file a row group at a time as they come
back. What stays in memory is the facts (runs x facts) and every pair's relation
(runs x steps x pairs, 2 KB a run of 2022) for the fan chart, whose quantiles are
one ``numpy.quantile`` at the end (exact, not streamed). Tables larger than memory
are read with pyarrow datasets or DuckDB (docs/research.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.errors import ConfigError
from sim.scenario.options import checked_config, pop_option
from sim.scenario.schema import RunConfig
from sim.studies.experiment import check_folder, default_folder, output_options, save_png, text
from sim.studies.long_table import LONG_COLUMNS, TableSink, rows_of, run_record

CHUNK_BYTES = 8 << 20  # a worker's chunk of runs holds at most this many bytes of values


@dataclass
class Ensemble:
    """What an ensemble keeps in memory while its table goes to disk."""

    cfg: RunConfig
    seeds: list[int]
    fact_ids: list[str]
    facts: np.ndarray  # (runs, facts) bool
    pairs: list[tuple[str, str]]  # every unordered pair, in actor order
    dates: list[str]
    goldstein: np.ndarray  # (runs, steps, pairs): the relation in Goldstein units
    seconds: dict = field(default_factory=dict)  # simulation, writing (while running)

    def fan(self) -> pd.DataFrame:
        """The fan chart's numbers (:func:`sim.report.plots.fan_quantiles`)."""
        from sim.report.plots import fan_quantiles

        return fan_quantiles(self.goldstein, self.pairs, self.dates)


def stream_ensemble(
    cfg: RunConfig, runs: int, sink_at, *, n_jobs: int = -1, progress: bool = False
) -> tuple[Ensemble, TableSink]:
    """Run ``runs`` seeded replicates, each run's rows into the :class:`TableSink` that
    ``sink_at(rows)`` opens; returns what is kept and the sink (still open)."""
    from sim.record.ensemble import iter_chunks, progress_bar, replicate, seeds
    from sim.record.provenance import config_hash

    t0 = time.perf_counter()
    seed_list = seeds(cfg, runs)
    first = replicate(cfg, seed_list[0])  # here: the row keys; the kernel loaded for the workers
    rows = rows_of(first)
    sink = sink_at(rows, config_hash(cfg))
    ids = rows.ids
    pairs = [(a, b) for k, a in enumerate(ids) for b in ids[k + 1 :]]
    ab, ba = rows.relation_index(pairs), rows.relation_index([(b, a) for a, b in pairs])
    ens = Ensemble(
        cfg,
        seed_list,
        list(cfg.facts),
        np.zeros((runs, len(cfg.facts)), dtype=bool),
        pairs,
        rows.dates,
        np.empty((runs, len(rows.dates), len(pairs))),
    )
    writing = 0.0
    done = 0
    bar = progress_bar(progress, runs, cfg.name)

    def take(values: np.ndarray, facts: np.ndarray) -> None:
        nonlocal done, writing
        t = time.perf_counter()
        k = len(values)
        sink.add(seed_list[done : done + k], values)
        ens.goldstein[done : done + k] = (values[:, ab] * 10.0 + values[:, ba] * 10.0) / 2
        ens.facts[done : done + k] = facts
        done += k
        writing += time.perf_counter() - t
        if bar is not None:
            bar.update(k)

    values, facts = run_record(first)
    take(values[None, :], facts[None, :])
    largest = max(1, CHUNK_BYTES // (8 * rows.size))
    try:
        for part in iter_chunks(cfg, seed_list[1:], run_record, n_jobs=n_jobs, largest=largest):
            take(np.stack([p[0] for p in part]), np.stack([p[1] for p in part]))
    finally:
        if bar is not None:
            bar.close()
    ens.seconds = {"simulation": time.perf_counter() - t0 - writing, "writing": writing}
    return ens, sink


def run_ensemble(
    cfg: RunConfig, runs: int, *, n_jobs: int = -1, progress: bool = False
) -> tuple[pd.DataFrame, list[str], np.ndarray]:
    """Run ``runs`` seeded replicates: (long table, fact ids, facts array runs x facts).

    The whole table in memory: for a few thousand runs. Larger ensembles go to a file
    (``cardplay ensemble``, or :func:`stream_ensemble` with a sink on a path).
    """
    ens, sink = stream_ensemble(cfg, runs, TableSink, n_jobs=n_jobs, progress=progress)
    return sink.close().to_pandas(), ens.fact_ids, ens.facts


def events_table(cfg: RunConfig) -> pd.DataFrame:
    """The scenario's events (as :meth:`sim.record.results.Results.events`), for event markers."""
    rows = [
        (eid, ev.date, ev.label, ev.citation, ev.enabled and ev.scale > 0, ev.kind)
        for eid, ev in cfg.events.items()
    ]
    return pd.DataFrame(rows, columns=["event", "date", "label", "citation", "enabled", "kind"])


def facts_rates(cfg: RunConfig, ids: list[str], facts: np.ndarray) -> pd.DataFrame:
    rows = [
        (
            fid,
            float(facts[:, k].mean()),
            len(facts),
            cfg.facts[fid].description,
            cfg.facts[fid].citation,
        )
        for k, fid in enumerate(ids)
    ]
    return pd.DataFrame(rows, columns=["fact", "pass_rate", "runs", "description", "citation"])


def parse_pairs(spec: str, cfg: RunConfig) -> list[tuple[str, str]] | None:
    """``"USSR-PRC,US-PRC"`` as [("USSR", "PRC"), ("US", "PRC")]; empty means all pairs."""
    if not spec:
        return None
    ids = cfg.actor_ids
    out = []
    for item in spec.split(","):
        a, sep, b = item.strip().partition("-")
        if not sep or a not in ids or b not in ids or a == b:
            raise ConfigError(
                "pairs", spec, "comma-separated pairs of actors A-B; actors: " + ", ".join(ids)
            )
        out.append((a, b))
    return out


def write_ensemble(
    folder: Path,
    cfg: RunConfig,
    raw: dict,
    runs: int,
    *,
    n_jobs: int = -1,
    fmt: str = "parquet",
    figures: bool = True,
    pairs_to_show: list[tuple[str, str]] | None = None,
    progress: bool = False,
) -> Ensemble:
    """Run an ensemble into a folder (all or nothing); ``seconds`` of the result splits
    the time into simulation, writing (while the workers ran) and after the runs."""
    from sim.record.output import staged, write_json, write_yaml
    from sim.record.provenance import record
    from sim.record.run import display_names

    with staged(folder) as stage:
        ens, sink = stream_ensemble(
            cfg,
            runs,
            lambda rows, h: TableSink(rows, h, stage / f"ensemble.{fmt}", fmt),
            n_jobs=n_jobs,
            progress=progress,
        )
        t0 = time.perf_counter()
        sink.close()
        facts_rates(cfg, ens.fact_ids, ens.facts).to_csv(
            stage / "facts.csv", index=False, float_format="%.10g", lineterminator="\n"
        )
        write_yaml(raw, stage / "config.yaml")
        if figures:
            from sim.report.plots import fan_chart_panels

            names = display_names(cfg)
            fig = fan_chart_panels(
                None, events_table(cfg), names, pairs_to_show, data=ens.fan(), runs=runs
            )
            save_png(fig, stage / "figures" / "fan_chart.png")
        ens.seconds["after"] = time.perf_counter() - t0
        prov = record(
            cfg,
            runs=runs,
            seeds=[cfg.seed, cfg.seed + runs - 1],
            table=f"ensemble.{fmt}",
            layout="long: " + ", ".join(LONG_COLUMNS),
            n_jobs=n_jobs,
        )
        write_json(prov, stage / "provenance.json")
    return ens


def cmd_ensemble(args: list[str]) -> int:
    """``cardplay ensemble [runs=100] [n_jobs=-1] [format=parquet|csv] [out=DIR]
    [pairs=A-B,...] [figures=true] [overrides]``."""
    from sim.record.ensemble import default_jobs

    overrides = list(args)
    runs = pop_option(overrides, "runs", 100)
    n_jobs, fmt, out, figures = output_options(overrides)
    pairs_spec = pop_option(overrides, "pairs", "", text)
    if runs < 1:
        raise ConfigError("runs", runs, "a whole number >= 1")
    raw, cfg = checked_config(overrides)
    pairs_to_show = parse_pairs(pairs_spec, cfg)
    folder = Path(out) if out else default_folder(cfg, "ensembles", f"runs{runs}_seed{cfg.seed}")
    check_folder(folder)
    jobs = default_jobs() if n_jobs == -1 else n_jobs
    ens = write_ensemble(
        folder,
        cfg,
        raw,
        runs,
        n_jobs=jobs,
        fmt=fmt,
        figures=figures,
        pairs_to_show=pairs_to_show,
        progress=True,
    )
    s = ens.seconds
    total = s["simulation"] + s["writing"] + s["after"]
    print(
        f"{cfg.title or cfg.name}: {runs} runs (seeds {cfg.seed}..{cfg.seed + runs - 1}) "
        f"on {jobs} process{'es' if jobs > 1 else ''} in {total:.1f} s "
        f"({runs / total:.1f} runs/s) -> {folder}"
    )
    print(
        f"  time: simulation {s['simulation']:.1f} s, writing the table while it ran "
        f"{s['writing']:.1f} s, afterwards (quantiles, figure, files) {s['after']:.1f} s"
    )
    print(f"  table: ensemble.{fmt} ({', '.join(LONG_COLUMNS)})")
    for k, fid in enumerate(ens.fact_ids):
        print(f"  {ens.facts[:, k].mean():6.1%}  {fid}")
    return 0
