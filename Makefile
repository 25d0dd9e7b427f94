# Two commands for a newcomer: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SHANGLIANG_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/shangliang.sqlite3

.PHONY: install run test test-sqlite test-postgres bench serve db demo lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

db: install
	$(BIN)/shangliang init-db

demo: db
	$(BIN)/shangliang demo

run: demo
	$(BIN)/shangliang serve --host 127.0.0.1 --port 5000

# The whole suite twice: on SQLite files, then on a private PostgreSQL server (tests/pg.sh).
test: test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest -p no:cacheprovider

test-postgres: install
	PG_FAST=1 tests/pg.sh run $(BIN)/pytest -p no:cacheprovider

# One table and bench/results.json: the engine floor, completions, queries at 10,000 and 100,000 cases.
BENCH_ARGS ?=
bench: install
	tests/pg.sh run $(BIN)/python -m bench $(BENCH_ARGS)

clean:
	-tests/pg.sh stop
	rm -rf instance/*.sqlite3* test-artifacts .pg bench/work
