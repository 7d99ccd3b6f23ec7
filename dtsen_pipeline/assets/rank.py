"""Stage `rank`: the welfare ranking of the quarter.

`fitur_survei` and `fitur_keluarga` build the same model inputs for the surveyed families (with
measured consumption) and for every DTSEN family; `model_pmt` compares a regularised linear model
and gradient-boosted trees by cross-validation grouped by kecamatan and keeps the better one as a
versioned artifact; `peringkat` scores every family and cuts population-weighted deciles at
national, province and regency level; `transisi_desil` and `rekap_desil` tell what moved and what
each region looks like; `evaluasi_pmt` records how good the ranking is (held-out survey families
always, the synthetic world's truth when there is one).
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset
from pydantic import Field

from ..partitions import quarterly
from ..pmt.features import NOT_FEATURES, features_sql
from ..resources import SQL_DIR, DuckDBStorage, RawData
from .comments import apply_comments
from .golden import previous_quarter

if TYPE_CHECKING:
    from ..pmt.artifact import Artifact

# scikit-learn (and the pmt modules that use it) is imported by the steps that train or score: it
# takes ~3 s, which every `dtsen` start and Dagster code-location load would otherwise pay

GROUP = "rank"


def sql_file(name: str) -> str:
    return (SQL_DIR / "rank" / f"{name}.sql").read_text(encoding="utf-8")


def model_dir(storage: DuckDBStorage) -> Path:
    """Where PMT artifacts live: DTSEN_MODEL_DIR, else `model/` beside the database file."""
    return Path(os.environ.get("DTSEN_MODEL_DIR") or Path(storage.database).parent / "model")


def artifact_path(storage: DuckDBStorage, name: str) -> str:
    """The model file as `model_pmt.berkas` names it: relative to the database's folder when it
    lives under it (the file and its models move together), else absolute."""
    path, base = (model_dir(storage) / name).resolve(), Path(storage.database).resolve().parent
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)


def _markdown(frame: pd.DataFrame) -> MetadataValue:
    return MetadataValue.md(frame.to_markdown(index=False, floatfmt="g"))


def _features(context: AssetExecutionContext, storage: DuckDBStorage, kind: str) -> MaterializeResult:
    periode = context.partition_key
    rows = storage.replace_partition_from_sql(f"rank.fitur_{kind}", periode, features_sql(kind), params={"periode": periode})
    context.log.info("rank.fitur_%s %s: %d families", kind, periode, rows)
    return MaterializeResult(metadata={"keluarga": rows})


@asset(group_name=GROUP, partitions_def=quarterly, deps=["stg_survei", "stg_survei_anggota"], kinds={"duckdb"},
       description="Working table rank.fitur_survei: the PMT model's inputs (housing, assets, livestock, members' demography, "
                   "education, work and health) for every surveyed family, with its measured per-capita consumption and weight.")
def fitur_survei(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    return _features(context, storage, "survei")


@asset(group_name=GROUP, partitions_def=quarterly, deps=["keluarga", "individu"], kinds={"duckdb"},
       description="Working table rank.fitur_keluarga: the same model inputs for every family a source describes "
                   "(keluarga.status_data = terdata), as the sources give them (gaps stay NULL and are imputed by the model).")
def fitur_keluarga(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    return _features(context, storage, "keluarga")


class ModelPmtConfig(Config):
    versi_tetap: str = Field(
        default="",
        description="Score this quarter with an existing model version (e.g. pmt-2025-01-01-ridge-5b85c5bcfadf) instead of "
                    "training a new one; empty: $DTSEN_PMT_VERSI, else train on this quarter's survey. Keep a model between "
                    "survey rounds: retraining on every new sample moves families across desil lines with nothing changed "
                    "in their lives (README, 'Welfare ranking').")


def _pinned_rows(model: "Artifact", storage: DuckDBStorage) -> pd.DataFrame:
    meta, metrics = model.meta, model.meta["metrik_validasi_silang"][model.meta["algoritma"]]
    return pd.DataFrame([{
        "versi_model": model.versi, "algoritma": meta["algoritma"], "dipilih": True,
        "r2_cv": metrics["r2"], "spearman_cv": metrics["spearman"], "galat_inklusi_cv": metrics["galat_inklusi"],
        "galat_eksklusi_cv": metrics["galat_eksklusi"], "keluarga_latih": meta["keluarga_latih"], "keluarga_tidak_dipakai": None,
        "jumlah_fitur": len(model.categorical) + len(model.numeric), "berkas": artifact_path(storage, meta["berkas"]),
        "sha256": meta["sha256"]}]).astype({"keluarga_tidak_dipakai": "Int64"})


@asset(group_name=GROUP, partitions_def=quarterly, deps=[fitur_survei], kinds={"sklearn", "duckdb"},
       description="The quarter's PMT model: ridge regression and gradient-boosted trees predict log per-capita consumption "
                   "from the survey, compared by 5-fold cross-validation grouped by kecamatan; the better one (out-of-fold R²) is "
                   "saved as a versioned artifact (joblib + JSON metadata) and both are listed in main.model_pmt. With "
                   "versi_tetap (or $DTSEN_PMT_VERSI) an existing version is used instead, untouched.")
def model_pmt(context: AssetExecutionContext, config: ModelPmtConfig, storage: DuckDBStorage) -> MaterializeResult:
    from ..pmt import artifact as pmt_artifact
    from ..pmt.model import compare, usable

    periode = context.partition_key
    pinned = config.versi_tetap or os.environ.get("DTSEN_PMT_VERSI", "")
    if pinned:
        model = pmt_artifact.load(model_dir(storage), pinned)  # refuses a missing or altered file
        rows = _pinned_rows(model, storage)
        storage.replace_partition_from_sql("main.model_pmt", periode, "SELECT $periode AS periode, * FROM _model",
                                           params={"periode": periode}, frames={"_model": rows})
        apply_comments(storage, "model_pmt")
        context.log.info("model_pmt %s: not trained; using %s (trained on %s)", periode, pinned, model.meta["periode_latih"])
        return MaterializeResult(metadata={"versi_model": pinned, "algoritma": model.meta["algoritma"], "dilatih": False,
                                           "periode_latih": model.meta["periode_latih"]})
    survey = storage.query("SELECT * FROM rank.fitur_survei WHERE periode = ? ORDER BY id_sumber", [periode])
    unusable = int((~usable(survey)).sum())
    comparison = compare(survey)
    saved = pmt_artifact.save(comparison, periode, model_dir(storage))
    rows = pd.DataFrame([
        {"versi_model": saved.versi if name == comparison.chosen else None, "algoritma": name, "dipilih": name == comparison.chosen,
         "r2_cv": m["r2"], "spearman_cv": m["spearman"], "galat_inklusi_cv": m["galat_inklusi"], "galat_eksklusi_cv": m["galat_eksklusi"],
         "keluarga_latih": len(comparison.training), "keluarga_tidak_dipakai": unusable,
         "jumlah_fitur": len(comparison.categorical) + len(comparison.numeric),
         "berkas": artifact_path(storage, saved.meta["berkas"]) if name == comparison.chosen else None,
         "sha256": saved.meta["sha256"] if name == comparison.chosen else None}
        for name, m in comparison.metrics.items()])
    storage.replace_partition_from_sql("main.model_pmt", periode, "SELECT $periode AS periode, * FROM _model",
                                       params={"periode": periode}, frames={"_model": rows})
    apply_comments(storage, "model_pmt")
    if unusable:
        context.log.warning("model_pmt %s: %d surveyed families without usable consumption, weight or members were not used",
                            periode, unusable)
    context.log.info("model_pmt %s: chose %s (%s)", periode, comparison.chosen, saved.versi)
    return MaterializeResult(metadata={
        "versi_model": saved.versi, "algoritma": comparison.chosen, "dilatih": True, "keluarga_latih": len(comparison.training),
        "keluarga_tidak_dipakai": unusable, "berkas": MetadataValue.path(str(model_dir(storage) / saved.meta["berkas"])),
        "perbandingan": _markdown(rows[["algoritma", "dipilih", "r2_cv", "spearman_cv", "galat_inklusi_cv", "galat_eksklusi_cv"]]),
    })


def chosen_version(storage: DuckDBStorage, periode: str) -> str:
    found = storage.query("SELECT versi_model FROM main.model_pmt WHERE periode = ? AND dipilih", [periode])
    if found.empty:
        raise ValueError(f"no PMT model for {periode} in main.model_pmt: materialise model_pmt for this quarter first")
    return str(found["versi_model"].iloc[0])


VERIFY_SAMPLE = 2_000  # families on which the SQL form of a linear model is checked against the pipeline


def scoring(storage: DuckDBStorage, periode: str, model: "Artifact") -> tuple[dict[str, str], dict, str]:
    """How peringkat.sql gets the score: the linear model as one SQL expression when it gives the
    pipeline's own predictions on a sample of families (fast: millions of families inside DuckDB),
    else the pipeline's predictions in Python, registered as a frame. Returns the SQL pieces, the
    frames to register, and which way ('sql' or 'python')."""
    from ..pmt.model import predict_log
    from ..pmt.sql_score import linear_sql

    inputs = model.categorical + model.numeric
    # the names only for the families with a gap (CASE evaluates its branch on those rows alone)
    names = ", ".join(f"CASE WHEN f.{c} IS NULL THEN '{c}' END" for c in inputs)
    imputed = f"CASE WHEN {' OR '.join(f'f.{c} IS NULL' for c in inputs)} THEN concat_ws(', ', {names}) END"
    expression = linear_sql(model.model, model.categorical, model.numeric, alias="f")
    if expression is not None:
        sample = storage.query(f"SELECT *, {expression} AS _sql FROM (SELECT * FROM (SELECT * FROM rank.fitur_keluarga WHERE periode = ?) "
                               f"USING SAMPLE {VERIFY_SAMPLE} ROWS (reservoir, 7)) f", [periode])
        if sample.empty or np.allclose(predict_log(model.model, sample, model.categorical, model.numeric), sample["_sql"],
                                       rtol=0, atol=1e-9):
            return {"skor": f"round(exp({expression}), 2)", "diimputasi": imputed, "gabung_skor": ""}, {}, "sql"
    features = storage.query("SELECT * FROM rank.fitur_keluarga WHERE periode = ?", [periode])
    scores = pd.DataFrame({"id_keluarga": features["id_keluarga"],
                           "skor": np.exp(predict_log(model.model, features, model.categorical, model.numeric)).round(2)})
    return ({"skor": "p.skor", "diimputasi": imputed, "gabung_skor": "LEFT JOIN _skor p ON p.id_keluarga = f.id_keluarga"},
            {"_skor": pa.Table.from_pandas(scores, preserve_index=False)}, "python")


@asset(group_name=GROUP, partitions_def=quarterly, deps=[model_pmt, fitur_keluarga], kinds={"duckdb", "sklearn"},
       description="The welfare ranking: every family a source describes, scored by the quarter's PMT model (predicted monthly "
                   "per-capita consumption), ranked nationally and cut into population-weighted deciles at national, province "
                   "and regency level (desil 1 = poorest 10% of individuals; equal scores share a decile).")
def peringkat(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    from ..pmt import artifact as pmt_artifact

    periode = context.partition_key
    model = pmt_artifact.load(model_dir(storage), chosen_version(storage, periode))
    pieces, frames, way = scoring(storage, periode, model)
    sql = sql_file("peringkat")
    for name, text in pieces.items():
        sql = sql.replace("{{" + name + "}}", text)
    storage.run_sql_file("rank/macros.sql")
    rows = storage.replace_partition_from_sql("main.peringkat", periode, sql, params={"periode": periode, "versi_model": model.versi},
                                              frames=frames)
    apply_comments(storage, "peringkat")
    recap = storage.query("""
        SELECT desil_nasional AS desil, count(*) AS keluarga, sum(jumlah_anggota) AS individu,
               round(100.0 * sum(jumlah_anggota) / sum(sum(jumlah_anggota)) OVER (), 2) AS persen_individu,
               round(min(skor)) AS skor_min, round(max(skor)) AS skor_maks, count(*) FILTER (cara_skor = 'imputasi') AS diimputasi
        FROM main.peringkat WHERE periode = ? GROUP BY 1 ORDER BY 1""", [periode])
    imputed = int(recap["diimputasi"].sum())
    context.log.info("peringkat %s: %d families ranked with %s (%d with imputed inputs)", periode, rows, model.versi, imputed)
    return MaterializeResult(metadata={"keluarga": rows, "versi_model": model.versi, "diimputasi": imputed, "skor_dihitung_di": way,
                                       "desil_nasional": _markdown(recap)})


def _changed_variables(storage: DuckDBStorage) -> str:
    """One `'name: before -> now'` SQL expression per model input of rank.fitur_keluarga (a -> this
    quarter, b -> last quarter), NULL when unchanged."""
    columns = storage.query("SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = 'rank' AND table_name = 'fitur_keluarga' ORDER BY ordinal_position")
    parts = []
    for name, kind in columns.itertuples(index=False):
        if name in NOT_FEATURES or name.startswith("kode_"):
            continue
        show = (lambda side: f"coalesce(CAST(round({side}.{name}, 1) AS VARCHAR), '?')") if kind == "DOUBLE" else \
            (lambda side: f"coalesce(CAST({side}.{name} AS VARCHAR), '?')")
        parts.append(f"CASE WHEN a.{name} IS DISTINCT FROM b.{name} THEN '{name}: ' || {show('b')} || ' -> ' || {show('a')} END")
    return ",\n                ".join(parts)


@asset(group_name=GROUP, partitions_def=quarterly, deps=[peringkat], kinds={"duckdb"},
       description="Each family's national desil last quarter and this quarter: who moved, who left or entered desil 1-5, "
                   "and the model inputs that changed (the reason a family can be told); families no longer ranked are listed.")
def transisi_desil(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    lalu = previous_quarter(periode)
    sql = sql_file("transisi_desil").replace("{{variabel_berubah}}", _changed_variables(storage))
    rows = storage.replace_partition_from_sql("main.transisi_desil", periode, sql, params={"periode": periode, "periode_lalu": lalu})
    apply_comments(storage, "transisi_desil")
    recap = storage.query("""
        SELECT status_transisi, count(*) AS keluarga, count(*) FILTER (keluar_desil_1_5) AS keluar_desil_1_5,
               count(*) FILTER (masuk_desil_1_5) AS masuk_desil_1_5
        FROM main.transisi_desil WHERE periode = ? GROUP BY 1 ORDER BY 1""", [periode])
    ranked_before = int(storage.query("SELECT count(*) AS n FROM main.peringkat WHERE periode = ?", [lalu])["n"].iloc[0])
    if not ranked_before:
        context.log.warning("transisi_desil %s: no ranking for %s, so every family is 'baru'", periode, lalu)
    return MaterializeResult(metadata={"baris": rows, "periode_lalu": lalu, "keluarga_berperingkat_lalu": ranked_before,
                                       "ringkasan": _markdown(recap)})


@asset(group_name=GROUP, partitions_def=quarterly, deps=[peringkat, "wilayah"], kinds={"duckdb"},
       description="Recap per national desil for every region at every level (nasional, provinsi, kabupaten, kecamatan, desa): "
                   "families and individuals per desil 1-10, desil 1-5, 6-10 and in all, with the share of the region's individuals.")
def rekap_desil(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    rows = storage.replace_partition_from_sql("main.rekap_desil", periode, sql_file("rekap_desil"), params={"periode": periode})
    apply_comments(storage, "rekap_desil")
    national = storage.query("SELECT desil, keluarga, individu, persen_individu FROM main.rekap_desil "
                             "WHERE periode = ? AND tingkat = 'nasional' ORDER BY urutan", [periode])
    return MaterializeResult(metadata={"baris": rows, "nasional": _markdown(national)})


@asset(group_name=GROUP, partitions_def=quarterly, deps=[model_pmt, peringkat], kinds={"duckdb"},
       description="How good the ranking is: each candidate model's out-of-fold metrics on held-out survey families (R², "
                   "Spearman, inclusion and exclusion errors at the desil 1-4 cut); on a synthetic world also the ranking "
                   "against the truth (Spearman, share of the truly poorest 40% in desil 1-4, confusion of national desil).")
def evaluasi_pmt(context: AssetExecutionContext, storage: DuckDBStorage, raw: RawData) -> MaterializeResult:
    periode = context.partition_key
    models = storage.query("SELECT * FROM main.model_pmt WHERE periode = ?", [periode])
    chosen = models[models["dipilih"]].iloc[0]
    survey = models.melt(id_vars=["algoritma"], value_vars=["r2_cv", "spearman_cv", "galat_inklusi_cv", "galat_eksklusi_cv"],
                         var_name="metrik", value_name="nilai")
    survey["metrik"] = survey["metrik"].str.removesuffix("_cv")
    survey = survey.assign(versi_model=chosen["versi_model"], sumber_evaluasi="survei_cv",
                           desil_prediksi=pd.NA, desil_benar=pd.NA).astype({"desil_prediksi": "Int32", "desil_benar": "Int32"})
    sql = "SELECT $periode AS periode, versi_model, sumber_evaluasi, algoritma, metrik, desil_prediksi, desil_benar, nilai FROM _survei"
    params = {"periode": periode}
    truth = Path(raw.data_dir) / "truth" / periode / "kesejahteraan.parquet"
    if truth.is_file():  # synthetic worlds only: evaluation, never an input of the ranking
        sql += " UNION ALL BY NAME SELECT * FROM (" + sql_file("evaluasi_pmt_kebenaran") + ")"
        params |= {"kebenaran": str(truth), "versi_model": chosen["versi_model"], "algoritma": chosen["algoritma"]}
    rows = storage.replace_partition_from_sql("main.evaluasi_pmt", periode, sql, params=params, frames={"_survei": survey})
    apply_comments(storage, "evaluasi_pmt")
    summary = storage.query("SELECT sumber_evaluasi, algoritma, metrik, nilai FROM main.evaluasi_pmt "
                            "WHERE periode = ? AND metrik <> 'konfusi_keluarga' ORDER BY ALL", [periode])
    metadata = {"baris": rows, "metrik": _markdown(summary)}
    if truth.is_file():
        confusion = storage.query("""
            PIVOT (SELECT desil_prediksi, desil_benar, nilai FROM main.evaluasi_pmt WHERE periode = ? AND metrik = 'konfusi_keluarga')
            ON desil_benar IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) USING sum(nilai) ORDER BY desil_prediksi""", [periode])
        metadata["konfusi_desil"] = _markdown(confusion.fillna(0))
    return MaterializeResult(metadata=metadata)


rank_assets = [fitur_survei, fitur_keluarga, model_pmt, peringkat, transisi_desil, rekap_desil, evaluasi_pmt]
