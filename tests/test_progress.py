"""An operator can tell where a run is: every step logs `step N/M done`, and the reader logs each
file as it starts and ends with its rows."""

import re

import pytest
from dagster import DagsterEventType, DagsterInstance

from conftest import TINY_QUARTER


@pytest.fixture(scope="module")
def run_messages(tiny_run):
    """The log messages of the tiny world's run, in order."""
    _, home = tiny_run
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        with DagsterInstance.get() as instance:
            (run,) = instance.get_runs()
            steps = len(instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id).steps)
            messages = [r.event_log_entry.user_message for r in instance.get_records_for_run(run.run_id, limit=1_000_000).records
                        if r.event_log_entry.dagster_event is None]
            succeeded = len(instance.get_records_for_run(run.run_id, of_type=DagsterEventType.STEP_SUCCESS, limit=100_000).records)
    return messages, steps, succeeded


def test_every_step_logs_its_place_in_the_run(run_messages):
    messages, steps, succeeded = run_messages
    progress = [re.match(r"step (\d+)/(\d+) done: (\S+) \((\d+\.\d) s\)$", m) for m in messages if m.startswith("step ")]
    assert progress and all(progress), [m for m in messages if m.startswith("step ")][:3]
    assert len(progress) == succeeded == steps
    assert [int(m.group(1)) for m in progress] == list(range(1, steps + 1))
    assert {int(m.group(2)) for m in progress} == {steps}
    assert len({m.group(3) for m in progress}) == steps  # each step once


def test_reader_logs_each_file_with_its_rows(run_messages, tiny_db, query_db):
    messages, _, _ = run_messages
    files = query_db(tiny_db, f"SELECT sumber || '/' || berkas, path, baris FROM sources.berkas_mentah WHERE periode = '{TINY_QUARTER}'")
    assert len(files) >= 10
    for part, path, rows in files:
        start = [i for i, m in enumerate(messages) if m.startswith(f"{part}: reading {path} (")]
        end = [(i, re.match(rf"{part}: read {re.escape(path)}: (\d+) rows, (\d+) rejected, \d+\.\d s$", m))
               for i, m in enumerate(messages) if m.startswith(f"{part}: read {path}:")]
        assert len(start) == 1 and len(end) == 1 and end[0][1], (part, path)
        assert start[0] < end[0][0]
        assert int(end[0][1].group(1)) == rows  # the rows counted in the file, all read
