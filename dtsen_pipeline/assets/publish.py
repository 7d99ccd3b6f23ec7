"""Stage `publish`: the data product's catalogue.

`katalog` lists every table and view of schema `main` (what analysts query) with its stage, its
grain (what one row is) and its meaning, from the same comments that give the DuckDB COMMENTs and
the README's data dictionary (`dtsen_pipeline/kamus.py`), with its columns and its rows in the
quarter. It runs last: it depends on every other asset of the code location. Its check
`katalog_lengkap` warns when a table is undocumented, lacks a grain or has a column without a
COMMENT (tests/test_katalog.py fails on the same, naming the file to edit).
"""

from collections.abc import Iterable

import pandas as pd
from dagster import (AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext, AssetKey, AssetsDefinition,
                     MaterializeResult, MetadataValue, asset)

from .. import kamus
from ..partitions import quarterly
from ..resources import SQL_DIR, DuckDBStorage
from .comments import apply_comments

GROUP = "publish"
NAME = "katalog"


def documented() -> pd.DataFrame:
    """Every table of sql/*/comments.yaml: tabel, tahap, satu_baris_per, arti."""
    tables, _ = kamus.load()
    return pd.DataFrame([(t.name, t.stage, t.grain, t.meaning) for t in tables],
                        columns=["tabel", "tahap", "satu_baris_per", "arti"]).astype("string")


def rows_sql(storage: DuckDBStorage) -> str:
    """Rows of the quarter of every base table of main that has a periode (but the katalog)."""
    names = storage.query("""
        SELECT t.table_name FROM duckdb_tables() t
        JOIN duckdb_columns() c ON c.database_name = t.database_name AND c.schema_name = t.schema_name AND c.table_name = t.table_name
        WHERE t.database_name = current_database() AND t.schema_name = 'main' AND c.column_name = 'periode' AND t.table_name <> ?
        ORDER BY 1""", [NAME])["table_name"]
    parts = [f"SELECT '{n}' AS tabel, count(*) AS jumlah_baris FROM main.\"{n}\" WHERE periode = $periode" for n in names]
    return "\n    UNION ALL\n    ".join(parts) or "SELECT NULL::VARCHAR AS tabel, NULL::BIGINT AS jumlah_baris WHERE false"


def katalog_sql(storage: DuckDBStorage) -> str:
    return (SQL_DIR / "publish" / "katalog.sql").read_text(encoding="utf-8").replace("{{baris}}", rows_sql(storage))


def gaps(frame: pd.DataFrame) -> pd.DataFrame:
    """The katalog's rows that are not fully documented: tabel, kurang (what is missing) and
    gagal (whether the check fails for it: a grain alone missing only warns in the log and the
    metadata; tests/test_katalog.py is what fails on it, naming the comments file)."""
    missing = pd.DataFrame({
        "tanpa_dokumen": frame["tahap"].isna(),
        "tanpa_grain": frame["satu_baris_per"].isna(),
        "tanpa_arti": frame["arti"].isna(),
        "kolom_tanpa_komentar": frame["kolom_tanpa_komentar"].fillna(0) > 0,
    })
    rows = missing.any(axis=1)
    out = frame.loc[rows, ["tabel"]].copy()
    out["kurang"] = missing[rows].apply(lambda r: ", ".join(c for c, v in r.items() if v), axis=1)
    out["gagal"] = missing[rows].drop(columns="tanpa_grain").any(axis=1)
    return out


def build_katalog(assets: Iterable[AssetsDefinition]) -> AssetsDefinition:
    """The katalog asset, downstream of every asset in ``assets``."""
    deps = sorted({key for a in assets for key in a.keys} - {AssetKey(NAME)}, key=lambda k: k.to_user_string())

    @asset(
        name=NAME,
        group_name=GROUP,
        partitions_def=quarterly,
        deps=deps,
        kinds={"duckdb"},
        check_specs=[AssetCheckSpec("katalog_lengkap", asset=NAME, description=(
            "Every table and view of main is documented in sql/*/comments.yaml with a meaning, and all its columns carry a "
            "COMMENT (WARN otherwise, naming what is missing); a missing grain is listed in the metadata."))],
        description="One row per table and view of schema main: stage, grain (what one row is), meaning (its COMMENT), "
                    "columns and rows in the quarter; the same texts as the README's data dictionary (dtsen kamus).",
    )
    def katalog(context: AssetExecutionContext, storage: DuckDBStorage) -> MaterializeResult:
        periode = context.partition_key
        storage.run_sql_file("publish/katalog_ddl.sql")
        apply_comments(storage, NAME)  # first, so that the katalog's own row sees them
        rows = storage.replace_partition_from_sql(f"main.{NAME}", periode, katalog_sql(storage), params={"periode": periode},
                                                  frames={"dokumen": documented()})
        frame = storage.query(f"SELECT * FROM main.{NAME} WHERE periode = ?", [periode])
        order = {stage: i for i, stage in enumerate(kamus.STAGES)}
        frame = frame.sort_values(["tahap", "tabel"], key=lambda c: c.map(order).fillna(len(order)) if c.name == "tahap" else c)
        missing = gaps(frame)
        failing = missing["gagal"]
        if len(missing):
            context.log.warning("katalog %s: not fully documented: %s", periode,
                                "; ".join(f"{r.tabel} ({r.kurang})" for r in missing.itertuples()))
        context.log.info("katalog %s: %d tables and views", periode, rows)
        shown = frame[["tabel", "tahap", "satu_baris_per", "jumlah_kolom", "jumlah_baris"]]
        return MaterializeResult(
            metadata={"tabel": rows, "katalog": MetadataValue.md(shown.to_markdown(index=False))},
            check_results=[AssetCheckResult(
                check_name="katalog_lengkap", passed=not failing.any(), severity=AssetCheckSeverity.WARN,
                description="; ".join(f"{r.tabel}: {r.kurang}" for r in missing[failing].itertuples()) or None,
                metadata={"kurang": MetadataValue.md(missing.to_markdown(index=False) if len(missing) else "nothing")})],
        )

    return katalog
