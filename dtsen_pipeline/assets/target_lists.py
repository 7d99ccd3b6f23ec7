"""Stage `target`: the lists for the village meeting (musyawarah desa/kalurahan).

One workbook per village under ``<data_dir>/keluaran/<YYYY-MM-DD>/`` (``<kode_desa>_<NAMA>.xlsx``),
readable by a village official: Indonesian headers, rows sorted, no code without its meaning.
Sheets: Ringkasan (per programme: on the list, to check, eligible not receiving), Penerima perlu
dicek (inclusion-error candidates with reasons and what to verify), Calon penerima (eligible
families and people not receiving, poorest first, and PBI-JK members' newborns to add) and
Keterangan (the village, the period, what desil and prioritas mean, every reason). Candidates
without a village go to ``<kode_kabupaten>_TANPA_DESA.xlsx`` (or ``TANPA_WILAYAH.xlsx``), so none
is lost. The folder of a quarter is rebuilt whole on every run; `daftar_desa` lists the files.
"""

import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from rustpy_xlsxwriter import FastExcel

from ..partitions import quarterly
from ..resources import DuckDBStorage, RawData
from .comments import apply_comments
from .target import GROUP, ProgramRules, kandidat_exclusion_error, kandidat_inclusion_error, rule_frames, verifikasi_pbi_jk

INCLUSION_SQL = """
SELECT coalesce(k.kode_desa, '') AS kode_desa, k.kode_kabupaten,
       a.nama_program AS "Program",
       k.nik AS "NIK di daftar",
       k.nama AS "Nama di daftar",
       coalesce(k.no_kk, f.no_kk) AS "Nomor KK",
       f.alamat AS "Alamat",
       k.desil_nasional AS "Desil nasional (1 = 10% termiskin)",
       k.alasan_teks AS "Alasan",
       k.verifikasi AS "Yang perlu diverifikasi",
       k.prioritas AS "Prioritas (1 = dicek lebih dulu)",
       k.nik_saran AS "NIK Dukcapil yang mungkin benar"
FROM main.kandidat_inclusion_error k
JOIN aturan a ON a.program = k.program
LEFT JOIN main.keluarga f ON f.periode = k.periode AND f.id_keluarga = k.id_keluarga
WHERE k.periode = $periode
ORDER BY kode_desa, k.prioritas, a.urutan_program, k.desil_nasional DESC NULLS FIRST, k.nama, k.id_sumber
"""

EXCLUSION_SQL = """
WITH bayi AS (
    SELECT v.*, 'Bayi baru lahir dari peserta PBI-JK (NIK peserta: ' || v.nik_anggota || ')' AS teks
    FROM main.verifikasi_pbi_jk v WHERE v.periode = $periode AND v.jenis = 'tambahkan_bayi'
),
calon AS (
    -- a newborn who is also an eligible PBI-JK non-recipient is listed once, with both
    SELECT e.kode_desa, e.kode_kabupaten, a.nama_program, e.nik, e.nama, e.no_kk, e.id_keluarga, e.umur, e.jumlah_anggota,
           e.desil_nasional, e.urutan_kabupaten, concat_ws('; ', b.teks, e.kriteria_teks) AS kriteria_teks,
           CASE WHEN b.id_individu IS NOT NULL THEN 'Daftarkan bayi sebagai peserta PBI-JK'
                WHEN a.satuan = 'keluarga' THEN 'Pastikan kondisi keluarga sesuai data dan belum menerima; usulkan melalui musyawarah desa'
                ELSE 'Pastikan kondisi orang ini sesuai data dan belum menerima; usulkan melalui musyawarah desa' END AS verifikasi,
           1 AS jenis, a.urutan_program
    FROM main.kandidat_exclusion_error e JOIN aturan a ON a.program = e.program
    LEFT JOIN bayi b ON e.program = 'pbi_jk' AND b.id_individu = e.id_individu
    WHERE e.periode = $periode
    UNION ALL
    SELECT b.kode_desa, b.kode_kabupaten, coalesce(a.nama_program, 'PBI-JK'), b.nik, b.nama, s.no_kk, b.id_keluarga, s.umur,
           NULL, NULL, NULL, b.teks, 'Daftarkan bayi sebagai peserta PBI-JK', 0, coalesce(a.urutan_program, 0)
    FROM bayi b
    LEFT JOIN aturan a ON a.program = 'pbi_jk'
    LEFT JOIN main.individu s ON s.periode = b.periode AND s.id_individu = b.id_individu
    WHERE NOT EXISTS (SELECT 1 FROM main.kandidat_exclusion_error e
                      WHERE e.periode = $periode AND e.program = 'pbi_jk' AND e.id_individu = b.id_individu)
)
SELECT coalesce(c.kode_desa, '') AS kode_desa, c.kode_kabupaten,
       c.nama_program AS "Program",
       c.nik AS "NIK",
       c.nama AS "Nama",
       c.no_kk AS "Nomor KK",
       f.alamat AS "Alamat",
       c.umur AS "Umur",
       c.jumlah_anggota AS "Jumlah anggota keluarga",
       c.desil_nasional AS "Desil nasional (1 = 10% termiskin)",
       c.urutan_kabupaten AS "Urutan di kabupaten (1 = termiskin)",
       c.kriteria_teks AS "Kriteria yang dipenuhi",
       c.verifikasi AS "Yang perlu diverifikasi"
FROM calon c
LEFT JOIN main.keluarga f ON f.periode = $periode AND f.id_keluarga = c.id_keluarga
ORDER BY kode_desa, c.urutan_program, c.jenis, c.urutan_kabupaten NULLS FIRST, c.nama, c.nik
"""

VILLAGES_SQL = """
SELECT d.kode AS kode_desa, d.nama AS nama_desa, c.kode AS kode_kecamatan, c.nama AS nama_kecamatan,
       k.kode AS kode_kabupaten, k.nama AS nama_kabupaten, p.nama AS nama_provinsi
FROM main.wilayah d
LEFT JOIN main.wilayah c ON c.periode = d.periode AND c.kode = substr(d.kode, 1, 6)
LEFT JOIN main.wilayah k ON k.periode = d.periode AND k.kode = substr(d.kode, 1, 4)
LEFT JOIN main.wilayah p ON p.periode = d.periode AND p.kode = substr(d.kode, 1, 2)
WHERE d.periode = $periode AND d.tingkat = 'desa'
  AND (d.kode IN (SELECT kode_desa FROM main.keluarga WHERE periode = $periode)
       OR d.kode IN (SELECT kode_desa FROM main.kandidat_inclusion_error WHERE periode = $periode)
       OR d.kode IN (SELECT kode_desa FROM main.kandidat_exclusion_error WHERE periode = $periode))
ORDER BY d.kode
"""

LIST_COUNTS_SQL = """
SELECT coalesce(s.kode_desa, '') AS kode_desa, a.nama_program AS "Program", count(*) AS n
FROM main.status_penerima s JOIN aturan a ON a.program = s.program
WHERE s.periode = $periode GROUP BY ALL
"""

GENERAL_NOTES = [
    ("Desil nasional", "Peringkat kesejahteraan keluarga se-Indonesia dalam 10 kelompok yang sama besar (jumlah orang): desil 1 = 10% "
                       "penduduk termiskin, desil 10 = 10% terkaya. Dihitung ulang setiap kuartal."),
    ("Prioritas", "Urutan pengecekan penerima: 1 = dicek lebih dulu (alasan paling mendesak, mis. meninggal). Lihat daftar alasan di bawah."),
    ("Urutan di kabupaten", "Urutan calon penerima di kabupaten/kota menurut kesejahteraan: 1 = keluarga termiskin."),
    ("NIK Dukcapil yang mungkin benar", "Bila NIK di daftar tidak ditemukan atau milik orang lain: NIK orang yang kemungkinan besar "
                                        "dimaksud (nama dan KK/tanggal lahir/desa cocok). Periksa KTP/KK sebelum memperbaiki."),
    ("Sanggahan", "Setiap keluarga yang bantuannya dihentikan berhak mengajukan sanggahan (aplikasi Cek Bansos atau dinas sosial)."),
]


def _slug(text: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", (text or "").upper()).strip("_")[:40] or "TANPA_NAMA"


def _split(frame: pd.DataFrame, key: str) -> dict[str, pd.DataFrame]:
    """The rows of each value of ``key`` (the frame is sorted by it), as slices without the region
    columns."""
    if not len(frame):
        return {}
    keys = frame[key].to_numpy()
    body = frame.drop(columns=["kode_desa", "kode_kabupaten"], errors="ignore")
    starts = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1).tolist(), len(keys)]
    return {keys[a]: body.iloc[a:b].reset_index(drop=True) for a, b in zip(starts, starts[1:])}


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.insert(0, "No", range(1, len(out) + 1))
    return out


def _summary(programs: list[str], listed: pd.DataFrame, inclusion: pd.DataFrame, exclusion: pd.DataFrame) -> pd.DataFrame:
    def count(frame, program):
        return int((frame["Program"] == program).sum()) if len(frame) else 0

    on_list = dict(zip(listed["Program"], listed["n"])) if len(listed) else {}
    return pd.DataFrame({
        "Program": programs,
        "Baris di daftar penerima": [int(on_list.get(p, 0)) for p in programs],
        "Penerima perlu dicek": [count(inclusion, p) for p in programs],
        "Calon penerima (belum menerima)": [count(exclusion, p) for p in programs],
    })


def _notes(village: dict, periode: str, reasons: pd.DataFrame) -> pd.DataFrame:
    rows = [("Desa/Kelurahan", f"{village['nama_desa']} (kode {village['kode_desa']})"),
            ("Kecamatan/Kapanewon", f"{village.get('nama_kecamatan') or '-'}"),
            ("Kabupaten/Kota", f"{village.get('nama_kabupaten') or '-'}"),
            ("Provinsi", f"{village.get('nama_provinsi') or '-'}"),
            ("Periode (kuartal mulai)", periode),
            *GENERAL_NOTES]
    rows += [(f"Alasan (prioritas {r.prioritas}): {r.teks}", f"Yang perlu diverifikasi: {r.verifikasi}") for r in reasons.itertuples()]
    return pd.DataFrame(rows, columns=["Hal", "Penjelasan"])


def _write_book(path: Path, sheets: list[tuple[str, pd.DataFrame]]) -> int:
    book = FastExcel(path).format(bold_headers=True).freeze(row=1)
    for name, frame in sheets:
        # small sheets as records: a DataFrame costs a few ms per sheet, which adds up over villages
        data = frame.to_dict("records") if 0 < len(frame) <= 50 else frame
        book = book.sheet(name, data, column_width=18)
    book.save()
    return path.stat().st_size


def write_books(out_root: Path, periode: str, programs: list[str], inclusion: pd.DataFrame, exclusion: pd.DataFrame,
                villages: pd.DataFrame, listed: pd.DataFrame, reasons: pd.DataFrame, workers: int = 2) -> list[dict]:
    """Write the quarter's workbooks into ``out_root/<periode>/`` (rebuilt whole) and return one
    row per file. ``inclusion``/``exclusion`` are the sheets' rows sorted by kode_desa (with
    kode_kabupaten), ``villages`` the villages that get a workbook, ``listed`` the list rows per
    village and programme, ``reasons`` the reason codes' texts."""
    # every candidate goes to a village file; without a village, to its regency's (or the no-region) file
    known = set(villages["kode_desa"])
    for frame in (inclusion, exclusion):
        if len(frame):
            missing = ~frame["kode_desa"].isin(known)
            if missing.any():
                frame.loc[missing, "kode_desa"] = frame.loc[missing, "kode_kabupaten"].fillna("").map(
                    lambda k: f"{k}_TANPA_DESA" if k else "TANPA_WILAYAH")
                frame.sort_values("kode_desa", kind="stable", inplace=True, ignore_index=True)
    books = {r.kode_desa: r._asdict() for r in villages.itertuples(index=False)}
    for key in sorted((set(inclusion["kode_desa"]) | set(exclusion["kode_desa"])) - known):
        kab = key.split("_")[0] if key != "TANPA_WILAYAH" else ""
        books[key] = {"kode_desa": key, "nama_desa": f"Tanpa desa (kabupaten/kota {kab})" if kab else "Tanpa wilayah",
                      "kode_kecamatan": None, "nama_kecamatan": None, "kode_kabupaten": kab or None, "nama_kabupaten": None,
                      "nama_provinsi": None}
    by_inclusion, by_exclusion, by_listed = _split(inclusion, "kode_desa"), _split(exclusion, "kode_desa"), _split(listed, "kode_desa")

    final = out_root / periode
    staging = out_root / f".{periode}.baru"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    empty_inc = inclusion.drop(columns=["kode_desa", "kode_kabupaten"]).iloc[:0]
    empty_exc = exclusion.drop(columns=["kode_desa", "kode_kabupaten"]).iloc[:0]

    def one(key: str) -> dict:
        village = books[key]
        inc = by_inclusion.get(key, empty_inc)
        exc = by_exclusion.get(key, empty_exc)
        name = f"{key}.xlsx" if "TANPA" in key else f"{key}_{_slug(village['nama_desa'])}.xlsx"
        size = _write_book(staging / name, [
            ("Ringkasan", _summary(programs, by_listed.get(key, listed.iloc[:0]), inc, exc)),
            ("Penerima perlu dicek", _numbered(inc)),
            ("Calon penerima", _numbered(exc)),
            ("Keterangan", _notes(village, periode, reasons)),
        ])
        return {"kode_desa": key, "nama_desa": village["nama_desa"], "kode_kecamatan": village.get("kode_kecamatan"),
                "kode_kabupaten": village.get("kode_kabupaten"), "berkas": f"keluaran/{periode}/{name}",
                "baris_perlu_dicek": len(inc), "baris_calon_penerima": len(exc), "ukuran_byte": size}

    with ThreadPoolExecutor(max_workers=workers) as pool:
        written = list(pool.map(one, sorted(books)))
    # swap the quarter's folder whole: a re-run never leaves files of an earlier run behind
    old = out_root / f".{periode}.lama"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)

    return written


@asset(group_name=GROUP, partitions_def=quarterly, deps=[kandidat_inclusion_error, kandidat_exclusion_error, verifikasi_pbi_jk, "wilayah"],
       kinds={"duckdb", "excel"},
       description="One .xlsx per village (desa/kalurahan) under <data>/keluaran/<quarter>/ for the village meeting: recipients to "
                   "check with reasons and what to verify, eligible families and people not receiving (poorest first) and PBI-JK "
                   "newborns, a summary and the meaning of every reason; the table lists the files and their rows.")
def daftar_desa(context: AssetExecutionContext, storage: DuckDBStorage, raw: RawData, aturan: ProgramRules) -> MaterializeResult:
    periode = context.partition_key
    rules = aturan.load()
    frames = rule_frames(rules)
    started = time.perf_counter()
    with storage.connect(read_only=False) as con:
        for name, table in frames.items():
            con.register(name, table)
        inclusion = con.execute(INCLUSION_SQL, {"periode": periode}).df()
        exclusion = con.execute(EXCLUSION_SQL, {"periode": periode}).df()
        villages = con.execute(VILLAGES_SQL, {"periode": periode}).df()
        listed = con.execute(LIST_COUNTS_SQL, {"periode": periode}).df()
        reasons = con.execute("SELECT kode, prioritas, teks, verifikasi FROM alasan ORDER BY prioritas, kode").df()
    queried = time.perf_counter() - started
    programs = [p["nama"] for p in rules.programs.values()]

    final = Path(raw.data_dir) / "keluaran" / periode
    written = write_books(final.parent, periode, programs, inclusion, exclusion, villages, listed, reasons)
    elapsed = time.perf_counter() - started

    table = pd.DataFrame(written, columns=["kode_desa", "nama_desa", "kode_kecamatan", "kode_kabupaten", "berkas", "baris_perlu_dicek",
                                           "baris_calon_penerima", "ukuran_byte"])
    rows = storage.replace_partition("main.daftar_desa", periode, table.assign(periode=periode)[["periode", *table.columns]])
    apply_comments(storage, "daftar_desa")
    context.log.info("daftar_desa %s: %d workbooks in %s (%.1f s, queries %.1f s)", periode, rows, final, elapsed, queried)
    return MaterializeResult(metadata={
        "berkas": rows,
        "folder": str(final),
        "baris_perlu_dicek": int(table["baris_perlu_dicek"].sum()),
        "baris_calon_penerima": int(table["baris_calon_penerima"].sum()),
        "detik": round(elapsed, 2),
        "terbesar": MetadataValue.md(table.nlargest(5, "baris_calon_penerima")[["kode_desa", "nama_desa", "baris_perlu_dicek",
                                                                                 "baris_calon_penerima"]].to_markdown(index=False)),
    })
