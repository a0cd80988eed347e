"""What every study command shares: its options, its output folder, its figure files,
and experiment files (``experiments/<prefix>*.yaml``: a study's parameters with bounds).

Options (taken out of the overrides before the configuration is composed):
``n_jobs`` (worker processes, -1 all cores), ``format`` (parquet or csv), ``out`` (a
new or empty folder), ``figures`` (false for batch jobs: no figure is drawn and
matplotlib is not imported).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np

from sim.scenario.errors import ConfigError
from sim.scenario.options import pop_option
from sim.scenario.schema import RunConfig
from sim.studies.points import with_values

FORMATS = ("parquet", "csv")


def boolean(text: str) -> bool:
    """A command-line boolean (true/false, yes/no, 1/0)."""
    t = str(text).strip().lower()
    if t in ("true", "yes", "1", "on"):
        return True
    if t in ("false", "no", "0", "off"):
        return False
    raise ValueError(text)


boolean.__name__ = "boolean (true/false)"  # how an option error names what is valid


def text(value: str) -> str:
    return str(value)


def parse_jobs(n: int) -> int:
    if n == -1 or n >= 1:
        return n
    raise ConfigError("n_jobs", n, "a whole number >= 1, or -1 for all cores")


def default_folder(cfg: RunConfig, kind: str, label: str) -> Path:
    """``<output.dir>/<kind>/<scenario>/<label>_<time>`` (:func:`unused`)."""
    return unused(
        Path(cfg.output.dir) / kind / cfg.name / f"{label}_{datetime.now():%Y%m%d-%H%M%S}"
    )


def unused(folder: Path) -> Path:
    """``folder``, or ``folder-1``, ``folder-2`` ... if it exists (two studies a second)."""
    taken, k = folder, 0
    while taken.exists():
        k += 1
        taken = folder.with_name(f"{folder.name}-{k}")
    return taken


def check_folder(out: Path, key: str = "out") -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(key, str(out), "a new or empty folder")


def output_options(overrides: list[str]) -> tuple[int, str, str, bool]:
    """Take the options every study command shares out of ``overrides``:
    ``n_jobs`` (workers), ``format`` (parquet|csv), ``out`` (folder), ``figures``."""
    n_jobs = parse_jobs(pop_option(overrides, "n_jobs", -1))
    fmt = pop_option(overrides, "format", "parquet", text)
    out = pop_option(overrides, "out", "", text)
    figures = pop_option(overrides, "figures", True, boolean)
    if fmt not in FORMATS:
        raise ConfigError("format", fmt, "parquet or csv")
    return n_jobs, fmt, out, figures


def experiment_path(name: str, prefix: str) -> Path:
    """``experiments/<name>.yaml`` (or a path to a YAML file); ConfigError lists the choices."""
    from sim.scenario.config import REPO

    p = Path(name)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    q = REPO / "experiments" / f"{name}.yaml"
    if name and q.exists():
        return q
    found = sorted(x.stem for x in (REPO / "experiments").glob(f"{prefix}*.yaml"))
    raise ConfigError("experiment", name, "valid: " + (", ".join(found) or "(none)"))


def load_experiment(name: str, prefix: str, allowed: Sequence[str]) -> tuple[Path, dict]:
    """Read an experiment file; unknown top-level keys raise ConfigError."""
    from sim.scenario import yamlfile

    path = experiment_path(name, prefix)
    spec = yamlfile.load(path) or {}  # data only; ConfigError names file and line
    if not isinstance(spec, dict):
        raise ConfigError("experiment", str(path), "a mapping of keys to values")
    for k in spec:
        if k not in allowed:
            raise ConfigError(k, spec[k], "unknown key; valid keys: " + ", ".join(allowed))
    yamlfile.check_counts(spec, yamlfile.shown(path))
    if spec.get("name", path.stem) != path.stem:
        raise ConfigError("name", spec["name"], f"the file's name, {path.stem!r}")
    return path, spec


def parse_parameters(spec, cfg: RunConfig, complements=None) -> tuple[list[str], np.ndarray]:
    """``{key: [low, high]}`` as (names, bounds array D x 2), each bound checked on ``cfg``."""
    if not isinstance(spec, dict) or not spec:
        raise ConfigError("parameters", spec, "a mapping of configuration keys to [low, high]")
    names, bounds = [], []
    for key, b in spec.items():
        ok = isinstance(b, (list, tuple)) and len(b) == 2
        ok = ok and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in b)
        if not ok or not b[0] < b[1]:
            raise ConfigError(f"parameters.{key}", b, "[low, high] with low < high")
        for v in b:
            with_values(cfg, {key: v}, complements)  # raises ConfigError if out of range
        names.append(str(key))
        bounds.append([float(b[0]), float(b[1])])
    return names, np.array(bounds)


def parse_complements(spec) -> dict[str, str]:
    if spec is None:
        return {}
    if not isinstance(spec, dict) or not all(isinstance(v, str) for v in spec.values()):
        raise ConfigError("complements", spec, "a mapping of key: the key it complements")
    return {str(k): v for k, v in spec.items()}


def save_png(fig, path: Path) -> None:
    """A study's figure as PNG, the way every cardplay figure is saved."""
    from sim.report.plots import SAVE_DPI

    path.parent.mkdir(exist_ok=True)
    fig.savefig(path, dpi=SAVE_DPI, bbox_inches="tight", facecolor="white")
