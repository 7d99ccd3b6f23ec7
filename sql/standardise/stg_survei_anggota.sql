-- stg_survei_anggota: one row per member of a surveyed family, with sex, age, relationship and the
-- individual variables typed by variables.yaml («variabel»). «anggota» is the survey's member text
-- table with one column set, filled in by the asset. Every read row is kept.
WITH mentah AS (
    {{anggota}}
)
SELECT
    $periode AS periode,
    m.sumber,
    m.id_sumber,
    TRY_CAST(m.nomor_anggota AS INTEGER) AS nomor_anggota,
    m.file,
    m.baris,
    teks_baku(m.sumber, 'hubungan_keluarga', m.hubungan_keluarga) AS hubungan_keluarga,
    jenis_kelamin_baku(m.sumber, m.jenis_kelamin) AS jenis_kelamin,
    TRY_CAST(round(TRY_CAST(m.umur AS DOUBLE)) AS INTEGER) AS umur,
    teks_baku(m.sumber, 'pekerjaan', m.pekerjaan) AS pekerjaan,
    {{variabel}}
FROM mentah m
