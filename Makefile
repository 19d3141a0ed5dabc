# Two commands do all the set-up: `make run` and `make test`. Each creates .venv when it is missing;
# `make run` installs barnetmodel with what running needs (the report extra), `make test` adds the
# test extra (pytest, hypothesis, ruff, mypy, ...).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[report]'
	touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,report]'
	touch $(TEST_STAMP)

run: $(RUN_STAMP)
	$(BIN)/barnetmodel run scenarios/one_barnet_council_case.yaml

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: $(TEST_STAMP) lint
	$(BIN)/python -m pytest

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
