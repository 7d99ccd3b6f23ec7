-- target.kelayakan (working table): per programme of the rules («aturan») and unit (a family for
-- satuan keluarga, a person for satuan individu), the reasons the unit is NOT eligible, as codes
-- (empty = eligible): BELUM_TERDATA (no rank), DESIL_DI_LUAR_RENTANG, GRADUASI (in range last
-- quarter, above it now), TIDAK_MEMENUHI_KRITERIA (none of the programme's criteria met: by a
-- member for a family, by the person for an individual), ASN_TNI_POLRI, JUDI_ONLINE and
-- PEKERJAAN_TIDAK_SESUAI (any member of a family; the person), PINDAH_SEGMEN (the person meets a
-- criterion of the programme's segmen_lain). A person's decile is their family's.
WITH unit AS (
    SELECT a.program, a.satuan, a.desil_dari, a.desil_sampai, a.kriteria AS kriteria_program, a.segmen_lain,
           k.id_keluarga, CAST(NULL AS VARCHAR) AS id_individu, k.desil, k.desil_lalu, k.skor, k.peringkat_nasional,
           k.asn, k.judi_online, k.pekerjaan_tidak_sesuai, k.kriteria
    FROM aturan a JOIN target.syarat_keluarga k ON k.periode = $periode
    WHERE a.satuan = 'keluarga'
    UNION ALL
    SELECT a.program, a.satuan, a.desil_dari, a.desil_sampai, a.kriteria, a.segmen_lain,
           i.id_keluarga, i.id_individu, k.desil, k.desil_lalu, k.skor, k.peringkat_nasional,
           i.asn, i.judi_online, i.pekerjaan_tidak_sesuai, i.kriteria
    FROM aturan a
    JOIN target.syarat_individu i ON i.periode = $periode
    JOIN target.syarat_keluarga k ON k.periode = $periode AND k.id_keluarga = i.id_keluarga
    WHERE a.satuan = 'individu'
)
SELECT
    $periode AS periode,
    program,
    satuan,
    id_keluarga,
    id_individu,
    desil,
    desil_lalu,
    skor,
    peringkat_nasional,
    list_sort(list_intersect(kriteria, kriteria_program)) AS kriteria,
    list_filter([
        CASE WHEN desil IS NULL THEN 'BELUM_TERDATA' END,
        CASE WHEN desil NOT BETWEEN desil_dari AND desil_sampai THEN 'DESIL_DI_LUAR_RENTANG' END,
        CASE WHEN desil > desil_sampai AND desil_lalu BETWEEN desil_dari AND desil_sampai THEN 'GRADUASI' END,
        CASE WHEN len(kriteria_program) > 0 AND NOT list_has_any(kriteria, kriteria_program) THEN 'TIDAK_MEMENUHI_KRITERIA' END,
        CASE WHEN asn THEN 'ASN_TNI_POLRI' END,
        CASE WHEN judi_online THEN 'JUDI_ONLINE' END,
        CASE WHEN pekerjaan_tidak_sesuai THEN 'PEKERJAAN_TIDAK_SESUAI' END,
        CASE WHEN list_has_any(kriteria, segmen_lain) THEN 'PINDAH_SEGMEN' END
    ], lambda x: x IS NOT NULL) AS alasan
FROM unit
