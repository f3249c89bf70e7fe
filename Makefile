# Two commands: `make run` and `make test`. Both create .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.PHONY: run test test-postgres lint format install db demo vendor screenshots clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

db: install
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo seed

run: demo
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The gate: lint, formatting and types, as .ci/run and the pre-commit hook run them.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-postgres: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest $(PYTEST_ARGS)

# Not part of `make test`: builds 1x and 100x databases (PostgreSQL on 127.0.0.1:5432 and SQLite), serves each
# with gunicorn and writes docs/benchmarks.md (55 minutes on the 2-core machine while other work ran;
# BENCH_DBS=postgresql halves it). For example:
#   make bench BENCH_SCALES="1 100" BENCH_DBS="postgresql sqlite" BENCH_REQUESTS=10
BENCH_SCALES ?= 1 100
BENCH_DBS ?= postgresql sqlite
bench: install
	BENCH_SCALES="$(BENCH_SCALES)" BENCH_DBS="$(BENCH_DBS)" BENCH_REQUESTS="$(BENCH_REQUESTS)" \
	BENCH_HEAVY_REQUESTS="$(BENCH_HEAVY_REQUESTS)" $(BIN)/python scripts/bench.py

# Regenerates docs/screenshots/ through the browser suite (needs Chromium: apt-get install -y chromium).
screenshots: install
	SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_screenshots.py -q

vendor:
	scripts/vendor_assets.sh

clean:
	rm -rf $(VENV) instance/tracker.db
