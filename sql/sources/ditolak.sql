-- Rows not accepted, from every stage: read errors (tahap 'baca', written by the read assets),
-- living Dukcapil rows whose NIK cannot identify the person (tahap 'tunggal', written by unify's
-- individu). In `main`, as analysts look for it there; each asset that writes it runs this file
-- first. Its comments are in sql/sources/comments.yaml (applied by the assets that write it).
CREATE TABLE IF NOT EXISTS main.ditolak (
    periode     VARCHAR NOT NULL,
    tahap       VARCHAR NOT NULL,
    sumber      VARCHAR NOT NULL,
    berkas      VARCHAR,
    file        VARCHAR,
    baris       BIGINT,
    kolom       VARCHAR,
    alasan_kode VARCHAR NOT NULL,
    alasan      VARCHAR
);
