"""Tests of the extract readers (dtsen_pipeline.sources.readers) on tiny hand-made files."""

import datetime as dt
import re
import zipfile

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dtsen_pipeline.sources.mapping import load_mapping
from dtsen_pipeline.sources.readers import ExtractError, read_extract, sql_extract

NIK = "3403014703850001"
SPEC = {
    "pattern": "uji/data*.csv",
    "format": "csv",
    "delimiter": ",",
    "encoding": "utf-8",
    "required": ["nik", "nama"],
    "columns": {
        "nik": "NIK",
        "nama": "Nama Anggota",
        "kode": "KODE",
        "pekerjaan": "PEKERJAAN",
    },
}
# Rows of the small table every CSV test writes: NIK, name, a code with leading zeros, a job.
ROWS = [
    [NIK, "ANDRÉ O’NEIL", "0012", "PETANI"],
    ["0000000000000123", "SITI, AMINAH", "0100", ""],
]
EXPECTED = {
    "_baris": [2, 3],
    "nik": [NIK, "0000000000000123"],
    "nama": ["ANDRÉ O’NEIL", "SITI, AMINAH"],
    "kode": ["0012", "0100"],
    "pekerjaan": ["PETANI", None],
}


def _csv_text(rows, delimiter=",", header=("NIK", "Nama Anggota", "KODE", "PEKERJAAN")):
    def field(value):
        return f'"{value}"' if delimiter in value or '"' in value else value
    return "\r\n".join(delimiter.join(field(v) for v in row) for row in [list(header), *rows]) + "\r\n"


def _write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- CSV


@pytest.mark.parametrize("encoding, prefix, reported", [
    ("utf-8", b"", "utf-8"),
    ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
    ("cp1252", b"", "cp1252"),
])
@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
def test_csv_encodings_and_delimiters_give_the_same_table(tmp_path, encoding, prefix, reported, delimiter):
    path = _write(tmp_path / "data.csv", prefix + _csv_text(ROWS, delimiter).encode(encoding))
    result = read_extract(path, SPEC)
    assert result.table.to_pydict() == EXPECTED
    assert result.table.schema.field("nik").type == pa.string()
    assert result.table.schema.field("_baris").type == pa.int64()
    assert (result.encoding, result.delimiter, result.rows_read) == (reported, delimiter, 2)
    assert any("cp1252" in n for n in result.notes) == (encoding == "cp1252")
    assert any("sniffed" in n for n in result.notes) == (delimiter != ",")


def test_csv_numbers_stay_exact_text(tmp_path):
    rows = [["3403000000000050", "A", "007", "1e5"], ["9999999999999999", "NA", " 0 ", "  "]]
    result = read_extract(_write(tmp_path / "data.csv", _csv_text(rows).encode()), SPEC)
    data = result.table.to_pydict()
    assert data["nik"] == ["3403000000000050", "9999999999999999"]
    assert data["kode"] == ["007", "0"]
    assert data["nama"] == ["A", "NA"]  # "NA" is a name, not a missing value
    assert data["pekerjaan"] == ["1e5", None]
    assert all(result.table.schema.field(c).type == pa.string() for c in ("nik", "nama", "kode", "pekerjaan"))


@pytest.mark.parametrize("header", ["Nama  Anggota", "nama_anggota", " NAMA ANGGOTA ", "NAMA_ANGGOTA"])
def test_csv_header_variants_match_and_unknown_columns_are_ignored(tmp_path, header):
    text = _csv_text([[NIK, "BUDI", "X1"]], header=("nik", header, "KETERANGAN"))
    result = read_extract(_write(tmp_path / "data.csv", text.encode()), SPEC)
    assert result.table.column_names == ["_baris", "nik", "nama"]
    assert result.table.to_pydict() == {"_baris": [2], "nik": [NIK], "nama": ["BUDI"]}
    assert "header matched loosely: 'nik' -> 'NIK'" in result.notes
    assert any("KETERANGAN" in n and "ignored" in n for n in result.notes)
    assert any("KODE (kode)" in n and "PEKERJAAN (pekerjaan)" in n for n in result.notes)  # optional, absent


def test_csv_line_with_wrong_field_count_is_rejected_and_the_rest_kept(tmp_path):
    text = (f"NIK,Nama Anggota,KODE,PEKERJAAN\n{NIK},A,01,P\n3403014703850002,B,02,P,EXTRA\n"
            "3403014703850003,C,03,P\n3403014703850004,D\n3403014703850005,E,05,P\n")
    result = read_extract(_write(tmp_path / "data.csv", text.encode()), SPEC)
    assert result.table.column("_baris").to_pylist() == [2, 4, 6]
    assert result.table.column("nama").to_pylist() == ["A", "C", "E"]
    rejected = result.rejected.to_pylist()
    assert [r["_baris"] for r in rejected] == [3, 5]
    assert {r["alasan_kode"] for r in rejected} == {"baris_rusak"}
    assert rejected[0]["alasan"].startswith("line has 5 field(s), expected 4")
    assert rejected[1]["alasan"].startswith("line has 2 field(s), expected 4")
    assert not any("3403014703850002" in r["alasan"] or "EXTRA" in r["alasan"] for r in rejected)
    assert result.rows_read == result.table.num_rows + result.rejected.num_rows == 5
    assert result.rejected.schema.names == ["_baris", "kolom", "alasan_kode", "alasan"]


def test_csv_row_numbers_are_lines_with_blank_lines_and_quoted_line_breaks(tmp_path):
    text = (f'NIK,Nama Anggota\n{NIK},"JL. MAWAR\nRT 01"\n\n3403014703850002,B,X\n'
            '3403014703850003,"C\nD\nE",X\n3403014703850004,F\n')
    result = read_extract(_write(tmp_path / "data.csv", text.encode()), SPEC)
    assert result.table.to_pydict() == {"_baris": [2, 9], "nik": [NIK, "3403014703850004"],
                                        "nama": ["JL. MAWAR\nRT 01", "F"]}
    assert result.rejected.column("_baris").to_pylist() == [5, 6]
    assert "runs over lines 6-8" in result.rejected.column("alasan")[1].as_py()
    assert result.rows_read == 4
    assert any("blank line" in n for n in result.notes)


def test_csv_header_only_gives_no_rows(tmp_path):
    for i, text in enumerate([b"NIK,Nama Anggota\n", b"NIK,Nama Anggota"]):
        result = read_extract(_write(tmp_path / f"data{i}.csv", text), SPEC)
        assert result.rows_read == 0
        assert result.table.column_names == ["_baris", "nik", "nama"]


def test_concat_columns_are_zero_padded_and_joined(tmp_path):
    spec = {"pattern": "*.csv", "format": "csv", "delimiter": "|", "required": ["nik", "kode_desa"],
            "columns": {"nik": "NIK", "kode_desa": {"concat": ["NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"],
                                                    "widths": [2, 2, 2, 4]}}}
    text = f"NIK|NO_PROP|NO_KAB|NO_KEC|NO_KEL\n{NIK}|34|3|1|2005\n{NIK}|34|03|01|5\n{NIK}|34|03||2005\n"
    result = read_extract(_write(tmp_path / "data.csv", text.encode()), spec)
    assert result.table.column("kode_desa").to_pylist() == ["3403012005", "3403010005", None]


def test_delimiter_of_the_mapping_wins_when_the_header_has_it(tmp_path):
    spec = {**SPEC, "delimiter": ";"}
    result = read_extract(_write(tmp_path / "data.csv", _csv_text(ROWS, ";").encode()), spec)
    assert result.delimiter == ";" and not result.notes


# ---------------------------------------------------------------- XLSX

XLSX_SPEC = {
    "pattern": "p3ke/p3ke_*.xlsx",
    "format": "xlsx",
    "sheet": "Anggota",
    "required": ["id_sumber", "nik"],
    "columns": {"id_sumber": "ID Individu", "nik": "NIK", "tgl_lahir": "Tanggal Lahir",
                "aktif": "Aktif", "umur": "Umur", "skor": "Skor"},
}


def _workbook(path, rows, sheet="Anggota"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["ID Individu", "NIK", "Tanggal Lahir", "Aktif", "Umur", "Skor"])
    for row in rows:
        ws.append(row)
    book.create_sheet("Keluarga").append(["ID Keluarga"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _store_numbers_as_excel_does(path, replacements):
    """openpyxl writes 3403000000000050.0 as `<v>3403000000000050</v>`, which reads back as an int;
    Excel and other writers store such a cell as `3403000000000050.0` or `3.40300000000005E+15`."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for info, data in entries:
            for old, new in replacements.items():
                data = data.replace(old, new) if info.filename == "xl/worksheets/sheet1.xml" else data
            dst.writestr(info, data)


def test_xlsx_cells_become_text(tmp_path):
    path = _workbook(tmp_path / "p3ke_3403.xlsx", [
        ["P-1", NIK, dt.datetime(1985, 7, 3), True, 39, 0.25],
        ["P-2", 3403000000000050.0, dt.date(2001, 12, 31), False, 23.0, 1.5],
        [None, None, None, None, None, None],
        ["P-3", "3.40301E+15", "03/07/1985", None, " 7 ", None],
        ["P-4", 3403000000000060.0, None, None, 1e16, None],
        [None, "   ", None, None, None, None],
    ])
    _store_numbers_as_excel_does(path, {b"<v>3403000000000050</v>": b"<v>3403000000000050.0</v>",
                                        b"<v>3403000000000060</v>": b"<v>3.40300000000006E+15</v>",
                                        b"<v>10000000000000000</v>": b"<v>1E+16</v>"})
    result = read_extract(path, XLSX_SPEC)
    assert result.table.to_pydict() == {
        "_baris": [2, 3, 5, 6],
        "id_sumber": ["P-1", "P-2", "P-3", "P-4"],
        "nik": [NIK, "3403000000000050", "3.40301E+15", "3403000000000060"],
        "tgl_lahir": ["1985-07-03", "2001-12-31", "03/07/1985", None],
        "aktif": ["true", "false", None, None],
        "umur": ["39", "23", "7", "10000000000000000"],
        "skor": ["0.25", "1.5", None, None],
    }
    assert result.rows_read == 4 and result.rejected.num_rows == 0
    assert result.encoding is None and result.delimiter is None


def _inventory_rows(path, spec) -> int:
    from dtsen_pipeline.sources.inventory import describe_file

    return describe_file(path, spec)["baris"]


@pytest.mark.parametrize("text, records, kosong", [
    ("NIK,Nama Anggota\r\n1,A\r\n2,B\r\n\r\n", 2, 1),             # an empty line at the end
    ("NIK,Nama Anggota\n1,A\n\n\n2,B\n", 2, 2),                     # blank lines inside
    ('NIK,Nama Anggota\n1,"A\nJL. MAWAR"\n2,B\n\n', 2, 2),           # a line break inside quotes, and one at the end
    ("NIK,Nama Anggota\n1,A\n2,B", 2, 0),                             # no newline after the last line
    ("NIK,Nama Anggota\r1,A\r2,B\r", 2, 0),                          # old Mac line ends (CR only)
    ("NIK,Nama Anggota\n1,A\rX\n2,B\n", 3, 0),                       # a stray CR splits a line: 'X' is rejected
    ('NIK,Nama Anggota\n1,"A\n2,B\n3,C\n', 3, 0),                     # an unclosed quote on line 2
    ("NIK,Nama Anggota\n1,A\n,\n2,B\n , \n", 2, 2),                    # delimiter-only rows, as a spreadsheet exports them
])
def test_csv_every_line_the_inventory_counts_is_a_record_or_counted_empty(tmp_path, text, records, kosong):
    path = _write(tmp_path / "data.csv", text.encode())
    result = read_extract(path, SPEC)
    assert (result.rows_read, result.kosong) == (records, kosong)
    assert _inventory_rows(path, SPEC) == result.rows_read + result.kosong


def test_csv_records_with_no_value_are_counted_empty_not_read_as_people(tmp_path):
    """Excel saves the rows it has formatted as ';;;;': without this they became rows of every
    table with no NIK, no name, nothing (phantom persons). Over several parse blocks, each kept
    record keeps its own line number."""
    lines = ["NIK,Nama Anggota"] + ["," if i % 1000 == 7 else f"{3403000000000000 + i},NAMA {i}" for i in range(300_000)]
    path = _write(tmp_path / "data.csv", ("\n".join(lines) + "\n").encode())
    result = read_extract(path, SPEC)
    assert (result.rows_read, result.kosong) == (299_700, 300) and result.rejected.num_rows == 0
    baris, nik = result.table.column("_baris").to_pylist(), result.table.column("nik").to_pylist()
    assert all(int(n) - 3403000000000000 == b - 2 for b, n in zip(baris, nik))
    assert "300 record(s) with no value in any column the mapping reads skipped" in " ".join(result.notes)
    assert "line(s) 9, 1009, 2009, 3009, 4009, ...)" in " ".join(result.notes)
    assert _inventory_rows(path, SPEC) == result.rows_read + result.kosong


def test_empty_records_are_found_in_plain_arrays_too():
    """The parsers give chunked columns; a plain Arrow array (one chunk) must not trip the filter."""
    import numpy as np

    from dtsen_pipeline.sources.readers import _without_empty_records

    kept, baris, empty = _without_empty_records({0: pa.array(["a", None, "c"]), 1: pa.array([None, None, "x"])}, np.array([2, 3, 4]))
    assert [c.to_pylist() for c in kept.values()] == [["a", "c"], [None, "x"]]
    assert (baris.tolist(), empty.tolist()) == ([2, 4], [3])


def test_inventory_checksum_and_lines_over_many_chunks(tmp_path):
    """The checksum is hashed in a worker thread chunk by chunk (4 MiB) while the lines are counted:
    both must be those of the whole file, in order, with a CRLF split between two chunks."""
    import hashlib

    from dtsen_pipeline.sources.inventory import _sha256_and_lines, describe_file

    chunk, line = 1 << 22, b"3403014703850001,SITI AMINAH BINTI ABDUL\r\n"
    body = b"".join(line.replace(b"0001", b"%04d" % (i % 10000)) for i in range(300_000))
    for pad in range(len(line)):  # header padding so that the first chunk ends between a CR and its LF
        data = b"NIK,Nama Anggota" + b" " * pad + b"\r\n" + body
        if data[chunk - 1:chunk + 1] == b"\r\n":
            break
    assert len(data) > 3 * chunk and data[chunk - 1:chunk + 1] == b"\r\n"
    path = _write(tmp_path / "besar.csv", data)
    described = describe_file(path, SPEC)
    assert described["sha256"] == hashlib.sha256(data).hexdigest()
    assert _sha256_and_lines(path, count_lines=False)[0] == described["sha256"]
    assert described["baris"] == 300_000


def test_xlsx_every_row_of_the_sheet_is_a_record_or_counted_empty(tmp_path):
    from openpyxl.styles import PatternFill

    path = _workbook(tmp_path / "p3ke_3403.xlsx", [["P-1", NIK], [None, None], ["P-2", NIK], [None] * 6 + ["catatan"]])
    book = openpyxl.load_workbook(path)
    for row in range(6, 9):  # formatted, never filled: Excel counts them in the sheet's extent
        book["Anggota"].cell(row=row, column=1).fill = PatternFill("solid", fgColor="FFFF00")
    book.save(path)
    result = read_extract(path, XLSX_SPEC)
    assert result.table.column("_baris").to_pylist() == [2, 4]
    assert result.kosong == 2 + 3  # row 3 blank, row 5 a value without a header; rows 6-8 formatted
    assert _inventory_rows(path, XLSX_SPEC) == result.rows_read + result.kosong == 7


def test_xlsx_missing_sheet_names_the_sheet_and_the_sheets_found(tmp_path):
    path = _workbook(tmp_path / "p3ke_3403.xlsx", [["P-1", NIK, None, None, None, None]], sheet="Data")
    with pytest.raises(ExtractError) as err:
        read_extract(path, XLSX_SPEC)
    message = str(err.value)
    assert message.startswith("p3ke_3403.xlsx: sheet 'Anggota' not found")
    assert "Data, Keluarga" in message and NIK not in message


# ---------------------------------------------------------------- Parquet


def test_parquet_columns_become_text(tmp_path):
    spec = {"pattern": "*.parquet", "format": "parquet", "required": ["id"],
            "columns": {"id": "id", "nik": "nik", "tgl": "tgl", "jumlah": "jumlah", "aktif": "aktif",
                        "nilai": "nilai", "waktu": "waktu", "kode": "kode"}}
    table = pa.table({
        "id": pa.array([1, 2], pa.int64()),
        "nik": pa.array([3403000000000050.0, None]),
        "tgl": pa.array([dt.date(1985, 7, 3), dt.date(2001, 12, 31)]),
        "jumlah": pa.array([0, 12], pa.int32()),
        "aktif": pa.array([True, False]),
        "nilai": pa.array([1.5, 2.0]),
        "waktu": pa.array([dt.datetime(2024, 5, 6, 7, 8), None], pa.timestamp("us")),
        "kode": pa.array(["  01", ""]).dictionary_encode(),
        "lain": pa.array(["x", "y"]),
    })
    pq.write_table(table, tmp_path / "data.parquet")
    result = read_extract(tmp_path / "data.parquet", spec)
    assert result.table.to_pydict() == {
        "_baris": [1, 2], "id": ["1", "2"], "nik": ["3403000000000050", None],
        "tgl": ["1985-07-03", "2001-12-31"], "jumlah": ["0", "12"], "aktif": ["true", "false"],
        "nilai": ["1.5", "2"], "waktu": ["2024-05-06", None], "kode": ["01", None],
    }
    assert all(f.type == pa.string() for f in result.table.schema if f.name != "_baris")
    assert any("lain" in n for n in result.notes)


def _duckdb_read(path, spec) -> dict:
    """What the ingest asset inserts for a file DuckDB reads itself, as read_extract's table."""
    import duckdb

    plan = sql_extract(path, spec)
    assert plan is not None
    with duckdb.connect() as con:
        cursor = con.execute(f"SELECT * FROM ({plan.select}) ORDER BY _baris")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


def test_parquet_read_by_duckdb_gives_read_extracts_text(tmp_path):
    """The Parquet fast path (DuckDB reads the file into its table) writes what the Arrow reader
    would: the same text for every type, the same trimming, the same row numbers."""
    spec = {"pattern": "*.parquet", "format": "parquet", "required": ["id"],
            "columns": {"id": "id", "angka": "angka", "tgl": "tgl", "jumlah": "jumlah", "aktif": "aktif", "nilai": "nilai",
                        "waktu": "waktu", "kode": "kode", "teks": "teks", "kecil": "kecil", "kk": "kk",
                        "kode_desa": {"concat": ["prop", "kab"], "widths": [2, 3]}}}
    n = 9
    table = pa.table({
        "id": pa.array(range(n), pa.int64()),
        "angka": pa.array([3403000000000050.0, None, 1.5, float("nan"), float("inf"), -0.0, 1e20, 2.0 ** 63, -7.0]),
        "tgl": pa.array([dt.date(1985, 7, 3), None] + [dt.date(2001, 12, 31)] * (n - 2)),
        "jumlah": pa.array([0, 12, None, -3, 5, 6, 7, 8, 9], pa.int16()),
        "aktif": pa.array([True, False, None] * 3),
        "nilai": pa.array([0.1 + 0.2, 1 / 3, 2.5, None, 100.0, 1e-7, 123456789.125, -1.5e-300, 1.5e300], pa.float64()),
        "waktu": pa.array([dt.datetime(2024, 5, 6, 7, 8), None] * 4 + [None], pa.timestamp("us")),
        "kode": pa.array(["  01", "", " ", "\u3000x\u00a0", "a b", None, "\tz\n", "\u200bq", "é "]).dictionary_encode(),
        "teks": pa.array(["  01", "", " ", "\u3000x\u00a0", "a b", None, "\tz\n", "\u200bq", "é "]),
        "kecil": pa.array([1.5, 2.0, None, 0.1, 3.0, 4.0, 5.0, 6.0, 7.0], pa.float32()),
        "kk": pa.array(["0034", "12", None, "1", "2", "3", "4", "5", "6"]),
        "prop": pa.array(["34", "3", "34", None, "345", " 34", "34", "34", "34"]),
        "kab": pa.array(["1", "01", "0001", "1", "1", "1", None, "", "12"]),
        "lain": pa.array(["x"] * n),
    })
    pq.write_table(table, tmp_path / "data.parquet", row_group_size=4)  # several row groups
    expected = read_extract(tmp_path / "data.parquet", spec)
    assert _duckdb_read(tmp_path / "data.parquet", spec) == expected.table.to_pydict()
    assert sql_extract(tmp_path / "data.parquet", spec).notes == expected.notes


def test_files_duckdb_does_not_read_go_through_read_extract(tmp_path):
    spec = {"pattern": "*.parquet", "format": "parquet", "required": ["nik"], "columns": {"nik": "nik", "nilai": "nilai"}}
    import decimal

    pq.write_table(pa.table({"nik": [NIK], "nilai": pa.array([decimal.Decimal("1.50")])}), tmp_path / "a.parquet")
    assert sql_extract(tmp_path / "a.parquet", spec) is None  # a type only the Arrow reader knows
    pq.write_table(pa.table({"id": [1]}), tmp_path / "b.parquet")
    assert sql_extract(tmp_path / "b.parquet", spec) is None  # the missing column's message comes from read_extract
    _write(tmp_path / "c.parquet", b"not parquet")
    assert sql_extract(tmp_path / "c.parquet", spec) is None
    assert sql_extract(_write(tmp_path / "data.csv", _csv_text(ROWS).encode()), SPEC) is None  # CSV: pyarrow


# ---------------------------------------------------------------- files that cannot be used


def _raises(path, spec, *must_contain, **kwargs) -> str:
    with pytest.raises(ExtractError) as err:
        read_extract(path, spec, **kwargs)
    message = str(err.value)
    for text in must_contain:
        assert text in message
    for secret in (NIK, "BUDI", "SITI"):
        assert secret not in message
    return message


def test_missing_required_column_names_file_column_and_mapping_entry(tmp_path):
    mapping = load_mapping()
    spec = mapping["dukcapil"]["files"]["individu"]
    headers = ["NIK", "NO_KK", "TGL_LHR", "JENIS_KLMIN", "STAT_HBKEL", "NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"]
    text = "|".join(headers) + "\n" + "|".join([NIK, NIK, "01-01-1990", "1", "1", "34", "03", "01", "2005"]) + "\n"
    path = _write(tmp_path / "raw" / "2025-01-01" / "dukcapil" / "biodata_wni.csv", text.encode())
    message = _raises(path, spec, entry="sources.dukcapil.files.individu")
    assert message == (
        "dukcapil/biodata_wni.csv: required column NAMA_LGKP (nama) is missing. Found columns: "
        "NIK, NO_KK, TGL_LHR, JENIS_KLMIN, STAT_HBKEL, NO_PROP, NO_KAB, NO_KEC, NO_KEL. Fix the header or the "
        "mapping (dtsen_pipeline/sources/mapping.yaml, sources.dukcapil.files.individu.columns.nama).")


def test_a_header_row_holding_a_record_is_not_echoed_in_clear(tmp_path):
    """The first record fused to the header line (a lost line break): its cells are headers now,
    and neither the note on ignored columns nor the missing-column error may show them."""
    fused = ["NIK", "Nama Anggota", "KODE", "PEKERJAAN", "3403010101200001", "SITI AMINAH", "3403 0147 0385 0002"]
    text = _csv_text([[NIK, "BUDI", "X1", "TANI", "", "", ""]], header=fused)
    notes = " ".join(read_extract(_write(tmp_path / "data.csv", text.encode()), SPEC).notes)
    assert "3 column(s) not in the mapping ignored" in notes
    for clear in ("3403010101200001", "SITI", "AMINAH", "0147"):
        assert clear not in notes, notes
    text = _csv_text([[NIK, "X1", "TANI", "", ""]], header=["NIK", "KODE", "PEKERJAAN", "SITI AMINAH", "3403010101200001"])
    message = _raises(_write(tmp_path / "data2.csv", text.encode()), SPEC, "Nama Anggota (nama) is missing", "KODE")
    assert "AMINAH" not in message and "3403010101200001" not in message, message
    plain = _csv_text([[NIK, "BUDI", "X1"]], header=("NIK", "Nama Anggota", "KETERANGAN"))  # real headers stay readable
    assert any("KETERANGAN" in n for n in read_extract(_write(tmp_path / "data3.csv", plain.encode()), SPEC).notes)


def test_missing_part_of_a_required_concat_column(tmp_path):
    spec = load_mapping()["dukcapil"]["files"]["individu"]
    text = "NIK|NO_KK|NAMA_LGKP|TGL_LHR|JENIS_KLMIN|STAT_HBKEL|NO_PROP|NO_KAB|NO_KEL\n"
    _raises(_write(tmp_path / "biodata_wni.csv", text.encode()), spec,
            "biodata_wni.csv: required column NO_KEC (part of kode_desa) is missing", "columns kode_desa")


@pytest.mark.parametrize("name, data, expected", [
    ("data.csv", b"", "file is empty"),
    ("data.csv", b"NIK,Nama Anggota\n" + NIK.encode() + b",BUDI\x81\x8d\n", "unreadable text encoding"),
    ("data.csv", b"\xff\xfeN\x00I\x00K\x00", "UTF-16"),
    ("data.csv", b"\nNIK,Nama Anggota\n", "line 1 is empty"),
    ("data.csv", f"{NIK},BUDI,0012\n{NIK},SITI,0013\n".encode(), "none of its 3 column(s) is in the mapping"),
    ("data.csv", b"NIK,nik,Nama Anggota\n" + NIK.encode() + b",1,BUDI\n", "duplicate column headers (after ignoring case, spaces and '_'): 'NIK' / 'nik'"),
])
def test_broken_csv_files_raise_extract_error(tmp_path, name, data, expected):
    message = _raises(_write(tmp_path / name, data), SPEC, name, expected)
    assert "\n" not in message


def test_unreadable_encoding_names_the_lines(tmp_path):
    data = b"NIK,Nama Anggota\n1,\xe9\n2,BUDI\x81\n"  # line 2 is cp1252, line 3 has a byte undefined in cp1252
    message = _raises(_write(tmp_path / "data.csv", data), SPEC)
    assert "first invalid byte on line 2" in message and "cp1252 (line 3)" in message


def test_broken_xlsx_files_raise_extract_error(tmp_path):
    not_a_workbook = tmp_path / "p3ke_3403.xlsx"
    with zipfile.ZipFile(not_a_workbook, "w") as zf:
        zf.writestr("data.txt", f"{NIK},BUDI")
    _raises(not_a_workbook, XLSX_SPEC, "p3ke_3403.xlsx", "not a readable .xlsx workbook")
    garbage = _write(tmp_path / "p3ke_3404.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    _raises(garbage, XLSX_SPEC, "p3ke_3404.xlsx", "not a readable .xlsx workbook")
    _raises(_write(tmp_path / "p3ke_3405.xlsx", b""), XLSX_SPEC, "p3ke_3405.xlsx", "file is empty")
    no_header = _workbook(tmp_path / "p3ke_3406.xlsx", [])
    book = openpyxl.load_workbook(no_header)
    book["Anggota"].delete_rows(1)
    book["Anggota"]["A3"] = NIK
    book.save(no_header)
    _raises(no_header, XLSX_SPEC, "p3ke_3406.xlsx", "no header starting in cell A1")
    data_as_header = _workbook(tmp_path / "p3ke_3407.xlsx", [])
    book = openpyxl.load_workbook(data_as_header)
    book["Anggota"].delete_rows(1)
    book["Anggota"].append([NIK, "BUDI"])
    book.save(data_as_header)
    _raises(data_as_header, XLSX_SPEC, "p3ke_3407.xlsx", "none of its 2 column(s)")


def test_broken_parquet_files_raise_extract_error(tmp_path):
    spec = {"pattern": "*.parquet", "format": "parquet", "required": ["nik"], "columns": {"nik": "nik", "nama": "nama"}}
    _raises(_write(tmp_path / "a.parquet", f"{NIK},BUDI\n".encode()), spec, "a.parquet", "not a readable Parquet file")
    pq.write_table(pa.table({"nik": [NIK] * 100, "nama": ["BUDI"] * 100}), tmp_path / "b.parquet")
    whole = (tmp_path / "b.parquet").read_bytes()
    _write(tmp_path / "c.parquet", whole[:len(whole) // 2])
    _raises(tmp_path / "c.parquet", spec, "c.parquet", "not a readable Parquet file")
    pq.write_table(pa.table({"id": [1], "nama": ["BUDI"]}), tmp_path / "d.parquet")
    _raises(tmp_path / "d.parquet", spec, "d.parquet", "required column nik (nik) is missing")


# ---------------------------------------------------------------- a whole synthetic quarter


def _data_rows(path, spec) -> int:
    """Data rows of a file, counted without the readers."""
    if spec["format"] == "parquet":
        return pq.ParquetFile(path).metadata.num_rows
    if spec["format"] == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            rows = book[spec["sheet"]].iter_rows(min_row=2, values_only=True)
            return sum(1 for row in rows if any(v is not None for v in row))
        finally:
            book.close()
    return path.read_bytes().rstrip(b"\r\n").count(b"\n")


def test_every_file_of_a_synthetic_quarter_is_read(tmp_path):
    from dtsen_pipeline.synthetic.generate import generate

    generate(tmp_path, scale=0.002, seed=3)
    quarter = tmp_path / "raw" / "2025-01-01"
    seen = 0
    for source, entry in load_mapping().items():
        for name, spec in entry["files"].items():
            paths = sorted(quarter.glob(spec["pattern"]))
            assert paths, f"{source}.{name}: no file"
            for path in paths:
                result = read_extract(path, spec, entry=f"sources.{source}.files.{name}")
                assert result.rows_read == _data_rows(path, spec) > 0, path
                assert result.rejected.num_rows == 0, path
                assert set(spec.get("required", [])) <= set(result.table.column_names), path
                first = 1 if spec["format"] == "parquet" else 2
                assert result.table.column("_baris").to_pylist()[:2] == [first, first + 1], path
                seen += 1
                if source == "dukcapil":
                    assert set(len(k) for k in result.table.column("kode_desa").to_pylist()) == {10}
                if source == "p3ke" and name == "individu":
                    niks = [n for n in result.table.column("nik").to_pylist() if n]
                    assert not [n for n in niks if "e" in n or ("." in n and "E+" not in n)], path  # no float text
    assert seen >= 20


# ---------------------------------------------------------------- broken text, recovered or refused


def _numbered_rows(n):
    return [[f"34030147038500{i:02d}", f"NAMA {i}", "0012", "PETANI"] for i in range(1, n + 1)]


@pytest.mark.parametrize("block", [None, 64])  # 64: a record larger than pyarrow's block, as a big file's swallowed rest
def test_csv_unclosed_quote_costs_its_line_only(tmp_path, monkeypatch, block):
    from dtsen_pipeline.sources import readers

    if block:
        monkeypatch.setattr(readers, "CSV_BLOCK", block)
    lines = _csv_text(_numbered_rows(8)).split("\r\n")
    lines[3] = lines[3].replace("NAMA 3", '"NAMA 3')   # line 4 opens a quote nobody closes
    path = _write(tmp_path / "data.csv", "\r\n".join(lines).encode())
    result = read_extract(path, SPEC)
    assert result.table.column("_baris").to_pylist() == [2, 3, 5, 6, 7, 8, 9]
    assert result.table.column("nama").to_pylist() == [f"NAMA {i}" for i in (1, 2, 4, 5, 6, 7, 8)]
    assert result.rejected.to_pylist() == [{"_baris": 4, "kolom": None, "alasan_kode": "kutip_tak_tertutup",
                                            "alasan": result.rejected.column("alasan")[0].as_py()}]
    assert "lines 5-9 are read on their own" in result.rejected.column("alasan")[0].as_py()
    assert _inventory_rows(path, SPEC) == result.rows_read + result.kosong == 8


def test_csv_legitimate_line_break_inside_quotes_is_not_taken_for_an_unclosed_quote(tmp_path):
    rows = _numbered_rows(3)
    rows[1][1] = "NAMA 2\nRT 03, RW 01"  # quoted, over two lines, with the delimiter inside
    result = read_extract(_write(tmp_path / "data.csv", _csv_text(rows).encode()), SPEC)
    assert result.rejected.num_rows == 0
    assert result.table.column("nama").to_pylist() == ["NAMA 1", "NAMA 2\nRT 03, RW 01", "NAMA 3"]
    assert result.table.column("_baris").to_pylist() == [2, 3, 5]


def test_csv_utf8_with_a_byte_of_another_encoding_is_refused_naming_the_lines(tmp_path):
    text = _csv_text([[NIK, "JOSÉ", "0012", "PETANI"], [NIK, "JÖRG", "0013", "PETANI"]]).encode()
    text = text.replace("JÖRG".encode(), b"J\xd6RG")  # cp1252 Ö typed into a UTF-8 file
    with pytest.raises(ExtractError) as err:
        read_extract(_write(tmp_path / "data.csv", text), SPEC)
    message = str(err.value)
    assert "mixes text encodings" in message and "line 2" in message and "line 3" in message
    assert "JOS" not in message and NIK not in message


def test_csv_cp1252_with_an_accent_before_a_non_breaking_space_is_still_cp1252(tmp_path):
    rows = [[NIK, "ANDRÉ\u00a0", "0012", "PETANI"], [NIK, "RENÉ", "0013", "PETANI"], [NIK, "JÖRG", "0014", "PETANI"]]
    result = read_extract(_write(tmp_path / "data.csv", _csv_text(rows).encode("cp1252")), SPEC)
    assert result.encoding == "cp1252"
    assert result.table.column("nama").to_pylist() == ["ANDRÉ", "RENÉ", "JÖRG"]


def test_xlsx_date_cell_with_a_time_of_day_gives_the_date(tmp_path):
    path = _workbook(tmp_path / "p3ke_3403.xlsx", [["P-1", NIK, dt.datetime(2005, 1, 1, 8, 15), None, None, None],
                                                   ["P-2", NIK, "JL. A: 3", None, None, None]])
    result = read_extract(path, XLSX_SPEC)
    assert result.table.column("tgl_lahir").to_pylist() == ["2005-01-01", "JL. A: 3"]


def test_xlsx_without_its_dimension_is_counted_and_read_alike(tmp_path):
    path = _workbook(tmp_path / "p3ke_3403.xlsx", [["P-1", NIK], ["P-2", NIK], [None, None], ["P-3", NIK]])
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:  # some exporters write no <dimension> (openpyxl then knows no size)
        for info, data in entries:
            dst.writestr(info, re.sub(rb"<dimension[^>]*/>", b"", data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    from dtsen_pipeline.sources.inventory import describe_file

    described = describe_file(path, XLSX_SPEC)
    result = read_extract(path, XLSX_SPEC)
    assert result.rows_read == 3
    assert described["galat"] is None and described["kolom_wajib_hilang"] == ""
    assert described["baris"] == result.rows_read + result.kosong == 4


@pytest.mark.parametrize("mutate, headers", [
    ("header", "nik,NAMA_ANGGOTA,Kode\n"),       # case and '_' for space, as the reader matches them
    ("bom", None),                                # a BOM while the mapping says cp1252
])
def test_inventory_matches_headers_as_the_reader_does(tmp_path, mutate, headers):
    from dtsen_pipeline.sources.inventory import describe_file

    spec = dict(SPEC, encoding="cp1252")
    text = _csv_text(ROWS)
    if headers:
        text = headers + text.split("\r\n", 1)[1]
    data = (b"\xef\xbb\xbf" if mutate == "bom" else b"") + text.encode("utf-8")
    path = _write(tmp_path / "data.csv", data)
    read_extract(path, spec)  # the reader takes it
    described = describe_file(path, spec)
    assert described["galat"] is None and described["kolom_wajib_hilang"] == ""


def test_inventory_says_what_the_reader_says_of_a_broken_file(tmp_path):
    from dtsen_pipeline.sources.inventory import describe_file

    cases = {
        "utf16.csv": (_csv_text(ROWS).encode("utf-16"), SPEC, "save it as CSV UTF-8"),
        "empty.csv": (b"", SPEC, "file is empty (0 bytes)"),
        "page.xlsx": (b"<html><body>not a workbook</body></html>", XLSX_SPEC, "is not a readable .xlsx workbook"),
    }
    for name, (data, spec, expected) in cases.items():
        described = describe_file(_write(tmp_path / name, data), spec)
        assert expected in described["galat"], (name, described["galat"])
        assert described["kolom_wajib_hilang"] is None


def test_inventory_finds_a_sheet_whose_name_differs_in_case(tmp_path):
    from dtsen_pipeline.sources.inventory import describe_file

    path = _workbook(tmp_path / "p3ke_3403.xlsx", [["P-1", NIK]], sheet="ANGGOTA")
    assert read_extract(path, XLSX_SPEC).rows_read == 1
    described = describe_file(path, XLSX_SPEC)
    assert described["galat"] is None and described["baris"] == 1


def test_parquet_float_nik_above_two_to_the_53_is_refused(tmp_path):
    spec = {"pattern": "*.parquet", "format": "parquet", "required": ["nik"], "columns": {"nik": "nik", "nama": "nama"}}
    path = tmp_path / "regsosek.parquet"
    pq.write_table(pa.table({"nik": pa.array([3403000000000050.0, 9471015505900007.0]), "nama": ["A", "B"]}), path)
    assert sql_extract(path, spec) is None  # the fast path leaves it to read_extract, which says why
    with pytest.raises(ExtractError, match="key column.*nik.*floating-point.*2\\^53"):
        read_extract(path, spec)
