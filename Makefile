# The two commands of the README: `make run` serves the portal, `make test` runs every check.
# Both work on a fresh machine with only Python 3.11: the virtualenv and packages are made here.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test install install-dev messages migrate data lint format bench load vendor clean backup restore

run: install messages migrate data ## Install, migrate, load the real data and serve on $(HOST):$(PORT)
	@echo "Serving the portal on http://$(HOST):$(PORT)/ (Ctrl-C to stop)."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev messages lint ## ruff, migrations check, deploy check, pytest
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ENV=production ALLOWED_HOSTS=portal.example.org \
		SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))") \
		$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

messages: install ## Compile the gettext catalogues (pure Python: no gettext tools needed)
	$(BIN)/python manage.py compile_catalogues

migrate: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --no-input

data: install ## Load the open data and the records named by the sources (quick when already loaded)
	$(BIN)/python manage.py import_towns
	$(BIN)/python manage.py load_content
	$(BIN)/python manage.py import_workplan --status published
	$(BIN)/python manage.py load_projects
	$(BIN)/python manage.py load_missions
	$(BIN)/python manage.py load_offer

lint: install-dev ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev messages ## Print the benchmark table (SQLite, and PostgreSQL when BENCH_POSTGRES_URL is set)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_invalidation.py
	$(BIN)/python bench/export.py

load: install-dev messages ## Load benchmark of the production stack (gunicorn, PostgreSQL, Redis, wrk): see bench/load.py
	$(BIN)/python bench/load.py
backup: install ## Dump the database and copy the media (files or bucket) into var/backups/<date>/ (prints it)
	$(BIN)/python manage.py backup

restore: install ## Restore BACKUP=var/backups/<date> into an empty database (migrated first) and the media storage
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<folder>"; exit 2; }
	@mkdir -p var
	$(BIN)/python manage.py restore "$(BACKUP)"

clean:
	rm -rf $(VENV) var

vendor: ## Refresh the shipped front-end files from the npm registry (needs Node.js; not needed to run the portal)
	cd static/vendor && npm install --no-audit --no-fund
	cp static/vendor/node_modules/jquery-ui/dist/jquery-ui.min.js static/vendor/node_modules/jquery-ui/LICENSE.txt static/vendor/jquery-ui/
	rm -rf static/vendor/leaflet && mkdir -p static/vendor/leaflet/images tests/browser/vendor
	cp static/vendor/node_modules/leaflet/dist/leaflet.js static/vendor/node_modules/leaflet/dist/leaflet.css \
		static/vendor/node_modules/leaflet/LICENSE static/vendor/leaflet/
	cp static/vendor/node_modules/leaflet/dist/images/*.png static/vendor/leaflet/images/
	# Test only (tests/browser: the accessibility checks inject it); never served.
	cp static/vendor/node_modules/axe-core/axe.min.js static/vendor/node_modules/axe-core/LICENSE tests/browser/vendor/
	rm -rf static/vendor/node_modules
