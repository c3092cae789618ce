# perfkg: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: demo test venv clean assets

$(BIN)/perfkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

venv: $(BIN)/perfkg

# The workbench's browser assets: web/ (npm, locked) bundled by esbuild into src/perfkg/web/static/, which is
# committed, so a wheel needs no Node; without npm the committed bundle is used as it is.
ifneq ($(shell command -v npm 2>/dev/null),)
assets: web/node_modules/.package-lock.json
	cd web && npm run --silent build
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
else
assets:
	@echo "npm 不可用：使用已提交的工作台前端资源 / npm not found: using the committed workbench assets"
endif

# Main job on the bundled data/: ingest, link, validate, load into the embedded store, answer questions.
demo: venv assets
	$(BIN)/perfkg demo data samples/demo --out $(OUT)
	@echo "工作台 workbench: $(BIN)/perfkg serve --store $(OUT)/store  然后打开 then open http://127.0.0.1:8000/"

# The whole test suite (Virtuoso and Java must be installed: see .ci/install-system-deps).
test: venv assets
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) $(OUT)
