"""Discover and describe a quarter's raw files: which files each source has, their size, rows,
checksum and headers, and which required columns are missing. Reads headers and counts only;
the ingest stage reads the contents."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq

from ..privacy import mask_error
from .mapping import native_headers

COLUMNS = ["periode", "sumber", "berkas", "path", "format", "baris", "ukuran_byte", "sha256",
           "kolom_wajib_hilang", "kolom_tak_dikenal", "galat"]


def _sha256_and_lines(path: Path) -> tuple[str, int, bytes]:
    digest, lines, head, last = hashlib.sha256(), 0, b"", b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            if not head:
                head = chunk[:65536]
            last = chunk[-1:]
    if last and last != b"\n":
        lines += 1  # a last line without a newline
    return digest.hexdigest(), lines, head


def _decode(head: bytes, preferred: str) -> str:
    for encoding in (preferred, "utf-8-sig", "cp1252"):
        try:
            text = head.decode(encoding)
            return text[1:] if text.startswith("\ufeff") else text
        except (UnicodeDecodeError, LookupError):
            continue
    return head.decode("latin-1")


def csv_headers(head: bytes, spec: dict) -> list[str]:
    text = _decode(head, spec.get("encoding", "utf-8"))
    first = text.splitlines()[0] if text else ""
    delimiter = spec.get("delimiter") or ","
    if delimiter not in first:
        try:
            delimiter = csv.Sniffer().sniff(first, delimiters=",;|\t").delimiter
        except csv.Error:
            pass
    return [h.strip() for h in next(csv.reader(io.StringIO(first), delimiter=delimiter), [])]


def describe_file(path: Path, spec: dict) -> dict:
    """Size, checksum, data rows and headers of one raw file; ``galat`` says why it is unreadable."""
    out = {"format": spec["format"], "ukuran_byte": path.stat().st_size, "baris": None, "galat": None}
    try:
        if spec["format"] == "csv":
            out["sha256"], lines, head = _sha256_and_lines(path)
            headers = csv_headers(head, spec)
            out["baris"] = max(lines - 1, 0)
        else:
            out["sha256"] = _sha256_and_lines(path)[0]
            if spec["format"] == "parquet":
                meta = pq.ParquetFile(path)
                headers, out["baris"] = meta.schema_arrow.names, meta.metadata.num_rows
            else:
                book = openpyxl.load_workbook(path, read_only=True)
                try:
                    if spec["sheet"] not in book.sheetnames:
                        raise ValueError(f"sheet {spec['sheet']!r} not found (sheets: {', '.join(book.sheetnames)})")
                    ws = book[spec["sheet"]]
                    headers = [str(c).strip() for c in next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ()) if c is not None]
                    out["baris"] = max((ws.max_row or 1) - 1, 0)
                finally:
                    book.close()
    except Exception as exc:  # an unreadable file is described, not raised: the check reports it
        out.setdefault("sha256", None)
        out["galat"] = mask_error(f"{type(exc).__name__}: {exc}")  # shown in metadata and check results
        headers = []
    wanted = native_headers(spec)
    required = []
    for canonical in spec.get("required", []):
        native = spec["columns"][canonical]
        required.extend(native["concat"] if isinstance(native, dict) else [native])
    norm = {h.strip().lower() for h in headers}
    out["kolom_wajib_hilang"] = ", ".join(h for h in required if h.lower() not in norm) if not out["galat"] else None
    out["kolom_tak_dikenal"] = ", ".join(h for h in headers if h.strip().lower() not in {w.lower() for w in wanted})
    return out


def describe_source(quarter_dir: Path, periode: str, source: str, entry: dict) -> pd.DataFrame:
    """One row per (file spec, matching file); a spec with no file gets a row with galat set."""
    rows = []
    for name, spec in entry["files"].items():
        matches = sorted(quarter_dir.glob(spec["pattern"]))
        if not matches:
            rows.append({"berkas": name, "path": spec["pattern"], "format": spec["format"],
                         "galat": f"no file matches {spec['pattern']!r} in {quarter_dir}"})
        for path in matches:
            rows.append({"berkas": name, "path": str(path.relative_to(quarter_dir)), **describe_file(path, spec)})
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
    frame["periode"], frame["sumber"] = periode, source
    return frame.astype({"baris": "Int64", "ukuran_byte": "Int64"})
