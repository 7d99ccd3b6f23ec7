-- stg_survei: one row per surveyed family (the Susenas-like sample with measured consumption that
-- trains the PMT), with region crosswalked from BPS to Kemendagri codes and the family variables
-- typed by variables.yaml («variabel»). «keluarga» is the survey's family text table with one
-- column set, filled in by the asset. Every read row is kept.
WITH kabupaten AS (
    SELECT kode, kode_bps FROM sources.wilayah_referensi WHERE periode = $periode AND lower(tingkat) = 'kabupaten'
),
kecamatan AS (
    SELECT kode, kode_bps FROM sources.wilayah_referensi WHERE periode = $periode AND lower(tingkat) = 'kecamatan'
),
mentah AS (
    {{keluarga}}
)
SELECT
    $periode AS periode,
    m.sumber,
    m.id_sumber,
    m.file,
    m.baris,
    -- the kecamatan's crosswalk decides the regency; the regency code alone when the kecamatan is unknown
    coalesce(substr(kc.kode, 1, 4), kb.kode) AS kode_kabupaten,
    kc.kode AS kode_kecamatan,
    substr(coalesce(substr(kc.kode, 1, 4), kb.kode), 1, 2) AS kode_provinsi,
    trim(m.kode_kabupaten) AS kode_kabupaten_bps,
    ya_tidak(m.perkotaan) AS perkotaan,
    TRY_CAST(round(TRY_CAST(m.jumlah_anggota AS DOUBLE)) AS INTEGER) AS jumlah_anggota,
    angka(m.konsumsi_per_kapita) AS konsumsi_per_kapita,
    TRY_CAST(replace(trim(m.bobot), ',', '.') AS DOUBLE) AS bobot,
    {{variabel}}
FROM mentah m
LEFT JOIN kabupaten kb ON kb.kode_bps = trim(m.kode_kabupaten)
LEFT JOIN kecamatan kc ON kc.kode_bps = trim(m.kode_kecamatan)
