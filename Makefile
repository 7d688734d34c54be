# Piiri: the two commands of the README are `make run` and `make test`; the rest are conveniences.
# Every target installs what it needs first (scripts/setup.sh), so each works on a fresh clone.

VENV := .venv
BIN := $(VENV)/bin

.DEFAULT_GOAL := help
.PHONY: help setup venv run test lint format bench faults lock messages

help:
	@echo "make run     set up, migrate, load demo data, print the admin login, start everything"
	@echo "             (web UI and API on http://127.0.0.1:8000; PIIRI_HTTP_ADDRESS overrides)"
	@echo "make test    set up (with Chromium), then ruff format --check, ruff check, lint-imports, mypy, pytest"
	@echo "make setup   virtualenv + pinned packages, PostgreSQL, RabbitMQ, database role, test vhost"
	@echo "make bench   run the search benchmark (bench/search_bench.py)"
	@echo "make faults  the fault harness, long run (issue 12): 4 minutes of load with kill -9s and"
	@echo "             server restarts on its own throwaway PostgreSQL and RabbitMQ; nothing may be lost"
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

bench: setup
	$(BIN)/python bench/search_bench.py

# FAULTS_SECONDS / FAULTS_KILLS change the length and the number of SIGKILLs (tests/faults/harness.py).
FAULTS_SECONDS ?= 240
FAULTS_KILLS ?= 6
faults: setup
	$(BIN)/python -m tests.faults.harness --seconds $(FAULTS_SECONDS) --kills $(FAULTS_KILLS)

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
