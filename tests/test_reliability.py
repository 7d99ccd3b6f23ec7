"""Reliability as an operator needs it: re-running a quarter gives identical tables, a run that
breaks midway leaves the last good quarter as it was, and a database held by another process is
reported clearly."""

import multiprocessing as mp
import shutil

import duckdb
import pytest

from conftest import TINY_QUARTER
from dtsen_pipeline.cli import main
from dtsen_pipeline.resources import DuckDBStorage

NEXT_QUARTER = "2025-04-01"


def table_fingerprints(db, schemas=("main",), periode: str | None = None, folders=()) -> dict[str, tuple]:
    """Per table: (rows, order-independent content hashes) of the quarter's rows (of every row for
    a table without `periode`). Text naming a file under one of ``folders`` (e.g. the rank stage's
    model files beside the database) counts relative to it, so a copied database compares equal."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN "
                             f"({', '.join('?' for _ in schemas)}) ORDER BY ALL", list(schemas)).fetchall()
        out = {}
        for schema, table in tables:
            columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? "
                                  "ORDER BY column_index", [schema, table]).fetchall()
            values = []
            for name, kind in columns:
                value = f'"{name}"'
                if kind == "VARCHAR":
                    for folder in folders:
                        value = f"replace({value}, '{folder}/', '')"
                values.append(value)
            where, params = ("WHERE periode = ?", [periode]) if periode and "periode" in dict(columns) else ("", [])
            out[f"{schema}.{table}"] = tuple(con.execute(
                f"SELECT count(*), sum(h::HUGEINT), bit_xor(h) FROM (SELECT hash({', '.join(values)}) AS h "
                f'FROM "{schema}"."{table}" {where})', params).fetchall()[0])
        return out
    finally:
        con.close()


def _copy_db(tiny_db, folder):
    """A writable copy of the tiny database and what lives beside it (e.g. the rank stage's models)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(tiny_db, folder / tiny_db.name)
    for sibling in tiny_db.parent.iterdir():
        if sibling.is_dir() and sibling.name != "dagster_home":
            shutil.copytree(sibling, folder / sibling.name)
    return folder / tiny_db.name


def test_rerunning_a_quarter_gives_identical_tables(tiny_world, tiny_db, tmp_path):
    world, _ = tiny_world
    db = _copy_db(tiny_db, tmp_path / "db")
    folders = (tiny_db.parent, db.parent)
    before = table_fingerprints(db, ("main", "standardise"), periode=TINY_QUARTER, folders=folders)
    assert {"standardise.stg_individu", "main.padan_dukcapil", "main.individu", "main.keluarga"} <= set(before)
    assert all(before[t][0] > 0 for t in ("standardise.stg_individu", "main.padan_dukcapil", "main.individu", "main.keluarga"))
    assert main(["run", "--data", str(world), "--db", str(db), "--partition", TINY_QUARTER]) == 0
    after = table_fingerprints(db, ("main", "standardise"), periode=TINY_QUARTER, folders=folders)
    changed = sorted(t for t in before if before[t] != after.get(t))
    assert set(after) == set(before) and not changed, f"tables that differ after a re-run: {changed}"


def test_a_run_broken_midway_leaves_the_last_good_quarter_intact(tiny_world, tiny_db, tmp_path, monkeypatch):
    """The next quarter's run fails inside the transaction that writes stg_individu (after its
    rows were deleted, while inserting): every table of every schema keeps the first quarter's
    rows unchanged, and the half-written quarter leaves no row in the failed table nor after it."""
    world, _ = tiny_world
    db = _copy_db(tiny_db, tmp_path / "db")
    schemas = ("main", "sources", "standardise", "unify", "rank", "target")
    before = table_fingerprints(db, schemas, periode=TINY_QUARTER)

    original = DuckDBStorage.replace_partition_from_sql

    def failing(self, table, periode, select_sql, *args, **kwargs):
        if table == "standardise.stg_individu":  # raises for the first row the INSERT reads
            select_sql = f"SELECT * FROM ({select_sql}) WHERE error('injected failure: disk full') IS NULL"
        return original(self, table, periode, select_sql, *args, **kwargs)

    monkeypatch.setattr(DuckDBStorage, "replace_partition_from_sql", failing)
    assert main(["run", "--data", str(world), "--db", str(db), "--partition", NEXT_QUARTER]) == 1

    after = table_fingerprints(db, schemas, periode=TINY_QUARTER)
    assert {t: after.get(t) for t in before} == before
    con = duckdb.connect(str(db), read_only=True)
    try:
        written = dict(con.execute("SELECT 'dukcapil', count(*) FROM sources.dukcapil_individu WHERE periode = ? UNION ALL "
                                   "SELECT 'stg_individu', count(*) FROM standardise.stg_individu WHERE periode = ? UNION ALL "
                                   "SELECT 'padan_dukcapil', count(*) FROM main.padan_dukcapil WHERE periode = ?",
                                   [NEXT_QUARTER] * 3).fetchall())
    finally:
        con.close()
    assert written["dukcapil"] > 0  # the run got past the sources stage...
    assert written["stg_individu"] == 0 and written["padan_dukcapil"] == 0  # ...and wrote nothing half


def _hold_write_connection(path, ready, release):
    con = duckdb.connect(path)
    con.execute("CREATE TABLE IF NOT EXISTS dipegang AS SELECT 1 AS x")
    ready.set()
    release.wait(120)
    con.close()


def test_database_held_by_another_process_stops_the_run_with_a_clear_message(tiny_world, tmp_path, capsys):
    world, _ = tiny_world
    db = tmp_path / "dtsen.duckdb"
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_write_connection, args=(str(db), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        code = main(["run", "--data", str(world), "--db", str(db), "--partition", TINY_QUARTER])
    finally:
        release.set()
        holder.join(30)
    err = capsys.readouterr().err
    assert code == 3
    assert str(db) in err and "open in another process" in err and "close it and run again" in err
    assert f"PID {holder.pid}" in err  # which process to close


def test_even_a_read_only_connection_names_the_locked_file(tmp_path):
    from dtsen_pipeline.resources import StorageLockedError

    db = tmp_path / "x.duckdb"
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_write_connection, args=(str(db), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        with pytest.raises(StorageLockedError, match="open in another process") as info:
            with DuckDBStorage(database=str(db)).connect(read_only=True):
                pass
        assert str(db) in str(info.value)
    finally:
        release.set()
        holder.join(30)
