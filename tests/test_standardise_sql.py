"""Name standardisation and NIK decoding macros (sql/standardise/*.sql) on crafted values and on
the synthetic world's injected name variants."""

import datetime as dt

import duckdb
import pytest

from dtsen_pipeline.resources import SQL_DIR
from dtsen_pipeline.synthetic.names import VARIANT_EXAMPLES


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute("CREATE MACRO kode_sumber(sumber, kolom, teks) AS CAST(NULL AS VARCHAR)")  # the mapping's, for nilai.sql
    for name in ("nama_baku.sql", "nik.sql", "nilai.sql"):
        con.execute((SQL_DIR / "standardise" / name).read_text())
    yield con
    con.close()


def one(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()[0][0]


@pytest.mark.parametrize(("typed", "standard"), VARIANT_EXAMPLES)
def test_real_world_name_variants(con, typed, standard):
    assert one(con, "SELECT nama_baku(?)", typed) == standard


@pytest.mark.parametrize("name", ["HARTONO", "JOKO WIDODO", "JUMADI", "RINI", "SITI AMINAH", "MUHAMMAD RIDWAN", "YOHANES BENU", "SRI"])
def test_modern_names_are_left_alone(con, name):
    assert one(con, "SELECT nama_baku(?)", name) == name


@pytest.mark.parametrize(("typed", "standard"), [
    # an initial and a short surname (NTT, Java) are no degree: dropping them made different people one name
    ("YOSEF S. NAI", "YOSEF S NAI"), ("Maria S. Klau", "MARIA S KLAU"), ("BUDI M. ALI", "BUDI M ALI"),
    ("AGUS S. JAYA", "AGUS S JAYA"),
    # degrees with the codes they have still go, dotted or spaced
    ("BUDI S. KOM", "BUDI"), ("RINA S.PD.I", "RINA"), ("ANI A.MD.KEB.", "ANI"), ("YOSEF NAI S.E. M.SI.", "YOSEF NAI"),
])
def test_initials_at_the_end_are_not_degrees(con, typed, standard):
    assert one(con, "SELECT nama_baku(?)", typed) == standard


@pytest.mark.parametrize(("one_way", "other_way"), [
    ("MA'RUF AMIN", "MARUF AMIN"), ("Jum’at", "JUMAT"),       # an apostrophe joins, it does not split a word
    ("ABD ROHIM", "ABD. ROHIM"), ("ABD ROHIM", "ABDUL ROHIM"),
])
def test_spellings_of_one_name_agree(con, one_way, other_way):
    assert one(con, "SELECT nama_baku(?)", one_way) == one(con, "SELECT nama_baku(?)", other_way)


def test_empty_names_become_null(con):
    assert one(con, "SELECT nama_baku(?)", " . ") is None
    assert one(con, "SELECT nama_baku(NULL)") is None


@pytest.mark.parametrize(("nik", "bentuk", "lahir", "jk"), [
    ("3403014703850001", "ok", dt.date(1985, 3, 7), "P"),
    ("3403010703850001", "ok", dt.date(1985, 3, 7), "L"),
    ("3403010703250001", "ok", dt.date(2025, 3, 7), "L"),     # not after the reference date: 2025
    ("3403010709250001", "ok", dt.date(1925, 9, 7), "L"),     # after it: 1925
    ("3403013102850001", "ok", None, "L"),                    # 31 February does not exist
    ("3.40301E+15", "notasi_ilmiah", None, None),
    ("0000000000000000", "placeholder", None, None),
    ("1234567890123456", "placeholder", None, None),
    ("3403014703850000", "placeholder", dt.date(1985, 3, 7), "P"),  # serial 0000 never issued
    ("340301470385000", "bukan_16_digit", None, None),
    ("3403013502850001", "tanggal_mustahil", None, None),
    ("-", "kosong", None, None),
    (None, "kosong", None, None),
])
def test_nik_decoding(con, nik, bentuk, lahir, jk):
    got = con.execute("SELECT nik_bentuk(?), nik_tgl_lahir(?, DATE '2025-07-01'), nik_jenis_kelamin(?)", [nik] * 3).fetchall()[0]
    assert got[0] == bentuk
    if bentuk in ("ok", "placeholder") and len(nik or "") == 16 and nik[6:8].isdigit() and int(nik[6:8]) <= 71:
        assert got[1] == lahir and got[2] == jk


@pytest.mark.parametrize(("written", "kept", "bentuk"), [
    ("'3403146007670001", "3403146007670001", "ok"),         # Excel's text marker, typed in by hand
    ("3403.1405.0943.0001", "3403140509430001", "ok"),       # grouped as on a printed card
    ("3401 0455 1224 0001", "3401045512240001", "ok"),
    ("3403-1405-0943-0001", "3403140509430001", "ok"),
    (" 3403014703850001 ", "3403014703850001", "ok"),
    ("'340301470385000", "'340301470385000", "bukan_16_digit"),   # 15 digits stay what they are
    ("3403 0147 0385 00011", "3403 0147 0385 00011", "bukan_16_digit"),
    ("3,40301E+15", "3,40301E+15", "notasi_ilmiah"),          # a decimal-comma spreadsheet
    ("NIK 3403014703850001", "NIK 3403014703850001", "bukan_16_digit"),
    ("", None, "kosong"),
])
def test_nik_written_with_separators_is_kept_as_its_16_digits(con, written, kept, bentuk):
    assert con.execute("SELECT nik_baku(?), nik_bentuk(nik_baku(?))", [written, written]).fetchall()[0] == (kept, bentuk)


@pytest.mark.parametrize(("lahir", "umur"), [
    ("2019-12-31", 5), ("2020-01-01", 5), ("2020-01-02", 4),
    ("2025-01-01", 0), ("2025-02-15", 0), ("2025-03-31", 0),    # born in the quarter: in the extract, age 0
    ("2025-04-01", None),                                        # after the quarter: an error, no age
])
def test_age_on_the_quarter_counts_a_child_born_during_it(con, lahir, umur):
    assert one(con, "SELECT umur_kuartal(CAST(? AS DATE), '2025-01-01')", lahir) == umur


def test_a_nik_of_a_child_born_during_the_quarter_is_read_in_this_century(con):
    # born 15 February 2025, a girl (55 = 15 + 40), in the extract of the quarter starting 1 January
    assert one(con, "SELECT nik_tgl_lahir('3401075502250001', akhir_kuartal('2025-01-01'))") == dt.date(2025, 2, 15)
    assert one(con, "SELECT akhir_kuartal('2025-10-01')") == dt.date(2025, 12, 31)


@pytest.mark.parametrize(("written", "number"), [
    ("890000", 890000), ("890.000", 890000), ("14.280.000", 14280000), ("850,000", 850000),
    ("1 500 000", 1500000), ("36,5", 36.5), ("36.5", 36.5), ("1.500,50", 1500.5), ("1,500.50", 1500.5),
    ("0.500", 0.5), ("-12", -12), (" 7 ", 7), ("1.250", 1250), ("1,000,000", 1000000),
    # what a program wrote (a Parquet double cast to text) never ends its decimals with a 0
    ("45.125", 45.125), ("1500000.0", 1500000), ("2.751", 2.751), ("1,25", 1.25),
    ("abc", None), ("nan", None), ("inf", None), ("1.000.5", None), ("", None),
])
def test_numbers_as_indonesian_and_english_spreadsheets_write_them(con, written, number):
    # a turnover of 890.000 rupiah is 890 thousand, not 890 (the PMT would see a poorer family)
    assert one(con, "SELECT angka(?)", written) == number


def _nik_birth_rule(day: int, month: int, yy: int, on: dt.date) -> dt.date | None:
    """The documented rule, written plainly: the date in 20yy when it exists and is not after the
    reference date, else the date in 19yy (None when that does not exist either)."""
    def date(year):
        try:
            return dt.date(year, month, day % 40)
        except ValueError:
            return None
    recent = date(2000 + yy)
    return recent if recent is not None and recent <= on else date(1900 + yy)


def test_nik_birth_date_follows_the_rule_for_every_ddmmyy(con):
    """Every day 00-79, month 00-13 and year 00-99 a NIK can hold, on reference dates around
    leap days and century turns: the macro gives what the rule gives, and the agreement with a
    recorded date compares day, month and the year's last two digits."""
    references = [dt.date(2025, 1, 1), dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2000, 2, 28), dt.date(2000, 3, 1),
                  dt.date(2099, 12, 31)]
    got = con.execute("""
        SELECT d.dd, d.mm, d.yy, r.pada, nik_tgl_lahir('340301' || lpad(d.dd::VARCHAR, 2, '0') || lpad(d.mm::VARCHAR, 2, '0')
                                                       || lpad(d.yy::VARCHAR, 2, '0') || '0001', r.pada)
        FROM (SELECT a.range AS dd, b.range AS mm, c.range AS yy FROM range(0, 80) a, range(0, 14) b, range(0, 100) c) d,
             (SELECT unnest(?::DATE[]) AS pada) r""", [references]).fetchall()
    assert len(got) == 80 * 14 * 100 * len(references)
    wrong = [row for row in got if row[4] != _nik_birth_rule(row[0], row[1], row[2], row[3])]
    assert not wrong, wrong[:5]
    assert sum(row[4] is not None for row in got) > 100_000  # the grid holds real dates, not only NULLs
    pairs = [(dt.date(1985, 3, 7), dt.date(1985, 3, 7), True), (dt.date(2020, 3, 7), dt.date(1920, 3, 7), True),
             (dt.date(1985, 3, 7), dt.date(1985, 7, 3), False), (dt.date(1985, 3, 7), dt.date(1986, 3, 7), False),
             (dt.date(1985, 3, 7), dt.date(1985, 3, 8), False), (None, dt.date(1985, 3, 7), None), (dt.date(1985, 3, 7), None, None)]
    for nik_date, recorded, same in pairs:
        assert one(con, "SELECT nik_cocok_tanggal(?::DATE, ?::DATE)", nik_date, recorded) is same, (nik_date, recorded)


def test_nik_decoding_agrees_with_every_dukcapil_record(con, tiny_world):
    world, _ = tiny_world
    path = world / "raw" / "2025-10-01" / "dukcapil" / "biodata_wni.csv"
    wrong = one(con, f"""
        SELECT count(*) FROM read_csv('{path}', delim='|', all_varchar=true)
        WHERE nik_bentuk(NIK) <> 'ok'
           OR nik_tgl_lahir(NIK, DATE '2025-10-01') IS DISTINCT FROM strptime(TGL_LHR, '%d-%m-%Y')::DATE
              AND year(strptime(TGL_LHR, '%d-%m-%Y')) > 1925
           OR nik_jenis_kelamin(NIK) <> CASE JENIS_KLMIN WHEN '1' THEN 'L' ELSE 'P' END""")
    assert wrong == 0


def test_injected_name_variants_mostly_standardise_to_the_true_name(con, tiny_world):
    world, _ = tiny_world
    q = world / "raw" / "2025-01-01"
    rows = con.execute(f"""
        WITH truth AS (SELECT * FROM '{world}/truth/2025-01-01/padan.parquet' WHERE sumber = 'dtks'),
             dtks AS (SELECT * FROM read_csv('{q}/dtks/dtks_individu.csv', delim=';', all_varchar=true, encoding='latin-1')),
             dukcapil AS (SELECT * FROM read_csv('{q}/dukcapil/biodata_wni.csv', delim='|', all_varchar=true))
        SELECT CASE WHEN t.jenis_galat = 'name_abbreviation' AND NOT regexp_matches(d.NAMA, '^(M|MOH|MUH|MOCH|ST|ABD|NUR)\.')
                    THEN 'name_initial' ELSE t.jenis_galat END AS kind,
               avg((nama_baku(d.NAMA) = nama_baku(c.NAMA_LGKP))::INT) AS same, avg((d.NAMA = c.NAMA_LGKP)::INT) AS raw_same
        FROM truth t JOIN dtks d ON d.IDARTBDT = t.id_sumber JOIN dukcapil c ON c.NIK = t.nik_benar
        WHERE t.jenis_galat IN ('none', 'name_old_spelling', 'name_abbreviation', 'name_title', 'name_spelling')
        GROUP BY 1""").fetchall()
    share = {kind: (same, raw) for kind, same, raw in rows}
    assert share["none"][0] == 1.0
    for kind in ("name_old_spelling", "name_title", "name_abbreviation", "name_spelling"):
        assert share[kind][1] < 0.05, kind  # the variants really differ as typed
    assert share["name_old_spelling"][0] > 0.9
    assert share["name_title"][0] > 0.9
    assert share["name_abbreviation"][0] > 0.9  # MOH./ST./ABD. ... expanded
    assert share["name_initial"][0] < 0.1  # "AGUS S." cannot be restored: left to fuzzy matching (issue 4)
    # free spelling variants (YULIANTI/YULIYANTI, ZAINAL/ZAENAL) are also left to fuzzy matching


def test_mapping_codes_become_a_macro_that_the_typing_macros_use():
    from dtsen_pipeline.sources.mapping import code_macro_sql, date_macro_sql, load_mapping, lookups

    peta_kode, peta_tanggal = lookups(load_mapping())
    c = duckdb.connect()
    try:
        c.execute(code_macro_sql(peta_kode))
        c.execute(date_macro_sql(peta_tanggal))
        c.execute((SQL_DIR / "standardise" / "nilai.sql").read_text())
        rows = c.execute("""SELECT jenis_kelamin_baku('dtks', ' LAKI-LAKI '), jenis_kelamin_baku('regsosek', '2'),
                                   jenis_kelamin_baku('dtks', '2'), jenis_kelamin_baku('survei', 'p'),
                                   teks_baku('dtks', 'hubungan_keluarga', ' istri '), kode_sumber('dukcapil', 'pekerjaan', 'x'),
                                   tanggal_sumber('dtks', 'tgl_lahir', '03/07/1985'),
                                   -- P3KE's mapping says Laki-laki; one regency's workbook writes LAKI-LAKI, another laki-laki
                                   jenis_kelamin_baku('p3ke', 'LAKI-LAKI'), jenis_kelamin_baku('p3ke', 'laki-laki'),
                                   jenis_kelamin_baku('dtks', 'Perempuan'),
                                   -- an occupation typed with two spaces or a non-breaking one is still the ASN's
                                   teks_baku('dukcapil', 'pekerjaan', 'Pegawai  Negeri' || chr(160) || 'Sipil'),
                                   -- a two-digit year under %Y: DuckDB reads the year 85, which is no date of a living person
                                   tanggal_sumber('dtks', 'tgl_lahir', '15/07/85'), tanggal_sumber('dtks', 'tgl_lahir', '15/07/1885')""").fetchall()
    finally:
        c.close()
    # DTKS's '2' is no code of DTKS: not guessed; a plain 'p' still reads as P
    assert rows == [("L", "P", None, "P", "ISTRI", None, dt.date(1985, 7, 3), "L", "L", "P", "PEGAWAI NEGERI SIPIL", None, dt.date(1885, 7, 15))]
