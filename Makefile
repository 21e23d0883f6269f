# Relay: `make run` sets up and serves the site; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve setup test test-postgres lint audit bench clean-db system-deps

# Development and tests: the runtime pins plus pytest, playwright, ruff, locust...
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP) $(RUNTIME_STAMP)

# Production (make serve): the runtime pins only, nothing a server does not need.
$(RUNTIME_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(RUNTIME_STAMP)

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

## Production settings: gunicorn and django-q2 workers, after check --deploy, migrate and
## collectstatic. Needs the environment of README "Deploying" (SECRET_KEY, ALLOWED_HOSTS, ...).
serve: $(RUNTIME_STAMP)
	exec bin/serve

# Debian's chromium (browser tests), poppler-utils (PDF pages to PNG, fonts listed) and
# zbar-tools (QR codes read back from badge sheets): installed when we can (as root, or with
# passwordless sudo), else we stop and say how.
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null || ! command -v zbarimg >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; \
	  else echo "Install the browser, PDF and QR tools first: sudo apt-get install chromium poppler-utils zbar-tools"; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils zbar-tools >/dev/null; \
	fi

## The whole suite on the embedded default (SQLite), browser journeys included (Debian's chromium).
test: $(STAMP) $(NODE_STAMP) system-deps
	$(BIN)/pytest

## The whole suite against PostgreSQL (DATABASE_URL defaults to the local server's `test` database).
test-postgres: $(STAMP) $(NODE_STAMP) system-deps
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest

## ruff; import-linter for the layers (pyproject.toml); bandit for security smells (medium and high fail).
lint: $(STAMP)
	$(BIN)/ruff check .
	PYTHONPATH=. $(BIN)/lint-imports
	$(BIN)/bandit --quiet --recursive planner cms venues --severity-level medium

## Known advisories for the pinned runtime dependencies (asks PyPI).
audit: $(STAMP)
	$(BIN)/pip-audit --requirement requirements.txt --vulnerability-service pypi --progress-spinner off

## Server-side median time and query counts for the public pages, on a throwaway database.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean-db:
	rm -f var/relay.sqlite3 var/relay.sqlite3-wal var/relay.sqlite3-shm
