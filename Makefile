# OCSEA Obligations Graph — `make run` builds and serves the graph, `make test` checks everything.
# Works on a fresh Debian machine as root: `deps` installs Java (the OWL reasoner needs it),
# Python's venv module and Node.js/npm (for the SPARQL editor's CodeMirror) when they are missing.

SHELL  := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.ocsea-installed
# The pages' browser assets: npm packages of package-lock.json, copied under api/static/vendor/
# (not committed) and served by the app at /static/vendor/ (never from a CDN).
VENDOR := api/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed
CODEMIRROR_FILES := lib/codemirror.js lib/codemirror.css mode/sparql/sparql.js \
	addon/edit/matchbrackets.js LICENSE

.PHONY: run test deps install build serve clean bench

run: deps install build serve

serve: install
	$(BIN)/ocsea serve

build: install
	$(BIN)/ocsea build

test: deps install
	$(BIN)/ruff format --check . && $(BIN)/ruff check . && $(BIN)/mypy api benchmarks && $(BIN)/pytest -q

deps:
	@command -v java >/dev/null 2>&1 || (apt-get update && apt-get install -y default-jre-headless)
	@command -v $(PYTHON) >/dev/null 2>&1 || (apt-get update && apt-get install -y python3 python3-venv)
	@test -x $(BIN)/python || $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null \
		|| (apt-get update && apt-get install -y python3-venv)
	@command -v npm >/dev/null 2>&1 || (apt-get update && apt-get install -y nodejs npm)

install: $(STAMP) $(VENDOR_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed (the package itself is installed editable).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# Reinstall only when the npm lock file changed; `npm ci` installs exactly what it pins.
$(VENDOR_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(VENDOR)/codemirror
	for file in $(CODEMIRROR_FILES); do \
		mkdir -p $(VENDOR)/codemirror/$$(dirname $$file) && \
		cp node_modules/codemirror/$$file $(VENDOR)/codemirror/$$file || exit 1; \
	done
	@touch $(VENDOR_STAMP)

# Benchmarks (not part of `make test`): BENCH_TRIPLES=1000000 for the 1 M-triple run; see BENCHMARKS.md.
BENCH_TRIPLES ?= 100000
bench: install
	$(BIN)/python -m benchmarks.run --triples $(BENCH_TRIPLES) $(BENCH_ARGS)

clean:
	rm -rf var/store .mypy_cache .pytest_cache .ruff_cache *.egg-info node_modules $(VENDOR)
