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


def test_the_quarterly_job_starts_the_preload():
    from dtsen_pipeline.definitions import defs
    from dtsen_pipeline.preload import preload_libraries

    job = defs.resolve_job_def("dtsen_kuartalan")
    assert preload_libraries in job.hook_defs
