-- verifikasi_pbi_jk: what the monthly PBI-JK decree needs. jenis 'nonaktifkan': every PBI-JK list
-- row with a reason that the decrees recognise, under ONE decree reason (`alasan_nonaktif`: NIK
-- tidak ditemukan, meninggal, dihapuskan, pindah segmen, pekerjaan tidak sesuai), that of its most
-- urgent such reason (the rules' alasan.*.pbi_jk); rows with only verification reasons stay in
-- kandidat_inclusion_error. A row whose NIK is not in Dukcapil but whose person was found under
-- another NIK (nik_saran) is not deactivated for it: jenis 'perbaiki_nik' (correct the NIK), unless
-- another decree reason applies to that person. jenis 'tambahkan_bayi': babies born in the last $bayi_baru_lahir_bulan
-- months who are not on the list and have a family member on it (a PBI-JK member's newborn), with
-- that member (the mother if she is on the list).
WITH daftar AS (
    SELECT * FROM main.status_penerima WHERE periode = $periode AND program = 'pbi_jk'
),
nonaktif AS (
    SELECT d.sumber, d.file, d.baris, arg_min(a.pbi_jk, a.prioritas) AS alasan_nonaktif, arg_min(a.kode, a.prioritas) AS kode_alasan
    FROM daftar d CROSS JOIN unnest(d.alasan) AS x(kode) JOIN alasan a ON a.kode = x.kode
    WHERE a.pbi_jk IS NOT NULL AND NOT (x.kode = 'NIK_TIDAK_DITEMUKAN' AND d.nik_saran IS NOT NULL)
    GROUP BY ALL
),
perbaiki AS (
    SELECT d.sumber, d.file, d.baris FROM daftar d
    WHERE d.nik_saran IS NOT NULL AND list_contains(d.alasan, 'NIK_TIDAK_DITEMUKAN')
      AND NOT EXISTS (SELECT 1 FROM nonaktif n WHERE n.sumber = d.sumber AND n.file = d.file AND n.baris = d.baris)
),
peserta AS (
    SELECT DISTINCT d.id_individu, d.id_keluarga, d.nik FROM daftar d WHERE d.id_individu IS NOT NULL
),
bayi AS (
    SELECT i.*
    FROM target.syarat_individu i
    WHERE i.periode = $periode AND i.tgl_lahir > CAST($periode AS DATE) - to_months($bayi_baru_lahir_bulan)
      AND NOT EXISTS (SELECT 1 FROM peserta p WHERE p.id_individu = i.id_individu)
),
bayi_peserta AS (
    SELECT b.id_individu,
           arg_min(p.nik, {'ibu': CASE WHEN a.jenis_kelamin = 'P' AND a.umur BETWEEN 15 AND 55 THEN 0 ELSE 1 END, 'umur': a.umur, 'nik': p.nik})
               AS nik_anggota
    FROM bayi b
    JOIN peserta p ON p.id_keluarga = b.id_keluarga
    JOIN target.syarat_individu a ON a.periode = $periode AND a.id_individu = p.id_individu
    GROUP BY 1
)
SELECT $periode AS periode, 'nonaktifkan' AS jenis, d.sumber, d.id_sumber, d.file, d.baris, d.nik, d.nama, d.id_individu, d.id_keluarga,
       d.kode_provinsi, d.kode_kabupaten, d.kode_kecamatan, d.kode_desa, d.desil,
       n.alasan_nonaktif, d.alasan, d.nik_saran, CAST(NULL AS VARCHAR) AS nik_anggota
FROM daftar d JOIN nonaktif n USING (sumber, file, baris)
UNION ALL
SELECT $periode, 'perbaiki_nik', d.sumber, d.id_sumber, d.file, d.baris, d.nik, d.nama, d.id_individu, d.id_keluarga,
       d.kode_provinsi, d.kode_kabupaten, d.kode_kecamatan, d.kode_desa, d.desil, NULL, d.alasan, d.nik_saran, NULL
FROM daftar d JOIN perbaiki p USING (sumber, file, baris)
UNION ALL
SELECT $periode, 'tambahkan_bayi', NULL, NULL, NULL, NULL, b.nik, b.nama, b.id_individu, b.id_keluarga,
       f.kode_provinsi, f.kode_kabupaten, f.kode_kecamatan, f.kode_desa, f.desil,
       NULL, CAST([] AS VARCHAR[]), NULL, bp.nik_anggota
FROM bayi b
JOIN bayi_peserta bp USING (id_individu)
JOIN target.syarat_keluarga f ON f.periode = $periode AND f.id_keluarga = b.id_keluarga
