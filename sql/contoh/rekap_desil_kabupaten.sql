-- The seed's recap per national desil for one regency: families and individuals in desil 1-10,
-- 1-5, 6-10 and in all, for the latest quarter. Run it as is in the DuckDB CLI:
--     duckdb -readonly data/dtsen.duckdb < sql/contoh/rekap_desil_kabupaten.sql
-- and change the regency code below (3403 = Kabupaten Gunungkidul) or the quarter.
SET VARIABLE kode_kabupaten = '3403';
SET VARIABLE periode = (SELECT max(periode) FROM main.rekap_desil);  -- or a quarter, e.g. '2025-07-01'

SELECT periode, nama_wilayah AS kabupaten, desil, keluarga, individu, persen_individu
FROM main.rekap_desil
WHERE tingkat = 'kabupaten'
  AND kode_wilayah = getvariable('kode_kabupaten')
  AND periode = getvariable('periode')
ORDER BY urutan;
