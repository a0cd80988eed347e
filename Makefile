# cardplay: one command to set up and run, one to set up and test.
#   make run    set up .venv (Python 3.12) and run the 1969 scenario to outputs and figures
#   make test   set up .venv and run lint, the docs build and the whole test suite
#   make docs   build the docs site into site/ (offline, warnings as errors)
PY := $(shell command -v python3.12 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PYENV_VERSION ?= 3.12.1

.PHONY: setup run test docs golden bench clean
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -c 'import sys; assert sys.version_info >= (3, 12), "cardplay needs Python >= 3.12"'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,docs]"
	touch $@

run: setup
	$(BIN)/cardplay run scenario=1969_border_clash seed=7

test: setup docs
	$(BIN)/ruff check sim tests
	$(BIN)/ruff format --check sim tests experiments
	$(BIN)/pytest

# The docs site: docs/*.md and the API reference from the docstrings (mkdocs.yml). A broken
# link, a missing page or a docstring role naming nothing fails it; so does a page that
# would load anything from the network (the site must read offline).
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	@! grep -rlE '<(script|link)[^>]* (src|href)="(https?:)?//' site --include='*.html' \
		|| { echo "docs: the pages above load something from the network"; exit 1; }

golden: setup  ## deliberately regenerate the seeded regression outputs
	$(BIN)/python -m tests.golden --regenerate

bench: setup  ## figures to docs/benchmark.md; EMA Workbench compared if the bench extra installs
	$(BIN)/pip install -q -e ".[bench]" || echo "bench extra not installed: EMA Workbench skipped"
	$(BIN)/python experiments/benchmark.py

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache site
