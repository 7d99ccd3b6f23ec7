"""The standardised tables besides stg_individu: recipient lists, negative lists, the survey, the
region reference; typed variables; comments on every published column; a mapping without an
optional column; values that do not fit their type."""

import re
import shutil

import duckdb
import pytest
import yaml

from dtsen_pipeline.cli import main
from dtsen_pipeline.sources.mapping import DEFAULT_MAPPING
from dtsen_pipeline.sources.variables import catalogue

QUARTER = "2025-01-01"


@pytest.fixture(scope="module")
def con(tiny_db):
    c = duckdb.connect(str(tiny_db), read_only=True)
    yield c
    c.close()


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_recipient_lists_kept_row_for_row(con, tiny_world):
    _, summary = tiny_world
    per_program = dict(rows(con, "SELECT program, count(*) FROM standardise.stg_penerima_bansos GROUP BY 1"))
    assert per_program == {p: summary[QUARTER][f"penerima_{p}"] for p in ("pkh", "sembako", "pbi_jk")}
    # every row has a regency (PBI-JK lists carry only the regency) and the NIK is classified
    assert rows(con, "SELECT count(*) FROM standardise.stg_penerima_bansos WHERE kode_kabupaten IS NULL OR nik_bentuk IS NULL") == [(0,)]
    assert rows(con, "SELECT count(*) FROM standardise.stg_penerima_bansos WHERE NOT wilayah_dikenal") == [(0,)]
    ok_share = rows(con, "SELECT avg((nik_bentuk = 'ok')::INT) FROM standardise.stg_penerima_bansos")[0][0]
    assert 0.9 < ok_share < 1.0  # the lists carry some broken NIKs, like the real ones
    assert rows(con, "SELECT DISTINCT jenis_kelamin FROM standardise.stg_penerima_bansos WHERE program = 'pbi_jk' ORDER BY 1") == [("L",), ("P",)]


def test_negative_lists(con, tiny_world):
    _, summary = tiny_world
    per_list = dict(rows(con, "SELECT daftar, count(*) FROM standardise.stg_daftar_negatif GROUP BY 1"))
    assert per_list == {"asn": summary[QUARTER]["negatif_asn"], "ppatk": summary[QUARTER]["negatif_ppatk"]}
    assert {k for (k,) in rows(con, "SELECT DISTINCT kategori FROM standardise.stg_daftar_negatif WHERE daftar = 'asn'")} <= {"ASN", "TNI", "POLRI"}
    assert rows(con, "SELECT count(*) FROM standardise.stg_daftar_negatif WHERE tgl_berlaku IS NULL") == [(0,)]


def test_survey_is_typed_and_crosswalked_to_kemendagri_codes(con):
    assert rows(con, """SELECT count(*) FROM standardise.stg_survei s ANTI JOIN wilayah w
                        ON w.tingkat = 'kabupaten' AND w.kode = s.kode_kabupaten""") == [(0,)]
    # Timor Tengah Selatan is 5304 for BPS and 5302 for Kemendagri
    assert rows(con, "SELECT DISTINCT kode_kabupaten FROM standardise.stg_survei WHERE kode_kabupaten_bps = '5304'") == [("5302",)]
    assert rows(con, "SELECT count(*) FROM standardise.stg_survei WHERE NOT konsumsi_per_kapita > 0 OR bobot IS NULL OR jumlah_anggota IS NULL") == [(0,)]
    members = rows(con, "SELECT sum(jumlah_anggota) FROM standardise.stg_survei")[0][0]
    assert rows(con, "SELECT count(*) FROM standardise.stg_survei_anggota")[0][0] == members


def test_variables_have_their_catalogue_types(con):
    types = dict(rows(con, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'stg_keluarga'"))
    assert (types["luas_lantai"], types["punya_ac"], types["jumlah_sapi"], types["jenis_lantai"]) == ("DOUBLE", "BOOLEAN", "BIGINT", "VARCHAR")
    for table, level in (("standardise.stg_keluarga", "keluarga"), ("standardise.stg_individu", "individu"),
                         ("standardise.stg_survei", "keluarga")):
        for name, spec in catalogue()[level].items():
            if spec["tipe"] == "kategori":
                values = {v for (v,) in rows(con, f"SELECT DISTINCT {name} FROM {table} WHERE {name} IS NOT NULL")}
                assert values <= set(spec["nilai"]), (table, name)
    # DTKS and REGSOSEK give every housing variable; P3KE only some
    filled = dict(rows(con, "SELECT sumber, avg((punya_ac IS NOT NULL)::INT) FROM standardise.stg_keluarga GROUP BY 1"))
    assert filled == {"dtks": 1.0, "regsosek": 1.0, "p3ke": 0.0}


def test_every_published_table_and_column_has_a_comment(con):
    # analysts' tables in main; the stage's working tables in schema standardise, commented too
    for schema in ("main", "standardise"):
        tables = rows(con, f"SELECT table_name FROM duckdb_tables() WHERE schema_name = '{schema}' AND comment IS NULL")
        columns = rows(con, "SELECT table_name, column_name FROM duckdb_columns() "
                            f"WHERE schema_name = '{schema}' AND NOT internal AND comment IS NULL")
        assert tables == [] and columns == [], schema
    assert {t for (t,) in rows(con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")} >= {"wilayah", "ditolak"}
    assert {t for (t,) in rows(con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'standardise'")} == {
        "stg_individu", "stg_keluarga", "stg_penerima_bansos", "stg_daftar_negatif", "stg_survei", "stg_survei_anggota"}
    assert rows(con, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name LIKE 'stg_%'") == [(0,)]


def _rewrite_field(path, column, every, value):
    """Put ``value(old)`` into ``column`` of every ``every``-th data row of a DTKS CSV; the file
    line numbers changed."""
    lines = path.read_text(encoding="cp1252").splitlines(keepends=True)
    col = [h.strip('"') for h in lines[0].rstrip("\r\n").split(";")].index(column)
    changed = []
    for i in range(1, len(lines), every):
        fields = lines[i].rstrip("\r\n").split(";")
        fields[col] = value(fields[col])
        lines[i] = ";".join(fields) + "\n"
        changed.append(i + 1)
    path.write_text("".join(lines), encoding="cp1252")
    return changed


def test_unfit_values_and_dates_become_null_are_counted_and_a_lean_mapping_still_works(tiny_world, tmp_path, capsys):
    world, _ = tiny_world
    data = tmp_path / "data"
    quarter = data / "raw" / QUARTER
    shutil.copytree(world / "raw" / QUARTER, quarter)
    # DTKS writes a floor area of 'abc' in every 10th family row
    broken = len(_rewrite_field(next((quarter / "dtks").glob("dtks_keluarga*.csv")), "LUAS_LANTAI", 10, lambda _: '"abc"'))
    # and a birth date with dots (31.10.1973) in every 300th person row, under 1 % (the GX not-null
    # tolerance, which catches a whole file in another format, stays green)
    dotted = _rewrite_field(next((quarter / "dtks").glob("dtks_individu*.csv")), "TGL_LAHIR", 300, lambda old: old.replace("/", "."))
    # turnovers written with thousands dots (890.000) in every 50th person row that has one
    seen = []
    def grouped(old):
        value = old.strip('"')
        # unambiguous as Indonesian thousands: two groups, or one ending in 0 (2.751 could be a decimal)
        seen.append(int(value) if value.isdigit() and (len(value) >= 7 or (len(value) >= 4 and value.endswith("0"))) else None)
        return old if seen[-1] is None else '"' + f"{seen[-1]:,}".replace(",", ".") + '"'
    lines = _rewrite_field(next((quarter / "dtks").glob("dtks_individu*.csv")), "OMZET_USAHA_PER_BULAN", 50, grouped)
    turnover = {line: value for line, value in zip(lines, seen) if value is not None}
    # a region reference that capitalises its levels ("Desa"), as a hand-edited one does
    reference = next((quarter / "referensi").glob("wilayah*.csv"))
    reference.write_text(reference.read_text(encoding="utf-8").replace('"desa"', '"Desa"'), encoding="utf-8")
    # NIKs written as people type them: Excel's apostrophe in every 400th row, 4-digit groups in every 401st
    niks = {}
    def typed(fmt):
        def write(old):
            nik = old.strip('"')
            niks[nik] = fmt(nik)
            return '"' + niks[nik] + '"'
        return write
    _rewrite_field(next((quarter / "dtks").glob("dtks_individu*.csv")), "NIK", 400, typed(lambda n: "'" + n))
    _rewrite_field(next((quarter / "dtks").glob("dtks_individu*.csv")), "NIK", 401,
                   typed(lambda n: " ".join(n[i:i + 4] for i in range(0, 16, 4)) if len(n) == 16 else n))
    # a regency team's mapping without the optional pekerjaan and jumlah_usaha columns of DTKS persons
    mapping = yaml.safe_load(DEFAULT_MAPPING.read_text(encoding="utf-8"))
    for column in ("pekerjaan", "jumlah_usaha"):
        del mapping["sources"]["dtks"]["files"]["individu"]["columns"][column]
    lean = tmp_path / "mapping.yaml"
    lean.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    assert main(["run", "--data", str(data), "--db", str(db), "--mapping", str(lean), "--sampai", "standardise"]) == 1  # the warning check fails
    out = capsys.readouterr().out
    assert re.search(rf"stg_keluarga nilai_variabel: dtks.luas_lantai: {broken} of \d+ values unreadable", out)
    # the dates: counted with their file, the mapping's format, their shape (no value) and their lines
    first = ", ".join(str(n) for n in dotted[:5])
    assert re.search(rf"stg_individu tanggal_terbaca: dtks/dtks_individu.csv tgl_lahir: {len(dotted)} of \d+ dates are not in the "
                     rf"mapping's date_format '%d/%m/%Y' nor YYYY-MM-DD, or before 1800 \(written like 99\.99\.9999 \({len(dotted)}\); lines {first}\) and are NULL", out)
    assert len(re.findall("check failed", out)) == 2
    c = duckdb.connect(str(db), read_only=True)
    try:
        assert rows(c, "SELECT count(*) FROM standardise.stg_keluarga WHERE sumber = 'dtks' AND luas_lantai IS NULL") == [(broken,)]
        # the grouped turnovers are read as the same rupiah, none unreadable
        read = dict(rows(c, "SELECT baris, omzet_usaha_per_bulan FROM standardise.stg_individu WHERE sumber = 'dtks' "
                            f"AND baris IN ({', '.join(str(n) for n in turnover)})"))
        assert len(turnover) > 5 and read == turnover
        # every REGSOSEK family's BPS village code still finds its Kemendagri village
        assert rows(c, "SELECT count(*) FROM standardise.stg_keluarga WHERE sumber = 'regsosek' AND kode_desa IS NULL") == [(0,)]
        assert rows(c, "SELECT count(*) FROM standardise.stg_individu WHERE NOT kode_desa_dikenal") == [(0,)]
        # the typed NIKs are read as their 16 digits
        usable = {n: w for n, w in niks.items() if len(n) == 16 and n.isdigit() and w != n}
        got = dict(rows(c, f"SELECT nik, nik_bentuk FROM standardise.stg_individu WHERE sumber = 'dtks' AND nik IN ({', '.join(repr(n) for n in usable)})"))
        assert len(usable) > 40 and set(got) == set(usable) and set(got.values()) <= {"ok", "placeholder", "tanggal_mustahil"}
        # the rows themselves are kept (conservation), with no birth date
        assert rows(c, "SELECT count(*) FROM standardise.stg_individu WHERE sumber = 'dtks' AND tgl_lahir IS NULL") == [(len(dotted),)]
        assert rows(c, "SELECT count(pekerjaan), count(jumlah_usaha) FROM standardise.stg_individu WHERE sumber = 'dtks'") == [(0, 0)]
        assert rows(c, "SELECT count(pekerjaan) > 0 FROM standardise.stg_individu WHERE sumber = 'dukcapil'") == [(True,)]
    finally:
        c.close()
