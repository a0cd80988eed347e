"""Provenance: what produced an output (config hash, seed, versions, git commit)."""

from __future__ import annotations

import hashlib
import json
import os
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


def _git(*args: str) -> str:
    """Run git on this repository with a clean environment: no ``GIT_*`` variables or
    user/system configuration from the job (a job's ``env_set`` cannot inject, say,
    ``core.fsmonitor``), hooks and fsmonitor off."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.devnull, "LC_ALL": "C"}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    safe = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=" + os.devnull]
    return subprocess.run(
        ["git", *safe, "--no-optional-locks", "-C", str(REPO), *args],
        capture_output=True,
        text=True,
        timeout=5,
        check=True,
        env=env,
        stdin=subprocess.DEVNULL,
    ).stdout.strip()


@cache
def git_commit() -> str:
    """The repository's HEAD commit (with '-dirty' if the work tree has changes), or 'unknown'."""
    try:
        head = _git("rev-parse", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
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
