"""Stage `standardise`: one canonical schema in DuckDB for every source.

`stg_individu` holds every person record of Dukcapil, DTKS, P3KE and REGSOSEK for the quarter:
typed, codes decoded through the mapping, standardised name beside the raw one, NIK decoded and
checked against the record, region codes in Kemendagri coding. `stg_keluarga` holds every family
record of DTKS, P3KE and REGSOSEK with its housing and asset variables.
"""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..partitions import quarterly
from ..privacy import mask_frame
from ..resources import SQL_DIR, DuckDBStorage, RawData
from ..sources.mapping import date_macro_sql, lookups
from .ingest import read_asset_name

GROUP = "standardise"
PERSON_SOURCES = ("dukcapil", "dtks", "p3ke", "regsosek")
FAMILY_SOURCES = ("dtks", "p3ke", "regsosek")
MACROS = ("standardise/nama_baku.sql", "standardise/nik.sql")


def _prepare(raw: RawData, storage: DuckDBStorage):
    """Install the macros (name standardisation, NIK decoding, the mapping's date formats) and
    return the mapping's code table."""
    for macro in MACROS:
        storage.run_sql_file(macro)
    peta_kode, peta_tanggal = lookups(raw.mapping())
    with storage.connect() as con:
        con.execute(date_macro_sql(peta_tanggal))
    return peta_kode


@asset(
    group_name=GROUP,
    partitions_def=quarterly,
    deps=[read_asset_name(s) for s in (*PERSON_SOURCES, "wilayah")],
    kinds={"duckdb"},
    description="One row per source person record of the quarter (dukcapil, dtks, p3ke, regsosek): "
    "identity typed and standardised (nama_baku), NIK decoded (nik_bentuk, nik_tgl_lahir, nik_jenis_kelamin) "
    "and checked against the record, region in Kemendagri codes (REGSOSEK's BPS codes crosswalked).",
)
def stg_individu(context: AssetExecutionContext, raw: RawData, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    peta_kode = _prepare(raw, storage)
    rows = storage.replace_partition_from_sql(
        "main.stg_individu", periode, (SQL_DIR / "standardise" / "stg_individu.sql").read_text(encoding="utf-8"),
        params={"periode": periode}, frames={"peta_kode": peta_kode})
    summary = storage.query(
        """SELECT sumber, count(*) AS baris, count(*) FILTER (nik_bentuk <> 'ok') AS nik_tidak_layak,
                  count(*) FILTER (NOT nik_cocok_tgl_lahir) AS nik_beda_tgl_lahir,
                  count(*) FILTER (NOT nik_cocok_jenis_kelamin) AS nik_beda_jenis_kelamin,
                  count(*) FILTER (tgl_lahir IS NULL) AS tgl_lahir_kosong, count(*) FILTER (NOT kode_desa_dikenal) AS desa_tak_dikenal
           FROM main.stg_individu WHERE periode = ? GROUP BY 1 ORDER BY 1""", [periode])
    preview = storage.query("SELECT sumber, id_sumber, nik, nik_bentuk, nama, nama_baku, tgl_lahir, jenis_kelamin, kode_desa "
                            "FROM main.stg_individu WHERE periode = ? USING SAMPLE 5 ROWS (reservoir, 7)", [periode])
    context.log.info("stg_individu %s: %d rows", periode, rows)
    return MaterializeResult(metadata={
        "baris": rows,
        "per_sumber": MetadataValue.md(summary.to_markdown(index=False)),
        "contoh": MetadataValue.md(mask_frame(preview).to_markdown(index=False)),
    })


@asset(
    group_name=GROUP,
    partitions_def=quarterly,
    deps=[read_asset_name(s) for s in (*FAMILY_SOURCES, "wilayah")],
    kinds={"duckdb"},
    description="One row per source family record of the quarter (dtks, p3ke, regsosek): KK, head "
    "(nama_kepala_baku), region in Kemendagri codes, verification date, P3KE's own desil, and the housing, "
    "asset and livestock variables as the source gives them.",
)
def stg_keluarga(context: AssetExecutionContext, raw: RawData, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    _prepare(raw, storage)
    rows = storage.replace_partition_from_sql(
        "main.stg_keluarga", periode, (SQL_DIR / "standardise" / "stg_keluarga.sql").read_text(encoding="utf-8"),
        params={"periode": periode})
    summary = storage.query(
        """SELECT sumber, count(*) AS baris, count(*) FILTER (no_kk_bentuk <> 'ok') AS kk_tidak_layak,
                  count(*) FILTER (NOT kode_desa_dikenal) AS desa_tak_dikenal, min(tgl_pendataan) AS pendataan_awal,
                  max(tgl_pendataan) AS pendataan_akhir
           FROM main.stg_keluarga WHERE periode = ? GROUP BY 1 ORDER BY 1""", [periode])
    context.log.info("stg_keluarga %s: %d rows", periode, rows)
    return MaterializeResult(metadata={"baris": rows, "per_sumber": MetadataValue.md(summary.to_markdown(index=False))})
