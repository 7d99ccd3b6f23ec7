"""Stage `target`, evaluation only (synthetic worlds): how many true inclusion and exclusion errors
the candidate lists catch, and how many candidates are false alarms. The only place of the stage
that reads the ground truth; it exists only when the data folder has one."""

from pathlib import Path

import pandas as pd
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from ..partitions import quarterly
from ..resources import DuckDBStorage, RawData
from .comments import apply_comments
from .target import GROUP, ProgramRules, kandidat_exclusion_error, kandidat_inclusion_error, rule_frames, sql_file


@asset(group_name=GROUP, partitions_def=quarterly, deps=[kandidat_inclusion_error, kandidat_exclusion_error], kinds={"duckdb"},
       description="Evaluation only (synthetic world): per programme, inclusion- and exclusion-error candidates against the truth "
                   "(truth/<quarter>/penerima.parquet and kesejahteraan.parquet): candidates, true errors caught, false alarms, "
                   "precision and recall, and per reason.")
def evaluasi_sasaran(context: AssetExecutionContext, raw: RawData, storage: DuckDBStorage, aturan: ProgramRules) -> MaterializeResult:
    periode = context.partition_key
    rules = aturan.load()
    truth = Path(raw.data_dir) / "truth" / periode
    penerima = pd.read_parquet(truth / "penerima.parquet",
                               columns=["program", "id_sumber", "nik_benar", "no_kk_benar", "desil_nasional_benar", "meninggal", "asn"])
    kesejahteraan = pd.read_parquet(truth / "kesejahteraan.parquet", columns=["no_kk", "desil_nasional"])
    with_truth = storage.replace_partition_from_sql(
        "main.evaluasi_sasaran", periode, sql_file("evaluasi_sasaran"), params={"periode": periode},
        frames={**rule_frames(rules), "kebenaran_penerima": penerima, "kebenaran_kesejahteraan": kesejahteraan})
    apply_comments(storage, "evaluasi_sasaran")
    table = storage.query("SELECT * EXCLUDE (periode) FROM main.evaluasi_sasaran WHERE periode = ? ORDER BY jenis, program, alasan <> 'semua', "
                          "alasan", [periode])
    overall = table[table["alasan"] == "semua"]
    for r in overall.itertuples():
        context.log.info("evaluasi_sasaran %s %s %s: %d candidates, %d true (precision %s), recall %s", periode, r.program, r.jenis,
                         r.kandidat, r.benar, r.presisi, r.recall)
    metadata = {"baris": with_truth, "ringkasan": MetadataValue.md(overall.to_markdown(index=False)),
                "per_alasan": MetadataValue.md(table[table["alasan"] != "semua"].to_markdown(index=False))}
    for r in overall.itertuples():
        metadata[f"presisi_{r.jenis}_{r.program}"] = float(r.presisi) if pd.notna(r.presisi) else float("nan")
        metadata[f"recall_{r.jenis}_{r.program}"] = float(r.recall) if pd.notna(r.recall) else float("nan")
    return MaterializeResult(metadata=metadata)

