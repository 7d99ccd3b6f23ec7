-- The living Dukcapil rows individu cannot hold, for main.ditolak (tahap 'tunggal'): those whose NIK
-- cannot identify the person (nik_dukcapil_layak: missing, a placeholder, spreadsheet-mangled, not
-- 16 digits). The person exists, but such a NIK would give several people one id_individu and join
-- them to each other's records and lists; Dukcapil has to correct it. Never the NIK itself in words.
SELECT
    $periode AS periode,
    'tunggal' AS tahap,
    'dukcapil' AS sumber,
    'individu' AS berkas,
    file,
    baris,
    'nik' AS kolom,
    'nik_' || nik_bentuk AS alasan_kode,
    'living person whose Dukcapil NIK cannot identify them ('
        || CASE nik_bentuk WHEN 'kosong' THEN 'missing' WHEN 'placeholder' THEN 'a placeholder'
                           WHEN 'notasi_ilmiah' THEN 'written in scientific notation, digits lost'
                           ELSE 'not 16 digits' END
        || '): not in individu nor in any family; to correct at Dukcapil' AS alasan
FROM standardise.stg_individu
WHERE periode = $periode AND sumber = 'dukcapil' AND coalesce(status_hidup, 'HIDUP') <> 'MATI' AND NOT nik_dukcapil_layak(nik_bentuk)
