"""Reading every source into DuckDB text tables: bad rows go to `ditolak` with file and line,
every row is accounted for, a file that cannot be read fails the run naming it."""

import re
import shutil

from dtsen_pipeline.cli import main

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
    path.write_text("".join(lines), encoding="utf-8")
    db = tmp_path / "x.duckdb"
    assert main(["run", "--data", str(data), "--db", str(db), "--sampai", "standardise"]) == 0
    assert re.search(r"run ok; (\d+)/\1 checks passed", capsys.readouterr().out)
    assert query_db(db, "SELECT file, baris, alasan_kode FROM main.ditolak") == [("penerima/pbi_jk.txt", 5, "baris_rusak")]
    accepted = query_db(db, "SELECT count(*) FROM sources.penerima_pbi_jk_penerima")[0][0]
    assert accepted == summary[QUARTER]["penerima_pbi_jk"] - 1
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
    assert "dtks/dtks_individu.csv" in out.out + out.err
