"""Stage `unify`, golden records: one row per person (`individu`) and per family card
(`keluarga`) of the quarter, anchored on Dukcapil, with stable ids and the socio-economic
variables from the freshest source; the duplicates found (`duplikat`); and the records not matched
with certainty, kept for verification in the village (`verifikasi_padan`)."""

import datetime as dt

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..partitions import quarterly
from ..privacy import mask_frame
from ..resources import DuckDBStorage, PartitionWrite
from ..sources.variables import plain_projection
from .comments import apply_comments
from .unify import GROUP, padan_dukcapil, sql_file


def previous_quarter(periode: str) -> str:
    day = dt.date.fromisoformat(periode)
    month = day.month - 3
    return (dt.date(day.year - 1, month + 12, 1) if month < 1 else dt.date(day.year, month, 1)).isoformat()


def _sql(name: str, level: str | None = None) -> str:
    """The stage's SQL file, with the variables of ``level`` (taken from the row alias t) filled in."""
    sql = sql_file(name)
    return sql.replace("{{variabel}}", plain_projection(level, "t")) if level else sql


def _write(context: AssetExecutionContext, storage: DuckDBStorage, name: str, sql: str, summary: str, **params) -> dict:
    periode = context.partition_key
    rows = storage.replace_partition_from_sql(f"main.{name}", periode, sql, params={"periode": periode, **params})
    return _written(context, storage, name, rows, summary)


def _written(context: AssetExecutionContext, storage: DuckDBStorage, name: str, rows: int, summary: str) -> dict:
    """After main.<name>'s partition was written: its comments, a log line and the metadata (rows, summary)."""
    periode = context.partition_key
    apply_comments(storage, name)
    context.log.info("%s %s: %d rows", name, periode, rows)
    return {"baris": rows, "ringkasan": MetadataValue.md(storage.query(summary, [periode]).to_markdown(index=False))}


@asset(group_name=GROUP, partitions_def=quarterly, deps=[padan_dukcapil, "stg_keluarga"], kinds={"duckdb"},
       description="One row per living Dukcapil person of the quarter: stable id_individu, identity from Dukcapil, presence in "
                   "DTKS/P3KE/REGSOSEK, individual variables from the freshest matched source record (with provenance). A living "
                   "person whose Dukcapil NIK cannot identify them (missing, placeholder, mangled) goes to ditolak (tahap tunggal).")
def individu(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    storage.run_sql_file("unify/macros.sql")  # nik_dukcapil_layak
    storage.run_sql_file("sources/ditolak.sql")
    # the people left out and the table they are left out of, in one transaction
    rejected, rows = storage.replace_partitions_from_sql(periode, [
        PartitionWrite("main.ditolak", _sql("individu_ditolak"), where={"tahap": "tunggal", "sumber": "dukcapil"}),
        PartitionWrite("main.individu", _sql("individu", "individu"))], params={"periode": periode})
    apply_comments(storage, "ditolak")
    if rejected:
        context.log.warning("individu %s: %d living Dukcapil rows whose NIK cannot identify the person, in ditolak (tahap tunggal)",
                            periode, rejected)
    metadata = _written(context, storage, "individu", rows, """
        SELECT kode_kabupaten, count(*) AS individu, count(*) FILTER (ada_di_dtks) AS di_dtks, count(*) FILTER (ada_di_p3ke) AS di_p3ke,
               count(*) FILTER (ada_di_regsosek) AS di_regsosek, count(*) FILTER (sumber_variabel IS NULL) AS tanpa_variabel,
               count(*) FILTER (nik_bentuk <> 'ok') AS nik_tanggal_mustahil, count(*) FILTER (no_kk_bentuk <> 'ok') AS kk_tidak_layak
        FROM main.individu WHERE periode = ? GROUP BY 1 ORDER BY 1""")
    metadata["ditolak"] = rejected
    return MaterializeResult(metadata=metadata)


@asset(group_name=GROUP, partitions_def=quarterly, deps=[individu, "wilayah"], kinds={"duckdb"},
       description="One row per Dukcapil family card (KK) of the quarter: stable id_keluarga (id_keluarga_asal for a split), "
                   "region codes and names, head, members, housing and assets from the freshest source (with provenance); "
                   "status_data belum_terdata when no source describes the family. A person whose KK number is not usable "
                   "(no_kk_bentuk: missing, placeholder, mangled) is a family alone, counted as kk_tidak_layak.")
def keluarga(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    metadata = _write(context, storage, "keluarga", _sql("keluarga", "keluarga"), """
        SELECT kode_kabupaten, count(*) AS keluarga, sum(jumlah_anggota) AS individu,
               count(*) FILTER (status_data = 'belum_terdata') AS belum_terdata, count(*) FILTER (id_keluarga_asal IS NOT NULL) AS pecahan,
               count(*) FILTER (no_kk_bentuk <> 'ok') AS kk_tidak_layak
        FROM main.keluarga WHERE periode = ? GROUP BY 1 ORDER BY 1""", periode_lalu=previous_quarter(periode))
    return MaterializeResult(metadata=metadata)


@asset(group_name=GROUP, partitions_def=quarterly, deps=[individu], kinds={"duckdb"},
       description="Source person records that are another record of the same person (inside a source or across sources), "
                   "with the record kept and why; clusters are anchored on the Dukcapil NIK, so they cannot chain.")
def duplikat(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    metadata = _write(context, storage, "duplikat", _sql("duplikat"), """
        SELECT jenis, sumber, count(*) AS rekaman FROM main.duplikat WHERE periode = ? GROUP BY ALL ORDER BY ALL""")
    return MaterializeResult(metadata=metadata)


@asset(group_name=GROUP, partitions_def=quarterly, deps=[padan_dukcapil], kinds={"duckdb"},
       description="Source person records not matched to Dukcapil with certainty (tidak_padan, perlu_verifikasi): kept, with "
                   "identity, region and the reason, for verification in the village.")
def verifikasi_padan(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    metadata = _write(context, storage, "verifikasi_padan", _sql("verifikasi_padan"), """
        SELECT sumber, status_padan, count(*) AS rekaman FROM main.verifikasi_padan WHERE periode = ? GROUP BY ALL ORDER BY ALL""")
    preview = storage.query("SELECT * FROM (SELECT sumber, nik, nama, tgl_lahir, kode_desa, status_padan, alasan FROM main.verifikasi_padan "
                            "WHERE periode = ?) USING SAMPLE 5 ROWS (reservoir, 7)", [periode])
    metadata["contoh"] = MetadataValue.md(mask_frame(preview).to_markdown(index=False))
    return MaterializeResult(metadata=metadata)


golden_assets = [individu, keluarga, duplikat, verifikasi_padan]
