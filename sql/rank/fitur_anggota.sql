-- The members' part of the PMT inputs, shared by fitur_keluarga.sql and fitur_survei.sql: one row
-- per family (kunci) from its members (agt). Counts that rest on a socio-economic variable are
-- NULL when no member of the family has that variable (unknown, to be imputed), not 0.
-- «urutan_ijazah» is the diploma's position in the catalogue's order (1 = no diploma). The head's
-- values all come from one head, the first by kunci_anggota, so a family recorded with two heads
-- gets the same inputs on every run (any_value would not: parallel aggregation picks either).
, anggota AS (
    SELECT
        kunci,
        count(*) AS anggota_tercatat,
        count(*) FILTER (umur < 5) AS anak_0_4,
        count(*) FILTER (umur BETWEEN 5 AND 14) AS anak_5_14,
        count(*) FILTER (umur BETWEEN 15 AND 59) AS usia_15_59,
        count(*) FILTER (umur >= 60) AS lansia_60,
        CAST(arg_min(jenis_kelamin = 'P', kunci_anggota) FILTER (hubungan_keluarga = 'KEPALA KELUARGA') AS INTEGER) AS kepala_perempuan,
        arg_min(umur, kunci_anggota) FILTER (hubungan_keluarga = 'KEPALA KELUARGA') AS kepala_umur,
        arg_min(ijazah_tertinggi, kunci_anggota) FILTER (hubungan_keluarga = 'KEPALA KELUARGA') AS kepala_ijazah,
        arg_min(status_bekerja, kunci_anggota) FILTER (hubungan_keluarga = 'KEPALA KELUARGA') AS kepala_status_bekerja,
        -- a head who does not work has no industry and no employment status: that is a value, not a gap
        arg_min(CASE WHEN status_bekerja = 'TIDAK BEKERJA' THEN 'TIDAK BEKERJA' ELSE lapangan_usaha END, kunci_anggota)
            FILTER (hubungan_keluarga = 'KEPALA KELUARGA') AS kepala_lapangan_usaha,
        arg_min(CASE WHEN status_bekerja = 'TIDAK BEKERJA' THEN 'TIDAK BEKERJA' ELSE status_kedudukan_kerja END, kunci_anggota)
            FILTER (hubungan_keluarga = 'KEPALA KELUARGA') AS kepala_kedudukan_kerja,
        max({{urutan_ijazah}}) AS ijazah_tertinggi_keluarga,
        CASE WHEN count(status_bekerja) > 0 THEN count(*) FILTER (status_bekerja = 'BEKERJA') END AS bekerja,
        CASE WHEN count(status_bekerja) > 0 THEN count(*) FILTER (lapangan_usaha = 'PERTANIAN') END AS bekerja_pertanian,
        CASE WHEN count(status_bekerja) > 0 THEN count(*) FILTER (status_kedudukan_kerja = 'BURUH/KARYAWAN/PEGAWAI') END AS bekerja_buruh_pegawai,
        CASE WHEN count(status_bekerja) > 0 THEN count(*) FILTER (status_kedudukan_kerja = 'PEKERJA BEBAS') END AS bekerja_bebas,
        CASE WHEN count(punya_usaha) > 0 THEN count(*) FILTER (punya_usaha) END AS anggota_punya_usaha,
        CASE WHEN count(punya_usaha) > 0 THEN coalesce(sum(omzet_usaha_per_bulan), 0) END AS omzet_usaha_keluarga,
        CASE WHEN count(punya_usaha) > 0 THEN coalesce(sum(jumlah_pekerja_usaha), 0) END AS pekerja_usaha_keluarga,
        CASE WHEN count(partisipasi_sekolah) > 0 THEN count(*) FILTER (partisipasi_sekolah = 'MASIH SEKOLAH') END AS masih_sekolah,
        CASE WHEN count(partisipasi_sekolah) > 0
             THEN count(*) FILTER (umur BETWEEN 7 AND 18 AND partisipasi_sekolah <> 'MASIH SEKOLAH') END AS anak_7_18_tidak_sekolah,
        CASE WHEN count(disabilitas_berat) > 0 THEN count(*) FILTER (disabilitas_berat) END AS anggota_disabilitas_berat,
        CASE WHEN count(penyakit_kronis) > 0 THEN count(*) FILTER (penyakit_kronis) END AS anggota_penyakit_kronis,
        CASE WHEN count(*) FILTER (umur < 5) = 0 THEN 0
             WHEN count(status_gizi_balita) > 0 THEN count(*) FILTER (status_gizi_balita IN ('GIZI BURUK', 'STUNTING')) END AS balita_gizi_kurang
    FROM agt
    GROUP BY kunci
)
