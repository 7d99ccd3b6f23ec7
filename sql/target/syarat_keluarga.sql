-- target.syarat_keluarga (working table): one row per family of keluarga with its rank (NULL
-- when belum_terdata), its decile last quarter (by id, else by the family it split from), and what
-- its members bring: any ASN/TNI/Polri, PPATK or unfitting occupation, the criteria met by a member.
-- `desil` is the decile the rules use ({{desil}}: nasional, provinsi or kabupaten).
WITH anggota AS (
    SELECT id_keluarga, bool_or(asn) AS asn, bool_or(judi_online) AS judi_online,
           bool_or(pekerjaan_tidak_sesuai) AS pekerjaan_tidak_sesuai, list_sort(list_distinct(flatten(list(kriteria)))) AS kriteria
    FROM target.syarat_individu WHERE periode = $periode GROUP BY 1
),
lalu AS (
    SELECT id_keluarga, {{desil}} AS desil FROM main.peringkat WHERE periode = $periode_lalu
)
SELECT
    $periode AS periode,
    k.id_keluarga,
    k.no_kk,
    k.kode_provinsi, k.kode_kabupaten, k.kode_kecamatan, k.kode_desa,
    k.nik_kepala,
    k.nama_kepala,
    k.jumlah_anggota,
    k.status_data,
    p.{{desil}} AS desil,
    p.desil_nasional,
    p.peringkat_nasional,
    p.skor,
    coalesce(l.desil, la.desil) AS desil_lalu,
    coalesce(a.asn, false) AS asn,
    coalesce(a.judi_online, false) AS judi_online,
    coalesce(a.pekerjaan_tidak_sesuai, false) AS pekerjaan_tidak_sesuai,
    coalesce(a.kriteria, CAST([] AS VARCHAR[])) AS kriteria
FROM main.keluarga k
LEFT JOIN main.peringkat p ON p.periode = $periode AND p.id_keluarga = k.id_keluarga
LEFT JOIN lalu l ON l.id_keluarga = k.id_keluarga
LEFT JOIN lalu la ON la.id_keluarga = k.id_keluarga_asal
LEFT JOIN anggota a ON a.id_keluarga = k.id_keluarga
WHERE k.periode = $periode
