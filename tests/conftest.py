import fcntl
import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

def shared_root(tmp_path_factory) -> Path:
    """The session's temporary folder that every pytest-xdist worker sees (a worker's own is a
    subfolder of it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(root: Path, name: str, build):
    """``build(folder)`` once per test session, even across pytest-xdist workers: the first caller
    builds under a file lock and records its JSON result; the others wait for it and read it.
    What the whole-run fixtures build (minutes) is thus made once while the workers share the
    rest of the suite (`make test` runs `pytest -n auto`)."""
    folder, done = root / name, root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                done.write_text(json.dumps(build(folder)), encoding="utf-8")
            return folder, json.loads(done.read_text(encoding="utf-8"))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


TINY_SCALE = 0.005  # ~27 k people, Gunungkidul ~3.9 k: large enough for shares, small enough to be quick
TINY_SEED = 11


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory):
    """One synthetic world (4 quarters) shared by the tests that only read it."""
    from dtsen_pipeline.synthetic.generate import generate

    return build_once(shared_root(tmp_path_factory), "world", lambda out: generate(out, scale=TINY_SCALE, seed=TINY_SEED))


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

    def build(base):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DAGSTER_HOME", str(dagster_home(base / "dagster_home")))
            assert main(["run", "--data", str(world), "--db", str(base / "dtsen.duckdb"), "--partition", TINY_QUARTER]) == 0

    base, _ = build_once(shared_root(tmp_path_factory), "tinydb", build)
    return base / "dtsen.duckdb", base / "dagster_home"


@pytest.fixture(scope="session")
def tiny_db(tiny_run):
    """The tiny world's first quarter run through the whole job once (read-only for the tests)."""
    return tiny_run[0]


@pytest.fixture(scope="session")
def tiny_db_two_quarters(tiny_db, tiny_world, tmp_path_factory):
    """A copy of `tiny_db` (first quarter, with its PMT models) with the second quarter run on top
    (read-only for the tests): for what compares quarters (stable ids, desil transitions)."""
    from dtsen_pipeline.cli import main

    world, _ = tiny_world

    def build(folder):
        shutil.copy(tiny_db, folder / "dtsen.duckdb")
        if (tiny_db.parent / "model").is_dir():
            shutil.copytree(tiny_db.parent / "model", folder / "model")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DAGSTER_HOME", str(dagster_home(folder / "dagster_home")))
            assert main(["run", "--data", str(world), "--db", str(folder / "dtsen.duckdb"), "--partition", "2025-04-01"]) == 0

    folder, _ = build_once(shared_root(tmp_path_factory), "tinydb2", build)
    return folder / "dtsen.duckdb"


@pytest.fixture(scope="module")
def con_two_quarters(tiny_db_two_quarters):
    """A read-only connection to `tiny_db_two_quarters`, one per test module."""
    import duckdb

    c = duckdb.connect(str(tiny_db_two_quarters), read_only=True)
    yield c
    c.close()
