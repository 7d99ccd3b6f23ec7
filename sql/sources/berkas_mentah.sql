-- Inventory of the raw extracts of each quarter: one row per file found (or per expected file
-- that is missing). Written by the mentah_<sumber> assets, one source at a time.
CREATE SCHEMA IF NOT EXISTS sources;
CREATE TABLE IF NOT EXISTS sources.berkas_mentah (
    periode            VARCHAR NOT NULL,
    sumber             VARCHAR NOT NULL,
    berkas             VARCHAR NOT NULL,
    path               VARCHAR,
    format             VARCHAR,
    baris              BIGINT,
    ukuran_byte        BIGINT,
    sha256             VARCHAR,
    kolom_wajib_hilang VARCHAR,
    kolom_tak_dikenal  VARCHAR,
    galat              VARCHAR
);
COMMENT ON TABLE sources.berkas_mentah IS 'Raw extract files per quarter and source: size, data rows, checksum, missing required columns, read errors';
COMMENT ON COLUMN sources.berkas_mentah.periode IS 'Quarter (partition key), e.g. 2025-07-01';
COMMENT ON COLUMN sources.berkas_mentah.sumber IS 'Source as named in the column mapping (dukcapil, dtks, p3ke, regsosek, penerima_*, negatif_*, survei, wilayah)';
COMMENT ON COLUMN sources.berkas_mentah.berkas IS 'File kind within the source (e.g. individu, keluarga)';
COMMENT ON COLUMN sources.berkas_mentah.path IS 'Path relative to the quarter folder (the expected pattern when no file was found)';
COMMENT ON COLUMN sources.berkas_mentah.format IS 'csv, xlsx or parquet';
COMMENT ON COLUMN sources.berkas_mentah.baris IS 'Data rows (lines or sheet rows after the header, parquet row count)';
COMMENT ON COLUMN sources.berkas_mentah.ukuran_byte IS 'File size in bytes';
COMMENT ON COLUMN sources.berkas_mentah.sha256 IS 'SHA-256 of the file, to tell a re-delivered extract from a changed one';
COMMENT ON COLUMN sources.berkas_mentah.kolom_wajib_hilang IS 'Required source columns absent from the header, comma separated';
COMMENT ON COLUMN sources.berkas_mentah.kolom_tak_dikenal IS 'Header columns the mapping does not know (ignored by ingest)';
COMMENT ON COLUMN sources.berkas_mentah.galat IS 'Why the file could not be read or found; null when fine';
