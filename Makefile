# Zhanggui: `make run` serves the shop, `make test` runs the whole suite. Both set up
# everything they need first (venv, install, translations, database).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/zhanggui compile_translations

run: install
	$(BIN)/zhanggui migrate --noinput
	$(BIN)/zhanggui collectstatic --noinput --verbosity 0
	$(BIN)/zhanggui first_run
	PORT=$(PORT) $(BIN)/zhanggui serve

test: install
	$(BIN)/zhanggui makemigrations --check --dry-run --verbosity 0
	$(BIN)/pytest
	$(MAKE) --no-print-directory lint

lint: install
	$(BIN)/ruff check zhanggui tests
	$(BIN)/ruff format --check zhanggui tests
	$(BIN)/mypy

bench: install
	$(BIN)/zhanggui bench

clean:
	rm -rf $(VENV) var
