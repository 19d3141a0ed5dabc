# Two commands do all the set-up: `make run` and `make test`. Each creates .venv when it is missing;
# `make run` installs barnetmodel with what running needs (the report extra), `make test` adds the
# test extra (pytest, hypothesis, ruff, mypy, ...).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
COMPILED := $(VENV)/.compiled

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

# The package's bytecode, as `pip install` writes it for an installed package. An editable install leaves it to
# the first run, and where PYTHONDONTWRITEBYTECODE is set every run compiles every module it imports again
# (some 60 ms of each command's start-up). Python reads a module's bytecode only while it matches the source.
$(COMPILED): $(shell find src -name '*.py') | $(BIN)/python
	$(BIN)/python -m compileall -q src
	touch $(COMPILED)

run: $(RUN_STAMP) $(COMPILED)
	$(BIN)/barnetmodel run scenarios/one_barnet_council_case.yaml

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The suite on every core (at most 4: the memory-capped fuzz workers take up to 1 GiB each).
test: $(TEST_STAMP) $(COMPILED) lint
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4

bench: $(TEST_STAMP) $(COMPILED)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/payments.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
