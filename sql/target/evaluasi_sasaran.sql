-- evaluasi_sasaran: the candidate lists judged against the synthetic world's truth (evaluation
-- only: «kebenaran_penerima» is truth/<quarter>/penerima.parquet, «kebenaran_kesejahteraan» is
-- truth/<quarter>/kesejahteraan.parquet). Per programme:
--   inclusion: a list row is truly an inclusion error when its person is not in Dukcapil, is
--     dead, is ASN/TNI/Polri, or their family's true national decile is outside the programme's
--     range. kandidat = rows in kandidat_inclusion_error; benar = of those, true errors;
--     kesalahan_sebenarnya = true errors on the list. One row for all reasons ('semua'), one for the
--     candidates with a reason the truth can judge ('kelayakan': decile, graduation, death, ASN; the
--     others, e.g. a mistyped NIK or a double row, call for verification and are false alarms to
--     the truth whenever the person is eligible) and one per reason.
--   exclusion: a family (individual programmes: a person) is truly an exclusion error when its true
--     national decile is in range, it meets the programme's criteria (as the data records them)
--     and the truth has nobody of it on the list.
WITH aturan_eval AS (SELECT * FROM aturan),
pen AS (
    SELECT s.program, s.status, s.alasan,
           t.nik_benar IS NULL OR coalesce(t.meninggal, false) OR coalesce(t.asn, false)
               OR t.desil_nasional_benar NOT BETWEEN a.desil_dari AND a.desil_sampai AS salah
    FROM main.status_penerima s
    JOIN aturan_eval a ON a.program = s.program
    LEFT JOIN kebenaran_penerima t ON t.program = regexp_replace(s.sumber, '^penerima_', '') AND t.id_sumber = s.id_sumber
    WHERE s.periode = $periode
),
inklusi_semua AS (
    SELECT program, 'inclusion' AS jenis, 'semua' AS alasan,
           count(*) FILTER (status = 'kandidat_inclusion_error') AS kandidat,
           count(*) FILTER (status = 'kandidat_inclusion_error' AND salah) AS benar,
           count(*) FILTER (salah) AS kesalahan_sebenarnya
    FROM pen GROUP BY ALL
),
-- the candidates with a reason the truth can judge (decile, graduation, death, ASN/TNI/Polri)
inklusi_kelayakan AS (
    SELECT program, 'inclusion' AS jenis, 'kelayakan' AS alasan,
           count(*) FILTER (list_has_any(alasan, ['DESIL_DI_LUAR_RENTANG', 'GRADUASI', 'MENINGGAL', 'ASN_TNI_POLRI'])) AS kandidat,
           count(*) FILTER (list_has_any(alasan, ['DESIL_DI_LUAR_RENTANG', 'GRADUASI', 'MENINGGAL', 'ASN_TNI_POLRI']) AND salah) AS benar,
           count(*) FILTER (salah) AS kesalahan_sebenarnya
    FROM pen GROUP BY ALL
),
inklusi_alasan AS (
    SELECT p.program, 'inclusion' AS jenis, x.kode AS alasan, count(*) AS kandidat, count(*) FILTER (p.salah) AS benar,
           any_value(s.kesalahan_sebenarnya) AS kesalahan_sebenarnya
    FROM pen p CROSS JOIN unnest(p.alasan) AS x(kode) JOIN inklusi_semua s USING (program)
    GROUP BY ALL
),
desil_benar AS (
    SELECT no_kk, desil_nasional FROM kebenaran_kesejahteraan
),
-- truth: who is on each list (families by their true KK, people by their true NIK)
menerima_keluarga AS (
    SELECT DISTINCT a.program, t.no_kk_benar AS no_kk
    FROM kebenaran_penerima t JOIN aturan_eval a ON a.daftar_penerima = t.program WHERE t.no_kk_benar IS NOT NULL
),
menerima_orang AS (
    SELECT DISTINCT a.program, t.nik_benar AS nik
    FROM kebenaran_penerima t JOIN aturan_eval a ON a.daftar_penerima = t.program WHERE t.nik_benar IS NOT NULL
),
eks_keluarga AS (
    SELECT a.program, f.no_kk
    FROM aturan_eval a
    JOIN target.syarat_keluarga f ON f.periode = $periode
    JOIN desil_benar d ON d.no_kk = f.no_kk
    WHERE a.satuan = 'keluarga' AND d.desil_nasional BETWEEN a.desil_dari AND a.desil_sampai
      AND (len(a.kriteria) = 0 OR list_has_any(f.kriteria, a.kriteria))
      AND NOT EXISTS (SELECT 1 FROM menerima_keluarga m WHERE m.program = a.program AND m.no_kk = f.no_kk)
),
eks_orang AS (
    SELECT a.program, i.nik
    FROM aturan_eval a
    JOIN target.syarat_individu i ON i.periode = $periode
    JOIN main.individu p ON p.periode = $periode AND p.id_individu = i.id_individu
    JOIN desil_benar d ON d.no_kk = p.no_kk
    WHERE a.satuan = 'individu' AND d.desil_nasional BETWEEN a.desil_dari AND a.desil_sampai
      AND (len(a.kriteria) = 0 OR list_has_any(i.kriteria, a.kriteria))
      AND NOT EXISTS (SELECT 1 FROM menerima_orang m WHERE m.program = a.program AND m.nik = i.nik)
),
benar_eks AS (
    SELECT program, 'k:' || no_kk AS kunci FROM eks_keluarga
    UNION ALL
    SELECT program, 'o:' || nik FROM eks_orang
),
kandidat_eks AS (
    SELECT e.program, CASE WHEN e.satuan = 'keluarga' THEN 'k:' || e.no_kk ELSE 'o:' || e.nik END AS kunci
    FROM main.kandidat_exclusion_error e WHERE e.periode = $periode
),
eksklusi AS (
    SELECT a.program, 'exclusion' AS jenis, 'semua' AS alasan,
           (SELECT count(*) FROM kandidat_eks k WHERE k.program = a.program) AS kandidat,
           (SELECT count(*) FROM kandidat_eks k SEMI JOIN benar_eks b USING (program, kunci) WHERE k.program = a.program) AS benar,
           (SELECT count(*) FROM benar_eks b WHERE b.program = a.program) AS kesalahan_sebenarnya
    FROM aturan_eval a
),
semua AS (
    SELECT * FROM inklusi_semua UNION ALL SELECT * FROM inklusi_kelayakan UNION ALL SELECT * FROM inklusi_alasan
    UNION ALL SELECT * FROM eksklusi
)
SELECT $periode AS periode, program, jenis, alasan,
       CAST(kandidat AS BIGINT) AS kandidat, CAST(benar AS BIGINT) AS benar, CAST(kandidat - benar AS BIGINT) AS alarm_palsu,
       CAST(kesalahan_sebenarnya AS BIGINT) AS kesalahan_sebenarnya,
       round(CASE WHEN kandidat > 0 THEN benar / kandidat END, 4) AS presisi,
       round(CASE WHEN kesalahan_sebenarnya > 0 THEN benar / kesalahan_sebenarnya END, 4) AS recall
FROM semua
