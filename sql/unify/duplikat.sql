-- duplikat: source person records that are another record of the same person, with the record
-- kept and why. Inside a source: two records matched with certainty to one Dukcapil person (the
-- better one is kept). Across sources: the same Dukcapil person in several sources is one person
-- (kept: the record the golden individu takes its variables from). Clusters are anchored on the
-- Dukcapil NIK, so they cannot chain into giant groups.
WITH cocok AS (
    SELECT p.* FROM main.padan_dukcapil p
    WHERE p.periode = $periode AND p.status_padan IN ('padan', 'padan_koreksi', 'meninggal')
),
dalam AS (
    SELECT c.sumber, c.id_sumber, c.nik_dukcapil, c.sumber AS sumber_disimpan, c.duplikat_dari AS id_sumber_disimpan,
           'dalam_sumber' AS jenis,
           'dicatat dua kali di ' || c.sumber || ': sama-sama padan dengan NIK Dukcapil yang sama; disimpan rekaman dengan skor tertinggi' AS alasan
    FROM cocok c WHERE c.duplikat_dari IS NOT NULL
),
disimpan AS (
    SELECT nik AS nik_dukcapil, sumber_variabel, id_sumber_variabel FROM main.individu
    WHERE periode = $periode AND sumber_variabel IS NOT NULL
),
antar AS (
    SELECT c.sumber, c.id_sumber, c.nik_dukcapil, k.sumber_variabel, k.id_sumber_variabel, 'antar_sumber' AS jenis,
           'orang yang sama ada di ' || k.sumber_variabel || ' (data terbaru, dipakai untuk variabel)' AS alasan
    FROM cocok c JOIN disimpan k USING (nik_dukcapil)
    WHERE c.duplikat_dari IS NULL AND NOT (c.sumber = k.sumber_variabel AND c.id_sumber = k.id_sumber_variabel)
)
SELECT $periode AS periode, * FROM dalam
UNION ALL
SELECT $periode AS periode, * FROM antar
