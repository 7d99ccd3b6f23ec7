"""`dtsen kueri`: run a SQL file (or text) on the DuckDB file read-only, as the DuckDB CLI would
(`duckdb -readonly FILE < query.sql`), for a machine without the DuckDB CLI: the project's own
DuckDB, so the file's storage version always fits. Prints the result of every query."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from .resources import DuckDBStorage


@dataclass(frozen=True)
class Result:
    query: str
    frame: pd.DataFrame


def run(database: str, text: str) -> list[Result]:
    """Every statement of ``text`` in order on a read-only connection; the results of the queries."""
    storage = DuckDBStorage(database=database)
    results = []
    with storage.connect(read_only=True) as con:
        for statement in con.extract_statements(text):
            cursor = con.execute(statement)
            if statement.type == duckdb.StatementType.SELECT:
                results.append(Result(statement.query.strip(), cursor.df()))
    return results


def _whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts DuckDB returns as HUGEINT or DECIMAL arrive as floats: print 556, not 556.0."""
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_float_dtype(values) and values.notna().any() and (values.dropna() % 1 == 0).all():
            out[col] = values.astype("Int64")
    return out


def render(results: list[Result], max_rows: int) -> str:
    out = []
    for r in results:
        shown = _whole_numbers(r.frame.head(max_rows)).to_string(index=False, na_rep="NULL", max_colwidth=60)
        more = f"\n({len(r.frame) - max_rows:,} more rows: --baris N shows more)" if len(r.frame) > max_rows else ""
        out.append(f"{shown}\n{len(r.frame):,} rows{more}")
    return "\n\n".join(out)
