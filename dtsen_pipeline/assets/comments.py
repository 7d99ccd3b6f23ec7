"""DuckDB COMMENTs of the tables: every table and column in schema `main` (what analysts query) says
what it holds, and so do the stages' working tables documented beside them (an entry's `skema`, e.g.
`standardise` for the `stg_*` tables; `main` when absent). The texts live beside the SQL (`sql/<stage>/comments.yaml`); the variables' come from
variables.yaml. A published column without a text is an error, so the documentation cannot fall
behind the tables."""

from __future__ import annotations

from functools import cache

import yaml

from ..resources import SQL_DIR, DuckDBStorage
from ..sources.variables import catalogue


@cache
def comment_texts() -> dict[str, dict]:
    """``{table: {"table": text, "schema": schema, "columns": {column: text}}}`` from every stage's comments.yaml
    (whose ``_umum`` entry gives the texts of columns shared by that stage's tables)."""
    texts: dict[str, dict] = {}
    for path in sorted(SQL_DIR.glob("*/comments.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        common = doc.pop("_umum", {}) or {}
        for table, entry in doc.items():
            if table in texts:
                raise ValueError(f"{path}: table {table} is documented twice")
            texts[table] = {"table": entry["table"], "schema": entry.get("skema", "main"), "columns": {**common, **(entry.get("columns") or {})}}
    return texts


def _variable_texts() -> dict[str, str]:
    return {name: spec["arti"] for level in catalogue().values() for name, spec in level.items()}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def qualified(table: str) -> str:
    """``<schema>.<table>`` of a documented table (``main.`` unless its entry names a `skema`)."""
    texts = comment_texts().get(table)
    if texts is None:
        raise ValueError(f"{table} has no entry in any sql/*/comments.yaml")
    return f"{texts['schema']}.{table}"


def apply_comments(storage: DuckDBStorage, table: str) -> None:
    """COMMENT ON the table (``main.<table>``, or the schema its entry names) and each of its
    columns; raises naming the columns that have no text."""
    full = qualified(table)
    texts, schema = comment_texts()[table], full.split(".")[0]
    variables = _variable_texts()
    with storage.connect() as con:
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table]).fetchall()]
        missing = [c for c in columns if c not in texts["columns"] and c not in variables]
        if missing:
            raise ValueError(f"{full}: columns without a comment in sql/*/comments.yaml: {', '.join(missing)}")
        statements = [f"COMMENT ON TABLE {full} IS {_quote(texts['table'])}"]
        statements += [f"COMMENT ON COLUMN {full}.{c} IS {_quote(texts['columns'].get(c) or variables[c])}" for c in columns]
        con.execute(";\n".join(statements))
