-- target.syarat_individu (working table of stage target): one row per living person of individu
-- with what the programme rules test: ASN/TNI/Polri (payroll list or Dukcapil occupation), the
-- PPATK online-gambling list, an occupation that does not fit, and the criteria of the rules file
-- the person meets (`kriteria`, a list of criterion names; {{kriteria}} is compiled from the rules
-- over the columns {{kolom}}). Region, family size and the family's ASN flag come from keluarga.
WITH asn_daftar AS (
    SELECT DISTINCT nik FROM standardise.stg_daftar_negatif WHERE periode = $periode AND daftar = 'asn' AND nik_bentuk = 'ok'
),
judi AS (
    SELECT DISTINCT nik FROM standardise.stg_daftar_negatif WHERE periode = $periode AND daftar = 'ppatk' AND nik_bentuk = 'ok'
),
dasar AS NOT MATERIALIZED (
    SELECT i.*,
           coalesce(list_contains($pekerjaan_asn, i.pekerjaan), false) OR a.nik IS NOT NULL AS asn,
           a.nik IS NOT NULL AS asn_di_daftar,
           j.nik IS NOT NULL AS judi_online,
           coalesce(list_contains($pekerjaan_tidak_sesuai, i.pekerjaan), false) AS pekerjaan_tidak_sesuai
    FROM main.individu i
    LEFT JOIN asn_daftar a ON a.nik = i.nik
    LEFT JOIN judi j ON j.nik = i.nik
    WHERE i.periode = $periode
),
asn_keluarga AS (
    SELECT id_keluarga, bool_or(asn) AS ada_anggota_asn FROM dasar GROUP BY id_keluarga
),
orang AS (
    SELECT d.*, {{kolom_keluarga}}
           f.ada_anggota_asn
    FROM dasar d
    JOIN main.keluarga k ON k.periode = $periode AND k.id_keluarga = d.id_keluarga
    JOIN asn_keluarga f ON f.id_keluarga = d.id_keluarga
)
SELECT
    $periode AS periode,
    id_individu,
    nik,
    id_keluarga,
    nama,
    tgl_lahir,
    umur,
    jenis_kelamin,
    hubungan_keluarga,
    pekerjaan,
    asn,
    asn_di_daftar,
    judi_online,
    pekerjaan_tidak_sesuai,
    ada_anggota_asn,
    {{kriteria}} AS kriteria
FROM orang
