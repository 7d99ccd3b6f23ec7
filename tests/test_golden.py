"""Golden records over the tiny world's four quarters: stable ids, a family split linked to its
origin, nothing dropped, duplicates reported, families without data listed."""

import shutil

import duckdb
import pytest
from dagster import build_op_context, materialize

from conftest import TINY_QUARTER
from dtsen_pipeline.assets.golden import individu, keluarga, previous_quarter
from dtsen_pipeline.assets.target import ProgramRules, status_penerima, verifikasi_pbi_jk
from dtsen_pipeline.assets.unify import padan_dukcapil
from dtsen_pipeline.checks.unify import individu_dukcapil_lengkap, unify_checks
from dtsen_pipeline.resources import DuckDBStorage, RawData


@pytest.fixture(scope="module")
def con(con_two_quarters):
    return con_two_quarters


def one(con, sql):
    return con.execute(sql).fetchall()[0]


def test_previous_quarter():
    assert [previous_quarter(q) for q in ("2025-01-01", "2025-04-01", "2026-01-01")] == ["2024-10-01", "2025-01-01", "2025-10-01"]


def test_the_same_person_and_family_keep_their_ids_across_quarters(con):
    both, same_person = one(con, """SELECT count(*), count(*) FILTER (a.id_individu = b.id_individu) FROM individu a JOIN individu b
                                    ON a.nik = b.nik AND a.periode = '2025-01-01' AND b.periode = '2025-04-01'""")
    assert both > 20_000 and same_person == both
    kk_both, kk_same = one(con, """SELECT count(*), count(*) FILTER (a.id_keluarga = b.id_keluarga) FROM keluarga a JOIN keluarga b
                                   ON a.no_kk = b.no_kk AND a.periode = '2025-01-01' AND b.periode = '2025-04-01'""")
    assert kk_both > 7_000 and kk_same == kk_both


def test_a_split_family_gets_a_new_id_linked_to_its_origin(con):
    # people whose KK changed to a KK that did not exist last quarter
    moved = con.execute("""
        SELECT b.id_keluarga, a.id_keluarga AS asal FROM individu a JOIN individu b
          ON a.id_individu = b.id_individu AND a.periode = '2025-01-01' AND b.periode = '2025-04-01'
        WHERE a.id_keluarga <> b.id_keluarga
          AND b.id_keluarga NOT IN (SELECT id_keluarga FROM keluarga WHERE periode = '2025-01-01')""").fetchall()
    assert len(moved) > 5
    linked = dict(con.execute("SELECT id_keluarga, id_keluarga_asal FROM keluarga WHERE periode = '2025-04-01'").fetchall())
    assert all(linked[new] is not None for new, _ in moved)
    assert sum(linked[new] == old for new, old in moved) >= 0.9 * len(moved)  # the origin of most members
    assert one(con, "SELECT count(*) FROM keluarga WHERE periode = '2025-01-01' AND id_keluarga_asal IS NOT NULL") == (0,)


def test_nothing_is_dropped(con):
    for q in ("2025-01-01", "2025-04-01"):
        living = one(con, f"""SELECT count(*) FROM standardise.stg_individu WHERE periode = '{q}' AND sumber = 'dukcapil'
                              AND nik_bentuk = 'ok' AND status_hidup <> 'MATI'""")[0]
        assert one(con, f"SELECT count(*), sum(jumlah_anggota) FROM (SELECT count(*) AS n FROM individu WHERE periode = '{q}') "
                        f"CROSS JOIN (SELECT sum(jumlah_anggota) AS jumlah_anggota FROM keluarga WHERE periode = '{q}')") == (1, living)
        unsure = one(con, f"SELECT count(*) FROM padan_dukcapil WHERE periode = '{q}' AND status_padan IN ('tidak_padan', 'perlu_verifikasi')")
        assert one(con, f"SELECT count(*) FROM verifikasi_padan WHERE periode = '{q}'") == unsure


def test_families_without_data_and_duplicates_are_listed(con):
    undescribed, total = one(con, "SELECT count(*) FILTER (status_data = 'belum_terdata'), count(*) FROM keluarga WHERE periode = '2025-01-01'")
    assert 0 < undescribed < 0.2 * total
    assert one(con, "SELECT count(*) FROM keluarga WHERE status_data = 'terdata' AND jenis_lantai IS NULL AND sumber_variabel <> 'p3ke'") == (0,)
    inside = one(con, "SELECT count(*) FROM duplikat WHERE periode = '2025-01-01' AND jenis = 'dalam_sumber'")[0]
    flagged = one(con, "SELECT count(*) FROM padan_dukcapil WHERE periode = '2025-01-01' AND duplikat_dari IS NOT NULL")[0]
    assert inside == flagged > 0


# --- crafted cases on a copy of the first quarter --------------------------------------------------

PLACEHOLDER_KK = "0000000000000000"
SHARED_KK = "3403011505200001"  # looks like a KK (nik_bentuk ok) but is nobody's: strangers on one number


def materialize_golden(db, world, assets, table, quarter=TINY_QUARTER):
    """Materialise ``assets`` of ``quarter`` on ``db`` with the unify checks of ``table``; the checks' results by name."""
    checks = [c for c in unify_checks if c.check_key.asset_key.path == [table]]
    result = materialize([*assets, *checks], partition_key=quarter, resources={
        "storage": DuckDBStorage(database=str(db)), "raw": RawData(data_dir=str(world)), "aturan": ProgramRules()})
    assert result.success
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


@pytest.fixture(scope="module")
def kk_rusak(tiny_db, tiny_world, tmp_path_factory):
    """The first quarter with a placeholder KK on one child of each of 20 families in 20 villages, and
    one valid-looking KK number shared by a child of each of 16 other families, golden records re-run."""
    world, _ = tiny_world
    db = tmp_path_factory.mktemp("kk_rusak") / "dtsen.duckdb"
    shutil.copy(tiny_db, db)
    con = duckdb.connect(str(db))
    try:
        # per village, the child with the smallest NIK whose family has at least 3 members
        chosen = con.execute(f"""
            SELECT min(i.nik) AS nik FROM individu i JOIN keluarga k USING (periode, id_keluarga)
            WHERE i.periode = '{TINY_QUARTER}' AND i.hubungan_keluarga = 'ANAK' AND k.jumlah_anggota >= 3
            GROUP BY i.kode_desa ORDER BY nik LIMIT 36""").fetchall()
        placeholder, shared = [n for (n,) in chosen[:20]], [n for (n,) in chosen[20:]]
        assert len(shared) == 16
        before = {nik: (family, members) for nik, family, members in con.execute(
            f"SELECT nik, id_keluarga, jumlah_anggota FROM individu JOIN keluarga USING (periode, id_keluarga) WHERE periode = '{TINY_QUARTER}'"
        ).fetchall()}
        for kk, people in ((PLACEHOLDER_KK, placeholder), (SHARED_KK, shared)):
            con.execute(f"UPDATE standardise.stg_individu SET no_kk = ? WHERE periode = '{TINY_QUARTER}' AND sumber = 'dukcapil' "
                        "AND list_contains(?, nik)", [kk, people])
    finally:
        con.close()
    checks = materialize_golden(db, world, [individu, keluarga], "keluarga")
    return db, placeholder, shared, before, checks


def test_a_placeholder_kk_makes_each_person_a_family_alone_not_one_family(kk_rusak):
    db, placeholder, _, before, _ = kk_rusak
    con = duckdb.connect(str(db), read_only=True)
    try:
        people = con.execute(f"""SELECT i.nik, i.no_kk, i.no_kk_bentuk, i.id_keluarga, k.no_kk, k.no_kk_bentuk, k.jumlah_anggota, k.nik_kepala
                                 FROM individu i JOIN keluarga k USING (periode, id_keluarga)
                                 WHERE i.periode = '{TINY_QUARTER}' AND list_contains(?, i.nik)""", [placeholder]).fetchall()
        assert len(people) == 20
        assert len({p[3] for p in people}) == 20  # 20 families, not one
        for nik, kk, kk_shape, family, family_kk, family_kk_shape, members, head in people:
            assert (kk, kk_shape) == (PLACEHOLDER_KK, "placeholder")  # Dukcapil's number kept, and why it is not used
            assert family.startswith("KS") and family != before[nik][0]
            assert (family_kk, family_kk_shape, members, head) == (None, "placeholder", 1, nik)
        assert con.execute(f"SELECT count(*) FROM keluarga WHERE periode = '{TINY_QUARTER}' AND no_kk = '{PLACEHOLDER_KK}'").fetchall() == [(0,)]
        # each child's family of last run is there without the child, and no other family changed size
        sizes = dict(con.execute(f"SELECT id_keluarga, jumlah_anggota FROM keluarga WHERE periode = '{TINY_QUARTER}'").fetchall())
        for nik in placeholder:
            family, members = before[nik]
            assert sizes[family] == members - 1
    finally:
        con.close()


def test_kk_checks_warn_about_unusable_and_shared_kk_numbers(kk_rusak):
    db, placeholder, shared, _, checks = kk_rusak
    assert checks["anggota_lengkap"].passed and checks["id_unik"].passed
    assert not checks["kk_layak"].passed and checks["kk_layak"].severity.value == "WARN"
    assert checks["kk_layak"].metadata["kk_tidak_layak"].value == len(placeholder)
    # a valid-looking number on 16 strangers still makes one family: the size check says so
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute(f"SELECT jumlah_anggota FROM keluarga WHERE periode = '{TINY_QUARTER}' AND no_kk = '{SHARED_KK}'").fetchall() \
            == [(len(shared),)]
    finally:
        con.close()
    assert not checks["ukuran_wajar"].passed and checks["ukuran_wajar"].metadata["keluarga_besar"].value == 1


@pytest.fixture(scope="module")
def nik_rusak(tiny_db, tiny_world, tmp_path_factory):
    """The first quarter where Dukcapil writes one living PBI-JK member's NIK with month 00 (the
    sources and the list carry that NIK too), and two other living people with no NIK and with a
    placeholder NIK; matching, golden records and the PBI-JK verification re-run."""
    world, _ = tiny_world
    db = tmp_path_factory.mktemp("nik_rusak") / "dtsen.duckdb"
    shutil.copy(tiny_db, db)
    q = TINY_QUARTER
    con = duckdb.connect(str(db))
    try:
        # a PBI-JK member found in Dukcapil, in a family of at least 2, matched as written by a source record
        [(nik, family, members)] = con.execute(f"""
            SELECT s.nik, i.id_keluarga, k.jumlah_anggota FROM status_penerima s
            JOIN individu i ON i.periode = s.periode AND i.nik = s.nik JOIN keluarga k ON k.periode = i.periode AND k.id_keluarga = i.id_keluarga
            WHERE s.periode = '{q}' AND s.program = 'pbi_jk' AND s.status_nik = 'ditemukan' AND k.jumlah_anggota >= 2
              AND s.nik IN (SELECT nik_dukcapil FROM padan_dukcapil WHERE periode = '{q}' AND status_padan = 'padan')
            ORDER BY s.nik LIMIT 1""").fetchall()
        records = con.execute(f"SELECT sumber, id_sumber FROM padan_dukcapil WHERE periode = '{q}' AND status_padan = 'padan' AND nik_dukcapil = ?",
                              [nik]).fetchall()
        # two living adults of other families: one without a NIK, one with a placeholder
        unusable = con.execute(f"""SELECT nik, file, baris FROM standardise.stg_individu
                                   WHERE periode = '{q}' AND sumber = 'dukcapil' AND status_hidup <> 'MATI' AND umur >= 18
                                     AND no_kk <> (SELECT no_kk FROM individu WHERE periode = '{q}' AND nik = $nik)
                                   ORDER BY nik LIMIT 2""", {"nik": nik}).fetchall()
        for (old, file, baris), new in zip(unusable, [None, "0000000000000000"]):
            con.execute(f"""UPDATE standardise.stg_individu SET nik = $new, nik_bentuk = nik_bentuk($new), id_sumber = coalesce($new, file || ':' || baris)
                            WHERE periode = '{q}' AND sumber = 'dukcapil' AND nik = $old""", {"new": new, "old": old})
        odd = nik[:8] + "00" + nik[10:]  # month 00: Dukcapil's own NIK, whose date part does not decode
        con.execute(f"""UPDATE standardise.stg_individu SET nik = $odd, nik_bentuk = nik_bentuk($odd),
                        id_sumber = CASE WHEN sumber = 'dukcapil' THEN $odd ELSE id_sumber END
                        WHERE periode = '{q}' AND nik = $nik""", {"odd": odd, "nik": nik})
        con.execute(f"UPDATE standardise.stg_penerima_bansos SET nik = $odd, nik_bentuk = nik_bentuk($odd) WHERE periode = '{q}' AND nik = $nik",
                    {"odd": odd, "nik": nik})
    finally:
        con.close()
    checks = materialize_golden(db, world, [padan_dukcapil, individu, keluarga, status_penerima, verifikasi_pbi_jk], "individu")
    return db, odd, family, members, records, [(f, b) for _, f, b in unusable], checks


def test_a_dukcapil_nik_with_an_impossible_date_is_kept_matched_and_found_on_the_list(nik_rusak):
    db, odd, family, members, records, _, _ = nik_rusak
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = TINY_QUARTER
        assert con.execute(f"SELECT nik_bentuk, id_keluarga FROM individu WHERE periode = '{q}' AND nik = ?", [odd]).fetchall() == \
            [("tanggal_mustahil", family)]
        assert con.execute(f"SELECT jumlah_anggota FROM keluarga WHERE periode = '{q}' AND id_keluarga = ?", [family]).fetchall() == [(members,)]
        # the source records matched to the person under the old NIK are matched to the same person, as written
        matched = con.execute(f"SELECT sumber, id_sumber, nik_dukcapil, status_padan FROM padan_dukcapil WHERE periode = '{q}' "
                              "AND list_contains(?, sumber || '/' || id_sumber)", [[f"{r}/{i}" for r, i in records]]).fetchall()
        assert records and sorted(matched) == sorted((*r, odd, "padan") for r in records)
        # the PBI-JK member is found, so not proposed for deactivation as 'NIK tidak ditemukan'
        rows = con.execute(f"SELECT status_nik, alasan FROM status_penerima WHERE periode = '{q}' AND program = 'pbi_jk' AND nik = ?",
                           [odd]).fetchall()
        assert rows and all(status == "ditemukan" and "NIK_TIDAK_DITEMUKAN" not in reasons for status, reasons in rows)
        assert con.execute(f"""SELECT count(*) FROM verifikasi_pbi_jk v WHERE v.periode = '{q}' AND v.nik = ?
                               AND v.alasan_nonaktif = 'NIK tidak ditemukan'""", [odd]).fetchall() == [(0,)]
    finally:
        con.close()


def test_a_living_dukcapil_row_without_a_usable_nik_is_rejected_with_its_reason(nik_rusak):
    db, *_, unusable, checks = nik_rusak
    con = duckdb.connect(str(db), read_only=True)
    try:
        rejected = con.execute(f"""SELECT file, baris, kolom, alasan_kode, alasan FROM ditolak
                                   WHERE periode = '{TINY_QUARTER}' AND tahap = 'tunggal' AND sumber = 'dukcapil' ORDER BY alasan_kode""").fetchall()
        assert [(f, b, k, c) for f, b, k, c, _ in rejected] == [(*unusable[0], "nik", "nik_kosong"), (*unusable[1], "nik", "nik_placeholder")]
        assert all(not any(ch.isdigit() for ch in reason) for *_, reason in rejected)  # the reason never holds the number
        living, people = con.execute(f"""SELECT (SELECT count(*) FROM standardise.stg_individu WHERE periode = '{TINY_QUARTER}'
                                                 AND sumber = 'dukcapil' AND status_hidup <> 'MATI'),
                                                (SELECT count(*) FROM individu WHERE periode = '{TINY_QUARTER}')""").fetchall()[0]
        assert living == people + 2
    finally:
        con.close()
    check = checks["dukcapil_lengkap"]
    assert check.passed and check.metadata["ditolak"].value == 2 and check.metadata["tanpa_jejak"].value == 0


def test_the_dukcapil_check_blocks_a_living_person_dropped_silently(nik_rusak, tmp_path):
    db = tmp_path / "dtsen.duckdb"
    shutil.copy(nik_rusak[0], db)
    con = duckdb.connect(str(db))
    try:  # one person neither in individu nor in ditolak
        con.execute(f"DELETE FROM individu WHERE periode = '{TINY_QUARTER}' AND nik = (SELECT min(nik) FROM individu WHERE periode = '{TINY_QUARTER}')")
    finally:
        con.close()
    # the storage has a run lifecycle (one open database per run): its context is a context manager
    with build_op_context(resources={"storage": DuckDBStorage(database=str(db))}, partition_key=TINY_QUARTER) as context:
        result = individu_dukcapil_lengkap(context)
    assert not result.passed and result.metadata["tanpa_jejak"].value == 1


def test_a_null_family_id_last_quarter_does_not_hide_the_splits(tiny_db_two_quarters, tiny_world, tmp_path):
    # a quarter written when a person without a KK number got a NULL family id: NOT IN against it hid every split
    db = tmp_path / "dtsen.duckdb"
    shutil.copy(tiny_db_two_quarters, db)
    con = duckdb.connect(str(db))
    try:
        splits = con.execute("SELECT id_keluarga, id_keluarga_asal FROM keluarga WHERE periode = '2025-04-01' AND id_keluarga_asal IS NOT NULL "
                             "ORDER BY 1").fetchall()
        # a person of a family that is nobody's origin
        con.execute("""UPDATE individu SET id_keluarga = NULL WHERE periode = '2025-01-01' AND id_individu = (
                           SELECT min(id_individu) FROM individu i WHERE periode = '2025-01-01' AND NOT EXISTS (
                               SELECT 1 FROM keluarga k WHERE k.periode = '2025-04-01' AND k.id_keluarga_asal = i.id_keluarga))""")
        assert con.execute("SELECT count(*) FROM individu WHERE id_keluarga IS NULL").fetchall() == [(1,)]
    finally:
        con.close()
    materialize_golden(db, tiny_world[0], [keluarga], "keluarga", quarter="2025-04-01")
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert len(splits) > 5
        assert con.execute("SELECT id_keluarga, id_keluarga_asal FROM keluarga WHERE periode = '2025-04-01' AND id_keluarga_asal IS NOT NULL "
                           "ORDER BY 1").fetchall() == splits
    finally:
        con.close()
