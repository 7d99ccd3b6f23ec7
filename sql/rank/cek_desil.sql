-- Check desil_seimbang / urutan_desil: per level (nasional, provinsi, kabupaten), region and decile
-- of main.peringkat: individuals, share of the region's individuals, score range, and the largest
-- block of equal-score families' share of the region (a decile's share can miss 10% by at most
-- that, with the midpoint rule). Families without a village code (region NULL) are ranked as one
-- region at province and regency level (peringkat's PARTITION BY), and checked as one here.
WITH p AS (
    SELECT * FROM main.peringkat WHERE periode = $periode
),
tingkat AS (
    SELECT 'nasional' AS tingkat, 'nasional' AS wilayah, desil_nasional AS desil, skor, jumlah_anggota FROM p
    UNION ALL
    SELECT 'provinsi', kode_provinsi, desil_provinsi, skor, jumlah_anggota FROM p
    UNION ALL
    SELECT 'kabupaten', kode_kabupaten, desil_kabupaten, skor, jumlah_anggota FROM p
),
blok AS (
    SELECT tingkat, wilayah, max(bobot) AS blok_terbesar FROM (
        SELECT tingkat, wilayah, skor, sum(jumlah_anggota) AS bobot FROM tingkat GROUP BY ALL
    ) GROUP BY ALL
),
per_desil AS (
    SELECT tingkat, wilayah, desil, sum(jumlah_anggota) AS individu, min(skor) AS skor_min, max(skor) AS skor_maks
    FROM tingkat GROUP BY ALL
),
lengkap AS (  -- every decile of every region, also the empty ones
    SELECT w.tingkat, w.wilayah, d.desil FROM (SELECT DISTINCT tingkat, wilayah FROM per_desil) w, range(1, 11) d(desil)
)
SELECT
    l.tingkat, l.wilayah, l.desil,
    coalesce(d.individu, 0) AS individu,
    coalesce(d.individu, 0) / sum(coalesce(d.individu, 0)) OVER (PARTITION BY l.tingkat, l.wilayah) AS pangsa,
    b.blok_terbesar / sum(coalesce(d.individu, 0)) OVER (PARTITION BY l.tingkat, l.wilayah) AS toleransi,
    d.skor_min, d.skor_maks,
    max(d.skor_maks) OVER (PARTITION BY l.tingkat, l.wilayah ORDER BY l.desil ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS skor_maks_sebelumnya
FROM lengkap l
LEFT JOIN per_desil d ON d.tingkat = l.tingkat AND d.wilayah IS NOT DISTINCT FROM l.wilayah AND d.desil = l.desil
JOIN blok b ON b.tingkat = l.tingkat AND b.wilayah IS NOT DISTINCT FROM l.wilayah
