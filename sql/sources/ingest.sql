-- The read assets' own bookkeeping in schema `sources` (main.ditolak: ditolak.sql).
CREATE SCHEMA IF NOT EXISTS sources;

-- How each file was read: the records it held and its lines or rows that hold none, so that the
-- check `baris_lengkap` can account for every line the inventory counted. Written by the read
-- assets in the transaction that writes the file's text rows.
CREATE TABLE IF NOT EXISTS sources.berkas_dibaca (
    periode     VARCHAR NOT NULL,
    sumber      VARCHAR NOT NULL,
    berkas      VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    baris_rekaman BIGINT NOT NULL,
    baris_kosong  BIGINT NOT NULL
);
COMMENT ON TABLE sources.berkas_dibaca IS 'Each raw file read per quarter: its records (accepted or rejected) and its lines or rows that hold no record';
COMMENT ON COLUMN sources.berkas_dibaca.periode IS 'Quarter (partition key), e.g. 2025-07-01';
COMMENT ON COLUMN sources.berkas_dibaca.sumber IS 'Source as named in the column mapping';
COMMENT ON COLUMN sources.berkas_dibaca.berkas IS 'File kind within the source (e.g. individu, keluarga)';
COMMENT ON COLUMN sources.berkas_dibaca.file IS 'File path relative to the quarter folder';
COMMENT ON COLUMN sources.berkas_dibaca.baris_rekaman IS 'Records read: rows of the text table plus rows in ditolak';
COMMENT ON COLUMN sources.berkas_dibaca.baris_kosong IS 'Lines or sheet rows holding no record: blank lines, the further lines of a record that runs over several (a line break inside quotes), CSV lines and sheet rows with no value in any column the mapping reads (;;;; rows), empty (formatted) rows at the end of a sheet';
