"""Checks of stage `target`: every recipient-list row accounted for, every candidate with its
reasons, exclusion candidates really eligible and not receiving, quotas adding up, the PBI-JK
recap consistent, and a village workbook for every village with the right rows."""

from pathlib import Path

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from ..assets.target import (aturan_program, kandidat_exclusion_error, kandidat_inclusion_error, kuota_program, rekap_pbi_jk, status_penerima,
                             verifikasi_pbi_jk)
from ..assets.target_lists import daftar_desa
from ..resources import DuckDBStorage, RawData
from ..target.rules import PBI_REASONS


def _md(frame) -> MetadataValue:
    return MetadataValue.md(frame.to_markdown(index=False)) if len(frame) else MetadataValue.text("none")


@asset_check(asset=status_penerima, name="semua_baris_tercatat", blocking=True,
             description="Every row of every recipient list (stg_penerima_bansos) has exactly one row in status_penerima, and the "
                         "statuses add up to the list's rows (nothing lost, nothing counted twice).")
def status_penerima_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        WITH d AS (SELECT sumber, count(*) AS baris_daftar FROM standardise.stg_penerima_bansos WHERE periode = $1 GROUP BY 1),
             s AS (SELECT sumber, count(*) AS baris_status, count(DISTINCT (file, baris)) AS baris_unik,
                          count(*) FILTER (status = 'layak') AS layak, count(*) FILTER (status = 'kandidat_inclusion_error') AS kandidat,
                          count(*) FILTER (status = 'tanpa_aturan') AS tanpa_aturan
                   FROM main.status_penerima WHERE periode = $1 GROUP BY 1),
             hilang AS (SELECT p.sumber, count(*) AS tanpa_status FROM standardise.stg_penerima_bansos p
                        ANTI JOIN main.status_penerima s ON s.periode = p.periode AND s.sumber = p.sumber AND s.file = p.file AND s.baris = p.baris
                        WHERE p.periode = $1 GROUP BY 1)
        SELECT coalesce(d.sumber, s.sumber) AS sumber, coalesce(baris_daftar, 0) AS baris_daftar, coalesce(baris_status, 0) AS baris_status,
               coalesce(baris_unik, 0) AS baris_unik, coalesce(layak, 0) AS layak, coalesce(kandidat, 0) AS kandidat,
               coalesce(tanpa_aturan, 0) AS tanpa_aturan, coalesce(h.tanpa_status, 0) AS tanpa_status
        FROM d FULL JOIN s USING (sumber) LEFT JOIN hilang h ON h.sumber = coalesce(d.sumber, s.sumber) ORDER BY 1""",
                          [context.partition_key])
    bad = frame[(frame["baris_daftar"] != frame["baris_status"]) | (frame["baris_unik"] != frame["baris_status"])
                | (frame["layak"] + frame["kandidat"] + frame["tanpa_aturan"] != frame["baris_status"]) | (frame["tanpa_status"] > 0)]
    return AssetCheckResult(passed=bad.empty, severity=AssetCheckSeverity.ERROR,
                            description=None if bad.empty else "recipient-list rows missing, doubled or without a status (see rincian)",
                            metadata={"rincian": _md(frame)})


@asset_check(asset=kandidat_inclusion_error, name="alasan_lengkap", blocking=True,
             description="The inclusion candidates are exactly the status_penerima rows with a reason, each with at least one known "
                         "reason code, its words, what to verify and a priority.")
def inclusion_alasan_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    [(candidates, flagged, without, unknown)] = storage.query("""
        SELECT (SELECT count(*) FROM main.kandidat_inclusion_error WHERE periode = $1),
               (SELECT count(*) FROM main.status_penerima WHERE periode = $1 AND status = 'kandidat_inclusion_error'),
               (SELECT count(*) FROM main.kandidat_inclusion_error WHERE periode = $1
                  AND (len(alasan) = 0 OR alasan_teks IS NULL OR verifikasi IS NULL OR prioritas IS NULL)),
               (SELECT count(*) FROM (SELECT unnest(alasan) AS kode FROM main.kandidat_inclusion_error WHERE periode = $1) x
                  ANTI JOIN main.kode_alasan k ON k.periode = $1 AND k.kode = x.kode)""",
                                                              [context.partition_key]).itertuples(index=False)
    passed = bool(candidates == flagged and without == 0 and unknown == 0)
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.ERROR,
                            metadata={"kandidat": int(candidates), "baris_beralasan": int(flagged), "tanpa_alasan_lengkap": int(without),
                                      "kode_tak_dikenal": int(unknown)})


@asset_check(asset=kandidat_exclusion_error, name="layak_dan_belum_menerima", blocking=True,
             description="Every exclusion candidate is in its programme's decile range, has no reason against it and is on none of "
                         "the programme's list rows; a unit is listed once per programme.")
def exclusion_layak(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        WITH e AS (SELECT * FROM main.kandidat_exclusion_error WHERE periode = $1)
        SELECT e.program, count(*) AS kandidat,
               count(*) FILTER (e.desil IS NULL OR e.desil NOT BETWEEN a.desil_dari AND a.desil_sampai) AS di_luar_rentang,
               count(*) FILTER (EXISTS (SELECT 1 FROM main.status_penerima s WHERE s.periode = $1 AND s.program = e.program
                                          AND s.id_keluarga = e.id_keluarga
                                          AND (e.satuan = 'keluarga' OR s.id_individu = e.id_individu))) AS menerima,
               count(*) - count(DISTINCT (e.id_keluarga, e.id_individu)) AS ganda
        FROM e JOIN main.aturan_program a ON a.periode = $1 AND a.program = e.program
        GROUP BY 1 ORDER BY 1""", [context.partition_key])
    bad = frame[(frame["di_luar_rentang"] > 0) | (frame["menerima"] > 0) | (frame["ganda"] > 0)]
    return AssetCheckResult(passed=bad.empty, severity=AssetCheckSeverity.ERROR, metadata={"rincian": _md(frame)})


@asset_check(asset=kuota_program, name="kuota_sesuai_total", blocking=True,
             description="Per programme, the regency quotas add up exactly to the national quota scaled to the data (rounded), and "
                         "the shares to 1.")
def kuota_total(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        SELECT program, sum(kuota) AS jumlah_kuota, round(any_value(kuota_data)) AS kuota_data, round(sum(porsi), 4) AS jumlah_porsi
        FROM main.kuota_program WHERE periode = ? GROUP BY 1 ORDER BY 1""", [context.partition_key])
    bad = frame[(frame["jumlah_kuota"] != frame["kuota_data"]) | ((frame["jumlah_porsi"] - 1).abs() > 1e-3)]
    return AssetCheckResult(passed=bad.empty, severity=AssetCheckSeverity.ERROR, metadata={"rincian": _md(frame)})


@asset_check(asset=rekap_pbi_jk, name="rekap_konsisten", blocking=False,
             description="The PBI-JK recap adds up: deactivations by reason sum to usul_nonaktif, the regencies to the total (SEMUA), "
                         "and the registered rows to the PBI-JK list's rows.")
def rekap_konsisten(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    [(bad_rows, total_ok, listed, registered)] = storage.query("""
        WITH r AS (SELECT * FROM main.rekap_pbi_jk WHERE periode = $1)
        SELECT (SELECT count(*) FROM r WHERE usul_nonaktif <> nik_tidak_ditemukan + meninggal + dihapuskan + pindah_segmen + pekerjaan_tidak_sesuai
                                           OR terdaftar <> aktif + nonaktif),
               (SELECT coalesce(bool_and(t.terdaftar = s.terdaftar AND t.usul_nonaktif = s.usul_nonaktif AND t.bayi_baru_lahir = s.bayi_baru_lahir), true)
                FROM (SELECT * FROM r WHERE kode_kabupaten = 'SEMUA') t,
                     (SELECT sum(terdaftar) AS terdaftar, sum(usul_nonaktif) AS usul_nonaktif, sum(bayi_baru_lahir) AS bayi_baru_lahir
                      FROM r WHERE kode_kabupaten <> 'SEMUA') s),
               (SELECT count(*) FROM main.status_penerima WHERE periode = $1 AND program = 'pbi_jk'),
               (SELECT coalesce(sum(terdaftar), 0) FROM r WHERE kode_kabupaten = 'SEMUA')""",
                                                              [context.partition_key]).itertuples(index=False)
    passed = bool(bad_rows == 0 and total_ok and listed == registered)
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.WARN,
                            metadata={"baris_tidak_konsisten": int(bad_rows), "total_sesuai": bool(total_ok), "baris_daftar_pbi_jk": int(listed),
                                      "terdaftar": int(registered)})


@asset_check(asset=daftar_desa, name="berkas_lengkap", blocking=False,
             description="Every village with families has its workbook on disk, and the workbooks hold every inclusion candidate and "
                         "every exclusion candidate and newborn of the quarter (none lost; a newborn who is also a PBI-JK exclusion "
                         "candidate is one row).")
def daftar_desa_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage, raw: RawData) -> AssetCheckResult:
    periode = context.partition_key
    files = storage.query("SELECT berkas FROM main.daftar_desa WHERE periode = ?", [periode])["berkas"]
    missing_files = [f for f in files if not (Path(raw.data_dir) / f).is_file()]
    [(villages_without, inc_rows, inc, exc_rows, exc)] = storage.query("""
        SELECT (SELECT count(DISTINCT kode_desa) FROM main.keluarga k WHERE periode = $1
                  AND NOT EXISTS (SELECT 1 FROM main.daftar_desa d WHERE d.periode = $1 AND d.kode_desa = k.kode_desa)),
               (SELECT coalesce(sum(baris_perlu_dicek), 0) FROM main.daftar_desa WHERE periode = $1),
               (SELECT count(*) FROM main.kandidat_inclusion_error WHERE periode = $1),
               (SELECT coalesce(sum(baris_calon_penerima), 0) FROM main.daftar_desa WHERE periode = $1),
               (SELECT count(*) FROM main.kandidat_exclusion_error WHERE periode = $1)
                 + (SELECT count(*) FROM main.verifikasi_pbi_jk v WHERE periode = $1 AND jenis = 'tambahkan_bayi'
                      AND NOT EXISTS (SELECT 1 FROM main.kandidat_exclusion_error e
                                      WHERE e.periode = $1 AND e.program = 'pbi_jk' AND e.id_individu = v.id_individu))""",
                                                                      [periode]).itertuples(index=False)
    passed = not missing_files and villages_without == 0 and inc_rows == inc and exc_rows == exc
    return AssetCheckResult(passed=bool(passed), severity=AssetCheckSeverity.WARN, metadata={
        "berkas": len(files), "berkas_hilang": len(missing_files), "desa_tanpa_berkas": int(villages_without),
        "baris_perlu_dicek": int(inc_rows), "kandidat_inclusion": int(inc), "baris_calon_penerima": int(exc_rows),
        "kandidat_exclusion_dan_bayi": int(exc)})


@asset_check(asset=aturan_program, name="daftar_punya_aturan", blocking=False, additional_deps=["stg_penerima_bansos"],
             description="Every recipient list of the quarter has a programme in the rules (else its rows are kept as tanpa_aturan, "
                         "not assessed), and every programme's list (daftar_penerima) is among the quarter's lists.")
def daftar_punya_aturan(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        WITH d AS (SELECT program AS daftar, count(*) AS baris FROM standardise.stg_penerima_bansos WHERE periode = $1 GROUP BY 1),
             a AS (SELECT program, daftar_penerima AS daftar FROM main.aturan_program WHERE periode = $1 AND daftar_penerima IS NOT NULL)
        SELECT coalesce(d.daftar, a.daftar) AS daftar, a.program, coalesce(d.baris, 0) AS baris
        FROM d FULL JOIN a USING (daftar) ORDER BY 1""", [context.partition_key])
    bad = frame[frame["program"].isna() | (frame["baris"] == 0)]
    return AssetCheckResult(passed=bad.empty, severity=AssetCheckSeverity.WARN,
                            description=None if bad.empty else "a recipient list without a programme in the rules, or a programme "
                                                               "whose list is missing this quarter (see rincian)",
                            metadata={"rincian": _md(frame)})


@asset_check(asset=verifikasi_pbi_jk, name="satu_alasan_keputusan", blocking=True,
             description="Every PBI-JK deactivation candidate has exactly one of the five decree reasons, every NIK to correct has "
                         "its suggested NIK, no list row is proposed twice, and no newborn to add is already on the list.")
def satu_alasan_keputusan(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    [(bad_reason, no_suggestion, twice, listed_babies)] = storage.query("""
        WITH v AS (SELECT * FROM main.verifikasi_pbi_jk WHERE periode = $1)
        SELECT (SELECT count(*) FROM v WHERE jenis = 'nonaktifkan' AND (alasan_nonaktif IS NULL OR NOT list_contains($2, alasan_nonaktif))),
               (SELECT count(*) FROM v WHERE jenis = 'perbaiki_nik' AND nik_saran IS NULL),
               (SELECT count(*) - count(DISTINCT (sumber, file, baris)) FROM v WHERE jenis <> 'tambahkan_bayi'),
               (SELECT count(*) FROM v WHERE jenis = 'tambahkan_bayi' AND id_individu IN (
                    SELECT id_individu FROM main.status_penerima WHERE periode = $1 AND program = 'pbi_jk' AND id_individu IS NOT NULL))""",
                                                                        [context.partition_key, list(PBI_REASONS)]).itertuples(index=False)
    passed = bad_reason == 0 and no_suggestion == 0 and twice == 0 and listed_babies == 0
    return AssetCheckResult(passed=bool(passed), severity=AssetCheckSeverity.ERROR, metadata={
        "tanpa_alasan_keputusan": int(bad_reason), "perbaiki_tanpa_saran": int(no_suggestion), "baris_ganda": int(twice),
        "bayi_sudah_terdaftar": int(listed_babies)})


target_checks = [daftar_punya_aturan, status_penerima_lengkap, inclusion_alasan_lengkap, exclusion_layak, satu_alasan_keputusan, kuota_total,
                 rekap_konsisten, daftar_desa_lengkap]
