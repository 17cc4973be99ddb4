# Layanan TI — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := run.py

.PHONY: install install-dev lock translations translations-update run serve test test-fast lint postgres browser nginx print-tools screenshots clean

# Runtime packages only for `make run` and production; the test tools on top for `make test`.
# Both files are pinned with hashes by scripts/lock-requirements.sh (uv) from pyproject.toml.
$(VENV)/.installed: requirements/runtime.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes -r requirements/runtime.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(BIN)/python -m pip install -q --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

lock:
	scripts/lock-requirements.sh

# The Indonesian catalogue holds FAB's strings with ours (FAB ships no Indonesian).
# `make translations-update` after adding text; `make translations` compiles (part of install).
FAB_DIR = $(shell $(BIN)/python -c "import flask_appbuilder, os; print(os.path.dirname(flask_appbuilder.__file__))")
BABEL_KEYWORDS := -k lazy_gettext -k _l -k N_ -k __
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations -l id

translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--project "Layanan TI" -o app/translations/messages.pot app $(FAB_DIR)
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -l id \
		--no-fuzzy-matching

# Install, migrate, seed the demo once, serve on http://127.0.0.1:8080 with the clock running.
run: install
	$(BIN)/flask db upgrade
	test -f instance/.demo-seeded || ($(BIN)/flask seed demo && touch instance/.demo-seeded)
	$(BIN)/python run.py

postgres:
	scripts/start-postgres.sh

browser:
	scripts/install-browser.sh

nginx:
	scripts/install-nginx.sh

# pdftoppm and libzbar0: the print tests render a form's page and decode its QR code.
print-tools:
	scripts/install-print-tools.sh

# Every test, on SQLite and on PostgreSQL, the browser tests in Debian's Chromium, the app
# behind Debian's nginx, the printed forms' pages rendered and their QR codes decoded.
test: install-dev postgres browser nginx print-tools
	$(BIN)/ruff check app reports seeds tests config.py run.py
	$(BIN)/python -m pytest

# Refresh the README's screenshots (docs/screenshots/) from the browser tests.
screenshots: install-dev postgres browser
	README_SCREENSHOTS=1 $(BIN)/python -m pytest tests/test_e2e_browser.py -k sqlite

lint: install-dev
	$(BIN)/ruff check app reports seeds tests config.py run.py

clean:
	rm -rf $(VENV) instance

# Benchmarks at province scale (issue 9), SQLite and PostgreSQL; not part of `make test`.
# `make bench BENCH_REQUESTS=1000000` for the full size; see bench/README.md.
BENCH_REQUESTS ?= 100000
BENCH_DB ?= sqlite,postgresql
comma := ,
.PHONY: bench
bench: install postgres
	$(BIN)/python bench/run.py --requests $(BENCH_REQUESTS) --db $(BENCH_DB) $(BENCH_ARGS)

# The dashboard alone, in process, per period (make bench times it end to end with the rest).
.PHONY: bench-dashboard
bench-dashboard: install postgres
	for db in $(subst $(comma), ,$(BENCH_DB)); do \
		$(BIN)/python bench/dashboard_bench.py --db $$db --requests $(BENCH_REQUESTS) || exit 1; done
