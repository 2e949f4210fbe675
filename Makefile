# OCSEA Obligations Graph — `make run` builds and serves the graph, `make test` checks everything.
# Works on a fresh Debian machine as root: `deps` installs Java (the OWL reasoner needs it) and
# Python's venv module when they are missing.

SHELL  := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ocsea-installed

.PHONY: run test deps install build serve clean

run: deps install build serve

serve: install
	$(BIN)/ocsea serve

build: install
	$(BIN)/ocsea build

test: deps install
	$(BIN)/ruff format --check . && $(BIN)/ruff check . && $(BIN)/mypy api && $(BIN)/pytest -q

deps:
	@command -v java >/dev/null 2>&1 || (apt-get update && apt-get install -y default-jre-headless)
	@command -v $(PYTHON) >/dev/null 2>&1 || (apt-get update && apt-get install -y python3 python3-venv)
	@test -x $(BIN)/python || $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null \
		|| (apt-get update && apt-get install -y python3-venv)

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed (the package itself is installed editable).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

clean:
	rm -rf var/store .mypy_cache .pytest_cache .ruff_cache *.egg-info
