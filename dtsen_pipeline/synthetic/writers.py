"""Write canonical frames in a source's native layout, as described by the column mapping.

The same mapping the pipeline reads with is used here to write, so the synthetic extracts and
the readers can never drift apart: column names, code values (sex codes), date formats,
delimiters, encodings and file types all come from mapping.yaml.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from rustpy_xlsxwriter import FastExcel

FIXED_TIME = dt.datetime(2025, 1, 1)  # workbook metadata time: byte-identical files for a seed


def _per_unique(col: pd.Series, fn) -> pd.Categorical:
    """Apply a column transformation to its distinct values only (dates, codes and region codes
    repeat a lot: ~36 k birth dates or ~800 villages for millions of rows). The result is a
    categorical, which Arrow takes as a dictionary array without converting a string per row."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    plain = uniques.to_numpy() if isinstance(uniques, pd.DatetimeIndex) else np.asarray(uniques, dtype=object)
    mapped_codes, mapped = pd.factorize(pd.Series(np.asarray(fn(pd.Series(plain)), dtype=object)), use_na_sentinel=True)
    out = np.full(len(codes), -1, dtype=mapped_codes.dtype)
    out[codes >= 0] = mapped_codes[codes[codes >= 0]]
    return pd.Categorical.from_codes(out, categories=mapped)


def _strftime(values: pd.Series, fmt: str) -> np.ndarray:
    arr = pa.array(values.to_numpy().astype("datetime64[s]"), type=pa.timestamp("s"))
    return np.asarray(pc.strftime(arr, format=fmt).to_pylist(), dtype=object)


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
            col = _per_unique(col, lambda u: u.map(inverse))
        if pd.api.types.is_datetime64_any_dtype(col) and spec.get("date_format"):
            col = _per_unique(col, lambda u: _strftime(u, spec["date_format"]))
        if isinstance(native, dict):
            start = 0
            for part, width in zip(native["concat"], native["widths"]):
                out[part] = _per_unique(col, lambda u, a=start, b=start + width: u.str.slice(a, b))
                start += width
        else:
            out[native] = col
    return pd.DataFrame(out, index=df.index)


CHUNK_ROWS = 400_000  # rows converted and written at a time: bounds memory on large extracts


def _chunks(frames: pd.DataFrame | Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    if isinstance(frames, pd.DataFrame):
        for start in range(0, max(len(frames), 1), CHUNK_ROWS):
            yield frames.iloc[start:start + CHUNK_ROWS]
    else:
        yield from frames


def write_csv(frames: pd.DataFrame | Iterable[pd.DataFrame], spec: dict, path: Path) -> int:
    encoding = spec.get("encoding", "utf-8").lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("wb") as fh:
        if encoding == "utf-8-sig":
            fh.write(b"\xef\xbb\xbf")
        for i, chunk in enumerate(_chunks(frames)):
            table = pa.Table.from_pandas(to_native(chunk, spec), preserve_index=False)
            table = table.cast(pa.schema([pa.field(f.name, _csv_type(f.type)) for f in table.schema]))
            buf = io.BytesIO()
            pacsv.write_csv(table, buf, pacsv.WriteOptions(include_header=i == 0, delimiter=spec["delimiter"], quoting_style="needed"))
            data = buf.getvalue()
            if encoding in ("cp1252", "windows-1252", "latin-1", "latin1") and not data.isascii():
                data = data.decode("utf-8").encode(encoding)  # ASCII bytes are already valid cp1252
            fh.write(data)
            rows += len(chunk)
    return rows


def _plain_type(t: pa.DataType) -> pa.DataType:
    """The type a column is written with: categoricals (dictionary arrays) as their values, text
    as ``string``; an all-null column is text."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_large_string(t) or pa.types.is_null(t):
        return pa.string()
    return t


def _csv_type(t: pa.DataType) -> pa.DataType:
    """Booleans as text (``"true"``, quoted like text); categoricals stay dictionary arrays, which
    the CSV writer writes as their values (decoding them first would cost more than writing)."""
    if pa.types.is_boolean(t):
        return pa.string()
    return t


def write_parquet(frames: pd.DataFrame | Iterable[pd.DataFrame], spec: dict, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer, schema, rows = None, None, 0
    try:
        for chunk in _chunks(frames):
            native = to_native(chunk, spec)
            for col in native.columns:
                if pd.api.types.is_datetime64_any_dtype(native[col]):
                    native[col] = native[col].to_numpy().astype("datetime64[D]")
            table = pa.Table.from_pandas(native, preserve_index=False)
            if writer is None:  # the first chunk fixes the schema
                schema = pa.schema([pa.field(f.name, _plain_type(f.type)) for f in table.schema])
                writer = pq.ParquetWriter(path, schema, compression="zstd")
            writer.write_table(table.cast(schema))
            rows += len(chunk)
    finally:
        if writer is not None:
            writer.close()
    return rows


def write_xlsx(sheets: list[tuple[pd.DataFrame, dict]], path: Path) -> int:
    """One workbook with a sheet per (frame, spec); dates as Excel dates; NIK as text except
    where the record's ``nik_cell`` says a spreadsheet turned it into a number (15 significant
    digits kept) or into the scientific-notation text Excel shows (``3.40301E+15``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = FastExcel(str(path)).format(datetime_format="dd/mm/yyyy")
    rows = 0
    for df, spec in sheets:
        native = to_native(df, spec)
        for col in native.columns:  # the xlsx writer reads object columns, not categoricals
            if isinstance(native[col].dtype, (pd.CategoricalDtype, pd.BooleanDtype)):
                native[col] = _objects(native[col].array)
        nik_header = spec["columns"].get("nik")
        if "nik_cell" in df and nik_header in native:
            cells = df["nik_cell"].to_numpy()
            nik = native[nik_header].to_numpy(dtype=object, na_value=None).copy()
            number = cells == "number"
            nik[number] = nik[number].astype(float)
            scientific = cells == "scientific"
            nik[scientific] = [f"{float(v):.5E}" for v in nik[scientific]]
            native[nik_header] = pd.Series(nik, index=native.index, dtype=object)
        book = book.sheet(spec["sheet"], native)
        rows += len(native)
    book.save()
    _fix_created_time(path)
    return rows


def _objects(values: pd.Categorical | pd.arrays.BooleanArray) -> np.ndarray:
    """Plain Python values with None where missing."""
    if isinstance(values, pd.Categorical):
        codes = values.codes
        return np.where(codes >= 0, np.asarray(values.categories, dtype=object)[np.maximum(codes, 0)], None)
    return np.where(values.isna(), None, values.to_numpy(dtype=object, na_value=None))


def _fix_created_time(path: Path) -> None:
    """rust_xlsxwriter stamps docProps/core.xml with the current time; pin it so that the same
    seed gives byte-identical workbooks (zip entry times are already fixed by the library)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            out = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            out.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(out, data)


def write(frames: pd.DataFrame | Iterable[pd.DataFrame], spec: dict, path: Path) -> int:
    """Write a frame, or an iterable of frames (chunks of one table), in the spec's format."""
    if spec["format"] == "csv":
        return write_csv(frames, spec, path)
    if spec["format"] == "parquet":
        return write_parquet(frames, spec, path)
    frame = frames if isinstance(frames, pd.DataFrame) else pd.concat(list(frames), ignore_index=True)
    return write_xlsx([(frame, spec)], path)
