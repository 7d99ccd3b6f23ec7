"""Sensor `dtsen_kuartal_lengkap`: start the quarterly job for a quarter as soon as its folder of
extracts under ``<data_dir>/raw/<YYYY-MM-DD>/`` is complete and no longer being written.

A quarter folder is **complete** when every file the mapping expects (each `pattern` of every
source in mapping.yaml) matches at least one file. It is **ready** when, in addition, one of:

- the folder holds a ``SELESAI`` file (the delivering side writes it last: "done");
- its ``manifest.json`` (what the synthetic generator writes last) lists every expected file with
  the size it has now;
- nothing in it (names, sizes, modification times of the expected files) changed since the
  previous tick, i.e. for at least ``minimum_interval_seconds``.

The run key is the quarter plus a **content fingerprint** (sha256 over each expected file's path
and sha256, the same checksums `sources.berkas_mentah` records): a re-delivered folder with
different contents runs again, an unchanged one (even if copied again with new timestamps) does
not. File checksums are cached in the cursor by size and modification time, so a file is read
once per delivery, not once per tick. One run at a time: DuckDB has one writer per file, so the
sensor requests nothing while a run of the job is queued or in progress, and at most one quarter
(the oldest) per tick.
"""

import hashlib
import json
from pathlib import Path

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from .partitions import quarterly
from .resources import RawData

JOB_NAME = "dtsen_kuartalan"
SENSOR_NAME = "dtsen_kuartal_lengkap"
DONE_MARKER = "SELESAI"
MANIFEST = "manifest.json"
FINGERPRINT_TAG = "dtsen/sidik_berkas"
ACTIVE = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]


def expected_files(quarter_dir: Path, mapping: dict) -> tuple[list[Path], list[str]]:
    """The files of the quarter folder the mapping expects, and the patterns that match none."""
    found: set[Path] = set()
    missing: list[str] = []
    for entry in mapping.values():
        for spec in entry["files"].values():
            matches = [p for p in quarter_dir.glob(spec["pattern"]) if p.is_file()]
            if matches:
                found.update(matches)
            else:
                missing.append(spec["pattern"])
    return sorted(found), missing


def _stat(paths: list[Path], root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in paths:
        st = p.stat()
        out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


def _signature(stats: dict[str, tuple[int, int]]) -> str:
    return hashlib.sha256(json.dumps(sorted(stats.items())).encode()).hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_matches(quarter_dir: Path, stats: dict[str, tuple[int, int]]) -> bool:
    """The manifest lists every expected file with the size it has now."""
    try:
        listed = {f["path"]: f["bytes"] for f in json.loads((quarter_dir / MANIFEST).read_text(encoding="utf-8"))["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return all(listed.get(rel) == size for rel, (size, _) in stats.items())


def fingerprint(quarter_dir: Path, stats: dict[str, tuple[int, int]], cache: dict) -> tuple[str, dict]:
    """Content fingerprint of the expected files; ``cache`` maps path -> [size, mtime_ns, sha256]
    from the previous tick (a file whose size and mtime did not change is not read again)."""
    files = {}
    for rel, (size, mtime) in sorted(stats.items()):
        cached = cache.get(rel)
        sha = cached[2] if cached and cached[0] == size and cached[1] == mtime else _sha256(quarter_dir / rel)
        files[rel] = [size, mtime, sha]
    digest = hashlib.sha256("\n".join(f"{rel} {v[2]}" for rel, v in files.items()).encode()).hexdigest()
    return digest, files


def run_key(periode: str, digest: str) -> str:
    return f"{periode}:{digest[:16]}"


def evaluate(context: SensorEvaluationContext, raw: RawData) -> SensorResult:
    """One tick (see the module docstring); the cursor holds, per quarter, the stat signature of
    the previous tick, the cached checksums and the fingerprint last requested."""
    try:
        state = json.loads(context.cursor) if context.cursor else {}
    except ValueError:
        state = {}
    quarters_state: dict = state.get("kuartal", {})
    valid = set(quarterly.get_partition_keys())
    mapping = raw.mapping()
    waiting: list[str] = []
    ready: list[tuple[str, str]] = []
    for periode in raw.quarters():
        previous = quarters_state.get(periode, {})
        if periode not in valid:
            waiting.append(f"{periode}: not a quarter partition yet")
            continue
        quarter_dir = raw.quarter_dir(periode)
        files, missing = expected_files(quarter_dir, mapping)
        if missing:
            waiting.append(f"{periode}: waiting for {', '.join(missing)}")
            quarters_state[periode] = {**previous, "stat": None}
            continue
        try:
            stats = _stat(files, quarter_dir)
        except OSError as exc:  # a file vanished between glob and stat: still being delivered
            waiting.append(f"{periode}: {type(exc).__name__} reading the folder")
            continue
        signature = _signature(stats)
        stable = signature == previous.get("stat")
        marked = (quarter_dir / DONE_MARKER).is_file()
        if not (marked or stable or _manifest_matches(quarter_dir, stats)):
            waiting.append(f"{periode}: files changed since the last tick (still being written?)")
            quarters_state[periode] = {**previous, "stat": signature}
            continue
        digest, cache = fingerprint(quarter_dir, stats, previous.get("berkas", {}))
        quarters_state[periode] = {**previous, "stat": signature, "berkas": cache}
        if digest != previous.get("diminta"):
            ready.append((periode, digest))
    state["kuartal"] = quarters_state

    requests = []
    if ready:
        busy = context.instance.get_runs(RunsFilter(job_name=JOB_NAME, statuses=ACTIVE), limit=1)
        if busy:
            waiting.append(f"{', '.join(p for p, _ in ready)} ready; waiting for run {busy[0].run_id} to finish "
                           "(one writer per DuckDB file)")
        else:
            periode, digest = ready[0]  # the oldest quarter first, one per tick
            quarters_state[periode]["diminta"] = digest
            context.log.info("%s: folder complete, fingerprint %s: requesting a run", periode, digest[:16])
            requests.append(RunRequest(run_key=run_key(periode, digest), partition_key=periode,
                                       tags={FINGERPRINT_TAG: digest[:16]}))
    cursor = json.dumps(state, sort_keys=True)
    if requests:
        return SensorResult(run_requests=requests, cursor=cursor)
    reason = "; ".join(waiting) or "no new or changed quarter folder under the raw directory"
    return SensorResult(skip_reason=SkipReason(reason), cursor=cursor)


@sensor(
    name=SENSOR_NAME,
    job_name=JOB_NAME,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Starts dtsen_kuartalan for a quarter when its folder raw/<YYYY-MM-DD>/ holds every file the mapping "
                "expects and is no longer being written (a SELESAI file, a matching manifest.json, or unchanged for a "
                "tick); run key = quarter + content fingerprint, so a re-delivered folder runs again.",
)
def dtsen_kuartal_lengkap(context: SensorEvaluationContext, raw: RawData) -> SensorResult:
    return evaluate(context, raw)
