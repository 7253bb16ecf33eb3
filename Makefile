# Set-up, build and test of codegen. `make build` and `make test` work on a
# fresh machine: they create the virtualenv and install every toolchain.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup toolchains build test check bench conformance collect clean

$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP) toolchains

# Node tools (TypeScript, esbuild), Maven artifacts (Kotlin, JUnit), Swift.
toolchains: $(STAMP)
	@for script in scripts/setup-*.sh; do echo "== $$script"; bash $$script || exit 1; done

build: $(STAMP)
	$(BIN)/codegen build

check: $(STAMP)
	$(BIN)/codegen check

test: setup
	$(BIN)/codegen check
	$(BIN)/python -m pytest -q

# The collector on the bundled model, storing into events.duckdb (Ctrl-C stops it).
# Its pseudonym key comes from CODEGEN_PSEUDONYM_KEY, else from a key file made
# once on this machine, outside the repository (never commit a key).
PSEUDONYM_KEY_FILE ?= $(HOME)/.config/codegen/pseudonym.key
collect: $(STAMP)
	@if [ -n "$$CODEGEN_PSEUDONYM_KEY" ]; then exec $(BIN)/codegen collect --sink duckdb:events.duckdb; fi; \
	if [ ! -s "$(PSEUDONYM_KEY_FILE)" ]; then \
		mkdir -p "$(dir $(PSEUDONYM_KEY_FILE))" && (umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > "$(PSEUDONYM_KEY_FILE)") && \
		echo "made a pseudonym key in $(PSEUDONYM_KEY_FILE) (keep it: pseudonyms of other keys do not join)"; \
	fi; \
	exec $(BIN)/codegen collect --sink duckdb:events.duckdb --pseudonym-key-file "$(PSEUDONYM_KEY_FILE)"

conformance: setup
	$(BIN)/python -m pytest -q tests/conformance

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/runtime.py
	$(BIN)/python bench/collector.py
	$(BIN)/python bench/delivery.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
