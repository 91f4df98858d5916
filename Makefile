# Two commands: `make demo` (fresh machine to a running console with demo data)
# and `make test` (every check and test). The rest are building blocks.
PYTHON := $(shell ./scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint pytest web worker beat install clean-data

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	./scripts/demo

test: install
	./scripts/system-deps
	$(MAKE) lint
	$(MAKE) pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

pytest: install
	$(BIN)/pytest 

web: install
	$(BIN)/gunicorn console.wsgi:application -b 127.0.0.1:8000 --workers 3

worker: install
	$(BIN)/celery -A console worker -l info

beat: install
	$(BIN)/celery -A console beat -l info

clean-data:
	$(BIN)/python manage.py embedded stop || true
	rm -rf .data
