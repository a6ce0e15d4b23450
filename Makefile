# Everything runs inside the project's own virtual environment, made by `make install`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The demo installs only what the platform runs on; tests and benchmarks add their extras.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the demo's mails and its sign-in hint point where the server listens.
DEMO_ENV := SITE_URL=http://$(HOST):$(PORT)

.PHONY: install install-test install-bench demo serve test lint format bench prod-check vendor messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(TEST_STAMP)

$(BENCH_STAMP): $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(BENCH_STAMP)

install: $(STAMP) messages
install-test: $(TEST_STAMP) messages
install-bench: $(BENCH_STAMP) messages

messages: $(STAMP)
	cd src/cyberweek && ../../$(BIN)/cyberweek compilemessages --ignore ".venv" -v 0

demo: install
	$(BIN)/cyberweek migrate --no-input -v 0
	$(BIN)/cyberweek geo load-regions
	$(DEMO_ENV) $(BIN)/cyberweek load_demo
	$(DEMO_ENV) $(BIN)/cyberweek runserver $(HOST):$(PORT)

serve: install
	$(DEMO_ENV) $(BIN)/cyberweek runserver $(HOST):$(PORT)

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cyberweek makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production topology of deploy/ on this machine, a scenario and faults through nginx
# (see deploy/prodcheck/run.py). Needs Debian's nginx, pgbouncer and postgresql-15.
prod-check: install-test
	$(BIN)/python deploy/prodcheck/run.py

bench: install-bench
	@set -e; for script in $(filter-out bench/_%,$(wildcard bench/*.py)); do echo "== $$script"; $(BIN)/python $$script; done

# Front-end assets come from npm and are committed under static/vendor, so nothing is
# fetched from a CDN or the registry at run time.
vendor:
	npm ci --no-audit --no-fund
	$(BIN)/python scripts/vendor_assets.py

clean:
	rm -rf $(VENV) var staticfiles
