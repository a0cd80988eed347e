"""What a session keeps on disk: its log (JSON lines, one record per change, written as
it happens) and its access file (the codes), both in the session's folder.

The log is the session: replaying it (:mod:`sim.classroom.replay`) gives the same game,
which is how a restarted server resumes. The codes stay out of the log (a log can be
shared with a class) and live in ``access.json``, readable by the server's user only.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sim.model.model import CardModel
from sim.scenario.schema import RunConfig

LOG_VERSION = 1
LOG_NAME = "session.jsonl"
ACCESS_NAME = "access.json"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def state_hash(model: CardModel) -> str:
    """A fingerprint of everything that carries the game forward."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(model.x, dtype=float).tobytes())
    for f in model.factions:
        h.update(np.ascontiguousarray(f.logits, dtype=float).tobytes())
        h.update(np.ascontiguousarray(f.weights, dtype=float).tobytes())
    h.update(np.ascontiguousarray(model.casualties, dtype=float).tobytes())
    h.update(np.ascontiguousarray(model.trade_shock, dtype=float).tobytes())
    h.update(np.ascontiguousarray(model.leakage, dtype=float).tobytes())
    h.update(repr(float(model.temperature)).encode())
    return h.hexdigest()[:32]


def config_dump(cfg: RunConfig) -> dict:
    return cfg.model_dump(mode="json", by_alias=True, exclude_none=False)


class SessionLog:
    """JSON lines, appended, flushed and synced as they happen (and kept in memory).

    ``records``: the records already in the file (a resumed session) are not written again.
    """

    def __init__(self, path: str | Path | None, records: list[dict] | None = None):
        self.path = Path(path) if path else None
        self.records: list[dict] = list(records or [])

    def write(self, record: dict) -> dict:
        line = json.dumps(record, allow_nan=False) + "\n"
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        self.records.append(record)
        return record

    def text(self) -> str:
        return "".join(json.dumps(r, allow_nan=False) + "\n" for r in self.records)


def write_access(folder: Path, access: dict) -> Path:
    """Write the session's codes (mode 0600, atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ACCESS_NAME
    tmp = folder / (ACCESS_NAME + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(access, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return path


def read_access(folder: Path) -> dict | None:
    """The codes of a session folder, or None if it has none readable."""
    try:
        data = json.loads((folder / ACCESS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = (
        isinstance(data, dict)
        and all(isinstance(data.get(k), str) for k in ("session", "instructor", "board"))
        and isinstance(data.get("seats"), dict)
        and all(isinstance(v, str) for v in data["seats"].values())
    )
    return data if ok else None
