-- unify.kandidat: candidate pairs (source person record, Dukcapil person) of the quarter with the
-- comparison levels the Fellegi-Sunter model scores, plus $pasangan_acak random pairs (acak = true)
-- from which the model learns how often each level occurs by chance. Every record with a usable NIK gets its
-- exact-NIK pair; records whose exact pair is not already clean (same birth date, name similarity
-- >= 0.9) also get the Dukcapil people of their blocks:
--   NIK with one wrong digit in the serial (first 12 digits equal); the women's-day variant of the
--   NIK; birth date + kecamatan; birth date + phonetic key; the same KK; village + phonetic key +
--   birth year; kecamatan + standardised name. A block key shared by more than $blok_maks Dukcapil
--   people (1 July in a kecamatan, a very common name) is skipped: such a block says little, and
--   the record's other blocks still reach its person. (A wrong digit in the NIK's region part is
--   reached through birth date + kecamatan or phonetic key.)
-- Levels: nik_lv 4 same, 3 one edit or swap or day +-40 away, 2 the record's NIK is another Dukcapil
-- person's (somebody else's NIK written on this record), 1 another NIK unknown to Dukcapil, 0 the
-- record has none;
-- nama_lv 3 (>= 0.95), 2 (>= 0.88), 1 (>= 0.75), 0; tgl_lv 3 same, 2 day/month swapped or same
-- year with a default date (1 Jan, 1 Jul, 31 Dec), 1 same year, 0 other or missing; jk_lv 1 same,
-- 0 different, 2 missing; wil_lv 3 same village, 2 kecamatan, 1 regency, 0; kk_lv 2 same KK,
-- 1 different, 0 missing. A NIK equal to the Dukcapil person's whose name and birth date both
-- disagree is somebody else's NIK: its nik_lv is 2.
WITH r AS (
    SELECT sumber, id_sumber,
           CASE WHEN nik_bentuk IN ('ok', 'tanggal_mustahil') THEN nik END AS nik16,
           nama_baku, tgl_lahir, jenis_kelamin, no_kk, kode_desa, kode_kecamatan, kode_kabupaten,
           kunci_fonetik(nama_baku) AS fon
    FROM standardise.stg_individu WHERE periode = $periode AND sumber <> 'dukcapil'
),
d AS MATERIALIZED (
    SELECT nik, nama_baku, tgl_lahir, jenis_kelamin, no_kk, kode_desa, kode_kecamatan, kode_kabupaten,
           kunci_fonetik(nama_baku) AS fon
    FROM standardise.stg_individu WHERE periode = $periode AND sumber = 'dukcapil' AND nik_bentuk = 'ok'
),
-- Dukcapil people with the size of each of their block keys
db AS MATERIALIZED (
    SELECT *,
           count(*) OVER (PARTITION BY tgl_lahir, kode_kecamatan) AS n_tgl_kec,
           count(*) OVER (PARTITION BY tgl_lahir, fon) AS n_tgl_fon,
           count(*) OVER (PARTITION BY no_kk) AS n_kk,
           count(*) OVER (PARTITION BY kode_desa, fon, year(tgl_lahir)) AS n_desa_fon,
           count(*) OVER (PARTITION BY kode_kecamatan, nama_baku) AS n_kec_nama
    FROM d
),
tepat AS MATERIALIZED (
    SELECT r.sumber, r.id_sumber, d.nik,
           r.tgl_lahir = d.tgl_lahir
           AND (r.nama_baku = d.nama_baku OR jaro_winkler_similarity(r.nama_baku, d.nama_baku) >= 0.9) AS bersih
    FROM r JOIN d ON d.nik = r.nik16
),
sisa AS MATERIALIZED (
    SELECT r.* FROM r ANTI JOIN (SELECT sumber, id_sumber FROM tepat WHERE bersih) USING (sumber, id_sumber)
),
blok AS (
    SELECT sumber, id_sumber, nik FROM tepat
    UNION SELECT s.sumber, s.id_sumber, d.nik FROM sisa s JOIN d ON left(d.nik, 12) = left(s.nik16, 12)
    UNION SELECT s.sumber, s.id_sumber, d.nik FROM sisa s JOIN d ON d.nik = nik_geser_hari(s.nik16)
    UNION SELECT s.sumber, s.id_sumber, d.nik FROM sisa s JOIN db d
          ON d.tgl_lahir = s.tgl_lahir AND d.kode_kecamatan = s.kode_kecamatan AND d.n_tgl_kec <= $blok_maks
    UNION SELECT s.sumber, s.id_sumber, d.nik FROM sisa s JOIN db d ON d.tgl_lahir = s.tgl_lahir AND d.fon = s.fon AND d.n_tgl_fon <= $blok_maks
    UNION SELECT s.sumber, s.id_sumber, d.nik FROM sisa s JOIN db d ON d.no_kk = s.no_kk AND d.n_kk <= $blok_maks
    UNION SELECT s.sumber, s.id_sumber, d.nik FROM sisa s JOIN db d
          ON d.kode_desa = s.kode_desa AND d.fon = s.fon AND year(d.tgl_lahir) = year(s.tgl_lahir) AND d.n_desa_fon <= $blok_maks
    UNION SELECT s.sumber, s.id_sumber, d.nik FROM sisa s JOIN db d
          ON d.kode_kecamatan = s.kode_kecamatan AND d.nama_baku = s.nama_baku AND d.n_kec_nama <= $blok_maks
),
-- random pairs (deterministic: ordered by hash), nearly all non-matches: how often each level
-- occurs by chance, which the model takes as its u-probabilities
acak AS (
    SELECT a.sumber, a.id_sumber, b.nik
    FROM (SELECT sumber, id_sumber, i, 1 + (i * 7919) % nd AS j
          FROM (SELECT sumber, id_sumber, row_number() OVER (ORDER BY hash(sumber, id_sumber)) AS i FROM r)
          CROSS JOIN (SELECT count(*) AS nd FROM d)
          WHERE i <= $pasangan_acak) a
    JOIN (SELECT nik, row_number() OVER (ORDER BY hash(nik)) AS i FROM d) b ON b.i = a.j
),
pasangan AS (
    SELECT sumber, id_sumber, nik, false AS acak FROM blok
    UNION ALL
    SELECT sumber, id_sumber, nik, true AS acak FROM acak
),
banding AS (
    SELECT
        b.sumber, b.id_sumber, b.nik AS nik_dukcapil, b.acak,
        CASE WHEN r.nik16 IS NULL THEN 0
             WHEN r.nik16 = d.nik THEN 4
             WHEN damerau_levenshtein(r.nik16, d.nik) = 1 OR nik_geser_hari(r.nik16) = d.nik THEN 3
             WHEN r.nik16 IN (SELECT nik FROM tepat) THEN 2
             ELSE 1 END AS nik_lv,
        kemiripan_nama(r.nama_baku, d.nama_baku) AS nama_mirip,
        CASE
            WHEN r.tgl_lahir IS NULL OR d.tgl_lahir IS NULL THEN 0
            WHEN r.tgl_lahir = d.tgl_lahir THEN 3
            WHEN year(r.tgl_lahir) = year(d.tgl_lahir)
                 AND ((day(r.tgl_lahir) = month(d.tgl_lahir) AND month(r.tgl_lahir) = day(d.tgl_lahir))
                      OR strftime(r.tgl_lahir, '%m%d') IN ('0101', '0701', '1231')) THEN 2
            WHEN year(r.tgl_lahir) = year(d.tgl_lahir) THEN 1
            ELSE 0 END AS tgl_lv,
        CASE WHEN r.jenis_kelamin IS NULL OR d.jenis_kelamin IS NULL THEN 2
             WHEN r.jenis_kelamin = d.jenis_kelamin THEN 1 ELSE 0 END AS jk_lv,
        CASE WHEN r.kode_desa = d.kode_desa THEN 3 WHEN r.kode_kecamatan = d.kode_kecamatan THEN 2
             WHEN r.kode_kabupaten = d.kode_kabupaten THEN 1 ELSE 0 END AS wil_lv,
        CASE WHEN r.no_kk IS NULL THEN 0 WHEN r.no_kk = d.no_kk THEN 2 ELSE 1 END AS kk_lv
    FROM pasangan b
    JOIN r USING (sumber, id_sumber)
    JOIN d ON d.nik = b.nik
)
SELECT
    $periode AS periode,
    sumber, id_sumber, nik_dukcapil, acak,
    CASE WHEN nik_lv = 4 AND nama_mirip < 0.88 AND tgl_lv < 2 THEN 2 ELSE nik_lv END AS nik_lv,
    CASE WHEN nama_mirip >= 0.95 THEN 3 WHEN nama_mirip >= 0.88 THEN 2 WHEN nama_mirip >= 0.75 THEN 1 ELSE 0 END AS nama_lv,
    tgl_lv, jk_lv, wil_lv, kk_lv,
    round(nama_mirip, 3) AS nama_mirip
FROM banding
