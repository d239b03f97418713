# Two commands for a newcomer: `make run` (install, migrate, demo data, web + worker + beat) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in e-mail and calendar links: SITE_URL given to make or written in .env, else the server
# `make run` starts.
SITE_URL ?= $(or $(shell sed -n 's/^SITE_URL=//p' $(or $(ENV_FILE),.env) 2>/dev/null),http://$(HOST):$(PORT))
# Debian packages: WeasyPrint's libraries and a Vietnamese-complete Times-compatible font (fonts-liberation2,
# not the old fonts-liberation), gettext for the translation catalogue.
APT_RUN := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-liberation2 gettext
# The tests also read PDFs back (poppler-utils) and drive Debian's Chromium.
APT_TEST := $(APT_RUN) poppler-utils chromium postgresql-client
TEST_ENV := SECRET_KEY=test-only-not-secret DEBUG=false
# `make run` answers as production does (DEBUG off, .env.example) but over plain HTTP on this machine: no
# redirect to HTTPS, cookies not marked Secure, no HSTS. A developer asks for DEBUG: `make run DEBUG=true`.
# The settings read .env themselves, under what make hands them; honcho is told not to (--env /dev/null),
# as its own reading of .env would override `make run DEBUG=true` and the three below.
LOCAL_HTTP := SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0

.PHONY: run test bench load screenshots screenshots-journeys install install-dev system-deps system-deps-test signing-key vapid-keys migrate static demo messages lint check backup restore

run: install system-deps .env signing-key vapid-keys migrate static demo
	@echo ""
	@echo "  Chi bộ is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, worker and beat)"
	@echo ""
	HOST=$(HOST) PORT=$(PORT) SITE_URL=$(SITE_URL) $(LOCAL_HTTP) $(VENV)/bin/honcho -f Procfile.dev --env /dev/null start

test: install-dev system-deps-test
	$(TEST_ENV) $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

bench: install-dev system-deps
	scripts/bench $(BENCH_ARGS)

# 200 phones polling and commenting, 100 logins, a gunicorn worker killed; exactly-once check (docs/PERFORMANCE.md).
# Needs DATABASE_URL=postgres://… (the run uses a database of its own, chibo_load) and, for production's
# sessions and broker, REDIS_URL. Not part of `make test`: about 3 minutes. LOAD_ARGS="--duration 60" etc.
# The evening of issue #19 over the live stream (a Redis and a PostgreSQL of the run's own, a Redis restart):
# LOAD_ARGS="--push --cells 100 --members 20 --logins 1000 --arrive-window 60" (--split: Django on sync workers).
load: install-dev system-deps
	$(PY) scripts/load.py $(LOAD_ARGS)

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system-deps:
	@scripts/apt-ensure $(APT_RUN)

system-deps-test:
	@scripts/apt-ensure $(APT_TEST)

.env:
	cp .env.example .env
	sed -i "s/^SECRET_KEY=.*/SECRET_KEY=$$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')/" .env

# The key that encrypts the signing certificates' passphrases (documents/signing.py): added once to a .env
# that has none, so the demo's adopted minutes are digitally signed.
signing-key: .env
	@grep -qs '^SIGNING_KEY=.' .env || echo "SIGNING_KEY=$$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" >> .env

# The server's key pair for push notifications (notifications/webpush.py): added once to a .env that has
# none. New keys would make every device's subscription useless, so an existing pair is never replaced.
vapid-keys: .env install
	@grep -qs '^VAPID_PRIVATE_KEY=.' .env || $(PY) scripts/vapid_keys.py >> .env

migrate: install
	$(PY) manage.py migrate --noinput

# The static files as production serves them (WhiteNoise: hashed, compressed; about 12 s), collected again
# only when a file under static/ changed. With DEBUG on they are read from static/ and this is not needed.
STATIC_MANIFEST_FILE := var/static/staticfiles.json
static: $(STATIC_MANIFEST_FILE)
$(STATIC_MANIFEST_FILE): $(shell find static -type f) $(VENV)/.installed
	STATIC_MANIFEST=true $(PY) manage.py collectstatic --noinput -v0

demo: install
	$(PY) manage.py seed_demo

messages: install-dev
	$(PY) manage.py makemessages -l vi --no-obsolete --add-location file --ignore=.venv --ignore=var --ignore=tests
	$(PY) manage.py compilemessages -l vi --ignore=.venv --ignore=var

# Style (ruff), the layers and the absence of import cycles (lint-imports, contracts in pyproject.toml), and
# no model change without its migration. CI runs it before the tests.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

check: install
	$(PY) manage.py check

# A consistent copy of the database and MEDIA_ROOT into var/backups/<timestamp>/ (or BACKUP_DIR); see README.
# BACKUP_ARGS="--keep 14" keeps only the newest 14. PostgreSQL needs pg_dump (postgresql-client).
backup: install
	@if echo "$$DATABASE_URL" | grep -q '^postgres' \
	  || { [ -z "$$DATABASE_URL" ] && grep -qs '^DATABASE_URL=postgres' .env; }; then scripts/apt-ensure postgresql-client; fi
	$(PY) manage.py backup $(BACKUP_ARGS)

# make restore BACKUP=var/backups/20261125-021500 : replaces the database and MEDIA_ROOT (asks first).
restore: install
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<timestamp>" >&2; exit 2; }
	$(PY) manage.py restore "$(BACKUP)"

# A screenshot of each main page into docs/screenshots/ (demo data, Debian's Chromium driven by Playwright).
# The screens of the browser journeys (tests/browser, the `shoot` fixture), at 360 px and 1280 px.
screenshots-journeys: install-dev system-deps-test
	SCREENSHOTS=$(CURDIR)/docs/screenshots $(TEST_ENV) $(PY) -m pytest -p no:xdist tests/browser -q

screenshots: install-dev system-deps-test
	rm -f var/screens.sqlite3
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/screens.sqlite3 $(PY) manage.py migrate -v0
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/screens.sqlite3 $(PY) manage.py seed_demo >/dev/null
	DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/screens.sqlite3 $(PY) manage.py runserver 127.0.0.1:8765 --noreload >var/screens.log 2>&1 & \
	  pid=$$!; sleep 4; DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/screens.sqlite3 $(PY) scripts/screenshots.py http://127.0.0.1:8765; status=$$?; kill $$pid; exit $$status
