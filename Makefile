# Consult: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test lint format install install-dev system-run system-test clean bundle

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install system-run
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Consult is at http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Debian packages, installed when missing and we may (root with apt-get): pango for WeasyPrint's
# PDFs (the app), chromium for the browser tests, LibreOffice to open the Word and ODT exports
# the way a recipient would, poppler's pdftoppm to look at rendered pages.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) chromium libreoffice-writer-nogui poppler-utils
system-run system-test: system-%:
	@missing=""; \
	for package in $(if $(filter run,$*),$(RUN_PACKAGES),$(TEST_PACKAGES)); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing (install them as root; tests that need them are skipped, and fail when CI is set)."; \
	  fi; \
	fi

# The suite runs in TEST_WORKERS processes (pytest-xdist; "auto" is one a core, at most 4), each
# with a database of its own; TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto
test: install-dev system-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist loadgroup $(PYTEST_ARGS)

# Static checks (CI runs them first): ruff's lint rules (bugs, security, style), the format,
# and bandit, which fails on any high-severity finding (configuration in pyproject.toml).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive consult --severity-level high

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The live editor's bundle (static/js/live-editor.js) and the licences of what it bundles
# (static/vendor/live-editor/LICENSES.txt), rebuilt from assets/live-editor's committed
# package-lock.json with node and npm: the same bytes on every machine, which
# tests/live/test_bundle.py checks. Commit both files after changing assets/live-editor.
bundle:
	cd assets/live-editor && npm ci --no-audit --no-fund && node build.mjs

# Benchmarks (see bench/): drafting (save latency, merge time, page latency under 20 clients)
# and signing (public signatures per second and p95 under 50 clients, zero lost or doubled),
# exports, bill imports (a 300-page print from PDF under 10 s; HTML, Word and text beside it)
# and amendments (checking and re-mapping 100 amendments on a 300-page print), and live
# co-editing (keystroke-to-peer p95 under 150 ms for 20 editors in a section and 200 across a
# response, server CPU per update, memory per open document, the stored size after an hour of
# typing, and the drafting figures before live editing and now), and notifications
# (`notifications send-due` for 5,000 people: time, SQL statements, SMTP connections).
# drafting and signing measure PostgreSQL too when DATABASE_URL points at one (a scratch
# database beside it); live runs on SQLite only.
.PHONY: bench
bench: install-dev
	$(BIN)/python bench/drafting.py
	$(BIN)/python bench/signing.py
	$(BIN)/python bench/floor.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/bills.py
	$(BIN)/python bench/amendments.py
	$(BIN)/python bench/live.py
	$(BIN)/python bench/notifications.py

# The README's pictures: the main screens in headless Chromium, from a throwaway demo instance.
.PHONY: screenshots
screenshots: install-dev system-test
	$(BIN)/python docs/screenshots.py
