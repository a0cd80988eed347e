"""The ensemble's long table, built from raw arrays and streamed to Parquet.

One row per run, step, unit and variable, columns ``run, seed, config_hash, kind,
step, date, actor, target, faction, variable, value`` (:data:`LONG_COLUMNS`).
``kind`` is ``pair`` (ordered pair actor -> target: the variables of
:meth:`sim.record.results.Results.pairs`), ``actor`` (utility, the five interests,
capability) or ``faction`` (influence of ``faction`` within ``actor``). Columns
that do not apply are empty strings. Recognition is coded 0 none, 1 unofficial,
2 formal; ``channel_public`` is 0/1; ``goldstein`` is left out (``10 * relation``).

A worker reduces each run to one vector of values (:func:`run_record`); every run of
a configuration has the same rows, so the keys of a run's rows are built once
(:class:`Rows`) and repeated. :class:`TableSink` turns blocks of runs into Arrow
tables (the text columns dictionary-encoded: pandas reads them as categoricals) and
writes them as Parquet row groups of a fixed number of runs, whatever the chunks the
workers return, so the file's bytes do not depend on the number of workers; nothing
holds more than a row group of the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.model.interest import INTEREST_NAMES

LONG_COLUMNS = [
    "run",
    "seed",
    "config_hash",
    "kind",
    "step",
    "date",
    "actor",
    "target",
    "faction",
    "variable",
    "value",
]
PAIR_VARIABLES = (
    "stance",
    "relation",
    "channel",
    "engagement",
    "channel_public",
    "recognition",
    "commitment",
    "trade",
    "trade_indirect",
    "controls",
)
ACTOR_VARIABLES = ("utility", *INTEREST_NAMES, "capability")
KINDS = ("pair", "actor", "faction")
ROW_GROUP_ROWS = 1 << 20  # rows per Parquet row group (rounded to whole runs)
TEXT = ("kind", "date", "actor", "target", "faction", "variable")


def run_values(res) -> np.ndarray:
    """One run's values in the table's row order: pairs (step, ordered pair, variable),
    actors (step, actor, variable), factions (actor, faction, step)."""
    pv = res.pair_values()
    pairs = np.stack([pv[v].astype(float) for v in PAIR_VARIABLES], axis=-1)
    actors = np.concatenate(
        [res.utility[:, :, None], res.interests, res.capability[:, :, None]], axis=2
    )
    factions = [res.influence[a].T.ravel() for a in res.influence]
    return np.concatenate([pairs.ravel(), actors.ravel(), *factions])


def run_record(res) -> tuple[np.ndarray, np.ndarray]:
    """A run's values (:func:`run_values`) and its stylized facts in scenario order (a
    picklable reducer: what an ensemble's workers return)."""
    from sim.record.facts import evaluate

    return run_values(res), np.array(list(evaluate(res).values()), dtype=bool)


@dataclass
class Rows:
    """The keys of one run's rows, the same for every run of a configuration: each text
    column as codes into its dictionary, and the step."""

    codes: dict[str, np.ndarray]
    dictionaries: dict[str, list[str]]
    step: np.ndarray
    ids: list[str]
    dates: list[str]

    @property
    def size(self) -> int:
        return len(self.step)

    def relation_index(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Where each (step, pair)'s relation (ordered as given) lies in a run's values."""
        ix = {a: k for k, a in enumerate(self.ids)}
        n, v = len(self.ids), len(PAIR_VARIABLES)
        ii, jj = np.nonzero(~np.eye(n, dtype=bool))
        slot = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(ii, jj, strict=True))}
        cols = [slot[ix[a], ix[b]] for a, b in pairs]
        steps = np.arange(len(self.dates))[:, None]
        return (steps * len(ii) + np.asarray(cols)[None, :]) * v + PAIR_VARIABLES.index("relation")


def rows_of(res) -> Rows:
    """The :class:`Rows` of a configuration, from one of its runs."""
    T, ids = len(res.dates), list(res.ids)
    n = len(ids)
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    P, V, A = len(ii), len(PAIR_VARIABLES), len(ACTOR_VARIABLES)
    factions = [
        (k, f) for k, a in enumerate(ids) if a in res.influence for f in res.faction_names[a]
    ]
    names = list(dict.fromkeys(f for _, f in factions))
    parts = {c: [] for c in ("kind", "step", "actor", "target", "faction", "variable")}

    def add(kind, step, actor, target, faction, variable):
        for col, x in zip(parts, (kind, step, actor, target, faction, variable), strict=True):
            parts[col].append(np.broadcast_to(x, np.shape(step)))

    add(0, np.repeat(np.arange(T), P * V), np.tile(np.repeat(ii, V), T),
        np.tile(np.repeat(jj, V), T) + 1, 0, np.tile(np.arange(V), T * P))  # fmt: skip
    add(1, np.repeat(np.arange(T), n * A), np.tile(np.repeat(np.arange(n), A), T),
        0, 0, V + np.tile(np.arange(A), T * n))  # fmt: skip
    for k, f in factions:
        add(2, np.arange(T), k, 0, 1 + names.index(f), V + A)
    cat = {c: np.concatenate(p) for c, p in parts.items()}
    small = {c: cat[c].astype(np.int8) for c in ("kind", "actor", "target", "faction", "variable")}
    return Rows(
        codes={**small, "date": cat["step"].astype(np.int16)},
        dictionaries={
            "kind": list(KINDS),
            "date": list(res.dates),
            "actor": ids,
            "target": ["", *ids],
            "faction": ["", *names],
            "variable": [*PAIR_VARIABLES, *ACTOR_VARIABLES, "influence"],
        },
        step=cat["step"].astype(np.int64),
        ids=ids,
        dates=list(res.dates),
    )


def _dictionary(codes: np.ndarray, words: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(words, type=pa.string()))


def arrow_block(rows: Rows, config_hash: str, first_run: int, seeds, values) -> pa.Table:
    """The long table of a block of runs (``values``: runs x rows) as an Arrow table."""
    k = len(values)
    cols = {
        "run": pa.array(np.repeat(np.arange(first_run, first_run + k, dtype=np.int64), rows.size)),
        "seed": pa.array(np.repeat(np.asarray(seeds, dtype=np.int64), rows.size)),
        "config_hash": _dictionary(np.zeros(k * rows.size, np.int8), [config_hash]),
        "step": pa.array(np.tile(rows.step, k)),
        "value": pa.array(np.asarray(values, dtype=float).ravel()),
    }
    for c in TEXT:
        cols[c] = _dictionary(np.tile(rows.codes[c], k), rows.dictionaries[c])
    schema = pa.schema([pa.field(c, cols[c].type, nullable=False) for c in LONG_COLUMNS])
    return pa.Table.from_arrays([cols[c] for c in LONG_COLUMNS], schema=schema)


class TableFile:
    """Arrow tables appended to one file: Parquet (one row group per table, zstd, all
    but float columns dictionary-encoded, min/max of the integer columns) or CSV (text
    columns as plain strings)."""

    def __init__(self, path, fmt: str = "parquet"):
        self.path, self.fmt, self.writer = str(path), fmt, None

    def write(self, block: pa.Table) -> None:
        if self.fmt == "csv":
            import pyarrow.csv as pcsv

            plain = _plain(block.schema)
            if self.writer is None:
                self.writer = pcsv.CSVWriter(self.path, plain)
            self.writer.write_table(block.cast(plain))
            return
        import pyarrow.parquet as pq

        if self.writer is None:  # statistics of the integer columns: readers skip row groups
            dictionary = [f.name for f in block.schema if not pa.types.is_floating(f.type)]
            stats = [f.name for f in block.schema if pa.types.is_integer(f.type)]
            self.writer = pq.ParquetWriter(
                self.path,
                block.schema,
                compression="zstd",
                use_dictionary=dictionary,
                write_statistics=stats,
            )
        self.writer.write_table(block, row_group_size=max(1, len(block)))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class TableSink:
    """Runs in, row groups of a fixed number of runs out: to a :class:`TableFile` at
    ``path``, or kept (``path`` None: :meth:`close` returns the table)."""

    def __init__(self, rows: Rows, config_hash: str, path=None, fmt: str = "parquet"):
        self.rows, self.hash = rows, config_hash
        self.group = max(1, ROW_GROUP_ROWS // max(1, rows.size))
        self.seeds: list[int] = []
        self.values: list[np.ndarray] = []
        self.written = 0
        self.file = None if path is None else TableFile(path, fmt)
        self.kept: list[pa.Table] = []

    def add(self, seeds, values: np.ndarray) -> None:
        """Append runs (``values``: runs x rows, in run order)."""
        self.seeds.extend(int(s) for s in seeds)
        self.values.extend(np.asarray(values, dtype=float))
        while len(self.seeds) >= self.group:
            self._flush(self.group)

    def _flush(self, k: int) -> None:
        block = arrow_block(self.rows, self.hash, self.written, self.seeds[:k], self.values[:k])
        del self.seeds[:k], self.values[:k]
        self.written += k
        if self.file is None:
            self.kept.append(block)
        else:
            self.file.write(block)

    def close(self) -> pa.Table | None:
        """Write what is left; the kept table (``path`` None) or None."""
        if self.seeds or not self.written:
            self._flush(len(self.seeds))
        if self.file is not None:
            self.file.close()
            return None
        return pa.concat_tables(self.kept)


def _plain(schema: pa.Schema) -> pa.Schema:
    """The schema with dictionary columns as plain strings (what CSV holds)."""
    return pa.schema(
        [pa.field(f.name, pa.string()) if pa.types.is_dictionary(f.type) else f for f in schema]
    )


def ensemble_pairs(table: pd.DataFrame) -> pd.DataFrame:
    """The wide pairs table of an ensemble: run, step, date, actor, target and each pair variable.

    This is what :func:`sim.report.plots.fan_chart_dataset` reads.
    """
    sub = table[table["kind"] == "pair"]
    sub = sub.astype({c: object for c in TEXT if isinstance(sub[c].dtype, pd.CategoricalDtype)})
    keys = ["run", "step", "date", "actor", "target"]
    wide = sub.pivot(index=keys, columns="variable", values="value")
    wide = wide.reindex(pd.MultiIndex.from_frame(sub[keys].drop_duplicates()))
    wide = wide[list(dict.fromkeys(sub["variable"]))]  # rows and columns in the table's order
    wide.columns.name = None
    return wide.reset_index()
