-- padan_dukcapil: exactly one row per source person record (dtks, p3ke, regsosek) of the quarter:
-- the Dukcapil person it is, or why not. Candidate pairs (unify.kandidat) are scored with the
-- Fellegi-Sunter weights estimated by EM on this quarter's pairs («bobot_total»: total match
-- weight in bits, prior included) and the posterior probability `skor`. Then, per record, the best
-- candidate is taken and:
--   skor < batas_ragu                       -> tidak_padan (no Dukcapil NIK)
--   the Dukcapil person is already taken by a better record of the same source:
--     both above batas_terima, and the second has the person's exact NIK or birth date
--                                           -> the same person entered twice: matched, and reported
--                                              as a duplicate of the better record (a relative on
--                                              the same KK with a similar name has neither)
--     otherwise                             -> perlu_verifikasi
--   a second candidate above batas_ragu less than `selisih_bit` bits behind -> perlu_verifikasi
--   skor >= batas_terima                    -> padan (NIK as given), padan_koreksi (NIK repaired or
--                                              filled in), meninggal (Dukcapil records a death)
--   otherwise                               -> perlu_verifikasi
WITH p AS (
    SELECT *, {{bobot_total}} AS bobot_total FROM unify.kandidat WHERE periode = $periode AND NOT acak
),
urut AS (
    SELECT *,
           1.0 / (1.0 + pow(2.0, -bobot_total)) AS skor,
           row_number() OVER rekaman AS urutan,
           nth_value(bobot_total, 2) OVER (rekaman ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS bobot_kedua
    FROM p
    WINDOW rekaman AS (PARTITION BY sumber, id_sumber ORDER BY bobot_total DESC, nik_dukcapil)
),
terbaik AS (
    SELECT *,
           row_number() OVER orang AS urutan_orang,
           first_value(id_sumber) OVER orang AS id_pertama,
           first_value(skor) OVER orang AS skor_pertama
    FROM urut WHERE urutan = 1
    WINDOW orang AS (PARTITION BY sumber, nik_dukcapil ORDER BY bobot_total DESC, id_sumber)
),
rekaman AS (
    SELECT sumber, id_sumber, nik FROM standardise.stg_individu WHERE periode = $periode AND sumber <> 'dukcapil'
),
dukcapil AS (
    SELECT nik, status_hidup FROM standardise.stg_individu WHERE periode = $periode AND sumber = 'dukcapil' AND nik_dukcapil_layak(nik_bentuk)
),
putusan AS (
    SELECT
        r.sumber, r.id_sumber, r.nik AS nik_sumber, t.*,
        d.status_hidup,
        CASE
            WHEN t.skor IS NULL OR t.skor < $batas_ragu THEN 'tidak_padan'
            WHEN t.urutan_orang > 1 AND NOT (t.skor >= $batas_terima AND t.skor_pertama >= $batas_terima
                                             AND (t.nik_lv = 4 OR t.tgl_lv = 3)) THEN 'perlu_verifikasi'
            WHEN t.bobot_kedua IS NOT NULL AND 1.0 / (1.0 + pow(2.0, -t.bobot_kedua)) >= $batas_ragu
                 AND t.bobot_total - t.bobot_kedua < $selisih_bit THEN 'perlu_verifikasi'
            WHEN t.skor >= $batas_terima AND d.status_hidup = 'MATI' THEN 'meninggal'
            WHEN t.skor >= $batas_terima AND r.nik IS NOT DISTINCT FROM t.nik_dukcapil THEN 'padan'
            WHEN t.skor >= $batas_terima THEN 'padan_koreksi'
            ELSE 'perlu_verifikasi'
        END AS status_padan
    FROM rekaman r
    LEFT JOIN terbaik t USING (sumber, id_sumber)
    LEFT JOIN dukcapil d ON d.nik = t.nik_dukcapil
)
SELECT
    $periode AS periode,
    sumber,
    id_sumber,
    CASE WHEN status_padan <> 'tidak_padan' THEN nik_dukcapil END AS nik_dukcapil,
    CASE WHEN skor IS NULL OR skor < $batas_ragu THEN 'tidak_ada'
         WHEN nik_lv = 4 THEN 'nik_tepat'
         WHEN nik_lv = 3 THEN 'perbaikan_nik'
         ELSE 'probabilistik' END AS metode,
    round(skor, 6) AS skor,
    round(bobot_total, 2) AS bobot,
    concat_ws('; ',
        CASE WHEN skor IS NULL THEN 'tidak ada kandidat di Dukcapil' END,
        CASE WHEN skor < $batas_ragu THEN 'kandidat terbaik terlalu lemah' END,
        CASE WHEN urutan_orang > 1 AND status_padan = 'perlu_verifikasi' THEN 'orang Dukcapil ini sudah dipadankan ke rekaman lain di sumber yang sama' END,
        CASE WHEN urutan_orang > 1 AND status_padan IN ('padan', 'padan_koreksi', 'meninggal') THEN 'duplikat dari ' || sumber || ' ' || id_pertama END,
        CASE WHEN status_padan = 'perlu_verifikasi' AND bobot_kedua IS NOT NULL AND bobot_total - bobot_kedua < $selisih_bit
             THEN 'lebih dari satu kandidat yang mirip' END,
        CASE WHEN status_padan = 'meninggal' THEN 'meninggal menurut Dukcapil' END,
        CASE WHEN skor IS NOT NULL THEN
            concat_ws(', ',
                CASE nik_lv WHEN 4 THEN 'NIK sama' WHEN 3 THEN 'NIK beda satu digit/tertukar/hari+40'
                            WHEN 2 THEN 'NIK milik orang lain di Dukcapil' WHEN 1 THEN 'NIK lain'
                            ELSE 'NIK tidak ada atau rusak' END,
                'nama ' || CASE nama_lv WHEN 3 THEN 'sama' WHEN 2 THEN 'mirip' WHEN 1 THEN 'agak mirip' ELSE 'beda' END
                        || ' (' || nama_mirip || ')',
                'tanggal lahir ' || CASE tgl_lv WHEN 3 THEN 'sama' WHEN 2 THEN 'tertukar/baku' WHEN 1 THEN 'tahun sama' ELSE 'beda' END,
                CASE kk_lv WHEN 2 THEN 'KK sama' WHEN 1 THEN 'KK beda' END,
                CASE wil_lv WHEN 3 THEN 'desa sama' WHEN 2 THEN 'kecamatan sama' WHEN 1 THEN 'kabupaten sama' ELSE 'wilayah beda' END)
        END) AS alasan,
    status_padan,
    CASE WHEN urutan_orang > 1 AND status_padan IN ('padan', 'padan_koreksi', 'meninggal') THEN id_pertama END AS duplikat_dari
FROM putusan
