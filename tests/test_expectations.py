"""The great-expectations suites (checks/suites.yaml): they pass on the synthetic world, fail on
broken tables with masked examples, and never show a NIK, KK or name in clear."""

import re
import shutil

import duckdb
import pytest
from dagster import AssetCheckKey, AssetCheckSeverity, AssetKey

from dtsen_pipeline.checks.expectations import build_expectation_checks, load_suites, run_suite, suite_specs
from dtsen_pipeline.definitions import defs
from dtsen_pipeline.resources import DuckDBStorage

SUITES = load_suites()
SIXTEEN_DIGITS = re.compile(r"\d{16}")
SUITE_KEYS = [(name, sumber) for name in ("stg_individu", "stg_keluarga") for sumber in SUITES["tabel"][name]["sumber"]]


@pytest.fixture(scope="module")
def world_db(tiny_db, tmp_path_factory):
    """A copy of the tiny world's quarter run through the whole job (whose `dtsen run` exit code 0
    already says every check passed, these included), and its quarter."""
    db = tmp_path_factory.mktemp("gx") / "dtsen.duckdb"
    shutil.copy(tiny_db, db)
    with duckdb.connect(str(db), read_only=True) as con:
        (quarter,), = con.execute("SELECT DISTINCT periode FROM main.stg_individu").fetchall()
    return db, quarter


@pytest.fixture(scope="module")
def results(world_db):
    db, quarter = world_db
    storage = DuckDBStorage(database=str(db))
    return {(name, sumber): run_suite(storage, name, SUITES["tabel"][name], sumber, quarter, SUITES["sampel"])
            for name, sumber in SUITE_KEYS}


@pytest.fixture
def broken(world_db, tmp_path):
    """A copy to break: (connection, storage, quarter)."""
    db = tmp_path / "broken.duckdb"
    shutil.copy(world_db[0], db)
    return duckdb.connect(str(db)), DuckDBStorage(database=str(db)), world_db[1]


def _metadata_text(metadata) -> str:
    return " ".join(str(getattr(v, "value", v)) for v in metadata.values())


def test_a_check_per_table_and_source_in_the_job():
    checks = defs.resolve_asset_graph().asset_check_keys
    for name, sumber in SUITE_KEYS:
        assert AssetCheckKey(AssetKey(name), f"mutu_{sumber}") in checks
    blocking = {spec.name: spec.blocking for c in build_expectation_checks(defs.assets)
                for spec in c.check_specs if spec.asset_key == AssetKey("stg_individu")}
    assert blocking == {f"mutu_{s}": True for s in SUITES["tabel"]["stg_individu"]["sumber"]}


def test_every_suite_passes_on_the_synthetic_world(results):
    for key, result in results.items():
        assert result.passed, (key, result.description)
        metadata = {k: getattr(v, "value", v) for k, v in result.metadata.items()}
        assert metadata["baris_divalidasi"] == metadata["baris_sumber"] > 0  # tiny world: every row
        assert metadata["harapan_gagal"] == 0 and "| NO " not in metadata["hasil"]
        assert not SIXTEEN_DIGITS.search(_metadata_text(result.metadata))


def test_failing_examples_are_masked(broken):
    """Failing examples of NIK, KK and id columns (Dukcapil's id is the NIK) never show a number in clear."""
    con, storage, quarter = broken
    con.execute("UPDATE main.stg_individu SET nik = nik || '1', no_kk = '0' || no_kk, nik_bentuk = nik WHERE sumber = 'dukcapil'")
    con.execute("UPDATE main.stg_individu SET id_sumber = '3403014703850001' WHERE sumber = 'dukcapil' AND baris % 50 = 0")
    con.close()
    result = run_suite(storage, "stg_individu", SUITES["tabel"]["stg_individu"], "dukcapil", quarter, SUITES["sampel"])
    assert not result.passed
    failed = {line.split("|")[1].strip() for line in result.metadata["hasil"].value.splitlines() if "| NO " in line}
    assert {"nik", "no_kk", "nik_bentuk", "id_sumber"} <= failed
    text = _metadata_text(result.metadata) + result.description
    assert "3403**********01" in text and re.search(r"\d{4}\*{11}\d{2}", text)  # examples are shown, masked
    assert not SIXTEEN_DIGITS.search(text)


def test_garbage_sex_and_blank_niks_fail_their_checks_as_blocking(broken):
    con, storage, quarter = broken
    con.execute("UPDATE main.stg_individu SET jenis_kelamin = 'X' WHERE sumber = 'p3ke'")
    con.execute("UPDATE main.stg_individu SET nik = NULL WHERE sumber = 'dtks' AND baris % 5 = 0")
    con.close()
    table = SUITES["tabel"]["stg_individu"]
    p3ke = run_suite(storage, "stg_individu", table, "p3ke", quarter, SUITES["sampel"])
    assert not p3ke.passed and p3ke.severity == AssetCheckSeverity.ERROR
    assert "jenis_kelamin be_in_set: 100.0% unexpected" in p3ke.description
    assert re.search(r"\| jenis_kelamin +\| be_in_set .*\| NO .*\| X ", p3ke.metadata["hasil"].value)
    dtks = run_suite(storage, "stg_individu", table, "dtks", quarter, SUITES["sampel"])
    assert not dtks.passed and dtks.severity == AssetCheckSeverity.ERROR
    assert dtks.description.startswith("nik not_be_null:")
    assert run_suite(storage, "stg_individu", table, "regsosek", quarter, SUITES["sampel"]).passed


def test_a_non_blocking_failure_warns_and_the_sample_is_deterministic(broken):
    con, storage, quarter = broken
    con.execute("UPDATE main.stg_keluarga SET tgl_pendataan = DATE '2031-01-01' WHERE sumber = 'regsosek'")
    con.close()
    table = SUITES["tabel"]["stg_keluarga"]
    first = run_suite(storage, "stg_keluarga", table, "regsosek", quarter, 1000)
    assert not first.passed and first.severity == AssetCheckSeverity.WARN  # tgl_pendataan guards no later stage
    assert first.metadata["baris_divalidasi"].value == 1000 < first.metadata["baris_sumber"].value
    assert "smallest hash(id_keluarga_sumber)" in first.metadata["sampel"].value
    again = run_suite(storage, "stg_keluarga", table, "regsosek", quarter, 1000)
    assert again.metadata["hasil"].value == first.metadata["hasil"].value


def test_suite_file_per_source_values_pairing_and_new_tables(tmp_path):
    specs = suite_specs(SUITES["tabel"]["stg_individu"], "dtks", "2025-04-01")
    assert [s["kwargs"]["mostly"] for s in specs if s["column"] == "nik"] == [0.94, 0.97]
    assert not [s for s in specs if s["column"] == "status_hidup"]  # hanya: [dukcapil]
    between = next(s for s in specs if s["column"] == "tgl_lahir" and "max_value" in s["kwargs"])
    assert between["kwargs"]["max_value"].date().isoformat() == "2025-06-30"  # the quarter's last day
    # GX map expectations skip nulls: every column is paired with not_null unless its nulls are legitimate
    for name, table in SUITES["tabel"].items():
        for column, rules in table["kolom"].items():
            assert "not_null" in rules or column.startswith("nik_cocok"), (name, column)
    # a suite for a table whose asset is not (yet) defined is skipped
    from dtsen_pipeline.assets.standardise import stg_individu

    (tmp_path / "s.yaml").write_text("sampel: 10\ntabel:\n  stg_baru: {kunci: id, kolom: {id: {not_null: 1.0}}}\n"
                                     "  stg_individu: {kunci: id_sumber, kolom: {id_sumber: {not_null: 1.0}}}\n")
    checks = build_expectation_checks([stg_individu], tmp_path / "s.yaml")
    assert [key.name for c in checks for key in c.check_keys] == ["mutu"]
