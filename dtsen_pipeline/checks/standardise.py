"""Checks of stage `standardise`: every read row reaches its standardised table (blocking), and the
socio-economic variables' values fit their types."""

import pandas as pd
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetChecksDefinition, MetadataValue, asset_check

from ..assets.ingest import text_table
from ..assets.standardise import TABLES, StgTable, union_sql
from ..resources import DuckDBStorage
from ..sources.variables import catalogue, unreadable_counts

UNREADABLE_TOLERANCE = 0.01  # share of given values that may fail their type before the check warns


def _conservation(storage: DuckDBStorage, periode: str, spec: StgTable) -> AssetCheckResult:
    union = spec.conserved
    read = " UNION ALL ".join(f"SELECT '{s}' AS sumber, count(*) AS dibaca FROM {text_table(s, union.berkas)} WHERE periode = $periode"
                              for s in union.sources)
    by_source = "sumber" if spec.name != "wilayah" else "'wilayah' AS sumber"
    with storage.connect() as con:
        frame = con.execute(f"""
            WITH dibaca AS ({read}),
                 stg AS (SELECT {by_source}, count(*) AS di_stg FROM {spec.table} WHERE periode = $periode GROUP BY 1)
            SELECT d.sumber, d.dibaca, coalesce(s.di_stg, 0) AS di_stg FROM dibaca d LEFT JOIN stg s USING (sumber) ORDER BY 1""",
                            {"periode": periode}).df()
    off = frame[frame["dibaca"] != frame["di_stg"]]
    return AssetCheckResult(passed=off.empty, severity=AssetCheckSeverity.ERROR,
                            description=None if off.empty else "; ".join(f"{r.sumber}: {r.dibaca} read, {r.di_stg} in {spec.table}" for r in off.itertuples()),
                            metadata={"rincian": MetadataValue.md(frame.to_markdown(index=False))})


def _conservation_check(spec: StgTable) -> AssetChecksDefinition:
    @asset_check(asset=spec.name, name="baris_lengkap", blocking=True,
                 description=f"Every row read from {', '.join(spec.conserved.sources)} is in {spec.name} (nothing dropped).")
    def _check(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
        return _conservation(storage, context.partition_key, spec)

    return _check


def _values_check(spec: StgTable) -> AssetChecksDefinition:
    level = spec.variables
    union = spec.conserved

    @asset_check(asset=spec.name, name="nilai_variabel", blocking=False,
                 description=f"Values of the {level} variables that the source gives but that do not fit their type or category "
                             f"(variables.yaml) become NULL; warns when more than {UNREADABLE_TOLERANCE:.0%} of a variable's values do.")
    def _check(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
        periode = context.partition_key
        given = ",\n    ".join(f"count(nullif(trim(m.{v}), '')) AS {v}__terisi" for v in catalogue()[level])
        sql = f"SELECT m.sumber, {given},\n    {unreadable_counts(level, 'm')} FROM ({union_sql(storage, union)}) m GROUP BY 1 ORDER BY 1"
        with storage.connect() as con:
            wide = con.execute(sql, {"periode": periode}).df()
        rows = []
        for r in wide.to_dict("records"):
            for v in catalogue()[level]:
                if r[f"{v}__tak_terbaca"]:
                    rows.append({"sumber": r["sumber"], "variabel": v, "terisi": r[f"{v}__terisi"], "tak_terbaca": r[f"{v}__tak_terbaca"]})
        bad = [r for r in rows if r["tak_terbaca"] > UNREADABLE_TOLERANCE * max(r["terisi"], 1)]
        metadata = {"nilai_tak_terbaca": int(sum(r["tak_terbaca"] for r in rows))}
        if rows:
            metadata["rincian"] = MetadataValue.md(pd.DataFrame(rows).to_markdown(index=False))
        return AssetCheckResult(
            passed=not bad, severity=AssetCheckSeverity.WARN, metadata=metadata,
            description=None if not bad else "; ".join(f"{r['sumber']}.{r['variabel']}: {r['tak_terbaca']} of {r['terisi']} values unreadable"
                                                        for r in bad))

    return _check


standardise_checks = [_conservation_check(spec) for spec in TABLES] + [_values_check(spec) for spec in TABLES if spec.variables]
