"""The PMT model's inputs: the same columns for the survey families it learns from
(rank.fitur_survei) and the DTSEN families it scores (rank.fitur_keluarga), built in DuckDB from
sql/rank/fitur_*.sql with the family variables of the catalogue (variables.yaml)."""

from __future__ import annotations

import pandas as pd

from ..resources import SQL_DIR
from ..sources.variables import catalogue, plain_projection

# not model inputs: keys, the region used to group cross-validation, what is learnt, weights
NOT_FEATURES = {"periode", "id_keluarga", "id_sumber", "kode_kecamatan", "konsumsi_per_kapita", "bobot"}
TARGET = "konsumsi_per_kapita"
WEIGHT = "bobot"
GROUP = "kode_kecamatan"  # cross-validation keeps each kecamatan's families in one fold


def _sql(name: str) -> str:
    return (SQL_DIR / "rank" / f"{name}.sql").read_text(encoding="utf-8")


def family_projection(alias: str) -> str:
    """The family variables as model inputs: categories as text, yes/no as 0/1, numbers as DOUBLE."""
    parts = []
    for name, spec in catalogue()["keluarga"].items():
        column = f"{alias}.{name}"
        if spec["tipe"] == "kategori":
            parts.append(f"{column} AS {name}")
        elif spec["tipe"] == "ya_tidak":
            parts.append(f"CAST({column} AS INTEGER) AS {name}")
        else:
            parts.append(f"CAST({column} AS DOUBLE) AS {name}")
    return ",\n        ".join(parts)


def _order_expr(variable: str, column: str) -> str:
    values = ", ".join("'" + v.replace("'", "''") + "'" for v in catalogue()["individu"][variable]["nilai"])
    return f"list_position([{values}], {column})"


def features_sql(kind: str) -> str:
    """The SELECT of rank.fitur_<kind> (kind: keluarga or survei), parameter $periode."""
    members = _sql("fitur_anggota").replace("{{urutan_ijazah}}", _order_expr("ijazah_tertinggi", "ijazah_tertinggi"))
    return (_sql(f"fitur_{kind}")
            .replace("{{variabel}}", family_projection("t"))
            .replace("{{variabel_anggota}}", plain_projection("individu", "t"))
            .replace("{{fitur_anggota}}", members))


def split_columns(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(categorical, numeric) model inputs of a features frame: text columns are categories."""
    inputs = [c for c in frame.columns if c not in NOT_FEATURES]
    categorical = [c for c in inputs if pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object]
    return categorical, [c for c in inputs if c not in categorical]
