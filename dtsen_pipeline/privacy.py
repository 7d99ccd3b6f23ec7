"""Masking of personal data (UU 27/2022) for Dagster logs, metadata previews and error messages.

NIK and KK keep their first 4 digits (province and regency, not personal) and last 2:
``3403014703850001`` -> ``3403**********01``. Names keep the first letter of each word:
``SITI AMINAH`` -> ``S*** A*****``. Only the analyst DuckDB file and village lists carry
identities in full.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

IDENTITY_COLUMNS = ("nik", "no_kk", "nik_dukcapil", "nik_benar", "nik_kepala", "nik_pengurus")
NAME_COLUMNS = ("nama", "nama_baku", "nama_kepala", "nama_pengurus")
_DIGITS = re.compile(r"\d{15,16}")


def mask_number(value: object) -> object:
    """A NIK or KK with all but its first 4 and last 2 characters hidden."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    text = str(value)
    if len(text) <= 6:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


def mask_name(value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    return " ".join(w[0] + "*" * (len(w) - 1) if w else w for w in str(value).split(" "))


def mask_text(text: str) -> str:
    """Hide any 15-16 digit number (a NIK or KK) inside free text such as an error message."""
    return _DIGITS.sub(lambda m: mask_number(m.group(0)), text)


# Where DuckDB quotes a data value in an error: "Could not convert string 'SITI AMINAH' to INT32",
# 'invalid date field format: "SITI"', 'duplicate key "3403014703850001"', "value '...'".
_QUOTED_VALUE = re.compile(r"""((?:string|format:|key|value) )(['"])(.*?)\2""")


def mask_error(text: str) -> str:
    """An error message safe to log: NIK/KK-like numbers masked anywhere, and the data values
    DuckDB quotes in conversion and constraint errors masked as names (initials) or numbers."""
    def value(m: re.Match) -> str:
        v = m.group(3)
        masked = mask_number(v) if sum(c.isdigit() for c in v) >= 6 else mask_name(v)
        return f"{m.group(1)}{m.group(2)}{masked}{m.group(2)}"

    return _QUOTED_VALUE.sub(value, mask_text(text))


def _mask_embedded(value: object) -> object:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and 10**14 <= abs(int(value)) < 10**16:
        return mask_number(str(value))  # a NIK or KK held as a number
    return value


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to show in Dagster: identity numbers and names masked by column name, and any
    15-16 digit number in another column too (e.g. `id_sumber`, which is the NIK for Dukcapil)."""
    out = frame.copy()
    for col in out.columns:
        if col in IDENTITY_COLUMNS or str(col).startswith("nik"):
            out[col] = out[col].map(mask_number)
        elif col in NAME_COLUMNS or str(col).startswith("nama"):
            out[col] = out[col].map(mask_name)
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]) or pd.api.types.is_integer_dtype(out[col]):
            masked = out[col].map(_mask_embedded)
            if not masked.equals(out[col]):
                out[col] = masked
    return out
