"""Where a long run is, for the operator: after every step of the quarterly job, one log line
`step N/M done: <step> (<seconds> s)` (or `failed`), in the run's event log, so the Dagster UI,
`dtsen run`'s console and `dagster` logs all show it. Step names only: no data."""

import time

from dagster import DagsterEventType, HookContext, failure_hook, success_hook

FINISHED = {DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_SKIPPED}


def progress_line(context: HookContext, outcome: str) -> str:
    instance, run_id = context.instance, context.run_id
    total = "?"
    run = instance.get_run_by_id(run_id)
    if run is not None and run.execution_plan_snapshot_id:
        plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
        total = str(len(plan.steps))
    done = sum(len(instance.get_records_for_run(run_id, of_type=kind, limit=100_000).records) for kind in FINISHED)
    started = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_START, limit=100_000).records
    start = next((r.event_log_entry.timestamp for r in reversed(started) if r.event_log_entry.step_key == context.step_key), None)
    took = f" ({time.time() - start:.1f} s)" if start else ""
    return f"step {done}/{total} {outcome}: {context.step_key}{took}"


@success_hook(name="progress_done")
def step_done(context: HookContext) -> None:
    context.log.info(progress_line(context, "done"))


@failure_hook(name="progress_failed")
def step_failed(context: HookContext) -> None:
    context.log.error(progress_line(context, "failed"))
