# Jaring: two commands for a newcomer.
#   make demo   install everything, load regions and demo data, serve http://127.0.0.1:8000 (jaring serve)
#   make test   the whole suite (SQLite by default; PostgreSQL when DATABASE_URL says so)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
JARING := $(BIN)/jaring
HOST   ?= 127.0.0.1:8000

.PHONY: install demo serve test lint format messages bench clean

install: $(VENV)/.installed var/vendor/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11)' 2>/dev/null || { echo "Python 3.11 or newer is required (found: $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

var/vendor/.installed: package.json package-lock.json scripts/copy_vendor_assets.sh
	npm ci --no-audit --no-fund --loglevel=error
	scripts/copy_vendor_assets.sh
	touch $@

demo: install
	$(JARING) migrate --noinput
	$(JARING) load_regions
	$(JARING) seed_demo
	@echo "Jaring berjalan di http://$(HOST)  (Ctrl-C untuk berhenti)"
	DEBUG=false $(JARING) db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=false JARING_SERVE_STATIC=true PROMETHEUS_MULTIPROC_DIR=var/metrics \
	$(JARING) serve --bind $(HOST) --workers 2

serve: install
	$(JARING) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(JARING) runserver $(HOST)

test: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench scripts

format: install
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

# The English catalogue: extract (N_ included), then compile after translating. Needs GNU gettext.
messages: install
	@command -v xgettext >/dev/null || { echo "GNU gettext is required: apt-get install gettext"; exit 1; }
	$(JARING) makemessages --locale en
	$(JARING) compilemessages --locale en

bench: install
	$(BIN)/python bench/load_regions.py

clean:
	rm -rf $(VENV) node_modules var/vendor var/static
