-- Macros of the matching stage.

-- A phonetic key of a standardised name for blocking: the first letter of the first word, then
-- that word's consonants without H, Y and W (vowels and the letters old and new spelling disagree
-- on carry little), at most 5 letters. SUPRIYANTO, SOEPRIJANTO (-> SUPRIYANTO) and SUPRIANTO all
-- give SPRNT.
CREATE OR REPLACE MACRO kunci_fonetik(nama) AS
    CASE WHEN nama IS NOT NULL THEN
        left(left(split_part(nama, ' ', 1), 1)
             || regexp_replace(substr(split_part(nama, ' ', 1), 2), '[AEIOUHYW]', '', 'g'), 5)
    END;

-- The NIK as it would be with the women's +40 on the birth day applied (a woman's NIK written
-- with her plain birth day), or removed; NULL when the day part does not allow it.
CREATE OR REPLACE MACRO nik_geser_hari(nik) AS
    CASE
        WHEN TRY_CAST(substr(nik, 7, 2) AS INTEGER) BETWEEN 1 AND 31
            THEN left(nik, 6) || lpad(CAST(CAST(substr(nik, 7, 2) AS INTEGER) + 40 AS VARCHAR), 2, '0') || substr(nik, 9)
        WHEN TRY_CAST(substr(nik, 7, 2) AS INTEGER) BETWEEN 41 AND 71
            THEN left(nik, 6) || lpad(CAST(CAST(substr(nik, 7, 2) AS INTEGER) - 40 AS VARCHAR), 2, '0') || substr(nik, 9)
    END;

-- Two names' words agree position by position, a single letter standing for a word it begins.
CREATE OR REPLACE MACRO sama_kecuali_inisial(ta, tb) AS
    len(ta) = len(tb) AND len(ta) > 1
    AND list_bool_and(list_transform(list_zip(ta, tb), lambda x: x[1] = x[2]
        OR (length(x[1]) = 1 AND x[1] = left(x[2], 1)) OR (length(x[2]) = 1 AND x[2] = left(x[1], 1))));

-- Name similarity 0..1 between two standardised names: Jaro-Winkler on the names and on their
-- words sorted (word order differs between sources), 0.9 when all words of the shorter name are in
-- the longer one (a dropped middle name) or when the names have the same words but for initials
-- (SRI W = SRI WAHYUNI), 0 when either is missing.
CREATE OR REPLACE MACRO kemiripan_nama(a, b) AS
    CASE WHEN a IS NULL OR b IS NULL THEN 0.0 WHEN a = b THEN 1.0 ELSE greatest(
        jaro_winkler_similarity(a, b),
        jaro_winkler_similarity(array_to_string(list_sort(string_split(a, ' ')), ' '),
                                array_to_string(list_sort(string_split(b, ' ')), ' ')),
        CASE WHEN list_has_all(string_split(a, ' '), string_split(b, ' '))
                  OR list_has_all(string_split(b, ' '), string_split(a, ' '))
                  OR sama_kecuali_inisial(string_split(a, ' '), string_split(b, ' ')) THEN 0.9 ELSE 0.0 END)
    END;

-- A Dukcapil NIK that can identify its person: 16 digits and no placeholder. Dukcapil is the
-- authority on identity, so a NIK whose date part does not decode (tanggal_mustahil, e.g. month
-- 00) is still that person's NIK, matched and kept; a missing, placeholder, spreadsheet-mangled or
-- short one cannot tell the person apart from others (individu rejects such rows to ditolak).
CREATE OR REPLACE MACRO nik_dukcapil_layak(bentuk) AS bentuk IN ('ok', 'tanggal_mustahil');
