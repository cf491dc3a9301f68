# The README's commands. Everything runs inside .venv, which is (re)built
# whenever requirements.txt or pyproject.toml is newer than its stamp.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: venv book test serve lab clean bench

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

# Unit tests and every notebook (nbval) in one pytest run, which comes last.
test: $(STAMP)
	$(BIN)/python -m pytest

serve:
	@test -f _build/html/index.html || { echo "run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

clean:
	rm -rf _build

# Benchmarks against PyTorch (optional extra) and scikit-learn; not part of
# make test. Writes benchmarks/results.json and prints a table of ratios.
bench: $(STAMP)
	$(BIN)/pip install --quiet -r requirements-bench.txt || \
		echo "torch not installed: the PyTorch comparison is skipped"
	$(BIN)/python benchmarks/run.py
