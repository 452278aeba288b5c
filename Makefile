# gridgov — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := gridgov/static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-browser test-all setup assets migrate demo lint check bench clean

run: setup
	@$(BIN)/gridgov migrate --noinput -v 0
	@$(BIN)/gridgov collectstatic --noinput -v 0
	@$(BIN)/gridgov setup_platform
	@$(BIN)/gridgov demo --if-empty --scale small
	@$(BIN)/gridgov demo_accounts
	@echo "web: http://$(HOST):$(PORT)/   (Ctrl-C stops the web server and the job worker)"
	@# Ctrl-C reaches only this shell: the server and the worker run in their own sessions and
	@# are stopped gracefully (gunicorn on TERM, huey on INT) before the recipe exits quietly.
	@trap 'trap - INT TERM EXIT; kill -TERM $$web 2>/dev/null; kill -INT $$jobs 2>/dev/null; wait; echo "已停止。"; exit 0' INT TERM EXIT; \
	  setsid $(BIN)/gridgov run_huey -w 2 -k thread & jobs=$$!; \
	  setsid $(BIN)/gunicorn gridgov.wsgi -b $(HOST):$(PORT) -w 3 --threads 4 --access-logfile - --log-level warning & web=$$!; \
	  wait

setup: $(STAMP) assets

$(STAMP): requirements.txt requirements-dev.txt requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/pip install -q --upgrade pip
	@$(BIN)/pip install -q -r requirements-dev.txt -c requirements.lock
	@$(BIN)/pip install -q --no-deps -e .
	@touch $(STAMP)

assets: $(VENDOR)/.stamp

$(VENDOR)/.stamp: package.json
	@command -v npm >/dev/null || { echo "需要 Node.js 和 npm（apt-get install nodejs npm）"; exit 1; }
	@npm install --no-audit --no-fund --loglevel=error
	@rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet $(VENDOR)/tabler $(VENDOR)/tabler-icons/fonts $(VENDOR)/tom-select
	@cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	@cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	@cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	@cp node_modules/@tabler/core/dist/css/tabler.min.css node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/tabler/
	@sed -i '/sourceMappingURL/d' $(VENDOR)/tabler/tabler.min.css $(VENDOR)/tabler/tabler.min.js
	@cp node_modules/@tabler/icons-webfont/dist/tabler-icons.min.css $(VENDOR)/tabler-icons/
	@cp node_modules/@tabler/icons-webfont/dist/fonts/tabler-icons.woff2 node_modules/@tabler/icons-webfont/dist/fonts/tabler-icons.woff $(VENDOR)/tabler-icons/fonts/
	@cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css node_modules/tom-select/dist/js/tom-select.complete.min.js $(VENDOR)/tom-select/
	@sed -i '/sourceMappingURL/d' $(VENDOR)/tom-select/*
	@touch $@

# The whole suite: SQLite by default, PostgreSQL when DATABASE_URL is set. Browser tests run
# when Debian's chromium is installed (they skip with a message otherwise).
# Tests that flush the database (live-server browser tests, transaction=True) run after the
# others in one process. SKIP_BROWSER=1 leaves the browser tests out (CI runs them separately).
FLUSHING := $(if $(SKIP_BROWSER),transactional and not browser,transactional or browser)
test: setup
	@$(BIN)/pytest -q -n 2 --dist loadfile -m "not transactional and not browser" $(TEST_ARGS)
	@$(BIN)/pytest -q -p no:xdist -m "$(FLUSHING)" $(TEST_ARGS)

test-browser: setup
	@$(BIN)/pytest -q -p no:xdist -m browser $(TEST_ARGS)

lint: setup
	@$(BIN)/ruff check .

check: setup
	@$(BIN)/gridgov check
	@$(BIN)/gridgov makemigrations --check --dry-run

bench: setup
	@$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
