"""Matching every source person record to Dukcapil: figures on the tiny world against its truth,
and crafted cases slipped into a copy of it (the model is estimated from the whole quarter, as in
production)."""

import shutil

import duckdb
import pytest
from dagster import materialize

from dtsen_pipeline.assets.unify import padan_dukcapil
from dtsen_pipeline.resources import DuckDBStorage, RawData

QUARTER = "2025-01-01"
DESA = "3403012001"


def rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_record_has_one_row_and_the_targets_hold_on_the_tiny_world(tiny_db):
    assert rows(tiny_db, """SELECT count(*) FROM standardise.stg_individu s ANTI JOIN main.padan_dukcapil p USING (periode, sumber, id_sumber)
                           WHERE s.sumber <> 'dukcapil'""") == [(0,)]
    assert rows(tiny_db, "SELECT count(*) - count(DISTINCT (sumber, id_sumber)) FROM main.padan_dukcapil") == [(0,)]
    statuses = {s for (s,) in rows(tiny_db, "SELECT DISTINCT status_padan FROM main.padan_dukcapil")}
    assert statuses <= {"padan", "padan_koreksi", "tidak_padan", "meninggal", "perlu_verifikasi"}
    figures = {g: (p, r, f) for g, p, r, f in rows(tiny_db, """SELECT jenis_galat, presisi, recall, f1 FROM main.evaluasi_padan
                                                                WHERE sumber = 'semua'""")}
    precision, recall, f1 = figures["semua"]
    assert f1 >= 0.995 and precision >= 0.999
    for broken in ("nik_missing", "nik_placeholder", "nik_spreadsheet", "nik_digit", "nik_swap", "nik_female_day", "nik_other_person"):
        assert figures[broken][2] >= 0.97, broken
    assert figures["pasangan_duplikat"][2] >= 0.95  # records entered twice in a source are found as pairs
    # people who are not in Dukcapil are left unmatched, not forced onto somebody
    [(records, wrong)] = rows(tiny_db, "SELECT rekaman, salah FROM main.evaluasi_padan WHERE sumber = 'semua' AND jenis_galat = 'not_in_dukcapil'")
    assert records > 20 and wrong <= 0.05 * records


def nik(kec, tgl, sex, serial):
    day = int(tgl[8:10]) + (40 if sex == "P" else 0)
    return f"{kec}{day:02d}{tgl[5:7]}{tgl[2:4]}{serial}"


PEOPLE = {  # key: (name, birth date, sex, KK, serial)
    "P1": ("SUPRIYANTO", "1970-05-12", "L", "3403010101708001", "8001"),
    "P2": ("SITI AMINAH", "1985-03-07", "P", "3403010101708001", "8002"),
    "P3": ("BAMBANG SUTRISNO", "1966-08-21", "L", "3403010101708003", "8003"),
    "P4": ("SUKARNO", "1948-06-06", "L", "3403010101708004", "8004"),
    "P5": ("MARYAM", "1950-01-01", "P", "3403010101708005", "8005"),
    "P6": ("RINA WULANDARI", "2001-09-15", "P", "3403010101708006", "8006"),
    "P7": ("RINI WULANDARI", "2001-09-15", "P", "3403010101708006", "8007"),
    "P8": ("AHMAD YANI", "1980-02-02", "L", "3403010101708008", "8008"),
    "P9": ("AHMAD YANI", "1992-11-20", "L", "3403010101708009", "8009"),
}
NIK = {k: nik("340301", t, s, serial) for k, (_, t, s, _, serial) in PEOPLE.items()}
RECORDS = {  # id: (person written, NIK as written, name as written); expected person or None
    "C1": ("P1", NIK["P2"], "SUPRIYANTO"),                       # somebody else's NIK on the record
    "C2": ("P2", NIK["P2"][:12] + "8020", "SITI AMINAH"),        # two digits swapped
    "C3": ("P3", "3.40301E+15", "BAMBANG SUTRISNO"),             # spreadsheet-mangled
    "C4": ("P4", None, "SOEKARNO"),                               # old spelling, no NIK
    "C5": ("P5", None, "MARYAM"),                                 # single name, no NIK
    "C6": ("P6", None, "RINA WULANDARI"),                         # a twin without NIK
    "C7": ("P7", NIK["P7"], "RINI WULANDARI"),                    # the other twin, with her NIK
    "C8": ("P8", None, "AHMAD YANI"),                             # same name in the same village
}


@pytest.fixture(scope="module")
def crafted(tiny_db, tiny_world, tmp_path_factory):
    world, _ = tiny_world
    db = tmp_path_factory.mktemp("crafted") / "dtsen.duckdb"
    shutil.copy(tiny_db, db)
    con = duckdb.connect(str(db))
    try:
        for key, (name, tgl, sex, kk, _) in PEOPLE.items():
            con.execute("""INSERT INTO standardise.stg_individu BY NAME SELECT ? AS periode, 'dukcapil' AS sumber, ? AS id_sumber, ? AS nik,
                           nik_bentuk(?) AS nik_bentuk, ? AS no_kk, ? AS nama, nama_baku(?) AS nama_baku, CAST(? AS DATE) AS tgl_lahir,
                           ? AS jenis_kelamin, ? AS kode_desa, ? AS kode_kecamatan, ? AS kode_kabupaten, 'HIDUP' AS status_hidup""",
                        [QUARTER, NIK[key], NIK[key], NIK[key], kk, name, name, tgl, sex, DESA, DESA[:6], DESA[:4]])
        for rid, (key, written, name) in RECORDS.items():
            _, tgl, sex, kk, _ = PEOPLE[key]
            con.execute("""INSERT INTO standardise.stg_individu BY NAME SELECT ? AS periode, 'dtks' AS sumber, ? AS id_sumber, ? AS nik,
                           nik_bentuk(?) AS nik_bentuk, ? AS no_kk, ? AS nama, nama_baku(?) AS nama_baku, CAST(? AS DATE) AS tgl_lahir,
                           ? AS jenis_kelamin, ? AS kode_desa, ? AS kode_kecamatan, ? AS kode_kabupaten""",
                        [QUARTER, rid, written, written, kk, name, name, tgl, sex, DESA, DESA[:6], DESA[:4]])
    finally:
        con.close()
    result = materialize([padan_dukcapil], partition_key=QUARTER,
                         resources={"storage": DuckDBStorage(database=str(db)), "raw": RawData(data_dir=str(world))})
    assert result.success
    found = rows(db, f"""SELECT id_sumber, nik_dukcapil, status_padan, metode FROM main.padan_dukcapil
                         WHERE periode = '{QUARTER}' AND sumber = 'dtks' AND id_sumber LIKE 'C_'""")
    return {rid: (n, s, m) for rid, n, s, m in found}


@pytest.mark.parametrize("rid", ["C1", "C2", "C3", "C4", "C5", "C7", "C8"])
def test_crafted_records_find_their_person(crafted, rid):
    person = RECORDS[rid][0]
    nik_dukcapil, status, _ = crafted[rid]
    assert (nik_dukcapil, status) == (NIK[person], "padan" if RECORDS[rid][1] == NIK[person] else "padan_koreksi")


def test_methods_name_the_evidence(crafted):
    assert crafted["C2"][2] == "perbaikan_nik"
    assert crafted["C7"][2] == "nik_tepat"
    assert crafted["C4"][2] == "probabilistik"


def test_a_twin_without_nik_is_never_given_her_sister(crafted):
    nik_dukcapil, status, _ = crafted["C6"]
    assert nik_dukcapil != NIK["P7"]
    assert (nik_dukcapil, status) in ((NIK["P6"], "padan_koreksi"), (NIK["P6"], "perlu_verifikasi"))
