"""Checks of the read step: every row of every file is accounted for (accepted + rejected + lines
holding no record equals the rows the inventory counted in the file)."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetChecksDefinition, MetadataValue, asset_check

from ..assets.ingest import read_asset_name, text_table
from ..assets.sources import TABLE as INVENTORY
from ..resources import DuckDBStorage


def conservation_sql(source: str, files: dict) -> str:
    accepted = " UNION ALL ".join(
        f"SELECT '{name}' AS berkas, file, count(*) AS diterima FROM {text_table(source, name)} WHERE periode = $periode GROUP BY ALL"
        for name in files)
    return f"""
        WITH inventory AS (
            SELECT berkas, path AS file, baris AS dibaca FROM {INVENTORY}
            WHERE periode = $periode AND sumber = $sumber AND galat IS NULL),
        accepted AS ({accepted}),
        rejected AS (
            SELECT berkas, file, count(*) AS ditolak FROM main.ditolak
            WHERE periode = $periode AND sumber = $sumber AND tahap = 'baca' GROUP BY ALL),
        -- lines or rows the reader found holding no record (blank, continuation lines, empty sheet rows)
        empty AS (
            SELECT berkas, file, baris_kosong AS kosong FROM sources.berkas_dibaca WHERE periode = $periode AND sumber = $sumber)
        SELECT i.berkas, i.file, i.dibaca, coalesce(a.diterima, 0) AS diterima, coalesce(r.ditolak, 0) AS ditolak,
               coalesce(e.kosong, 0) AS kosong,
               i.dibaca - coalesce(a.diterima, 0) - coalesce(r.ditolak, 0) - coalesce(e.kosong, 0) AS selisih
        FROM inventory i
        LEFT JOIN accepted a USING (berkas, file)
        LEFT JOIN rejected r USING (berkas, file)
        LEFT JOIN empty e USING (berkas, file)
        ORDER BY i.berkas, i.file"""


def _build(source: str, files: dict) -> AssetChecksDefinition:
    @asset_check(
        asset=read_asset_name(source),
        name="baris_lengkap",
        blocking=True,
        description="Row conservation per file: rows counted in the raw file = rows accepted + rows in `ditolak` + "
        "lines or rows holding no record (blank, continuation lines of a multi-line record, empty sheet rows).",
    )
    def _check(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
        periode = context.partition_key if context.has_partition_key else None
        with storage.connect() as con:
            frame = con.execute(conservation_sql(source, files), {"periode": periode, "sumber": source}).df()
        off = frame[frame["selisih"] != 0]
        return AssetCheckResult(
            passed=off.empty,
            severity=AssetCheckSeverity.ERROR,
            description=None if off.empty else "; ".join(
                f"{r.file}: {r.dibaca} rows in the file, {r.diterima} accepted + {r.ditolak} rejected + {r.kosong} without a record"
                for r in off.itertuples()),
            metadata={"berkas": len(frame), "baris_dibaca": int(frame["dibaca"].sum()), "baris_diterima": int(frame["diterima"].sum()),
                      "baris_ditolak": int(frame["ditolak"].sum()), "baris_kosong": int(frame["kosong"].sum()),
                      "rincian": MetadataValue.md(frame.to_markdown(index=False))},
        )

    return _check


def build_read_checks(mapping: dict) -> list[AssetChecksDefinition]:
    return [_build(source, entry["files"]) for source, entry in mapping.items()]
