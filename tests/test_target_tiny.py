"""Stage `target` in the whole job on the tiny world: every recipient-list row accounted for, the
village workbooks on disk with their villages' rows, graduation seen across quarters, and the
candidate lists doing better than chance against the truth."""

import openpyxl
import pytest

from conftest import TINY_QUARTER


@pytest.fixture(scope="module")
def con(con_two_quarters):
    return con_two_quarters


def one(con, sql):
    return con.execute(sql).fetchall()[0]


def test_every_recipient_list_row_is_accounted_for(con):
    for q in (TINY_QUARTER, "2025-04-01"):
        per_list = con.execute(f"""
            SELECT d.sumber, d.n, s.n, s.beralasan, s.dengan_status
            FROM (SELECT sumber, count(*) AS n FROM standardise.stg_penerima_bansos WHERE periode = '{q}' GROUP BY 1) d
            LEFT JOIN (SELECT sumber, count(*) AS n, count(*) FILTER (len(alasan) > 0) AS beralasan,
                              count(*) FILTER (status IN ('layak', 'kandidat_inclusion_error')) AS dengan_status
                       FROM status_penerima WHERE periode = '{q}' GROUP BY 1) s USING (sumber)""").fetchall()
        assert len(per_list) == 3
        for sumber, listed, rows, with_reason, assessed in per_list:
            assert rows == listed == assessed, sumber
            assert 0 < with_reason < rows, sumber
        assert one(con, f"SELECT count(*) FROM kandidat_inclusion_error WHERE periode = '{q}'") == \
            one(con, f"SELECT count(*) FROM status_penerima WHERE periode = '{q}' AND status = 'kandidat_inclusion_error'")


def test_graduation_needs_a_previous_quarter(con):
    assert one(con, f"SELECT count(*) FROM status_penerima WHERE periode = '{TINY_QUARTER}' AND list_contains(alasan, 'GRADUASI')") == (0,)
    assert one(con, "SELECT count(*) FROM status_penerima WHERE periode = '2025-04-01' AND list_contains(alasan, 'GRADUASI')")[0] > 0


def test_village_workbooks_hold_every_candidate(con, tiny_world):
    world, _ = tiny_world
    villages = one(con, f"SELECT count(DISTINCT kode_desa) FROM keluarga WHERE periode = '{TINY_QUARTER}'")[0]
    files = con.execute(f"""SELECT kode_desa, berkas, baris_perlu_dicek FROM daftar_desa WHERE periode = '{TINY_QUARTER}'
                            ORDER BY baris_perlu_dicek DESC""").fetchall()
    assert villages <= len(files) and all((world / f).is_file() for _, f, _ in files)
    assert sum(n for *_, n in files) == one(con, f"SELECT count(*) FROM kandidat_inclusion_error WHERE periode = '{TINY_QUARTER}'")[0]
    kode, path, n = files[0]
    book = openpyxl.load_workbook(world / path, read_only=True)
    try:
        assert book.sheetnames == ["Ringkasan", "Penerima perlu dicek", "Calon penerima", "Belum terdata", "Keterangan"]
        header, *body = list(book["Penerima perlu dicek"].iter_rows(values_only=True))
    finally:
        book.close()
    # every family no source describes is on its village's 'Belum terdata' sheet, by its KK, once
    unregistered = con.execute(f"""SELECT kode_desa, no_kk FROM keluarga WHERE periode = '{TINY_QUARTER}'
                                   AND status_data = 'belum_terdata'""").fetchall()
    assert unregistered and one(con, f"SELECT sum(baris_belum_terdata) FROM daftar_desa WHERE periode = '{TINY_QUARTER}'")[0] == \
        len(unregistered)
    kode_new = max({k for k, _ in unregistered}, key=lambda k: sum(1 for x, _ in unregistered if x == k))
    path_new = next(f for k, f, _ in files if k == kode_new)
    book = openpyxl.load_workbook(world / path_new, read_only=True)
    try:
        header_new, *rows_new = list(book["Belum terdata"].iter_rows(values_only=True))
    finally:
        book.close()
    assert sorted(r[header_new.index("Nomor KK")] for r in rows_new) == sorted(kk for k, kk in unregistered if k == kode_new)
    assert len(body) == n > 0
    listed = {r[0] for r in con.execute(f"""SELECT nik FROM kandidat_inclusion_error WHERE periode = '{TINY_QUARTER}'
                                            AND kode_desa = '{kode}' AND nik IS NOT NULL""").fetchall()}
    niks = {r[header.index("NIK di daftar")] for r in body} - {None}
    assert niks == listed and all(isinstance(v, str) and len(v) == 16 for v in niks)  # NIKs stay text, all 16 digits


def test_candidates_beat_chance_against_the_truth(con):
    for q in (TINY_QUARTER, "2025-04-01"):
        rows = {(p, j, a): (k, b, s) for p, j, a, k, b, s in con.execute(
            f"SELECT program, jenis, alasan, kandidat, benar, kesalahan_sebenarnya FROM evaluasi_sasaran WHERE periode = '{q}'").fetchall()}
        for program in ("pkh", "sembako", "pbi_jk"):
            listed = one(con, f"SELECT count(*) FROM status_penerima WHERE periode = '{q}' AND program = '{program}'")[0]
            kandidat, benar, errors = rows[(program, "inclusion", "DESIL_DI_LUAR_RENTANG")]
            # out-of-range candidates are truly in error far more often than a recipient picked at random
            assert benar / kandidat > 2 * errors / listed, (q, program, benar, kandidat, errors, listed)
            kandidat, benar, errors = rows[(program, "exclusion", "semua")]
            assert 0 < benar <= kandidat and benar / kandidat > 0.5, (q, program, benar, kandidat)


def test_a_dead_recipient_is_listed_in_the_village_dukcapil_last_had(con):
    """A recipient Dukcapil records as dead, with no living family left to place the row, goes to
    the workbook of the village Dukcapil last had (where the death certificate can be checked),
    not to the regency's TANPA_DESA file."""
    for q in ("2025-04-01",):  # deaths of recipients appear from the second quarter on
        rows = con.execute(f"""
            SELECT s.kode_desa, d.kode_desa
            FROM status_penerima s
            JOIN standardise.stg_individu d ON d.periode = s.periode AND d.sumber = 'dukcapil' AND d.nik = s.nik AND d.status_hidup = 'MATI'
            WHERE s.periode = '{q}' AND s.status_nik = 'meninggal'""").fetchall()
        assert rows, q
        assert all(kode is not None for kode, _ in rows), q
        assert any(kode == dukcapil for kode, dukcapil in rows), q


def test_village_workbook_is_ready_for_the_meeting(con, tiny_world):
    """The first sheet says whose list it is; every list has the decision column, NIK cells are
    Text, long reasons wrap, the lists filter and print with their header on every page."""
    world, _ = tiny_world
    kode, path = con.execute(f"""SELECT kode_desa, berkas FROM daftar_desa WHERE periode = '{TINY_QUARTER}' AND kode_desa NOT LIKE '%TANPA%'
                                 ORDER BY baris_perlu_dicek DESC, kode_desa LIMIT 1""").fetchall()[0]
    desa = one(con, f"SELECT nama FROM wilayah WHERE periode = '{TINY_QUARTER}' AND kode = '{kode}'")[0]
    book = openpyxl.load_workbook(world / path)
    summary = book["Ringkasan"]
    assert desa in summary["A1"].value and kode in summary["A1"].value and TINY_QUARTER in summary["A2"].value
    assert [c.value for c in summary[4]][0] == "Program"
    for name, nik in (("Penerima perlu dicek", "NIK di daftar"), ("Calon penerima", "NIK"), ("Belum terdata", "NIK kepala keluarga")):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        assert header[-1] == "Hasil musyawarah (diisi desa)", name
        assert sheet.auto_filter.ref and sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape", name
        if sheet.max_row > 1:
            assert sheet.cell(row=2, column=header.index(nik) + 1).number_format == "@", name
    checked = book["Penerima perlu dicek"]
    header = [c.value for c in checked[1]]
    assert checked.max_row > 1 and checked.cell(row=2, column=header.index("Alasan") + 1).alignment.wrap_text
