-- evaluasi_padan: record -> Dukcapil assignment judged against the synthetic world's truth
-- (`kebenaran`, read from data/truth/<quarter>/padan.parquet; evaluation only). An assignment is
-- accepted when status_padan is padan, padan_koreksi or meninggal. Per source and injected error
-- type, and overall ('semua'): precision = correct accepted / accepted; recall = correct accepted
-- / records that have a Dukcapil person; F1. The row jenis_galat = 'pasangan_duplikat' judges the
-- duplicates found inside a source as unordered pairs (record, the record kept) against the
-- truth's pairs: ada_di_dukcapil = true pairs, diterima = pairs found, benar = found and true.
WITH j AS (
    SELECT p.sumber, coalesce(k.jenis_galat, 'tak_dikenal') AS jenis_galat, k.nik_benar,
           p.nik_dukcapil, p.status_padan,
           p.status_padan IN ('padan', 'padan_koreksi', 'meninggal') AS diterima,
           k.duplikat_dari IS NOT NULL AS duplikat
    FROM main.padan_dukcapil p
    LEFT JOIN kebenaran k ON k.sumber = p.sumber AND k.id_sumber = p.id_sumber
    WHERE p.periode = $periode
),
agg AS (
    SELECT coalesce(sumber, 'semua') AS sumber, coalesce(jenis_galat, 'semua') AS jenis_galat,
           count(*) AS rekaman,
           count(*) FILTER (nik_benar IS NOT NULL) AS ada_di_dukcapil,
           count(*) FILTER (diterima) AS diterima,
           count(*) FILTER (diterima AND nik_dukcapil = nik_benar) AS benar,
           count(*) FILTER (diterima AND nik_dukcapil IS DISTINCT FROM nik_benar) AS salah,
           count(*) FILTER (status_padan = 'perlu_verifikasi') AS perlu_verifikasi,
           count(*) FILTER (status_padan = 'tidak_padan' AND nik_benar IS NULL) AS tidak_padan_benar
    FROM j GROUP BY GROUPING SETS ((), (sumber), (jenis_galat), (sumber, jenis_galat))
),
pasangan_benar AS (
    SELECT DISTINCT sumber, least(id_sumber, duplikat_dari) AS a, greatest(id_sumber, duplikat_dari) AS b
    FROM kebenaran WHERE duplikat_dari IS NOT NULL AND sumber <> 'dukcapil'
),
pasangan_temu AS (
    SELECT DISTINCT sumber, least(id_sumber, duplikat_dari) AS a, greatest(id_sumber, duplikat_dari) AS b
    FROM main.padan_dukcapil WHERE periode = $periode AND duplikat_dari IS NOT NULL
),
dup AS (
    SELECT 'semua' AS sumber, 'pasangan_duplikat' AS jenis_galat,
           (SELECT count(*) FROM pasangan_benar) + (SELECT count(*) FROM pasangan_temu ANTI JOIN pasangan_benar USING (sumber, a, b)) AS rekaman,
           (SELECT count(*) FROM pasangan_benar) AS ada_di_dukcapil,
           (SELECT count(*) FROM pasangan_temu) AS diterima,
           (SELECT count(*) FROM pasangan_temu SEMI JOIN pasangan_benar USING (sumber, a, b)) AS benar,
           (SELECT count(*) FROM pasangan_temu ANTI JOIN pasangan_benar USING (sumber, a, b)) AS salah,
           0 AS perlu_verifikasi, 0 AS tidak_padan_benar
),
semua AS (
    SELECT * FROM agg UNION ALL BY NAME SELECT * FROM dup
)
SELECT $periode AS periode, sumber, jenis_galat, rekaman, ada_di_dukcapil, diterima, benar, salah, perlu_verifikasi,
       tidak_padan_benar,
       round(CASE WHEN diterima > 0 THEN benar / diterima END, 5) AS presisi,
       round(CASE WHEN ada_di_dukcapil > 0 THEN benar / ada_di_dukcapil END, 5) AS recall,
       round(CASE WHEN diterima > 0 AND benar > 0 THEN 2 * (benar / diterima) * (benar / ada_di_dukcapil)
                                                     / ((benar / diterima) + (benar / ada_di_dukcapil)) END, 5) AS f1
FROM semua
