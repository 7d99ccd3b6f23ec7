"""Checks of stage `standardise`."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from ..assets.ingest import text_table
from ..assets.standardise import FAMILY_SOURCES, PERSON_SOURCES, stg_individu, stg_keluarga
from ..resources import DuckDBStorage


def _conservation(storage: DuckDBStorage, periode: str, table: str, berkas: str, sources) -> AssetCheckResult:
    read = " UNION ALL ".join(f"SELECT '{s}' AS sumber, count(*) AS dibaca FROM {text_table(s, berkas)} WHERE periode = $periode"
                              for s in sources)
    with storage.connect() as con:
        frame = con.execute(f"""
            WITH dibaca AS ({read}),
                 stg AS (SELECT sumber, count(*) AS di_stg FROM {table} WHERE periode = $periode GROUP BY 1)
            SELECT d.sumber, d.dibaca, coalesce(s.di_stg, 0) AS di_stg FROM dibaca d LEFT JOIN stg s USING (sumber) ORDER BY 1""",
                            {"periode": periode}).df()
    off = frame[frame["dibaca"] != frame["di_stg"]]
    return AssetCheckResult(passed=off.empty, severity=AssetCheckSeverity.ERROR,
                            description=None if off.empty else "; ".join(f"{r.sumber}: {r.dibaca} read, {r.di_stg} in {table}" for r in off.itertuples()),
                            metadata={"rincian": MetadataValue.md(frame.to_markdown(index=False))})


@asset_check(asset=stg_individu, name="baris_lengkap", blocking=True,
             description="Every person row read from each source is in stg_individu (nothing dropped).")
def stg_individu_baris_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    return _conservation(storage, context.partition_key, "main.stg_individu", "individu", PERSON_SOURCES)


@asset_check(asset=stg_keluarga, name="baris_lengkap", blocking=True,
             description="Every family row read from each source is in stg_keluarga (nothing dropped).")
def stg_keluarga_baris_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    return _conservation(storage, context.partition_key, "main.stg_keluarga", "keluarga", FAMILY_SOURCES)
