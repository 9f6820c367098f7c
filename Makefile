# livertriage: two commands need only Python 3.11+ and make.
#   make run    create .venv, install, start the questionnaire
#   make test   create .venv, install the dev tools, run ruff, mypy and pytest (BDD included)
#   make test-long  the property tests at full strength and the runs that take minutes; .ci/run runs it too
#   make bench  the performance benchmark (docs/performance.md)

VENV := .venv
BIN := $(VENV)/bin

# The first Python 3.11 or newer on PATH, unless PYTHON is given.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; \
	then echo $$p; break; fi; done)

.PHONY: run test test-long bench lint format typecheck pytest clean

$(VENV)/.python:
	@if [ -z "$(PYTHON)" ]; then echo "livertriage needs Python 3.11 or newer on PATH (or PYTHON=...)." >&2; exit 2; fi
	$(PYTHON) -m venv $(VENV)
	@echo "$(PYTHON)" > $@

$(VENV)/.installed: pyproject.toml | $(VENV)/.python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --editable .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/.python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --editable '.[dev]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/livertriage

test: lint typecheck pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

# Minutes, so not part of make test: the property tests at full strength (2,000 examples each)
# and thousands of simulated interviews.
test-long: $(VENV)/.installed-dev
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest -m "long or properties"

# The benchmark: prints Markdown figures (see docs/performance.md). Not part of make test.
bench: $(VENV)/.installed
	$(BIN)/python -m compileall -q livertriage
	$(BIN)/python -m livertriage.bench

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
