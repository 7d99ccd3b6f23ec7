-- rekap_pbi_jk: the quarter's PBI-JK recap per regency and in total (kode_kabupaten 'SEMUA'), like
-- the monthly decree tables: list rows (terdaftar), active and non-active by the list's
-- status_kepesertaan, proposed deactivations by decree reason (they add up to usul_nonaktif),
-- NIKs to correct rather than deactivate (perbaiki_nik), newborns to add, and the active members after the proposals (active, less the active rows
-- proposed for deactivation, plus the newborns).
WITH daftar AS (
    SELECT s.kode_kabupaten, s.sumber, s.file, s.baris, coalesce(p.status_kepesertaan, 'AKTIF') = 'AKTIF' AS aktif
    FROM main.status_penerima s
    JOIN standardise.stg_penerima_bansos p ON p.periode = s.periode AND p.sumber = s.sumber AND p.file = s.file AND p.baris = s.baris
    WHERE s.periode = $periode AND s.program = 'pbi_jk'
),
v AS (
    SELECT v.*, d.aktif FROM main.verifikasi_pbi_jk v
    LEFT JOIN daftar d ON d.sumber = v.sumber AND d.file = v.file AND d.baris = v.baris
    WHERE v.periode = $periode
),
per AS (
    SELECT coalesce(d.kode_kabupaten, '(tanpa wilayah)') AS kode_kabupaten,
           count(*) AS terdaftar,
           count(*) FILTER (d.aktif) AS aktif,
           count(*) FILTER (NOT d.aktif) AS nonaktif
    FROM daftar d GROUP BY 1
),
usul AS (
    SELECT coalesce(kode_kabupaten, '(tanpa wilayah)') AS kode_kabupaten,
           count(*) FILTER (jenis = 'nonaktifkan') AS usul_nonaktif,
           count(*) FILTER (alasan_nonaktif = 'NIK tidak ditemukan') AS nik_tidak_ditemukan,
           count(*) FILTER (alasan_nonaktif = 'meninggal') AS meninggal,
           count(*) FILTER (alasan_nonaktif = 'dihapuskan') AS dihapuskan,
           count(*) FILTER (alasan_nonaktif = 'pindah segmen') AS pindah_segmen,
           count(*) FILTER (alasan_nonaktif = 'pekerjaan tidak sesuai') AS pekerjaan_tidak_sesuai,
           count(*) FILTER (jenis = 'perbaiki_nik') AS perbaiki_nik,
           count(*) FILTER (jenis = 'tambahkan_bayi') AS bayi_baru_lahir,
           count(*) FILTER (jenis = 'nonaktifkan' AND aktif) AS usul_nonaktif_aktif
    FROM v GROUP BY 1
),
gabung AS (
    SELECT kode_kabupaten,
           coalesce(p.terdaftar, 0) AS terdaftar, coalesce(p.aktif, 0) AS aktif, coalesce(p.nonaktif, 0) AS nonaktif,
           coalesce(u.usul_nonaktif, 0) AS usul_nonaktif, coalesce(u.nik_tidak_ditemukan, 0) AS nik_tidak_ditemukan,
           coalesce(u.meninggal, 0) AS meninggal, coalesce(u.dihapuskan, 0) AS dihapuskan,
           coalesce(u.pindah_segmen, 0) AS pindah_segmen, coalesce(u.pekerjaan_tidak_sesuai, 0) AS pekerjaan_tidak_sesuai,
           coalesce(u.perbaiki_nik, 0) AS perbaiki_nik, coalesce(u.bayi_baru_lahir, 0) AS bayi_baru_lahir, coalesce(u.usul_nonaktif_aktif, 0) AS usul_nonaktif_aktif
    FROM per p FULL JOIN usul u USING (kode_kabupaten)
),
total AS (
    SELECT kode_kabupaten, terdaftar, aktif, nonaktif, usul_nonaktif, nik_tidak_ditemukan, meninggal, dihapuskan, pindah_segmen,
           pekerjaan_tidak_sesuai, perbaiki_nik, bayi_baru_lahir, usul_nonaktif_aktif FROM gabung
    UNION ALL
    SELECT 'SEMUA', sum(terdaftar), sum(aktif), sum(nonaktif), sum(usul_nonaktif), sum(nik_tidak_ditemukan), sum(meninggal),
           sum(dihapuskan), sum(pindah_segmen), sum(pekerjaan_tidak_sesuai), sum(perbaiki_nik), sum(bayi_baru_lahir), sum(usul_nonaktif_aktif) FROM gabung
)
SELECT $periode AS periode, t.kode_kabupaten, w.nama AS nama_kabupaten,
       CAST(t.terdaftar AS BIGINT) AS terdaftar, CAST(t.aktif AS BIGINT) AS aktif, CAST(t.nonaktif AS BIGINT) AS nonaktif,
       CAST(t.usul_nonaktif AS BIGINT) AS usul_nonaktif, CAST(t.nik_tidak_ditemukan AS BIGINT) AS nik_tidak_ditemukan,
       CAST(t.meninggal AS BIGINT) AS meninggal, CAST(t.dihapuskan AS BIGINT) AS dihapuskan,
       CAST(t.pindah_segmen AS BIGINT) AS pindah_segmen, CAST(t.pekerjaan_tidak_sesuai AS BIGINT) AS pekerjaan_tidak_sesuai,
       CAST(t.perbaiki_nik AS BIGINT) AS perbaiki_nik, CAST(t.bayi_baru_lahir AS BIGINT) AS bayi_baru_lahir,
       CAST(t.aktif - t.usul_nonaktif_aktif + t.bayi_baru_lahir AS BIGINT) AS aktif_setelah_usulan
FROM total t
LEFT JOIN main.wilayah w ON w.periode = $periode AND w.kode = t.kode_kabupaten
