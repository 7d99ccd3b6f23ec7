-- Typing of source values. ya_tidak: a yes/no answer as BOOLEAN, whichever way the source writes it
-- (YA/TIDAK, Y/N, true/false, 1/0, ADA/TIDAK ADA; REGSOSEK-style 1 = ya, 2 = tidak); NULL otherwise.
CREATE OR REPLACE MACRO ya_tidak(x) AS
    CASE
        WHEN upper(trim(x)) IN ('YA', 'Y', 'TRUE', '1', 'ADA', 'PUNYA') THEN true
        WHEN upper(trim(x)) IN ('TIDAK', 'N', 'FALSE', '0', '2', 'TIDAK ADA', 'TIDAK PUNYA') THEN false
    END;

-- Age in completed years on a date (the quarter's start), from a birth date.
CREATE OR REPLACE MACRO umur_pada(tgl_lahir, pada) AS
    date_diff('year', tgl_lahir, pada)
    - CASE WHEN month(pada) * 100 + day(pada) < month(tgl_lahir) * 100 + day(tgl_lahir) THEN 1 ELSE 0 END;

-- Sex as L or P: the mapping's code for the source (kode_sumber, generated from the mapping's
-- `codes` before this file), else L or P as written.
CREATE OR REPLACE MACRO jenis_kelamin_baku(sumber, teks) AS
    coalesce(kode_sumber(sumber, 'jenis_kelamin', teks),
             CASE upper(trim(teks)) WHEN 'L' THEN 'L' WHEN 'P' THEN 'P' END);

-- A coded text column (relationship, occupation, life status): the mapping's code for the
-- source, else the text upper-cased and trimmed.
CREATE OR REPLACE MACRO teks_baku(sumber, kolom, teks) AS
    coalesce(kode_sumber(sumber, kolom, teks), nullif(upper(trim(teks)), ''));
