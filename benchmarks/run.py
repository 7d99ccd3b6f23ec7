"""Benchmarks of dtsen-pipeline (`make bench`). Each step runs in its own process; the script
reports wall time and that process's peak resident memory, plus the machine it ran on, as a
markdown table row ready for BENCHMARKS.md.

    python benchmarks/run.py --scale 1.0            # every benchmark
    python benchmarks/run.py --scale 0.1 --only generate
    python benchmarks/run.py --only generate --out /tmp/bench   # worlds elsewhere than benchmarks/out

The machine line includes the load average before and after: on a shared machine other work
inflates wall times, and the figures are only comparable at a similar load.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"


def _measure(name: str, cmd: list[str]) -> dict:
    """Wall time and peak resident memory of one child process (its own rusage, via wait4)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code:
        sys.exit(f"benchmark {name} failed (exit {code}): {' '.join(cmd)}")
    return {"name": name, "seconds": seconds, "peak_gib": usage.ru_maxrss / 2**20}


def _machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem:.0f} GiB, {platform.machine()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--only", choices=["generate", "run"], default=None)
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the benchmark worlds (default benchmarks/out)")
    args = parser.parse_args()
    world = args.out / f"world-{args.scale}"
    load_before = os.getloadavg()
    dtsen = str(Path(sys.executable).with_name("dtsen"))
    results = []
    if args.only in (None, "generate"):
        shutil.rmtree(world, ignore_errors=True)
        results.append(_measure("generate (4 quarters)", [dtsen, "generate", "--out", str(world), "--scale", str(args.scale), "--seed", str(args.seed)]))
    if args.only in (None, "run"):
        db = world / "dtsen.duckdb"
        db.unlink(missing_ok=True)
        results.append(_measure("run (4 quarters)", [dtsen, "run", "--data", str(world), "--db", str(db)]))
    load_after = os.getloadavg()
    print(f"\nmachine: {_machine()}; scale {args.scale}, seed {args.seed}; "
          f"load average (1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} after")
    print("| benchmark | scale | wall time | peak memory |")
    print("| --- | --- | --- | --- |")
    for r in results:
        print(f"| {r['name']} | {args.scale} | {r['seconds']:.0f} s | {r['peak_gib']:.1f} GiB |")


if __name__ == "__main__":
    main()
