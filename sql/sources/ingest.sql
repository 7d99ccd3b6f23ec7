-- Rows not accepted, from every stage: read errors (tahap 'baca') now; standardisation rejects later.
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
COMMENT ON TABLE main.ditolak IS 'Every source row not accepted, with its file, row and reason: nothing is dropped silently';
COMMENT ON COLUMN main.ditolak.periode IS 'Quarter (partition key), e.g. 2025-07-01';
COMMENT ON COLUMN main.ditolak.tahap IS 'Stage that rejected the row: baca (reading the file), baku (standardisation)';
COMMENT ON COLUMN main.ditolak.sumber IS 'Source as named in the column mapping';
COMMENT ON COLUMN main.ditolak.berkas IS 'File kind within the source (individu, keluarga, ...)';
COMMENT ON COLUMN main.ditolak.file IS 'File path relative to the quarter folder';
COMMENT ON COLUMN main.ditolak.baris IS 'Row number as a person sees it: text-editor line or Excel row (header = 1)';
COMMENT ON COLUMN main.ditolak.kolom IS 'Canonical column at fault, if one';
COMMENT ON COLUMN main.ditolak.alasan_kode IS 'Reason code, e.g. baris_rusak (wrong number of fields)';
COMMENT ON COLUMN main.ditolak.alasan IS 'Reason in words (never the personal data itself)';
