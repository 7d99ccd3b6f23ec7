"""Stage `sources`: discover and describe each quarter's raw files, one asset per source.

The assets are built from the column mapping, so a source added to mapping.yaml gets its asset.
"""


from dagster import AssetExecutionContext, AssetsDefinition, MaterializeResult, MetadataValue, asset

from .. import preload
from ..partitions import quarterly
from ..resources import DuckDBStorage, RawData
from ..sources.inventory import describe_source
from ..sources.mapping import load_mapping

GROUP = "sources"
TABLE = "sources.berkas_mentah"


def raw_asset_name(source: str) -> str:
    return f"mentah_{source}"


def _build(source: str, description: str) -> AssetsDefinition:
    @asset(
        name=raw_asset_name(source),
        group_name=GROUP,
        partitions_def=quarterly,
        kinds={"duckdb", "file"},
        description=f"Raw extract files of `{source}` for the quarter: {description} "
        f"One row per file in `{TABLE}` (size, rows, sha256, missing required columns).",
    )
    def _asset(context: AssetExecutionContext, raw: RawData, storage: DuckDBStorage) -> MaterializeResult:
        preload.start()  # a run's first steps: great-expectations and scikit-learn imported meanwhile
        periode = context.partition_key
        entry = raw.mapping()[source]
        frame = describe_source(raw.quarter_dir(periode), periode, source, entry)
        storage.run_sql_file("sources/berkas_mentah.sql")
        storage.replace_partition(TABLE, periode, frame, where={"sumber": source})
        found = frame[frame["galat"].isna() | frame["baris"].notna()]
        context.log.info("%s %s: %d file(s), %d rows", source, periode, found["path"].nunique(), int(found["baris"].fillna(0).sum()))
        table = frame[["berkas", "path", "format", "baris", "ukuran_byte", "kolom_wajib_hilang", "galat"]]
        return MaterializeResult(metadata={
            "berkas": int(found["path"].nunique()),
            "baris": int(found["baris"].fillna(0).sum()),
            "ukuran_byte": int(frame["ukuran_byte"].fillna(0).sum()),
            "bermasalah": int((frame["galat"].notna() | frame["kolom_wajib_hilang"].fillna("").ne("")).sum()),
            "berkas_mentah": MetadataValue.md(table.to_markdown(index=False)),
        })

    return _asset


def build_raw_assets(mapping: dict | None = None) -> list[AssetsDefinition]:
    mapping = mapping or load_mapping()
    return [_build(source, entry.get("description", "")) for source, entry in mapping.items()]
