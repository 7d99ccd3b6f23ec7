"""Checks of stage `standardise`."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from ..assets.ingest import text_table
from ..assets.standardise import PERSON_SOURCES, stg_individu
from ..resources import DuckDBStorage


@asset_check(asset=stg_individu, name="baris_lengkap", blocking=True,
             description="Every person row read from each source is in stg_individu (nothing dropped).")
def stg_individu_baris_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    periode = context.partition_key
    read = " UNION ALL ".join(f"SELECT '{s}' AS sumber, count(*) AS dibaca FROM {text_table(s, 'individu')} WHERE periode = $periode"
                              for s in PERSON_SOURCES)
    with storage.connect() as con:
        frame = con.execute(f"""
            WITH dibaca AS ({read}),
                 stg AS (SELECT sumber, count(*) AS di_stg FROM main.stg_individu WHERE periode = $periode GROUP BY 1)
            SELECT d.sumber, d.dibaca, coalesce(s.di_stg, 0) AS di_stg FROM dibaca d LEFT JOIN stg s USING (sumber) ORDER BY 1""",
                            {"periode": periode}).df()
    off = frame[frame["dibaca"] != frame["di_stg"]]
    return AssetCheckResult(passed=off.empty, severity=AssetCheckSeverity.ERROR,
                            description=None if off.empty else "; ".join(f"{r.sumber}: {r.dibaca} read, {r.di_stg} in stg_individu" for r in off.itertuples()),
                            metadata={"rincian": MetadataValue.md(frame.to_markdown(index=False))})
