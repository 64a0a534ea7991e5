# akrim — two commands: `make demo` and `make test`. Everything else is for developers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test e2e check lint types security audit-deps bench clean messages

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)
	$(PY) -m akrim.core.i18n

## make demo: install, migrate SQLite, generate and import the demo world, create users, serve
demo: install
	$(VENV)/bin/akrim demo setup
	$(VENV)/bin/akrim runserver 127.0.0.1:8000

## make test: the whole suite except the browser journeys (those: make e2e)
test: install
	$(PY) -m pytest -n 2 -m "not e2e" -q

## make e2e: browser journeys in headless Chromium (needs Debian's chromium)
e2e: install
	$(PY) -m pytest -m e2e -q

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

types: install
	$(VENV)/bin/mypy src tests bench

## make security: bandit over src/ (config in pyproject.toml)
security: install
	$(VENV)/bin/bandit -c pyproject.toml -r src --quiet && echo "bandit: no issues in src/"

## make audit-deps: pip-audit of every installed package but akrim itself against PyPI's
## vulnerability data. --strict: a package that could not be audited fails the target, so it
## never passes without the data. Needs pypi.org's per-release JSON (not reachable from the
## development machines and CI of 2026-11; run it where it is).
audit-deps: install
	$(PY) -m pip freeze --exclude-editable --local \
	  | $(VENV)/bin/pip-audit --strict --disable-pip --no-deps --progress-spinner off -r /dev/stdin \
	  || { echo "make audit-deps: pip-audit failed: a package above has a known vulnerability, or" \
	       "PyPI's vulnerability data (https://pypi.org/pypi/NAME/VERSION/json) could not be read" \
	       "from here (\"not found on PyPI\"), so the packages were not audited." >&2; exit 1; }

## make messages: update the Swedish catalogue from the code (needs GNU gettext); error
## messages raised as InvalidInput("…"), Conflict("…"), Forbidden("…"), NotFound("…") count too
messages: install
	cd src/akrim && DJANGO_SETTINGS_MODULE=akrim.config.settings ../../$(VENV)/bin/django-admin \
	  makemessages -l sv --no-location --no-obsolete -i "portal/content/*"

## make check: ruff, mypy --strict, the tests, bandit
check: lint types test security

## make bench: import and generation benchmarks, JSON in bench/results/
bench: install
	$(PY) bench/run.py
	$(PY) bench/controls.py

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
