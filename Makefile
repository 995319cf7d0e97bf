# The two commands a newcomer needs: `make run` and `make test`. Both build on `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run test lint doctor lock messages clean

help:
	@echo "make run      install, migrate, load the demo data and serve http://$(HOST):$(PORT)"
	@echo "make test     install and run the whole test suite"
	@echo "make lint     ruff, import-linter contracts, missing migrations"
	@echo "make doctor   report missing system packages with the command to install them"
	@echo "make lock     re-resolve requirements/*.lock from pyproject.toml"
	@echo "make messages update the translation catalogues in locale/ and compile them"

install: $(STAMP)

$(STAMP): requirements/dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	rm -f $(VENV)/.installed-*
	touch $@

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	@$(BIN)/python scripts/doctor.py --quiet || true
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=roadmap_portal.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

doctor:
	@$(PYTHON) scripts/doctor.py

lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml -o requirements/base.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev -o requirements/dev.lock

# The catalogues carry no source locations and no creation date, so they change only when the
# strings do; the compiled .mo files are committed, so a fresh clone runs without GNU gettext.
messages: install
	$(BIN)/python manage.py makemessages -l id -l th --no-obsolete --no-location --ignore=.venv --ignore=staticfiles --ignore=var --ignore=tests --ignore=benchmarks
	$(BIN)/python -c 'import pathlib, re; [p.write_text(re.sub(r"^\"POT-Creation-Date: .*\n", "", p.read_text("utf-8"), flags=re.M), "utf-8") for p in pathlib.Path("locale").glob("*/LC_MESSAGES/*.po")]'
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache
