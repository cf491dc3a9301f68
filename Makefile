# The README's commands. Everything runs inside .venv, which is (re)built
# whenever requirements.txt or pyproject.toml is newer than its stamp.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: venv book test serve lab clean format lint clean-notebooks bench

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade --quiet pip
	$(BIN)/pip install -r requirements.txt
	touch $(STAMP)

# Clean build, warnings are errors, a failing notebook cell fails the build.
book: $(STAMP)
	rm -rf _build
	$(BIN)/jupyter-book build . --warningiserror --keep-going

# Linters first (any error stops here), then the book from clean (as
# `make book`), then the unit tests, every notebook (nbval) and the browser
# tests of the built pages in one pytest run, which comes last. The browser
# tests need Chromium (README, Prerequisites).
test: lint book
	$(BIN)/python -m pytest

# ruff lints and checks the formatting of bplib, tests, benchmarks and the
# notebooks' code cells (pyproject.toml); actionlint checks the workflows.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint .github/workflows/*.yml

# Fix what ruff can fix, then format.
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Strip outputs, execution counts and widget state from the notebooks
# (cell ids, tags and figure metadata stay).
clean-notebooks: $(STAMP)
	$(BIN)/nbstripout --keep-id chapters/*.ipynb templates/*.ipynb

serve:
	@test -f _build/html/index.html || { echo "run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# JupyterLab on 127.0.0.1 only; as root (a container) it needs --allow-root.
LAB_FLAGS := --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) chapters

clean:
	rm -rf _build

# Benchmarks against PyTorch (optional extra) and scikit-learn; not part of
# make test. Writes benchmarks/results.json and prints a table of ratios.
bench: $(STAMP)
	$(BIN)/pip install --quiet -r requirements-bench.txt || \
		echo "torch not installed: the PyTorch comparison is skipped"
	$(BIN)/python benchmarks/run.py
