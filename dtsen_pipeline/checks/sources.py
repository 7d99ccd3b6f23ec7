"""Checks of stage `sources`: every expected file is there and readable with its required columns."""


from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetChecksDefinition, MetadataValue, asset_check

from ..assets.sources import TABLE, raw_asset_name
from ..resources import DuckDBStorage


def _build(source: str) -> AssetChecksDefinition:
    @asset_check(
        asset=raw_asset_name(source),
        name="berkas_lengkap",
        blocking=True,
        description="Every file the mapping expects is present, readable, and has its required columns.",
    )
    def _check(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
        periode = context.partition_key if context.has_partition_key else None
        problems = storage.query(
            f"""SELECT berkas, path, coalesce(galat, 'required columns missing: ' || kolom_wajib_hilang) AS masalah
                FROM {TABLE} WHERE periode = ? AND sumber = ? AND (galat IS NOT NULL OR coalesce(kolom_wajib_hilang, '') <> '')
                ORDER BY berkas, path""",
            [periode, source],
        )
        return AssetCheckResult(
            passed=problems.empty,
            severity=AssetCheckSeverity.ERROR,
            description=None if problems.empty else "; ".join(f"{r.path}: {r.masalah}" for r in problems.itertuples()),
            metadata={"masalah": len(problems), "rincian": MetadataValue.md(problems.to_markdown(index=False) if len(problems) else "none")},
        )

    return _check


def build_raw_checks(sources) -> list[AssetChecksDefinition]:
    return [_build(source) for source in sources]
