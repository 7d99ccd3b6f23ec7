-- individu: one row per living Dukcapil person of the quarter, with a stable id_individu (from the
-- NIK, which Dukcapil keeps for life), identity from Dukcapil, presence in each source, and the
-- individual variables from the freshest source record matched to the person (the family record
-- verified or enumerated last), with its provenance. The family is the Dukcapil KK's, unless the KK
-- number cannot be one (missing, a placeholder such as 0000000000000000, spreadsheet-mangled, not 16
-- digits, an impossible date: no_kk_bentuk <> 'ok'): grouping on it would make one family of
-- strangers, so the person gets a family of their own, from the NIK, flagged by no_kk_bentuk.
WITH dukcapil AS (
    SELECT *, nik_bentuk(no_kk) AS no_kk_bentuk FROM standardise.stg_individu
    -- a NIK that cannot identify the person (missing, placeholder, mangled) cannot key the row: such
    -- rows go to ditolak (individu_ditolak.sql); an impossible date part is kept (nik_bentuk says so)
    WHERE periode = $periode AND sumber = 'dukcapil' AND nik_dukcapil_layak(nik_bentuk) AND coalesce(status_hidup, 'HIDUP') <> 'MATI'
),
cocok AS (
    SELECT p.nik_dukcapil, s.*, k.tgl_pendataan
    FROM main.padan_dukcapil p
    JOIN standardise.stg_individu s ON s.periode = p.periode AND s.sumber = p.sumber AND s.id_sumber = p.id_sumber
    LEFT JOIN standardise.stg_keluarga k ON k.periode = s.periode AND k.sumber = s.sumber AND k.id_keluarga_sumber = s.id_keluarga_sumber
    WHERE p.periode = $periode AND p.status_padan IN ('padan', 'padan_koreksi', 'meninggal')
),
hadir AS (
    SELECT nik_dukcapil AS nik,
           bool_or(sumber = 'dtks') AS ada_di_dtks, bool_or(sumber = 'p3ke') AS ada_di_p3ke, bool_or(sumber = 'regsosek') AS ada_di_regsosek
    FROM cocok GROUP BY 1
),
-- the freshest matched record that has individual variables (ties: REGSOSEK, DTKS, P3KE, then id)
terbaru AS (
    SELECT * FROM cocok
    WHERE coalesce(jenjang_pendidikan, status_bekerja, kesulitan_melihat) IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY nik_dukcapil ORDER BY tgl_pendataan DESC NULLS LAST,
                               CASE sumber WHEN 'regsosek' THEN 1 WHEN 'dtks' THEN 2 ELSE 3 END, id_sumber) = 1
)
SELECT
    $periode AS periode,
    'I' || substr(sha256('dtsen-individu:' || d.nik), 1, 15) AS id_individu,
    d.nik,
    d.nik_bentuk,
    d.no_kk,
    d.no_kk_bentuk,
    -- 'KS' (keluarga sendiri) + 14 hex digits: S is no hex digit, so never the id of a KK
    CASE WHEN d.no_kk_bentuk = 'ok' THEN 'K' || substr(sha256('dtsen-keluarga:' || d.no_kk), 1, 15)
         ELSE 'KS' || substr(sha256('dtsen-keluarga-sendiri:' || d.nik), 1, 14) END AS id_keluarga,
    d.nama,
    d.nama_baku,
    d.tgl_lahir,
    d.umur,
    d.jenis_kelamin,
    d.hubungan_keluarga,
    d.pekerjaan,
    d.kode_provinsi, d.kode_kabupaten, d.kode_kecamatan, d.kode_desa,
    d.alamat,
    coalesce(h.ada_di_dtks, false) AS ada_di_dtks,
    coalesce(h.ada_di_p3ke, false) AS ada_di_p3ke,
    coalesce(h.ada_di_regsosek, false) AS ada_di_regsosek,
    t.sumber AS sumber_variabel,
    t.id_sumber AS id_sumber_variabel,
    t.tgl_pendataan AS tgl_pendataan_variabel,
    {{variabel}}
FROM dukcapil d
LEFT JOIN hadir h ON h.nik = d.nik
LEFT JOIN terbaru t ON t.nik_dukcapil = d.nik
