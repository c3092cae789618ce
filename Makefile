# perfkg: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test venv clean

$(BIN)/perfkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

venv: $(BIN)/perfkg

# Main job on the bundled data/: ingest, link, validate, load into the embedded store, answer questions.
demo: venv
	$(BIN)/perfkg demo data --out $(OUT)

# The whole test suite (Virtuoso and Java must be installed: see .ci/install-system-deps).
test: venv
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(OUT)
