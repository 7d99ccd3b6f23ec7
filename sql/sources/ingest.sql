-- Rows not accepted, from every stage: read errors (tahap 'baca') now; standardisation rejects later.
-- Its comments are in sql/sources/comments.yaml (applied by the read assets).
CREATE SCHEMA IF NOT EXISTS sources;
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
