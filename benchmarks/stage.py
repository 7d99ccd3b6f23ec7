"""Benchmark one stage (asset group) of one quarter on a database where the earlier stages are
already materialised, e.g. a copy of a full `dtsen run` of the scale-1.0 world:

    python benchmarks/stage.py --db /tmp/b.duckdb --data benchmarks/out/world-1.0 --group rank

Prints wall time, the time of each step (asset or check) and peak resident memory of this
process (DuckDB runs in it), with the machine and its load average before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

from dagster import AssetSelection, DagsterEventType, materialize

from dtsen_pipeline.definitions import build_definitions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--group", required=True, help="asset group (stage): rank, target, ...")
    parser.add_argument("--partition", default="2025-01-01")
    parser.add_argument("--no-checks", action="store_true", help="assets only, without their checks")
    args = parser.parse_args()
    defs = build_definitions(data_dir=args.data, database=args.db)
    graph = defs.resolve_asset_graph()
    keys = AssetSelection.groups(args.group).resolve(graph)
    assets = [a for a in defs.assets if set(a.keys) & keys]
    checks = [] if args.no_checks else [c for c in (defs.asset_checks or []) if set(c.check_keys) and
                                        {k.asset_key for k in c.check_keys} & keys]
    load_before = os.getloadavg()
    start = time.monotonic()
    result = materialize([*assets, *checks], partition_key=args.partition, selection=list(keys),
                         resources=defs.resources, raise_on_error=True)
    wall = time.monotonic() - start
    steps = [(e.step_key, e.event_specific_data.duration_ms / 1000) for e in result.all_events
             if e.event_type == DagsterEventType.STEP_SUCCESS]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"\nstage {args.group}, quarter {args.partition}, {args.db}; load average (1 min) "
          f"{load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after; {os.cpu_count()} cores")
    print("| step | wall time |\n| --- | --- |")
    for step, seconds in steps:
        print(f"| {step} | {seconds:.1f} s |")
    print(f"| **stage {args.group}** | **{wall:.1f} s** (peak {peak:.1f} GiB) |")


if __name__ == "__main__":
    main()
