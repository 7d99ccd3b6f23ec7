"""Checks of stage `standardise`: every read row reaches its standardised table (blocking), the
socio-economic variables' values fit their types, and every date the sources give is read."""

import pandas as pd
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetChecksDefinition, MetadataValue, asset_check

from ..assets.ingest import text_table
from ..assets.standardise import TABLES, StgTable, union_sql
from ..resources import DuckDBStorage, RawData
from ..sources.mapping import EARLIEST_DATE, lookups
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


def _date_columns(spec: StgTable) -> list[str]:
    return [c for c in spec.conserved.columns if c.startswith("tgl_")]


def _unreadable_dates(storage: DuckDBStorage, raw: RawData, periode: str, spec: StgTable) -> AssetCheckResult:
    """Per source file and date column: dates given (non-blank text) and dates that neither the
    mapping's `date_format` nor ISO reads (`tanggal_sumber` gives NULL, so the row is kept with no
    date), with the first lines holding one and the shapes they are written in (digits as 9,
    letters as A: no value shown)."""
    union = spec.conserved
    rows = union_sql(storage, union)
    unreadable = "nullif(trim({c}), '') IS NOT NULL AND tanggal_sumber(sumber, '{c}', {c}) IS NULL"
    counts = " UNION ALL ".join(
        f"""SELECT sumber, file, '{c}' AS kolom, count(nullif(trim({c}), '')) AS terisi,
                   count(*) FILTER ({unreadable.format(c=c)}) AS tak_terbaca,
                   coalesce(array_to_string(min(baris, 5) FILTER ({unreadable.format(c=c)}), ', '), '') AS baris_contoh
            FROM ({rows}) GROUP BY ALL""" for c in _date_columns(spec))
    shapes = " UNION ALL ".join(
        f"""SELECT sumber, file, '{c}' AS kolom, regexp_replace(regexp_replace({c}, '[0-9]', '9', 'g'), '[^9 ./:-]', 'A', 'g') AS bentuk
            FROM ({rows}) WHERE {unreadable.format(c=c)}""" for c in _date_columns(spec))
    with storage.connect() as con:
        frame = con.execute(f"SELECT * FROM ({counts}) WHERE terisi > 0 ORDER BY ALL", {"periode": periode}).df()
        frame["bentuk"] = ""
        if frame["tak_terbaca"].any():  # the shapes only when there is something to show (a second read)
            top = con.execute(f"""SELECT sumber, file, kolom, string_agg(bentuk || ' (' || n || ')', ', ' ORDER BY n DESC, bentuk) AS bentuk
                                  FROM (FROM (SELECT sumber, file, kolom, bentuk, count(*) AS n FROM ({shapes}) GROUP BY ALL)
                                        QUALIFY row_number() OVER (PARTITION BY sumber, file, kolom ORDER BY n DESC, bentuk) <= 3)
                                  GROUP BY ALL""", {"periode": periode}).df()
            frame = frame.drop(columns="bentuk").merge(top, on=["sumber", "file", "kolom"], how="left").fillna({"bentuk": ""})
    formats = {(r.sumber, r.berkas, r.kolom): r.format for r in lookups(raw.mapping())[1].itertuples()}
    frame.insert(3, "format_pemetaan", [formats.get((r.sumber, union.berkas, r.kolom), "%Y-%m-%d") for r in frame.itertuples()])
    problems = [f"{r.file} {r.kolom}: {r.tak_terbaca} of {r.terisi} dates are not in the mapping's date_format "
                f"{r.format_pemetaan!r} nor YYYY-MM-DD, or before {EARLIEST_DATE[:4]} (written like {r.bentuk}; lines {r.baris_contoh}) and are NULL"
                for r in frame.itertuples() if r.tak_terbaca]
    metadata = {"tanggal_tak_terbaca": int(frame["tak_terbaca"].sum())}
    if len(frame):
        metadata["rincian"] = MetadataValue.md(frame.to_markdown(index=False))
    description = None
    if problems:
        description = ("; ".join(problems) + ". Correct those rows in the source, or the source's date_format in the mapping "
                       "if the whole file is written another way.")
    return AssetCheckResult(passed=not problems, severity=AssetCheckSeverity.WARN, metadata=metadata, description=description)


def _dates_check(spec: StgTable) -> AssetChecksDefinition:
    @asset_check(asset=spec.name, name="tanggal_terbaca", blocking=False,
                 description=f"Every date given in {', '.join(spec.conserved.sources)} ({', '.join(_date_columns(spec))}) is read "
                             "with the mapping's date_format; one that is not becomes NULL in the row, counted here with its file and line.")
    def _check(context: AssetCheckExecutionContext, storage: DuckDBStorage, raw: RawData) -> AssetCheckResult:
        return _unreadable_dates(storage, raw, context.partition_key, spec)

    return _check


standardise_checks = ([_conservation_check(spec) for spec in TABLES] + [_values_check(spec) for spec in TABLES if spec.variables]
                      + [_dates_check(spec) for spec in TABLES if _date_columns(spec)])
