"""The Dagster code location of dtsen-pipeline (see workspace.yaml)."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import AssetSelection, Definitions, build_schedule_from_partitioned_job, define_asset_job, in_process_executor

from .assets.ingest import build_read_assets
from .assets.sources import build_raw_assets
from .assets.standardise import standardise_assets
from .assets.golden import golden_assets
from .assets.publish import build_katalog
from .assets.rank import rank_assets
from .assets.target import ProgramRules, target_assets
from .assets.target_eval import evaluasi_sasaran
from .assets.target_lists import daftar_desa
from .assets.unify import evaluasi_padan, padan_dukcapil
from .checks.expectations import build_expectation_checks
from .checks.ingest import build_read_checks
from .checks.sources import build_raw_checks
from .checks.standardise import standardise_checks
from .checks.target import target_checks
from .checks.rank import rank_checks
from .checks.unify import unify_checks
from .partitions import quarterly
from .progress import step_done, step_failed
from .resources import DuckDBStorage, RawData
from .sensors import dtsen_kuartal_lengkap
from .sources.mapping import load_mapping

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def build_definitions(data_dir: str | None = None, database: str | None = None, mapping_file: str | None = None) -> Definitions:
    raw = RawData(**{k: v for k, v in (("data_dir", data_dir), ("mapping_file", mapping_file)) if v})
    storage = DuckDBStorage(**({"database": database} if database else {}))
    mapping = load_mapping(raw.mapping_file)
    assets = [*build_raw_assets(mapping), *build_read_assets(mapping), *standardise_assets, padan_dukcapil, *golden_assets, *rank_assets,
              *target_assets, daftar_desa]
    evaluation = [evaluasi_padan, evaluasi_sasaran] if (Path(raw.data_dir) / "truth").is_dir() else []  # synthetic worlds only
    publish = [build_katalog([*assets, *evaluation])]  # the last stage: after every other asset
    # DuckDB has one writer per file: the job runs its steps in one process, one at a time.
    job = define_asset_job("dtsen_kuartalan", selection=AssetSelection.all(), partitions_def=quarterly, executor_def=in_process_executor,
                           # "step N/M done" after each step
                           hooks={step_done, step_failed},
                           description="Every asset of one quarter, from raw files to published tables.")
    return Definitions(
        assets=[*assets, *evaluation, *publish],
        asset_checks=[*build_raw_checks(mapping), *build_read_checks(mapping), *standardise_checks,
                      *build_expectation_checks(assets), *unify_checks, *rank_checks, *target_checks],
        jobs=[job],
        schedules=[build_schedule_from_partitioned_job(job, name="dtsen_kuartalan_schedule")],
        sensors=[dtsen_kuartal_lengkap],
        resources={"raw": raw, "storage": storage, "aturan": ProgramRules()},
    )


defs = build_definitions()
