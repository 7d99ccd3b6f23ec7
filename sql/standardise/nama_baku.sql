-- Indonesian name standardisation: nama_baku(nama) gives the name used for matching, kept beside
-- the name as given. Rules, in order:
--   1. case, curly apostrophes, surrounding space;
--   2. degrees: everything after the first comma ("AGUS, S.PD., M.PD"), and degree tokens at the end:
--      S. and M. followed by a known degree code (S.PD, S. KOM, M.SI; not S. NAI or M. ALI, an
--      initial and a surname, common in NTT), A.MD[.KEB], and SE, SH, SPD, ... written without dots;
--   3. titles at the start: H., HJ, HAJI, DRS., DRA., DR., IR., PROF., KH, NY., TN., R., RR., ...;
--   4. abbreviations and spelling variants: MOH./MUH./MOCH. (and M. as the first word: later an M.
--      is an initial, EKO M. = EKO MULYONO) and MOCHAMMAD, MOHAMAD, ... -> MUHAMMAD;
--      ACHMAD -> AHMAD; ST. -> SITI; ABD. and ABD -> ABDUL; NUR. -> NURUL; Dutch-spelled Christian names
--      (JOHANES, JOHANA, JACOBUS, JOSEPH) -> YOHANES, YOHANA, YAKOBUS, YOSEF;
--   5. apostrophes out (MA'RUF = MARUF), other punctuation and digits to spaces;
--   6. pre-1972 spelling to EYD: OE -> U, STJ/NTJ -> STY/NTY (SOELISTJO), other TJ -> C, SJ -> SY,
--      word-initial NJ -> NY (NJOMAN; PANJI is modern), CH+vowel -> KH; in a name with old-spelling
--      marks (OE, DJ, TJ, SJ, initial NJ) J -> Y, then DJ -> J; finally Javanese IJ+vowel -> IY in
--      every name (TUKIJO and TOEKIDJO both become TUKIYO, so both sides of a match agree);
--   7. single spaces.

-- One degree at the end of a name (applied twice: S.T. M.T.).
CREATE OR REPLACE MACRO _gelar_akhir(s) AS
    regexp_replace(s,
        '\s+(S\.\s?(PD\.?\s?I|PD|E|H|KOM|SOS|AG|T|IP|KEP|KM|KES|PSI|SI|ST|FARM|KED|TP|PT|HUT|PI|AK|KEB|GZ|TR|SN|DS|TH|HI|IKOM|ARS|HUM|PAR|STAT|KG)|A\.\s?MD(\.\s?[A-Z]{2,4})?|M\.\s?(PD|SI|M|AG|H|T|KES|HUM|KOM|E|SC|A|AP|IP|PSI|KEP|BA|EC|KN|PH|SN|TR|HI|PDI|SOS|IKOM|FARM|KED)|SE|SH|SPD|SAG|SKOM|SIP|SSOS|AMD|MM|MPD|MSI|MBA)\.?$', '');

CREATE OR REPLACE MACRO _nama_tanpa_gelar(s) AS
    regexp_replace(_gelar_akhir(_gelar_akhir(regexp_replace(
        regexp_replace(upper(trim(replace(replace(s, '’', ''''), '`', ''''))), ',.*$', ''),
        '^((H|HJ|HAJI|HAJJAH|DRS|DRA|DR|IR|PROF|KH|K\.H|NY|TN|SDR|SDRI|ALM|ALMH|R|RR|RADEN|BPK|IBU)(\.\s*|\s+))+', ''))),
        '\s+', ' ', 'g');

CREATE OR REPLACE MACRO _nama_singkatan(s) AS
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        ' ' || s || ' ',
        '\s(MOH|MOCH|MUH|MUCH|MOHD|MHD)\.\s*|^\sM\.\s*', ' MUHAMMAD ', 'g'),
        '\s(MOCHAMMAD|MOCHAMAD|MOHAMMAD|MOHAMAD|MOHAMMED|MUHAMAD|MUHAMMED|MUHAMAT|MUHAMMAT|MOKHAMAD|MOKHAMMAD|MUCHAMAD|MUCHAMMAD|MUKHAMAD|MUKHAMMAD|MOCH|MOH|MUH)\s', ' MUHAMMAD ', 'g'),
        '\s(ACHMAD|ACHMAT|AKHMAD|AHMAT)\s', ' AHMAD ', 'g'),
        '^\sST\.?\s+', ' SITI '),
        '\sABD(\.\s*|\s)', ' ABDUL ', 'g'),
        '\sNUR\.\s*', ' NURUL ', 'g'),
        '\sJOHAN(N?ES|N?A|IS)\s', ' YOHAN\1 ', 'g'),
        '\s(JA[CK]OBUS)\s', ' YAKOBUS ', 'g'),
        '\s(JOSEPH|JOSEF)\s', ' YOSEF ', 'g');

CREATE OR REPLACE MACRO _nama_eyd(s) AS
    regexp_replace(
        CASE WHEN regexp_matches(s, 'OE|DJ|TJ|SJ|(^|\s)NJ')
             THEN replace(regexp_replace(
                      regexp_replace(replace(replace(regexp_replace(regexp_replace(
                          replace(s, 'OE', 'U'), '([SN])TJ', '\1TY', 'g'), '(^|\s)NJ', '\1NY', 'g'), 'TJ', 'C'), 'SJ', 'SY'),
                                     'CH([AEIOU])', 'KH\1', 'g'),
                      '(^|[^D])J', '\1Y', 'g'), 'DJ', 'J')
             ELSE regexp_replace(s, 'CH([AEIOU])', 'KH\1', 'g')
        END,
        'IJ([AEIOU])', 'IY\1', 'g');

CREATE OR REPLACE MACRO nama_baku(s) AS
    nullif(trim(regexp_replace(
        _nama_eyd(regexp_replace(replace(_nama_singkatan(_nama_tanpa_gelar(s)), '''', ''), '[^A-Z ]', ' ', 'g')),
        '\s+', ' ', 'g')), '');
