"""Checks of stage `unify`."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from ..assets.unify import padan_dukcapil
from ..resources import DuckDBStorage


@asset_check(asset=padan_dukcapil, name="satu_baris_per_rekaman", blocking=True,
             description="Every source person record of stg_individu (dtks, p3ke, regsosek) has exactly one row in padan_dukcapil.")
def padan_satu_baris(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        WITH s AS (SELECT sumber, id_sumber, count(*) AS n FROM standardise.stg_individu WHERE periode = $1 AND sumber <> 'dukcapil' GROUP BY ALL),
             p AS (SELECT sumber, id_sumber, count(*) AS n FROM main.padan_dukcapil WHERE periode = $1 GROUP BY ALL)
        SELECT coalesce(s.sumber, p.sumber) AS sumber,
               count(*) FILTER (p.n IS NULL) AS tanpa_baris, count(*) FILTER (s.n IS NULL) AS tanpa_rekaman,
               count(*) FILTER (p.n > 1 OR s.n > 1) AS ganda
        FROM s FULL JOIN p USING (sumber, id_sumber) GROUP BY 1 ORDER BY 1""", [context.partition_key])
    bad = frame[(frame["tanpa_baris"] > 0) | (frame["tanpa_rekaman"] > 0) | (frame["ganda"] > 0)]
    return AssetCheckResult(passed=bad.empty, severity=AssetCheckSeverity.ERROR,
                            description=None if bad.empty else "records without exactly one row in padan_dukcapil (see rincian)",
                            metadata={"rincian": MetadataValue.md(frame.to_markdown(index=False))})


@asset_check(asset=padan_dukcapil, name="satu_ke_satu", blocking=True,
             description="A Dukcapil person is accepted for at most one record per source, except records reported as duplicates "
                         "(duplikat_dari) of that record.")
def padan_satu_ke_satu(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        SELECT sumber, count(*) AS orang_ganda FROM (
            SELECT sumber, nik_dukcapil FROM main.padan_dukcapil
            WHERE periode = ? AND status_padan IN ('padan', 'padan_koreksi', 'meninggal') AND duplikat_dari IS NULL
            GROUP BY ALL HAVING count(*) > 1) GROUP BY 1""", [context.partition_key])
    return AssetCheckResult(passed=frame.empty, severity=AssetCheckSeverity.ERROR,
                            description=None if frame.empty else "a Dukcapil person accepted for two records of one source",
                            metadata={"rincian": MetadataValue.md(frame.to_markdown(index=False)) if not frame.empty else "none"})


unify_checks = [padan_satu_baris, padan_satu_ke_satu]


def _unique(table: str, key: str):
    @asset_check(asset=table, name="id_unik", blocking=True, description=f"{key} is unique in {table} within the quarter.")
    def _check(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
        [(rows, distinct)] = storage.query(f"SELECT count(*), count(DISTINCT {key}) FROM main.{table} WHERE periode = ?",
                                           [context.partition_key]).itertuples(index=False)
        return AssetCheckResult(passed=bool(rows == distinct), severity=AssetCheckSeverity.ERROR,
                                metadata={"baris": int(rows), "id_berbeda": int(distinct)})

    return _check


@asset_check(asset="keluarga", name="anggota_lengkap", blocking=True,
             description="Every person of individu is a member of exactly one family of keluarga (members add up).")
def keluarga_anggota_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    [(people, members, orphans)] = storage.query("""
        SELECT (SELECT count(*) FROM main.individu WHERE periode = $1),
               (SELECT coalesce(sum(jumlah_anggota), 0) FROM main.keluarga WHERE periode = $1),
               (SELECT count(*) FROM main.individu i ANTI JOIN main.keluarga k USING (periode, id_keluarga) WHERE i.periode = $1)""",
                                                 [context.partition_key]).itertuples(index=False)
    return AssetCheckResult(passed=bool(people == members and orphans == 0), severity=AssetCheckSeverity.ERROR,
                            metadata={"individu": int(people), "jumlah_anggota": int(members), "tanpa_keluarga": int(orphans)})


unify_checks += [_unique("individu", "id_individu"), _unique("keluarga", "id_keluarga"), keluarga_anggota_lengkap]


@asset_check(asset="individu", name="dukcapil_lengkap", blocking=True,
             description="Every living Dukcapil row of stg_individu is in individu (by its NIK) or in ditolak (tahap tunggal, by its "
                         "file and row): living rows = individu + rejected, none dropped.")
def individu_dukcapil_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    [(living, people, rejected, untraced)] = storage.query("""
        WITH hidup AS (SELECT nik, file, baris FROM standardise.stg_individu
                       WHERE periode = $1 AND sumber = 'dukcapil' AND coalesce(status_hidup, 'HIDUP') <> 'MATI'),
             tolak AS (SELECT file, baris FROM main.ditolak WHERE periode = $1 AND tahap = 'tunggal' AND sumber = 'dukcapil')
        SELECT (SELECT count(*) FROM hidup), (SELECT count(*) FROM main.individu WHERE periode = $1), (SELECT count(*) FROM tolak),
               (SELECT count(*) FROM hidup h
                WHERE NOT EXISTS (SELECT 1 FROM main.individu i WHERE i.periode = $1 AND i.nik = h.nik)
                  AND NOT EXISTS (SELECT 1 FROM tolak t WHERE t.file = h.file AND t.baris = h.baris))""",
                                                           [context.partition_key]).itertuples(index=False)
    passed = bool(living == people + rejected and untraced == 0)
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.ERROR,
                            description=None if passed else "living Dukcapil rows != individu + ditolak (tanpa_jejak: in neither)",
                            metadata={"hidup_dukcapil": int(living), "individu": int(people), "ditolak": int(rejected),
                                      "tanpa_jejak": int(untraced)})


ANGGOTA_MAKS = 15  # living members on one KK beyond which it is more probably a number shared by strangers than a family


@asset_check(asset="keluarga", name="ukuran_wajar", blocking=False,
             description=f"No family has more than {ANGGOTA_MAKS} living members: a larger one is probably a KK number shared by "
                         "people of different families (a placeholder nik_bentuk does not know), to check at Dukcapil.")
def keluarga_ukuran_wajar(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        SELECT kode_kabupaten, count(*) AS keluarga_besar, max(jumlah_anggota) AS anggota_maks
        FROM main.keluarga WHERE periode = ? AND jumlah_anggota > ? GROUP BY 1 ORDER BY 1""", [context.partition_key, ANGGOTA_MAKS])
    return AssetCheckResult(passed=frame.empty, severity=AssetCheckSeverity.WARN,
                            description=None if frame.empty else f"families of more than {ANGGOTA_MAKS} members (see rincian)",
                            metadata={"keluarga_besar": int(frame["keluarga_besar"].sum()),
                                      "rincian": MetadataValue.md(frame.to_markdown(index=False)) if not frame.empty else "none"})


@asset_check(asset="keluarga", name="kk_layak", blocking=False,
             description="Every living person's Dukcapil KK number is usable (no_kk_bentuk ok); a person whose is not (missing, "
                         "placeholder, mangled) is a family alone instead of one family with strangers: to correct at Dukcapil.")
def keluarga_kk_layak(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        SELECT kode_kabupaten, no_kk_bentuk, count(*) AS keluarga_sendiri
        FROM main.keluarga WHERE periode = ? AND no_kk_bentuk <> 'ok' GROUP BY ALL ORDER BY ALL""", [context.partition_key])
    return AssetCheckResult(passed=frame.empty, severity=AssetCheckSeverity.WARN,
                            description=None if frame.empty else "people whose KK number is not usable, each a family alone (see rincian)",
                            metadata={"kk_tidak_layak": int(frame["keluarga_sendiri"].sum()),
                                      "rincian": MetadataValue.md(frame.to_markdown(index=False)) if not frame.empty else "none"})


unify_checks += [individu_dukcapil_lengkap, keluarga_ukuran_wajar, keluarga_kk_layak]


@asset_check(asset="verifikasi_padan", name="rekaman_lengkap", blocking=True,
             description="Every record padan_dukcapil did not match with certainty is on the verification list (none dropped).")
def verifikasi_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    [(unsure, listed)] = storage.query("""
        SELECT (SELECT count(*) FROM main.padan_dukcapil WHERE periode = $1 AND status_padan IN ('tidak_padan', 'perlu_verifikasi')),
               (SELECT count(*) FROM main.verifikasi_padan WHERE periode = $1)""", [context.partition_key]).itertuples(index=False)
    return AssetCheckResult(passed=bool(unsure == listed), severity=AssetCheckSeverity.ERROR,
                            metadata={"tidak_pasti": int(unsure), "di_daftar": int(listed)})


@asset_check(asset="duplikat", name="rekaman_disimpan_ada", blocking=False,
             description="The record kept for every duplicate exists and is itself matched to the same Dukcapil person.")
def duplikat_disimpan_ada(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    [(rows, broken)] = storage.query("""
        SELECT count(*), count(*) FILTER (p.nik_dukcapil IS DISTINCT FROM d.nik_dukcapil)
        FROM main.duplikat d LEFT JOIN main.padan_dukcapil p
          ON p.periode = d.periode AND p.sumber = d.sumber_disimpan AND p.id_sumber = d.id_sumber_disimpan
        WHERE d.periode = ?""", [context.partition_key]).itertuples(index=False)
    return AssetCheckResult(passed=bool(broken == 0), severity=AssetCheckSeverity.WARN,
                            metadata={"duplikat": int(rows), "tanpa_rekaman_disimpan": int(broken)})


unify_checks += [verifikasi_lengkap, duplikat_disimpan_ada]
