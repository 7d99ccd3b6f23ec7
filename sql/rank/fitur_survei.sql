-- rank.fitur_survei: the same inputs as rank.fitur_keluarga for every surveyed family of the
-- quarter, with what the PMT model learns from: measured monthly per-capita consumption and the
-- survey weight. A family without a usable consumption or weight is kept here and left out of
-- training by the model asset (which counts it).
WITH kel AS (
    SELECT t.id_sumber AS kunci, t.kode_provinsi, t.kode_kabupaten, t.kode_kecamatan,
        CAST(t.jumlah_anggota AS BIGINT) AS jumlah_anggota,
        {{variabel}},
        t.konsumsi_per_kapita, t.bobot
    FROM standardise.stg_survei t
    WHERE t.periode = $periode
),
agt AS (
    SELECT t.id_sumber AS kunci, lpad(CAST(t.nomor_anggota AS VARCHAR), 6, '0') || '|' || t.baris AS kunci_anggota, t.umur, t.jenis_kelamin, t.hubungan_keluarga,
        {{variabel_anggota}}
    FROM standardise.stg_survei_anggota t
    WHERE t.periode = $periode
)
{{fitur_anggota}}
SELECT $periode AS periode, kel.kunci AS id_sumber, kel.* EXCLUDE (kunci), anggota.* EXCLUDE (kunci)
FROM kel
LEFT JOIN anggota USING (kunci)
