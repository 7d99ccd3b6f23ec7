"""Read one raw extract (CSV, XLSX or Parquet) into a table of raw text, as its mapping entry says.

``read_extract(path, spec)`` returns every data row with its row number as a person would see it
(``_baris``: the line in a text editor, the row in Excel; the header is 1) and every canonical
column of the spec present in the file, all as text: whitespace stripped, empty -> null, numbers
never re-formatted (a NIK ``0012...`` or a 16-digit number stays exactly as written). Parsing
values (dates, codes, NIK checks) is the next stage's job. Rows that cannot be read at all (a CSV
line with the wrong number of fields) are returned apart in ``rejected``; a file that cannot be
used at all raises ``ExtractError``. No message or note ever holds a cell value (personal data):
only the file, row numbers, column names and counts.

Headers match the mapping loosely (case, surrounding and repeated spaces, ``_`` vs space).
CSV encodings UTF-8, UTF-8 with BOM and cp1252 are detected, and the delimiters ``,`` ``;`` ``|``
and tab are sniffed when the mapping's delimiter is not in the header line.

``sql_extract(path, spec)`` is the fast path for Parquet: a SELECT through which DuckDB reads the
file itself (in parallel, straight into its table, no Arrow copy in Python), giving the same rows
as ``read_extract``. CSV stays with pyarrow: DuckDB's read_csv cannot give each row its line
without ``row_number() OVER ()``, which makes the whole read-and-insert single-threaded (measured
slower, BENCHMARKS.md issue 3); pyarrow parses with threads and re-reads single-threaded only
a file with a bad record, to name its line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..privacy import mask_value
from .mapping import DEFAULT_MAPPING

MAPPING_FILE = DEFAULT_MAPPING.relative_to(DEFAULT_MAPPING.parents[2]).as_posix()
DELIMITERS = (",", ";", "|", "\t")
SCAN_CHUNK = 1 << 22  # bytes decoded at a time when checking a CSV's encoding
CSV_BLOCK = 1 << 24  # pyarrow.csv block: a record must fit in one block
REJECTED_SCHEMA = pa.schema([("_baris", pa.int64()), ("kolom", pa.string()),
                             ("alasan_kode", pa.string()), ("alasan", pa.string())])


class ExtractError(Exception):
    """A file that cannot be ingested at all. The message names the file, the column (if any) and says what to do."""


@dataclass
class ReadResult:
    """One extract as raw text; ``rows_read == table.num_rows + rejected.num_rows``, and the file's
    lines or sheet rows below the header (as the inventory counts them) == ``rows_read + kosong``."""

    table: pa.Table
    rejected: pa.Table
    rows_read: int
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    kosong: int = 0  # lines or rows holding no record: blank, the further lines of a record over several, empty rows at a sheet's end


@dataclass(frozen=True)
class _Context:
    """What a message needs to say which file and which mapping entry are concerned."""

    name: str
    spec: dict
    entry: str | None
    mapping_file: str

    def entry_label(self) -> str:
        return self.entry or f"the entry with pattern {self.spec['pattern']!r}"

    def column_keys(self, canonicals: list[str]) -> str:
        if self.entry:
            return ", ".join(f"{self.entry}.columns.{c}" for c in canonicals)
        return f"columns {', '.join(canonicals)} of {self.entry_label()}"

    def error(self, message: str) -> ExtractError:
        return ExtractError(f"{self.name}: {message}")


@dataclass(frozen=True)
class _Column:
    """A canonical column and the file columns (by position) it is built from."""

    name: str
    positions: tuple[int, ...]
    widths: tuple[int, ...] | None  # zero-padding widths of a concat column


def read_extract(path: str | Path, spec: dict, *, entry: str | None = None,
                 mapping_file: str | Path | None = None) -> ReadResult:
    """Read one extract described by ``spec`` (an entry of mapping.yaml) as raw text.

    ``entry`` (e.g. ``"sources.dukcapil.files.individu"``) and ``mapping_file`` only make error
    messages point at the mapping line to fix; without them the entry is named by its pattern.
    """
    path = Path(path)
    ctx = _Context(_display_name(path), spec, entry, str(mapping_file or MAPPING_FILE))
    if not path.is_file():
        raise ctx.error("file not found.")
    if path.stat().st_size == 0:
        raise ctx.error("file is empty (0 bytes). Export the extract again.")
    readers = {"csv": _read_csv, "xlsx": _read_xlsx, "parquet": _read_parquet}
    return readers[spec["format"]](path, ctx)


def _display_name(path: Path) -> str:
    """The path inside the quarter folder (``raw/<YYYY-MM-DD>/``) if there is one, else the file name."""
    parts = path.parts
    for i in range(len(parts) - 2, 0, -1):
        if parts[i - 1] == "raw" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", parts[i]):
            return "/".join(parts[i + 1:])
    return path.name


# ---------------------------------------------------------------- headers -> canonical columns

def header_key(header: object) -> str:
    """Header key for matching: case, surrounding and repeated spaces (a line break in a wrapped
    cell too) and ``_`` do not count."""
    return " ".join(("" if header is None else str(header)).replace("_", " ").split()).casefold()



def _plan(headers: list[str], ctx: _Context) -> tuple[list[_Column], list[str]]:
    """Match the file's headers to the spec's columns; raise when the file cannot be used."""
    by_key: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        if header_key(header):
            by_key.setdefault(header_key(header), []).append(i)
    _check_duplicates(headers, by_key, ctx)
    columns, missing, notes = [], [], []
    for canonical, native in ctx.spec["columns"].items():
        parts = native["concat"] if isinstance(native, dict) else [native]
        positions = [by_key.get(header_key(part), [None])[0] for part in parts]
        if None in positions:
            role = f"part of {canonical}" if isinstance(native, dict) else canonical
            missing.extend((part, role, canonical) for part, pos in zip(parts, positions) if pos is None)
            continue
        columns.append(_Column(canonical, tuple(positions), tuple(native["widths"]) if isinstance(native, dict) else None))
        notes.extend(f"header matched loosely: {str(headers[p]).strip()!r} -> {part!r}"
                     for part, p in zip(parts, positions) if str(headers[p]).strip() != part)
    if not columns:
        raise ctx.error(
            f"none of its {len(headers)} column(s) is in the mapping ({ctx.mapping_file}, {ctx.entry_label()}); "
            f"expected headers such as {', '.join(_expected_headers(ctx.spec)[:5])}. Is the first row the header, "
            f"and does this file belong to {_source_label(ctx)}?")
    required = set(ctx.spec.get("required", []))
    if any(canonical in required for _, _, canonical in missing):
        raise ctx.error(_missing_message([m for m in missing if m[2] in required], headers, ctx))
    return columns, notes + _ignored_notes(headers, missing, ctx)


def _check_duplicates(headers: list[str], by_key: dict[str, list[int]], ctx: _Context) -> None:
    """Two file columns matching the same mapped header make the file ambiguous."""
    wanted = {header_key(h) for h in _expected_headers(ctx.spec)}
    clashes = [" / ".join(repr(str(headers[i]).strip()) for i in idx)
               for key, idx in by_key.items() if len(idx) > 1 and key in wanted]
    if clashes:
        raise ctx.error(f"duplicate column headers (after ignoring case, spaces and '_'): {'; '.join(clashes)}. "
                        "Rename or remove one of each so every mapped column appears once.")


# a header cell that is a value: a number of 6+ digits (a NIK, KK or date, grouped or not) or a
# spreadsheet's 3.40301E+15
_DATA_CELL = re.compile(r".*\d(?:[ .\-/]?\d){5}.*|\d\.\d+[Ee]\+?\d+", re.DOTALL)


def _header_texts(headers: list[str], ctx: _Context) -> list[str]:
    """The file's headers as messages and notes may show them. When a cell of the header row holds
    a value (a NIK, a date: the first record fused to the header line, a note typed into row 1),
    the row is data, and every header the mapping does not name is masked as a value would be."""
    texts = [str(h).strip() for h in headers]
    if not any(_DATA_CELL.fullmatch(t) for t in texts):
        return texts
    wanted = {header_key(h) for h in _expected_headers(ctx.spec)}
    return [t if header_key(t) in wanted else str(mask_value(t)) for t in texts]


def _missing_message(missing: list[tuple[str, str, str]], headers: list[str], ctx: _Context) -> str:
    listed = ", ".join(f"{part} ({role})" for part, role, _ in missing)
    column, verb = ("column", "is") if len(missing) == 1 else ("columns", "are")
    canonicals = list(dict.fromkeys(canonical for _, _, canonical in missing))
    return (f"required {column} {listed} {verb} missing. Found columns: {', '.join(_header_texts(headers, ctx))}. "
            f"Fix the header or the mapping ({ctx.mapping_file}, {ctx.column_keys(canonicals)}).")


def _ignored_notes(headers: list[str], missing: list[tuple[str, str, str]], ctx: _Context) -> list[str]:
    """Notes on optional mapped columns the file lacks and on file columns nobody asked for."""
    wanted = {header_key(h) for h in _expected_headers(ctx.spec)}
    ignored = [t for h, t in zip(headers, _header_texts(headers, ctx)) if header_key(h) and header_key(h) not in wanted]
    blank = sum(1 for h in headers if not header_key(h))
    notes = []
    if missing:
        notes.append("optional columns not in the file: " + ", ".join(f"{part} ({role})" for part, role, _ in missing))
    if ignored:
        notes.append(f"{len(ignored)} column(s) not in the mapping ignored: {', '.join(ignored)}")
    if blank:
        notes.append(f"{blank} column(s) with an empty header ignored")
    return notes


def _expected_headers(spec: dict) -> list[str]:
    return [h for c in spec["columns"].values() for h in (c["concat"] if isinstance(c, dict) else [c])]


def _source_label(ctx: _Context) -> str:
    if ctx.entry and ctx.entry.startswith("sources."):
        return f"source {ctx.entry.split('.')[1]!r}"
    return f"the files matching {ctx.spec['pattern']!r}"


# ---------------------------------------------------------------- the result table

def _clean(values: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """Text with surrounding whitespace removed and empty text as null."""
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _canonical(column: _Column, arrays: dict[int, pa.ChunkedArray]) -> pa.ChunkedArray:
    if column.widths is None:
        return arrays[column.positions[0]]
    parts = [pc.utf8_lpad(arrays[p], width=w, padding="0") for p, w in zip(column.positions, column.widths)]
    return pc.binary_join_element_wise(*parts, "")  # null when any part is null


def _result(columns: list[_Column], arrays: dict[int, pa.ChunkedArray], baris: np.ndarray,
            rejected: pa.Table, notes: list[str], encoding: str | None = None,
            delimiter: str | None = None, kosong: int = 0) -> ReadResult:
    # columns cleaned two at a time (pyarrow compute is single-threaded per call and releases the GIL:
    # Dukcapil's 16 columns of 5.6 M rows 1.7 -> 0.9 s); each raw column is freed once cleaned
    positions = list(arrays)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dtsen-bersih") as pool:
        cleaned = dict(zip(positions, pool.map(lambda pos: _clean(arrays.pop(pos)), positions)))
    cleaned, baris, empty = _without_empty_records(cleaned, baris)
    if len(empty):
        notes.append(f"{len(empty)} record(s) with no value in any column the mapping reads skipped (e.g. ';;;;' rows "
                     f"a spreadsheet exports; line(s) {', '.join(str(n) for n in empty[:5])}{', ...' if len(empty) > 5 else ''})")
        kosong += len(empty)
    data = {"_baris": pa.array(baris, pa.int64())}
    data.update({c.name: _canonical(c, cleaned) for c in columns})
    table = pa.table(data)
    return ReadResult(table, rejected, table.num_rows + rejected.num_rows, encoding, delimiter, notes, kosong)


def _without_empty_records(cleaned: dict[int, pa.ChunkedArray], baris: np.ndarray
                           ) -> tuple[dict[int, pa.ChunkedArray], np.ndarray, np.ndarray]:
    """Drop the records whose every read column is empty (a CSV line of delimiters only, as a
    spreadsheet exports rows it has formatted: no person, no family, but a row in every table),
    giving their line numbers; a sheet's such rows are skipped before (`_sheet_result`)."""
    filled = _any_value(cleaned.values())
    if filled is None or pc.all(filled).as_py() is not False:
        return cleaned, baris, baris[:0]
    keep = filled.to_numpy(zero_copy_only=False)
    return {p: pc.filter(c, filled) for p, c in cleaned.items()}, baris[keep], baris[~keep]


def _any_value(columns) -> pa.Array | pa.ChunkedArray | None:
    """Per row, whether any of ``columns`` holds a value (None for no columns)."""
    filled = None
    for column in columns:
        present = pc.is_valid(column)
        filled = present if filled is None else pc.or_(filled, present)
    return filled


def _no_rejects() -> pa.Table:
    return pa.Table.from_batches([], schema=REJECTED_SCHEMA)


# ---------------------------------------------------------------- CSV

@dataclass(frozen=True)
class _BadRecord:
    number: int  # record number as pyarrow counts it: header 1, blank lines not counted
    expected: int
    actual: int


def _csv_header(path: Path, ctx: _Context) -> tuple[str, tuple[int, int], str, list[str], list[str]]:
    """(encoding, (lines, empty lines at the end), delimiter, headers, notes) of a CSV; raises
    what makes the file unusable before its rows (encoding, an empty line 1)."""
    encoding, lines, notes = _detect_encoding(path, ctx)
    header_line = _first_line(path, encoding)
    if not header_line.strip():
        raise ctx.error("line 1 is empty; the first line must be the header row.")
    delimiter, note = _pick_delimiter(header_line, ctx.spec.get("delimiter", ","))
    return encoding, lines, delimiter, next(csv.reader([header_line], delimiter=delimiter)), notes + ([note] if note else [])


def _read_csv(path: Path, ctx: _Context) -> ReadResult:
    encoding, (lines, trailing), delimiter, headers, notes = _csv_header(path, ctx)
    columns, plan_notes = _plan(headers, ctx)
    positions = sorted({p for c in columns for p in c.positions})
    if lines <= 1:  # the header alone
        arrays, bad = {p: pa.chunked_array([], pa.string()) for p in positions}, []
    else:
        try:
            arrays, bad = _parse_csv(path, encoding, delimiter, len(headers), positions, ctx)
        except _UnclosedQuote:  # a record over 16 MB: a quote that swallows the rest of the file
            return _read_csv_by_line(path, encoding, delimiter, len(headers), columns, positions, notes + plan_notes)
    rows_read = len(arrays[positions[0]]) + len(bad)
    try:
        spans = None if lines - 1 == rows_read else _record_lines(path, encoding, delimiter, len(headers), rows_read, notes)
    except _UnclosedQuote:  # a record swallowed whole lines: parse again line by line, rejecting the quote's line
        arrays.clear()  # free the columns before the slower parse
        return _read_csv_by_line(path, encoding, delimiter, len(headers), columns, positions, notes + plan_notes)
    if spans is None:
        kosong = trailing if lines - 1 == rows_read else 0  # 0: records not matched to lines (noted; the check says so)
        if trailing:
            notes.append(f"{trailing} blank line(s) at the end skipped")
    else:  # the walk saw every line, the blank ones at the end too
        kosong = spans.blank + int((spans.last - spans.first)[1:].sum())
    return _result(columns, arrays, _kept_lines(spans, bad, rows_read), _csv_rejects(bad, spans),
                   notes + plan_notes, encoding, delimiter, kosong)


def _detect_encoding(path: Path, ctx: _Context) -> tuple[str, tuple[int, int], list[str]]:
    """BOM -> utf-8-sig; else UTF-8 if the whole file decodes, else cp1252. Also returns the
    file's line count (trailing empty lines not counted) and the number of those empty lines."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ctx.error("is UTF-16 text (Excel 'Unicode text'); save it as CSV UTF-8 and deliver it again.")
    if head.startswith(codecs.BOM_UTF8):
        bad_line, lines = _scan_text(path, "utf-8-sig")
        if bad_line:
            raise ctx.error(f"starts with a UTF-8 byte-order mark but line {bad_line} is not valid UTF-8; "
                            "save the file again as CSV UTF-8.")
        return "utf-8-sig", lines, []
    utf8_bad, lines = _scan_text(path, "utf-8")
    if not utf8_bad:
        return "utf-8", lines, []
    try:
        cp1252_bad, lines = _scan_text(path, "cp1252", mixed=True)
    except _MixedEncoding as mixed:
        raise ctx.error(f"mixes text encodings: it is UTF-8 (line {mixed.line} holds UTF-8 accented text) except line "
                        f"{utf8_bad}, which is not valid UTF-8 (typed or pasted in another encoding). Fix that line, or "
                        "save the whole file again as CSV UTF-8, and deliver it again.") from None
    if cp1252_bad:
        raise ctx.error(f"unreadable text encoding: not UTF-8 (first invalid byte on line {utf8_bad}) and not "
                        f"cp1252 (line {cp1252_bad}). Save the file as CSV UTF-8 and deliver it again.")
    return "cp1252", lines, [f"encoding cp1252 (not utf-8: first non-UTF-8 byte on line {utf8_bad})"]


def line_breaks(data: bytes) -> int:
    """Line breaks as pyarrow and Python's csv module count them: ``\\n``, ``\\r\\n`` and a lone ``\\r``
    (old Mac line ends: Excel's "CSV (Macintosh)" writes them, and a stray one splits a line)."""
    lf = data.count(b"\n")
    cr = data.count(b"\r")
    return lf + cr - data.count(b"\r\n") if cr else lf


class LineCounter:
    """Counts line breaks over consecutive chunks (a ``\\r\\n`` split between two chunks is one)."""

    def __init__(self) -> None:
        self.breaks, self.tail, self._cr = 0, b"", False

    def add(self, chunk: bytes) -> None:
        self.breaks += line_breaks(chunk) - (self._cr and chunk[:1] == b"\n")
        self._cr = chunk[-1:] == b"\r"
        self.tail = (self.tail + chunk[-4096:])[-4096:]

    def result(self) -> tuple[int, int]:
        if not self.tail:
            return 0, 0
        body = self.tail.rstrip(b"\r\n")
        ending = line_breaks(self.tail[len(body):])  # the last line's own break, then one per empty line
        return self.breaks - ending + 1, max(ending - 1, 0)


def _scan_text(path: Path, encoding: str, mixed: bool = False) -> tuple[int | None, tuple[int, int]]:
    """Decode the whole file in chunks: (line of the first undecodable byte or None, (line count
    without the empty lines at the end, those empty lines)). With ``mixed`` (a file read as cp1252
    because it is not UTF-8), raises `_MixedEncoding` when its non-ASCII bytes are mostly UTF-8
    sequences, with no more stray bytes than sequences: a UTF-8 file with a few bytes of another
    encoding, whose every accent cp1252 would turn into mojibake ('Ã©' for 'é'). A cp1252 accent
    ('é' = 0xE9 before a letter) is no UTF-8 sequence."""
    decoder = codecs.getincrementaldecoder(encoding)()
    counter = LineCounter()
    non_ascii, sequences, in_sequences, first_sequence = 0, 0, 0, None
    with path.open("rb") as fh:
        while chunk := fh.read(SCAN_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return counter.breaks + line_breaks(chunk[:max(exc.start, 0)]) + 1, (0, 0)
            if mixed and not chunk.isascii():
                data = np.frombuffer(chunk, dtype=np.uint8)
                starts = np.flatnonzero((data[:-1] >= 0xC2) & (data[:-1] <= 0xF4) & (data[1:] >= 0x80) & (data[1:] <= 0xBF))
                leads = data[starts]
                non_ascii += int(np.count_nonzero(data >= 0x80))
                sequences += len(starts)
                in_sequences += 2 * len(starts) + int(np.count_nonzero(leads >= 0xE0)) + int(np.count_nonzero(leads >= 0xF0))
                if len(starts) and first_sequence is None:
                    first_sequence = counter.breaks + line_breaks(chunk[:int(starts[0])]) + 1
            counter.add(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:  # a multi-byte sequence cut off at the end of the file
        return counter.breaks + 1, (0, 0)
    if sequences and non_ascii - in_sequences <= sequences:  # no more stray bytes than UTF-8 characters
        raise _MixedEncoding(first_sequence)
    return None, counter.result()


class _MixedEncoding(Exception):
    """A file that is not UTF-8 throughout but mostly holds UTF-8 text (first on the line given)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _first_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, newline="") as fh:
        return fh.readline().rstrip("\r\n")


def _pick_delimiter(header_line: str, preferred: str) -> tuple[str, str | None]:
    """The mapping's delimiter if the header line has it, else the one that splits it most."""
    if preferred in header_line:
        return preferred, None
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    best = max(DELIMITERS, key=counts.__getitem__)
    if counts[best] == 1:
        return preferred, None  # a single column: nothing to split
    return best, f"delimiter {best!r} sniffed (the mapping says {preferred!r})"


def _parse_csv(path: Path, encoding: str, delimiter: str, width: int, positions: list[int],
               ctx: _Context, threads: bool = True) -> tuple[dict[int, pa.ChunkedArray], list[_BadRecord]]:
    """All wanted columns as text; records with a wrong field count are set aside (by number).
    Parsed with threads first; a file with a bad record again without, which numbers it."""
    bad: list[_BadRecord] = []

    def on_invalid(row) -> str:  # row.text is personal data: keep only the counts
        bad.append(_BadRecord(row.number, row.expected_columns, row.actual_columns))
        return "skip"

    names = [f"c{i}" for i in range(width)]
    used = [names[p] for p in positions]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=threads, block_size=CSV_BLOCK,
                                           encoding="cp1252" if encoding == "cp1252" else "utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(used, pa.string()), include_columns=used))
    except pa.ArrowInvalid as exc:  # the message may quote file content: do not pass it on
        if "straddl" in str(exc):  # a record larger than 16 MB: an unclosed quote swallowing the rest of the file
            raise _UnclosedQuote() from None
        raise ctx.error(f"cannot be parsed as CSV (delimiter {delimiter!r}, {encoding}): the CSV structure is broken. "
                        "Look for a field that opens a quote but never closes it, or export the file again.") from None
    if bad and threads:
        del table
        return _parse_csv(path, encoding, delimiter, width, positions, ctx, threads=False)
    return {p: table.column(names[p]) for p in positions}, bad


@dataclass(frozen=True)
class _Spans:
    """First and last line of every record (index 0 = the header), and the blank lines."""

    first: np.ndarray
    last: np.ndarray
    blank: int = 0


def _record_lines(path: Path, encoding: str, delimiter: str, width: int, rows_read: int, notes: list[str]) -> _Spans | None:
    """Lines of each record when records and lines differ (blank lines, line breaks inside quotes),
    walking the file with Python's csv module, which splits records as pyarrow does. The usual file
    (record n on line n) never comes here. Raises `_UnclosedQuote` when a record swallowed whole
    records (`_swallowed`)."""
    first, last, blank = [], [], 0
    _unlimited_fields()
    with path.open(encoding=encoding, newline="") as fh:
        lines = _LineSource(fh)
        for record in csv.reader(lines, delimiter=delimiter):
            spanned, lines.record = lines.record, []
            if not record:
                blank += 1
                continue
            if len(spanned) > 1 and _swallowed([text for _, text in spanned[1:]], delimiter, width):
                raise _UnclosedQuote()
            first.append(spanned[0][0])
            last.append(spanned[-1][0])
    if len(first) != rows_read + 1:
        notes.append("records could not be matched to lines: _baris counts records (header = 1), not lines")
        return None
    multi = [a for a, b in zip(first, last) if b > a]
    if multi:
        shown = ", ".join(map(str, multi[:5])) + (" ..." if len(multi) > 5 else "")
        notes.append(f"{len(multi)} record(s) run over several lines (a line break inside quotes); "
                     f"they start on line(s) {shown}")
    if blank:
        notes.append(f"{blank} blank line(s) skipped")
    return _Spans(np.asarray(first, dtype=np.int64), np.asarray(last, dtype=np.int64), blank)


class _UnclosedQuote(Exception):
    """A quote opened in a field and closed many lines later (or never): whole records inside one field."""


class _LineSource:
    """The lines of a text file (opened with ``newline=""``) for ``csv.reader``, keeping the
    (line number, line) pairs of the record being read in ``record`` (the caller empties it after
    each record) and reading ``pending`` pairs (pushed back, last first) before the file's next line."""

    def __init__(self, fh) -> None:
        self._lines, self.record, self.pending = enumerate(fh, start=1), [], []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        numbered = self.pending.pop() if self.pending else next(self._lines)
        self.record.append(numbered)
        return numbered[1]


def _swallowed(continuation: list[str], delimiter: str, width: int) -> bool:
    """Whether the further lines of a record over several lines hold whole records: a line with
    balanced quotes and exactly the header's number of fields. A field legitimately holding a line
    break (an address over two lines) ends with its closing quote, so its last line's quotes are
    unbalanced, and its other lines are parts of one field."""
    if width < 2:
        return False
    return any(text.count('"') % 2 == 0 and len(next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter), [])) == width
               for text in continuation)


def _read_csv_by_line(path: Path, encoding: str, delimiter: str, width: int, columns: list[_Column],
                      positions: list[int], notes: list[str]) -> ReadResult:
    """A CSV with an unclosed quote, parsed record by record in Python (slower than pyarrow, for this
    broken file only): the line where the quote opens is rejected (`kutip_tak_tertutup`) and the
    lines it swallowed are read again as records of their own, so one bad line costs one row."""
    values: dict[int, list[str | None]] = {p: [] for p in positions}
    baris, rejects, kosong, blank, unclosed = [], [], 0, 0, []
    _unlimited_fields()
    with path.open(encoding=encoding, newline="") as fh:
        lines = _LineSource(fh)
        reader = csv.reader(lines, delimiter=delimiter)
        next(reader)  # the header
        lines.record.clear()
        for record in reader:
            spanned, lines.record = lines.record, []
            start, end = spanned[0][0], spanned[-1][0]
            if not record:
                blank += 1
                continue
            if len(spanned) > 1 and _swallowed([t for _, t in spanned[1:]], delimiter, width):
                unclosed.append(start)
                rejects.append({"_baris": start, "kolom": None, "alasan_kode": "kutip_tak_tertutup",
                                "alasan": f"a quote (\") opened on this line runs on to line {end} and swallows whole "
                                          f"records: the line is rejected and lines {start + 1}-{end} are read on their own"})
                lines.pending.extend(reversed(spanned[1:]))  # read again, in order
                continue
            if len(record) != width:
                rejects.append(_wrong_width(start, end, len(record), width))
            else:
                baris.append(start)
                for p in positions:
                    values[p].append(record[p])
            kosong += end - start
    shown = ", ".join(map(str, unclosed[:5])) + (" ..." if len(unclosed) > 5 else "")
    notes.append(f"{len(unclosed)} line(s) open a quote they never close (line(s) {shown}): rejected, and the lines "
                 "after each read on their own (parsed line by line, not by pyarrow)")
    if blank:
        notes.append(f"{blank} blank line(s) skipped")
    arrays = {p: pa.chunked_array([pa.array(v, pa.string())]) for p, v in values.items()}
    rejected = pa.Table.from_pylist(sorted(rejects, key=lambda r: r["_baris"]), schema=REJECTED_SCHEMA)
    return _result(columns, arrays, np.asarray(baris, dtype=np.int64), rejected, notes, encoding, delimiter, kosong + blank)


def _unlimited_fields() -> None:
    """Python's csv refuses a field over 128 KiB (an unclosed quote makes one as long as the file)."""
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 40))


def _kept_lines(spans: _Spans | None, bad: list[_BadRecord], rows_read: int) -> np.ndarray:
    """The line of every record that was kept (pyarrow numbers records from 1 = the header)."""
    records = np.arange(2, rows_read + 2, dtype=np.int64)
    if bad:
        records = records[~np.isin(records, [b.number for b in bad])]
    return records if spans is None else spans.first[records - 1]


def _csv_rejects(bad: list[_BadRecord], spans: _Spans | None) -> pa.Table:
    if not bad:
        return _no_rejects()
    rows = [_reject_row(b, spans) for b in bad]
    return pa.Table.from_pydict({name: [row[name] for row in rows] for name in REJECTED_SCHEMA.names},
                                schema=REJECTED_SCHEMA)


def _reject_row(bad: _BadRecord, spans: _Spans | None) -> dict:
    first = bad.number if spans is None else int(spans.first[bad.number - 1])
    last = first if spans is None else int(spans.last[bad.number - 1])
    return _wrong_width(first, last, bad.actual, bad.expected)


def _wrong_width(first: int, last: int, actual: int, expected: int) -> dict:
    """The `ditolak` row of a record (lines ``first``-``last``) with the wrong number of fields."""
    reason = f"line has {actual} field(s), expected {expected}"
    if last > first:
        reason += f"; the record runs over lines {first}-{last} (an unclosed quote?)"
    return {"_baris": first, "kolom": None, "alasan_kode": "baris_rusak", "alasan": reason}


# ---------------------------------------------------------------- DuckDB reads the file itself

# what pyarrow's utf8_trim_whitespace removes (Unicode White_Space and the ASCII separators 0x1c-0x1f)
_WHITESPACE = "".join(map(chr, [*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
                                0x2028, 0x2029, 0x202F, 0x205F, 0x3000]))
_PARQUET_TYPES = {"VARCHAR", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT", "HUGEINT", "DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S",
                  "DOUBLE", "FLOAT"}


@dataclass
class SqlExtract:
    """A file DuckDB reads itself: ``select`` yields ``_baris`` and the canonical ``columns`` as
    ``read_extract`` would (text, trimmed, empty -> null)."""

    select: str
    columns: list[str]
    notes: list[str] = field(default_factory=list)


def sql_extract(path: str | Path, spec: dict, *, entry: str | None = None,
                mapping_file: str | Path | None = None) -> SqlExtract | None:
    """The SELECT reading ``path`` in DuckDB, or None when the file must go through ``read_extract``
    (CSV, XLSX, a missing or unreadable file, a type ``_arrow_text`` knows and this does not, any
    header problem: its message comes from there)."""
    path = Path(path)
    ctx = _Context(_display_name(path), spec, entry, str(mapping_file or MAPPING_FILE))
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        if spec["format"] == "parquet":
            return _parquet_sql(path, ctx)
    except (ExtractError, OSError, pa.ArrowException):
        return None
    return None


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_WHITESPACE_CLASS = ("[\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}"
                     "\\x{202f}\\x{205f}\\x{3000}]")


def _sql_clean(expression: str) -> str:
    """``_clean`` in SQL. trim() with a set of characters is slow (7 s for 8 M cells), so it runs
    only on the values a regular expression finds starting or ending with whitespace."""
    text = f"CAST({expression} AS VARCHAR)"
    edges = _sql_text(f"^{_WHITESPACE_CLASS}|{_WHITESPACE_CLASS}$")
    return (f"nullif(CASE WHEN regexp_matches({text}, {edges}) THEN trim({text}, {_sql_text(_WHITESPACE)}) "
            f"ELSE {text} END, '')")


def _sql_select(baris: str, cleaned: dict[int, str], columns: list[_Column], source: str) -> str:
    """Clean each file column once (inner SELECT), then build the canonical columns from them."""
    inner = ", ".join([f"{baris} AS _baris", *(f"{expr} AS _c{p}" for p, expr in cleaned.items())])
    refs = {p: f"_c{p}" for p in cleaned}
    outer = ", ".join(["_baris", *(f'{_sql_canonical(c, refs)} AS "{c.name}"' for c in columns)])
    return f"SELECT {outer} FROM (SELECT {inner} FROM {source})"


def _sql_canonical(column: _Column, cleaned: dict[int, str]) -> str:
    if column.widths is None:
        return cleaned[column.positions[0]]
    # utf8_lpad pads and never cuts; NULL when any part is NULL
    parts = [f"CASE WHEN length({cleaned[p]}) >= {w} THEN {cleaned[p]} ELSE lpad({cleaned[p]}, {w}, '0') END"
             for p, w in zip(column.positions, column.widths)]
    return "(" + " || ".join(parts) + ")"


def _parquet_sql(path: Path, ctx: _Context) -> SqlExtract | None:
    """Parquet through DuckDB, with ``_arrow_text``'s text for each type; other types -> None."""
    import duckdb

    con = duckdb.connect()
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_sql_text(str(path))})").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    headers, types = [r[0] for r in described], [r[1] for r in described]
    if headers != pq.ParquetFile(path).schema_arrow.names:  # DuckDB renamed a duplicate name: read_extract says so
        return None
    columns, notes = _plan(headers, ctx)
    def largest(p: int) -> float | None:
        con = duckdb.connect()
        try:
            ref = '"' + headers[p].replace('"', '""') + '"'
            return con.execute(f"SELECT max(abs({ref})) FROM read_parquet({_sql_text(str(path))})").fetchall()[0][0]
        finally:
            con.close()

    _no_float_keys(columns, headers, [t in ("DOUBLE", "FLOAT") for t in types], largest, ctx)
    cleaned = {}
    for p in sorted({p for c in columns for p in c.positions}):
        if types[p] not in _PARQUET_TYPES:
            return None
        ref = '"' + headers[p].replace('"', '""') + '"'
        if types[p].startswith("TIMESTAMP"):
            ref = f"CAST({ref} AS DATE)"
        elif types[p] in ("DOUBLE", "FLOAT"):  # integral floats as digits, as _arrow_text; DuckDB writes 1e-07, Arrow 1e-7
            ref = (f"CASE WHEN isfinite({ref}) AND floor({ref}) = {ref} AND abs({ref}) < 9223372036854775808.0 "
                   f"THEN CAST(CAST({ref} AS BIGINT) AS VARCHAR) "
                   f"ELSE regexp_replace(CAST({ref} AS VARCHAR), 'e([+-])0([0-9])$', 'e\\1\\2') END")
        # only text can carry surrounding whitespace or be empty: numbers, booleans and dates are cast as they are
        cleaned[p] = _sql_clean(ref) if types[p] == "VARCHAR" else f"CAST({ref} AS VARCHAR)"
    source = f"read_parquet({_sql_text(str(path))}, file_row_number=true)"
    return SqlExtract(_sql_select("file_row_number + 1", cleaned, columns, source), [c.name for c in columns], notes=notes)


# ---------------------------------------------------------------- XLSX

def _read_xlsx(path: Path, ctx: _Context) -> ReadResult:
    """A sheet read by fastexcel (Rust calamine -> Arrow, every cell as text). The header must
    start in cell A1, which openpyxl checks by streaming row 1 only: then row i of the sheet data
    is Excel row i + 1, so rejects and `baris` name the row a person sees in Excel."""
    try:
        reader = fastexcel.read_excel(str(path))
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # zip, XML and reader errors: all mean "not a usable workbook"
        raise _unreadable_workbook(ctx, exc) from None
    try:
        name, notes = _sheet(reader.sheet_names, ctx)
        first_row, sheet_rows = sheet_header_and_extent(book[name])  # formatted empty rows included, as the inventory counts
    finally:
        book.close()
    _check_header_in_a1(first_row, name, ctx)
    try:
        # eager: straight to one Arrow batch (15 % faster than a lazy sheet and to_arrow)
        table = pa.Table.from_batches([reader.load_sheet(name, header_row=None, dtypes="string", eager=True)])
    except Exception as exc:  # a broken sheet XML; the message may hold cell text: keep the type only
        raise ctx.error(f"sheet {name!r} cannot be read ({type(exc).__name__}); the workbook is corrupt. "
                        "Open and save it in Excel, or export it again.") from None
    return _sheet_result(table, ctx, notes, sheet_rows)


def sheet_header_and_extent(ws) -> tuple[tuple, int]:
    """Row 1 and the number of rows of a read-only openpyxl worksheet. Its size comes from the
    sheet's <dimension>, which some exporters leave out or write as just A1; then the rows are
    counted by streaming the sheet (and row 1 read to its last cell)."""
    if ws.max_row is None or (ws.max_row <= 1 and (ws.max_column or 1) <= 1):
        ws.reset_dimensions()
        rows = 0
        for rows, _ in enumerate(ws.iter_rows(values_only=True), start=1):
            pass
        ws.reset_dimensions()
        return next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ()), max(rows, 1)
    return next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ()), ws.max_row


def sheet_name(sheet_names: list[str], spec: dict) -> str:
    """The sheet of the workbook that the mapping entry ``spec`` names (matched loosely, as the reader
    does); raises ExtractError naming the sheets there are."""
    return _sheet(sheet_names, _Context("", spec, None, MAPPING_FILE))[0]


def _unreadable_workbook(ctx: _Context, exc: Exception) -> ExtractError:
    return ctx.error(f"is not a readable .xlsx workbook ({type(exc).__name__}); it may be corrupt, an old "
                     ".xls, or another file renamed. Open and save it as .xlsx in Excel, or export it again.")


def _check_header_in_a1(first_row: tuple, name: str, ctx: _Context) -> None:
    if not first_row or first_row[0] is None or not str(first_row[0]).strip():
        raise ctx.error(f"sheet {name!r} has no header starting in cell A1; put the column names in row 1 from column A.")


def _unreadable_parquet(ctx: _Context, exc: Exception) -> ExtractError:
    return ctx.error(f"is not a readable Parquet file ({type(exc).__name__}); it may be truncated or "
                     "another file renamed. Export it again.")


def check_headers(path: str | Path, spec: dict, *, entry: str | None = None) -> None:
    """The reader's verdict on a file's header row, without reading its rows: raises the
    ExtractError `read_extract` would (encoding, delimiter, sheet, required columns), else returns."""
    path = Path(path)
    ctx = _Context(_display_name(path), spec, entry, MAPPING_FILE)
    if path.stat().st_size == 0:
        raise ctx.error("file is empty (0 bytes). Export the extract again.")
    if spec["format"] == "csv":
        _plan(_csv_header(path, ctx)[3], ctx)
    elif spec["format"] == "xlsx":
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:
            raise _unreadable_workbook(ctx, exc) from None
        try:
            name, _ = _sheet(book.sheetnames, ctx)
            first_row, _ = sheet_header_and_extent(book[name])
        finally:
            book.close()
        _check_header_in_a1(first_row, name, ctx)
        _plan([_cell_text(c) or "" for c in first_row], ctx)
    else:
        try:
            headers = pq.ParquetFile(path).schema_arrow.names
        except (pa.ArrowException, OSError) as exc:
            raise _unreadable_parquet(ctx, exc) from None
        _plan(headers, ctx)


def _sheet(sheet_names: list[str], ctx: _Context) -> tuple[str, list[str]]:
    wanted = ctx.spec["sheet"]
    if wanted in sheet_names:
        return wanted, []
    loose = [name for name in sheet_names if header_key(name) == header_key(wanted)]
    if len(loose) == 1:
        return loose[0], [f"sheet matched loosely: {loose[0]!r} -> {wanted!r}"]
    raise ctx.error(f"sheet {wanted!r} not found; the workbook has sheets: {', '.join(sheet_names)}. "
                    f"Rename the sheet or set `sheet` in the mapping ({ctx.mapping_file}, {ctx.entry_label()}).")


def _sheet_result(table: pa.Table, ctx: _Context, notes: list[str], sheet_rows: int | None = None) -> ReadResult:
    """Plan the header (row 1), keep the non-empty data rows with their Excel row numbers, and give
    cells the text a later stage parses (a date cell 'YYYY-MM-DD 00:00:00' -> 'YYYY-MM-DD').
    Rows with no value under a header, and the empty rows to the sheet's extent (``sheet_rows``,
    formatted but empty rows count there), are counted as `kosong`."""
    headers = [_cell_text(table.column(i)[0].as_py()) if table.num_rows else None for i in range(table.num_columns)]
    while headers and header_key(headers[-1]) == "":
        headers.pop()
    columns, plan_notes = _plan([h or "" for h in headers], ctx)
    positions = sorted({p for c in columns for p in c.positions})
    data = table.slice(1)
    cells = {p: pc.if_else(pc.equal(pc.utf8_trim_whitespace(data.column(p)), ""), None, data.column(p)) for p in range(len(headers))}
    filled = _any_value(cells.values())
    keep = filled if filled is not None else pa.array([], pa.bool_())
    baris = np.flatnonzero(keep.to_numpy(zero_copy_only=False)) + 2
    arrays = {p: _iso_dates(pc.filter(cells[p], keep)) for p in positions}
    empty = data.num_rows - len(baris)
    after = max((sheet_rows or table.num_rows) - table.num_rows, 0)
    if empty:
        notes.append(f"{empty} row(s) with no value under any header skipped (blank, or values only in columns without a header)")
    if after:
        notes.append(f"{after} empty row(s) after the last value skipped (formatted but empty cells)")
    return _result(columns, arrays, np.asarray(baris, dtype=np.int64), _no_rejects(), notes + plan_notes, kosong=empty + after)


def _iso_dates(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Date cells, which fastexcel gives as 'YYYY-MM-DD HH:MM:SS', as 'YYYY-MM-DD': every date the
    sources give is a day, and a time of day typed with one (a birth date at 08:15) would make it
    unreadable for the next stage. The regular expression runs only on a column holding a ':' (a
    cheap substring test first: 2.4 -> 0.4 s over P3KE's 18 sheets at scale 1.0)."""
    if not pc.any(pc.match_substring(column, ":")).as_py():
        return column
    return pc.replace_substring_regex(column, r"^(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}:\d{2}(?:\.\d+)?$", r"\1")


def _cell_text(value: object) -> str | None:
    """A cell value as the text a later stage parses: integral numbers as digits, dates as ISO."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)  # times and durations


# ---------------------------------------------------------------- Parquet

def _read_parquet(path: Path, ctx: _Context) -> ReadResult:
    try:
        parquet = pq.ParquetFile(path)
        headers = parquet.schema_arrow.names
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable_parquet(ctx, exc) from None
    columns, notes = _plan(headers, ctx)
    positions = sorted({p for c in columns for p in c.positions})
    try:
        table = parquet.read(columns=[headers[p] for p in positions], use_threads=True)
    except (pa.ArrowException, OSError) as exc:
        raise ctx.error(f"Parquet data cannot be read ({type(exc).__name__}); the file is corrupt. "
                        "Export it again.") from None
    _no_float_keys(columns, headers, [pa.types.is_floating(f.type) for f in parquet.schema_arrow],
                   lambda p: pc.max(pc.abs(table.column(positions.index(p)))).as_py(), ctx)
    arrays = {}
    for i, p in enumerate(positions):
        try:
            arrays[p] = _arrow_text(table.column(i))
        except pa.ArrowException:
            raise ctx.error(f"column {headers[p]} has type {table.schema.field(i).type}, which cannot be read "
                            "as text. Export it as a plain (text, number or date) column.") from None
    return _result(columns, arrays, np.arange(1, table.num_rows + 1, dtype=np.int64), _no_rejects(), notes)


KEY_COLUMNS = ("nik", "no_kk", "id_sumber", "id_keluarga_sumber")  # identifiers: digits that must stay exact
EXACT_FLOAT = 2.0 ** 53  # a double holds every integer below this exactly


def _no_float_keys(columns: list[_Column], headers: list[str], floating: list[bool], largest, ctx: _Context) -> None:
    """A NIK or KK stored as a floating-point number is exact below 2^53 (9 007 199 254 740 992);
    above (Papua's 91-96 NIKs) the last digit may have changed and nothing can tell: a file with such
    a value is refused. ``largest(position)`` gives the largest absolute value of a file column."""
    bad = [headers[p] for c in columns if c.name in KEY_COLUMNS for p in c.positions
           if floating[p] and (largest(p) or 0) >= EXACT_FLOAT]
    if bad:
        raise ctx.error(f"key column(s) {', '.join(bad)} are stored as floating-point numbers and hold values above "
                        "2^53, whose last digits a floating-point number cannot keep (a NIK or KK may have changed). "
                        "Export them as text (or 64-bit integers) and deliver the file again.")


def _arrow_text(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """A typed column as text: dates and timestamps as ISO dates, integral floats as digits."""
    kind = values.type
    if pa.types.is_dictionary(kind):
        return _arrow_text(values.cast(kind.value_type))
    if pa.types.is_timestamp(kind):
        return values.cast(pa.date32()).cast(pa.string())
    if pa.types.is_floating(kind):
        integral = pc.and_(pc.equal(pc.floor(values), values), pc.less(pc.abs(values), 2.0 ** 63))
        digits = pc.if_else(integral, values, pa.scalar(None, kind)).cast(pa.int64(), safe=False).cast(pa.string())
        return pc.if_else(integral, digits, values.cast(pa.string()))
    return values.cast(pa.string())
