import os

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

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


@pytest.fixture(scope="session")
def tiny_db(tiny_world, tmp_path_factory):
    """The tiny world's first quarter run through the whole job once (read-only for the tests)."""
    from dtsen_pipeline.cli import main

    world, _ = tiny_world
    db = tmp_path_factory.mktemp("tinydb") / "dtsen.duckdb"
    assert main(["run", "--data", str(world), "--db", str(db), "--partition", TINY_QUARTER]) == 0
    return db
