# KIM Portal: `make run` serves the portal, `make test` runs every check. Nothing else is needed
# on a fresh machine with Python 3.11.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Posts seeded by `make bench` (N=1000000 works; seeding it takes about 7 minutes on 2 cores).
N ?= 10000
MANAGE := $(PY) manage.py

.PHONY: run test lint migrations-check pytest messages worker bench clean-db help architecture \
	system-run system-test system-bench

help:
	@echo "make run    start the portal on http://127.0.0.1:$(PORT) with demo data"
	@echo "make test   ruff, migration check and the whole test suite (with browser tests)"
	@echo "make bench  page timings on national data, then every public page under wrk beside two floors"
	@echo "make architecture  redraw the import graph in docs/ARCHITECTURE.md from the code"

$(PY):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamps make a second run reinstall nothing unless a requirements file changed.
$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# A development .env with a fresh random key, written once and never committed.
.env:
	@echo "Writing a development .env (DJANGO_DEBUG=1, random DJANGO_SECRET_KEY)"
	@printf 'DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(64))')" > .env

# Debian packages each target calls (msgfmt, Chromium, poppler, wrk): one script, which `.ci/run`
# reaches through `make test`. As root it installs what is missing; otherwise it names it.
system-run system-test system-bench: system-%:
	@scripts/system-packages.sh $*

# The same as `manage.py compilemessages`, without needing settings (or a database).
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | system-run
	msgfmt --check-format -o $@ $<

messages: $(VENV)/.installed-dev
	$(MANAGE) makemessages --locale id --locale en --ignore .venv --ignore var --ignore tests --no-obsolete
	$(MANAGE) compilemessages --ignore=.venv

run: system-run $(VENV)/.installed .env locale/id/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.mo
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Serving http://127.0.0.1:$(PORT)/ with a background-task worker (emails); Ctrl-C stops both."
	scripts/keep-running.sh $(MANAGE) task_worker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

worker: $(VENV)/.installed .env
	$(MANAGE) task_worker --interval 2

test: system-test lint migrations-check pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# The picture of which app imports which (docs/ARCHITECTURE.md), drawn from the code.
architecture: $(VENV)/.installed-dev
	$(PY) scripts/import_graph.py

migrations-check: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=kim_portal.settings_test $(MANAGE) makemigrations --check --dry-run

pytest: system-test $(VENV)/.installed-dev locale/id/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.mo
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Page timings and query counts on the national region data with 10,000 KIMs, in a database of
# its own (bench_kim_portal); the first run imports the regions and takes a minute. Then every
# kind of public page under load (scripts/bench_news.py): gunicorn in production settings over N
# posts with the KIMs' members, trainings and aspirations (bench_news_<N>), loaded with wrk at 4
# and 16 connections beside the portal's floor and a bare Django floor; the tables go to stdout
# and var/bench/bench-<N>.md. Shorter loads with BENCH_NEWS_ARGS="--seconds 3".
bench: system-bench $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=kim_portal.settings_test PORTAL_TEST_DATABASE=bench_kim_portal $(PY) scripts/bench.py
	$(PY) scripts/bench_news.py --posts $(N) $(BENCH_NEWS_ARGS)

clean-db:
	@echo "Stopping and deleting the embedded database in var/pgdata"
	-$(PY) -c "import pgserver; pgserver.get_server('var/pgdata', cleanup_mode='delete').cleanup()"
