"""Stage `unify`: every source person record matched to the civil registry (Dukcapil).

`padan_dukcapil` builds the candidate pairs in SQL (exact NIK, then blocks for the records whose
NIK does not settle it), estimates a Fellegi-Sunter model by EM on this quarter's pairs (no labels:
the ground truth is never read here), scores every pair and decides one status per record.
`evaluasi_padan` judges the result against the synthetic world's truth, and exists only when the
data folder has one.
"""

from pathlib import Path

import pandas as pd
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from .. import fellegi_sunter
from ..partitions import quarterly
from ..privacy import mask_frame
from ..resources import SQL_DIR, DuckDBStorage, RawData
from .comments import apply_comments

GROUP = "unify"
FEATURES = ["nik_lv", "nama_lv", "tgl_lv", "jk_lv", "wil_lv", "kk_lv"]
BLOCK_MAX = 20  # a block key shared by more Dukcapil people than this is skipped (it says little)
RANDOM_PAIRS = 200_000  # random record x Dukcapil pairs from which the chance (u) probabilities are counted
THRESHOLDS = {
    "batas_terima": 0.99,  # posterior at or above which a match is accepted
    "batas_ragu": 0.5,  # below: not matched; between the two: clerical review (perlu_verifikasi)
    "selisih_bit": 10.0,  # a runner-up within 10 bits (likelihood ratio 1000) makes a match ambiguous
}


def sql_file(name: str) -> str:
    return (SQL_DIR / "unify" / f"{name}.sql").read_text(encoding="utf-8")


@asset(
    group_name=GROUP,
    partitions_def=quarterly,
    deps=["stg_individu"],
    kinds={"duckdb", "python"},
    description="One row per source person record of the quarter (dtks, p3ke, regsosek): the Dukcapil NIK it is matched "
    "to (or none), the method (nik_tepat, perbaikan_nik, probabilistik), the Fellegi-Sunter posterior `skor`, the reason "
    "in words and status_padan (padan, padan_koreksi, tidak_padan, meninggal, perlu_verifikasi). Model parameters are "
    "estimated by EM from the quarter's own candidate pairs.",
)
def padan_dukcapil(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    storage.run_sql_file("unify/macros.sql")
    pairs = storage.replace_partition_from_sql("unify.kandidat", periode, sql_file("kandidat"),
                                               params={"periode": periode, "pasangan_acak": RANDOM_PAIRS, "blok_maks": BLOCK_MAX})
    apply_comments(storage, "kandidat")
    # in a fixed order: EM sums over the patterns in floating point, and another order changes the
    # weights' last bits, hence `bobot`/`skor`, from one run of the quarter to the next
    patterns = storage.query(f"SELECT acak, {', '.join(FEATURES)}, count(*) AS n FROM unify.kandidat WHERE periode = ? "
                             "GROUP BY ALL ORDER BY ALL", [periode])
    chance = fellegi_sunter.chance_levels(patterns[patterns["acak"]], FEATURES)
    population = int(storage.query("SELECT count(*) AS n FROM standardise.stg_individu WHERE periode = ? AND sumber = 'dukcapil'",
                                   [periode])["n"].iloc[0])
    fitted = fellegi_sunter.fit(patterns[~patterns["acak"]], FEATURES)
    model = fellegi_sunter.with_chance(fitted, chance, population)
    total = f"({model.score_sql()}) + {model.prior_weight:.6f}"
    rows = storage.replace_partition_from_sql("main.padan_dukcapil", periode, sql_file("padan_dukcapil").replace("{{bobot_total}}", total),
                                              params={"periode": periode, **THRESHOLDS})
    apply_comments(storage, "padan_dukcapil")
    summary = storage.query("""SELECT sumber, status_padan, metode, count(*) AS rekaman FROM main.padan_dukcapil
                               WHERE periode = ? GROUP BY ALL ORDER BY ALL""", [periode])
    preview = storage.query("""SELECT * FROM (SELECT sumber, id_sumber, nik_dukcapil, metode, skor, status_padan, alasan
                               FROM main.padan_dukcapil WHERE periode = ? AND status_padan <> 'padan') USING SAMPLE 5 ROWS (reservoir, 7)""",
                            [periode])
    context.log.info("padan_dukcapil %s: %d records, %d candidate pairs, EM in %d iterations (match share among candidates %.3f)",
                     periode, rows, pairs, model.iterations, fitted.share)
    return MaterializeResult(metadata={
        "rekaman": rows,
        "pasangan_kandidat": pairs,
        "iterasi_em": model.iterations,
        "porsi_padan_kandidat": fitted.share,
        "bobot_awal_bit": model.prior_weight,
        "ringkasan": MetadataValue.md(summary.to_markdown(index=False)),
        "bobot_fellegi_sunter": MetadataValue.md(model.weights().round(4).to_markdown(index=False)),
        "contoh": MetadataValue.md(mask_frame(preview).to_markdown(index=False)),
    })


def truth_file(raw: RawData, periode: str) -> Path:
    return Path(raw.data_dir) / "truth" / periode / "padan.parquet"


@asset(
    group_name=GROUP,
    partitions_def=quarterly,
    deps=[padan_dukcapil],
    kinds={"duckdb"},
    description="Evaluation only (synthetic world): precision, recall and F1 of record -> Dukcapil assignment per source and "
    "injected error type, against the ground truth in data/truth/<quarter>/padan.parquet.",
)
def evaluasi_padan(context: AssetExecutionContext, raw: RawData, storage: DuckDBStorage) -> MaterializeResult:
    periode = context.partition_key
    path = truth_file(raw, periode)
    truth = pd.read_parquet(path, columns=["sumber", "id_sumber", "nik_benar", "jenis_galat", "duplikat_dari"])
    rows = storage.replace_partition_from_sql("main.evaluasi_padan", periode, sql_file("evaluasi_padan"), params={"periode": periode},
                                              frames={"kebenaran": truth})
    apply_comments(storage, "evaluasi_padan")
    table = storage.query("SELECT * EXCLUDE (periode) FROM main.evaluasi_padan WHERE periode = ? AND sumber = 'semua' ORDER BY jenis_galat",
                          [periode])
    overall = table[table["jenis_galat"] == "semua"].iloc[0]
    context.log.info("evaluasi_padan %s: F1 %.4f, precision %.4f, recall %.4f", periode, overall["f1"], overall["presisi"], overall["recall"])
    return MaterializeResult(metadata={
        "baris": rows,
        "f1": float(overall["f1"]),
        "presisi": float(overall["presisi"]),
        "recall": float(overall["recall"]),
        "per_jenis_galat": MetadataValue.md(table.to_markdown(index=False)),
    })
