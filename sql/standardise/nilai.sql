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

-- The quarter's last day: extracts are taken during the quarter, so a child born after its first
-- day is in them (the quarter's date checks allow birth dates up to here).
CREATE OR REPLACE MACRO akhir_kuartal(periode) AS CAST(CAST(periode AS DATE) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE);

-- Age on the quarter's first day as the stages use it: 0 for a child born later in the quarter
-- (not -1: PKH's early-childhood component and the PMT's children count them), NULL for a birth
-- date after the quarter's end (an error; the date checks count it).
CREATE OR REPLACE MACRO umur_kuartal(tgl_lahir, periode) AS
    CASE WHEN tgl_lahir <= akhir_kuartal(periode) THEN greatest(umur_pada(tgl_lahir, CAST(periode AS DATE)), 0) END;

-- Sex as L or P: the mapping's code for the source (kode_sumber, generated from the mapping's
-- `codes` before this file), else L or P as written.
CREATE OR REPLACE MACRO jenis_kelamin_baku(sumber, teks) AS
    coalesce(kode_sumber(sumber, 'jenis_kelamin', teks),
             CASE upper(trim(teks)) WHEN 'L' THEN 'L' WHEN 'P' THEN 'P' END);

-- Runs of spaces, tabs or non-breaking spaces inside a text as one space ('PEGAWAI  NEGERI SIPIL'
-- is the ASN occupation the targeting rules look for); the regular expression only where there is
-- such a run.
CREATE OR REPLACE MACRO spasi_tunggal(t) AS
    CASE WHEN contains(t, '  ') OR contains(t, chr(9)) OR contains(t, chr(160))
         THEN regexp_replace(t, '[\s\x{00A0}]+', ' ', 'g') ELSE t END;

-- A coded text column (relationship, occupation, life status): the mapping's code for the
-- source, else the text upper-cased, trimmed and with single spaces.
CREATE OR REPLACE MACRO teks_baku(sumber, kolom, teks) AS
    coalesce(kode_sumber(sumber, kolom, teks), nullif(spasi_tunggal(upper(trim(teks))), ''));

-- A number as Indonesian and English spreadsheets write it, as DOUBLE: 36,5 and 36.5; thousands
-- grouped with dots or commas as whole numbers: two groups or more always (14.280.000, 1,500,000),
-- one group when it ends in 0 (890.000 rupiah, 1.250, 850,000), since a number a program wrote
-- (a Parquet or XLSX value cast to text: 45.125, 1500000.0) never ends its decimals with a 0, so
-- 45.125 stays 45.125; 1.500,50 and 1,500.50 with both separators; spaces between groups
-- (1 500 000) dropped. NULL for text that is no number ('abc', 'nan', 'inf'). Plain digits, the
-- usual case, skip the regular expressions.
CREATE OR REPLACE MACRO _angka(t) AS TRY_CAST(
    CASE
        WHEN NOT contains(t, '.') AND NOT contains(t, ',') AND NOT contains(t, 'n') AND NOT contains(t, 'N') THEN t
        WHEN contains(t, 'n') OR contains(t, 'N') THEN NULL
        WHEN regexp_full_match(t, '[+-]?[1-9][0-9]{0,2}(\.[0-9]{3}){2,}|[+-]?[1-9][0-9]{0,2}(,[0-9]{3}){2,}|[+-]?[1-9][0-9]{0,2}[.,][0-9]{2}0')
             THEN regexp_replace(t, '[.,]', '', 'g')
        WHEN regexp_full_match(t, '[+-]?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+') THEN replace(replace(t, '.', ''), ',', '.')
        WHEN regexp_full_match(t, '[+-]?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+') THEN replace(t, ',', '')
        ELSE replace(t, ',', '.')
    END AS DOUBLE);

-- Text without a separator, a space or an n (nan, inf) is cast as it is: 14.6 M person rows' three
-- numbers in 0.14 s instead of 0.32 s through _angka.
CREATE OR REPLACE MACRO angka(x) AS
    CASE WHEN contains(x, '.') OR contains(x, ',') OR contains(x, ' ') OR contains(x, 'n') OR contains(x, 'N')
         THEN _angka(replace(trim(x), ' ', '')) ELSE TRY_CAST(x AS DOUBLE) END;
