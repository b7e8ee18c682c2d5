# Two commands take a fresh machine to a running service or a passing suite:
#   make run    create .venv, install, migrate the SQLite database, serve on 127.0.0.1:5000
#   make test   create .venv with dev tools, install the Prism mock, lint, run the suite
#   make quick  the quick tier while working: every test not marked slow (under a minute)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
NODE_STAMP := $(if $(wildcard package.json),node_modules/.installed-$(shell cat package.json package-lock.json 2>/dev/null | cksum | cut -d' ' -f1))
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test quick lint tick bench clean chromium crisis-model

$(STAMP):
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

$(NODE_STAMP): package.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && rm -f node_modules/.installed-* && touch $@; \
	else echo "npm not found: the Prism contract test will skip"; fi

run: $(STAMP)
	$(BIN)/nudges db upgrade
	$(BIN)/nudges serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Browser tests use Debian's chromium; install it when we can (root with apt).
chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium not installed: browser tests will skip (apt-get install chromium)"; fi; }

test: $(STAMP) $(NODE_STAMP) chromium lint
	$(BIN)/pytest

quick: $(STAMP)
	$(BIN)/pytest -m "not slow"

# Rebuild the crisis model (nudges/crisis_model.npz) from the labelled corpus and
# pin its sha256. Training-only tools (scikit-learn) are installed here, not by
# `make test`. Takes about 10 minutes on 2 cores.
crisis-model: $(STAMP)
	$(BIN)/pip install --quiet 'scikit-learn>=1.5,<2'
	$(BIN)/python tests/crisis/train.py

tick: $(STAMP)
	$(BIN)/nudges tick

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .mypy_cache .hypothesis
