"""The debrief of a game: ``cardplay report`` (a run folder, a classroom session folder
or a session log, replayed, written as ``debrief.html`` beside its input) and the
classroom server's cache (one build per game state, kept on disk once the game is over).

The report itself is :mod:`sim.report.debrief`; this module loads what it reports on.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pandas as pd

from sim.record.output import atomic_text
from sim.report.debrief import debrief_data, debrief_html
from sim.scenario.errors import ConfigError


def load_source(path: str | Path) -> tuple:
    """(Results, records or None, source text) from a run folder, a session folder or a log."""
    from sim.classroom.replay import replay

    p = Path(path)
    if p.is_dir() and (p / "session.jsonl").is_file():
        p = p / "session.jsonl"
    if p.is_file() and p.suffix in (".jsonl", ".ndjson"):
        from sim.classroom.replay import load

        records = load(p)
        game = replay(records)
        return game.results, records, f"classroom session {game.opening.get('session')} ({p})"
    if p.is_dir() and (p / "config.yaml").is_file():
        from sim.record.run import simulate
        from sim.scenario import yamlfile
        from sim.scenario.schema import validate

        cfg = validate(yamlfile.load(p / "config.yaml"))  # data only, one-line errors
        res = simulate(cfg)  # pure and seeded: the folder's run, recomputed
        source = f"model run {p}"
        table = p / "tables" / "pairs.csv"
        if table.is_file():
            saved = pd.read_csv(table)["stance"].to_numpy()
            again = res.tables()["pairs"]["stance"].to_numpy()
            if saved.shape != again.shape or not np.allclose(saved, again, atol=1e-8):
                source += " (note: this code version does not reproduce the folder's tables)"
        return res, None, source
    raise ConfigError(
        "report", str(path), "a run folder (with config.yaml), a session folder or a session.jsonl"
    )


def write_report(path: str | Path, out: str | Path | None = None, baseline_runs: int = 20) -> Path:
    res, records, source = load_source(path)
    p = Path(path)
    if out is None:
        folder = p if p.is_dir() else p.parent
        out = folder / "debrief.html"
    out = Path(out)
    html_text = debrief_html(debrief_data(res, records, baseline_runs=baseline_runs, source=source))
    out.parent.mkdir(parents=True, exist_ok=True)
    return atomic_text(out, html_text)  # nothing partial left if interrupted


def cmd_report(args: list[str]) -> int:
    """``cardplay report <run folder | session folder | session.jsonl> [out=...] [baseline_runs=20]``."""
    from sim.scenario.options import pop_option

    rest = list(args)
    out = pop_option(rest, "out", None, str)
    runs = pop_option(rest, "baseline_runs", 20, int)
    if runs < 1:
        raise ConfigError("baseline_runs", runs, "a whole number >= 1")
    if len(rest) != 1:
        raise ConfigError(
            "report",
            " ".join(rest) or "(nothing)",
            "one run folder, session folder or session.jsonl, e.g. cardplay report outputs/...",
        )
    path = write_report(rest[0], out, runs)
    print(f"debrief report: {path}")
    return 0


class DebriefCache:
    """Each session's debrief, built once per state of its game (the latest kept in
    memory; a finished game's also on disk beside its log, for after a restart).

    Concurrent requests for the same state wait for the one build."""

    def __init__(self, baseline_runs: int = 20):
        self.baseline_runs = baseline_runs
        self.built: dict[str, tuple[int, str]] = {}  # session id -> (version, html)
        self.locks: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()

    def html(self, session) -> str:
        with session.lock:
            version, over = session.version, session.over
        with self.lock:
            lock = self.locks.setdefault(session.id, threading.Lock())
        with lock:
            done = self.built.get(session.id)
            if done and done[0] == version:
                return done[1]
            path = session.log.path.parent / f"debrief-{version}.html" if session.log.path else None
            if path is not None and path.is_file():
                text = path.read_text(encoding="utf-8")
            else:
                with session.lock:  # a consistent snapshot of the game
                    results = session.results()
                    records = list(session.log.records)
                data = debrief_data(results, records, baseline_runs=self.baseline_runs)
                text = debrief_html(data)
                if over and path is not None:
                    tmp = path.with_suffix(".partial")
                    tmp.write_text(text, encoding="utf-8")
                    tmp.replace(path)
            self.built[session.id] = (version, text)
            return text

    def prebuild(self, session) -> None:
        """Start building a finished game's debrief now, so it is ready when asked for."""
        threading.Thread(target=self._quietly, args=(session,), daemon=True).start()

    def _quietly(self, session) -> None:
        try:
            self.html(session)
        except Exception as exc:  # asked for again, it will say what went wrong
            import sys

            print(f"classroom: debrief of {session.id} not built: {exc}", file=sys.stderr)
