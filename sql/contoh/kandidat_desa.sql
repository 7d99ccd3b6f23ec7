-- One village's verification list for its meeting (musyawarah desa/kalurahan), latest quarter:
-- recipients who probably should not receive (inclusion-error candidates) with the reasons and
-- what to verify, then families that probably should and do not (exclusion-error candidates).
-- Set kode_desa to your village; as given it takes the village with the most candidates.
--     duckdb -readonly data/dtsen.duckdb < sql/contoh/kandidat_desa.sql
SET VARIABLE periode = (SELECT max(periode) FROM main.kandidat_inclusion_error);
SET VARIABLE kode_desa = (
    SELECT kode_desa FROM main.kandidat_inclusion_error WHERE periode = getvariable('periode') AND kode_desa IS NOT NULL
    GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1
);

-- which village and quarter the list is for
SELECT getvariable('periode') AS periode, w.kode AS kode_desa, w.nama AS desa, kec.nama AS kecamatan, kab.nama AS kabupaten
FROM main.wilayah w
LEFT JOIN main.wilayah kec ON kec.periode = w.periode AND kec.kode = w.kode_induk
LEFT JOIN main.wilayah kab ON kab.periode = w.periode AND kab.kode = kec.kode_induk
WHERE w.periode = getvariable('periode') AND w.kode = getvariable('kode_desa');

SELECT 'keluar (inclusion error)' AS daftar, program, nik, nama, desil_nasional, alasan_teks AS alasan_atau_kriteria, verifikasi, prioritas
FROM main.kandidat_inclusion_error
WHERE periode = getvariable('periode') AND kode_desa = getvariable('kode_desa')
UNION ALL
SELECT 'masuk (exclusion error)', program, nik, nama, desil_nasional, kriteria_teks, NULL, NULL
FROM main.kandidat_exclusion_error
WHERE periode = getvariable('periode') AND kode_desa = getvariable('kode_desa')
ORDER BY daftar, program, prioritas NULLS LAST, desil_nasional, nama;
