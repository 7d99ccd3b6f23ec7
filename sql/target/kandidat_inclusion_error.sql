-- kandidat_inclusion_error: the current recipients (rows of the recipient lists, status_penerima)
-- that probably should not receive, each with every reason that applies, as codes (`alasan`,
-- most urgent first) and in words for the village (`alasan_teks`, with the figures behind each
-- reason), what to verify, and the priority of verification (that of the most urgent reason; 1 =
-- first). `urutan` orders the candidates of a programme: priority, then the higher decile first.
WITH k AS (
    SELECT * FROM main.status_penerima WHERE periode = $periode AND status = 'kandidat_inclusion_error'
),
teks AS (
    SELECT k.sumber, k.file, k.baris,
           string_agg(a.teks || CASE x.kode
                   WHEN 'DESIL_DI_LUAR_RENTANG' THEN ' (desil ' || k.desil || ', rentang program ' || r.desil_dari || '-' || r.desil_sampai || ')'
                   WHEN 'GRADUASI' THEN ' (desil ' || k.desil_lalu || ' -> ' || k.desil || ')'
                   WHEN 'NIK_TIDAK_DITEMUKAN' THEN coalesce('; kemungkinan NIK yang benar: ' || k.nik_saran, '')
                   WHEN 'IDENTITAS_TIDAK_COCOK' THEN ' (kemiripan nama ' || k.kemiripan_nama
                                                     || coalesce('; kemungkinan NIK yang benar: ' || k.nik_saran, '') || ')'
                   WHEN 'TIDAK_MEMENUHI_KRITERIA' THEN coalesce(' (tidak ada satu pun kriteria program: ' || r.kriteria_teks || ')', '')
                   ELSE '' END, '; ' ORDER BY a.prioritas, x.kode) AS alasan_teks,
           string_agg(a.verifikasi, '; ' ORDER BY a.prioritas, x.kode) AS verifikasi
    FROM k
    CROSS JOIN unnest(k.alasan) AS x(kode)
    JOIN alasan a ON a.kode = x.kode
    JOIN aturan r ON r.program = k.program
    GROUP BY ALL
)
SELECT
    $periode AS periode,
    k.program,
    k.sumber,
    k.id_sumber,
    k.nik,
    k.no_kk,
    k.nama,
    k.status_nik,
    k.nik_saran,
    k.id_individu,
    k.id_keluarga,
    k.kode_provinsi, k.kode_kabupaten, k.kode_kecamatan, k.kode_desa,
    k.desil_nasional,
    k.desil,
    k.desil_lalu,
    k.alasan,
    t.alasan_teks,
    t.verifikasi,
    k.prioritas,
    row_number() OVER (PARTITION BY k.program ORDER BY k.prioritas, k.desil DESC NULLS FIRST, k.kode_desa, k.id_sumber, k.baris) AS urutan
FROM k JOIN teks t USING (sumber, file, baris)
