"""Provenance: what produced an output (config hash, seed, versions, git commit)."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from functools import cache
from importlib import metadata

from sim.scenario.config import REPO
from sim.scenario.schema import RunConfig

PACKAGES = (
    "cardplay",
    "mesa",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "matplotlib",
    "hydra-core",
    "omegaconf",
    "numba",
    "pydantic",
    "SALib",
)


def config_hash(cfg: RunConfig, *, with_seed: bool = False) -> str:
    """SHA-256 (first 16 hex digits) of the validated configuration, output options excluded.

    By default the seed is excluded too, so all replicates of one configuration
    share a hash (what sweeps key their results on).
    """
    data = cfg.model_dump(mode="json", by_alias=True, exclude={"output"})
    if not with_seed:
        data.pop("seed", None)
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@cache
def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


@cache
def git_commit() -> str:
    """The repository's HEAD commit (with '-dirty' if the work tree has changes), or 'unknown'."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def record(cfg: RunConfig, **extra) -> dict:
    """The provenance record of a run or study."""
    from sim.scenario import datasets

    return {
        "scenario": cfg.name,
        "seed": cfg.seed,
        "config_hash": config_hash(cfg),
        "config_hash_with_seed": config_hash(cfg, with_seed=True),
        "git_commit": git_commit(),
        "versions": versions(),
        "capability_rule": datasets.CINC_RULE,
        **extra,
    }
