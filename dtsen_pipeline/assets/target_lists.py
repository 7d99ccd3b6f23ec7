"""Stage `target`: the lists for the village meeting (musyawarah desa/kalurahan).

One workbook per village under ``<data_dir>/keluaran/<YYYY-MM-DD>/`` (``<kode_desa>_<NAMA>.xlsx``),
readable by a village official: Indonesian headers, rows sorted, no code without its meaning.
Sheets: Ringkasan (per programme: on the list, to check, eligible not receiving), Penerima perlu
dicek (inclusion-error candidates with reasons and what to verify), Calon penerima (eligible
families and people not receiving, poorest first, and PBI-JK members' newborns to add), Belum
terdata (families Dukcapil knows in the village that no source describes, to propose for
enumeration) and Keterangan (the village, the period, what desil and prioritas mean, every reason). Candidates
without a village go to ``<kode_kabupaten>_TANPA_DESA.xlsx`` (or ``TANPA_WILAYAH.xlsx``), so none
is lost. The folder of a quarter is rebuilt whole on every run; `daftar_desa` lists the files.
"""

import re
import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset
from rustpy_xlsxwriter import FastExcel, Format

from ..partitions import quarterly
from ..resources import DuckDBStorage, RawData
from .comments import apply_comments
from .target import GROUP, ProgramRules, kandidat_exclusion_error, kandidat_inclusion_error, rule_frames, verifikasi_pbi_jk

# The workbook a row goes to: its village when the village is known, else its regency's
# <kode_kabupaten>_TANPA_DESA, else TANPA_WILAYAH. «desa_dikenal» is every village of the quarter.
KEY = """CASE WHEN dk.kode IS NOT NULL THEN dk.kode WHEN {alias}.kode_kabupaten IS NOT NULL THEN {alias}.kode_kabupaten || '_TANPA_DESA'
          ELSE 'TANPA_WILAYAH' END"""
# an empty column on every list for what the meeting found and decided
DECISION = "Hasil musyawarah (diisi desa)"
KNOWN = "desa_dikenal AS (SELECT kode FROM main.wilayah WHERE periode = $periode AND tingkat = 'desa')"

INCLUSION_SQL = f"""
WITH {KNOWN},
baris AS (
    SELECT {KEY.format(alias="k")} AS kunci, k.*, a.nama_program, a.urutan_program, f.alamat, f.no_kk AS no_kk_keluarga
    FROM main.kandidat_inclusion_error k
    JOIN aturan a ON a.program = k.program
    LEFT JOIN main.keluarga f ON f.periode = k.periode AND f.id_keluarga = k.id_keluarga
    LEFT JOIN desa_dikenal dk ON dk.kode = k.kode_desa
    WHERE k.periode = $periode
)
SELECT kunci,
       row_number() OVER (PARTITION BY kunci ORDER BY prioritas, urutan_program, desil_nasional DESC NULLS FIRST, nama, id_sumber) AS "No",
       nama_program AS "Program",
       nik AS "NIK di daftar",
       nama AS "Nama di daftar",
       coalesce(no_kk, no_kk_keluarga) AS "Nomor KK",
       alamat AS "Alamat",
       desil_nasional AS "Desil nasional (1 = 10% termiskin)",
       alasan_teks AS "Alasan",
       verifikasi AS "Yang perlu diverifikasi",
       prioritas AS "Prioritas (1 = dicek lebih dulu)",
       nik_saran AS "NIK Dukcapil yang mungkin benar",
       NULL::VARCHAR AS "{DECISION}"
FROM baris
ORDER BY kunci, "No"
"""

EXCLUSION_SQL = f"""
WITH {KNOWN},
bayi AS (
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
),
baris AS (
    SELECT {KEY.format(alias="c")} AS kunci, c.*, f.alamat
    FROM calon c
    LEFT JOIN main.keluarga f ON f.periode = $periode AND f.id_keluarga = c.id_keluarga
    LEFT JOIN desa_dikenal dk ON dk.kode = c.kode_desa
)
SELECT kunci,
       row_number() OVER (PARTITION BY kunci ORDER BY urutan_program, jenis, urutan_kabupaten NULLS FIRST, nama, nik) AS "No",
       nama_program AS "Program",
       nik AS "NIK",
       nama AS "Nama",
       no_kk AS "Nomor KK",
       alamat AS "Alamat",
       umur AS "Umur",
       jumlah_anggota AS "Jumlah anggota keluarga",
       desil_nasional AS "Desil nasional (1 = 10% termiskin)",
       urutan_kabupaten AS "Urutan di kabupaten (1 = termiskin)",
       kriteria_teks AS "Kriteria yang dipenuhi",
       verifikasi AS "Yang perlu diverifikasi",
       NULL::VARCHAR AS "{DECISION}"
FROM baris
ORDER BY kunci, "No"
"""

# families Dukcapil knows in the village that no source describes (belum_terdata): never ranked, so
# on no candidate list; the village meeting is where they are proposed for enumeration
UNREGISTERED_SQL = f"""
WITH {KNOWN},
baris AS (
    SELECT {KEY.format(alias="f")} AS kunci, f.*
    FROM main.keluarga f
    LEFT JOIN desa_dikenal dk ON dk.kode = f.kode_desa
    WHERE f.periode = $periode AND f.status_data = 'belum_terdata'
)
SELECT kunci,
       row_number() OVER (PARTITION BY kunci ORDER BY nama_kepala, nik_kepala) AS "No",
       no_kk AS "Nomor KK",
       nik_kepala AS "NIK kepala keluarga",
       nama_kepala AS "Nama kepala keluarga",
       alamat AS "Alamat",
       jumlah_anggota AS "Jumlah anggota keluarga",
       CASE WHEN no_kk_bentuk <> 'ok'
            THEN 'Nomor KK di Dukcapil tidak valid: perbaiki KK di Dukcapil; bila keluarga tidak mampu, usulkan pendataan melalui musyawarah desa'
            ELSE 'Keluarga belum terdata di DTSEN (tidak ada data sosial ekonomi): bila tidak mampu, usulkan pendataan melalui musyawarah desa'
       END AS "Yang perlu dilakukan",
       NULL::VARCHAR AS "{DECISION}"
FROM baris
ORDER BY kunci, "No"
"""

# the workbooks: every village with families or candidates, and the files of candidates without one
BOOKS_SQL = f"""
WITH {KNOWN},
kunci_kandidat AS (
    SELECT {KEY.format(alias="x")} AS kunci, any_value(x.kode_kabupaten) AS kode_kabupaten
    FROM (SELECT kode_desa, kode_kabupaten FROM main.kandidat_inclusion_error WHERE periode = $periode
          UNION ALL SELECT kode_desa, kode_kabupaten FROM main.kandidat_exclusion_error WHERE periode = $periode
          UNION ALL SELECT kode_desa, kode_kabupaten FROM main.verifikasi_pbi_jk WHERE periode = $periode AND jenis = 'tambahkan_bayi'
          UNION ALL SELECT kode_desa, kode_kabupaten FROM main.keluarga WHERE periode = $periode AND status_data = 'belum_terdata') x
    LEFT JOIN desa_dikenal dk ON dk.kode = x.kode_desa
    GROUP BY 1
),
kunci AS (
    SELECT kode_desa AS kunci FROM main.keluarga WHERE periode = $periode AND kode_desa IN (SELECT kode FROM desa_dikenal)
    UNION SELECT kunci FROM kunci_kandidat
)
SELECT k.kunci AS kode_desa,
       coalesce(d.nama, CASE WHEN k.kunci = 'TANPA_WILAYAH' THEN 'Tanpa wilayah'
                             ELSE 'Tanpa desa (kabupaten/kota ' || kk.nama || ')' END) AS nama_desa,
       c.kode AS kode_kecamatan, c.nama AS nama_kecamatan,
       coalesce(kk.kode, kc.kode_kabupaten) AS kode_kabupaten, kk.nama AS nama_kabupaten, p.nama AS nama_provinsi
FROM kunci k
LEFT JOIN kunci_kandidat kc ON kc.kunci = k.kunci
LEFT JOIN main.wilayah d ON d.periode = $periode AND d.tingkat = 'desa' AND d.kode = k.kunci
LEFT JOIN main.wilayah c ON c.periode = $periode AND c.kode = substr(d.kode, 1, 6)
LEFT JOIN main.wilayah kk ON kk.periode = $periode AND kk.kode = coalesce(substr(d.kode, 1, 4), kc.kode_kabupaten)
LEFT JOIN main.wilayah p ON p.periode = $periode AND p.kode = substr(coalesce(d.kode, kc.kode_kabupaten), 1, 2)
ORDER BY 1
"""

# per workbook and programme: rows on the list, to check, eligible not receiving
SUMMARY_SQL = f"""
WITH {KNOWN},
n AS (
    SELECT {KEY.format(alias="s")} AS kunci, s.program, 'daftar' AS jenis FROM main.status_penerima s
    LEFT JOIN desa_dikenal dk ON dk.kode = s.kode_desa WHERE s.periode = $periode
    UNION ALL
    SELECT {KEY.format(alias="k")}, k.program, 'dicek' FROM main.kandidat_inclusion_error k
    LEFT JOIN desa_dikenal dk ON dk.kode = k.kode_desa WHERE k.periode = $periode
)
SELECT kunci, program, count(*) FILTER (jenis = 'daftar') AS daftar, count(*) FILTER (jenis = 'dicek') AS dicek
FROM n GROUP BY ALL
"""

GENERAL_NOTES = [
    ("Desil nasional", "Peringkat kesejahteraan keluarga se-Indonesia dalam 10 kelompok yang sama besar (jumlah orang): desil 1 = 10% "
                       "penduduk termiskin, desil 10 = 10% terkaya. Dihitung ulang setiap kuartal."),
    ("Prioritas", "Urutan pengecekan penerima: 1 = dicek lebih dulu (alasan paling mendesak, mis. meninggal). Lihat daftar alasan di bawah."),
    ("Urutan di kabupaten", "Urutan calon penerima di kabupaten/kota menurut kesejahteraan, untuk setiap program sendiri: 1 = paling "
                            "miskin (keluarga; untuk program perorangan seperti PBI-JK, orang). Satu keluarga bisa punya urutan "
                            "berbeda di program yang berbeda."),
    ("Hasil musyawarah (diisi desa)", "Kolom kosong di setiap daftar untuk hasil verifikasi dan keputusan musyawarah desa, mis. "
                                      "'sesuai', 'tidak sesuai: sudah pindah', 'usulkan'. Ketik NIK sebagai teks (kolom NIK sudah "
                                      "berformat teks)."),
    ("NIK Dukcapil yang mungkin benar", "Bila NIK di daftar tidak ditemukan atau milik orang lain: NIK orang yang kemungkinan besar "
                                        "dimaksud (nama dan KK/tanggal lahir/desa cocok). Periksa KTP/KK sebelum memperbaiki."),
    ("NIK yang sama di dua lembar", "Bila NIK di daftar penerima ternyata milik orang lain (nama tidak cocok), baris daftar itu ada "
                                    "di 'Penerima perlu dicek', dan pemilik NIK yang sebenarnya bisa muncul di 'Calon penerima' bila "
                                    "memenuhi syarat: keduanya orang yang berbeda."),
    ("Belum terdata", "Keluarga yang tercatat di Dukcapil di desa ini tetapi belum punya data sosial ekonomi di DTSEN (tidak ada "
                      "sumber yang mendata), sehingga belum diperingkat dan tidak bisa menjadi calon penerima. Bila tidak mampu, "
                      "usulkan pendataan melalui musyawarah desa."),
    ("Sanggahan", "Setiap keluarga yang bantuannya dihentikan berhak mengajukan sanggahan (aplikasi Cek Bansos atau dinas sosial)."),
]
WIDTHS = {"Program": 30, "Alasan": 60, "Yang perlu diverifikasi": 60, "Yang perlu dilakukan": 60, "Kriteria yang dipenuhi": 45, "Alamat": 30, "Hal": 45,
          "Penjelasan": 100, "No": 6, DECISION: 40}
# long texts wrap inside their column (a reason is 113 characters on average, up to ~460)
WRAPPED = {"Alasan", "Yang perlu diverifikasi", "Yang perlu dilakukan", "Kriteria yang dipenuhi", "Alamat", "Hal", "Penjelasan",
           "Nama di daftar", "Nama", "Nama kepala keluarga", DECISION}
# identity numbers as Text cells: a NIK typed in at the meeting stays 16 digits, not 3.4E+15
TEXT = {"NIK di daftar", "NIK", "Nomor KK", "NIK kepala keluarga", "NIK Dukcapil yang mungkin benar"}
# every sheet prints landscape on A4, one page wide, the header row on every page
PAGE = {"landscape": True, "paper_size": 9, "fit_to_pages": (1, 0), "repeat_rows": 0}
SUMMARY_TOP = 3  # Ringkasan's table starts below the village, the quarter and the count of families not yet enumerated


def _slug(text: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", (text or "").upper()).strip("_")[:40] or "TANPA_NAMA"


@dataclass
class Sheet:
    """The rows of one sheet for every workbook, sliced by workbook key. A small slice goes to the
    xlsx writer as plain records (least overhead per sheet), a large one as a DataFrame (faster
    per row); an empty one keeps its header."""
    table: pa.Table
    slices: dict[str, tuple[int, int]]
    RECORDS_UP_TO = 300

    @classmethod
    def from_arrow(cls, table: pa.Table) -> "Sheet":
        keys = table.column("kunci").to_pylist()
        if any(a > b for a, b in zip(keys, keys[1:])):  # the query's order did not come through: sort here
            table = table.sort_by([("kunci", "ascending"), ("No", "ascending")])
            keys = table.column("kunci").to_pylist()
        slices, start = {}, 0
        for i in range(1, len(keys) + 1):
            if i == len(keys) or keys[i] != keys[start]:
                slices[keys[start]] = (start, i - start)
                start = i
        return cls(table.drop_columns(["kunci"]), slices)

    def get(self, key: str):
        start, length = self.slices.get(key, (0, 0))
        part = self.table.slice(start, length)
        return part.to_pylist() if 0 < length <= self.RECORDS_UP_TO else part.to_pandas()


def _summary(programs: dict[str, str], listed: set[str], counts: dict, exclusion: list, key: str) -> list[dict]:
    """Per programme: rows on its recipient list ('tidak ada daftar' for a programme without one),
    rows to check, eligible not receiving."""
    excluded = Counter(r["Program"] for r in exclusion) if isinstance(exclusion, list) else Counter(exclusion["Program"])
    return [{"Program": name,
             "Baris di daftar penerima": counts.get((key, program), (0, 0))[0] if program in listed else "tidak ada daftar",
             "Penerima perlu dicek": counts.get((key, program), (0, 0))[1],
             "Calon penerima (belum menerima)": excluded.get(name, 0)} for program, name in programs.items()]


def _title(book: dict, periode: str, unregistered: int) -> list[str]:
    """Ringkasan's first lines: whose list this is, for which quarter."""
    kode = book["kode_desa"]
    place = f"{book['nama_desa']}" + ("" if "TANPA" in kode else f" (kode {kode})")
    region = ", ".join(x for x in (book.get("nama_kecamatan") and f"Kecamatan {book['nama_kecamatan']}", book.get("nama_kabupaten"),
                                   book.get("nama_provinsi")) if x)
    return [f"Daftar verifikasi musyawarah desa: {place}",
            (f"{region}. " if region else "") + f"Periode (kuartal mulai) {periode}. Keluarga belum terdata di DTSEN: {unregistered} "
            "(lembar Belum terdata). Isi kolom 'Hasil musyawarah' di setiap lembar; penjelasan di lembar Keterangan."]


def _notes(book: dict, periode: str, reasons: list[tuple]) -> list[dict]:
    kode = book["kode_desa"]
    rows = [("Desa/Kelurahan", f"{book['nama_desa']}" + ("" if "TANPA" in kode else f" (kode {kode})")),
            ("Kecamatan/Kapanewon", book.get("nama_kecamatan") or "-"),
            ("Kabupaten/Kota", book.get("nama_kabupaten") or "-"),
            ("Provinsi", book.get("nama_provinsi") or "-"),
            ("Periode (kuartal mulai)", periode),
            *GENERAL_NOTES]
    rows += [(f"Alasan (prioritas {prioritas}): {teks}", f"Yang perlu diverifikasi: {verifikasi}") for prioritas, teks, verifikasi in reasons]
    return [{"Hal": hal, "Penjelasan": arti} for hal, arti in rows]


def _write_book(path: Path, sheets: list[tuple[str, object]], title: list[str] | None = None) -> int:
    """The workbook: long texts wrapped, identity numbers as Text, filters on the lists, printed
    landscape one page wide with the header on every page; ``title`` lines above the first sheet."""
    wrap, text = Format().set_text_wrap().set_align("top"), Format().set_num_format("@").set_align("top")
    top, bold = Format().set_align("top"), Format().set_bold().set_text_wrap().set_align("top")
    book = FastExcel(path).format(bold_headers=True)
    for i, (name, data) in enumerate(sheets):
        columns = list(data[0]) if isinstance(data, list) and data else list(getattr(data, "columns", []))
        header = SUMMARY_TOP if i == 0 and title else 0
        book = book.freeze(row=header + 1, sheet=name).sheet(
            name, data, column_widths=[WIDTHS.get(c, 18) for c in columns], header_row=header,
            column_formats=[wrap if c in WRAPPED else text if c in TEXT else top for c in columns],
            merge_ranges=[(r, 0, r, max(len(columns) - 1, 0), line, bold if r == 0 else wrap) for r, line in enumerate(title)]
            if header else None,
            row_heights={1: 48.0} if header else None,  # (the writer ignores a height for row 0)
            autofilter=bool(columns) and name not in ("Ringkasan", "Keterangan"),
            page_setup={**PAGE, "repeat_rows": header})
    book.save()
    return path.stat().st_size


def write_books(out_root: Path, periode: str, programs: dict[str, str], books: list[dict], inclusion: Sheet, exclusion: Sheet,
                unregistered: Sheet, counts: dict, reasons: list[tuple], workers: int = 2, listed: set[str] | None = None) -> list[dict]:
    """Write the quarter's workbooks into ``out_root/<periode>/`` (rebuilt whole: written beside it,
    then swapped in) and return one row per file. ``books`` are the workbooks (village identity),
    ``counts`` maps (workbook, programme) to (rows on the list, rows to check); ``listed``: the
    programmes that have a recipient list (default: all)."""
    listed = set(programs) if listed is None else listed
    final = out_root / periode
    staging = out_root / f".{periode}.baru"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)

    def one(book: dict) -> dict:
        key = book["kode_desa"]
        inc, exc, new = inclusion.get(key), exclusion.get(key), unregistered.get(key)
        name = f"{key}.xlsx" if "TANPA" in key else f"{key}_{_slug(book['nama_desa'])}.xlsx"
        size = _write_book(staging / name, [
            ("Ringkasan", _summary(programs, listed, counts, exc, key)),
            ("Penerima perlu dicek", inc),
            ("Calon penerima", exc),
            ("Belum terdata", new),
            ("Keterangan", _notes(book, periode, reasons)),
        ], title=_title(book, periode, len(new)))
        return {"kode_desa": key, "nama_desa": book["nama_desa"], "kode_kecamatan": book.get("kode_kecamatan"),
                "kode_kabupaten": book.get("kode_kabupaten"), "berkas": f"keluaran/{periode}/{name}",
                "baris_perlu_dicek": len(inc), "baris_calon_penerima": len(exc), "baris_belum_terdata": len(new),
                "ukuran_byte": size}  # size: metadata only

    if workers > 1:  # the writer releases the GIL while it compresses
        with ThreadPoolExecutor(max_workers=workers) as pool:
            written = list(pool.map(one, books))
    else:
        written = [one(book) for book in books]
    # swap the quarter's folder whole: a re-run never leaves files of an earlier run behind
    old = out_root / f".{periode}.lama"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return written


@asset(group_name=GROUP, partitions_def=quarterly,
       deps=[kandidat_inclusion_error, kandidat_exclusion_error, verifikasi_pbi_jk, "status_penerima", "keluarga", "wilayah"],
       kinds={"duckdb", "excel"},
       description="One .xlsx per village (desa/kalurahan) under <data>/keluaran/<quarter>/ for the village meeting: recipients to "
                   "check with reasons and what to verify, eligible families and people not receiving (poorest first) and PBI-JK "
                   "newborns, a summary and the meaning of every reason; the table lists the files and their rows.")
def daftar_desa(context: AssetExecutionContext, storage: DuckDBStorage, raw: RawData, aturan: ProgramRules) -> MaterializeResult:
    periode = context.partition_key
    rules = aturan.load()
    frames = rule_frames(rules)
    started = time.perf_counter()
    # the sheets' rows come out in their queries' ORDER BY (kunci, "No": a total order), which
    # DuckDB keeps whatever preserve_insertion_order says
    with storage.connect() as con:
        for name, table in frames.items():
            con.register(name, table)
        inclusion = Sheet.from_arrow(con.sql(INCLUSION_SQL, params={"periode": periode}).to_arrow_table())
        exclusion = Sheet.from_arrow(con.sql(EXCLUSION_SQL, params={"periode": periode}).to_arrow_table())
        unregistered = Sheet.from_arrow(con.sql(UNREGISTERED_SQL, params={"periode": periode}).to_arrow_table())
        books = con.sql(BOOKS_SQL, params={"periode": periode}).to_arrow_table().sort_by("kode_desa").to_pylist()
        counts = {(k, p): (d, c) for k, p, d, c in con.execute(SUMMARY_SQL, {"periode": periode}).fetchall()}
        reasons = con.execute("SELECT prioritas, teks, verifikasi FROM alasan ORDER BY prioritas, kode").fetchall()
    queried = time.perf_counter() - started
    programs = {key: p["nama"] for key, p in rules.programs.items()}

    final = Path(raw.data_dir) / "keluaran" / periode
    listed = {key for key, p in rules.programs.items() if p.get("daftar_penerima")}
    written = write_books(final.parent, periode, programs, books, inclusion, exclusion, unregistered, counts, reasons, listed=listed)
    elapsed = time.perf_counter() - started

    # (not the files' sizes: the writer stamps the time in each workbook, so a re-run differs by a byte or two)
    table = pd.DataFrame(written, columns=["kode_desa", "nama_desa", "kode_kecamatan", "kode_kabupaten", "berkas", "baris_perlu_dicek",
                                           "baris_calon_penerima", "baris_belum_terdata"])
    rows = storage.replace_partition("main.daftar_desa", periode, table.assign(periode=periode)[["periode", *table.columns]])
    apply_comments(storage, "daftar_desa")
    context.log.info("daftar_desa %s: %d workbooks in %s (%.1f s, queries %.1f s)", periode, rows, final, elapsed, queried)
    return MaterializeResult(metadata={
        "berkas": rows,
        "folder": str(final),
        "baris_perlu_dicek": int(table["baris_perlu_dicek"].sum()),
        "baris_calon_penerima": int(table["baris_calon_penerima"].sum()),
        "baris_belum_terdata": int(table["baris_belum_terdata"].sum()),
        "detik": round(elapsed, 2),
        "ukuran_total_mib": round(sum(w["ukuran_byte"] for w in written) / 2**20, 1),
        "terbesar": MetadataValue.md(table.nlargest(5, "baris_calon_penerima")[["kode_desa", "nama_desa", "baris_perlu_dicek",
                                                                                 "baris_calon_penerima"]].to_markdown(index=False)),
    })
