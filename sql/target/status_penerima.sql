-- status_penerima: exactly one row per row of the quarter's recipient lists (stg_penerima_bansos),
-- so that every list row is accounted for. Each row is resolved to Dukcapil by its NIK:
--   ditemukan              the NIK is a living person whose name agrees;
--   identitas_tidak_cocok  the NIK is a living person with another name (kemiripan_nama below the
--                          rules' batas_kemiripan_nama): probably somebody else's NIK;
--   meninggal              the NIK is a person Dukcapil records as dead;
--   tidak_ditemukan        no Dukcapil person has the NIK (wrong, missing or placeholder NIK).
-- When the NIK is not found or belongs to somebody else, a living person that is very probably the
-- one meant is suggested (nik_saran), if exactly one fits: on the row's KK with a similar name
-- (>= 0.9), or the same standardised name and birth date in the row's regency, or the same
-- standardised name in the row's village. The person assessed is the NIK's person when the names
-- agree (ditemukan), else the suggestion; the family assessed is that person's, else the row's KK
-- (for a dead recipient, also the KK Dukcapil had). A NIK that is somebody else's is never taken
-- for the row's person: without a suggestion the row is assessed by its own KK or not at all (an
-- individual programme's row has no person then), so its owner's decile and reasons are not the
-- row's, and its owner is not counted as receiving. The row's reasons are its own (MENINGGAL,
-- NIK_TIDAK_DITEMUKAN, IDENTITAS_TIDAK_COCOK, GANDA: the same family or person already on an
-- earlier row of the programme's list) plus the assessed unit's (target.kelayakan). A row whose
-- list has no programme in the rules is 'tanpa_aturan' (kept, not assessed).
-- (Performance: individu and keluarga are read where they are joined rather than kept in memory,
-- the names are compared once per row, and the suggestion joins only touch the rows without a
-- usable NIK; every wide CTE has one consumer, so nothing large is materialised.)
WITH aturan_daftar AS (
    SELECT * FROM aturan WHERE daftar_penerima IS NOT NULL
),
-- no_kk only where it is a usable KK: a placeholder shared by strangers must not suggest a person
hidup AS NOT MATERIALIZED (
    SELECT nik, id_individu, id_keluarga, CASE WHEN no_kk_bentuk = 'ok' THEN no_kk END AS no_kk, nama_baku, tgl_lahir,
           kode_kabupaten, kode_desa
    FROM main.individu WHERE periode = $periode
),
-- a dead person's KK and village as Dukcapil last had them: the village is where the death is
-- verified when no living family of theirs is left to place the row
mati AS (
    SELECT nik, arg_max(no_kk, {'tgl': tgl_meninggal, 'kk': no_kk}) AS no_kk,
           arg_max(kode_desa, {'tgl': tgl_meninggal, 'kk': no_kk}) AS kode_desa
    FROM standardise.stg_individu s
    WHERE periode = $periode AND sumber = 'dukcapil' AND status_hidup = 'MATI' AND nik_dukcapil_layak(nik_bentuk)
      AND NOT EXISTS (SELECT 1 FROM hidup h WHERE h.nik = s.nik)
    GROUP BY nik
),
kk AS NOT MATERIALIZED (
    SELECT no_kk, id_keluarga FROM main.keluarga WHERE periode = $periode
),
padan AS (
    SELECT d.*, a.program AS program_aturan, a.satuan,
           h.id_individu AS id_individu_nik, h.id_keluarga AS id_keluarga_nik, h.nik IS NOT NULL AS nik_hidup,
           CASE WHEN h.nik IS NOT NULL THEN kemiripan_nama(d.nama_baku, h.nama_baku) END AS mirip,
           m.nik IS NOT NULL AS nik_mati, m.no_kk AS no_kk_mati, m.kode_desa AS kode_desa_mati
    FROM standardise.stg_penerima_bansos d
    LEFT JOIN aturan_daftar a ON a.daftar_penerima = d.program
    LEFT JOIN hidup h ON h.nik = d.nik
    LEFT JOIN mati m ON m.nik = d.nik
    WHERE d.periode = $periode
),
cocok AS (
    SELECT p.periode, p.sumber, p.id_sumber, p.program AS program_daftar, p.program_aturan, p.satuan, p.file, p.baris,
           p.nik, p.nik_bentuk, p.no_kk, p.nama, p.nama_baku, p.tgl_lahir, p.kode_desa AS kode_desa_daftar,
           p.kode_kabupaten AS kode_kabupaten_daftar, p.kode_desa_mati, p.id_individu_nik, p.id_keluarga_nik,
           round(p.mirip, 3) AS kemiripan_nama,
           CASE
               WHEN p.nik_hidup AND p.nama_baku IS NOT NULL AND p.mirip < $batas_kemiripan_nama THEN 'identitas_tidak_cocok'
               WHEN p.nik_hidup THEN 'ditemukan'
               WHEN p.nik_mati THEN 'meninggal'
               ELSE 'tidak_ditemukan'
           END AS status_nik,
           kk.id_keluarga AS id_keluarga_kk,
           kkm.id_keluarga AS id_keluarga_kk_mati
    FROM padan p
    LEFT JOIN kk ON kk.no_kk = p.no_kk
    LEFT JOIN kk kkm ON kkm.no_kk = p.no_kk_mati
),
perlu_saran AS (
    SELECT sumber, file, baris, no_kk, nama_baku, tgl_lahir, kode_desa_daftar, kode_kabupaten_daftar, id_individu_nik
    FROM cocok WHERE status_nik IN ('tidak_ditemukan', 'identitas_tidak_cocok') AND nama_baku IS NOT NULL
),
-- a suggestion is never the person the row's NIK already is (identitas_tidak_cocok)
calon_saran AS (
    SELECT p.sumber, p.file, p.baris, h.nik, h.id_individu, h.id_keluarga
    FROM perlu_saran p
    JOIN (SELECT * FROM hidup WHERE no_kk IN (SELECT no_kk FROM perlu_saran)) h ON h.no_kk = p.no_kk
    WHERE kemiripan_nama(p.nama_baku, h.nama_baku) >= 0.9 AND h.id_individu IS DISTINCT FROM p.id_individu_nik
    UNION
    SELECT p.sumber, p.file, p.baris, h.nik, h.id_individu, h.id_keluarga
    FROM perlu_saran p JOIN hidup h
      ON h.nama_baku = p.nama_baku AND h.tgl_lahir = p.tgl_lahir
     AND h.kode_kabupaten = coalesce(substr(p.kode_desa_daftar, 1, 4), p.kode_kabupaten_daftar)
    WHERE h.id_individu IS DISTINCT FROM p.id_individu_nik
    UNION
    SELECT p.sumber, p.file, p.baris, h.nik, h.id_individu, h.id_keluarga
    FROM perlu_saran p JOIN hidup h ON h.nama_baku = p.nama_baku AND h.kode_desa = p.kode_desa_daftar
    WHERE h.id_individu IS DISTINCT FROM p.id_individu_nik
),
saran AS (
    SELECT sumber, file, baris, any_value(nik) AS nik_saran, any_value(id_individu) AS id_individu_saran,
           any_value(id_keluarga) AS id_keluarga_saran
    FROM calon_saran
    GROUP BY ALL HAVING count(*) = 1
),
nilai AS (
    SELECT c.*, s.nik_saran,
           -- the NIK's person only when the name agrees: a NIK that is somebody else's
           -- (identitas_tidak_cocok) never brings its owner's person, family, desil or reasons
           CASE WHEN c.status_nik = 'ditemukan' THEN c.id_individu_nik ELSE s.id_individu_saran END AS id_individu,
           CASE WHEN c.status_nik = 'ditemukan' THEN c.id_keluarga_nik
                ELSE coalesce(s.id_keluarga_saran, c.id_keluarga_kk, c.id_keluarga_kk_mati) END AS id_keluarga,
           CASE WHEN c.status_nik = 'ditemukan' THEN 'nik'
                WHEN s.nik_saran IS NOT NULL THEN 'nik_saran'
                WHEN c.id_keluarga_kk IS NOT NULL THEN 'no_kk'
                WHEN c.id_keluarga_kk_mati IS NOT NULL THEN 'no_kk_dukcapil'
                ELSE 'tidak_ada' END AS cara_padan
    FROM cocok c LEFT JOIN saran s USING (sumber, file, baris)
),
-- GANDA: a unit (family or person; else the NIK, with the name when the NIK is somebody else's:
-- two names on another person's NIK are two people) already on an earlier row of the programme's list
unit AS (
    SELECT n.*,
           coalesce(CASE WHEN n.satuan = 'keluarga' THEN n.id_keluarga ELSE n.id_individu END,
                    CASE WHEN n.nik_bentuk = 'ok' THEN 'nik:' || n.nik
                         || CASE WHEN n.status_nik = 'identitas_tidak_cocok' THEN ':' || n.nama_baku ELSE '' END END) AS kunci_ganda
    FROM nilai n
),
berganda AS (
    SELECT u.* EXCLUDE (kunci_ganda),
           coalesce(kunci_ganda IS NOT NULL
                    AND row_number() OVER (PARTITION BY program_daftar, kunci_ganda
                                           ORDER BY (status_nik = 'ditemukan') DESC, file, baris, id_sumber) > 1, false) AS ganda
    FROM unit u
),
dinilai AS (
    SELECT b.*, k.desil, k.desil_lalu, k.kriteria, k.alasan AS alasan_unit,
           f.kode_provinsi, f.kode_kabupaten, f.kode_kecamatan, f.kode_desa, f.desil_nasional
    FROM berganda b
    LEFT JOIN target.kelayakan k ON k.periode = $periode AND k.program = b.program_aturan
         AND k.id_keluarga = b.id_keluarga AND k.id_individu IS NOT DISTINCT FROM (CASE WHEN b.satuan = 'individu' THEN b.id_individu END)
    LEFT JOIN target.syarat_keluarga f ON f.periode = $periode AND f.id_keluarga = b.id_keluarga
),
-- the reasons' priorities (the rules' «alasan»), to order each row's reasons without a regrouping
prioritas_alasan AS (
    SELECT map(list(kode), list(prioritas)) AS p FROM alasan
),
beralasan AS (
    SELECT d.*,
           list_sort(list_transform(list_filter(list_distinct(list_concat(list_filter([
               CASE WHEN status_nik = 'meninggal' THEN 'MENINGGAL' END,
               CASE WHEN status_nik = 'tidak_ditemukan' THEN 'NIK_TIDAK_DITEMUKAN' END,
               CASE WHEN status_nik = 'identitas_tidak_cocok' THEN 'IDENTITAS_TIDAK_COCOK' END,
               CASE WHEN ganda THEN 'GANDA' END
           ], lambda x: x IS NOT NULL), coalesce(alasan_unit, CAST([] AS VARCHAR[])))), lambda x: a.p[x] IS NOT NULL),
               lambda x: {'prioritas': a.p[x], 'kode': x})) AS urut_alasan
    FROM dinilai d CROSS JOIN prioritas_alasan a
)
SELECT
    $periode AS periode,
    coalesce(b.program_aturan, b.program_daftar) AS program,
    b.sumber,
    b.id_sumber,
    b.file,
    b.baris,
    b.nik,
    b.nik_bentuk,
    b.no_kk,
    b.nama,
    b.status_nik,
    b.kemiripan_nama,
    b.nik_saran,
    b.cara_padan,
    b.id_individu,
    b.id_keluarga,
    -- region: the assessed family's; else, for a dead recipient, Dukcapil's last village; else the list's
    coalesce(b.kode_provinsi, substr(coalesce(b.kode_desa_mati, b.kode_desa_daftar, b.kode_kabupaten_daftar), 1, 2)) AS kode_provinsi,
    coalesce(b.kode_kabupaten, substr(coalesce(b.kode_desa_mati, b.kode_desa_daftar, b.kode_kabupaten_daftar), 1, 4)) AS kode_kabupaten,
    coalesce(b.kode_kecamatan, substr(coalesce(b.kode_desa_mati, b.kode_desa_daftar), 1, 6)) AS kode_kecamatan,
    coalesce(b.kode_desa, b.kode_desa_mati, b.kode_desa_daftar) AS kode_desa,
    b.desil_nasional,
    b.desil,
    b.desil_lalu,
    coalesce(b.kriteria, CAST([] AS VARCHAR[])) AS kriteria,
    list_transform(b.urut_alasan, lambda x: x.kode) AS alasan,
    CASE WHEN len(b.urut_alasan) > 0 THEN b.urut_alasan[1].prioritas END AS prioritas,
    CASE WHEN b.program_aturan IS NULL THEN 'tanpa_aturan'
         WHEN len(b.urut_alasan) = 0 THEN 'layak'
         ELSE 'kandidat_inclusion_error' END AS status
FROM beralasan b
