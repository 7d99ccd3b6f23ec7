-- The ranking judged against the synthetic world's truth (evaluation only: read by the asset
-- evaluasi_pmt when <data>/truth exists; matching, ranking and targeting never read it).
-- $kebenaran is truth/kesejahteraan.parquet of the quarter: per living family (no_kk) its true
-- monthly per-capita consumption and true population-weighted national desil.
WITH pasangan AS (
    SELECT p.skor, p.desil_nasional, p.jumlah_anggota, b.konsumsi_per_kapita AS konsumsi_benar, b.desil_nasional AS desil_benar
    FROM main.peringkat p
    JOIN read_parquet($kebenaran) b ON b.no_kk = p.no_kk
    WHERE p.periode = $periode
),
berperingkat AS (
    SELECT *, rank() OVER (ORDER BY skor) AS r_skor, rank() OVER (ORDER BY konsumsi_benar) AS r_benar FROM pasangan
),
metrik AS (
    SELECT 'spearman' AS metrik, corr(r_skor, r_benar) AS nilai FROM berperingkat
    UNION ALL
    SELECT 'keluarga_dinilai', count(*) FROM pasangan
    UNION ALL
    -- of the individuals truly in the poorest 40% (true desil 1-4), the share placed in desil 1-4
    SELECT 'tepat_40_persen_termiskin', sum(jumlah_anggota) FILTER (desil_nasional <= 4) / sum(jumlah_anggota) FROM pasangan WHERE desil_benar <= 4
    UNION ALL
    SELECT 'galat_inklusi', sum(jumlah_anggota) FILTER (desil_benar > 4) / sum(jumlah_anggota) FROM pasangan WHERE desil_nasional <= 4
    UNION ALL
    SELECT 'galat_eksklusi', sum(jumlah_anggota) FILTER (desil_nasional > 4) / sum(jumlah_anggota) FROM pasangan WHERE desil_benar <= 4
    UNION ALL
    SELECT 'desil_sama', count(*) FILTER (desil_nasional = desil_benar) / count(*) FROM pasangan
    UNION ALL
    SELECT 'desil_selisih_maks_1', count(*) FILTER (abs(desil_nasional - desil_benar) <= 1) / count(*) FROM pasangan
)
SELECT $periode AS periode, $versi_model AS versi_model, 'kebenaran' AS sumber_evaluasi, $algoritma AS algoritma,
       metrik, CAST(NULL AS INTEGER) AS desil_prediksi, CAST(NULL AS INTEGER) AS desil_benar,
       -- rounded: corr() sums in parallel in any order, and a re-run must give the same table
       round(CAST(nilai AS DOUBLE), 10) AS nilai
FROM metrik
UNION ALL
-- confusion of predicted vs true national desil (families)
SELECT $periode, $versi_model, 'kebenaran', $algoritma, 'konfusi_keluarga', desil_nasional, CAST(desil_benar AS INTEGER), count(*)
FROM pasangan
GROUP BY ALL
