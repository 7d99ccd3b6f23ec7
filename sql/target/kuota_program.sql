-- kuota_program: each programme's national quota (rules: kuota_nasional, in the programme's unit)
-- scaled to the part of the country the data covers (kuota_data = kuota_nasional x living people
-- in individu / the rules' penduduk_nasional) and shared among regencies by their share of the
-- poor population: the individuals of ranked families whose decile is in the programme's range
-- ("azas keadilan"). Regency quotas are whole numbers by largest remainder, so they add up exactly
-- to kuota_data rounded. Per regency: current recipients (list rows; those without a region under
-- kode_kabupaten NULL), of which eligible, the gap to the quota (selisih = penerima - kuota) and
-- eligible non-recipients (kandidat_exclusion_error).
WITH program AS (
    SELECT * FROM aturan WHERE kuota_nasional IS NOT NULL
),
penduduk AS (
    SELECT count(*) AS n FROM main.individu WHERE periode = $periode
),
miskin AS (
    SELECT a.program, f.kode_kabupaten, sum(f.jumlah_anggota) AS penduduk_miskin
    FROM program a JOIN target.syarat_keluarga f ON f.periode = $periode AND f.desil BETWEEN a.desil_dari AND a.desil_sampai
    GROUP BY ALL
),
penerima AS (
    SELECT s.program, s.kode_kabupaten, count(*) AS penerima, count(*) FILTER (s.status = 'layak') AS penerima_layak
    FROM main.status_penerima s JOIN program USING (program) WHERE s.periode = $periode GROUP BY ALL
),
calon AS (
    SELECT e.program, e.kode_kabupaten, count(*) AS calon_penerima
    FROM main.kandidat_exclusion_error e JOIN program USING (program) WHERE e.periode = $periode GROUP BY ALL
),
baris AS (
    SELECT a.program, a.satuan, a.kuota_nasional, kab.kode_kabupaten,
           coalesce(m.penduduk_miskin, 0) AS penduduk_miskin,
           a.kuota_nasional * (SELECT n FROM penduduk) / $penduduk_nasional AS kuota_data,
           coalesce(p.penerima, 0) AS penerima, coalesce(p.penerima_layak, 0) AS penerima_layak,
           coalesce(c.calon_penerima, 0) AS calon_penerima
    FROM program a
    JOIN (SELECT program, kode_kabupaten FROM miskin UNION SELECT program, kode_kabupaten FROM penerima
          UNION SELECT program, kode_kabupaten FROM calon) kab ON kab.program = a.program
    LEFT JOIN miskin m ON m.program = a.program AND m.kode_kabupaten IS NOT DISTINCT FROM kab.kode_kabupaten
    LEFT JOIN penerima p ON p.program = a.program AND p.kode_kabupaten IS NOT DISTINCT FROM kab.kode_kabupaten
    LEFT JOIN calon c ON c.program = a.program AND c.kode_kabupaten IS NOT DISTINCT FROM kab.kode_kabupaten
),
porsi AS (
    SELECT b.*,
           CASE WHEN sum(penduduk_miskin) OVER w > 0 THEN penduduk_miskin / sum(penduduk_miskin) OVER w ELSE 0 END AS porsi,
           round(kuota_data) AS kuota_bulat
    FROM baris b WINDOW w AS (PARTITION BY program)
),
pecahan AS (
    SELECT p.*, porsi * kuota_bulat AS kuota_tepat, floor(porsi * kuota_bulat) AS kuota_dasar
    FROM porsi p
),
dibagi AS (
    SELECT p.*,
           kuota_dasar + CASE WHEN penduduk_miskin > 0
                               AND row_number() OVER (PARTITION BY program ORDER BY (penduduk_miskin > 0) DESC, kuota_tepat - kuota_dasar DESC,
                                                      kode_kabupaten NULLS LAST)
                                   <= kuota_bulat - sum(kuota_dasar) OVER (PARTITION BY program)
                              THEN 1 ELSE 0 END AS kuota
    FROM pecahan p
)
SELECT
    $periode AS periode,
    d.program,
    d.satuan,
    d.kode_kabupaten,
    w.nama AS nama_kabupaten,
    CAST(d.penduduk_miskin AS BIGINT) AS penduduk_miskin,
    round(d.porsi, 6) AS porsi,
    CAST(d.kuota_nasional AS BIGINT) AS kuota_nasional,
    round(d.kuota_data, 2) AS kuota_data,
    CAST(d.kuota AS BIGINT) AS kuota,
    CAST(d.penerima AS BIGINT) AS penerima,
    CAST(d.penerima_layak AS BIGINT) AS penerima_layak,
    CAST(d.penerima - d.kuota AS BIGINT) AS selisih,
    CASE WHEN d.penerima > d.kuota THEN 'di atas kuota' WHEN d.penerima < d.kuota THEN 'di bawah kuota' ELSE 'sesuai kuota' END AS status_kuota,
    CAST(d.calon_penerima AS BIGINT) AS calon_penerima
FROM dibagi d
LEFT JOIN main.wilayah w ON w.periode = $periode AND w.kode = d.kode_kabupaten
