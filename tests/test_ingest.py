"""Reading every source into DuckDB text tables: bad rows go to `ditolak` with file and line,
every row is accounted for, a file that cannot be read fails the run naming it."""

import re
import shutil
import threading
import time
import types

import duckdb
import pyarrow as pa
from dagster import materialize

from dtsen_pipeline.assets import ingest
from dtsen_pipeline.assets.ingest import build_read_assets
from dtsen_pipeline.cli import main
from dtsen_pipeline.resources import SQL_DIR, DuckDBStorage, RawData
from dtsen_pipeline.sources.readers import ReadResult, _no_rejects

QUARTER = "2025-01-01"


def _copy_quarter(world, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(world / "raw" / QUARTER, data / "raw" / QUARTER)
    return data, data / "raw" / QUARTER


def test_every_row_read_or_rejected_with_its_line(tiny_world, tmp_path, capsys, query_db):
    world, summary = tiny_world
    data, quarter = _copy_quarter(world, tmp_path)
    path = quarter / "penerima" / "pbi_jk.txt"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = lines[4].rstrip("\n") + '|"extra"\n'  # line 5 gets a field too many
    lines[8:8] = ["\n"]  # a blank line 9, and two empty lines at the end: no record, but lines the inventory counts
    path.write_text("".join(lines) + "\n\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    assert main(["run", "--data", str(data), "--db", str(db), "--sampai", "standardise"]) == 0
    assert re.search(r"run ok; (\d+)/\1 checks passed", capsys.readouterr().out)
    assert query_db(db, "SELECT file, baris, alasan_kode FROM main.ditolak") == [("penerima/pbi_jk.txt", 5, "baris_rusak")]
    accepted = query_db(db, "SELECT count(*) FROM sources.penerima_pbi_jk_penerima")[0][0]
    assert accepted == summary[QUARTER]["penerima_pbi_jk"] - 1
    assert query_db(db, "SELECT baris_rekaman, baris_kosong FROM sources.berkas_dibaca WHERE file = 'penerima/pbi_jk.txt'") == [
        (accepted + 1, 3)]
    assert query_db(db, "SELECT count(*) FROM sources.dukcapil_individu")[0][0] == summary[QUARTER]["dukcapil"]
    # text tables keep identifiers exactly as text
    assert query_db(db, "SELECT count(*) FROM sources.dukcapil_individu WHERE NOT regexp_matches(nik, '^[0-9]{16}$')") == [(0,)]
    # re-reading the quarter replaces the partition: same counts
    assert main(["run", "--data", str(data), "--db", str(db), "--sampai", "sources"]) == 0
    assert query_db(db, "SELECT count(*) FROM sources.penerima_pbi_jk_penerima")[0][0] == accepted
    assert query_db(db, "SELECT count(*) FROM main.ditolak") == [(1,)]


def test_unreadable_file_fails_the_run_naming_it(tiny_world, tmp_path, capsys):
    world, _ = tiny_world
    data, quarter = _copy_quarter(world, tmp_path)
    path = quarter / "dtks" / "dtks_individu.csv"
    path.write_bytes(path.read_bytes() + b"\x81\x8d\x90 bytes no encoding knows\n")
    assert main(["run", "--data", str(data), "--db", str(tmp_path / "x.duckdb"), "--sampai", "sources"]) == 1
    out = capsys.readouterr()
    assert "FAILED" in out.out
    # the summary names the failed step and gives the reader's message, not Dagster's wrapper
    assert re.search(r"step failed: baca_dtks: dtks/dtks_individu\.csv: unreadable text encoding", out.out)


def _read(source, data, db):
    """Only baca_<source> (the run's other steps are not needed to read its files)."""
    baca = next(a for a in build_read_assets() if a.key.path[-1] == f"baca_{source}")
    return materialize([baca], partition_key=QUARTER, raise_on_error=False,
                       resources={"raw": RawData(data_dir=str(data)), "storage": DuckDBStorage(database=str(db))})


def _read_p3ke(data, db):
    return _read("p3ke", data, db)


def test_a_failing_file_leaves_every_table_of_its_source_as_before(tiny_world, tmp_path, query_db):
    """DTKS's family file reads (and differs from last time), its person file then fails: the
    families, the files' record and the rejected rows of the quarter all stay as they were."""
    world, _ = tiny_world
    data, quarter = _copy_quarter(world, tmp_path)
    db = tmp_path / "x.duckdb"
    families, persons = quarter / "dtks" / "dtks_keluarga.csv", quarter / "dtks" / "dtks_individu.csv"
    lines = families.read_bytes().splitlines(keepends=True)
    body = lines[5].rstrip(b"\r\n")
    families.write_bytes(b"".join(lines[:5] + [body + b';"extra"' + lines[5][len(body):]] + lines[6:]))  # one unreadable row
    assert _read("dtks", data, db).success
    state = """SELECT (SELECT count(*) FROM sources.dtks_keluarga), (SELECT count(*) FROM sources.dtks_individu),
                      (SELECT list(file || ':' || baris_rekaman ORDER BY file) FROM sources.berkas_dibaca),
                      (SELECT list(file || ':' || baris ORDER BY file, baris) FROM main.ditolak)"""
    before = query_db(db, state)
    assert before[0][0] > 0 and before[0][3] == ["dtks/dtks_keluarga.csv:6"]
    families.write_bytes(b"".join(lines[:-10]))  # ten families fewer, and no unreadable row any more
    persons.write_bytes(persons.read_bytes() + b"\x81\x8d\x90 bytes no encoding knows\n")
    result = _read("dtks", data, db)
    assert not result.success
    assert query_db(db, state) == before


def test_a_broken_workbook_among_several_fails_naming_it_and_keeps_the_previous_rows(tiny_world, tmp_path, query_db):
    """Workbooks are parsed ahead in threads while the previous one is inserted: a broken one
    still fails the step naming it, and the quarter's rows read before stay as they were."""
    world, summary = tiny_world
    data, quarter = _copy_quarter(world, tmp_path)
    db = tmp_path / "x.duckdb"
    assert _read_p3ke(data, db).success
    before = query_db(db, "SELECT count(*), count(DISTINCT file) FROM sources.p3ke_individu")
    workbooks = sorted((quarter / "p3ke").glob("*.xlsx"))
    assert len(workbooks) >= 3 and before[0][1] == len(workbooks)
    workbooks[-2].write_bytes(b"PK\x03\x04 not a workbook any more")
    result = _read_p3ke(data, db)
    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data
    assert f"p3ke/{workbooks[-2].name}" in failure.error.message + str(failure.user_failure_data.description)
    assert query_db(db, "SELECT count(*), count(DISTINCT file) FROM sources.p3ke_individu") == before


def test_workbooks_are_parsed_ahead_and_csvs_one_at_a_time(tmp_path, monkeypatch):
    """Workbooks (one core each in fastexcel) are parsed READ_AHEAD at a time while the previous one
    is inserted; a CSV, which pyarrow already parses on every core, only once the previous one is in,
    so a source split into many large CSVs never holds more than one in memory. Rows land in file order."""
    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow_read(path, spec, **_):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.2)
        with lock:
            in_flight[0] -= 1
        table = pa.table({"_baris": pa.array([2], pa.int64()), "nik": pa.array([path.stem], pa.string())})
        return ReadResult(table, _no_rejects(), 1)

    monkeypatch.setattr(ingest, "read_extract", slow_read)
    context = types.SimpleNamespace(log=types.SimpleNamespace(info=lambda *a: None))
    files = []
    for i in range(6):
        (tmp_path / f"f{i}").write_bytes(b"x")
        files.append((tmp_path / f"f{i}", f"f{i}"))
    for kind, most in (("xlsx", ingest.READ_AHEAD), ("csv", 1)):
        peak[0] = 0
        con = duckdb.connect()
        for ddl in ("ingest.sql", "ditolak.sql"):  # the schema and its tables
            con.execute((SQL_DIR / "sources" / ddl).read_text(encoding="utf-8"))
        reads = ingest._load_files(con, context, "sources.t", {"format": kind, "columns": ["nik"]}, QUARTER, files,
                                   "sources.x.files.t", "mapping.yaml", set())
        assert peak[0] == most, kind
        assert [r.rel for r in reads] == [rel for _, rel in files]
        assert con.execute("SELECT nik FROM sources.t ORDER BY nik").fetchall() == [(f"f{i}",) for i in range(6)]
