# minzheng: `make run` serves the demo city; `make test` runs every test. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := APP_ENV=$${APP_ENV:-development} FLASK_APP=server:create_app $(BIN)/flask

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

.PHONY: install
install: $(VENV)/.installed ## Create .venv and install the project with its dev tools

miniapp/node_modules/.installed: miniapp/package.json miniapp/package-lock.json
	cd miniapp && npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: migrate
migrate: install ## Upgrade the database to the newest migration
	$(FLASK) migrate

.PHONY: seed
seed: migrate ## Seed the demo city (idempotent)
	$(FLASK) seed-demo

.PHONY: run
run: seed ## Set up and serve the demo city on http://127.0.0.1:5000 (SQLite + in-process Redis)
	$(FLASK) run --host 127.0.0.1 --port 5000

.PHONY: test
test: install miniapp/node_modules/.installed ## Lint, then pytest (SQLite; and PostgreSQL + Redis when TEST_DATABASE_URL/TEST_REDIS_URL are set), then jest
	@bash scripts/test-all.sh

.PHONY: lint
lint: install ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: install ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: screens
screens: miniapp/node_modules/.installed ## Photograph every main mini-program screen into docs/miniapp/ (needs chromium and fonts-noto-cjk)
	@test -x /usr/bin/chromium || { echo "make screens needs Chromium at /usr/bin/chromium: sudo apt-get install -y chromium fonts-noto-cjk"; exit 1; }
	@fc-list :lang=zh family | grep -q . || { echo "make screens needs Chinese fonts: sudo apt-get install -y fonts-noto-cjk"; exit 1; }
	cd miniapp && node scripts/screens.js

.PHONY: bench
bench: install ## Benchmark under gunicorn + wrk on PostgreSQL + Redis (docs/performance.md)
	$(BIN)/python -m bench.run

.PHONY: clean
clean: ## Remove the venv, the local database and caches
	rm -rf $(VENV) var miniapp/node_modules .pytest_cache .ruff_cache .hypothesis
