"""Stage `sources`, part 2: read every file of a source through its column mapping into DuckDB
text tables (`sources.<sumber>_<berkas>`), one asset per source; unreadable rows go to `ditolak`.

Every column is kept as text here, exactly as read; typing, codes and dates are the job of the
standardise stage. A file that cannot be read at all fails the asset with a message naming the
file and the column and saying what to do.
"""

import time

import pandas as pd
import pyarrow as pa
from dagster import AssetExecutionContext, AssetsDefinition, Failure, MaterializeResult, MetadataValue, asset

from ..partitions import quarterly
from ..privacy import mask_frame, mask_text
from ..resources import DuckDBStorage, RawData
from ..sources.mapping import load_mapping
from ..sources.readers import ExtractError, read_extract
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
        storage.run_sql_file("sources/ingest.sql")
        apply_comments(storage, "ditolak")
        metadata: dict = {}
        rejected_parts = []
        for name, spec in raw.mapping()[source]["files"].items():
            tables, read, notes = [], 0, []
            for path in sorted(quarter.glob(spec["pattern"])):
                rel = str(path.relative_to(quarter))
                started = time.monotonic()
                context.log.info("%s/%s: reading %s (%.1f MB)", source, name, rel, path.stat().st_size / 1e6)
                try:
                    result = read_extract(path, spec, entry=f"sources.{source}.files.{name}", mapping_file=raw.mapping_file)
                except ExtractError as exc:
                    raise Failure(description=mask_text(str(exc)), metadata={"file": rel, "sumber": source}) from None
                context.log.info("%s/%s: read %s: %d rows, %d rejected, %.1f s", source, name, rel, result.rows_read,
                                 result.rejected.num_rows, time.monotonic() - started)
                tables.append(_file_table(result, spec, periode, rel))
                read += result.rows_read
                notes += [f"{rel}: {note}" for note in result.notes]
                if result.rejected.num_rows:
                    rejected_parts.append(result.rejected.to_pandas().assign(
                        periode=periode, tahap="baca", sumber=source, berkas=name, file=rel).rename(columns={"_baris": "baris"}))
            # Arrow all the way into DuckDB: millions of text cells never become Python objects
            frame = pa.concat_tables(tables) if tables else pa.table(
                {c: pa.array([], pa.int64() if c == "baris" else pa.string()) for c in ["periode", "file", "baris", *spec["columns"]]})
            storage.replace_partition(text_table(source, name), periode, frame)
            context.log.info("%s/%s %s: %d rows read, %d accepted", source, name, periode, read, frame.num_rows)
            metadata[f"{name}_baris_dibaca"] = read
            metadata[f"{name}_baris_diterima"] = frame.num_rows
            metadata[f"{name}_contoh"] = MetadataValue.md(mask_frame(frame.slice(0, PREVIEW_ROWS).to_pandas()).to_markdown(index=False))
            if notes:
                metadata[f"{name}_catatan"] = MetadataValue.md("\n".join(f"- {n}" for n in notes[:50]))
        rejected = pd.concat(rejected_parts, ignore_index=True) if rejected_parts else pd.DataFrame(
            {c: pd.Series(dtype="object") for c in ["periode", "tahap", "sumber", "berkas", "file", "kolom", "alasan_kode", "alasan"]}
        ).assign(baris=pd.Series(dtype="int64"))
        storage.replace_partition("main.ditolak", periode, rejected, where={"tahap": "baca", "sumber": source})
        metadata["baris_ditolak"] = len(rejected)
        if len(rejected):
            metadata["ditolak_per_alasan"] = MetadataValue.json(rejected["alasan_kode"].value_counts().to_dict())
        return MaterializeResult(metadata=metadata)

    return _asset


def build_read_assets(mapping: dict | None = None) -> list[AssetsDefinition]:
    mapping = mapping or load_mapping()
    return [_build(source, entry) for source, entry in mapping.items()]
