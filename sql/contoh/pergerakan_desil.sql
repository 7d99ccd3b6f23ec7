-- Desil movement between the last two quarters in one regency: how many families moved from each
-- national desil last quarter (rows) to each desil now (columns), then the families that left
-- desil 1-5 with the variables that changed (what a family can be told).
--     duckdb -readonly data/dtsen.duckdb < sql/contoh/pergerakan_desil.sql
SET VARIABLE kode_kabupaten = '3403';
SET VARIABLE periode = (SELECT max(periode) FROM main.transisi_desil);

PIVOT (
    SELECT coalesce(CAST(desil_nasional_lalu AS VARCHAR), 'baru') AS desil_lalu,
           coalesce(CAST(desil_nasional AS VARCHAR), 'tidak_diperingkat') AS desil_kini
    FROM main.transisi_desil
    WHERE periode = getvariable('periode') AND kode_kabupaten = getvariable('kode_kabupaten')
) ON desil_kini IN ('1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'tidak_diperingkat') USING count(*)
GROUP BY desil_lalu
ORDER BY TRY_CAST(desil_lalu AS INTEGER) NULLS LAST;

SELECT t.kode_desa, k.nama_kepala, t.desil_nasional_lalu, t.desil_nasional, t.status_transisi, t.variabel_berubah
FROM main.transisi_desil t
LEFT JOIN main.keluarga k ON k.periode = t.periode AND k.id_keluarga = t.id_keluarga
WHERE t.periode = getvariable('periode') AND t.kode_kabupaten = getvariable('kode_kabupaten') AND t.keluar_desil_1_5
ORDER BY t.kode_desa, t.desil_nasional NULLS LAST, k.nama_kepala;
