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
-- Plan (for speed at scale; the pairs are the same as comparing every pair alike): the exact-NIK
-- pairs are compared straight from the one join of records and Dukcapil; only the records left
-- (`sisa`) are blocked, on integer record numbers, and each block's size is counted only for the keys
-- those records have; the Dukcapil people of the random pairs are ranked by hash, ties by NIK (53 k
-- NIKs share a hash at scale 1.0: without the tie-break the random pairs, and so the weights,
-- changed from run to run).
WITH r AS (
    SELECT sumber, id_sumber,
           CASE WHEN nik_bentuk IN ('ok', 'tanggal_mustahil') THEN nik END AS nik16,
           nama_baku, tgl_lahir, jenis_kelamin, no_kk, kode_desa, kode_kecamatan, kode_kabupaten
    FROM standardise.stg_individu WHERE periode = $periode AND sumber <> 'dukcapil'
),
d AS (
    SELECT nik, nama_baku, tgl_lahir, jenis_kelamin, no_kk, kode_desa, kode_kecamatan, kode_kabupaten
    FROM standardise.stg_individu WHERE periode = $periode AND sumber = 'dukcapil' AND nik_dukcapil_layak(nik_bentuk)
),
-- the records whose exact pair does not settle them (or who have none), numbered; ada_tepat: the
-- record's NIK is a Dukcapil person's (nik_lv 2 against anybody else)
sisa AS MATERIALIZED (
    SELECT r.*, kunci_fonetik(r.nama_baku) AS fon, d.nik IS NOT NULL AS ada_tepat, row_number() OVER () AS si
    FROM r LEFT JOIN d ON d.nik = r.nik16
    WHERE NOT coalesce(r.tgl_lahir = d.tgl_lahir
                       AND (r.nama_baku = d.nama_baku OR jaro_winkler_similarity(r.nama_baku, d.nama_baku) >= 0.9), false)
),
dk AS MATERIALIZED (
    SELECT nik, tgl_lahir, kode_kecamatan, kode_desa, no_kk, nama_baku, kunci_fonetik(nama_baku) AS fon FROM d
),
-- their block pairs; a block key shared by more than $blok_maks Dukcapil people is skipped
blok AS (
    SELECT s.si, d.nik FROM sisa s JOIN dk d ON left(d.nik, 12) = left(s.nik16, 12)
    UNION SELECT s.si, d.nik FROM sisa s JOIN dk d ON d.nik = nik_geser_hari(s.nik16)
    UNION SELECT s.si, d.nik FROM sisa s JOIN (
        SELECT nik, tgl_lahir, kode_kecamatan FROM dk SEMI JOIN sisa USING (tgl_lahir, kode_kecamatan)
        QUALIFY count(*) OVER (PARTITION BY tgl_lahir, kode_kecamatan) <= $blok_maks) d USING (tgl_lahir, kode_kecamatan)
    UNION SELECT s.si, d.nik FROM sisa s JOIN (
        SELECT nik, tgl_lahir, fon FROM dk SEMI JOIN sisa USING (tgl_lahir, fon)
        QUALIFY count(*) OVER (PARTITION BY tgl_lahir, fon) <= $blok_maks) d USING (tgl_lahir, fon)
    UNION SELECT s.si, d.nik FROM sisa s JOIN (
        SELECT nik, no_kk FROM dk SEMI JOIN sisa USING (no_kk)
        QUALIFY count(*) OVER (PARTITION BY no_kk) <= $blok_maks) d USING (no_kk)
    UNION SELECT s.si, d.nik FROM sisa s JOIN (
        SELECT nik, kode_desa, fon, year(tgl_lahir) AS tahun FROM dk
        SEMI JOIN (SELECT kode_desa, fon, year(tgl_lahir) AS tahun FROM sisa) k ON k.kode_desa = dk.kode_desa AND k.fon = dk.fon AND k.tahun = year(dk.tgl_lahir)
        QUALIFY count(*) OVER (PARTITION BY kode_desa, fon, tahun) <= $blok_maks) d
        ON d.kode_desa = s.kode_desa AND d.fon = s.fon AND d.tahun = year(s.tgl_lahir)
    UNION SELECT s.si, d.nik FROM sisa s JOIN (
        SELECT nik, kode_kecamatan, nama_baku FROM dk SEMI JOIN sisa USING (kode_kecamatan, nama_baku)
        QUALIFY count(*) OVER (PARTITION BY kode_kecamatan, nama_baku) <= $blok_maks) d USING (kode_kecamatan, nama_baku)
),
-- the i-th random record meets Dukcapil person j = 1 + (i * 7919) mod (number of people), j
-- computed on the record's side so that the pairing is an equi-join (written as a condition over
-- both sides and a cross-joined count, DuckDB planned it at small scale as a cross product of all
-- records and people: 20 billion rows and 90 s for the 0.1 M people of the demo world)
acak_r AS (
    SELECT sumber, id_sumber,
           1 + (row_number() OVER (ORDER BY h, sumber, id_sumber) * 7919) % (SELECT count(*) FROM d) AS j  -- hashes collide: ties by the record
    FROM (SELECT sumber, id_sumber, hash(sumber, id_sumber) AS h FROM r ORDER BY h, sumber, id_sumber LIMIT $pasangan_acak)
),
acak_d AS (
    SELECT nik, row_number() OVER (ORDER BY hash(nik), nik) AS j FROM d
),
acak AS (
    SELECT a.sumber, a.id_sumber, b.nik FROM acak_r a JOIN acak_d b USING (j)
),
pasangan AS (
    SELECT r.sumber, r.id_sumber, false AS acak, r.nik16, true AS ada_tepat, r.nama_baku, r.tgl_lahir, r.jenis_kelamin, r.no_kk,
           r.kode_desa, r.kode_kecamatan, r.kode_kabupaten,
           d.nik, d.nama_baku AS nama_baku_d, d.tgl_lahir AS tgl_lahir_d, d.jenis_kelamin AS jenis_kelamin_d, d.no_kk AS no_kk_d,
           d.kode_desa AS kode_desa_d, d.kode_kecamatan AS kode_kecamatan_d, d.kode_kabupaten AS kode_kabupaten_d
    FROM r JOIN d ON d.nik = r.nik16
    UNION ALL
    SELECT s.sumber, s.id_sumber, false AS acak, s.nik16, s.ada_tepat, s.nama_baku, s.tgl_lahir, s.jenis_kelamin, s.no_kk,
           s.kode_desa, s.kode_kecamatan, s.kode_kabupaten,
           d.nik, d.nama_baku, d.tgl_lahir, d.jenis_kelamin, d.no_kk, d.kode_desa, d.kode_kecamatan, d.kode_kabupaten
    FROM blok b JOIN sisa s USING (si) JOIN d ON d.nik = b.nik
    WHERE d.nik IS DISTINCT FROM s.nik16
    UNION ALL
    SELECT r.sumber, r.id_sumber, true AS acak, r.nik16, r.nik16 IN (SELECT nik FROM d), r.nama_baku, r.tgl_lahir, r.jenis_kelamin, r.no_kk,
           r.kode_desa, r.kode_kecamatan, r.kode_kabupaten,
           d.nik, d.nama_baku, d.tgl_lahir, d.jenis_kelamin, d.no_kk, d.kode_desa, d.kode_kecamatan, d.kode_kabupaten
    FROM acak a JOIN r USING (sumber, id_sumber) JOIN d ON d.nik = a.nik
),
banding AS (
    SELECT
        sumber, id_sumber, nik AS nik_dukcapil, acak,
        CASE WHEN nik16 IS NULL THEN 0
             WHEN nik16 = nik THEN 4
             WHEN damerau_levenshtein(nik16, nik) = 1 OR nik_geser_hari(nik16) = nik THEN 3
             WHEN ada_tepat THEN 2
             ELSE 1 END AS nik_lv,
        kemiripan_nama(nama_baku, nama_baku_d) AS nama_mirip,
        CASE
            WHEN tgl_lahir IS NULL OR tgl_lahir_d IS NULL THEN 0
            WHEN tgl_lahir = tgl_lahir_d THEN 3
            WHEN year(tgl_lahir) = year(tgl_lahir_d)
                 AND ((day(tgl_lahir) = month(tgl_lahir_d) AND month(tgl_lahir) = day(tgl_lahir_d))
                      OR strftime(tgl_lahir, '%m%d') IN ('0101', '0701', '1231')) THEN 2
            WHEN year(tgl_lahir) = year(tgl_lahir_d) THEN 1
            ELSE 0 END AS tgl_lv,
        CASE WHEN jenis_kelamin IS NULL OR jenis_kelamin_d IS NULL THEN 2
             WHEN jenis_kelamin = jenis_kelamin_d THEN 1 ELSE 0 END AS jk_lv,
        CASE WHEN kode_desa = kode_desa_d THEN 3 WHEN kode_kecamatan = kode_kecamatan_d THEN 2
             WHEN kode_kabupaten = kode_kabupaten_d THEN 1 ELSE 0 END AS wil_lv,
        CASE WHEN no_kk IS NULL THEN 0 WHEN no_kk = no_kk_d THEN 2 ELSE 1 END AS kk_lv
    FROM pasangan
)
SELECT
    $periode AS periode,
    sumber, id_sumber, nik_dukcapil, acak,
    CASE WHEN nik_lv = 4 AND nama_mirip < 0.88 AND tgl_lv < 2 THEN 2 ELSE nik_lv END AS nik_lv,
    CASE WHEN nama_mirip >= 0.95 THEN 3 WHEN nama_mirip >= 0.88 THEN 2 WHEN nama_mirip >= 0.75 THEN 1 ELSE 0 END AS nama_lv,
    tgl_lv, jk_lv, wil_lv, kk_lv,
    round(nama_mirip, 3) AS nama_mirip
FROM banding
