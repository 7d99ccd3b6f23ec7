"""The sensor starts the quarterly job for a quarter folder that is complete and no longer being
written, once per content fingerprint."""

import json
import os
import shutil
import uuid

import pytest
from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, build_sensor_context

from dtsen_pipeline.definitions import build_definitions
from dtsen_pipeline.resources import RawData
from dtsen_pipeline.sensors import DONE_MARKER, JOB_NAME, SENSOR_NAME, dtsen_kuartal_lengkap, expected_files

Q1, Q2 = "2025-01-01", "2025-04-01"


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as inst:
        yield inst


@pytest.fixture(scope="module")
def defs():
    return build_definitions()


@pytest.fixture
def data(tiny_world, tmp_path):
    """A raw directory holding a copy of the tiny world's first quarter, without its manifest."""
    world, _ = tiny_world
    shutil.copytree(world / "raw" / Q1, tmp_path / "raw" / Q1)
    (tmp_path / "raw" / Q1 / "manifest.json").unlink()
    return tmp_path


class Ticker:
    """Evaluates the sensor tick after tick, carrying the cursor like the daemon does."""

    def __init__(self, data, instance, defs):
        self.raw, self.instance, self.defs, self.cursor = RawData(data_dir=str(data)), instance, defs, None

    def tick(self):
        context = build_sensor_context(instance=self.instance, cursor=self.cursor, resources={"raw": self.raw},
                                       definitions=self.defs)
        result = dtsen_kuartal_lengkap.evaluate_tick(context)
        self.cursor = result.cursor
        return result


def _touch(path, later_ns=10**9):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + later_ns))


def test_sensor_is_in_the_definitions_and_targets_the_quarterly_job(defs):
    sensor = defs.resolve_sensor_def(SENSOR_NAME)
    assert sensor.job_name == JOB_NAME
    assert defs.resolve_job_def(JOB_NAME) is not None


def test_incomplete_folder_waits_naming_the_missing_files(data, instance, defs):
    (data / "raw" / Q1 / "dtks" / "dtks_keluarga.csv").unlink()
    ticker = Ticker(data, instance, defs)
    for _ in range(2):
        result = ticker.tick()
        assert result.run_requests == []
        assert "dtks/dtks_keluarga*.csv" in result.skip_message and Q1 in result.skip_message


def test_stable_folder_runs_once_and_a_redelivery_runs_again(data, instance, defs):
    ticker = Ticker(data, instance, defs)
    first = ticker.tick()
    assert first.run_requests == [] and "still being written" in first.skip_message  # no marker: wait one tick
    second = ticker.tick()
    assert [(r.partition_key, r.run_key.split(":")[0]) for r in second.run_requests] == [(Q1, Q1)]
    key = second.run_requests[0].run_key
    assert ticker.tick().run_requests == []  # unchanged: nothing new

    # copied again with the same bytes (new modification time): same content, no new run
    _touch(data / "raw" / Q1 / "dukcapil" / "biodata_wni.csv")
    assert ticker.tick().run_requests == [] and ticker.tick().run_requests == []

    # re-delivered with different contents: waits until stable, then runs under a new key
    sembako = data / "raw" / Q1 / "penerima" / "sembako.csv"
    sembako.write_bytes(sembako.read_bytes() + sembako.read_bytes().splitlines(keepends=True)[1])
    assert ticker.tick().run_requests == []
    again = ticker.tick().run_requests
    assert len(again) == 1 and again[0].partition_key == Q1 and again[0].run_key.startswith(Q1)
    assert again[0].run_key != key


def test_done_marker_or_matching_manifest_run_at_once(data, instance, tiny_world, defs):
    world, _ = tiny_world
    (data / "raw" / Q1 / DONE_MARKER).write_text("")
    assert [r.partition_key for r in Ticker(data, instance, defs).tick().run_requests] == [Q1]

    (data / "raw" / Q1 / DONE_MARKER).unlink()
    shutil.copy(world / "raw" / Q1 / "manifest.json", data / "raw" / Q1 / "manifest.json")
    assert [r.partition_key for r in Ticker(data, instance, defs).tick().run_requests] == [Q1]

    # a manifest that does not match what is there (a file still being copied) is no proof
    manifest = json.loads((data / "raw" / Q1 / "manifest.json").read_text())
    manifest["files"][0]["bytes"] += 1
    (data / "raw" / Q1 / "manifest.json").write_text(json.dumps(manifest))
    assert Ticker(data, instance, defs).tick().run_requests == []


def test_one_quarter_per_tick_and_none_while_a_run_is_in_progress(data, instance, tiny_world, defs):
    world, _ = tiny_world
    shutil.copytree(world / "raw" / Q2, data / "raw" / Q2)  # with its manifest: ready at once
    (data / "raw" / Q1 / DONE_MARKER).write_text("")
    ticker = Ticker(data, instance, defs)
    assert [r.partition_key for r in ticker.tick().run_requests] == [Q1]  # the oldest first

    instance.add_run(DagsterRun(job_name=JOB_NAME, run_id=str(uuid.uuid4()), status=DagsterRunStatus.STARTED))
    busy = ticker.tick()
    assert busy.run_requests == [] and Q2 in busy.skip_message and "one writer" in busy.skip_message
    for run in instance.get_runs():
        instance.report_run_canceled(run)
    assert [r.partition_key for r in ticker.tick().run_requests] == [Q2]
    assert ticker.tick().run_requests == []


def test_expected_files_follow_the_mapping(data):
    raw = RawData(data_dir=str(data))
    files, missing = expected_files(raw.quarter_dir(Q1), raw.mapping())
    assert missing == []
    assert {f.parts[-2] for f in files} == {"dukcapil", "dtks", "p3ke", "regsosek", "penerima", "negatif", "survei", "referensi"}
    (data / "raw" / Q1 / "referensi" / "wilayah.csv").unlink()
    assert expected_files(raw.quarter_dir(Q1), raw.mapping())[1] == ["referensi/wilayah*.csv"]
