"""Golden records over the tiny world's four quarters: stable ids, a family split linked to its
origin, nothing dropped, duplicates reported, families without data listed."""

import pytest

from dtsen_pipeline.assets.golden import previous_quarter


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
