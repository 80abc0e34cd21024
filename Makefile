# SMP Academy: `make run` serves the academy on http://127.0.0.1:5000, `make test` runs lint and
# the whole test suite. Both create .venv and install what they need; both are idempotent.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app smp_academy
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements-dev.txt | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint typecheck format install install-dev lock setup bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { echo "error: cannot create a virtual environment; on Debian install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# requirements.txt and requirements-dev.txt are lock files with hashes, made from pyproject.toml
# by `make lock`: every install gets exactly the same files.
$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.txt
	rm -f $(VENV)/.runtime-*; touch $@

$(DEV_STAMP): requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	rm -f $(VENV)/.dev-* $(VENV)/.runtime-*; touch $@ $(RUNTIME_STAMP)

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

# Migrate, load the curriculum and the demo data (all idempotent).
setup: install
	$(FLASK) db upgrade
	$(FLASK) content sync
	$(FLASK) demo
	$(FLASK) certificates credentials --backfill

run: setup
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy

lock: install-dev
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 -o requirements.txt pyproject.toml
	$(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 --extra dev -o requirements-dev.txt pyproject.toml

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest -q $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
