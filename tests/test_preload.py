"""preload.py: the libraries later steps need are imported by a background thread, once."""

import subprocess
import sys


def test_preload_imports_the_heavy_libraries_in_the_background_once():
    # a fresh interpreter: the test process has usually imported them already
    code = """
import sys
import dtsen_pipeline.definitions  # loading the code location imports neither
assert "great_expectations" not in sys.modules and "sklearn" not in sys.modules, "imported at load"
from dtsen_pipeline import preload
first = preload.start()
assert preload.start() is first  # once per process
first.join(120)
assert "great_expectations" in sys.modules and "sklearn" in sys.modules
assert all(m in sys.modules for m in preload.MODULES)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_runs_first_assets_start_the_preload(tmp_path):
    code = f"""
from dagster import materialize
from dtsen_pipeline import preload
from dtsen_pipeline.assets.sources import build_raw_assets
from dtsen_pipeline.resources import DuckDBStorage, RawData
assert preload._thread is None
(asset,) = [a for a in build_raw_assets() if a.key.to_user_string() == "mentah_wilayah"]
materialize([asset], partition_key="2025-01-01",
            resources={{"raw": RawData(data_dir={str(tmp_path)!r}), "storage": DuckDBStorage(database={str(tmp_path / 'x.duckdb')!r})}})
assert preload._thread is not None, "not started"
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
