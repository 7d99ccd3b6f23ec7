-- stg_penerima_bansos: one row per row of each programme's recipient list of the quarter (PKH and
-- Sembako families by the carer's NIK, PBI-JK members by their own NIK), with the NIK classified
-- and decoded, the name standardised and the region in Kemendagri codes. «penerima» is the
-- recipient lists' text tables with one column set, filled in by the asset. Every read row is kept.
WITH desa AS (
    SELECT kode FROM sources.wilayah_referensi WHERE periode = $periode AND lower(tingkat) = 'desa'
),
kabupaten AS (
    SELECT kode FROM sources.wilayah_referensi WHERE periode = $periode AND lower(tingkat) = 'kabupaten'
),
mentah AS NOT MATERIALIZED (
    {{penerima}}
),
-- names repeat across the lists: standardise each distinct name once
nama AS (
    SELECT nama, nama_baku(nama) AS nama_baku FROM (SELECT DISTINCT nama FROM mentah WHERE nama IS NOT NULL)
),
teks AS (
    SELECT
        m.*,
        n.nama_baku,
        nik_baku(m.nik) AS nik_teks,
        nik_baku(m.no_kk) AS no_kk_teks,
        nullif(trim(m.kode_desa), '') AS kode_desa_teks,
        tanggal_sumber(m.sumber, 'tgl_lahir', m.tgl_lahir) AS tgl_lahir_baku,
        jenis_kelamin_baku(m.sumber, m.jenis_kelamin) AS jk_baku
    FROM mentah m
    LEFT JOIN nama n ON n.nama = m.nama
),
-- the NIK classified once per row, then decoded when usable
bersih AS (
    SELECT t.*, nik_bentuk(t.nik_teks) AS nik_bentuk_baku FROM teks t
),
dekode AS (
    SELECT b.*,
           CASE WHEN b.nik_bentuk_baku = 'ok' THEN nik_tgl_lahir(b.nik_teks, akhir_kuartal($periode)) END AS nik_tgl,
           CASE WHEN b.nik_bentuk_baku = 'ok' THEN nik_jenis_kelamin(b.nik_teks) END AS nik_jk
    FROM bersih b
)
SELECT
    $periode AS periode,
    b.sumber,
    regexp_replace(b.sumber, '^penerima_', '') AS program,
    b.id_sumber,
    b.file,
    b.baris,
    b.nik_teks AS nik,
    b.nik_bentuk_baku AS nik_bentuk,
    b.no_kk_teks AS no_kk,
    CASE WHEN b.no_kk_teks IS NOT NULL THEN nik_bentuk(b.no_kk_teks) END AS no_kk_bentuk,
    b.nama,
    b.nama_baku,
    b.tgl_lahir_baku AS tgl_lahir,
    b.jk_baku AS jenis_kelamin,
    b.kode_desa_teks AS kode_desa,
    substr(b.kode_desa_teks, 1, 6) AS kode_kecamatan,
    coalesce(substr(b.kode_desa_teks, 1, 4), nullif(trim(b.kode_kabupaten), '')) AS kode_kabupaten,
    substr(coalesce(b.kode_desa_teks, nullif(trim(b.kode_kabupaten), '')), 1, 2) AS kode_provinsi,
    coalesce(b.kode_desa_teks IN (SELECT kode FROM desa),
             nullif(trim(b.kode_kabupaten), '') IN (SELECT kode FROM kabupaten), false) AS wilayah_dikenal,
    upper(trim(b.komponen)) AS komponen,
    upper(trim(b.status_kepesertaan)) AS status_kepesertaan,
    b.nik_tgl AS nik_tgl_lahir,
    b.nik_jk AS nik_jenis_kelamin,
    nik_cocok_tanggal(b.nik_tgl, b.tgl_lahir_baku) AS nik_cocok_tgl_lahir
FROM dekode b
