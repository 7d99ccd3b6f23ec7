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
# An identity number inside free text: a run of 12 or more digits (NIK and KK 16, a truncated NIK 14,
# PBI-JK card number 13, NIP 18), the same written in groups ("3403 0147 0385 0001",
# "34.03.01.470385.0001"), or as a spreadsheet's scientific notation ("3.40301470385E+15").
# Region codes (at most 10 digits), dates and counts stay readable.
_NUMBER = re.compile(r"(?<![\d.])(?:\d{12,}|\d{1,6}(?:[ .\-]\d{1,6}){2,6}|\d\.\d+[Ee]\+?\d{2})(?!\d)")


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


def _identity_number(m: re.Match) -> str:
    text = m.group(0)
    if "e" in text.lower():  # scientific notation: only a 12+ digit number (exponent 11 or more)
        return mask_number(text) if int(text[-2:]) >= 11 else text
    return mask_number(text) if sum(c.isdigit() for c in text) >= 12 else text


def mask_text(text: str) -> str:
    """Hide any identity number (NIK, KK, card numbers; plain, grouped or in scientific notation)
    inside free text such as an error message."""
    return _NUMBER.sub(_identity_number, text)


def mask_value(value: object) -> object:
    """One data value of unknown kind (a cell of a misplaced column, a value quoted in an error):
    masked as a number when it holds 6 or more digits, else as a name (initials)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return value
    text = str(value)
    return mask_number(text) if sum(c.isdigit() for c in text) >= 6 else mask_name(text)


# Where DuckDB quotes a data value in an error: "Could not convert string 'SITI AMINAH' to INT32",
# 'invalid date field format: "SITI"', 'duplicate key "SITI AMINAH, 3403014703850001"', "value '...'".
# A value ends at its quote followed by a space, punctuation or the end: names carry apostrophes
# (MU'MINAH).
_QUOTED_VALUE = re.compile(r"""((?:string|format:|key|value) )(['"])(.*?)\2(?=[\s,.:;)]|$)""", re.DOTALL)
# strptime's error repeats the value on its own lines, under the message: "...\nSITI AMINAH\n^"
_PARSE_ECHO = re.compile(r"(Could not parse string .*?)\n.*?\n\s*\^[^\n]*", re.DOTALL)


def mask_error(text: str) -> str:
    """An error message safe to log: identity numbers masked anywhere, and the data values DuckDB
    quotes in conversion and constraint errors masked as names (initials) or numbers, each part
    of a composite key on its own."""
    def value(m: re.Match) -> str:
        masked = ", ".join(str(mask_value(part)) for part in m.group(3).split(", "))
        return f"{m.group(1)}{m.group(2)}{masked}{m.group(2)}"

    return _QUOTED_VALUE.sub(value, _PARSE_ECHO.sub(r"\1", mask_text(text)))


def mask_embedded(value: object) -> object:
    """A value of a column not known to hold identities: an identity number inside text, or held as
    a number (an integer or a spreadsheet's float of 12+ digits), masked; anything else as it is."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and abs(int(value)) >= 10**11:
        return mask_number(str(value))  # a NIK or KK held as a number
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and abs(value) >= 1e11:
        return mask_number(str(int(value)))  # the same, read as a float by a spreadsheet
    return value


def personal_column(column: object) -> bool:
    """Whether a column holds NIKs, KKs or names by its name (masked whatever its values)."""
    name = str(column)
    return name in IDENTITY_COLUMNS or name in NAME_COLUMNS or name.startswith(("nik", "no_kk", "nama"))


def mask_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to show in Dagster: identity numbers and names masked by column name, and any
    identity number in another column too (e.g. `id_sumber`, which is the NIK for Dukcapil)."""
    out = frame.copy()
    for col in out.columns:
        if col in IDENTITY_COLUMNS or str(col).startswith(("nik", "no_kk")):
            out[col] = out[col].map(mask_number)
        elif col in NAME_COLUMNS or str(col).startswith("nama"):
            out[col] = out[col].map(mask_name)
        elif (out[col].dtype == object or pd.api.types.is_string_dtype(out[col]) or pd.api.types.is_integer_dtype(out[col])
              or pd.api.types.is_float_dtype(out[col])):
            masked = out[col].map(mask_embedded)
            if not masked.equals(out[col]):
                out[col] = masked
    return out
