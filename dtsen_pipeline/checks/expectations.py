"""great-expectations suites (suites.yaml) as Dagster asset checks on the standardised tables.

One check per (table, source), ``mutu_<sumber>``: a deterministic sample of the quarter's rows of
that source (the ``sampel`` rows with the smallest hash of the table's key, all rows when fewer,
only the columns the suite needs) is read from DuckDB and validated by GX 1.x in an ephemeral
context (dagster-ge does not support GX 1.x). The result lists every expectation with its share of
unexpected values and a few failing examples, masked (privacy.py): no NIK, KK or name in clear.
"""

import datetime as dt
import logging
import os
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from dagster import (AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetChecksDefinition, AssetKey,
                     MetadataValue, asset_check)

from ..privacy import mask_embedded, mask_error, mask_frame, mask_number, mask_text, mask_value, personal_column
from ..assets.comments import qualified
from ..resources import DuckDBStorage

SUITES_FILE = Path(__file__).with_name("suites.yaml")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_suites(path: Path = SUITES_FILE) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _resolve(value, sumber: str | None, quarter_end: dt.datetime):
    """A value of suites.yaml for one source: {source: value} picked (None: not for this source),
    "{akhir_kuartal}" and YYYY-MM-DD strings as datetimes (GX compares them with pandas dates)."""
    if isinstance(value, dict):
        value = value.get(sumber)
    if value == "{akhir_kuartal}":
        return quarter_end
    if isinstance(value, str) and _ISO_DATE.match(value):
        return dt.datetime.fromisoformat(value)
    return value


def suite_specs(table: dict, sumber: str | None, periode: str) -> list[dict]:
    """The expectations of one (table, source) for a quarter: [{type, column, kwargs, blokir}]."""
    quarter_end = (pd.Timestamp(periode) + pd.offsets.QuarterEnd(0)).to_pydatetime()
    specs = []
    for column, rules in table["kolom"].items():
        if sumber and sumber not in rules.get("hanya", [sumber]):
            continue
        for name, args in rules.items():
            if name == "not_null":
                name, args = "expect_column_values_to_not_be_null", {"mostly": args}
            elif not name.startswith("expect_"):
                continue
            kwargs = {k: _resolve(v, sumber, quarter_end) for k, v in (args or {}).items()}
            if any(v is None for v in kwargs.values()):
                continue  # a threshold given per source, not for this one
            specs.append({"type": name, "column": column, "kwargs": {"column": column, **kwargs}, "blokir": rules.get("blokir")})
    return specs


def read_sample(storage: DuckDBStorage, table: dict, name: str, sumber: str | None, periode: str, columns: list[str],
                rows: int) -> tuple[pd.DataFrame, int]:
    """The sample to validate (columns the table has, and the table's `turunan`: columns computed
    by a SQL expression over the row ``t``, e.g. a count in another table; a column missing from
    both then fails its expectations) and the number of rows it is drawn from."""
    relation, key = table.get("tabel") or qualified(name), table["kunci"]
    where = "t.periode = $periode" + (f" AND t.{table.get('kolom_sumber', 'sumber')} = $sumber" if sumber else "")
    params = {"periode": periode, **({"sumber": sumber} if sumber else {})}
    derived = table.get("turunan") or {}
    with storage.connect() as con:
        present = set(con.execute(f"SELECT * FROM {relation} LIMIT 0").df().columns)
        wanted = ", ".join(f'({derived[c]}) AS "{c}"' if c in derived else f't."{c}"'
                           for c in dict.fromkeys(columns) if c in present or c in derived)
        total = con.execute(f"SELECT count(*) FROM {relation} AS t WHERE {where}", params).fetchall()[0][0]
        # every row whose hash is among the `rows` smallest: ties (a duplicated key) come in together
        frame = con.execute(f"""
            WITH batas AS (SELECT max(h) AS h FROM (
                SELECT hash({key}) AS h FROM {relation} AS t WHERE {where} ORDER BY h LIMIT {int(rows)}))
            SELECT {wanted or 'NULL AS kosong'} FROM {relation} AS t WHERE {where} AND hash({key}) <= (SELECT h FROM batas)""",
                            params).df()
    # GX compares datetime64[ns] columns vectorised and anything else row by row in Python (DuckDB
    # gives dates as datetime64[us]: 0.3 s more per 100 000 rows and date expectation)
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column].dtype) and frame[column].dtype != "datetime64[ns]":
            try:
                frame[column] = frame[column].astype("datetime64[ns]")
            except (OverflowError, pd.errors.OutOfBoundsDatetime):
                pass  # a date outside 1677-2262 (a typed-in year 0019 or 9999): GX compares it row by row
    return frame, total


def validate(frame: pd.DataFrame, specs: list[dict]) -> list:
    """GX validation results of ``frame``, in the order of ``specs``."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # no usage events about a social registry
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # it says "Created temporary directory ... for ephemeral docs site" at every suite, as a warning
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = context.data_sources.add_pandas("duckdb").add_dataframe_asset("sampel").add_batch_definition_whole_dataframe("semua")
    suite = gx.ExpectationSuite(name="mutu")
    for spec in specs:
        class_name = "".join(word.title() for word in spec["type"].split("_"))
        suite.add_expectation(getattr(gx.expectations, class_name)(**spec["kwargs"]))
    suite = context.suites.add(suite)
    run = context.validation_definitions.add(gx.ValidationDefinition(name="mutu", data=batch, suite=suite))
    result = run.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    by_id = {r.expectation_config.id: r for r in result.results}
    return [by_id[e.id] for e in suite.expectations]


def _error(res) -> str | None:
    """The message of an expectation GX could not evaluate (e.g. its column is missing)."""
    info = res.exception_info or {}
    if info.get("raised_exception"):
        return info.get("exception_message")
    # when a metric failed to compute, GX keys exception_info by metric
    return next((v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")), None)


# record ids that identify a person beyond NIK and KK: a PBI-JK card number (NOKA), a civil servant's NIP
_ID_COLUMNS = ("id_sumber", "nip")


# a failing value shown as it is: a number, a date, a code of at most 4 characters, a region code
_PLAIN = re.compile(r"[0-9]{1,10}|[0-9]{4}-[0-9]{2}-[0-9]{2}|.{1,4}", re.DOTALL)


def _shown(value: object) -> object:
    """A failing value of a column that holds no identity, as the examples show it: a misplaced
    column is what these suites catch, so any text longer than a code may be a name or a NIK
    and is masked (initials, or the number's first 4 and last 2 digits)."""
    if value is None or isinstance(value, (bool, dt.date)):
        return value
    if isinstance(value, (int, float, np.number)):
        return mask_embedded(value)  # a NIK or KK held as a number
    text = str(value)
    return text if _PLAIN.fullmatch(text) else mask_value(text)


def _masked_examples(column: str, values: list, n: int = 3) -> str:
    values = [v.date().isoformat() if isinstance(v, pd.Timestamp) else v for v in values]
    if column in _ID_COLUMNS:
        masked = [mask_number(v) for v in values]
    elif personal_column(column):
        masked = mask_frame(pd.DataFrame({column: values}))[column].tolist()
    else:
        masked = [_shown(v) for v in values]
    shown = list(dict.fromkeys(map(str, masked)))[:n]
    return mask_text(", ".join(shown))


def _threshold(kwargs: dict) -> str:
    def show(v):
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        return "/".join(map(str, v)) if isinstance(v, list) else str(v)
    text = "; ".join(f"{k} {show(v)}" for k, v in kwargs.items() if k != "column")
    return (text[:70] + "...") if len(text) > 70 else text


def _line(spec: dict, res) -> dict:
    """One row of the result table; failing examples masked, none for not_null (they are nulls)."""
    kind, error = spec["type"].removeprefix("expect_column_values_to_"), _error(res)
    unexpected = res.result.get("unexpected_percent")
    if error:
        examples = mask_error(f"error: {error}")[:120]  # masked before it is cut: a cut number would escape
    elif res.success or kind == "not_be_null":
        examples = ""
    else:
        examples = _masked_examples(spec["column"], res.result.get("partial_unexpected_list") or [])
    return {"column": spec["column"], "expectation": kind, "threshold": _threshold(spec["kwargs"]),
            "blocks": spec["blokir"] or "-", "ok": "yes" if res.success else "NO",
            "unexpected_%": "-" if unexpected is None else round(unexpected, 3), "examples (masked)": examples}


def _stages(specs: list[dict]) -> list[str]:
    return sorted({stage.strip() for s in specs if s["blokir"] for stage in s["blokir"].split(",")})


def run_suite(storage: DuckDBStorage, name: str, table: dict, sumber: str | None, periode: str,
              rows: int) -> AssetCheckResult:
    """Validate one (table, source) of a quarter and say how, with masked failing examples."""
    specs = suite_specs(table, sumber, periode)
    started = time.perf_counter()
    frame, total = read_sample(storage, table, name, sumber, periode, [s["column"] for s in specs], rows)
    if total == 0:
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.ERROR if _stages(specs) else AssetCheckSeverity.WARN,
                                description=f"no rows of {sumber or name} in {name} for {periode}",
                                metadata={"baris_sumber": 0, "baris_divalidasi": 0})
    lines = [_line(spec, res) for spec, res in zip(specs, validate(frame, specs))]
    failed = [(spec, line) for spec, line in zip(specs, lines) if line["ok"] == "NO"]
    sample = (f"the {len(frame):,} of {total:,} rows with the smallest hash({table['kunci']})" if len(frame) < total
              else f"all {total:,} rows")
    return AssetCheckResult(
        passed=not failed,
        severity=AssetCheckSeverity.WARN if failed and not _stages([spec for spec, _ in failed]) else AssetCheckSeverity.ERROR,
        description="; ".join(f"{line['column']} {line['expectation']}: " + (
            "not evaluated (see hasil)" if line["unexpected_%"] == "-" else f"{line['unexpected_%']}% unexpected")
            + (f" ({line['threshold']})" if line["threshold"] else "") for _, line in failed) or None,
        metadata={
            "baris_sumber": total,
            "baris_divalidasi": len(frame),
            "sampel": f"{sample} of {sumber or name} in {periode} (sampel = {rows:,})",
            "harapan": len(specs),
            "harapan_gagal": len(failed),
            "hasil": MetadataValue.md(pd.DataFrame(lines).to_markdown(index=False)),
            "detik": round(time.perf_counter() - started, 2),
        },
    )


def _build(name: str, table: dict, sumber: str | None, rows: int, keys: set[AssetKey]) -> AssetChecksDefinition:
    stages = _stages(suite_specs(table, sumber, "2025-01-01"))
    # the assets the derived columns read: the check runs after them
    needs = [AssetKey(n) for n in table.get("butuh") or [] if AssetKey(n) in keys]

    @asset_check(
        asset=name,
        name=f"mutu_{sumber}" if sumber else "mutu",
        blocking=bool(stages),
        additional_deps=needs or None,
        description=f"great-expectations suite of {name}{' for ' + sumber if sumber else ''} (checks/suites.yaml) on a "
        f"deterministic sample: the {rows:,} rows of the quarter with the smallest hash({table['kunci']}), all rows when "
        f"fewer. Fails with ERROR, stopping downstream assets, when an expectation guarding {', '.join(stages) or 'nothing'} "
        "fails; with WARN otherwise.",
    )
    def _check(context: AssetCheckExecutionContext, storage: DuckDBStorage) -> AssetCheckResult:
        result = run_suite(storage, name, table, sumber, context.partition_key, rows)
        context.log.info("%s %s: %s", name, sumber or "", result.description or "every expectation met")
        return result

    return _check


def build_expectation_checks(assets, suites_file: Path = SUITES_FILE) -> list[AssetChecksDefinition]:
    """A check per (table, source) of suites.yaml whose table is one of ``assets``."""
    keys = {key for a in assets for key in a.keys}
    suites = load_suites(suites_file)
    return [_build(name, table, sumber, suites["sampel"], keys)
            for name, table in suites["tabel"].items() if AssetKey(name) in keys
            for sumber in table.get("sumber") or [None]]
