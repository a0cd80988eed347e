"""A sweep's store and its gathered tables: each job's results written atomically under
``<sweep dir>/store/``, the job markers of the last invocation, and the tables gathered in
job order (``results.parquet`` through pandas: one row per replicate; ``series.parquet``
streamed a row group at a time: it may be larger than memory)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

STORE = "store"
JOBS = "jobs"
RESULTS = "results"
SERIES = "series"


def atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` to ``path`` through a temporary file and one rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_text(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def clear_markers(sweep_dir: Path) -> None:
    """Forget the job list of an earlier invocation (the store is kept)."""
    shutil.rmtree(Path(sweep_dir) / JOBS, ignore_errors=True)


def markers(sweep_dir: Path) -> list[dict]:
    """The job markers of the last invocation, in job order."""
    found = [json.loads(p.read_text()) for p in Path(sweep_dir).glob(f"{JOBS}/*/job.json")]
    return sorted(found, key=lambda m: m["job"])


def _with_params(df: pd.DataFrame, m: dict, names: list[str]) -> pd.DataFrame:
    front = {"job": pd.Series([m["job"]] * len(df), dtype="int64")}
    for n in names:
        front[n] = [m["params"].get(n)] * len(df)
    return pd.concat([pd.DataFrame(front), df.reset_index(drop=True)], axis=1)


def _column_type(values: list):
    import pyarrow as pa

    try:
        return pa.array(values).type
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed kinds: as text
        return pa.string()


def stream_series(files: list[Path], ms: list[dict], names: list[str], out: Path, fmt: str):
    """The jobs' series tables, job and swept columns in front, into one file (atomically),
    a row group at a time: the gathered table is never in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.studies.long_table import TableFile

    types = {n: _column_type([m["params"].get(n) for m in ms]) for n in names}
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    sink = TableFile(tmp, fmt)
    try:
        for f, m in zip(files, ms, strict=True):
            stored = pq.ParquetFile(f)
            for i in range(stored.num_row_groups):
                t = stored.read_row_group(i)
                front = [pa.repeat(pa.scalar(m["job"], pa.int64()), len(t))]
                for n in names:
                    v = m["params"].get(n)
                    v = str(v) if types[n] == pa.string() and v is not None else v
                    front.append(pa.repeat(pa.scalar(v, types[n]), len(t)))
                sink.write(pa.table([*front, *t.columns], names=["job", *names, *t.column_names]))
        sink.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def gather(sweep_dir: Path, formats=("parquet",)) -> dict[str, Path]:
    """Concatenate the jobs' stored results (in job order) into one table per kind.

    Writes ``results.parquet`` (and ``series.parquet`` if the jobs recorded
    series) in ``sweep_dir``, atomically; with ``csv`` in ``formats`` also CSV.
    """
    sweep_dir = Path(sweep_dir)
    ms = markers(sweep_dir)
    if not ms:
        return {}
    names: list[str] = []
    for m in ms:
        names += [k for k in m["params"] if k not in names]
    written = {}
    for kind, suffix in ((RESULTS, ".parquet"), (SERIES, f".{SERIES}.parquet")):
        files = [sweep_dir / STORE / f"{m['key']}{suffix}" for m in ms]
        if kind == SERIES and not all(f.exists() for f in files):
            continue
        missing = [str(f) for f in files if not f.exists()]
        if missing:
            raise FileNotFoundError(f"sweep results missing (rerun the sweep): {missing[0]}")
        path = sweep_dir / f"{kind}.parquet"
        if kind == SERIES:
            for fmt in ("parquet", *(["csv"] if "csv" in formats else [])):
                stream_series(files, ms, names, sweep_dir / f"{kind}.{fmt}", fmt)
            written[kind] = path
            continue
        frames = [
            _with_params(pd.read_parquet(f), m, names) for f, m in zip(files, ms, strict=True)
        ]
        table = pd.concat(frames, ignore_index=True)
        atomic_parquet(table, path)
        written[kind] = path
        if "csv" in formats:
            tmp = sweep_dir / f".{kind}.csv.tmp-{os.getpid()}"
            table.to_csv(tmp, index=False, float_format="%.10g", lineterminator="\n")
            os.replace(tmp, sweep_dir / f"{kind}.csv")
    return written
