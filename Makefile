# cardplay: one command to set up and run, one to set up and test.
#   make run    set up .venv (Python 3.12) and run the 1969 scenario to outputs and figures
#   make test   set up .venv and run lint plus the whole test suite
PY := $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PYENV_VERSION ?= 3.12.1

.PHONY: setup run test golden bench clean
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -c 'import sys; assert sys.version_info >= (3, 12), "cardplay needs Python >= 3.12"'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

run: setup
	$(BIN)/cardplay run scenario=1969_border_clash seed=7

test: setup
	$(BIN)/ruff check sim tests
	$(BIN)/ruff format --check sim tests experiments
	$(BIN)/pytest

golden: setup  ## deliberately regenerate the seeded regression outputs
	$(BIN)/python -m tests.golden --regenerate

bench: setup
	$(BIN)/python experiments/benchmark.py

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache
