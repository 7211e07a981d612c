# The two commands: `make run` and `make test` (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint system-deps perf clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## make run: install, migrate, load the demo on first run, then serve on http://127.0.0.1:5000 and run
## the background jobs, both from the Procfile (honcho)
run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo "标杆 is serving on http://127.0.0.1:5000, jobs running beside it (Ctrl-C stops both)"
	$(BIN)/honcho start -f Procfile

## make test: lint and layer contracts, then the whole suite on SQLite, and on PostgreSQL
## when TEST_DATABASE_URL is set (there, every test that reaches a database: the others were
## just run) — each run spread over the machine's cores (pytest-xdist)
PYTEST := $(BIN)/pytest -n auto --dist loadgroup
test: $(VENV)/.dev system-deps lint
	env -u TEST_DATABASE_URL $(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL =="; \
		$(PYTEST); \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Debian's Chromium (never a downloaded browser) and CJK fonts for the browser tests;
# LibreOffice Writer with its Python bridge (run by /usr/bin/python3, not the venv) for DOCX → PDF,
# and poppler's pdftotext/pdffonts for the PDF tests.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	{ fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && fc-list 2>/dev/null | grep -qi "Noto Serif CJK"; } \
		|| missing="$$missing fonts-noto-cjk"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer"; \
	/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing="$$missing python3-uno"; \
	{ command -v pdftotext && command -v pdffonts; } >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

perf: $(VENV)/.dev
	$(BIN)/python -m perf.bench_import

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
