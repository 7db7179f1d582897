# Two commands: `make run` serves the demo shop, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test install db seed translations clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

db: install
	STOREFRONT_DEV=1 $(FLASK) db upgrade

seed: db
	STOREFRONT_DEV=1 $(FLASK) seed-demo

# Development server on http://127.0.0.1:5000; Flask's debugger stays off.
run: seed
	STOREFRONT_DEV=1 $(FLASK) run --host 127.0.0.1 --port 5000 --no-debugger --reload

test: install
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "*** Chromium not found at $(CHROMIUM): the browser (e2e) tests will be SKIPPED."; \
	  echo "*** Install it with: sudo apt-get install chromium fonts-noto-cjk"; \
	fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

translations: install
	$(FLASK) translate update
	$(FLASK) translate compile

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/artifacts
