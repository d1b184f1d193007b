# Two commands do all the set-up on a fresh machine:  make run  and  make test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
DEV := ACUFACE_MODE=development
INSTALLED := $(VENV)/.installed
NODE_TOOLS := node_modules/.package-lock.json
PG_DB := acuface_test_$(shell echo $$$$)

# A local .env (see .env.example) configures `make run`; the tests ignore it.
ifneq ($(wildcard .env),)
RUN_ENV := set -a && . ./.env && set +a &&
endif

.PHONY: run test install node-tools lint typecheck migrations-check browser pytest pytest-postgres clean bench

run: install ## install, migrate, load the demo clinic, serve it with a task worker
	$(RUN_ENV) $(DEV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(DEV) $(PY) manage.py createcachetable
	$(RUN_ENV) $(DEV) $(PY) manage.py load_demo
	$(RUN_ENV) $(DEV) $(PY) manage.py followups_run
	@echo "Serving Acuface on http://127.0.0.1:8000 (task worker running beside it). Ctrl-C stops both."
	@trap 'kill 0' EXIT INT TERM; \
	  $(RUN_ENV) $(DEV) $(PY) manage.py db_worker & \
	  $(RUN_ENV) $(DEV) $(PY) manage.py runserver 127.0.0.1:8000

test: install node-tools lint typecheck migrations-check browser pytest pytest-postgres ## everything CI checks

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 ($(PYTHON)) is needed"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Test-only tools from npm (axe-core for the browser tests), pinned in package-lock.json.
node-tools: $(NODE_TOOLS)

$(NODE_TOOLS): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node 20) is needed: the browser tests run axe-core from npm"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	ACUFACE_MODE=test $(VENV)/bin/mypy acuface config

migrations-check: install
	ACUFACE_MODE=test ACUFACE_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run

# Browser tests drive Debian's Chromium; install it when missing and we can.
browser:
	@if [ -x /usr/bin/chromium ]; then echo "chromium: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: browser tests will be skipped here, and fail under CI"; \
	else echo "chromium is missing and apt-get is not available to this user: browser tests will be skipped"; fi

pytest: install node-tools
	ACUFACE_MODE=test $(PY) -m pytest

pytest-postgres: install
	@if $(PY) tools/pg_throwaway.py check; then \
	  url=$$($(PY) tools/pg_throwaway.py create $(PG_DB)) && \
	  echo "PostgreSQL answers at 127.0.0.1:5432: running the suite again on $(PG_DB)" && \
	  { ACUFACE_MODE=test DATABASE_URL=$$url $(PY) -m pytest -m "not browser"; status=$$?; \
	    $(PY) tools/pg_throwaway.py drop $(PG_DB); exit $$status; }; \
	else echo "No PostgreSQL answers at 127.0.0.1:5432: the suite ran on SQLite only."; fi

bench: install
	@echo "See bench/README.md for each benchmark and its options."

clean:
	rm -rf $(VENV) data/ test-artifacts/ node_modules/
