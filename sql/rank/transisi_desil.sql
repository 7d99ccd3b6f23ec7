-- main.transisi_desil: each family's national desil last quarter ($periode_lalu) and this quarter,
-- with the families that left or entered desil 1-5 and, for every family whose desil moved, the
-- model inputs that changed between the two quarters («variabel_berubah», generated from the
-- columns of rank.fitur_keluarga): the reason a family can be told. A family split off since last
-- quarter is compared with the family it came from (keluarga.id_keluarga_asal). Families ranked
-- last quarter and not now are listed too (status tidak_diperingkat), with why.
WITH kini AS (
    SELECT p.*, k.id_keluarga_asal
    FROM main.peringkat p
    JOIN main.keluarga k ON k.periode = p.periode AND k.id_keluarga = p.id_keluarga
    WHERE p.periode = $periode
),
lalu AS (
    SELECT * FROM main.peringkat WHERE periode = $periode_lalu
),
fitur_kini AS (
    SELECT * FROM rank.fitur_keluarga WHERE periode = $periode
),
fitur_lalu AS (
    SELECT * FROM rank.fitur_keluarga WHERE periode = $periode_lalu
),
pasangan AS (
    SELECT
        kini.id_keluarga,
        coalesce(l1.id_keluarga, l2.id_keluarga) AS id_keluarga_lalu,
        kini.no_kk, kini.kode_kabupaten, kini.kode_desa, kini.jumlah_anggota,
        coalesce(l1.desil_nasional, l2.desil_nasional) AS desil_nasional_lalu,
        kini.desil_nasional,
        coalesce(l1.skor, l2.skor) AS skor_lalu,
        kini.skor,
        CASE WHEN l1.id_keluarga IS NOT NULL THEN NULL
             WHEN l2.id_keluarga IS NOT NULL THEN 'pecahan' ELSE 'baru' END AS asal
    FROM kini
    LEFT JOIN lalu l1 ON l1.id_keluarga = kini.id_keluarga
    LEFT JOIN lalu l2 ON l1.id_keluarga IS NULL AND l2.id_keluarga = kini.id_keluarga_asal
),
dinilai AS (
    SELECT
        p.*,
        p.desil_nasional - p.desil_nasional_lalu AS perubahan_desil,
        CASE WHEN p.asal = 'baru' THEN 'baru'
             WHEN p.asal = 'pecahan' THEN 'pecahan'
             WHEN p.desil_nasional > p.desil_nasional_lalu THEN 'naik'
             WHEN p.desil_nasional < p.desil_nasional_lalu THEN 'turun'
             ELSE 'tetap' END AS status_transisi,
        CASE WHEN p.desil_nasional_lalu IS DISTINCT FROM p.desil_nasional AND p.desil_nasional_lalu IS NOT NULL THEN
            coalesce(nullif(concat_ws('; ', {{variabel_berubah}}), ''),
                     'tidak ada variabel yang berubah: posisi relatif terhadap keluarga lain atau model kuartal ini bergeser')
        END AS variabel_berubah
    FROM pasangan p
    LEFT JOIN fitur_kini a ON a.id_keluarga = p.id_keluarga
    LEFT JOIN fitur_lalu b ON b.id_keluarga = p.id_keluarga_lalu
),
hilang AS (
    SELECT
        l.id_keluarga, l.id_keluarga AS id_keluarga_lalu, l.no_kk, l.kode_kabupaten, l.kode_desa, l.jumlah_anggota,
        l.desil_nasional AS desil_nasional_lalu, CAST(NULL AS INTEGER) AS desil_nasional, l.skor AS skor_lalu,
        CAST(NULL AS DOUBLE) AS skor, CAST(NULL AS INTEGER) AS perubahan_desil, 'tidak_diperingkat' AS status_transisi,
        CASE WHEN k.id_keluarga IS NULL THEN 'KK tidak ada lagi di Dukcapil kuartal ini (pindah, pecah seluruhnya, atau semua anggota meninggal)'
             ELSE 'keluarga belum_terdata kuartal ini: tidak ada sumber yang mendata' END AS variabel_berubah
    FROM lalu l
    LEFT JOIN kini ON kini.id_keluarga = l.id_keluarga
    LEFT JOIN main.keluarga k ON k.periode = $periode AND k.id_keluarga = l.id_keluarga
    WHERE kini.id_keluarga IS NULL
)
SELECT
    $periode AS periode,
    id_keluarga, id_keluarga_lalu, no_kk, kode_kabupaten, kode_desa, jumlah_anggota,
    desil_nasional_lalu, desil_nasional, perubahan_desil, skor_lalu, skor, status_transisi,
    coalesce(desil_nasional_lalu <= 5 AND (desil_nasional IS NULL OR desil_nasional > 5), false) AS keluar_desil_1_5,
    coalesce(desil_nasional <= 5 AND (desil_nasional_lalu IS NULL OR desil_nasional_lalu > 5), false) AS masuk_desil_1_5,
    variabel_berubah
FROM (SELECT * EXCLUDE (asal) FROM dinilai UNION ALL BY NAME SELECT * FROM hilang)
