-- main.peringkat: every family a source describes (keluarga.status_data = 'terdata') with its PMT
-- score and its population-weighted deciles at national, province and regency level. «_skor» is
-- the model's output registered by the asset (id_keluarga, skor, cara_skor, fitur_diimputasi).
-- A family the model did not score keeps a NULL skor and fails the check `peringkat_lengkap`.
WITH keluarga AS (
    SELECT periode, id_keluarga, no_kk, kode_provinsi, kode_kabupaten, kode_kecamatan, kode_desa, jumlah_anggota
    FROM main.keluarga
    WHERE periode = $periode AND status_data = 'terdata'
),
skor AS (
    SELECT f.id_keluarga, {{skor}} AS skor, {{diimputasi}} AS fitur_diimputasi
    FROM rank.fitur_keluarga f
    {{gabung_skor}}
    WHERE f.periode = $periode
)
SELECT
    k.periode,
    k.id_keluarga,
    k.no_kk,
    k.kode_provinsi,
    k.kode_kabupaten,
    k.kode_kecamatan,
    k.kode_desa,
    k.jumlah_anggota,
    s.skor,
    -- competition ranking: equal scores share a rank (and a decile)
    rank() OVER (ORDER BY s.skor) AS peringkat_nasional,
    desil_berbobot(s.skor, k.jumlah_anggota, 'nasional') AS desil_nasional,
    desil_berbobot(s.skor, k.jumlah_anggota, k.kode_provinsi) AS desil_provinsi,
    desil_berbobot(s.skor, k.jumlah_anggota, k.kode_kabupaten) AS desil_kabupaten,
    $versi_model AS versi_model,
    CASE WHEN s.fitur_diimputasi IS NULL THEN 'model' ELSE 'imputasi' END AS cara_skor,
    s.fitur_diimputasi
FROM keluarga k
LEFT JOIN skor s USING (id_keluarga)
