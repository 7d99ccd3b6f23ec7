"""`dtsen`: generate a synthetic world, run the pipeline per quarter through Dagster."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .stages import STAGES

DEFAULT_SCALE = 0.02
DEFAULT_SEED = 20250101


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dtsen", description="DTSEN pipeline: synthetic world and quarterly runs.")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write a synthetic world: DIR/raw/<quarter>/ extracts and DIR/truth/<quarter>/")
    gen.add_argument("--out", default="data", help="output folder (default: data)")
    gen.add_argument("--scale", type=float, default=None,
                     help=f"population scale, 1.0 = real size, ~5.5 M people (default: the world file's, {DEFAULT_SCALE})")
    gen.add_argument("--seed", type=int, default=None, help=f"random seed (default: the world file's, {DEFAULT_SEED})")
    gen.add_argument("--world", default=None, help="world file (YAML); default: the built-in world")

    run = sub.add_parser("run", help="materialise every asset for every quarter found under DATA/raw (or one)")
    run.add_argument("--data", default="data", help="folder holding raw/<YYYY-MM-DD>/ (default: data)")
    run.add_argument("--db", default=None, help="DuckDB file (default: DATA/dtsen.duckdb)")
    run.add_argument("--partition", default=None, help="one quarter, e.g. 2025-07-01 (default: every quarter found)")
    run.add_argument("--mapping", default=None, help="column mapping file (default: the built-in mapping.yaml)")
    run.add_argument("--sampai", default=None, choices=STAGES, metavar="STAGE",
                     help="run the stages up to and including this one only (" + ", ".join(STAGES) + "), e.g. "
                          "`--sampai standardise` to try new extracts before matching (default: every stage)")

    kamus = sub.add_parser("kamus", help="rewrite README.md's data dictionary from sql/*/comments.yaml and variables.yaml")
    kamus.add_argument("--readme", default=None, help="the README to rewrite (default: the project's README.md)")
    kamus.add_argument("--check", action="store_true", help="only say whether it is up to date (exit 1 when not)")

    kueri = sub.add_parser("kueri", help="run a SQL file (or -e text) read-only on the DuckDB file and print the results "
                           "(as `duckdb -readonly FILE < query.sql`, without needing the DuckDB CLI)")
    kueri.add_argument("file", nargs="?", help="SQL file, e.g. sql/contoh/kandidat_desa.sql")
    kueri.add_argument("-e", dest="text", default=None, help="SQL text instead of a file")
    kueri.add_argument("--db", default="data/dtsen.duckdb", help="DuckDB file (default: data/dtsen.duckdb)")
    kueri.add_argument("--baris", type=int, default=50, help="rows shown per query (default 50)")
    kueri.add_argument("--csv", action="store_true", help="print CSV with whole values (the table view cuts text at 60 characters)")

    ekspor = sub.add_parser("ekspor-pseudonim", help="Parquet of every published table with NIK, KK and ids replaced by "
                            "HMAC-SHA256 with your secret salt, names and addresses dropped")
    ekspor.add_argument("--db", required=True, help="DuckDB file of the pipeline")
    ekspor.add_argument("--out", required=True, help="folder for <table>.parquet and ekspor.json")
    ekspor.add_argument("--salt-file", required=True, help="file holding your secret salt (at least 16 bytes; keep it apart)")
    ekspor.add_argument("--periode", default=None, help="one quarter, e.g. 2025-07-01 (default: every quarter)")

    args = parser.parse_args(argv)
    # the pipeline's own progress at INFO; the libraries' (great-expectations' data-source dumps,
    # Dagster's storage migrations) only when they warn. Dagster's run log has its own handler.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger("dtsen").setLevel(logging.INFO)
    if args.command == "generate":
        return _generate(args)
    if args.command == "kamus":
        return _kamus(args)
    if args.command == "ekspor-pseudonim":
        return _ekspor(args)
    if args.command == "kueri":
        return _kueri(args, parser)
    return _run(args)


def _kamus(args) -> int:
    from . import kamus

    readme = Path(args.readme) if args.readme else kamus.README
    try:
        text = readme.read_text(encoding="utf-8")
        new = kamus.updated_readme(text, kamus.render())
    except (OSError, kamus.KamusError) as exc:
        print(f"dtsen kamus: {exc}", file=sys.stderr)
        return 2
    if new == text:
        print(f"{readme}: data dictionary up to date")
        return 0
    if args.check:
        print(f"{readme}: data dictionary out of date: run `dtsen kamus` (or `make kamus`)", file=sys.stderr)
        return 1
    readme.write_text(new, encoding="utf-8")
    print(f"{readme}: data dictionary rewritten")
    return 0


def _kueri(args, parser) -> int:
    import duckdb

    from .kueri import render, render_csv, run
    from .resources import StorageLockedError

    if bool(args.file) == bool(args.text):
        parser.error("kueri: give a SQL file or -e 'SQL', one of the two")
    if not Path(args.db).is_file():
        print(f"dtsen kueri: no database {args.db} (run `make demo` or `dtsen run` first, or give --db)", file=sys.stderr)
        return 2
    try:
        text = args.text or Path(args.file).read_text(encoding="utf-8")
        results = run(args.db, text)
    except OSError as exc:
        print(f"dtsen kueri: {exc}", file=sys.stderr)
        return 2
    except StorageLockedError as exc:
        print(f"dtsen kueri: {exc}", file=sys.stderr)
        return 3
    except duckdb.Error as exc:
        print(f"dtsen kueri: {args.file or 'query'}: {exc}", file=sys.stderr)
        return 1
    print(render_csv(results, args.baris) if args.csv else render(results, args.baris))
    return 0


def _ekspor(args) -> int:
    from .ekspor import EksporError, export, read_salt
    from .resources import StorageLockedError

    try:
        tables = export(args.db, args.out, read_salt(args.salt_file), args.periode)
    except EksporError as exc:
        print(f"dtsen ekspor-pseudonim: {exc}", file=sys.stderr)
        return 2
    except StorageLockedError as exc:
        print(f"dtsen ekspor-pseudonim: {exc}", file=sys.stderr)
        return 3
    for t in tables:
        print(f"{t.name}: {t.rows:,} rows; pseudonymised {', '.join(t.samarkan) or '-'}; dropped {', '.join(t.buang) or '-'}")
    print(f"written to {args.out} ({len(tables)} Parquet files and ekspor.json)")
    return 0


def _generate(args) -> int:
    from .synthetic.config import WorldConfigError
    from .synthetic.generate import generate

    try:
        summary = generate(args.out, scale=args.scale, seed=args.seed, world_file=args.world)
    except WorldConfigError as exc:
        print(f"dtsen generate: {exc}", file=sys.stderr)
        return 2
    for quarter, rows in summary.items():
        print(f"{quarter}: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    print(f"world written to {Path(args.out) / 'raw'} and {Path(args.out) / 'truth'}")
    return 0


def _run(args) -> int:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from dagster import DagsterInstance

    from .definitions import build_definitions
    from .resources import RawData, StorageLockedError
    from .sources.mapping import MappingError

    db = args.db or str(Path(args.data) / "dtsen.duckdb")
    try:
        defs = build_definitions(data_dir=str(Path(args.data).resolve()), database=str(Path(db).resolve()), mapping_file=args.mapping)
    except MappingError as exc:
        print(f"dtsen run: {exc}", file=sys.stderr)
        return 2
    raw = RawData(data_dir=str(Path(args.data).resolve()))
    quarters = [args.partition] if args.partition else raw.quarters()
    if not quarters:
        print(f"dtsen run: no quarter folders (YYYY-MM-DD) under {Path(args.data) / 'raw'}; "
              "run `dtsen generate` or put extracts there (see README, 'Bring your own extracts')", file=sys.stderr)
        return 2
    job = defs.resolve_job_def("dtsen_kuartalan")
    selection = _stages_up_to(defs, args.sampai) if args.sampai else None
    valid = set(job.partitions_def.get_partition_keys(dynamic_partitions_store=None))
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    failed = []
    for key in quarters:
        if key not in valid:
            print(f"dtsen run: {key} is not a quarter partition (quarter start dates from 2025-01-01)", file=sys.stderr)
            return 2
        if not raw.quarter_dir(key).is_dir():
            print(f"dtsen run: no folder {raw.quarter_dir(key)}", file=sys.stderr)
            return 2
        try:
            with defs.resources["storage"].connect():  # held by another process: one clear message, no run
                pass
            result = job.execute_in_process(partition_key=key, instance=instance, raise_on_error=False, asset_selection=selection,
                                            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}})
        except StorageLockedError as exc:
            print(f"dtsen run: {exc}", file=sys.stderr)
            return 3
        locked = _locked_error(result)
        if locked:  # taken by another process during the run
            print(f"dtsen run: {key}: {locked}", file=sys.stderr)
            return 3
        checks = [e.event_specific_data for e in result.all_events
                  if e.event_type_value == "ASSET_CHECK_EVALUATION"]
        bad_checks = [c for c in checks if not c.passed]
        status = "ok" if result.success and not bad_checks else "FAILED"
        print(f"{key}: run {status}; {len(checks) - len(bad_checks)}/{len(checks)} checks passed")
        for step, message in _step_failures(result):
            print(f"  step failed: {step}: {message}")
        for c in bad_checks:
            print(f"  check failed: {c.asset_key.to_user_string()} {c.check_name}: {c.description or ''}")
        if status != "ok":
            failed.append(key)
    _print_summary(defs, quarters)
    return 1 if failed else 0


def _stages_up_to(defs, last: str) -> list:
    """The keys of every asset of the stages (asset groups) up to and including ``last``."""
    from dagster import AssetSelection

    groups = STAGES[:STAGES.index(last) + 1]
    return sorted(AssetSelection.groups(*groups).resolve(defs.resolve_asset_graph()), key=lambda k: k.to_user_string())


def _locked_error(result) -> str | None:
    """The message of a step that failed because the database file was held by another process."""
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        error = event.event_specific_data.error
        while error is not None:
            if error.cls_name == "StorageLockedError":
                return error.message.split(": ", 1)[-1].strip()
            error = error.cause or error.context
    return None


def _step_failures(result) -> list[tuple[str, str]]:
    """(step, message) of every failed step: the message of the error the step raised (for a
    Failure, its description), not Dagster's wrapper around it; masked (it may hold a value)."""
    from .privacy import mask_error

    failures = []
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        error = event.event_specific_data.error
        while error is not None and error.cause is not None and error.cls_name.startswith("Dagster"):
            error = error.cause
        message = (error.message if error is not None else "unknown error").strip()
        prefix = message.split(": ", 1)[0]
        if error is not None and (prefix == error.cls_name or prefix.endswith("." + error.cls_name)):
            message = message[len(prefix) + 2:]  # "dagster._core.definitions.events.Failure: ..."
        failures.append((event.step_key, mask_error(message.split("\n\n")[0].strip())))
    return failures


def _print_summary(defs, quarters: list[str]) -> None:
    storage = defs.resources["storage"]
    frame = storage.query(
        "SELECT periode, sumber, count(*) AS berkas, sum(baris) AS baris FROM sources.berkas_mentah "
        f"WHERE periode IN ({', '.join('?' for _ in quarters)}) GROUP BY ALL ORDER BY periode, sumber", quarters)
    if frame.empty:
        return
    pivot = frame.pivot(index="sumber", columns="periode", values="baris").fillna(0).astype(int)
    print("\nRows per source and quarter (raw files):")
    print(pivot.to_string())
    print(f"\nDatabase: {storage.database}")


if __name__ == "__main__":
    sys.exit(main())
