import os

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# Fixtures that run the whole job (minutes): the tests that use them go to one pytest-xdist worker
# (`make test` runs `pytest -n auto --dist loadgroup`), so the runs are made once, while the other
# workers take the rest of the suite.
WHOLE_RUN_FIXTURES = {"tiny_run", "tiny_db", "tiny_db_two_quarters", "con_two_quarters"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if WHOLE_RUN_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("whole_run"))


TINY_SCALE = 0.005  # ~27 k people, Gunungkidul ~3.9 k: large enough for shares, small enough to be quick
TINY_SEED = 11


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory):
    """One synthetic world (4 quarters) shared by the tests that only read it."""
    from dtsen_pipeline.synthetic.generate import generate

    out = tmp_path_factory.mktemp("world")
    summary = generate(out, scale=TINY_SCALE, seed=TINY_SEED)
    return out, summary


@pytest.fixture(scope="session")
def world_config():
    from dtsen_pipeline.synthetic.config import load_world

    return load_world(scale=TINY_SCALE, seed=TINY_SEED)


@pytest.fixture
def query_db():
    """Run a query on a DuckDB file read-only and return all rows."""
    import duckdb

    def run(db, sql):
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    return run


TINY_QUARTER = "2025-01-01"


def dagster_home(path):
    """A DAGSTER_HOME folder (sqlite run and event storage) without telemetry."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session", autouse=True)
def isolated_dagster_home(tmp_path_factory):
    """The tests' runs go to their own DAGSTER_HOME (one per pytest-xdist worker: sqlite storage
    wants one writer), never into the developer's .dagster_home and its UI."""
    home = dagster_home(tmp_path_factory.mktemp("dagster_home"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def tiny_run(tiny_world, tmp_path_factory):
    """The tiny world's first quarter run through the whole job once, as `dtsen run` does: the
    DuckDB file and the DAGSTER_HOME that keeps the run's event log (both read-only for the tests)."""
    from dtsen_pipeline.cli import main

    world, _ = tiny_world
    base = tmp_path_factory.mktemp("tinydb")
    db, home = base / "dtsen.duckdb", dagster_home(base / "dagster_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        assert main(["run", "--data", str(world), "--db", str(db), "--partition", TINY_QUARTER]) == 0
    return db, home


@pytest.fixture(scope="session")
def tiny_db(tiny_run):
    """The tiny world's first quarter run through the whole job once (read-only for the tests)."""
    return tiny_run[0]


@pytest.fixture(scope="session")
def tiny_db_two_quarters(tiny_db, tiny_world, tmp_path_factory):
    """A copy of `tiny_db` (first quarter, with its PMT models) with the second quarter run on top
    (read-only for the tests): for what compares quarters (stable ids, desil transitions)."""
    import shutil

    from dtsen_pipeline.cli import main

    world, _ = tiny_world
    folder = tmp_path_factory.mktemp("tinydb2")
    db = folder / "dtsen.duckdb"
    shutil.copy(tiny_db, db)
    if (tiny_db.parent / "model").is_dir():
        shutil.copytree(tiny_db.parent / "model", folder / "model")
    assert main(["run", "--data", str(world), "--db", str(db), "--partition", "2025-04-01"]) == 0
    return db


@pytest.fixture(scope="module")
def con_two_quarters(tiny_db_two_quarters):
    """A read-only connection to `tiny_db_two_quarters`, one per test module."""
    import duckdb

    c = duckdb.connect(str(tiny_db_two_quarters), read_only=True)
    yield c
    c.close()
