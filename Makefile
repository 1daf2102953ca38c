# Two commands set up everything on a fresh machine:
#   make demo   run the system on SQLite with demo data
#   make test   lint, type-check and run the whole suite (SQLite, then PostgreSQL)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := xinfang/web/static/vendor/.built
DEMO_CASES ?= 3000
DEMO_SEED ?= 1

.PHONY: install assets demo serve test bench clean

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json scripts/build-assets.mjs
	node scripts/build-assets.mjs
	touch $@

assets: $(ASSETS)

demo: install assets
	$(BIN)/xinfang migrate --noinput
	$(BIN)/xinfang demo-setup --cases $(DEMO_CASES) --seed $(DEMO_SEED)
	scripts/serve.sh

serve: install assets
	scripts/serve.sh

test: install assets
	scripts/test.sh

bench: install assets
	scripts/bench.sh

clean:
	rm -rf $(VENV) node_modules var xinfang/web/static/vendor
