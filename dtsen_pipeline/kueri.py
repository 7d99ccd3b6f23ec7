"""`dtsen kueri`: run a SQL file (or text) on the DuckDB file read-only, as the DuckDB CLI would
(`duckdb -readonly FILE < query.sql`), for a machine without the DuckDB CLI: the project's own
DuckDB, so the file's storage version always fits. Prints the result of every query."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from .resources import DuckDBStorage

MAX_WIDTH = 60  # characters of a text value shown in the table view


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


def _printable(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable columns (Int64, string, boolean) as objects, so that a missing value prints as NULL
    like everywhere else, not as pandas' <NA>."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.api.extensions.ExtensionDtype):
            out[col] = out[col].astype(object).where(out[col].notna(), float("nan"))  # na_rep prints NaN, not None
    return out


def render(results: list[Result], max_rows: int, width: int = MAX_WIDTH) -> str:
    """The results as aligned text tables, text longer than ``width`` characters cut (and said so)."""
    out = []
    for r in results:
        head = _printable(_whole_numbers(r.frame.head(max_rows)))
        # no rows: the column names alone (pandas would print "Empty DataFrame" and its index)
        shown = "  ".join(map(str, head.columns)) if head.empty else head.to_string(index=False, na_rep="NULL", max_colwidth=width)
        notes = []
        if len(r.frame) > max_rows:
            notes.append(f"({len(r.frame) - max_rows:,} more rows: --baris N shows more)")
        cut = [str(c) for c in head.columns if head[c].map(lambda v: isinstance(v, str) and len(v) > width).any()]
        if cut:
            notes.append(f"(text of {', '.join(cut)} cut at {width} characters: --csv prints whole values)")
        out.append("\n".join([shown, f"{len(r.frame):,} rows", *notes]))
    return "\n\n".join(out)


def render_csv(results: list[Result], max_rows: int) -> str:
    """The results as CSV (whole values, empty for NULL), one block per query, for a file or a spreadsheet."""
    return "\n".join(_whole_numbers(r.frame.head(max_rows)).to_csv(index=False) for r in results)
