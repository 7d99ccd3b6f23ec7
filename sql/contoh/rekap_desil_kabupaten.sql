-- The seed's recap per national desil for one regency: families and individuals in desil 1-10,
-- 1-5, 6-10 and in all, for the latest quarter. Run it as is in the DuckDB CLI:
--     duckdb -readonly data/dtsen.duckdb < sql/contoh/rekap_desil_kabupaten.sql
-- and change the regency code below (3403 = Kabupaten Gunungkidul).
SET VARIABLE kode_kabupaten = '3403';

SELECT periode, nama_wilayah AS kabupaten, desil, keluarga, individu, persen_individu
FROM main.rekap_desil
WHERE tingkat = 'kabupaten'
  AND kode_wilayah = getvariable('kode_kabupaten')
  AND periode = (SELECT max(periode) FROM main.rekap_desil)
ORDER BY urutan;
