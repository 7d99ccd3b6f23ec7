-- verifikasi_padan: the source person records not matched to Dukcapil with certainty
-- (tidak_padan, perlu_verifikasi): kept, never dropped, with what the field officer needs to find
-- the person and the reason, for verification in the village.
SELECT
    $periode AS periode,
    p.sumber, p.id_sumber, p.status_padan, p.alasan, p.nik_dukcapil AS nik_kandidat, p.skor,
    s.nik, s.no_kk, s.nama, s.tgl_lahir, s.jenis_kelamin, s.kode_kabupaten, s.kode_kecamatan, s.kode_desa, s.alamat
FROM main.padan_dukcapil p
JOIN standardise.stg_individu s ON s.periode = p.periode AND s.sumber = p.sumber AND s.id_sumber = p.id_sumber
WHERE p.periode = $periode AND p.status_padan IN ('tidak_padan', 'perlu_verifikasi')
