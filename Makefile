# Leadbot: `make run` and `make test` on a machine with only python3 (>= 3.11).
# The virtualenv lives in .venv; the project is (re)installed into it only when
# pyproject.toml is newer than the stamp, so repeated runs start at once.
#
#   make run                  console on SQLite without Slack tokens, else Socket Mode or HTTP
#   make test                 the test suite on SQLite
#   make test PYTEST_ARGS="tests/domain -x"
#   make test TEST_WORKERS=0   one process (default 2 worker processes, pytest-xdist)
#   LEADBOT_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make test
#                             the same suite on PostgreSQL (each run creates and drops
#                             its own database on that server; the URL's database is untouched)
#   make test-at AT=2026-12-07T08:34:00Z
#                             the suite with every process's clock moved to that instant
#                             (running on from it): tests must pass at any hour and day
#   make lint                 ruff, import-linter contracts, mypy
#   make clean                caches and build output; `make distclean` also removes .venv

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.leadbot-installed
PYTEST_ARGS ?=
TEST_WORKERS ?= 2

.PHONY: run test test-at lint clean distclean install

run: $(STAMP)
	$(BIN)/leadbot run

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-at: $(STAMP)
	@test -n "$(AT)" || { echo "Say when: make test-at AT=2026-12-07T08:34:00Z"; exit 2; }
	PYTHONPATH=$(CURDIR)/tests/clock TEST_CLOCK_AT=$(AT) $(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy domain handlers store

install: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Leadbot needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) -V 2>&1). Try: make PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -e ".[dev,postgres]"
	@# matplotlib lists the machine's fonts on its first import (seconds): done here, once,
	@# not inside the first chart a `leadbot tick` draws
	$(BIN)/python -c "import matplotlib.font_manager"
	@touch $(STAMP)

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
