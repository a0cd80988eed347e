"""What the study commands share: their options, output folders and data files.

``cardplay validate``, ``cardplay compare`` and ``cardplay claims`` read their
own ``key=value`` options here, so a bad one is the same one-line
:class:`~sim.scenario.errors.ConfigError` (exit 2) before anything runs, and
every output folder is checked (new or empty) before any computing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sim.scenario.errors import ConfigError
from sim.scenario.options import pop_option


def run_options(overrides: list[str], default_runs: int = 200, least: int = 1, key="runs"):
    """``runs`` (at least ``least``) and ``n_jobs`` (>= 1, or -1 for all cores)."""
    runs = pop_option(overrides, key, default_runs)
    if runs < least:
        why = " (paired statistics need two runs)" if least == 2 else ""
        raise ConfigError(key, runs, f"a whole number >= {least}{why}")
    n_jobs = pop_option(overrides, "n_jobs", -1)
    if n_jobs == 0 or n_jobs < -1:
        raise ConfigError("n_jobs", n_jobs, "a whole number >= 1, or -1 for all cores")
    return runs, n_jobs


def interval_options(overrides: list[str]) -> tuple[float, int]:
    """``confidence`` (0.95) and bootstrap ``resamples`` (9999) of the paired statistics."""
    confidence = pop_option(overrides, "confidence", 0.95, float)
    if not 0.5 <= confidence < 1.0:
        raise ConfigError("confidence", confidence, "a level in [0.5, 1), e.g. 0.95")
    resamples = pop_option(overrides, "resamples", 9999)
    if resamples < 100:
        raise ConfigError("resamples", resamples, "a whole number >= 100")
    return confidence, resamples


def output_folder(out: str | None, kind: str, prefix: str = "") -> Path:
    """``out`` if given (must be new or empty), else ``outputs/<kind>/<prefix><time>/``."""
    if out:
        folder = Path(out)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise ConfigError("out", out, "a new or empty folder")
        return folder
    from sim.scenario.config import REPO

    stamp = prefix + datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = REPO / "outputs" / kind / stamp
    k = 1
    while folder.exists():
        folder = REPO / "outputs" / kind / f"{stamp}-{k}"
        k += 1
    return folder


def scenario_list(overrides: list[str]) -> list[str]:
    """The scenarios named by ``scenario=`` options (taken out of ``overrides``), or all."""
    from sim.scenario.config import scenario_names

    chosen: list[str] = []
    rest = []
    for o in overrides:
        if o.startswith("scenario="):
            chosen += [s.strip() for s in o.split("=", 1)[1].split(",") if s.strip()]
        else:
            rest.append(o)
    overrides[:] = rest
    return list(dict.fromkeys(chosen)) or scenario_names()


def data_file(name: str, key: str = "experiment") -> Path:
    """``experiments/<name>.yaml``, or a path to a YAML file."""
    from sim.scenario.config import REPO

    p = Path(name)
    candidates = [p] if p.suffix in (".yaml", ".yml") else []
    candidates.append(REPO / "experiments" / f"{name}.yaml")
    for c in candidates:
        if c.is_file():
            return c
    raise ConfigError(key, name, "a file experiments/<name>.yaml or a path to a YAML file")


def read_yaml(path: Path, key: str = "experiment"):
    """A data file's YAML: plain data only (:mod:`sim.scenario.yamlfile`: no tags, no
    code keys, bounded aliases); errors name the file and line."""
    from sim.scenario import yamlfile

    try:
        return yamlfile.load(path)
    except ConfigError as exc:
        if exc.key != "<yaml>":  # a refused key: the line names it
            raise
        raise ConfigError(key, exc.where, exc.valid) from None
