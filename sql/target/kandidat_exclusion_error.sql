-- kandidat_exclusion_error: families (satuan keluarga) or individuals (satuan individu) that meet
-- a programme's rules (target.kelayakan without any reason against) and are on none of its list's
-- rows (the family and person status_penerima assessed for each row, whatever its status; for a
-- row whose NIK is another person's, the suggested person or the row's KK, never the NIK's
-- owner), ordered poorest first: `urutan` nationally and `urutan_kabupaten` in the regency, by the
-- rank's score.
-- A programme without a recipient list (daftar_penerima null, e.g. ATENSI) lists every eligible
-- unit. The criteria met are given as codes and in words.
WITH menerima AS (
    SELECT DISTINCT program, id_keluarga, CASE WHEN satuan = 'individu' THEN id_individu END AS id_individu
    FROM main.status_penerima s JOIN aturan a USING (program)
    WHERE s.periode = $periode AND s.id_keluarga IS NOT NULL AND (a.satuan = 'keluarga' OR s.id_individu IS NOT NULL)
),
layak AS (
    SELECT k.* FROM target.kelayakan k
    WHERE k.periode = $periode AND len(k.alasan) = 0
      AND NOT EXISTS (SELECT 1 FROM menerima m WHERE m.program = k.program AND m.id_keluarga = k.id_keluarga
                                                 AND m.id_individu IS NOT DISTINCT FROM k.id_individu)
),
arti AS (
    SELECT l.program, l.id_keluarga, l.id_individu, string_agg(c.arti, '; ' ORDER BY c.kode) AS kriteria_teks
    FROM layak l CROSS JOIN unnest(l.kriteria) AS x(kode) JOIN kriteria_aturan c ON c.kode = x.kode
    GROUP BY ALL
)
SELECT
    $periode AS periode,
    l.program,
    a.satuan,
    l.id_keluarga,
    f.no_kk,
    l.id_individu,
    coalesce(i.nik, f.nik_kepala) AS nik,
    coalesce(i.nama, f.nama_kepala) AS nama,
    i.umur,
    f.kode_provinsi, f.kode_kabupaten, f.kode_kecamatan, f.kode_desa,
    f.jumlah_anggota,
    f.desil_nasional,
    l.desil,
    l.peringkat_nasional,
    l.kriteria,
    coalesce(t.kriteria_teks, 'Desil ' || a.desil_dari || '-' || a.desil_sampai) AS kriteria_teks,
    row_number() OVER (PARTITION BY l.program ORDER BY l.skor, l.id_keluarga, l.id_individu) AS urutan,
    row_number() OVER (PARTITION BY l.program, f.kode_kabupaten ORDER BY l.skor, l.id_keluarga, l.id_individu) AS urutan_kabupaten
FROM layak l
JOIN aturan a ON a.program = l.program
JOIN target.syarat_keluarga f ON f.periode = $periode AND f.id_keluarga = l.id_keluarga
LEFT JOIN target.syarat_individu i ON i.periode = $periode AND i.id_individu = l.id_individu
LEFT JOIN arti t ON t.program = l.program AND t.id_keluarga = l.id_keluarga AND t.id_individu IS NOT DISTINCT FROM l.id_individu
