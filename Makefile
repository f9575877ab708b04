# The two commands of README.md. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test lint serve clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

# The whole real archive (附件4) when the shared data lies beside the repository; else the bundled sample.
ARCHIVE := ../shared/data/wenzheng-2020/附件4.xlsx
ARCHIVE_OPTION := $(if $(wildcard $(ARCHIVE)),--archive $(ARCHIVE))

run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty $(ARCHIVE_OPTION)
	WENZHENG_SCHEDULER=1 $(FLASK) run --host 127.0.0.1 --port 5000

# Production mode on this machine: gunicorn, 2 workers, on 127.0.0.1:8000 (put nginx in front, see deploy/).
serve: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[serve]'
	$(FLASK) db upgrade
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:8000 --access-logfile - wsgi:app

lint: $(VENV)/.installed-test
	$(BIN)/ruff check portal tests wsgi.py

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
