"""Checks of stage `rank`: every family ranked with all three deciles, each decile about 10% of the
individuals at every level, deciles in score order, recaps that add up, transitions complete."""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from ..assets.rank import evaluasi_pmt, fitur_keluarga, fitur_survei, model_pmt, peringkat, rekap_desil, sql_file, transisi_desil
from ..assets.golden import previous_quarter
from ..resources import DuckDBStorage

MIN_R2 = 0.3  # below this out-of-fold R² the model ranks little better than chance: tell the operator


def _md(frame) -> MetadataValue:
    return MetadataValue.md(frame.to_markdown(index=False, floatfmt="g") if not frame.empty else "none")


@asset_check(asset=peringkat, name="peringkat_lengkap", blocking=True,
             description="Every family with status_data terdata has exactly one row in peringkat with a score and all three "
                         "deciles (nasional, provinsi, kabupaten) between 1 and 10.")
def peringkat_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        WITH k AS (SELECT id_keluarga FROM main.keluarga WHERE periode = $1 AND status_data = 'terdata'),
             p AS (SELECT id_keluarga, count(*) AS n,
                          bool_and(skor IS NOT NULL AND desil_nasional BETWEEN 1 AND 10 AND desil_provinsi BETWEEN 1 AND 10
                                   AND desil_kabupaten BETWEEN 1 AND 10) AS lengkap
                   FROM main.peringkat WHERE periode = $1 GROUP BY 1)
        SELECT count(*) FILTER (p.id_keluarga IS NULL) AS tidak_diperingkat,
               count(*) FILTER (k.id_keluarga IS NULL) AS bukan_keluarga_terdata,
               count(*) FILTER (p.n > 1) AS ganda,
               count(*) FILTER (NOT p.lengkap) AS desil_tidak_lengkap
        FROM k FULL JOIN p USING (id_keluarga)""", [context.partition_key])
    bad = int(frame.iloc[0].sum())
    return AssetCheckResult(passed=bad == 0, severity=AssetCheckSeverity.ERROR, metadata={"rincian": _md(frame)},
                            description=None if bad == 0 else "families not ranked exactly once with all deciles (see rincian)")


@asset_check(asset=peringkat, name="desil_seimbang", blocking=True,
             description="At each level (nasional, provinsi, kabupaten) and in each region, every decile holds 10% of the "
                         "individuals, give or take the largest block of equal-score families (the most the midpoint rule allows).")
def desil_seimbang(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query(f"SELECT * FROM ({sql_file('cek_desil')}) WHERE abs(pangsa - 0.1) > toleransi + 1e-9 "
                          "ORDER BY tingkat, wilayah, desil", {"periode": context.partition_key})
    worst = storage.query(f"SELECT tingkat, max(abs(pangsa - 0.1)) AS selisih_maks, max(toleransi) AS toleransi_maks "
                          f"FROM ({sql_file('cek_desil')}) GROUP BY 1 ORDER BY 1", {"periode": context.partition_key})
    return AssetCheckResult(passed=frame.empty, severity=AssetCheckSeverity.ERROR,
                            metadata={"per_tingkat": _md(worst), "di_luar_toleransi": _md(frame.head(20))},
                            description=None if frame.empty else f"{len(frame)} region-deciles outside 10% ± tolerance")


@asset_check(asset=peringkat, name="urutan_desil", blocking=True,
             description="Deciles follow the score: within each level and region every family of decile d scores below every "
                         "family of a higher decile.")
def urutan_desil(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query(f"SELECT tingkat, wilayah, desil, skor_min, skor_maks_sebelumnya FROM ({sql_file('cek_desil')}) "
                          "WHERE skor_min <= skor_maks_sebelumnya ORDER BY ALL", {"periode": context.partition_key})
    return AssetCheckResult(passed=frame.empty, severity=AssetCheckSeverity.ERROR, metadata={"tumpang_tindih": _md(frame.head(20))},
                            description=None if frame.empty else f"{len(frame)} deciles overlap a lower one in score")


@asset_check(asset=model_pmt, name="model_layak", blocking=False,
             description=f"The chosen PMT model explains the survey's consumption: out-of-fold R² at least {MIN_R2}.")
def model_layak(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("SELECT algoritma, dipilih, r2_cv, spearman_cv FROM main.model_pmt WHERE periode = ? ORDER BY 1",
                          [context.partition_key])
    chosen = frame[frame["dipilih"]]
    passed = len(chosen) == 1 and float(chosen["r2_cv"].iloc[0]) >= MIN_R2
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.WARN, metadata={"model": _md(frame)})


@asset_check(asset=rekap_desil, name="rekap_cocok", blocking=True,
             description="At every level the regions' recaps add up to the ranked totals (families and individuals), and the "
                         "1-5, 6-10 and semua rows equal the sums of their deciles.")
def rekap_cocok(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        WITH r AS (SELECT * FROM main.rekap_desil WHERE periode = $1),
             total AS (SELECT count(*) AS keluarga, sum(jumlah_anggota) AS individu FROM main.peringkat WHERE periode = $1),
             per_tingkat AS (
                 SELECT tingkat,
                        sum(keluarga) FILTER (desil = 'semua') AS keluarga,
                        sum(individu) FILTER (desil = 'semua') AS individu,
                        sum(individu) FILTER (urutan <= 5) - sum(individu) FILTER (desil = '1-5') AS selisih_1_5,
                        sum(individu) FILTER (urutan BETWEEN 6 AND 10) - sum(individu) FILTER (desil = '6-10') AS selisih_6_10,
                        sum(keluarga) FILTER (urutan <= 10) - sum(keluarga) FILTER (desil = 'semua') AS selisih_semua
                 FROM r GROUP BY 1)
        SELECT p.tingkat, p.keluarga, t.keluarga AS keluarga_berperingkat, p.individu, t.individu AS individu_berperingkat,
               p.selisih_1_5, p.selisih_6_10, p.selisih_semua
        FROM per_tingkat p, total t ORDER BY 1""", [context.partition_key])
    bad = frame[(frame["keluarga"] != frame["keluarga_berperingkat"]) | (frame["individu"] != frame["individu_berperingkat"])
                | (frame[["selisih_1_5", "selisih_6_10", "selisih_semua"]].fillna(0) != 0).any(axis=1)]
    passed = len(frame) == 5 and bad.empty
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.ERROR, metadata={"per_tingkat": _md(frame)})


@asset_check(asset=transisi_desil, name="transisi_lengkap", blocking=True,
             description="Every family ranked this quarter has one row in transisi_desil, and so has every family ranked last "
                         "quarter (under its id or as tidak_diperingkat).")
def transisi_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        SELECT
            (SELECT count(*) FROM main.peringkat WHERE periode = $1) AS berperingkat,
            (SELECT count(*) FROM main.transisi_desil WHERE periode = $1 AND status_transisi <> 'tidak_diperingkat') AS baris_berperingkat,
            (SELECT count(DISTINCT id_keluarga) FROM main.transisi_desil WHERE periode = $1) AS keluarga_berbeda,
            (SELECT count(*) FROM main.transisi_desil WHERE periode = $1) AS baris,
            (SELECT count(*) FROM main.peringkat l WHERE periode = $2 AND NOT EXISTS (
                SELECT 1 FROM main.transisi_desil t WHERE t.periode = $1 AND t.id_keluarga_lalu = l.id_keluarga)) AS lalu_hilang
        """, [context.partition_key, previous_quarter(context.partition_key)])
    row = frame.iloc[0]
    passed = row["berperingkat"] == row["baris_berperingkat"] and row["keluarga_berbeda"] == row["baris"] and row["lalu_hilang"] == 0
    return AssetCheckResult(passed=bool(passed), severity=AssetCheckSeverity.ERROR, metadata={"rincian": _md(frame)})


rank_checks = [peringkat_lengkap, desil_seimbang, urutan_desil, model_layak, rekap_cocok, transisi_lengkap]


@asset_check(asset=fitur_keluarga, name="satu_baris_per_keluarga", blocking=True,
             description="Every family with status_data terdata has exactly one row of model inputs (none lost before scoring).")
def fitur_satu_baris(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        WITH k AS (SELECT id_keluarga FROM main.keluarga WHERE periode = $1 AND status_data = 'terdata'),
             f AS (SELECT id_keluarga, count(*) AS n FROM rank.fitur_keluarga WHERE periode = $1 GROUP BY 1)
        SELECT count(*) FILTER (f.id_keluarga IS NULL) AS tanpa_fitur, count(*) FILTER (k.id_keluarga IS NULL) AS bukan_keluarga_terdata,
               count(*) FILTER (f.n > 1) AS ganda, count(*) AS keluarga
        FROM k FULL JOIN f USING (id_keluarga)""", [context.partition_key])
    row = frame.iloc[0]
    passed = row["tanpa_fitur"] == 0 and row["bukan_keluarga_terdata"] == 0 and row["ganda"] == 0
    return AssetCheckResult(passed=bool(passed), severity=AssetCheckSeverity.ERROR, metadata={"rincian": _md(frame)})


@asset_check(asset=fitur_survei, name="survei_cukup", blocking=True,
             description="Every surveyed family has one row, and enough of them (at least 50 in 2 kecamatan) have a usable "
                         "consumption, weight and members for a PMT model to be trained and judged.")
def survei_cukup(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        SELECT (SELECT count(*) FROM standardise.stg_survei WHERE periode = $1) AS disurvei,
               count(*) AS baris, count(DISTINCT id_sumber) AS keluarga_berbeda,
               count(*) FILTER (konsumsi_per_kapita > 0 AND bobot > 0 AND jumlah_anggota > 0) AS layak,
               count(DISTINCT coalesce(kode_kecamatan, kode_kabupaten))
                   FILTER (konsumsi_per_kapita > 0 AND bobot > 0 AND jumlah_anggota > 0) AS kecamatan
        FROM rank.fitur_survei WHERE periode = $1""", [context.partition_key])
    row = frame.iloc[0]
    passed = row["disurvei"] == row["baris"] == row["keluarga_berbeda"] and row["layak"] >= 50 and row["kecamatan"] >= 2
    return AssetCheckResult(passed=bool(passed), severity=AssetCheckSeverity.ERROR, metadata={"rincian": _md(frame)},
                            description=None if passed else "the survey is incomplete or too small to train the PMT model")


@asset_check(asset=evaluasi_pmt, name="metrik_lengkap", blocking=False,
             description="Every candidate model has its four cross-validated metrics, each a number in its range; with a "
                         "truth, the ranking's truth metrics and a confusion that counts every judged family.")
def metrik_lengkap(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
    frame = storage.query("""
        SELECT sumber_evaluasi, algoritma, count(*) FILTER (metrik <> 'konfusi_keluarga') AS metrik,
               count(*) FILTER (nilai IS NULL OR isnan(nilai)) AS kosong,
               count(*) FILTER (metrik IN ('galat_inklusi', 'galat_eksklusi', 'tepat_40_persen_termiskin') AND NOT nilai BETWEEN 0 AND 1) AS di_luar,
               sum(nilai) FILTER (metrik = 'konfusi_keluarga') AS konfusi, max(nilai) FILTER (metrik = 'keluarga_dinilai') AS dinilai
        FROM main.evaluasi_pmt WHERE periode = ? GROUP BY ALL ORDER BY ALL""", [context.partition_key])
    survey = frame[frame["sumber_evaluasi"] == "survei_cv"]
    truth = frame[frame["sumber_evaluasi"] == "kebenaran"]
    passed = (len(survey) >= 1 and (survey["metrik"] == 4).all() and (frame["kosong"] == 0).all() and (frame["di_luar"] == 0).all()
              and (truth.empty or (truth["konfusi"] == truth["dinilai"]).all()))
    return AssetCheckResult(passed=bool(passed), severity=AssetCheckSeverity.WARN, metadata={"rincian": _md(frame)})


rank_checks += [fitur_satu_baris, survei_cukup, metrik_lengkap]
