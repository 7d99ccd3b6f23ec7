"""Checks of stage `unify`."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from ..assets.unify import padan_dukcapil
from ..resources import DuckDBStorage


@asset_check(asset=padan_dukcapil, name="satu_baris_per_rekaman", blocking=True,
             description="Every source person record of stg_individu (dtks, p3ke, regsosek) has exactly one row in padan_dukcapil.")
def padan_satu_baris(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        WITH s AS (SELECT sumber, id_sumber, count(*) AS n FROM main.stg_individu WHERE periode = $1 AND sumber <> 'dukcapil' GROUP BY ALL),
             p AS (SELECT sumber, id_sumber, count(*) AS n FROM main.padan_dukcapil WHERE periode = $1 GROUP BY ALL)
        SELECT coalesce(s.sumber, p.sumber) AS sumber,
               count(*) FILTER (p.n IS NULL) AS tanpa_baris, count(*) FILTER (s.n IS NULL) AS tanpa_rekaman,
               count(*) FILTER (p.n > 1 OR s.n > 1) AS ganda
        FROM s FULL JOIN p USING (sumber, id_sumber) GROUP BY 1 ORDER BY 1""", [context.partition_key])
    bad = frame[(frame["tanpa_baris"] > 0) | (frame["tanpa_rekaman"] > 0) | (frame["ganda"] > 0)]
    return AssetCheckResult(passed=bad.empty, severity=AssetCheckSeverity.ERROR,
                            description=None if bad.empty else "records without exactly one row in padan_dukcapil (see rincian)",
                            metadata={"rincian": MetadataValue.md(frame.to_markdown(index=False))})


@asset_check(asset=padan_dukcapil, name="satu_ke_satu", blocking=True,
             description="A Dukcapil person is accepted for at most one record per source, except records reported as duplicates "
                         "(duplikat_dari) of that record.")
def padan_satu_ke_satu(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        SELECT sumber, count(*) AS orang_ganda FROM (
            SELECT sumber, nik_dukcapil FROM main.padan_dukcapil
            WHERE periode = ? AND status_padan IN ('padan', 'padan_koreksi', 'meninggal') AND duplikat_dari IS NULL
            GROUP BY ALL HAVING count(*) > 1) GROUP BY 1""", [context.partition_key])
    return AssetCheckResult(passed=frame.empty, severity=AssetCheckSeverity.ERROR,
                            description=None if frame.empty else "a Dukcapil person accepted for two records of one source",
                            metadata={"rincian": MetadataValue.md(frame.to_markdown(index=False)) if not frame.empty else "none"})


unify_checks = [padan_satu_baris, padan_satu_ke_satu]
