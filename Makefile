# Two commands: `make run` serves the demo shop, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test install db seed translations clean lighthouse bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,security]"
	touch $@

install: $(VENV)/.installed

db: install
	STOREFRONT_DEV=1 $(FLASK) db upgrade

# The demo catalogue, and a demo owner for the admin (development databases only: make run's).
DEMO_OWNER := owner@example.com
DEMO_OWNER_PASSWORD := lumen demo owner

seed: db
	STOREFRONT_DEV=1 $(FLASK) seed-demo
	STOREFRONT_DEV=1 STOREFRONT_OWNER_PASSWORD="$(DEMO_OWNER_PASSWORD)" $(FLASK) create-owner $(DEMO_OWNER)
	@echo "Admin: sign in at http://127.0.0.1:5000/en/account/login as $(DEMO_OWNER) / $(DEMO_OWNER_PASSWORD)"

# Development server on http://127.0.0.1:5000; Flask's debugger stays off.
run: seed
	STOREFRONT_DEV=1 $(FLASK) run --host 127.0.0.1 --port 5000 --no-debugger --reload

test: install
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "*** Chromium not found at $(CHROMIUM): the browser (e2e) tests will be SKIPPED."; \
	  echo "*** Install it with: sudo apt-get install chromium fonts-noto-cjk"; \
	fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark (bench/README.md): the demo and a 100,000-product catalogue at 16 and 64 clients, ~15 minutes.
# Options: make bench BENCH_ARGS="--concurrency 16 --duration 5".
BENCH_ARGS ?= --products 0,100000
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

bench: install
	@if ! command -v wrk >/dev/null; then \
	  echo "== installing wrk (Debian package)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	fi
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Lighthouse (pinned in package.json, Debian's Chromium) on home, category, product and cart in both languages.
lighthouse: install
	@command -v npm >/dev/null && [ -x "$(CHROMIUM)" ] || { echo "*** Needs nodejs (with npm) and chromium: sudo apt-get install nodejs npm chromium fonts-noto-cjk"; exit 1; }
	npm ci --no-audit --no-fund
	CHROME_PATH=$(CHROMIUM) PYTHON=$(BIN)/python node lighthouse/run.mjs

translations: install
	$(FLASK) translate update
	$(FLASK) translate compile

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/artifacts bench/.cache node_modules
