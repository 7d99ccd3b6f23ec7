-- wilayah: the region reference of the quarter (province, regency, kecamatan, village) in
-- Kemendagri codes with the BPS code of each, so REGSOSEK's and the survey's BPS codes can be
-- crosswalked. «referensi» is the reference's text table, filled in by the asset.
WITH mentah AS (
    {{referensi}}
)
SELECT
    $periode AS periode,
    trim(m.kode) AS kode,
    m.nama,
    lower(trim(m.tingkat)) AS tingkat,
    nullif(trim(m.kode_bps), '') AS kode_bps,
    nullif(trim(m.kode_induk), '') AS kode_induk,
    m.file,
    m.baris
FROM mentah m
