"""Write canonical frames in a source's native layout, as described by the column mapping.

The same mapping the pipeline reads with is used here to write, so the synthetic extracts and
the readers can never drift apart: column names, code values (sex codes), date formats,
delimiters, encodings and file types all come from mapping.yaml.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

FIXED_TIME = dt.datetime(2025, 1, 1)  # workbook metadata time: byte-identical files for a seed


def to_native(df: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Rename, encode codes, format dates and split concatenated columns as the source has them."""
    unknown = set(df.columns) - set(spec["columns"]) - {"nik_cell"}
    if unknown:
        raise KeyError(f"columns {sorted(unknown)} are not in the mapping for {spec['pattern']}")
    out = {}
    for canonical, native in spec["columns"].items():
        if canonical not in df:
            continue
        col = df[canonical]
        inverse = {v: k for k, v in spec.get("codes", {}).get(canonical, {}).items()}
        if inverse:
            col = col.map(inverse)
        if pd.api.types.is_datetime64_any_dtype(col) and spec.get("date_format"):
            arr = pa.array(col.to_numpy().astype("datetime64[s]"), type=pa.timestamp("s"))
            col = pd.Series(pc.strftime(arr, format=spec["date_format"]).to_pylist(), index=col.index, dtype=object)
        if isinstance(native, dict):
            start = 0
            for part, width in zip(native["concat"], native["widths"]):
                out[part] = col.str.slice(start, start + width)
                start += width
        else:
            out[native] = col
    return pd.DataFrame(out, index=df.index)


def write_csv(df: pd.DataFrame, spec: dict, path: Path) -> int:
    native = to_native(df, spec)
    table = pa.Table.from_pandas(native, preserve_index=False)
    table = table.cast(pa.schema([pa.field(f.name, _csv_type(f.type)) for f in table.schema]))
    buf = io.BytesIO()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(delimiter=spec["delimiter"], quoting_style="needed"))
    data = buf.getvalue()
    encoding = spec.get("encoding", "utf-8").lower()
    if encoding in ("cp1252", "windows-1252", "latin-1", "latin1"):
        data = data.decode("utf-8").encode(encoding)
    elif encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(df)


def _csv_type(t: pa.DataType) -> pa.DataType:
    if pa.types.is_boolean(t):
        return pa.string()  # written as true/false
    return t


def write_parquet(df: pd.DataFrame, spec: dict, path: Path) -> int:
    native = to_native(df, spec)
    for col in native.columns:
        if pd.api.types.is_datetime64_any_dtype(native[col]):
            native[col] = native[col].to_numpy().astype("datetime64[D]")
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(native, preserve_index=False), path, compression="zstd")
    return len(df)


def write_xlsx(sheets: list[tuple[pd.DataFrame, dict]], path: Path) -> int:
    """One workbook with a sheet per (frame, spec); dates as Excel dates; NIK as text except
    where the record's ``nik_cell`` says a spreadsheet turned it into a number or its
    scientific-notation text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties({"created": FIXED_TIME, "author": "P3KE"})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    rows = 0
    for df, spec in sheets:
        ws = wb.add_worksheet(spec["sheet"])
        native = to_native(df, spec)
        headers = list(native.columns)
        ws.write_row(0, 0, headers)
        nik_col = headers.index(spec["columns"]["nik"]) if "nik" in spec["columns"] and spec["columns"]["nik"] in headers else None
        cells = df["nik_cell"].to_numpy() if "nik_cell" in df else None
        kinds = ["date" if pd.api.types.is_datetime64_any_dtype(native[h]) else "other" for h in headers]
        values = [native[h].to_numpy(dtype=object) if k == "other" else native[h].astype(object).to_numpy() for h, k in zip(headers, kinds)]
        for r in range(len(native)):
            for c, (k, colvals) in enumerate(zip(kinds, values)):
                v = colvals[r]
                if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
                    continue
                if k == "date":
                    ws.write_datetime(r + 1, c, v.to_pydatetime(), date_fmt)
                elif c == nik_col and cells is not None and cells[r] != "text":
                    ws.write_number(r + 1, c, float(v)) if cells[r] == "number" else ws.write_string(r + 1, c, f"{float(v):.5E}")
                elif isinstance(v, (bool, np.bool_)):
                    ws.write_boolean(r + 1, c, bool(v))
                elif isinstance(v, (int, float, np.integer, np.floating)):
                    ws.write_number(r + 1, c, float(v))
                else:
                    ws.write_string(r + 1, c, str(v))
        rows += len(native)
    wb.close()
    return rows


def write(df: pd.DataFrame, spec: dict, path: Path) -> int:
    if spec["format"] == "csv":
        return write_csv(df, spec, path)
    if spec["format"] == "parquet":
        return write_parquet(df, spec, path)
    return write_xlsx([(df, spec)], path)
