"""Writing a run folder: the destination checked first, then all or nothing.

:func:`destination` checks a folder before any computation (new or empty, writable,
under its output root); :func:`default_folder` names a fresh one. Everything is
written into a hidden staging folder beside the target (``.<name>.partial-<pid>``)
and moved into place with one rename at the end (:func:`staged`); if anything fails
or the command is interrupted, the staging folder and the parents it made are
removed. Staging folders whose owner died (a killed process) are removed by the
next write beside them (:func:`remove_stale`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import yaml

from sim.scenario.errors import ConfigError

_PARTIAL = re.compile(r"^\..+\.partial-(\d+)$")
CSV_DECIMALS = 10  # CSV copies: rounded to 1e-10 (no 3.8e-12 noise), 10 significant digits


def destination(folder: Path | str, *, key: str = "out", root: Path | str | None = None) -> Path:
    """The resolved ``folder`` if a command may write it: new or empty, writable, and
    (with ``root``) inside ``root``; else ConfigError at once, before any computation."""
    if not str(folder).strip():
        raise ConfigError(key, str(folder), "a folder path")
    path = Path(folder).expanduser().resolve()
    if root is not None and not path.is_relative_to(Path(root).expanduser().resolve()):
        raise ConfigError(key, str(folder), f"a folder inside the output root {root}")
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ConfigError(key, str(folder), "a new or empty folder (this one is taken)")
    writable(path, key)
    return path


def writable(path: Path, key: str = "out") -> None:
    """ConfigError unless ``path`` can be created: its nearest existing ancestor is a
    folder where a file can be made (probed and removed at once)."""
    anc = path
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    if not anc.is_dir():
        raise ConfigError(key, str(path), f"a place for a folder ({anc} is a file)")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".cardplay-probe-", dir=anc))
    except OSError as exc:
        raise ConfigError(key, str(path), f"a writable place ({exc.strerror} in {anc})") from None


def default_folder(parent: Path | str, stem: str) -> Path:
    """``parent/<stem>_<YYYYmmdd-HHMMSS-mmm>``, with ``-2``, ``-3`` ... if that is taken."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
    base = Path(parent) / f"{stem}_{stamp}"
    folder, k = base, 1
    while folder.exists():
        k += 1
        folder = base.with_name(f"{base.name}-{k}")
    return folder


def remove_stale(parent: Path) -> None:
    """Remove staging folders and files in ``parent`` whose owner is gone: its process
    is dead, or began after the stage was made (the process id was reused)."""
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return
    for p in entries:
        m = _PARTIAL.match(p.name)
        if m and not _owned(p, int(m.group(1))):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def _owned(stage: Path, pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: /proc/<pid> dates from the process's start
        return os.stat(f"/proc/{pid}").st_ctime <= stage.lstat().st_mtime + 1
    except OSError:
        return True


def _made_parents(folder: Path) -> list[Path]:
    """The ancestors of ``folder`` that do not exist yet, nearest first."""
    out = []
    p = folder.parent
    while not p.exists() and p != p.parent:
        out.append(p)
        p = p.parent
    return out


def _remove_empty(folders: list[Path]) -> None:
    """Remove each folder while it is empty, nearest first; stop at one that holds files."""
    for p in folders:
        try:
            p.rmdir()
        except FileNotFoundError:
            continue
        except OSError:
            return


@contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """Yield a staging folder that becomes ``folder`` when the block succeeds.

    ``folder`` may already exist if it is empty (Hydra creates a multirun job's
    folder). On any failure or interruption nothing is left: the stage, the empty
    ``folder`` and the parents made for it are removed.
    """
    folder = Path(folder)
    made = _made_parents(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(folder.parent)
    stage = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    try:
        if folder.exists() and any(folder.iterdir()):
            raise ConfigError("out", str(folder), "a new or empty folder (this one is taken)")
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir()
        yield stage
        try:
            if folder.exists():
                folder.rmdir()
            os.replace(stage, folder)
        except OSError:  # another process filled the folder meanwhile
            raise ConfigError(
                "out", str(folder), "a new or empty folder (filled meanwhile)"
            ) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _remove_empty([folder, *made])
        raise


def atomic_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a staging file and one rename (nothing partial
    is left if the write fails or is interrupted)."""
    path = Path(path)
    remove_stale(path.parent)
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_csv(df, path: Path) -> None:
    """A table as CSV, floats rounded to :data:`CSV_DECIMALS` decimals (``-0`` as ``0``) and
    written with 10 significant digits; Parquet keeps the exact values."""
    floats = df.select_dtypes("float").columns
    if len(floats):
        df = df.copy()
        df[floats] = df[floats].round(CSV_DECIMALS) + 0.0
    df.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")


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
            write_csv(df, p)
            paths.append(p)
    return paths


def write_yaml(data: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def write_json(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
