"""The per-source column mapping (mapping.yaml): how each extract is laid out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import yaml

DEFAULT_MAPPING = Path(__file__).with_name("mapping.yaml")
FORMATS = ("csv", "xlsx", "parquet")
EARLIEST_DATE = "1800-01-01"  # a source date before this is a typing error (a two-digit year read as 0085)
# libyaml's parser when PyYAML was built with it (the wheels are): the same documents, ~10 times faster
# than the pure-Python one, and the mapping is read at every step of a run
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and the entry."""


def load_mapping(path: str | Path | None = None) -> dict:
    """Read and validate a mapping file; returns ``{source: {files: {name: spec}}}``."""
    path = Path(path) if path else DEFAULT_MAPPING
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read mapping: {exc}") from exc
    sources = (doc or {}).get("sources")
    if not isinstance(sources, dict) or not sources:
        raise MappingError(f"{path}: no `sources` mapping")
    for source, entry in sources.items():
        for name, spec in (entry or {}).get("files", {}).items():
            where = f"{path}: sources.{source}.files.{name}"
            for key in ("pattern", "format", "columns"):
                if key not in spec:
                    raise MappingError(f"{where}: `{key}` missing")
            if spec["format"] not in FORMATS:
                raise MappingError(f"{where}: format {spec['format']!r} is not one of {FORMATS}")
            missing = set(spec.get("required", [])) - set(spec["columns"])
            if missing:
                raise MappingError(f"{where}: required columns {sorted(missing)} have no source column")
            for canonical, native in spec["columns"].items():
                if isinstance(native, dict) and len(native.get("concat", [])) != len(native.get("widths", [])):
                    raise MappingError(f"{where}.columns.{canonical}: concat and widths must have the same length")
            if spec["format"] == "csv" and "delimiter" not in spec:
                raise MappingError(f"{where}: csv needs a `delimiter`")
            if spec.get("date_format") is not None and not _reads_dates(spec["date_format"]):
                raise MappingError(f"{where}: date_format {spec['date_format']!r} does not read a date: write it with strftime "
                                   "codes for day, month and year, e.g. '%d/%m/%Y' for 31/12/1985 or '%Y%m%d' for 19851231")
    return sources


def _reads_dates(fmt) -> bool:
    """Whether a date written with ``fmt`` reads back as that date (day, month and year all in it).
    'dd/mm/yyyy' or a typo like '%d/%m/%Q' would otherwise make every date of the file NULL, or
    fail the standardise step with DuckDB's parse error."""
    if not isinstance(fmt, str):
        return False
    fmt = fmt.replace("%-", "%")  # DuckDB's unpadded %-d, %-m: Python's %d and %m read those too
    probe = dt.date(1985, 12, 31)
    try:
        return dt.datetime.strptime(probe.strftime(fmt), fmt).date() == probe
    except ValueError:
        return False


def native_headers(spec: dict) -> list[str]:
    """Every header a file of this spec carries, in mapping order."""
    out: list[str] = []
    for native in spec["columns"].values():
        out.extend(native["concat"] if isinstance(native, dict) else [native])
    return out


def lookups(mapping: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The mapping's code and date-format rules as two small tables for the SQL of the stages:
    ``peta_kode`` (sumber, berkas, kolom, nilai_sumber, nilai_baku) and ``peta_tanggal``
    (sumber, berkas, kolom, format). Workbooks and parquet are read with ISO dates already."""
    codes, dates = [], []
    for source, entry in mapping.items():
        for name, spec in entry["files"].items():
            for column, table in (spec.get("codes") or {}).items():
                codes += [(source, name, column, str(k), str(v)) for k, v in table.items()]
            fmt = spec.get("date_format") if spec["format"] == "csv" else "%Y-%m-%d"
            for column in spec["columns"]:
                if column.startswith("tgl_") and fmt:
                    dates.append((source, name, column, fmt))
    return (pd.DataFrame(codes, columns=["sumber", "berkas", "kolom", "nilai_sumber", "nilai_baku"]),
            pd.DataFrame(dates, columns=["sumber", "berkas", "kolom", "format"]))


def _quote(text) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def date_macro_sql(peta_tanggal) -> str:
    """``tanggal_sumber(sumber, kolom, teks)``: a DuckDB macro parsing a source's date text with
    the format its mapping gives (DuckDB needs constant formats, so the rules become one CASE);
    ISO dates otherwise. Returns NULL for text that is not a date, and for a year before 1800:
    DuckDB's %Y also reads two digits, so 15/07/85 under '%d/%m/%Y' would be the year 85."""
    cases = "".join(
        f"\n        WHEN sumber = {_quote(r.sumber)} AND kolom = {_quote(r.kolom)} THEN try_strptime(teks, {_quote(r.format)})"
        for r in peta_tanggal.drop_duplicates(["sumber", "kolom", "format"]).itertuples())
    return ("CREATE OR REPLACE MACRO _tanggal_sumber(sumber, kolom, teks) AS CAST(coalesce(CASE"
            + cases + "\n        END, try_strptime(teks, '%Y-%m-%d')) AS DATE);\n"
            "CREATE OR REPLACE MACRO tanggal_sumber(sumber, kolom, teks) AS\n"
            f"    CASE WHEN _tanggal_sumber(sumber, kolom, teks) >= DATE '{EARLIEST_DATE}' THEN _tanggal_sumber(sumber, kolom, teks) END;")


def code_macro_sql(peta_kode) -> str:
    """``kode_sumber(sumber, kolom, teks)``: a DuckDB macro giving the canonical value the
    mapping's `codes` assign to a source value (e.g. DTKS's LAKI-LAKI -> L), matched ignoring case
    and surrounding spaces (one regency's workbook writes Laki-laki, another LAKI-LAKI); NULL when
    the mapping has no rule for it."""
    rules = peta_kode.assign(kunci=peta_kode["nilai_sumber"].str.strip().str.upper())
    cases = "".join(
        f"\n        WHEN sumber = {_quote(r.sumber)} AND kolom = {_quote(r.kolom)} AND upper(trim(teks)) = {_quote(r.kunci)}"
        f" THEN {_quote(r.nilai_baku)}"
        for r in rules.drop_duplicates(["sumber", "kolom", "kunci"]).itertuples())
    return ("CREATE OR REPLACE MACRO kode_sumber(sumber, kolom, teks) AS CASE"
            + cases + "\n        ELSE CAST(NULL AS VARCHAR) END;")
