"""The Dagster code location loads, and `dtsen run` materialises the raw-discovery assets per
quarter, idempotently, reporting missing files and columns by name."""

import shutil

import duckdb
import pytest
from dagster import AssetKey, Definitions

from dtsen_pipeline.cli import main
from dtsen_pipeline.assets.golden import golden_assets
from dtsen_pipeline.assets.standardise import TABLES
from dtsen_pipeline.assets.target import target_assets
from dtsen_pipeline.assets.target_lists import daftar_desa
from dtsen_pipeline.assets.rank import rank_assets
from dtsen_pipeline.definitions import build_definitions
from dtsen_pipeline.partitions import quarterly
from dtsen_pipeline.sources.mapping import load_mapping


def test_definitions_load_with_an_asset_and_check_per_source(tiny_world, tmp_path):
    world, _ = tiny_world
    sources = load_mapping()
    stages = {t.name for t in TABLES} | {"padan_dukcapil"} | {a.key.to_user_string() for a in [*golden_assets, *rank_assets, *target_assets, daftar_desa]}
    stages |= {"katalog"}  # stage publish
    for data_dir, evaluation in ((tmp_path, set()), (world, {"evaluasi_padan", "evaluasi_sasaran"})):  # evaluation only beside a truth
        defs = build_definitions(data_dir=str(data_dir))
        Definitions.validate_loadable(defs)
        keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
        assert keys == {f"mentah_{s}" for s in sources} | {f"baca_{s}" for s in sources} | stages | evaluation
    job = defs.resolve_job_def("dtsen_kuartalan")
    assert job.partitions_def == quarterly
    assert defs.resolve_schedule_def("dtsen_kuartalan_schedule").cron_schedule == "0 0 1 */3 *"
    checks = defs.resolve_asset_graph().asset_check_keys
    assert {c.asset_key for c in checks} == {AssetKey(k) for k in keys - evaluation}  # every asset is checked
    assert {c.name for c in checks} >= {"berkas_lengkap", "baris_lengkap", "nilai_variabel", "tanggal_terbaca", "mutu_dukcapil",
                                        "satu_baris_per_rekaman", "satu_ke_satu", "id_unik", "anggota_lengkap",
                                        "rekaman_lengkap", "rekaman_disimpan_ada"}


def test_quarterly_partition_keys():
    keys = quarterly.get_partition_keys()
    assert keys[:4] == ["2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01"]
    assert all(k[5:] in ("01-01", "04-01", "07-01", "10-01") for k in keys)


def test_run_materialises_every_quarter_found(tiny_world, tmp_path, capsys, query_db):
    # every quarter folder under raw/ is run (two here, and only the first stage (`--sampai
    # sources`), to keep the suite short: whole runs of two quarters are the fixture
    # tiny_db_two_quarters, re-runs test_reliability, the whole four quarters `make demo`)
    world, summary = tiny_world
    quarters = sorted(summary)[:2]
    for part in ("raw", "truth"):
        (tmp_path / "world" / part).mkdir(parents=True)
        for q in quarters:
            (tmp_path / "world" / part / q).symlink_to(world / part / q, target_is_directory=True)
    db = tmp_path / "dtsen.duckdb"
    assert main(["run", "--data", str(tmp_path / "world"), "--db", str(db), "--sampai", "sources"]) == 0
    out = capsys.readouterr().out
    assert out.count("run ok") == 2
    per_quarter = dict(query_db(db, "SELECT periode, count(DISTINCT sumber) FROM sources.berkas_mentah GROUP BY 1"))
    assert per_quarter == {q: len(load_mapping()) for q in quarters}
    dukcapil_rows = query_db(db, "SELECT baris FROM sources.berkas_mentah WHERE periode = '2025-04-01' AND sumber = 'dukcapil'")
    assert dukcapil_rows == [(summary["2025-04-01"]["dukcapil"],)]
    assert query_db(db, "SELECT count(*) FROM sources.berkas_mentah WHERE galat IS NOT NULL") == [(0,)]
    # --sampai sources: the files were read, no later stage ran
    assert query_db(db, "SELECT count(*) > 0 FROM sources.dukcapil_individu WHERE periode = '2025-04-01'") == [(True,)]
    assert query_db(db, "SELECT DISTINCT schema_name FROM duckdb_tables() ORDER BY 1") == [("main",), ("sources",)]
    assert query_db(db, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'") == [("ditolak",)]


def test_missing_file_and_column_fail_the_check_by_name(tiny_world, tmp_path, capsys):
    world, _ = tiny_world
    data = tmp_path / "data"
    shutil.copytree(world / "raw" / "2025-01-01", data / "raw" / "2025-01-01")
    (data / "raw" / "2025-01-01" / "dtks" / "dtks_keluarga.csv").unlink()
    dukcapil = data / "raw" / "2025-01-01" / "dukcapil" / "biodata_wni.csv"
    text = dukcapil.read_text(encoding="utf-8")
    dukcapil.write_text(text.replace('"NAMA_LGKP"', '"NAMA"', 1), encoding="utf-8")
    assert main(["run", "--data", str(data), "--db", str(tmp_path / "x.duckdb"), "--sampai", "sources"]) == 1
    out = capsys.readouterr().out
    assert "mentah_dtks berkas_lengkap" in out and "dtks/dtks_keluarga*.csv" in out
    assert "mentah_dukcapil berkas_lengkap" in out and "NAMA_LGKP" in out


def test_run_without_quarters_says_what_to_do(tmp_path, capsys):
    assert main(["run", "--data", str(tmp_path), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "dtsen generate" in capsys.readouterr().err


def test_locked_database_gives_a_clear_message(tmp_path):
    from dtsen_pipeline.resources import DuckDBStorage, StorageLockedError

    storage = DuckDBStorage(database=str(tmp_path / "x.duckdb"))
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path / "x.duckdb"), ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        with pytest.raises(StorageLockedError, match="open in another process"):
            with storage.connect():
                pass
    finally:
        release.set()
        holder.join(30)


def _hold_lock(path, ready, release):
    con = duckdb.connect(path)
    ready.set()
    release.wait(60)
    con.close()


def test_replace_partition_is_atomic(tmp_path):
    import pandas as pd

    from dtsen_pipeline.resources import DuckDBStorage

    storage = DuckDBStorage(database=str(tmp_path / "x.duckdb"))
    storage.replace_partition("s.t", "2025-01-01", pd.DataFrame({"periode": ["2025-01-01"] * 3, "v": [1, 2, 3]}))
    storage.replace_partition("s.t", "2025-04-01", pd.DataFrame({"periode": ["2025-04-01"], "v": [9]}))
    with pytest.raises(Exception):
        storage.replace_partition("s.t", "2025-01-01", pd.DataFrame({"periode": ["2025-01-01"], "v": ["not a number"]}))
    assert storage.query("SELECT periode, count(*) n FROM s.t GROUP BY 1 ORDER BY 1").to_dict("list") == {
        "periode": ["2025-01-01", "2025-04-01"], "n": [3, 1]}


def test_a_column_added_by_a_newer_version_extends_the_table(tmp_path):
    import pandas as pd

    from dtsen_pipeline.resources import DuckDBStorage

    storage = DuckDBStorage(database=str(tmp_path / "x.duckdb"))
    storage.replace_partition("s.t", "2025-01-01", pd.DataFrame({"periode": ["2025-01-01"] * 2, "v": [1, 2]}))
    # the next version of the pipeline writes a new column: the earlier quarter stays, with NULL there
    storage.replace_partition("s.t", "2025-04-01", pd.DataFrame({"periode": ["2025-04-01"], "v": [3], "w": ["baru"]}))
    assert storage.query("SELECT periode, v, coalesce(w, '-') FROM s.t ORDER BY v").values.tolist() == [
        ["2025-01-01", 1, "-"], ["2025-01-01", 2, "-"], ["2025-04-01", 3, "baru"]]


def test_partitions_written_together_are_replaced_together(tmp_path):
    """replace_partitions_from_sql: when the second write fails, the first table keeps its old
    quarter too (a run never leaves rejected people of one run beside the table of another)."""
    from dtsen_pipeline.resources import DuckDBStorage, PartitionWrite

    storage = DuckDBStorage(database=str(tmp_path / "x.duckdb"))
    assert storage.replace_partitions_from_sql("2025-01-01", [
        PartitionWrite("s.a", "SELECT $periode AS periode, 'x' AS k, 'lama' AS v"),
        PartitionWrite("s.b", "SELECT $periode AS periode, 1 AS n")], params={"periode": "2025-01-01"}) == [1, 1]
    with pytest.raises(Exception, match="gagal"):
        storage.replace_partitions_from_sql("2025-01-01", [
            PartitionWrite("s.a", "SELECT $periode AS periode, 'x' AS k, 'baru' AS v", where={"k": "x"}),
            PartitionWrite("s.b", "SELECT $periode AS periode, CAST(error('gagal') AS INTEGER) AS n")], params={"periode": "2025-01-01"})
    assert storage.query("SELECT v FROM s.a").values.tolist() == [["lama"]]
    assert storage.query("SELECT n FROM s.b").values.tolist() == [[1]]


def test_a_run_opens_the_database_once_and_closes_it_at_the_end(tmp_path, monkeypatch):
    """In a run every connect() is a cursor of one open database (opening the file costs ~15 ms, a
    quarter asks ~370 times); after the run the file is closed, for the next process or notebook."""
    import pandas as pd
    from dagster import asset, materialize

    from dtsen_pipeline import resources
    from dtsen_pipeline.resources import DuckDBStorage

    db = str(tmp_path / "x.duckdb")
    opened = []
    real_connect = duckdb.connect
    monkeypatch.setattr(resources.duckdb, "connect", lambda *a, **k: opened.append(a[0]) or real_connect(*a, **k))

    @asset
    def satu(storage: DuckDBStorage) -> None:
        storage.replace_partition("s.t", "2025-01-01", pd.DataFrame({"periode": ["2025-01-01"], "v": [1]}))
        with storage.connect() as a, storage.connect() as b:  # each its own transaction
            a.execute("BEGIN TRANSACTION")
            a.execute("INSERT INTO s.t VALUES ('2025-01-01', 2)")
            assert b.execute("SELECT count(*) FROM s.t").fetchall() == [(1,)]
            a.execute("COMMIT")

    @asset(deps=[satu])
    def dua(storage: DuckDBStorage) -> None:
        assert storage.query("SELECT sum(v) FROM s.t").iloc[0, 0] == 3

    assert materialize([satu, dua], resources={"storage": DuckDBStorage(database=db)}).success
    assert opened == [db]
    with real_connect(db, read_only=True) as con:  # another configuration: only possible once the run closed the file
        assert con.execute("SELECT count(*) FROM s.t").fetchall() == [(2,)]
    storage = DuckDBStorage(database=db)  # outside a run: a connection per call, as before
    storage.query("SELECT 1")
    storage.query("SELECT 1")
    assert opened == [db, db, db]


def test_a_failed_commit_reports_its_own_reason(tmp_path):
    """When COMMIT fails DuckDB has already ended the transaction; the ROLLBACK that follows must not
    replace the reason with 'cannot rollback - no transaction is active'."""
    from dtsen_pipeline.resources import transaction

    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    try:
        con.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
        a, b = con.cursor(), con.cursor()
        with transaction(a):
            a.execute("INSERT INTO t VALUES (1)")
            with pytest.raises(duckdb.Error, match="duplicate key"):
                with transaction(b):  # the same key written by a transaction that commits first
                    b.execute("INSERT INTO t VALUES (1)")
                    a.execute("COMMIT")
                    a.execute("BEGIN TRANSACTION")  # for the outer block's COMMIT
        assert con.execute("SELECT k FROM t").fetchall() == [(1,)]
    finally:
        con.close()
