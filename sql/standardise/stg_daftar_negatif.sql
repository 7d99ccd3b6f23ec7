-- stg_daftar_negatif: one row per row of each negative list of the quarter: the ASN/TNI/Polri
-- payroll (paid from the state budget, so not eligible) and the PPATK list of NIKs found in
-- online-gambling transactions. «daftar» is the lists' text tables with one column set, filled in
-- by the asset. Every read row is kept.
WITH mentah AS (
    {{daftar}}
)
SELECT
    $periode AS periode,
    m.sumber,
    regexp_replace(m.sumber, '^negatif_', '') AS daftar,
    m.file,
    m.baris,
    nik_baku(m.nik) AS nik,
    nik_bentuk(nik_baku(m.nik)) AS nik_bentuk,
    nullif(trim(m.nip), '') AS nip,
    m.nama,
    CASE WHEN m.nama IS NOT NULL THEN nama_baku(m.nama) END AS nama_baku,
    coalesce(upper(trim(m.kategori)), upper(regexp_replace(m.sumber, '^negatif_', ''))) AS kategori,
    upper(trim(m.instansi)) AS instansi,
    coalesce(tanggal_sumber(m.sumber, 'tgl_mulai', m.tgl_mulai), tanggal_sumber(m.sumber, 'tgl_laporan', m.tgl_laporan)) AS tgl_berlaku
FROM mentah m
