# Relay: `make run` sets up and serves the site; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test test-postgres lint bench clean-db

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# axe-core for the browser accessibility checks (package-lock.json pins it).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the browser accessibility checks will be skipped (install Node.js and npm)."; fi

setup: $(STAMP)
	$(MANAGE) migrate --no-input
	$(MANAGE) load_places
	$(MANAGE) load_demo
	$(MANAGE) ensure_demo_admin

## Serve the site at http://$(HOST):$(PORT) with the django-q2 worker beside it; Ctrl-C stops both.
run: setup
	bin/run-dev $(HOST) $(PORT)

## The whole suite on the embedded default (SQLite), browser journeys included (Debian's chromium).
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest

## The whole suite against PostgreSQL (DATABASE_URL defaults to the local server's `test` database).
test-postgres: $(STAMP) $(NODE_STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

## Server-side median time and query counts for the public pages, on a throwaway database.
bench: $(STAMP)
	$(BIN)/python -m planner.bench $(BENCH_ARGS)

clean-db:
	rm -f var/relay.sqlite3 var/relay.sqlite3-wal var/relay.sqlite3-shm
