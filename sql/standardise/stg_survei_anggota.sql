-- stg_survei_anggota: one row per member of a surveyed family, with sex, age, relationship and the
-- individual variables typed by variables.yaml («variabel»). «anggota» is the survey's member text
-- table with one column set, filled in by the asset. Every read row is kept.
WITH mentah AS (
    {{anggota}}
),
bersih AS (
    SELECT m.*,
           coalesce(jk.nilai_baku, CASE upper(trim(m.jenis_kelamin)) WHEN 'L' THEN 'L' WHEN 'P' THEN 'P' END) AS jk_baku
    FROM mentah m
    LEFT JOIN peta_kode jk ON jk.sumber = m.sumber AND jk.kolom = 'jenis_kelamin' AND jk.nilai_sumber = trim(m.jenis_kelamin)
)
SELECT
    $periode AS periode,
    b.sumber,
    b.id_sumber,
    TRY_CAST(b.nomor_anggota AS INTEGER) AS nomor_anggota,
    b.file,
    b.baris,
    upper(trim(b.hubungan_keluarga)) AS hubungan_keluarga,
    b.jk_baku AS jenis_kelamin,
    TRY_CAST(round(TRY_CAST(b.umur AS DOUBLE)) AS INTEGER) AS umur,
    upper(trim(b.pekerjaan)) AS pekerjaan,
    {{variabel}}
FROM bersih b
