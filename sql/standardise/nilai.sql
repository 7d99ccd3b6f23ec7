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
    - CASE WHEN strftime(pada, '%m%d') < strftime(tgl_lahir, '%m%d') THEN 1 ELSE 0 END;
