-- rank.fitur_keluarga: the PMT model's inputs for every family of the quarter that a source
-- describes (keluarga.status_data = 'terdata'): the family's housing, assets and livestock
-- («variabel») and its members' demography, education, work and health («fitur_anggota»).
-- Values are kept as they are (no log, no imputation): the model's pipeline transforms them and
-- transisi_desil shows them to people.
WITH kel AS (
    SELECT t.id_keluarga AS kunci, t.kode_provinsi, t.kode_kabupaten, t.kode_kecamatan, t.jumlah_anggota,
        {{variabel}}
    FROM main.keluarga t
    WHERE t.periode = $periode AND t.status_data = 'terdata'
),
agt AS (
    SELECT t.id_keluarga AS kunci, t.id_individu AS kunci_anggota, t.umur, t.jenis_kelamin, t.hubungan_keluarga,
        {{variabel_anggota}}
    FROM main.individu t
    WHERE t.periode = $periode
)
{{fitur_anggota}}
SELECT $periode AS periode, kel.kunci AS id_keluarga, kel.* EXCLUDE (kunci), anggota.* EXCLUDE (kunci)
FROM kel
LEFT JOIN anggota USING (kunci)
