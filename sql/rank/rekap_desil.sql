-- main.rekap_desil: the seed's recap per national desil for every region of every level
-- (nasional, provinsi, kabupaten, kecamatan, desa): families and individuals per desil 1..10,
-- (zero rows included, so every region has all 13 rows), then desil 1-5, 6-10 and all ranked
-- families, with their share of the region's individuals. Families without a village code have no
-- region below nasional: at each of those levels they are one region, kode_wilayah NULL
-- ('TANPA WILAYAH'), so that every level adds up to the ranked total.
WITH p AS (
    SELECT * FROM main.peringkat WHERE periode = $periode
),
per_tingkat AS (
    SELECT t.tingkat, t.kode_wilayah, p.desil_nasional AS desil, p.jumlah_anggota
    FROM p,
    LATERAL (VALUES ('nasional', '00'), ('provinsi', p.kode_provinsi), ('kabupaten', p.kode_kabupaten),
                    ('kecamatan', p.kode_kecamatan), ('desa', p.kode_desa)) t(tingkat, kode_wilayah)
),
terhitung AS (
    SELECT tingkat, kode_wilayah, desil, count(*) AS keluarga, sum(jumlah_anggota) AS individu
    FROM per_tingkat
    GROUP BY ALL
),
per_desil AS (  -- every desil of every region, zero where no family is in it
    SELECT w.tingkat, w.kode_wilayah, d.desil, coalesce(t.keluarga, 0) AS keluarga, coalesce(t.individu, 0) AS individu
    FROM (SELECT DISTINCT tingkat, kode_wilayah FROM terhitung) w
    CROSS JOIN range(1, 11) d(desil)
    LEFT JOIN terhitung t ON t.tingkat = w.tingkat AND t.kode_wilayah IS NOT DISTINCT FROM w.kode_wilayah AND t.desil = d.desil
),
kelompok AS (
    SELECT tingkat, kode_wilayah, CAST(desil AS VARCHAR) AS desil, desil AS urutan, keluarga, individu FROM per_desil
    UNION ALL
    SELECT tingkat, kode_wilayah, '1-5', 11, sum(keluarga), sum(individu) FROM per_desil WHERE desil <= 5 GROUP BY ALL
    UNION ALL
    SELECT tingkat, kode_wilayah, '6-10', 12, sum(keluarga), sum(individu) FROM per_desil WHERE desil > 5 GROUP BY ALL
    UNION ALL
    SELECT tingkat, kode_wilayah, 'semua', 13, sum(keluarga), sum(individu) FROM per_desil GROUP BY ALL
)
SELECT
    $periode AS periode,
    k.tingkat,
    k.kode_wilayah,
    CASE WHEN k.tingkat = 'nasional' THEN 'SELURUH DATA' WHEN k.kode_wilayah IS NULL THEN 'TANPA WILAYAH' ELSE w.nama END AS nama_wilayah,
    k.desil,
    CAST(k.urutan AS SMALLINT) AS urutan,
    CAST(k.keluarga AS BIGINT) AS keluarga,
    CAST(k.individu AS BIGINT) AS individu,
    round(100.0 * k.individu / sum(k.individu) FILTER (k.desil = 'semua') OVER (PARTITION BY k.tingkat, k.kode_wilayah), 2) AS persen_individu
FROM kelompok k
LEFT JOIN main.wilayah w ON w.periode = $periode AND w.tingkat = k.tingkat AND w.kode = k.kode_wilayah
