# dtsen-pipeline: every target sets itself up from project files (pyproject.toml + requirements.lock).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.8
DATA   ?= data
DB     ?= $(DATA)/dtsen.duckdb
SCALE  ?= 0.02
SEED   ?= 20250101
export GX_ANALYTICS_ENABLED := false
export DAGSTER_HOME ?= $(abspath .dagster_home)

.PHONY: install demo test dev bench lock clean-data validate bench-splink kamus

# Dagster's instance folder: runs, event logs and schedules' state (sqlite). Created once with
# telemetry off (the pipeline runs offline; edit the file to change it).
$(DAGSTER_HOME)/dagster.yaml:
	@mkdir -p $(DAGSTER_HOME)
	@printf 'telemetry:\n  enabled: false\n' > $@

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

# Installed marker: re-install when the lock or the project metadata changes. The libraries are
# compiled to bytecode here: where PYTHONDONTWRITEBYTECODE is set (containers, CI) Python would
# otherwise compile ~2,000 modules from source in every process (~5 s per `dtsen run`, per test worker).
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

## Regenerate requirements.lock from pyproject.toml (pinned, hashed).
lock: | $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

## Generate the default synthetic world (unless present) and materialise every quarter.
demo: install $(DAGSTER_HOME)/dagster.yaml
	@if [ ! -d $(DATA)/raw ] || [ ! -d $(DATA)/truth ]; then \
		$(BIN)/dtsen generate --out $(DATA) --scale $(SCALE) --seed $(SEED); \
	else echo "world present in $(DATA)/raw and $(DATA)/truth: not regenerated (delete them to regenerate)"; fi
	$(BIN)/dtsen run --data $(DATA) --db $(DB)

## Tests in parallel (pytest-xdist, one worker per core); the whole runs of the tiny world that
## many tests read are made once and shared (tests/conftest.py). PYTEST_ARGS="-n 0": one process.
PYTEST_ARGS ?= -n auto --dist worksteal
test: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

validate: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster definitions validate -w workspace.yaml

## Rewrite README.md's data dictionary from sql/*/comments.yaml and variables.yaml (after adding a table).
kamus: install
	$(BIN)/dtsen kamus

## Dagster UI on this code location.
dev: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml

## Benchmarks (see BENCHMARKS.md); BENCH_SCALE=1.0 by default.
bench: install
	$(BIN)/python benchmarks/run.py --scale $${BENCH_SCALE:-1.0}

## Matching against Splink (issue 4, BENCHMARKS.md): Splink in its own venv (SPLINK_VENV, default
## /tmp/splinkvenv) from benchmarks/requirements-splink.txt; world and work files in SPLINK_WORK
## (default /tmp/splinkbench); SPLINK_SCALE=0.02 by default.
bench-splink: install
	@test -x $${SPLINK_VENV:-/tmp/splinkvenv}/bin/python || $(PYTHON) -m venv $${SPLINK_VENV:-/tmp/splinkvenv}
	$${SPLINK_VENV:-/tmp/splinkvenv}/bin/python -m pip install --quiet -r benchmarks/requirements-splink.txt
	$(BIN)/python benchmarks/splink_bench.py prepare --work $${SPLINK_WORK:-/tmp/splinkbench} --scale $${SPLINK_SCALE:-0.02} --seed $(SEED) --repeat 3
	$${SPLINK_VENV:-/tmp/splinkvenv}/bin/python benchmarks/splink_bench.py splink --work $${SPLINK_WORK:-/tmp/splinkbench} --scale $${SPLINK_SCALE:-0.02} --seed $(SEED) --repeat 3
	$${SPLINK_VENV:-/tmp/splinkvenv}/bin/python benchmarks/splink_bench.py splink --work $${SPLINK_WORK:-/tmp/splinkbench} --scale $${SPLINK_SCALE:-0.02} --seed $(SEED) --repeat 3 --blocking lean --tag lean
	$${SPLINK_VENV:-/tmp/splinkvenv}/bin/python benchmarks/splink_bench.py report --work $${SPLINK_WORK:-/tmp/splinkbench} --scale $${SPLINK_SCALE:-0.02} --seed $(SEED) --tags splink lean

## Everything make demo made from the data folder: the world, the database and what was derived
## from it (village workbooks, PMT models beside the database). The next make demo starts afresh.
clean-data:
	rm -rf $(DATA)/raw $(DATA)/truth $(DATA)/keluaran $(DB) $(DB).wal $(dir $(DB))model
