# Everything runs inside the project's own virtual environment, made by `make install`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo serve test lint format bench vendor messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

install: $(STAMP) messages

messages: $(STAMP)
	cd src/cyberweek && ../../$(BIN)/cyberweek compilemessages --ignore ".venv" -v 0

demo: install
	$(BIN)/cyberweek migrate --no-input -v 0
	$(BIN)/cyberweek geo load-regions
	$(BIN)/cyberweek load_demo
	$(BIN)/cyberweek runserver $(HOST):$(PORT)

serve: install
	$(BIN)/cyberweek runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cyberweek makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@set -e; for script in $(filter-out bench/_%,$(wildcard bench/*.py)); do echo "== $$script"; $(BIN)/python $$script; done

# Front-end assets come from npm and are committed under static/vendor, so nothing is
# fetched from a CDN or the registry at run time.
vendor:
	npm ci --no-audit --no-fund
	$(BIN)/python scripts/vendor_assets.py

clean:
	rm -rf $(VENV) var staticfiles
