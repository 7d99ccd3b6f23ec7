-- keluarga: one row per Dukcapil family card (KK) of the quarter with a living member: stable
-- id_keluarga (from the KK number), region codes and names, address, head, number of members, and
-- the housing and asset variables from the freshest source family record whose matched members
-- are mostly in this KK, with provenance. A KK new this quarter whose members were last quarter
-- in another family is a split: id_keluarga_asal names that family. KKs no source describes are
-- `belum_terdata` (not yet registered in DTSEN's socio-economic data). A person whose KK number is
-- not usable (individu.no_kk_bentuk) is a family alone: no_kk NULL there (a placeholder is no family's
-- number, and no_kk stays unique), no_kk_bentuk saying why.
WITH anggota AS (
    SELECT * FROM main.individu WHERE periode = $periode
),
-- Every choice below breaks its ties explicitly (mode() and arg_max on a tied key pick either
-- value, so a re-run of the quarter could give another village, address or head).
kk AS (
    SELECT id_keluarga, any_value(no_kk) AS no_kk, any_value(no_kk_bentuk) AS no_kk_bentuk,  -- one KK per id_keluarga
           count(*) AS jumlah_anggota,
           -- the head: the member recorded as head, else the eldest; two of one age: the larger NIK
           arg_max(nik, {'kepala': coalesce(hubungan_keluarga = 'KEPALA KELUARGA', false), 'umur': coalesce(umur, 0), 'nik': nik})
               AS nik_kepala,
           arg_max(nama, {'kepala': coalesce(hubungan_keluarga = 'KEPALA KELUARGA', false), 'umur': coalesce(umur, 0), 'nik': nik})
               AS nama_kepala,
           min(kode_desa) AS desa_min, max(kode_desa) AS desa_max, min(alamat) AS alamat_min, max(alamat) AS alamat_max
    FROM anggota GROUP BY 1
),
-- the family's village and address: the members' one value, or, for the few families whose
-- members differ, the most frequent (a tie: the larger value), counted for those families only
beragam AS (
    SELECT a.id_keluarga, a.kode_desa, a.alamat, k.desa_min <> k.desa_max AS desa_beda, k.alamat_min <> k.alamat_max AS alamat_beda
    FROM anggota a JOIN kk k USING (id_keluarga)
    WHERE k.desa_min <> k.desa_max OR k.alamat_min <> k.alamat_max
),
desa AS (
    SELECT id_keluarga, arg_max(kode_desa, {'n': n, 'v': kode_desa}) AS kode_desa
    FROM (SELECT id_keluarga, kode_desa, count(*) AS n FROM beragam WHERE desa_beda AND kode_desa IS NOT NULL GROUP BY ALL)
    GROUP BY 1
),
alamat AS (
    SELECT id_keluarga, arg_max(alamat, {'n': n, 'v': alamat}) AS alamat
    FROM (SELECT id_keluarga, alamat, count(*) AS n FROM beragam WHERE alamat_beda AND alamat IS NOT NULL GROUP BY ALL)
    GROUP BY 1
),
-- each source family record goes to the KK where most of its matched members are
rumah_sumber AS (
    SELECT s.sumber, s.id_keluarga_sumber, i.id_keluarga, count(*) AS n
    FROM main.padan_dukcapil p
    JOIN standardise.stg_individu s ON s.periode = p.periode AND s.sumber = p.sumber AND s.id_sumber = p.id_sumber
    JOIN anggota i ON i.nik = p.nik_dukcapil
    WHERE p.periode = $periode AND p.status_padan IN ('padan', 'padan_koreksi')
    GROUP BY s.sumber, s.id_keluarga_sumber, i.id_keluarga
    QUALIFY row_number() OVER (PARTITION BY s.sumber, s.id_keluarga_sumber ORDER BY n DESC, i.id_keluarga) = 1
),
terbaru AS (
    SELECT r.id_keluarga, k.*
    FROM rumah_sumber r
    JOIN standardise.stg_keluarga k ON k.periode = $periode AND k.sumber = r.sumber AND k.id_keluarga_sumber = r.id_keluarga_sumber
    WHERE coalesce(k.jenis_lantai, k.jenis_dinding, k.sumber_air_minum) IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY r.id_keluarga ORDER BY k.tgl_pendataan DESC NULLS LAST,
                               CASE k.sumber WHEN 'regsosek' THEN 1 WHEN 'dtks' THEN 2 ELSE 3 END, k.id_keluarga_sumber) = 1
),
asal AS (  -- the family most of the members came from (a tie: the larger id)
    SELECT id_keluarga, arg_max(asal, {'n': n, 'v': asal}) AS id_keluarga_asal FROM (
        SELECT a.id_keluarga, l.id_keluarga AS asal, count(*) AS n
        FROM anggota a
        JOIN main.individu l ON l.periode = $periode_lalu AND l.id_individu = a.id_individu
        -- NOT EXISTS, not NOT IN: one NULL id last quarter would make every NOT IN unknown, hiding every split
        WHERE NOT EXISTS (SELECT 1 FROM main.individu p WHERE p.periode = $periode_lalu AND p.id_keluarga = a.id_keluarga)
          AND l.id_keluarga <> a.id_keluarga
        GROUP BY ALL)
    GROUP BY 1
),
wil AS (
    SELECT kode, nama FROM main.wilayah WHERE periode = $periode
)
SELECT
    $periode AS periode,
    kk.id_keluarga,
    CASE WHEN kk.no_kk_bentuk = 'ok' THEN kk.no_kk END AS no_kk,
    kk.no_kk_bentuk,
    substr(kk.kode_desa, 1, 2) AS kode_provinsi, wp.nama AS nama_provinsi,
    substr(kk.kode_desa, 1, 4) AS kode_kabupaten, wk.nama AS nama_kabupaten,
    substr(kk.kode_desa, 1, 6) AS kode_kecamatan, wc.nama AS nama_kecamatan,
    kk.kode_desa, wd.nama AS nama_desa,
    kk.alamat,
    kk.nik_kepala,
    kk.nama_kepala,
    kk.jumlah_anggota,
    asal.id_keluarga_asal,
    CASE WHEN t.id_keluarga IS NULL THEN 'belum_terdata' ELSE 'terdata' END AS status_data,
    t.sumber AS sumber_variabel,
    t.id_keluarga_sumber AS id_keluarga_sumber_variabel,
    t.tgl_pendataan AS tgl_pendataan_variabel,
    t.desil_p3ke,
    {{variabel}}
FROM (SELECT k.* EXCLUDE (desa_min, desa_max, alamat_min, alamat_max),
             coalesce(d.kode_desa, k.desa_min) AS kode_desa, coalesce(a.alamat, k.alamat_min) AS alamat
      FROM kk k LEFT JOIN desa d USING (id_keluarga) LEFT JOIN alamat a USING (id_keluarga)) kk
LEFT JOIN terbaru t ON t.id_keluarga = kk.id_keluarga
LEFT JOIN asal ON asal.id_keluarga = kk.id_keluarga
LEFT JOIN wil wp ON wp.kode = substr(kk.kode_desa, 1, 2)
LEFT JOIN wil wk ON wk.kode = substr(kk.kode_desa, 1, 4)
LEFT JOIN wil wc ON wc.kode = substr(kk.kode_desa, 1, 6)
LEFT JOIN wil wd ON wd.kode = kk.kode_desa
