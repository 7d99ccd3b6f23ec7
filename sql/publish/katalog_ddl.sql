-- The katalog lists itself: it exists before its rows are selected.
CREATE TABLE IF NOT EXISTS main.katalog (
    periode              VARCHAR,
    tabel                VARCHAR,
    jenis                VARCHAR,
    tahap                VARCHAR,
    satu_baris_per       VARCHAR,
    arti                 VARCHAR,
    jumlah_kolom         BIGINT,
    kolom_tanpa_komentar BIGINT,
    jumlah_baris         BIGINT
);
