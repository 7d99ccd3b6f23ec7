-- katalog: one row per table and view of schema `main` in the quarter: its stage, grain (what one
-- row is) and meaning, from the comments (the table's COMMENT, else its comments.yaml text),
-- with its columns and rows. «dokumen» is every table documented in sql/*/comments.yaml
-- (tabel, tahap, satu_baris_per, arti), registered by the asset; «baris» the rows of each
-- published table in the quarter, built by the asset from the tables that have a periode.
WITH objek AS (
    SELECT table_name AS tabel, 'tabel' AS jenis, comment
    FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
    UNION ALL
    SELECT view_name, 'view', comment
    FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
),
kolom AS (
    SELECT table_name AS tabel, count(*) AS jumlah_kolom, count(*) FILTER (coalesce(comment, '') = '') AS kolom_tanpa_komentar
    FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'
    GROUP BY table_name
),
baris AS (
    {{baris}}
)
SELECT
    $periode AS periode,
    o.tabel,
    o.jenis,
    d.tahap,
    d.satu_baris_per,
    coalesce(nullif(o.comment, ''), d.arti) AS arti,
    k.jumlah_kolom,
    k.kolom_tanpa_komentar,
    b.jumlah_baris
FROM objek o
LEFT JOIN dokumen d ON d.tabel = o.tabel
LEFT JOIN kolom k ON k.tabel = o.tabel
LEFT JOIN baris b ON b.tabel = o.tabel
