-- NIK decoding. A NIK is 16 digits: kecamatan of first registration (6) + birth date DDMMYY with
-- 40 added to the day for women + serial (4). These macros decode it and classify how it looks,
-- so that a NIK that cannot be trusted is flagged, not used.

-- How the NIK looks: ok | kosong (missing) | notasi_ilmiah (a spreadsheet wrote it as 3.40301E+15,
-- or 3,40301E+15 in a decimal-comma locale)
-- | bukan_16_digit | placeholder (one repeated digit, 1234567890123456, region 000000, serial 0000)
-- | tanggal_mustahil (month 00 or > 12, day 00, 32-40 or > 71).
-- Written for speed (it runs on every NIK and KK of every source, 20 M values at scale 1.0): the
-- NIK trimmed once (_nik_bentuk's argument), one regular expression for the common case of 16
-- digits, the scientific-notation one only for what is not, and the two-digit day and month
-- compared as text ('01'..'12'), which for two digits orders as the numbers do (a quarter's 18.7 M
-- NIKs and KKs at scale 1.0: 13.8 -> 3.6 s).
CREATE OR REPLACE MACRO _nik_bentuk(t) AS
    CASE
        WHEN t IS NULL OR t IN ('', '-', '0') THEN 'kosong'
        WHEN NOT regexp_full_match(t, '[0-9]{16}') THEN
            CASE WHEN regexp_full_match(t, '[0-9][.,]?[0-9]*[Ee]\+?[0-9]+') THEN 'notasi_ilmiah' ELSE 'bukan_16_digit' END
        WHEN t = repeat(left(t, 1), 16) OR t IN ('1234567890123456', '0123456789012345')
             OR substr(t, 1, 6) = '000000' OR substr(t, 13, 4) = '0000' THEN 'placeholder'
        WHEN substr(t, 9, 2) NOT BETWEEN '01' AND '12'
             OR substr(t, 7, 2) = '00'
             OR substr(t, 7, 2) BETWEEN '32' AND '40'
             OR substr(t, 7, 2) > '71' THEN 'tanggal_mustahil'
        ELSE 'ok'
    END;

CREATE OR REPLACE MACRO nik_bentuk(nik) AS _nik_bentuk(trim(nik));

-- A NIK or KK as text, as the pipeline keeps it: trimmed, and when it is 16 digits written with
-- an Excel text marker or separators ('3403146007670001, 3403.1405.0943.0001, 3401 0455 1224 0001,
-- 3403-1405-0943-0001) those 16 digits, so that nik_bentuk judges the number and not its
-- writing. Anything else (15 or 17 digits, letters, 3.40301E+15) is left as written for
-- nik_bentuk to flag. The usual 16 characters are passed through without a regular expression.
CREATE OR REPLACE MACRO _nik_baku(t) AS
    CASE
        WHEN t IS NULL OR t = '' THEN NULL
        WHEN length(t) = 16 THEN t
        WHEN regexp_full_match(t, '''?[0-9][0-9 .\-]*[0-9]') AND length(regexp_replace(t, '[^0-9]', '', 'g')) = 16
             THEN regexp_replace(t, '[^0-9]', '', 'g')
        ELSE t
    END;

-- 16 characters (the readers trim every value) pass without even a trim: a quarter's 14.6 M KKs of
-- stg_individu in 0.07 s instead of 0.43 s.
CREATE OR REPLACE MACRO nik_baku(nik) AS CASE WHEN length(nik) = 16 THEN nik ELSE _nik_baku(trim(nik)) END;

CREATE OR REPLACE MACRO nik_kode_kecamatan(nik) AS substr(nik, 1, 6);

CREATE OR REPLACE MACRO nik_jenis_kelamin(nik) AS
    CASE WHEN TRY_CAST(substr(nik, 7, 2) AS INTEGER) BETWEEN 41 AND 71 THEN 'P'
         WHEN TRY_CAST(substr(nik, 7, 2) AS INTEGER) BETWEEN 1 AND 31 THEN 'L' END;

-- Birth date encoded in the NIK; the century is the latest one that does not put the birth after
-- the reference date (the stages give the quarter's last day). NULL when the date does not exist (e.g. 31 February). Built
-- from numbers (make_date) and the century chosen by comparing YYYYMMDD as numbers, one date made
-- per NIK: 2000+yy and 1900+yy are leap years alike except for yy = 00, where only 2000 is, so a
-- date that does not exist in 20yy does not exist in 19yy either (every DDMMYY of every century
-- gives the same date as parsing both centuries' text did: tests/test_nik.py).
CREATE OR REPLACE MACRO _nik_angka(nik, awal) AS TRY_CAST(substr(nik, awal, 2) AS INTEGER);

CREATE OR REPLACE MACRO _nik_tgl(nik, abad) AS
    try(make_date(abad + _nik_angka(nik, 11), _nik_angka(nik, 9), _nik_angka(nik, 7) % 40));

CREATE OR REPLACE MACRO nik_tgl_lahir(nik, pada) AS
    _nik_tgl(nik, CASE WHEN (2000 + _nik_angka(nik, 11)) * 10000 + _nik_angka(nik, 9) * 100 + _nik_angka(nik, 7) % 40
                            <= year(pada::DATE) * 10000 + month(pada::DATE) * 100 + day(pada::DATE) THEN 2000 ELSE 1900 END);

-- Whether the NIK's birth date agrees with the recorded one: the NIK holds DDMMYY, so day, month
-- and the year's last two digits (a birth in 1920 and a NIK read as 2020 agree). NULL when either
-- date is unknown.
CREATE OR REPLACE MACRO nik_cocok_tanggal(nik_tgl, tgl_lahir) AS
    CASE WHEN nik_tgl IS NOT NULL AND tgl_lahir IS NOT NULL
         THEN day(nik_tgl) = day(tgl_lahir) AND month(nik_tgl) = month(tgl_lahir) AND year(nik_tgl) % 100 = year(tgl_lahir) % 100 END;
