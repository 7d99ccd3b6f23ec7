-- stg_keluarga: one row per source family record of the quarter (DTKS, P3KE, REGSOSEK; Dukcapil
-- has no family file: its families are its KKs), with region in Kemendagri codes, the head's name
-- standardised, the verification date typed, and the housing, asset and livestock variables the
-- source has, typed by variables.yaml («variabel»; a value that does not fit becomes NULL and is
-- counted). «keluarga» is the sources' text tables with one column set. Every read row is kept.
WITH desa AS (
    SELECT kode, kode_bps FROM sources.wilayah_referensi WHERE periode = $periode AND lower(tingkat) = 'desa'
),
mentah AS NOT MATERIALIZED (
    {{keluarga}}
),
-- heads' names repeat across sources: standardise each distinct name once
nama AS (
    SELECT nama_kepala, nama_baku(nama_kepala) AS nama_baku FROM (SELECT DISTINCT nama_kepala FROM mentah WHERE nama_kepala IS NOT NULL)
),
bersih AS (
    SELECT m.*, CASE WHEN m.sumber = 'regsosek' THEN d.kode ELSE m.kode_desa END AS kode_desa_baku, n.nama_baku AS nama_kepala_baku
    FROM mentah m
    LEFT JOIN desa d ON m.sumber = 'regsosek' AND d.kode_bps = m.kode_desa
    LEFT JOIN nama n ON n.nama_kepala = m.nama_kepala
)
SELECT
    $periode AS periode,
    b.sumber,
    b.id_keluarga_sumber,
    b.file,
    b.baris,
    nik_baku(b.no_kk) AS no_kk,
    nik_bentuk(nik_baku(b.no_kk)) AS no_kk_bentuk,
    b.nama_kepala,
    b.nama_kepala_baku,
    b.kode_desa_baku AS kode_desa,
    substr(b.kode_desa_baku, 1, 6) AS kode_kecamatan,
    substr(b.kode_desa_baku, 1, 4) AS kode_kabupaten,
    substr(b.kode_desa_baku, 1, 2) AS kode_provinsi,
    b.kode_desa_baku IS NOT NULL AND b.kode_desa_baku IN (SELECT kode FROM desa) AS kode_desa_dikenal,
    b.alamat,
    tanggal_sumber(b.sumber, 'tgl_pendataan', b.tgl_pendataan) AS tgl_pendataan,
    TRY_CAST(b.desil_p3ke AS INTEGER) AS desil_p3ke,
    b.rt,
    b.rw,
    {{variabel}}
FROM bersih b
