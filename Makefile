# Two commands for a newcomer: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SHANGLIANG_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/shangliang.sqlite3
# Debian packages: the browser the end-to-end test drives, the CJK fonts PDFs and screenshots need,
# and esbuild, which bundles the process modeler (bpmn-js, its properties panel, our provider).
SYSTEM_PACKAGES := chromium fonts-noto-cjk esbuild
VENDOR := webui/static/vendor
NODE_STAMP := node_modules/.installed
MO := webui/translations/en/LC_MESSAGES/messages.mo

.PHONY: messages install system-packages assets run test test-sqlite test-postgres bench serve db demo lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP) assets $(MO)

# The English catalog is compiled from its .po file; the .mo is not kept in git.
$(MO): $(MO:.mo=.po) | $(STAMP)
	$(BIN)/pybabel compile -d webui/translations


system-packages:
	@dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES); }

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The app serves the front-end libraries from its own origin: copy the built files out of node_modules.
$(VENDOR)/.copied: $(NODE_STAMP)
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bpmn-js $(VENDOR)/properties-panel
	cp node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js \
	   node_modules/bpmn-js/dist/bpmn-modeler.production.min.js $(VENDOR)/bpmn-js/
	cp -r node_modules/bpmn-js/dist/assets $(VENDOR)/bpmn-js/assets
	cp node_modules/bpmn-js-properties-panel/dist/bpmn-js-properties-panel.umd.js $(VENDOR)/properties-panel/
	cp node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css $(VENDOR)/properties-panel/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	touch $@

# The modeler bundle: webui/static/src/ (our provider and moddle extension) with bpmn-js from node_modules.
$(VENDOR)/modeler.bundle.js: $(VENDOR)/.copied $(wildcard webui/static/src/*) | system-packages
	esbuild webui/static/src/modeler.js --bundle --minify --format=iife --target=es2020 --outfile=$@

assets: $(VENDOR)/.copied $(VENDOR)/modeler.bundle.js

db: install
	$(BIN)/shangliang init-db

demo: db
	$(BIN)/shangliang demo

run: demo
	SHANGLIANG_DEMO=1 $(BIN)/shangliang serve --host 127.0.0.1 --port 5000

# The lint first, then the whole suite twice: on SQLite files, then on a private PostgreSQL server (tests/pg.sh).
test: lint test-sqlite test-postgres

test-sqlite: install system-packages
	$(BIN)/pytest -p no:cacheprovider

test-postgres: install system-packages
	PG_FAST=1 tests/pg.sh run $(BIN)/pytest -p no:cacheprovider

# One table and bench/results.json: the engine floor, completions, queries at 10,000 and 100,000 cases.
BENCH_ARGS ?=
bench: install
	tests/pg.sh run $(BIN)/python -m bench $(BENCH_ARGS)

# The house rules, checked by `make test` so no change lands against them: ruff (ruff.toml); the direction
# of the imports, webui -> workflows -> engine -> models (the contracts in setup.cfg); and every type hint (mypy).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# Refresh the catalog after changing page text: make messages, then translate the new entries in the .po file.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -o webui/translations/messages.pot .
	$(BIN)/pybabel update -i webui/translations/messages.pot -d webui/translations

clean:
	-tests/pg.sh stop
	rm -rf instance/*.sqlite3* test-artifacts $(VENDOR) node_modules .pg bench/work
