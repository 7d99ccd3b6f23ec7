"""Matching against Splink (issue 4): the same standardised extracts matched to Dukcapil by this
pipeline (`padan_dukcapil`) and by Splink (probabilistic linkage on DuckDB), F1 and wall time
measured in one run (`make bench-splink`).

Three steps, because Splink lives in its own throwaway venv (benchmarks/requirements-splink.txt)
and the pipeline in the project's:

    .venv/bin/python benchmarks/splink_bench.py prepare --work /tmp/splinkbench --scale 0.02
        (project venv) generate the world and run the pipeline for one quarter unless present;
        export the standardised persons (standardise.stg_individu) to Parquet; copy the database and time
        materialising only the `padan_dukcapil` asset on the copy; export its answer.
    /tmp/splinkvenv/bin/python benchmarks/splink_bench.py splink --work /tmp/splinkbench --scale 0.02
        (Splink venv) link every DTKS/P3KE/REGSOSEK record to Dukcapil with Splink on the same
        standardised columns; time it; export each record's best match.
    /tmp/splinkvenv/bin/python benchmarks/splink_bench.py report --work /tmp/splinkbench --scale 0.02
        both answers judged against the world's truth exactly as `evaluasi_padan` does
        (accepted = assigned a Dukcapil NIK; precision = correct accepted / accepted; recall =
        correct accepted / records whose nik_benar is not null), printed as markdown.

The Splink side is timed from reading the Parquet inputs to the final one-row-per-record answer,
imports excluded; the pipeline side is the wall time of `dagster.materialize([padan_dukcapil])`,
imports excluded; each is run --repeat times in one process and the minimum is reported (the first
run of each pays some warm-up). Both DuckDB connections have the same memory cap (3 GB, the
pipeline's default) and all cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = "3GB"  # the pipeline's DuckDBStorage default (DTSEN_DUCKDB_MEMORY)
ACCEPT = 0.99  # Splink: a record's best candidate is accepted at this match probability (the pipeline's batas_terima)
PREDICT_THRESHOLD = 0.5  # Splink: pairs below this are not kept by predict()
INPUT_COLUMNS = "nik, nama_baku, tgl_lahir, jenis_kelamin, no_kk, kode_desa, kode_kecamatan, kode_kabupaten"


def _paths(args) -> dict[str, Path]:
    work = Path(args.work)
    world = Path(args.world) if args.world else work / f"w-{args.scale}"
    out = work / f"out-{args.scale}"
    return {"work": work, "world": world, "db": world / "dtsen.duckdb", "out": out,
            "sumber": out / "sumber.parquet", "dukcapil": out / "dukcapil.parquet",
            "pipeline": out / "pipeline.parquet", "pipeline_json": out / "pipeline.json"}


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


# ---------------------------------------------------------------------------------------------
# prepare (project venv)


def prepare(args) -> None:
    import duckdb

    p = _paths(args)
    p["out"].mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    dtsen = str(bindir / "dtsen")
    if not (p["world"] / "raw" / args.partition).is_dir() or not (p["world"] / "truth" / args.partition).is_dir():
        print(f"generating the world: scale {args.scale}, seed {args.seed} -> {p['world']}", flush=True)
        subprocess.run([dtsen, "generate", "--out", str(p["world"]), "--scale", str(args.scale), "--seed", str(args.seed)],
                       check=True, cwd=ROOT)

    def has_stg() -> bool:
        if not p["db"].exists():
            return False
        with duckdb.connect(str(p["db"]), read_only=True) as con:
            try:
                return con.execute("SELECT count(*) FROM standardise.stg_individu WHERE periode = ?", [args.partition]).fetchone()[0] > 0
            except duckdb.CatalogException:
                return False

    if not has_stg():
        print(f"running the pipeline for {args.partition} -> {p['db']}", flush=True)
        env = {**os.environ, "DAGSTER_HOME": str(p["work"] / "dagster_home")}
        Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
        code = subprocess.run([dtsen, "run", "--data", str(p["world"]), "--db", str(p["db"]), "--partition", args.partition],
                              cwd=ROOT, env=env).returncode
        if not has_stg():
            sys.exit(f"dtsen run exited {code} without standardise.stg_individu for {args.partition}")
        if code:
            print(f"note: dtsen run exited {code} (a later asset or check failed); stg_individu is there, which is all "
                  "this benchmark needs", flush=True)

    # The inputs, exactly the standardised columns the pipeline matches on. The source NIK is used
    # as the pipeline uses it (kandidat.sql: only well-formed NIKs, placeholders and scientific
    # notation count as missing); Dukcapil persons are those with a well-formed NIK.
    with duckdb.connect(str(p["db"]), read_only=True) as con:
        con.execute(f"""COPY (SELECT sumber || ':' || id_sumber AS uid, sumber, id_sumber,
                                     CASE WHEN nik_bentuk IN ('ok', 'tanggal_mustahil') THEN nik END AS nik,
                                     {INPUT_COLUMNS.replace('nik, ', '', 1)}
                              FROM standardise.stg_individu WHERE periode = '{args.partition}' AND sumber <> 'dukcapil'
                              ORDER BY sumber, id_sumber)
                        TO '{p['sumber']}' (FORMAT parquet)""")
        con.execute(f"""COPY (SELECT nik AS uid, {INPUT_COLUMNS}
                              FROM standardise.stg_individu WHERE periode = '{args.partition}' AND sumber = 'dukcapil'
                                    AND nik_bentuk = 'ok' ORDER BY nik)
                        TO '{p['dukcapil']}' (FORMAT parquet)""")

    # Time the pipeline's matching step alone: materialise only padan_dukcapil on a copy.
    from dagster import materialize

    from dtsen_pipeline.assets.unify import padan_dukcapil
    from dtsen_pipeline.resources import DuckDBStorage, RawData

    copy = p["out"] / "timing.duckdb"
    times, steps = [], []
    for i in range(args.repeat):
        shutil.copyfile(p["db"], copy)
        Path(str(copy) + ".wal").unlink(missing_ok=True)
        load = _load()
        start = time.perf_counter()
        result = materialize([padan_dukcapil], partition_key=args.partition,
                             run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
                             resources={"storage": DuckDBStorage(database=str(copy), memory_limit=MEMORY_LIMIT),
                                        "raw": RawData(data_dir=str(p["world"]))})
        seconds = time.perf_counter() - start
        if not result.success:
            sys.exit("materialising padan_dukcapil failed")
        step = sum(e.event_specific_data.duration_ms for e in result.get_step_success_events()) / 1000
        times.append(seconds)
        steps.append(step)
        print(f"pipeline padan_dukcapil run {i + 1}: {seconds:.1f} s, of which the step itself {step:.1f} s "
              f"(load average before: {load})", flush=True)
    with duckdb.connect(str(copy), read_only=True) as con:
        con.execute(f"""COPY (SELECT sumber, id_sumber, status_padan,
                                     CASE WHEN status_padan IN ('padan', 'padan_koreksi', 'meninggal') THEN nik_dukcapil END AS nik_dukcapil
                              FROM main.padan_dukcapil WHERE periode = '{args.partition}')
                        TO '{p['pipeline']}' (FORMAT parquet)""")
        pairs = con.execute("SELECT count(*) FROM unify.kandidat WHERE periode = ? AND NOT acak", [args.partition]).fetchone()[0]
    copy.unlink()
    p["pipeline_json"].write_text(json.dumps({"seconds": times, "step_seconds": steps, "candidate_pairs": pairs}, indent=1))


# ---------------------------------------------------------------------------------------------
# splink (Splink venv)


def splink_settings(blocking: str = "full"):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    region = cl.CustomComparison(
        output_column_name="wilayah",
        comparison_description="same village / kecamatan / regency",
        comparison_levels=[
            cll.Or(cll.NullLevel("kode_desa"), cll.NullLevel("kode_kabupaten")),
            cll.ExactMatchLevel("kode_desa"),
            cll.ExactMatchLevel("kode_kecamatan"),
            cll.ExactMatchLevel("kode_kabupaten"),
            cll.ElseLevel(),
        ],
    )
    # candidate pairs, in the spirit of the pipeline's blocks (kandidat.sql); "lean" leaves out the
    # three rules that make most pairs (NIK serial and region parts, same KK): Splink applies every
    # rule to every record, the pipeline only to records whose exact NIK pair is not clean
    full = blocking == "full"
    rules = [
        block_on("nik"),
        block_on("substr(nik, 1, 12)") if full else None,  # one wrong digit in the serial
        block_on("substr(nik, 7, 10)") if full else None,  # one wrong digit in the region part (~545 k pairs at scale 0.02)
        block_on("tgl_lahir", "kode_kecamatan"),
        block_on("nama_baku", "tgl_lahir"),
        block_on("no_kk") if full else None,  # ~550 k pairs at scale 0.02
        block_on("kode_desa", "substr(nama_baku, 1, 3)", "year(tgl_lahir)"),
        block_on("kode_kecamatan", "nama_baku"),
    ]
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("nik", [1]),  # exact / one edit or swap (covers the women's +40 on the day) / else
            cl.NameComparison("nama_baku"),  # exact (term-frequency adjusted) / Jaro-Winkler 0.92, 0.88, 0.7 / else
            cl.DateOfBirthComparison("tgl_lahir", input_is_string=False),  # exact / one edit / 1 month / 1 year / 10 years / else
            cl.ExactMatch("jenis_kelamin"),
            region,
            cl.ExactMatch("no_kk"),
        ],
        blocking_rules_to_generate_predictions=[r for r in rules if r is not None],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _splink_once(args, p: dict[str, Path]) -> dict:
    import duckdb
    from splink import DuckDBAPI, Linker, block_on

    timings: dict[str, float] = {}
    start = time.perf_counter()
    last = start

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[name] = now - last
        last = now

    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT})
    con.execute(f"CREATE TABLE sumber AS SELECT uid, sumber, {INPUT_COLUMNS} FROM read_parquet('{p['sumber']}')")
    con.execute(f"CREATE TABLE dukcapil AS SELECT uid, 'dukcapil' AS sumber, {INPUT_COLUMNS} FROM read_parquet('{p['dukcapil']}')")
    lap("read inputs")
    # link_only between the union of the three sources and Dukcapil: the sources are never compared
    # with each other, so this is the three source -> Dukcapil linkages with one shared model (as
    # the pipeline has one model for the three)
    linker = Linker(["sumber", "dukcapil"], splink_settings(args.blocking), db_api=DuckDBAPI(connection=con),
                    input_table_aliases=["sumber", "dukcapil"], set_up_basic_logging=args.verbose)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nik", "tgl_lahir"), block_on("nama_baku", "tgl_lahir", "kode_desa")], recall=0.95)
    lap("prior")
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_pairs, seed=args.u_seed)
    lap("u")
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("tgl_lahir", "kode_kecamatan"))
    lap("m (EM)")
    pred = linker.inference.predict(threshold_match_probability=PREDICT_THRESHOLD)
    lap("predict")
    # one row per source record: its best candidate (highest match weight), accepted at >= ACCEPT;
    # a Dukcapil person may be the best match of two records of a source (the same person entered
    # twice, which the pipeline also accepts)
    con.execute(f"""
        CREATE TABLE best AS
        WITH p AS (
            SELECT CASE WHEN source_dataset_l = 'dukcapil' THEN uid_r ELSE uid_l END AS uid,
                   CASE WHEN source_dataset_l = 'dukcapil' THEN uid_l ELSE uid_r END AS nik,
                   match_weight, match_probability
            FROM {pred.physical_name}
        ),
        b AS (SELECT * FROM p QUALIFY row_number() OVER (PARTITION BY uid ORDER BY match_weight DESC, nik) = 1)
        SELECT s.sumber, substr(s.uid, length(s.sumber) + 2) AS id_sumber,
               CASE WHEN b.match_probability >= {ACCEPT} THEN b.nik END AS nik_dukcapil,
               b.match_probability
        FROM sumber s LEFT JOIN b USING (uid)
    """)
    lap("best match")
    total = time.perf_counter() - start
    pairs = con.execute(f"SELECT count(*) FROM {pred.physical_name}").fetchone()[0]
    con.execute(f"COPY best TO '{p['out'] / (args.tag + '.parquet')}' (FORMAT parquet)")
    return {"seconds": total, "stages": timings, "pairs": pairs, "model": linker.misc.save_model_to_json()}


def run_splink(args) -> None:
    import logging

    import duckdb
    import splink

    logging.basicConfig(format="%(message)s")
    logging.getLogger("splink").setLevel(logging.INFO if args.verbose else logging.ERROR)

    p = _paths(args)
    runs = []
    for i in range(args.repeat):
        load = _load()
        run = _splink_once(args, p)
        run["load_before"] = load
        runs.append(run)
        print(f"{args.tag} run {i + 1}: {run['seconds']:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in run["stages"].items())
              + f"); {run['pairs']} pairs >= {PREDICT_THRESHOLD}; load average before: {load}", flush=True)
    best = min(runs, key=lambda r: r["seconds"])
    (p["out"] / (args.tag + ".json")).write_text(json.dumps({
        "seconds": [r["seconds"] for r in runs], "stages": best["stages"], "pairs_above_predict_threshold": best["pairs"],
        "load_before": [r["load_before"] for r in runs], "splink": splink.__version__, "duckdb": duckdb.__version__,
        "blocking": args.blocking, "u_pairs": args.u_pairs, "u_seed": args.u_seed, "model": best["model"],
    }, indent=1, default=str))


# ---------------------------------------------------------------------------------------------
# report (either venv: needs duckdb)


EVAL_SQL = """
WITH j AS (
    SELECT a.sumber, coalesce(k.jenis_galat, 'tak_dikenal') AS jenis_galat, k.nik_benar, a.nik_dukcapil,
           a.nik_dukcapil IS NOT NULL AS diterima
    FROM read_parquet('{answer}') a
    LEFT JOIN read_parquet('{truth}') k ON k.sumber = a.sumber AND k.id_sumber = a.id_sumber
)
SELECT coalesce(sumber, 'semua') AS sumber, coalesce(jenis_galat, 'semua') AS jenis_galat,
       count(*) AS rekaman,
       count(*) FILTER (nik_benar IS NOT NULL) AS ada,
       count(*) FILTER (diterima) AS diterima,
       count(*) FILTER (diterima AND nik_dukcapil = nik_benar) AS benar,
       count(*) FILTER (diterima AND nik_dukcapil IS DISTINCT FROM nik_benar) AS salah
FROM j GROUP BY GROUPING SETS ((), (sumber), (jenis_galat)) ORDER BY ALL
"""


def _metrics(row) -> tuple[float | None, float | None, float | None]:
    precision = row["benar"] / row["diterima"] if row["diterima"] else None
    recall = row["benar"] / row["ada"] if row["ada"] else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return precision, recall, f1


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.6f}"


def report(args) -> None:
    import duckdb

    p = _paths(args)
    truth = p["world"] / "truth" / args.partition / "padan.parquet"
    con = duckdb.connect()

    def evaluate(answer: Path) -> dict:
        return {(r["sumber"], r["jenis_galat"]): r for r in con.execute(EVAL_SQL.format(answer=answer, truth=truth)).df().to_dict("records")}

    pipe = json.loads(p["pipeline_json"].read_text())
    matchers = [("pipeline `padan_dukcapil`", min(pipe["seconds"]), pipe["seconds"], evaluate(p["pipeline"]), pipe)]
    for tag in args.tags:
        info = json.loads((p["out"] / f"{tag}.json").read_text())
        name = (f"Splink {info['splink']} ({tag}: {info['blocking']} blocking, u from {info['u_pairs']:.0e} pairs)")
        matchers.append((name, min(info["seconds"]), info["seconds"], evaluate(p["out"] / f"{tag}.parquet"), info))
    n_src = con.execute(f"SELECT count(*) FROM read_parquet('{p['sumber']}')").fetchone()[0]
    n_duk = con.execute(f"SELECT count(*) FROM read_parquet('{p['dukcapil']}')").fetchone()[0]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"\nmachine: {os.cpu_count()} cores, {mem:.0f} GiB, {platform.machine()}, Python {platform.python_version()}; "
          f"scale {args.scale}, seed {args.seed}, quarter {args.partition}; {n_src} source records, {n_duk} Dukcapil persons; "
          f"load average now {_load()}")
    base = matchers[0][1]
    print("\n| matcher | wall time (min of runs) | runs | x pipeline | precision | recall | F1 | accepted | correct | wrong |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, secs, runs, res, _ in matchers:
        r = res[("semua", "semua")]
        pr, rc, f1 = _metrics(r)
        print(f"| {name} | {secs:.1f} s | {', '.join(f'{x:.1f}' for x in runs)} | {secs / base:.2f} | {_fmt(pr)} | {_fmt(rc)} | "
              f"{_fmt(f1)} | {r['diterima']} | {r['benar']} | {r['salah']} |")
    print(f"\npipeline: {pipe['candidate_pairs']} candidate pairs scored; the Dagster step itself took "
          + ", ".join(f"{x:.1f}" for x in pipe.get("step_seconds", [])) + " s (the rest is materialize()'s own overhead)")
    for name, _, _, _, info in matchers[1:]:
        print(f"{name}: stages " + ", ".join(f"{k} {v:.1f} s" for k, v in info["stages"].items())
              + f"; {info['pairs_above_predict_threshold']} pairs >= {PREDICT_THRESHOLD}")
    print("\nper source and injected error type: precision / recall / F1 (wrong = accepted but not the true person)\n")
    print("| group | records | " + " | ".join(f"{m[0].split(' (')[0]}{'' if i == 0 else ' ' + args.tags[i - 1]} P / R / F1 | wrong"
                                            for i, m in enumerate(matchers)) + " |")
    print("| --- | --- |" + " --- | --- |" * len(matchers))
    for key in sorted(matchers[0][3]):
        if key == ("semua", "semua"):
            continue
        label = key[0] if key[1] == "semua" else key[1]
        cells = [" / ".join(_fmt(x) for x in _metrics(m[3][key])) + f" | {m[3][key]['salah']}" for m in matchers]
        print(f"| {label} | {matchers[0][3][key]['rekaman']} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["prepare", "splink", "report"])
    parser.add_argument("--work", default="/tmp/splinkbench")
    parser.add_argument("--world", default=None, help="world folder (default WORK/w-SCALE)")
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--partition", default="2025-01-01")
    parser.add_argument("--repeat", type=int, default=1, help="prepare, splink: time this many runs (the minimum is reported)")
    parser.add_argument("--u-pairs", type=float, default=1e6, help="splink: max_pairs for u by random sampling (Splink's default)")
    parser.add_argument("--u-seed", type=lambda s: None if s == "none" else int(s), default=1,
                        help="splink: seed of the u sample (reproducible; \"none\" samples without one)")
    parser.add_argument("--blocking", choices=["full", "lean"], default="full", help="splink: prediction blocking rules")
    parser.add_argument("--verbose", action="store_true", help="splink: Splink's own progress log")
    parser.add_argument("--tag", default="splink", help="splink: name of this Splink run's result files in the out folder")
    parser.add_argument("--tags", nargs="+", default=["splink"], help="report: the Splink runs to report")
    args = parser.parse_args()
    {"prepare": prepare, "splink": run_splink, "report": report}[args.step](args)


if __name__ == "__main__":
    main()
