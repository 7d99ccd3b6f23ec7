-- stg_individu: one row per source person record of the quarter, all four person sources
-- together, typed and standardised, with NIK decoding and consistency flags. Reads the text
-- tables of stage `sources`; the macros kode_sumber (codes) and tanggal_sumber (date formats)
-- come from the column mapping. Every read row is kept: doubtful values are flagged, not dropped.
-- «keluarga», «individu» (the sources' text tables, one column set) and «variabel» (the typed
-- variables of variables.yaml) are filled in by the asset.
WITH keluarga AS (
    SELECT sumber, id_keluarga_sumber, kode_desa, alamat, no_kk AS no_kk_keluarga FROM ({{keluarga}})
),
desa AS (
    SELECT kode, kode_bps FROM sources.wilayah_referensi WHERE periode = $periode AND lower(tingkat) = 'desa'
),
kecamatan AS (
    SELECT kode FROM sources.wilayah_referensi WHERE periode = $periode AND lower(tingkat) = 'kecamatan'
),
mentah AS NOT MATERIALIZED (
    {{individu}}
),
-- names repeat across sources and people: standardise each distinct name once
nama AS (
    SELECT nama, nama_baku(nama) AS nama_baku FROM (SELECT DISTINCT nama FROM mentah WHERE nama IS NOT NULL)
),
bersih AS (
    SELECT
        m.*,
        nik_baku(m.nik) AS nik_teks,
        nik_bentuk(nik_baku(m.nik)) AS nik_bentuk_baku,
        n.nama_baku,
        tanggal_sumber(m.sumber, 'tgl_lahir', m.tgl_lahir) AS tgl_lahir_baku,
        jenis_kelamin_baku(m.sumber, m.jenis_kelamin) AS jk_baku,
        nik_baku(coalesce(m.no_kk, k.no_kk_keluarga)) AS no_kk_baku,
        CASE WHEN m.sumber = 'regsosek' THEN d.kode ELSE coalesce(m.kode_desa, k.kode_desa) END AS kode_desa_baku,
        coalesce(m.alamat, k.alamat) AS alamat_baku
    FROM mentah m
    LEFT JOIN nama n ON n.nama = m.nama
    LEFT JOIN keluarga k ON k.sumber = m.sumber AND k.id_keluarga_sumber = m.id_keluarga_sumber
    LEFT JOIN desa d ON d.kode_bps = k.kode_desa
),
-- what a usable NIK encodes, decoded once per row
dekode AS (
    SELECT
        b.*,
        CASE WHEN b.nik_bentuk_baku = 'ok' THEN nik_kode_kecamatan(b.nik_teks) END AS nik_kec,
        CASE WHEN b.nik_bentuk_baku = 'ok' THEN nik_tgl_lahir(b.nik_teks, akhir_kuartal($periode)) END AS nik_tgl,
        CASE WHEN b.nik_bentuk_baku = 'ok' THEN nik_jenis_kelamin(b.nik_teks) END AS nik_jk
    FROM bersih b
)
SELECT
    $periode AS periode,
    b.sumber,
    -- Dukcapil has no record id: its NIK is the id (the file row when the NIK is blank)
    CASE WHEN b.sumber = 'dukcapil' THEN coalesce(b.nik_teks, b.file || ':' || b.baris) ELSE b.id_sumber END AS id_sumber,
    b.id_keluarga_sumber,
    b.file,
    b.baris,
    b.nik_teks AS nik,
    b.nik_bentuk_baku AS nik_bentuk,
    b.no_kk_baku AS no_kk,
    b.nama,
    b.nama_baku,
    b.tgl_lahir_baku AS tgl_lahir,
    umur_kuartal(b.tgl_lahir_baku, $periode) AS umur,
    b.jk_baku AS jenis_kelamin,
    teks_baku(b.sumber, 'hubungan_keluarga', b.hubungan_keluarga) AS hubungan_keluarga,
    teks_baku(b.sumber, 'pekerjaan', b.pekerjaan) AS pekerjaan,
    b.kode_desa_baku AS kode_desa,
    substr(b.kode_desa_baku, 1, 6) AS kode_kecamatan,
    substr(b.kode_desa_baku, 1, 4) AS kode_kabupaten,
    substr(b.kode_desa_baku, 1, 2) AS kode_provinsi,
    b.alamat_baku AS alamat,
    teks_baku(b.sumber, 'status_hidup', b.status_hidup) AS status_hidup,
    tanggal_sumber(b.sumber, 'tgl_meninggal', b.tgl_meninggal) AS tgl_meninggal,
    -- what the NIK encodes, and whether it agrees with the record
    b.nik_kec AS nik_kode_kecamatan,
    b.nik_tgl AS nik_tgl_lahir,
    b.nik_jk AS nik_jenis_kelamin,
    nik_cocok_tanggal(b.nik_tgl, b.tgl_lahir_baku) AS nik_cocok_tgl_lahir,
    CASE WHEN b.jk_baku IS NOT NULL THEN b.nik_jk = b.jk_baku END AS nik_cocok_jenis_kelamin,
    CASE WHEN b.nik_kec IS NOT NULL THEN b.nik_kec IN (SELECT kode FROM kecamatan) END AS nik_wilayah_dikenal,
    b.kode_desa_baku IS NOT NULL AND b.kode_desa_baku IN (SELECT kode FROM desa) AS kode_desa_dikenal,
    b.rt,
    b.rw,
    {{variabel}}
FROM dekode b
