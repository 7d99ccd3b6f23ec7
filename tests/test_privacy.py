import json
import re
import shutil
import traceback
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import TINY_QUARTER, dagster_home
from dtsen_pipeline.privacy import mask_error, mask_frame, mask_name, mask_number, mask_text


def test_numbers_keep_region_and_last_two_digits():
    assert mask_number("3403014703850001") == "3403**********01"
    assert mask_number(None) is None
    assert mask_number("12") == "**"


def test_names_keep_initials_only():
    assert mask_name("SITI AMINAH") == "S*** A*****"


def test_free_text_hides_embedded_niks():
    text = "row 7: NIK 3403014703850001 already used by 3403010703850002"
    masked = mask_text(text)
    assert "3403014703850001" not in masked and "3403010703850002" not in masked
    assert masked.startswith("row 7: NIK 3403**********01")


def test_free_text_hides_identity_numbers_in_every_written_form():
    for written in ("3403 0147 0385 0001", "3403-0147-0385-0001", "34.03.01.470385.0001", "3.40301470385E+15",
                    "34030147038500", "0001234567890", "198503142010011001"):
        masked = mask_text(f"nilai {written} salah")
        assert written not in masked and masked.startswith("nilai ") and "*" in masked, masked
    readable = "2025-01-01 12:00:00: 14569147 rows, kode 3403012001, 1e-07, 3.5e+02"
    assert mask_text(readable) == readable


def test_errors_mask_echoed_values_apostrophe_names_and_each_part_of_a_key():
    con = duckdb.connect()
    cases = {"SELECT strptime(v, '%d-%m-%Y') FROM (SELECT 'SITI AMINAH' AS v)": "SITI",
             "SELECT CAST(v AS INTEGER) FROM (SELECT 'MU''MINAH BINTI SYAFI''I' AS v)": "MINAH",
             "CREATE TABLE k (a VARCHAR, b VARCHAR, PRIMARY KEY (a, b)); "
             "INSERT INTO k SELECT 'SITI AMINAH', '3403014703850001' FROM range(2)": "SITI"}
    for sql, clear in cases.items():
        with pytest.raises(duckdb.Error) as raised:
            con.execute(sql)
        masked = mask_error(str(raised.value))
        # the SQL text DuckDB quotes back (LINE 1: ...) is the caller's, not data: only the message is checked
        message = masked.split("\nLINE ")[0]
        assert clear not in message and "3403014703850001" not in message and "*" in message, masked


def test_frame_masks_identity_and_name_columns_only():
    frame = pd.DataFrame({"nik": ["3403014703850001"], "no_kk": ["3403010101200001"], "nama": ["SUTARNO"],
                          "nama_kepala": ["SITI AMINAH"], "kode_desa": ["3403012001"], "baris": [2]})
    out = mask_frame(frame)
    assert out.loc[0, "nik"] == "3403**********01" and out.loc[0, "no_kk"] == "3403**********01"
    assert out.loc[0, "nama"] == "S******" and out.loc[0, "nama_kepala"] == "S*** A*****"
    assert out.loc[0, "kode_desa"] == "3403012001" and out.loc[0, "baris"] == 2
    assert frame.loc[0, "nik"] == "3403014703850001"  # the original is untouched


def test_frame_masks_identity_numbers_in_any_column():
    frame = pd.DataFrame({"sumber": ["dukcapil", "dtks"], "id_sumber": ["3403014703850001", "DTKS-000123"],
                          "id_angka": [3403014703850001, 12], "keterangan": ["KK 3403010101200001 pindah", None],
                          "baris": [2, 3]})
    out = mask_frame(frame)
    assert out["id_sumber"].tolist() == ["3403**********01", "DTKS-000123"]
    assert out["id_angka"].tolist() == ["3403**********01", 12]
    assert out.loc[0, "keterangan"] == "KK 3403**********01 pindah" and pd.isna(out.loc[1, "keterangan"])
    assert out["baris"].tolist() == [2, 3] and out["baris"].dtype == frame["baris"].dtype
    floats = mask_frame(pd.DataFrame({"nomor": [3403014703850001.0, 1.5], "no_kk_teks": ["3403010101200001", None]}))
    assert floats["nomor"].tolist() == ["3403**********01", 1.5] and floats.loc[0, "no_kk_teks"] == "3403**********01"


def test_failing_examples_of_great_expectations_show_codes_but_no_identity():
    from dtsen_pipeline.checks.expectations import _masked_examples

    misplaced = _masked_examples("kode_desa", ["SITI AMINAH", "3403 0147 0385 0001", "SUKARNO"])
    assert "SITI" not in misplaced and "0147" not in misplaced and "SUKARNO" not in misplaced, misplaced
    assert _masked_examples("hubungan_keluarga", ["9", "X"]) == "9, X"  # a wrong code is worth seeing
    assert _masked_examples("kode_desa", ["340301200"]) == "340301200"
    assert _masked_examples("umur", [150, 3403014703850001]) == "150, 3403**********01"


# --- the whole Dagster event log of real runs holds no identity in clear --------------------------

PERSONAL_COLUMN = re.compile(r"^(nik|no_kk|nama)")
TOKEN = re.compile(r"[^\W\d_]+(?:[.'\-][^\W\d_]+)*\.?")


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text.casefold())


def personal_values(db) -> tuple[set[str], dict[str, str]]:
    """Every NIK and KK (16 digits) and every full name of >= 8 characters in the sources of a
    DuckDB file (region names of the reference excluded); names keyed by their word sequence."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute("SELECT schema_name || '.' || table_name, column_name FROM duckdb_columns() "
                              "WHERE schema_name = 'sources' AND table_name NOT LIKE 'wilayah%'").fetchall()
        numbers, names = set(), {}
        for table, column in columns:
            if not PERSONAL_COLUMN.match(column):
                continue
            for (value,) in con.execute(f"SELECT DISTINCT trim({column}) FROM {table} WHERE {column} IS NOT NULL").fetchall():
                if column.startswith("nama"):
                    if len(value) >= 8:
                        names.setdefault(" ".join(_tokens(value)), value)
                elif re.fullmatch(r"\d{16}", value):
                    numbers.add(value)
    finally:
        con.close()
    return numbers, names


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _strings(value)


def event_log_texts(home) -> list[tuple[str, object]]:
    """Everything Dagster kept of every run in a DAGSTER_HOME: the runs (config, tags), every event
    record (logs, materialisation and check metadata, step failures with their errors), and the
    plain files beside the databases (compute logs)."""
    from dagster import DagsterInstance
    from dagster._serdes import serialize_value

    texts = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        with DagsterInstance.get() as instance:
            for run in instance.get_runs():
                texts.append((f"run {run.run_id}", json.loads(serialize_value(run))))
                for record in instance.get_records_for_run(run.run_id, limit=1_000_000).records:
                    entry = record.event_log_entry
                    kind = entry.dagster_event.event_type_value if entry.dagster_event else "LOG"
                    texts.append((f"{kind} {entry.step_key or ''}", json.loads(serialize_value(entry))))
    for path in Path(home).rglob("*"):
        if path.is_file() and path.suffix not in (".db", ".yaml"):
            texts.append((str(path.relative_to(home)), path.read_text(encoding="utf-8", errors="replace")))
    return texts


def find_leaks(texts, numbers: set[str], names: dict[str, str]) -> list[tuple[str, str]]:
    longest = max((len(k.split()) for k in names), default=0)
    leaks = []
    for where, obj in texts:
        for text in _strings(obj):
            for run in re.findall(r"\d{16,}", text):
                leaks += [(where, run[i:i + 16]) for i in range(len(run) - 15) if run[i:i + 16] in numbers]
            words = _tokens(text)
            for i in range(len(words)):
                for n in range(1, longest + 1):
                    key = " ".join(words[i:i + n])
                    if key in names:
                        leaks.append((where, names[key]))
    return leaks


def test_leak_finder_finds_what_it_looks_for():
    numbers, names = {"3403014703850001"}, {"siti aminah": "SITI AMINAH"}
    texts = [("log", {"message": "baris 7: nik 3403014703850001 dan Siti  Aminah"}), ("ok", ["3403**********01 S*** A*****"])]
    assert find_leaks(texts, numbers, names) == [("log", "3403014703850001"), ("log", "SITI AMINAH")]


def test_event_log_of_real_runs_has_no_identity_in_clear(tiny_run, tiny_world, tmp_path):
    """The tiny world's first quarter through the whole job, and a run that fails on a recipient
    list delivered without its header row (its first line is a person): no NIK, KK or name of the
    sources appears unmasked anywhere Dagster keeps the runs."""
    from dtsen_pipeline.cli import main

    db, home = tiny_run
    numbers, names = personal_values(db)
    assert len(numbers) > 1000 and len(names) > 1000  # the sources were collected

    world, _ = tiny_world
    data = tmp_path / "data"
    shutil.copytree(world / "raw" / TINY_QUARTER / "penerima", data / "raw" / TINY_QUARTER / "penerima")
    pkh = data / "raw" / TINY_QUARTER / "penerima" / "pkh.csv"
    lines = pkh.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    pkh.write_text("".join(lines[1:]), encoding="utf-8")  # header lost: a person's row comes first
    first = lines[1].replace('"', "").split(",")
    assert first[1] in numbers
    failing_home = dagster_home(tmp_path / "dagster_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(failing_home))
        assert main(["run", "--data", str(data), "--db", str(tmp_path / "x.duckdb"), "--partition", TINY_QUARTER]) == 1

    for where in (home, failing_home):
        texts = event_log_texts(where)
        kinds = {w.split()[0] for w, _ in texts}
        assert {"ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION", "LOG"} <= kinds
        leaks = find_leaks(texts, numbers, names)
        if leaks:  # reported masked: the test output is a log too
            pytest.fail(f"{len(leaks)} identities in clear in {where}, e.g. {[(w, mask_text(mask_name(v))) for w, v in leaks[:5]]}")
    assert "STEP_FAILURE" in {w.split()[0] for w, _ in event_log_texts(failing_home)}


def test_storage_errors_carry_no_data_value_in_clear(tmp_path):
    """A value DuckDB quotes in an error (a name that does not convert, a duplicate NIK, a NIK in an
    error() text) reaches the log masked, and nothing unmasked is chained to the error."""
    from dtsen_pipeline.resources import DuckDBStorage

    storage = DuckDBStorage(database=str(tmp_path / "x.duckdb"))
    with storage.connect() as con:  # the values sit in a table, as in the pipeline (not in the SQL)
        con.execute("CREATE TABLE src AS SELECT 'SITI AMINAH' AS nama, 'SUPARMAN' AS nama2, '3403014703850001' AS nik")
        con.execute("CREATE TABLE t (nik VARCHAR PRIMARY KEY)")
    cases = {
        "SELECT CAST(nama AS INTEGER) FROM src": ("S*** A*****", "SITI AMINAH"),
        "SELECT CAST(nama2 AS DATE) FROM src": ("S*******", "SUPARMAN"),
        "SELECT error('NIK ' || nik || ' salah') FROM src": ("3403**********01", "3403014703850001"),
        "INSERT INTO t SELECT nik FROM src UNION ALL SELECT nik FROM src": ("3403**********01", "3403014703850001"),
    }
    for sql, (masked, clear) in cases.items():
        with pytest.raises(duckdb.Error) as raised:
            storage.query(sql)
        text = "".join(traceback.format_exception(raised.value))
        assert masked in text and clear not in text, text
    with pytest.raises(duckdb.CatalogException, match="tabel_tidak_ada"):  # other errors unchanged
        storage.query("SELECT * FROM tabel_tidak_ada")
