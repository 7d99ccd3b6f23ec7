"""Stage `sources`, part 2: read every file of a source through its column mapping into DuckDB
text tables (`sources.<sumber>_<berkas>`), one asset per source; unreadable rows go to `ditolak`.

Every column is kept as text here, exactly as read; typing, codes and dates are the job of the
standardise stage. A file that cannot be read at all fails the asset with a message naming the
file and the column and saying what to do.
"""

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa
from dagster import AssetExecutionContext, AssetsDefinition, Failure, MaterializeResult, MetadataValue, asset

from ..partitions import quarterly
from ..privacy import mask_frame, mask_text
from ..resources import DuckDBStorage, RawData, add_missing_columns, transaction
from ..sources.mapping import load_mapping
from ..sources.readers import ExtractError, read_extract, sql_extract
from .comments import apply_comments
from .sources import GROUP, raw_asset_name

PREVIEW_ROWS = 5


def read_asset_name(source: str) -> str:
    return f"baca_{source}"


def text_table(source: str, name: str) -> str:
    return f"sources.{source}_{name}"


def _file_table(result, spec: dict, periode: str, rel: str) -> pa.Table:
    """The read rows with periode and file, and every canonical column of the spec (null where
    the file lacks an optional one), so the table's columns are the same every quarter."""
    table = result.table
    n = table.num_rows
    columns = {"periode": pa.array([periode] * n, pa.string()), "file": pa.array([rel] * n, pa.string()),
               "baris": table.column("_baris")}
    for canonical in spec["columns"]:
        columns[canonical] = table.column(canonical) if canonical in table.column_names else pa.nulls(n, pa.string())
    return pa.table(columns)


@dataclass
class _FileRead:
    rel: str
    rows_read: int
    accepted: int
    notes: list[str]
    rejected: pd.DataFrame | None = None
    fast: bool = False
    kosong: int = 0  # lines or rows holding no record (ReadResult.kosong)


class _FastPathFailed(Exception):
    """DuckDB could not read a file it was given (the transaction is lost): re-run without it."""

    def __init__(self, rel: str):
        self.rel = rel


# workbooks parsed ahead of the one being inserted: fastexcel parses a sheet on one core and releases
# the GIL, so two are parsed while the previous one is inserted (P3KE's per-regency workbooks:
# 29 -> 16 s at scale 1.0); at most this many wait in memory. CSVs are not read ahead: pyarrow
# already parses one on both cores, and a source split into many large CSVs would hold several
# gigabytes of text at once.
READ_AHEAD = 2


def _load_files(con, context, table: str, spec: dict, periode: str, files: list, entry: str, mapping_file: str,
                slow: set[str]) -> list[_FileRead]:
    """Replace the partition of one text table by the rows of ``files``, inside the caller's
    transaction. Parquet files are read by DuckDB straight into the table (``sql_extract``: no
    Arrow copy of millions of text cells in Python); the others by ``read_extract`` in worker
    threads (workbooks READ_AHEAD files ahead) and inserted from Arrow in file order."""
    label = "/".join(entry.split(".")[1::2])  # sources.<sumber>.files.<berkas> -> <sumber>/<berkas>
    quoted = ", ".join(f'"{c}" VARCHAR' for c in spec["columns"])
    plans = {rel: None if rel in slow else sql_extract(path, spec, entry=entry, mapping_file=mapping_file) for path, rel in files}
    pending = [(path, rel) for path, rel in files if plans[rel] is None]
    ahead = READ_AHEAD if spec["format"] == "xlsx" else 1  # 1: a CSV is parsed only once the previous one is in
    with ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="dtsen-baca") as pool:
        parsing: dict[str, Future] = {}

        def read_ahead() -> None:
            while pending and len(parsing) < ahead:
                path, rel = pending.pop(0)
                parsing[rel] = pool.submit(read_extract, path, spec, entry=entry, mapping_file=mapping_file)

        read_ahead()
        try:
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} (periode VARCHAR, file VARCHAR, baris BIGINT, {quoted})")
            add_missing_columns(con, table, [(c, "VARCHAR") for c in spec["columns"]])  # the mapping gained since
            con.execute(f"DELETE FROM {table} WHERE periode = ?", [periode])
            reads = []
            for path, rel in files:
                started = time.monotonic()
                context.log.info("%s: reading %s (%.1f MB)", label, rel, path.stat().st_size / 1e6)
                plan = plans[rel]
                if plan is not None:
                    try:
                        rows = con.execute(f"INSERT INTO {table} BY NAME SELECT ? AS periode, ? AS file, _baris AS baris, "
                                           + ", ".join(f'"{c}"' for c in plan.columns) + f" FROM ({plan.select})",
                                           [periode, rel]).fetchall()[0][0]
                    except duckdb.Error:
                        raise _FastPathFailed(rel) from None
                    read = _FileRead(rel, rows, rows, plan.notes, fast=True)
                else:
                    try:
                        result = parsing.pop(rel).result()
                    except ExtractError as exc:
                        raise Failure(description=mask_text(str(exc)), metadata={"file": rel, "sumber": entry.split(".")[1]}) from None
                    if ahead > 1:
                        read_ahead()  # workbooks: the next ones are parsed while this one is inserted
                    frame = _file_table(result, spec, periode, rel)
                    con.register("_frame", frame)
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
                    con.unregister("_frame")
                    rejected = None
                    if result.rejected.num_rows:
                        rejected = result.rejected.to_pandas().rename(columns={"_baris": "baris"})
                    read = _FileRead(rel, result.rows_read, frame.num_rows, result.notes, rejected, kosong=result.kosong)
                    del frame, result
                    read_ahead()
                context.log.info("%s: read %s: %d rows, %d rejected, %.1f s", label, rel, read.rows_read,
                                 read.rows_read - read.accepted, time.monotonic() - started)
                reads.append(read)
            sumber, berkas = label.split("/")
            con.execute("DELETE FROM sources.berkas_dibaca WHERE periode = ? AND sumber = ? AND berkas = ?", [periode, sumber, berkas])
            if reads:
                con.executemany("INSERT INTO sources.berkas_dibaca VALUES (?, ?, ?, ?, ?, ?)",
                                [[periode, sumber, berkas, r.rel, r.rows_read, r.kosong] for r in reads])
        except BaseException:
            pending.clear()
            for future in parsing.values():
                future.cancel()
            raise
    return reads


def _rejected(reads: dict[str, list[_FileRead]], periode: str, source: str) -> pd.DataFrame:
    """The source's unreadable rows of the quarter, as rows of main.ditolak (stage baca)."""
    parts = [r.rejected.assign(periode=periode, tahap="baca", sumber=source, berkas=name, file=r.rel)
             for name, file_reads in reads.items() for r in file_reads if r.rejected is not None]
    if parts:
        return pd.concat(parts, ignore_index=True)
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ["periode", "tahap", "sumber", "berkas", "file", "kolom", "alasan_kode",
                                                                 "alasan"]}).assign(baris=pd.Series(dtype="int64"))


def _read_source(con, context, source: str, specs: dict, quarter, periode: str, mapping_file: str,
                 slow: set[str]) -> tuple[dict[str, list[_FileRead]], pd.DataFrame]:
    """Replace the quarter's rows of every text table of the source, its files in
    sources.berkas_dibaca and its unreadable rows in main.ditolak, in one transaction: a file that
    fails leaves every table of the source as it was before the run (a source's files belong
    together: DTKS's persons and their families, P3KE's two sheets of the same workbooks)."""
    with transaction(con):
        reads = {}
        for name, spec in specs.items():
            files = [(path, str(path.relative_to(quarter))) for path in sorted(quarter.glob(spec["pattern"]))]
            reads[name] = _load_files(con, context, text_table(source, name), spec, periode, files,
                                      f"sources.{source}.files.{name}", mapping_file, slow)
        rejected = _rejected(reads, periode, source)
        con.execute("DELETE FROM main.ditolak WHERE periode = ? AND tahap = 'baca' AND sumber = ?", [periode, source])
        if len(rejected):
            con.register("_ditolak", rejected)
            con.execute("INSERT INTO main.ditolak BY NAME SELECT * FROM _ditolak")
            con.unregister("_ditolak")
    return reads, rejected


def _build(source: str, entry: dict) -> AssetsDefinition:
    @asset(
        name=read_asset_name(source),
        group_name=GROUP,
        partitions_def=quarterly,
        deps=[raw_asset_name(source)],
        kinds={"duckdb", "python"},
        description=f"`{source}` files of the quarter read through the column mapping into "
        + ", ".join(f"`{text_table(source, n)}`" for n in entry["files"])
        + " (one row per source row, every column as text, with file and row number); unreadable rows to `ditolak`.",
    )
    def _asset(context: AssetExecutionContext, raw: RawData, storage: DuckDBStorage) -> MaterializeResult:
        periode = context.partition_key
        quarter = raw.quarter_dir(periode)
        storage.run_sql_file("sources/ingest.sql")  # sources.berkas_dibaca
        storage.run_sql_file("sources/ditolak.sql")
        apply_comments(storage, "ditolak")
        specs = raw.mapping()[source]["files"]
        slow: set[str] = set()
        with storage.connect() as con:
            con.execute("CREATE SCHEMA IF NOT EXISTS sources")
            while True:
                try:
                    reads, rejected = _read_source(con, context, source, specs, quarter, periode, raw.mapping_file, slow)
                    break
                except _FastPathFailed as failed:  # DuckDB gave up on the file (the transaction with it): read_extract names the problem
                    context.log.info("%s: DuckDB could not read %s; reading it again in Python", source, failed.rel)
                    slow.add(failed.rel)
            previews = {name: con.execute(f"SELECT * FROM {text_table(source, name)} WHERE periode = ? ORDER BY file, baris "
                                          f"LIMIT {PREVIEW_ROWS}", [periode]).df() for name in specs}
        metadata: dict = {}
        for name, file_reads in reads.items():
            read = sum(r.rows_read for r in file_reads)
            accepted = sum(r.accepted for r in file_reads)
            notes = [f"{r.rel}: {note}" for r in file_reads for note in r.notes]
            context.log.info("%s/%s %s: %d rows read, %d accepted", source, name, periode, read, accepted)
            metadata[f"{name}_baris_dibaca"] = read
            metadata[f"{name}_baris_diterima"] = accepted
            if any(r.kosong for r in file_reads):
                metadata[f"{name}_baris_kosong"] = sum(r.kosong for r in file_reads)
            metadata[f"{name}_contoh"] = MetadataValue.md(mask_frame(previews[name]).to_markdown(index=False))
            if notes:
                metadata[f"{name}_catatan"] = MetadataValue.md("\n".join(f"- {n}" for n in notes[:50]))
        metadata["baris_ditolak"] = len(rejected)
        if len(rejected):
            metadata["ditolak_per_alasan"] = MetadataValue.json(rejected["alasan_kode"].value_counts().to_dict())
        return MaterializeResult(metadata=metadata)

    return _asset


def build_read_assets(mapping: dict | None = None) -> list[AssetsDefinition]:
    mapping = mapping or load_mapping()
    return [_build(source, entry) for source, entry in mapping.items()]
