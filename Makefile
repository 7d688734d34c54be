# Piiri: the two commands of the README are `make run` and `make test`; the rest are conveniences.
# Every target installs what it needs first (scripts/setup.sh), so each works on a fresh clone.

VENV := .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help setup venv run test test-record lint format bench faults fuzz lock messages

help:
	@echo "make run     set up, migrate, load demo data, print the admin login, start everything"
	@echo "             (web UI and API on http://127.0.0.1:8000; PIIRI_HTTP_ADDRESS overrides)"
	@echo "make test    set up (with Chromium), then ruff format --check, ruff check, lint-imports, mypy, pytest"
	@echo "make test-record  make test, then rewrite scripts/test_costs.json (what each test file cost), by"
	@echo "             which the two shards are balanced"
	@echo "make setup   virtualenv + pinned packages, PostgreSQL, RabbitMQ, database role, test vhost"
	@echo "make bench   run the search benchmark (bench/search_bench.py)"
	@echo "make faults  the fault harness, long run (issue 12): 4 minutes of load with kill -9s and"
	@echo "             server restarts on its own throwaway PostgreSQL and RabbitMQ; nothing may be lost"
	@echo "make fuzz    API fuzzing, long run (issue 12): schemathesis, FUZZ_EXAMPLES (50) cases per operation,"
	@echo "             mode and caller, random seed (FUZZ_SEED); no 5xx, every answer as the OpenAPI document says"
	@echo "make lint    ruff format --check, ruff check, lint-imports (service boundaries), mypy"
	@echo "make format  ruff format and ruff check --fix"
	@echo "make messages  pybabel extract/update/compile of the gateway's fi, sv and en catalogs (scripts/messages.py)"
	@echo "make lock    rewrite constraints.txt from the virtualenv after changing requirements*.txt"

setup:
	bash scripts/setup.sh

venv:
	bash scripts/setup.sh --venv-only

run: setup
	$(BIN)/piiri migrate
	$(BIN)/piiri seed --demo
	$(BIN)/piiri demo-admin
	exec env PIIRI_LIMESURVEY_EMULATOR=$${PIIRI_LIMESURVEY_EMULATOR:-true} $(BIN)/piiri run

test:
	bash scripts/setup.sh --browser
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python scripts/test_shards.py

test-record:
	bash scripts/setup.sh --browser
	$(BIN)/python scripts/test_shards.py --record

bench: setup
	$(BIN)/python bench/search_bench.py

# FAULTS_SECONDS / FAULTS_KILLS change the length and the number of SIGKILLs (tests/faults/harness.py).
FAULTS_SECONDS ?= 240
FAULTS_KILLS ?= 6
faults: setup
	$(BIN)/python -m tests.faults.harness --seconds $(FAULTS_SECONDS) --kills $(FAULTS_KILLS)

# FUZZ_EXAMPLES cases per operation, generation mode and caller; FUZZ_SEED repeats a run (it prints its seed).
FUZZ_EXAMPLES ?= 50
FUZZ_SEED ?= $(shell date +%s)
fuzz: setup
	@echo "fuzz seed $(FUZZ_SEED)"
	PIIRI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PIIRI_FUZZ_SEED=$(FUZZ_SEED) $(BIN)/pytest -s -p no:cacheprovider \
		--timeout 0 tests/e2e/test_api_fuzz.py

lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

messages: venv
	$(BIN)/python scripts/messages.py

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock:
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	( echo "# Full lock of every installed package (generated: .venv/bin/pip freeze --exclude-editable, plus setuptools)."; \
	  echo "# Install: pip install -r requirements-dev.txt (or requirements.txt alone: runtime) -c constraints.txt; then pip install -e . --no-deps."; \
	  echo "# Regenerate after changing requirements.txt or requirements-dev.txt: make lock"; \
	  $(BIN)/python -m pip freeze --all --exclude-editable | grep -vi '^pip==' ) > constraints.txt.new
	mv constraints.txt.new constraints.txt
