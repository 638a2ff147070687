# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock pyproject.toml | cksum | cut -d' ' -f1)
WITH_SERVICES := $(PY) -m portal.devserver exec --

.PHONY: install run test quality audit lock fix migrate seed bench backup restore messages clean mutation

# Development installs both locks; the production image only requirements.lock (see Dockerfile).
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	$(PY) -m portal.devserver run

quality: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(WITH_SERVICES) env DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) tools/audit.py

audit: install
	$(PY) tools/audit.py

# Both lock files from pyproject.toml's ranges, pins kept; LOCK_ARGS="--upgrade-package NAME" moves one.
lock: install
	$(PY) tools/lock.py $(LOCK_ARGS)

# Two workers (one per core of the CI machine), each test module kept on one worker (its browser and server).
TEST_WORKERS ?= 2

test: quality
	$(WITH_SERVICES) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

fix: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat --quiet || true

migrate: install
	$(WITH_SERVICES) $(PY) manage.py migrate_schemas --noinput

seed: install
	$(WITH_SERVICES) env DEBUG=1 $(PY) manage.py seed_demo

# Mutation score of the pure modules, each against its own tests (minutes of CPU; not part of `make test`).
# One module: make mutation MODULES=creches/fees.py
mutation: install
	$(WITH_SERVICES) $(PY) -m tests.mutation $(MODULES)

bench: install
	$(WITH_SERVICES) $(PY) bench/run.py

# One collectivité: `make backup SCHEMA=metz` writes backups/metz-<date>/; `make restore BACKUP=backups/metz-<date>`.
backup: install
	$(WITH_SERVICES) $(PY) manage.py backup_collectivite --schema $(SCHEMA) --output $(or $(BACKUP_DIR),backups)

restore: install
	$(WITH_SERVICES) $(PY) manage.py restore_collectivite $(BACKUP)

messages: install
	DEBUG=1 $(PY) manage.py makemessages --locale en --ignore ".venv/*" --ignore ".local/*" --ignore "tests/*" --ignore "bench/*" --no-obsolete
	DEBUG=1 $(PY) manage.py compilemessages --locale en --ignore ".venv/*"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
