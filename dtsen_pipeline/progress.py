"""Where a long run is, for the operator: after every step of the quarterly job, one log line
`step N/M done: <step> (<seconds> s)` (or `failed`), in the run's event log, so the Dagster UI,
`dtsen run`'s console and `dagster` logs all show it. Step names only: no data.

The hook runs after each of a run's ~150 steps, so it asks the instance little: the number of
steps is read once per run, the steps finished so far in one query, and the step's start from the
run's latest STEP_START record (the job runs one step at a time)."""

import time

from dagster import DagsterEventType, HookContext, failure_hook, success_hook

FINISHED = {DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_SKIPPED}

_steps_of_run: dict[str, str] = {}  # run id -> number of steps in its plan ("?" if unknown)


def _total_steps(context: HookContext) -> str:
    run_id = context.run_id
    if run_id not in _steps_of_run:
        run = context.instance.get_run_by_id(run_id)
        total = "?"
        if run is not None and run.execution_plan_snapshot_id:
            total = str(len(context.instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id).steps))
        _steps_of_run.clear()  # one run at a time per process: no need to keep older runs'
        _steps_of_run[run_id] = total
    return _steps_of_run[run_id]


def _started(context: HookContext) -> float | None:
    instance, run_id = context.instance, context.run_id
    latest = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START, limit=1, ascending=False).records
    if latest and latest[0].event_log_entry.step_key == context.step_key:
        return latest[0].event_log_entry.timestamp
    started = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START, limit=100_000).records  # steps ran in parallel
    return next((r.event_log_entry.timestamp for r in reversed(started) if r.event_log_entry.step_key == context.step_key), None)


def progress_line(context: HookContext, outcome: str) -> str:
    done = len(context.instance.get_records_for_run(context.run_id, of_type=FINISHED, limit=100_000).records)
    start = _started(context)
    took = f" ({time.time() - start:.1f} s)" if start else ""
    return f"step {done}/{_total_steps(context)} {outcome}: {context.step_key}{took}"


@success_hook(name="progress_done")
def step_done(context: HookContext) -> None:
    context.log.info(progress_line(context, "done"))


@failure_hook(name="progress_failed")
def step_failed(context: HookContext) -> None:
    context.log.error(progress_line(context, "failed"))
