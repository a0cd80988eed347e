"""Writing a run folder: all or nothing.

Everything is written into a hidden staging folder beside the target and moved
into place with one rename at the end; if anything fails, the staging folder
is removed and no half-written output is left.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml


@contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """Yield a staging folder that becomes ``folder`` when the block succeeds.

    ``folder`` may already exist if it is empty (Hydra creates run folders).
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"output folder is not empty: {folder}")
    stage = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        if folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
        raise
    if folder.exists():
        folder.rmdir()
    os.replace(stage, folder)


def write_tables(tables: dict, folder: Path, formats: list[str]) -> list[Path]:
    """Each DataFrame as <name>.parquet and/or <name>.csv in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in tables.items():
        if "parquet" in formats:
            p = folder / f"{name}.parquet"
            df.to_parquet(p, index=False)
            paths.append(p)
        if "csv" in formats:
            p = folder / f"{name}.csv"
            df.to_csv(p, index=False, float_format="%.10g", lineterminator="\n")
            paths.append(p)
    return paths


def write_yaml(data: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
