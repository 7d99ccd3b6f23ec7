"""The catalogue of DTSEN socio-economic variables (variables.yaml): how stage `standardise` types
each one, and what each means (the column comments of the stg_* tables)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

CATALOGUE = Path(__file__).with_name("variables.yaml")
TYPES = {"kategori": "VARCHAR", "ya_tidak": "BOOLEAN", "bilangan": "BIGINT", "desimal": "DOUBLE"}
LEVELS = ("keluarga", "individu")


@cache
def catalogue() -> dict[str, dict[str, dict]]:
    """``{level: {variable: {tipe, arti, nilai?}}}``, validated."""
    doc = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    for level in LEVELS:
        for name, spec in doc[level].items():
            if spec.get("tipe") not in TYPES:
                raise ValueError(f"{CATALOGUE}: {level}.{name}: tipe {spec.get('tipe')!r} is not one of {sorted(TYPES)}")
            if spec["tipe"] == "kategori" and not spec.get("nilai"):
                raise ValueError(f"{CATALOGUE}: {level}.{name}: a kategori needs its `nilai`")
    return {level: doc[level] for level in LEVELS}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def typed_expr(column: str, spec: dict) -> str:
    """SQL turning the source text in ``column`` into the variable's type; a value that does not
    fit (unknown category, 'abc' for a number) becomes NULL."""
    kind = spec["tipe"]
    if kind == "kategori":
        values = ", ".join(_quote(v) for v in spec["nilai"])
        return f"CASE WHEN upper(trim({column})) IN ({values}) THEN upper(trim({column})) END"
    if kind == "ya_tidak":
        return f"ya_tidak({column})"
    if kind == "bilangan":
        return f"TRY_CAST(round(angka({column})) AS BIGINT)"
    return f"angka({column})"  # sql/standardise/nilai.sql: decimal commas, thousands grouped with dots


def typed_projection(level: str, alias: str) -> str:
    """``typed(alias.var) AS var, ...`` for every variable of a level, in catalogue order."""
    return ",\n    ".join(f"{typed_expr(f'{alias}.{name}', spec)} AS {name}" for name, spec in catalogue()[level].items())


def unreadable_counts(level: str, alias: str) -> str:
    """SQL aggregates counting, per variable, values given in the source that do not fit its type
    (``<var>__tak_terbaca``)."""
    parts = []
    for name, spec in catalogue()[level].items():
        raw = f"{alias}.{name}"
        parts.append(f"count(*) FILTER (WHERE nullif(trim({raw}), '') IS NOT NULL AND ({typed_expr(raw, spec)}) IS NULL) "
                     f"AS {name}__tak_terbaca")
    return ",\n    ".join(parts)


def plain_projection(level: str, alias: str) -> str:
    """``alias.var AS var, ...`` for every variable of a level (already typed upstream)."""
    return ",\n    ".join(f"{alias}.{name} AS {name}" for name in catalogue()[level])
