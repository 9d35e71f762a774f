# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean python-is-supported

# A .venv made by an older Python (or one since removed) fails in confusing ways: say so.
python-is-supported:
	@if { [ -e $(BIN)/python ] || [ -h $(BIN)/python ]; } && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		echo "The .venv here was made by a Python older than 3.11, or one that is gone: run 'make clean', then this again."; exit 2; fi
	@if [ ! -e $(BIN)/python ] && [ ! -h $(BIN)/python ] && ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		echo "decisionbot needs Python 3.11 or newer; $(PYTHON) is older (or missing). Run make with PYTHON=python3.11 (or newer)."; exit 2; fi

$(STAMP): pyproject.toml | python-is-supported
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: python-is-supported $(STAMP)  ## Install what is needed and run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP).
	$(BIN)/decisionbot

test: python-is-supported $(STAMP)  ## Install what is needed, then lint, type-check and run every test on SQLite and on PostgreSQL.
	$(BIN)/ruff check bot storage tests bench
	$(BIN)/ruff format --check bot storage tests bench
	$(BIN)/mypy
	tests/install_chromium.sh
	$(BIN)/pytest
	tests/with_postgres.sh $(BIN)/pytest

bench: python-is-supported $(STAMP)  ## Measure ack latency and throughput on SQLite and PostgreSQL (see BENCHMARKS.md).
	tests/with_postgres.sh $(BIN)/python -m bench.ack_latency

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
