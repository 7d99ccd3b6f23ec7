"""Stage `standardise`: one canonical schema in DuckDB for every source.

Each table here is one SQL file under sql/standardise/ run over the text tables of stage `sources`
and replaced per quarter in one transaction. The SQL reads the sources through placeholders
(`{{individu}}`, `{{keluarga}}`, ...) that this module fills with a UNION of the sources' text
tables giving every expected column (NULL where a mapping leaves an optional column out), and
`{{variabel}}` with the typed variables of variables.yaml, so the tables have the same columns
whatever the extracts look like.
"""

from dataclasses import dataclass, field

from dagster import AssetExecutionContext, AssetsDefinition, Failure, MaterializeResult, MetadataValue, asset

from ..partitions import quarterly
from ..privacy import mask_frame
from ..resources import SQL_DIR, DuckDBStorage, RawData, transaction
from ..sources.mapping import code_macro_sql, date_macro_sql, lookups
from ..sources.variables import catalogue, typed_projection
from .comments import apply_comments, qualified
from .ingest import read_asset_name, text_table

GROUP = "standardise"
PERSON_SOURCES = ("dukcapil", "dtks", "p3ke", "regsosek")
FAMILY_SOURCES = ("dtks", "p3ke", "regsosek")
PROGRAM_SOURCES = ("penerima_pkh", "penerima_sembako", "penerima_pbi_jk")
NEGATIVE_SOURCES = ("negatif_asn", "negatif_ppatk")
MACROS = ("standardise/nama_baku.sql", "standardise/nik.sql", "standardise/nilai.sql")

PERSON_COLUMNS = ["id_sumber", "id_keluarga_sumber", "nik", "no_kk", "nama", "tgl_lahir", "jenis_kelamin", "hubungan_keluarga",
                  "pekerjaan", "kode_desa", "alamat", "rt", "rw", "status_hidup", "tgl_meninggal"]
FAMILY_COLUMNS = ["id_keluarga_sumber", "no_kk", "nama_kepala", "kode_desa", "alamat", "rt", "rw", "tgl_pendataan", "desil_p3ke"]


@dataclass(frozen=True)
class Union:
    """A placeholder of the SQL filled by the UNION of some sources' text tables of one kind."""
    placeholder: str
    berkas: str
    sources: tuple[str, ...]
    columns: list[str]


@dataclass(frozen=True)
class StgTable:
    name: str
    description: str
    unions: tuple[Union, ...]
    variables: str | None = None  # level in variables.yaml typed into {{variabel}}
    alias: str = "b"  # the SQL's alias of the row the variables are read from
    summary: str | None = None  # SELECT ... FROM {table} WHERE periode = ? GROUP BY ... for the metadata
    preview: list[str] = field(default_factory=list)

    @property
    def table(self) -> str:
        """Where the table lives: the `stg_*` working tables in schema `standardise`, the region
        reference `wilayah` (which analysts join) in `main` (sql/standardise/comments.yaml)."""
        return qualified(self.name)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for u in self.unions for s in u.sources))

    @property
    def conserved(self) -> Union:
        """The union whose rows the table holds one for one (its first)."""
        return self.unions[0]


def _variables(level: str) -> list[str]:
    return list(catalogue()[level])


TABLES = (
    StgTable(
        "stg_individu",
        "One row per source person record of the quarter (dukcapil, dtks, p3ke, regsosek): identity typed and "
        "standardised (nama_baku), NIK decoded (nik_bentuk, nik_tgl_lahir, nik_jenis_kelamin) and checked against the "
        "record, region in Kemendagri codes (REGSOSEK's BPS codes crosswalked), individual variables typed.",
        (Union("individu", "individu", PERSON_SOURCES, PERSON_COLUMNS + _variables("individu")),
         Union("keluarga", "keluarga", FAMILY_SOURCES, ["id_keluarga_sumber", "kode_desa", "alamat", "no_kk"])),
        variables="individu",
        summary="""SELECT sumber, count(*) AS baris, count(*) FILTER (nik_bentuk <> 'ok') AS nik_tidak_layak,
                  count(*) FILTER (NOT nik_cocok_tgl_lahir) AS nik_beda_tgl_lahir,
                  count(*) FILTER (NOT nik_cocok_jenis_kelamin) AS nik_beda_jenis_kelamin,
                  count(*) FILTER (tgl_lahir IS NULL) AS tgl_lahir_kosong, count(*) FILTER (NOT kode_desa_dikenal) AS desa_tak_dikenal
                  FROM {table} WHERE periode = ? GROUP BY 1 ORDER BY 1""",
        preview=["sumber", "id_sumber", "nik", "nik_bentuk", "nama", "nama_baku", "tgl_lahir", "jenis_kelamin", "kode_desa"],
    ),
    StgTable(
        "stg_keluarga",
        "One row per source family record of the quarter (dtks, p3ke, regsosek): KK, head (nama_kepala_baku), region "
        "in Kemendagri codes, verification date, P3KE's own desil, and the housing, asset and livestock variables typed.",
        (Union("keluarga", "keluarga", FAMILY_SOURCES, FAMILY_COLUMNS + _variables("keluarga")),),
        variables="keluarga",
        summary="""SELECT sumber, count(*) AS baris, count(*) FILTER (no_kk_bentuk <> 'ok') AS kk_tidak_layak,
                  count(*) FILTER (NOT kode_desa_dikenal) AS desa_tak_dikenal, min(tgl_pendataan) AS pendataan_awal,
                  max(tgl_pendataan) AS pendataan_akhir FROM {table} WHERE periode = ? GROUP BY 1 ORDER BY 1""",
        preview=["sumber", "id_keluarga_sumber", "no_kk", "nama_kepala_baku", "kode_desa", "tgl_pendataan"],
    ),
    StgTable(
        "stg_penerima_bansos",
        "One row per row of each programme's recipient list of the quarter (PKH, Sembako, PBI-JK): NIK classified and "
        "decoded, name standardised, region in Kemendagri codes.",
        (Union("penerima", "penerima", PROGRAM_SOURCES,
               ["id_sumber", "nik", "no_kk", "nama", "tgl_lahir", "jenis_kelamin", "kode_desa", "kode_kabupaten", "komponen",
                "status_kepesertaan"]),),
        summary="""SELECT program, count(*) AS baris, count(*) FILTER (nik_bentuk <> 'ok') AS nik_tidak_layak,
                  count(*) FILTER (NOT wilayah_dikenal) AS wilayah_tak_dikenal FROM {table} WHERE periode = ? GROUP BY 1 ORDER BY 1""",
        preview=["program", "id_sumber", "nik", "nik_bentuk", "nama_baku", "kode_kabupaten"],
    ),
    StgTable(
        "stg_daftar_negatif",
        "One row per row of each negative list of the quarter: ASN/TNI/Polri payroll and the PPATK online-gambling list.",
        (Union("daftar", "daftar", NEGATIVE_SOURCES, ["nik", "nip", "nama", "kategori", "instansi", "tgl_mulai", "tgl_laporan"]),),
        summary="""SELECT daftar, kategori, count(*) AS baris, count(*) FILTER (nik_bentuk <> 'ok') AS nik_tidak_layak
                  FROM {table} WHERE periode = ? GROUP BY ALL ORDER BY ALL""",
        preview=["daftar", "nik", "nama_baku", "kategori", "tgl_berlaku"],
    ),
    StgTable(
        "stg_survei",
        "One row per surveyed family (the Susenas-like sample that trains the PMT): measured per-capita consumption, "
        "weight, region crosswalked from BPS to Kemendagri codes, family variables typed.",
        (Union("keluarga", "keluarga", ("survei",),
               ["id_sumber", "kode_kabupaten", "kode_kecamatan", "perkotaan", "jumlah_anggota", "konsumsi_per_kapita", "bobot"]
               + _variables("keluarga")),),
        variables="keluarga",
        alias="m",
        summary="""SELECT kode_kabupaten, count(*) AS keluarga, round(sum(bobot)) AS keluarga_tertimbang,
                  round(median(konsumsi_per_kapita)) AS median_konsumsi_per_kapita FROM {table} WHERE periode = ? GROUP BY 1 ORDER BY 1""",
    ),
    StgTable(
        "stg_survei_anggota",
        "One row per member of a surveyed family: sex, age, relationship and the individual variables typed.",
        (Union("anggota", "anggota", ("survei",),
               ["id_sumber", "nomor_anggota", "hubungan_keluarga", "jenis_kelamin", "umur", "pekerjaan"] + _variables("individu")),),
        variables="individu",
        alias="m",
    ),
    StgTable(
        "wilayah",
        "Region reference of the quarter: province, regency, kecamatan and village in Kemendagri codes with their "
        "BPS codes (the crosswalk for REGSOSEK and the survey) and names.",
        (Union("referensi", "referensi", ("wilayah",), ["kode", "nama", "tingkat", "kode_bps", "kode_induk"]),),
        summary="SELECT tingkat, count(*) AS wilayah FROM {table} WHERE periode = ? GROUP BY 1 ORDER BY 1",
        preview=["kode", "nama", "tingkat", "kode_bps"],
    ),
)
BY_NAME = {t.name: t for t in TABLES}


def union_sql(storage: DuckDBStorage, union: Union) -> str:
    """``SELECT sumber, file, baris, <columns>`` over the text tables of ``union``, NULL for a
    column a table lacks; a text table that does not exist is an error naming the read asset."""
    frame = storage.query("SELECT table_name, list(column_name) AS columns FROM information_schema.columns "
                          "WHERE table_schema = 'sources' GROUP BY 1")
    available = {r.table_name: set(r.columns) for r in frame.itertuples()}
    selects = []
    for source in union.sources:
        table = text_table(source, union.berkas)
        have = available.get(table.split(".", 1)[1])
        if have is None:
            raise Failure(description=f"{table} does not exist yet: materialise {read_asset_name(source)} for this quarter first.")
        columns = ", ".join(c if c in have else f"NULL::VARCHAR AS {c}" for c in union.columns)
        selects.append(f"SELECT '{source}' AS sumber, file, baris, {columns} FROM {table} WHERE periode = $periode")
    return "\n    UNION ALL\n    ".join(selects)


def render_sql(storage: DuckDBStorage, spec: StgTable) -> str:
    """The table's SQL file with its placeholders filled."""
    sql = (SQL_DIR / "standardise" / f"{spec.name}.sql").read_text(encoding="utf-8")
    for union in spec.unions:
        sql = sql.replace("{{" + union.placeholder + "}}", union_sql(storage, union))
    if spec.variables:
        sql = sql.replace("{{variabel}}", typed_projection(spec.variables, spec.alias))
    if "{{" in sql:
        raise ValueError(f"sql/standardise/{spec.name}.sql: a placeholder is left unfilled")
    return sql


def prepare(raw: RawData, storage: DuckDBStorage) -> None:
    """Install the macros: the mapping's codes (kode_sumber) and date formats (tanggal_sumber)
    first, then the files that build on them (name standardisation, NIK decoding, value typing)."""
    peta_kode, peta_tanggal = lookups(raw.mapping())
    with storage.connect() as con:
        con.execute(code_macro_sql(peta_kode))
        con.execute(date_macro_sql(peta_tanggal))
    for macro in MACROS:
        storage.run_sql_file(macro)


def move_to_own_schema(storage: DuckDBStorage, spec: StgTable) -> None:
    """A database built before the working tables had their own schema holds ``main.<name>``:
    move it, rows of every quarter included, to ``spec.table`` in one transaction (once)."""
    schema = spec.table.split(".")[0]
    if schema == "main":
        return
    with storage.connect() as con:
        old = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                          "AND schema_name = 'main' AND table_name = ?", [spec.name]).fetchall()[0][0]
        if not old:
            return
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        with transaction(con):
            con.execute(f"CREATE TABLE IF NOT EXISTS {spec.table} AS FROM main.{spec.name} LIMIT 0")
            con.execute(f"INSERT INTO {spec.table} BY NAME FROM main.{spec.name} "  # a quarter already rebuilt there wins
                        f"WHERE periode NOT IN (SELECT DISTINCT periode FROM {spec.table})")
            con.execute(f"DROP TABLE main.{spec.name}")


def _build(spec: StgTable) -> AssetsDefinition:
    @asset(name=spec.name, group_name=GROUP, partitions_def=quarterly, kinds={"duckdb"}, description=spec.description,
           deps=[read_asset_name(s) for s in (*spec.sources, "wilayah")] if spec.name != "wilayah" else [read_asset_name("wilayah")])
    def _asset(context: AssetExecutionContext, raw: RawData, storage: DuckDBStorage) -> MaterializeResult:
        periode = context.partition_key
        prepare(raw, storage)
        move_to_own_schema(storage, spec)
        rows = storage.replace_partition_from_sql(spec.table, periode, render_sql(storage, spec), params={"periode": periode})
        apply_comments(storage, spec.name)
        context.log.info("%s %s: %d rows", spec.name, periode, rows)
        metadata: dict = {"baris": rows}
        if spec.summary:
            metadata["ringkasan"] = MetadataValue.md(storage.query(spec.summary.format(table=spec.table), [periode]).to_markdown(index=False))
        if spec.preview:
            preview = storage.query(f"SELECT * FROM (SELECT {', '.join(spec.preview)} FROM {spec.table} WHERE periode = ?) "
                                    "USING SAMPLE 5 ROWS (reservoir, 7)", [periode])
            metadata["contoh"] = MetadataValue.md(mask_frame(preview).to_markdown(index=False))
        return MaterializeResult(metadata=metadata)

    return _asset


standardise_assets = [_build(spec) for spec in TABLES]
stg_individu, stg_keluarga, stg_penerima_bansos, stg_daftar_negatif, stg_survei, stg_survei_anggota, wilayah = standardise_assets
