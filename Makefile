# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## Install what is needed and run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP).
	$(BIN)/decisionbot

test: $(STAMP)  ## Install what is needed, then lint, type-check and run every test on SQLite and on PostgreSQL.
	$(BIN)/ruff check bot storage tests bench
	$(BIN)/ruff format --check bot storage tests bench
	$(BIN)/mypy
	$(BIN)/pytest
	tests/with_postgres.sh $(BIN)/pytest

bench: $(STAMP)  ## Measure ack latency and throughput on SQLite and PostgreSQL (see BENCHMARKS.md).
	tests/with_postgres.sh $(BIN)/python -m bench.ack_latency

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
