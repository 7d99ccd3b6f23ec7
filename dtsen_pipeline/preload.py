"""Libraries the later steps of a run need, imported in the background while its first steps run.

great-expectations takes about 5 s of one core to import (scipy.stats, SQLAlchemy, Altair), and
the first great-expectations check of a quarterly run used to wait for it; scikit-learn, which the
PMT modules import and the code location no longer does at load (assets/rank.py), about 3 s. The job's steps run one
after another in one process, and its first ones (checksums, reading files) spend their time in
hashlib, pyarrow, fastexcel and DuckDB, which release the GIL: a thread importing the library
meanwhile costs the run almost nothing. The sources stage's assets (`mentah_*`, a run's first
steps) start it, so `dtsen run`, the Dagster UI and the schedule all get it. (It was a success hook
of the job until the hook's event after each of a run's ~150 steps proved to cost more than a
call in the first assets.)
"""

import importlib
import os
import threading


MODULES = ("great_expectations", "dtsen_pipeline.pmt.artifact", "dtsen_pipeline.pmt.model", "dtsen_pipeline.pmt.sql_score")

_lock = threading.Lock()
_thread: threading.Thread | None = None


def _import_all() -> None:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # as checks/expectations.py: no usage events about a social registry
    for module in MODULES:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: BLE001 - the step that needs it imports it again and reports the error there
            pass


def start() -> threading.Thread:
    """Start importing MODULES in a daemon thread, once per process; the thread."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_import_all, name="dtsen-preload", daemon=True)
            _thread.start()
        return _thread
