"""Stage `target`: who should receive which programme, and who probably should not.

The programme rules are configuration (`dtsen_pipeline/target/programs.yaml`, or the file named by
$DTSEN_PROGRAM / the `aturan` resource), validated before anything runs and kept per quarter in
`aturan_program`. `status_penerima` resolves every row of the recipient lists to Dukcapil and to a
ranked family and gives it every reason against it; the candidates for verification follow from it
(`kandidat_inclusion_error`, `kandidat_exclusion_error`), the PBI-JK decree lists and recap, the
regency quotas and, in `target_lists.py`, the village workbooks. All set-based, in `sql/target/`.
"""

import pyarrow as pa
from dagster import AssetExecutionContext, ConfigurableResource, MaterializeResult, MetadataValue, asset

from ..partitions import quarterly
from ..privacy import mask_frame
from ..resources import SQL_DIR, DuckDBStorage
from ..target.rules import Rules, load_rules
from .comments import apply_comments
from .golden import previous_quarter

GROUP = "target"


class ProgramRules(ConfigurableResource):
    """Where the programme rules come from: `config_file`, else $DTSEN_PROGRAM, else the built-in
    dtsen_pipeline/target/programs.yaml."""

    config_file: str = ""

    def load(self) -> Rules:
        return load_rules(self.config_file or None)


def sql_file(name: str) -> str:
    return (SQL_DIR / "target" / f"{name}.sql").read_text(encoding="utf-8")


_SCHEMAS = {
    "aturan": pa.schema([("program", pa.string()), ("nama_program", pa.string()), ("satuan", pa.string()),
                         ("desil_dari", pa.int32()), ("desil_sampai", pa.int32()), ("kriteria", pa.list_(pa.string())),
                         ("kriteria_teks", pa.string()), ("segmen_lain", pa.list_(pa.string())), ("segmen_lain_teks", pa.string()),
                         ("daftar_penerima", pa.string()), ("kuota_nasional", pa.int64()), ("urutan_program", pa.int32())]),
    "alasan": pa.schema([("kode", pa.string()), ("prioritas", pa.int32()), ("teks", pa.string()), ("verifikasi", pa.string()),
                         ("pbi_jk", pa.string())]),
    "kriteria_aturan": pa.schema([("kode", pa.string()), ("arti", pa.string())]),
}


def rule_frames(rules: Rules) -> dict[str, pa.Table]:
    """The rules as the tables the stage's SQL joins: «aturan» (programmes), «alasan» (reason codes)
    and «kriteria_aturan» (criteria). Typed explicitly so that empty lists keep their type."""
    rows = {"aturan": rules.program_rows(), "alasan": rules.reason_rows(), "kriteria_aturan": rules.criteria_rows()}
    return {name: pa.Table.from_pylist(rows[name], schema=schema) for name, schema in _SCHEMAS.items()}


def write(context: AssetExecutionContext, storage: DuckDBStorage, rules: Rules, table: str, sql: str, *, comment: bool = True,
          **params) -> int:
    """Replace this quarter's rows of ``table`` (``schema.name``) by the SQL, with the rules'
    tables and parameters available; COMMENTs for published tables."""
    periode = context.partition_key
    rows = storage.replace_partition_from_sql(table, periode, sql, params={"periode": periode, **params},
                                              frames=rule_frames(rules))
    if comment:
        apply_comments(storage, table.split(".")[-1])
    context.log.info("%s %s: %d rows", table, periode, rows)
    return rows


def md(storage: DuckDBStorage, sql: str, periode: str):
    return MetadataValue.md(storage.query(sql, [periode]).to_markdown(index=False))


# --- rules -------------------------------------------------------------------------------------
@asset(group_name=GROUP, partitions_def=quarterly, kinds={"duckdb"},
       description="The programme rules used this quarter (from programs.yaml or the file in $DTSEN_PROGRAM, validated): one row "
                   "per programme with its decile range, criteria, list and national quota, and the rules file's path and sha256; "
                   "also kode_alasan, the meaning, priority and PBI-JK decree reason of every reason code.")
def aturan_program(context: AssetExecutionContext, storage: DuckDBStorage, aturan: ProgramRules) -> MaterializeResult:
    rules = aturan.load()
    rows = write(context, storage, rules, "main.aturan_program", """
        SELECT $periode AS periode, program, nama_program, satuan, $tingkat_desil AS tingkat_desil, desil_dari, desil_sampai,
               kriteria, kriteria_teks, segmen_lain, segmen_lain_teks, daftar_penerima, kuota_nasional,
               $berkas AS berkas_aturan, $sha256 AS sha256_aturan
        FROM aturan""", tingkat_desil=rules.desil, berkas=str(rules.path), sha256=rules.sha256)
    write(context, storage, rules, "main.kode_alasan",
          "SELECT $periode AS periode, kode, prioritas, teks, verifikasi, pbi_jk AS alasan_pbi_jk FROM alasan")
    return MaterializeResult(metadata={
        "program": rows,
        "berkas_aturan": str(rules.path),
        "sha256_aturan": rules.sha256,
        "aturan": md(storage, """SELECT program, satuan, tingkat_desil, desil_dari, desil_sampai, array_to_string(kriteria, ', ') AS kriteria,
                                        daftar_penerima, kuota_nasional FROM main.aturan_program WHERE periode = ? ORDER BY program""",
                     context.partition_key),
    })


# --- recipients --------------------------------------------------------------------------------
def _criteria_sql(rules: Rules, name: str) -> str:
    """A stage SQL file with the rules' criteria compiled in."""
    family_cols = [c for c in rules.used_columns() if c in rules_family_columns()]
    return (sql_file(name)
            .replace("{{kriteria}}", rules.criteria_sql())
            .replace("{{kolom}}", ", ".join(rules.used_columns()) or "(none)")
            .replace("{{kolom_keluarga}}", "".join(f"k.{c} AS {c}, " for c in family_cols)))


def rules_family_columns() -> set[str]:
    from ..sources.variables import catalogue

    return {"jumlah_anggota", *catalogue()["keluarga"]}


@asset(group_name=GROUP, partitions_def=quarterly, deps=[aturan_program, "stg_penerima_bansos", "stg_daftar_negatif", "stg_individu", "individu",
                                                       "keluarga", "peringkat"],
       kinds={"duckdb"},
       description="Exactly one row per row of the quarter's recipient lists (PKH, Sembako, PBI-JK): the NIK resolved to Dukcapil "
                   "(ditemukan, identitas_tidak_cocok, meninggal, tidak_ditemukan; a suggested NIK when one person fits), the family "
                   "and person assessed, their decile, every reason against the row (codes) and its status (layak, "
                   "kandidat_inclusion_error, tanpa_aturan). Builds the working tables target.syarat_individu, "
                   "target.syarat_keluarga and target.kelayakan (eligibility of every family and person per programme).")
def status_penerima(context: AssetExecutionContext, storage: DuckDBStorage, aturan: ProgramRules) -> MaterializeResult:
    rules = aturan.load()
    periode = context.partition_key
    params = rules.params()
    storage.run_sql_file("unify/macros.sql")  # kemiripan_nama
    write(context, storage, rules, "target.syarat_individu", _criteria_sql(rules, "syarat_individu"), comment=False,
          pekerjaan_asn=params["pekerjaan_asn"], pekerjaan_tidak_sesuai=params["pekerjaan_tidak_sesuai"])
    write(context, storage, rules, "target.syarat_keluarga", sql_file("syarat_keluarga").replace("{{desil}}", f"desil_{rules.desil}"),
          comment=False, periode_lalu=previous_quarter(periode))
    write(context, storage, rules, "target.kelayakan", sql_file("kelayakan"), comment=False)
    rows = write(context, storage, rules, "main.status_penerima", sql_file("status_penerima"),
                 batas_kemiripan_nama=params["batas_kemiripan_nama"])
    [(listed,)] = storage.query("SELECT count(*) FROM standardise.stg_penerima_bansos WHERE periode = ?", [periode]).itertuples(index=False)
    preview = storage.query("""SELECT * FROM (SELECT program, nik, nama, status_nik, nik_saran, desil, array_to_string(alasan, ', ') AS alasan
                               FROM main.status_penerima WHERE periode = ? AND status <> 'layak') USING SAMPLE 5 ROWS (reservoir, 7)""",
                            [periode])
    return MaterializeResult(metadata={
        "baris": rows,
        "baris_daftar_penerima": int(listed),
        "ringkasan": md(storage, """SELECT program, status, count(*) AS baris, count(*) FILTER (status_nik = 'tidak_ditemukan') AS nik_tidak_ditemukan,
                                           count(*) FILTER (nik_saran IS NOT NULL) AS dengan_saran_nik
                                    FROM main.status_penerima WHERE periode = ? GROUP BY ALL ORDER BY ALL""", periode),
        "contoh": MetadataValue.md(mask_frame(preview).to_markdown(index=False)),
    })


@asset(group_name=GROUP, partitions_def=quarterly, deps=[status_penerima], kinds={"duckdb"},
       description="Current recipients who probably should not receive, with every reason (codes, and words with the figures behind "
                   "them), what to verify and a priority for verification (1 = first): deceased, NIK not found (with a suggested "
                   "NIK), ASN/TNI/Polri, PPATK online gambling, listed twice, name not matching the NIK, occupation, other JKN "
                   "segment, decile out of range, graduated, criteria not met, family not yet registered.")
def kandidat_inclusion_error(context: AssetExecutionContext, storage: DuckDBStorage, aturan: ProgramRules) -> MaterializeResult:
    rules = aturan.load()
    periode = context.partition_key
    rows = write(context, storage, rules, "main.kandidat_inclusion_error", sql_file("kandidat_inclusion_error"))
    preview = storage.query("""SELECT * FROM (SELECT program, nik, nama, desil, prioritas, alasan_teks FROM main.kandidat_inclusion_error
                               WHERE periode = ?) USING SAMPLE 5 ROWS (reservoir, 7)""", [periode])
    return MaterializeResult(metadata={
        "kandidat": rows,
        "per_alasan": md(storage, """SELECT program, kode AS alasan, count(*) AS kandidat
                                     FROM (SELECT program, unnest(alasan) AS kode FROM main.kandidat_inclusion_error WHERE periode = ?)
                                     GROUP BY ALL ORDER BY ALL""", periode),
        "contoh": MetadataValue.md(mask_frame(preview).to_markdown(index=False)),
    })


@asset(group_name=GROUP, partitions_def=quarterly, deps=[status_penerima], kinds={"duckdb"},
       description="Families (individuals for PBI-JK and ATENSI) that meet a programme's rules and are not on its list, poorest first "
                   "(urutan nationally, urutan_kabupaten in the regency), with the criteria they meet.")
def kandidat_exclusion_error(context: AssetExecutionContext, storage: DuckDBStorage, aturan: ProgramRules) -> MaterializeResult:
    rules = aturan.load()
    periode = context.partition_key
    rows = write(context, storage, rules, "main.kandidat_exclusion_error", sql_file("kandidat_exclusion_error"))
    return MaterializeResult(metadata={
        "kandidat": rows,
        "per_program": md(storage, """SELECT program, satuan, count(*) AS kandidat, min(desil) AS desil_min, max(desil) AS desil_maks
                                      FROM main.kandidat_exclusion_error WHERE periode = ? GROUP BY ALL ORDER BY ALL""", periode),
    })


# --- PBI-JK --------------------------------------------------------------------------------------
@asset(group_name=GROUP, partitions_def=quarterly, deps=[status_penerima], kinds={"duckdb"},
       description="PBI-JK decree candidates: list rows to deactivate under the five decree reasons (NIK tidak ditemukan, meninggal, "
                   "dihapuskan, pindah segmen, pekerjaan tidak sesuai), one reason each, and members' newborns to add.")
def verifikasi_pbi_jk(context: AssetExecutionContext, storage: DuckDBStorage, aturan: ProgramRules) -> MaterializeResult:
    rules = aturan.load()
    periode = context.partition_key
    rows = write(context, storage, rules, "main.verifikasi_pbi_jk", sql_file("verifikasi_pbi_jk"),
                 bayi_baru_lahir_bulan=rules.params()["bayi_baru_lahir_bulan"])
    return MaterializeResult(metadata={
        "baris": rows,
        "ringkasan": md(storage, """SELECT jenis, alasan_nonaktif, count(*) AS baris FROM main.verifikasi_pbi_jk WHERE periode = ?
                                    GROUP BY ALL ORDER BY ALL""", periode),
    })


@asset(group_name=GROUP, partitions_def=quarterly, deps=[verifikasi_pbi_jk], kinds={"duckdb"},
       description="PBI-JK recap of the quarter per regency and in total (SEMUA), like the monthly decree tables: registered, active, "
                   "non-active, proposed deactivations by reason, newborns, active after the proposals.")
def rekap_pbi_jk(context: AssetExecutionContext, storage: DuckDBStorage, aturan: ProgramRules) -> MaterializeResult:
    rules = aturan.load()
    periode = context.partition_key
    rows = write(context, storage, rules, "main.rekap_pbi_jk", sql_file("rekap_pbi_jk"))
    return MaterializeResult(metadata={
        "baris": rows,
        "rekap": md(storage, "SELECT * EXCLUDE (periode) FROM main.rekap_pbi_jk WHERE periode = ? ORDER BY kode_kabupaten = 'SEMUA', "
                             "kode_kabupaten", periode),
    })


# --- quotas --------------------------------------------------------------------------------------
@asset(group_name=GROUP, partitions_def=quarterly, deps=[status_penerima, kandidat_exclusion_error], kinds={"duckdb"},
       description="Each programme's national quota scaled to the population the data covers and shared among regencies by their "
                   "share of the poor population (the programme's decile range); per regency: quota, current recipients, over or "
                   "under quota, eligible non-recipients.")
def kuota_program(context: AssetExecutionContext, storage: DuckDBStorage, aturan: ProgramRules) -> MaterializeResult:
    rules = aturan.load()
    periode = context.partition_key
    rows = write(context, storage, rules, "main.kuota_program", sql_file("kuota_program"),
                 penduduk_nasional=rules.params()["penduduk_nasional"])
    return MaterializeResult(metadata={
        "baris": rows,
        "per_program": md(storage, """SELECT program, satuan, any_value(kuota_data) AS kuota_data, sum(kuota) AS kuota, sum(penerima) AS penerima,
                                             count(*) FILTER (status_kuota = 'di atas kuota') AS kabupaten_di_atas_kuota
                                      FROM main.kuota_program WHERE periode = ? GROUP BY ALL ORDER BY ALL""", periode),
    })


target_assets = [aturan_program, status_penerima, kandidat_inclusion_error, kandidat_exclusion_error, verifikasi_pbi_jk, rekap_pbi_jk,
                 kuota_program]
