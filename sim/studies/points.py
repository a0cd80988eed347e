"""Many configurations: dotted keys set on a validated configuration, evaluated over
worker processes.

The sample points of a sensitivity analysis and the candidates of a calibration
are configurations that differ from one base in a few values:
:func:`with_values` sets dotted keys (``mechanics.depth``,
``actors.USSR.factions.hawks.influence``) and validates again, without a Hydra
``compose`` (compose once per study, then vary the validated configuration:
``compose`` costs 8-15 runs); :func:`map_points` evaluates a reducer over points x
seeds, chunked over worker processes, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from sim.scenario.errors import ConfigError
from sim.scenario.schema import RunConfig


def _set(node, parts: list[str], value, key: str):
    head = parts[0]
    if isinstance(node, dict) and head not in node:
        valid = ", ".join(sorted(node)) if node else "(none)"
        raise ConfigError(key, value, f"not a configuration key; valid at this level: {valid}")
    if not isinstance(node, dict):
        raise ConfigError(key, value, "not a configuration key (a value has no sub-keys)")
    if len(parts) == 1:
        old = node[head]
        if isinstance(old, bool):
            value = bool(round(float(value)))
        elif isinstance(old, int):
            value = int(round(float(value)))
        node[head] = value
    else:
        _set(node[head], parts[1:], value, key)


def with_values(
    cfg: RunConfig, values: Mapping[str, object], complements: Mapping[str, str] | None = None
) -> RunConfig:
    """``cfg`` with dotted keys set (``mechanics.depth``, ``actors.USSR.factions.hawks.influence``).

    ``complements`` maps a key to another whose complement it takes (``doves ->
    hawks`` sets the doves' influence to 1 - the hawks'). The result is validated
    again (out-of-range values raise ConfigError). A key holding an integer
    (``mechanics.depth``) takes the value rounded.
    """
    from sim.scenario.schema import _no_interpolation, revalidate

    if not values and not complements:
        return cfg
    raw = cfg.model_dump(mode="python", by_alias=True)
    for key, v in values.items():
        _no_interpolation(v, key)
        _set(raw, key.split("."), v, key)
    for key, source in (complements or {}).items():
        node = raw
        for part in source.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ConfigError("complements", source, "not a configuration key")
            node = node[part]
        _set(raw, key.split("."), 1.0 - float(node), key)
    return revalidate(raw)  # the rest of raw is a validated configuration's data


def _points_chunk(cfg, names, tasks, fn, complements=None) -> list:
    """``fn`` of each (point, seed) task; the configuration is rebuilt when the point changes."""
    from sim.record.ensemble import replicate

    out, last, c = [], None, None
    for x, s in tasks:
        if last is None or not np.array_equal(x, last):
            c = with_values(cfg, dict(zip(names, x.tolist(), strict=True)), complements)
            last = x
        out.append(replicate(c, s, fn))
    return out


def map_points(
    config,
    names: Sequence[str],
    points: np.ndarray,
    seed_list: Sequence[int],
    fn: Callable,
    n_jobs: int = 1,
    chunks_per_job: int = 4,
    progress: bool = False,
    desc: str = "points",
    complements: Mapping[str, str] | None = None,
) -> list[list]:
    """``fn(results)`` for each point (row of ``points``, values of ``names``) and seed.

    Returns ``out[point][k]`` for seed ``seed_list[k]``, in order. Every point runs
    on the same seeds (common random numbers). The (point, seed) runs are cut into
    contiguous chunks, many runs per worker process, so one point with many seeds
    is spread over the workers too; results do not depend on ``n_jobs``.
    ``complements`` as in :func:`with_values`.
    """
    from sim.record.ensemble import chunk_bounds, default_jobs, progress_bar, stream_chunks
    from sim.record.run import as_config

    cfg = as_config(config)
    names = list(names)
    points = np.atleast_2d(np.asarray(points, dtype=float))
    seed_list = list(seed_list)
    tasks = [(x, s) for x in points for s in seed_list]
    if n_jobs == -1:
        n_jobs = default_jobs()
    bar = progress_bar(progress, len(tasks), desc)
    if n_jobs <= 1 or len(tasks) < 2:
        bounds = [(a, a + 1) for a in range(len(tasks))]
    else:  # the first task alone: it runs here and loads the kernel the workers inherit
        bounds = [(0, 1)] + [
            (1 + a, 1 + b) for a, b in chunk_bounds(len(tasks) - 1, n_jobs, chunks_per_job)
        ]
    pieces = [(cfg, names, tasks[a:b], fn, complements) for a, b in bounds]
    flat: list = []
    parts = (
        stream_chunks(_points_chunk, pieces, n_jobs)
        if n_jobs > 1
        else (_points_chunk(*p) for p in pieces)
    )
    for part in parts:
        flat.extend(part)
        if bar is not None:
            bar.update(len(part))
    if bar is not None:
        bar.close()
    k = len(seed_list)
    return [flat[i * k : (i + 1) * k] for i in range(len(points))]
