"""Resources: where raw extracts live, and the one storage through which every table is read and
written (DuckDB today; the interface is small so that a Parquet-on-object-storage backend can
take its place for distributed runs)."""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
from dagster import ConfigurableResource
from pydantic import PrivateAttr

from .privacy import mask_error
from .sources.mapping import DEFAULT_MAPPING, load_mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"  # not shipped in a wheel: the project runs from an editable install


@dataclass(frozen=True)
class PartitionWrite:
    """One partition of a table (``periode`` and the optional extra keys ``where``) to be
    replaced by the rows of ``select_sql``."""

    table: str
    select_sql: str
    where: dict[str, str] | None = None


_RUN_CONNECTION_LOCK = threading.Lock()


class StorageLockedError(RuntimeError):
    """The database file is held by another process (DuckDB allows one writer per file)."""


class DuckDBStorage(ConfigurableResource):
    """All table reads and writes of the pipeline go through here.

    Inside a Dagster run the database is opened once, at the run's first ``connect()``, and every
    ``connect()`` is a cursor on it; the file is closed when the run ends (``teardown_after_execution``).
    Opening the file costs ~15 ms and a quarter's sources and standardise stages alone asked for ~370
    connections. Outside a run (CLI helpers, tests calling the
    resource directly) each ``connect()`` opens and closes the file."""

    database: str = os.environ.get("DTSEN_DB", str(PROJECT_ROOT / "data" / "dtsen.duckdb"))
    # DuckDB's own cap (it spills to disk beyond it); the pipeline's Python side adds ~1-2 GB
    memory_limit: str = os.environ.get("DTSEN_DUCKDB_MEMORY", "3GB")

    _in_run: bool = PrivateAttr(default=False)
    _run_connection: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context) -> None:
        # opened by the first connect(): a run that never reads the database leaves the file alone
        self._in_run, self._run_connection = True, None

    def teardown_after_execution(self, context) -> None:
        con, self._in_run, self._run_connection = self._run_connection, False, None
        if con is not None:
            con.close()  # checkpoints the WAL; another process (CLI, notebook) may open the file after the run

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        try:
            # tables are sets: insertion order need not be kept, which lets large inserts stream
            return duckdb.connect(self.database, read_only=read_only,
                                  config={"memory_limit": self.memory_limit, "preserve_insertion_order": False})
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                holder = re.search(r"\(PID (\d+)\)", str(exc))
                raise StorageLockedError(
                    f"{self.database} is open in another process ({f'PID {holder.group(1)}: ' if holder else ''}"
                    "a DuckDB CLI, notebook or BI tool?). DuckDB allows one writer per file: close it and run again."
                ) from exc
            raise

    @contextlib.contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection of its own (own transaction, own registered frames), closed on exit. In a
        run, a cursor of the run's database (``read_only`` is then not enforced: the run writes)."""
        if self._in_run:
            with _RUN_CONNECTION_LOCK:  # steps may read in worker threads
                if self._run_connection is None:
                    self._run_connection = self._open(read_only=False)
                con = self._run_connection.cursor()
        else:
            con = self._open(read_only)
        try:
            yield con
        except duckdb.Error as exc:
            # a data value in DuckDB's message (a name that does not convert, a duplicate NIK) would reach
            # Dagster's event log: the same error, masked, without the original chained to it
            masked = mask_error(str(exc))
            if masked == str(exc):
                raise
            raise type(exc)(masked) from None
        finally:
            con.close()

    def replace_partition(self, table: str, periode: str, frame: pd.DataFrame | pa.Table, where: dict[str, str] | None = None) -> int:
        """Replace the rows of one partition (and optional extra keys) by ``frame``, atomically:
        delete-then-insert in one transaction, so a failure leaves the previous rows intact and a
        re-run never duplicates. The table is created from the frame's columns if new."""
        return self.replace_partition_from_sql(table, periode, "SELECT * FROM _frame", frames={"_frame": frame}, where=where)

    def replace_partition_from_sql(self, table: str, periode: str, select_sql: str, params: dict | None = None,
                                   frames: dict[str, pd.DataFrame | pa.Table] | None = None, where: dict[str, str] | None = None) -> int:
        """Replace one partition by the rows of a SELECT run inside DuckDB, in one transaction
        (delete-then-insert; the table is created from the SELECT's columns if new). ``frames``
        are registered as views the SELECT may read (e.g. lookups from the mapping)."""
        return self.replace_partitions_from_sql(periode, [PartitionWrite(table, select_sql, where)], params, frames)[0]

    def replace_partitions_from_sql(self, periode: str, writes: list[PartitionWrite], params: dict | None = None,
                                    frames: dict[str, pd.DataFrame | pa.Table] | None = None) -> list[int]:
        """Several partitions replaced together (as ``replace_partition_from_sql`` does one), in
        one transaction and in order: tables written together never show one new and one old
        quarter. Returns the rows inserted by each write."""
        with self.connect() as con:
            for name, frame in (frames or {}).items():
                con.register(name, frame)
            for schema in dict.fromkeys(w.table.split(".")[0] for w in writes if "." in w.table):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            counts = []
            with transaction(con):
                for w in writes:
                    filters = {"periode": periode, **(w.where or {})}
                    condition = " AND ".join(f'"{col}" = ?' for col in filters)
                    con.execute(f"CREATE TABLE IF NOT EXISTS {w.table} AS SELECT * FROM ({w.select_sql}) LIMIT 0", params or {})
                    _add_new_columns(con, w.table, w.select_sql, params)
                    con.execute(f"DELETE FROM {w.table} WHERE {condition}", list(filters.values()))
                    counts.append(con.execute(f"INSERT INTO {w.table} BY NAME {w.select_sql}", params or {}).fetchall()[0][0])
        return counts

    def run_sql_file(self, relative: str) -> None:
        """Run a file of statements from sql/ (DDL with COMMENTs, views)."""
        path = SQL_DIR / relative
        with self.connect() as con:
            con.execute(path.read_text(encoding="utf-8"))

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params or []).df()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN, then COMMIT; on any error ROLLBACK and raise that error. When the COMMIT itself fails
    (a lock held by another process, a duplicate key written meanwhile) DuckDB has already ended
    the transaction, and the ROLLBACK's own error ("no transaction is active") must not replace
    the reason."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def add_missing_columns(con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]]) -> None:
    """A table written by an earlier version of the pipeline (or mapping) lacks the columns added
    since: add each (name, type) it lacks, NULL in the quarters written before, so that upgrading
    keeps the other quarters."""
    have = {r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    for name, kind in columns:
        if name not in have:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}')


def _add_new_columns(con: duckdb.DuckDBPyConnection, table: str, select_sql: str, params: dict | None) -> None:
    """The SELECT's columns the table lacks, added (add_missing_columns)."""
    wanted = con.execute(f"DESCRIBE SELECT * FROM ({select_sql})", params or {}).fetchall()
    add_missing_columns(con, table, [(name, kind) for name, kind, *_ in wanted])


class RawData(ConfigurableResource):
    """The raw extracts: ``<data_dir>/raw/<YYYY-MM-DD>/`` per quarter, read through the mapping."""

    data_dir: str = os.environ.get("DTSEN_DATA", str(PROJECT_ROOT / "data"))
    mapping_file: str = os.environ.get("DTSEN_MAPPING", str(DEFAULT_MAPPING))

    def quarter_dir(self, periode: str) -> Path:
        return Path(self.data_dir) / "raw" / periode

    def mapping(self) -> dict:
        return load_mapping(self.mapping_file)

    def quarters(self) -> list[str]:
        """Quarter folders present under raw/ (names like 2025-07-01), sorted."""
        raw = Path(self.data_dir) / "raw"
        if not raw.is_dir():
            return []
        return sorted(p.name for p in raw.iterdir() if p.is_dir() and _is_quarter_key(p.name))


def _is_quarter_key(name: str) -> bool:
    import datetime as dt

    try:
        d = dt.date.fromisoformat(name)
    except ValueError:
        return False
    return d.day == 1 and d.month in (1, 4, 7, 10)
