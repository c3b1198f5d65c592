# reseau-api: `make run` serves the API (and runs the worker), `make test` runs the whole suite. Both install what is missing.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
CLI := $(BIN)/reseau-api
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install db-up db-down migrate seed openapi lint typecheck lock clean bench

$(VENV)/.installed: pyproject.toml requirements.lock scripts/install.sh
	bash scripts/install.sh
	@touch $@

install: $(VENV)/.installed

run: install
	$(CLI) db up
	$(CLI) migrate
	$(CLI) seed --if-empty
	# The worker (feed numbering, webhooks) runs beside the server and stops with it.
	$(CLI) worker & worker=$$!; trap 'kill $$worker' EXIT; $(CLI) serve --host $(HOST) --port $(PORT)

test: lint typecheck
	$(CLI) db up
	$(BIN)/pytest -n auto --dist load

db-up: install
	$(CLI) db up

db-down: install
	$(CLI) db down

migrate: install
	$(CLI) migrate

seed: install
	$(CLI) seed

openapi: install
	$(CLI) openapi

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

# requirements.lock: every Python package at an exact version with its hashes, resolved by uv from
# pyproject.toml. `make lock` keeps the current pins and resolves only what pyproject.toml changed;
# `make lock LOCK_ARGS=--upgrade` (or `LOCK_ARGS='--upgrade-package fastapi'`) moves to newer releases.
UV_VERSION := 0.13.8
LOCK_ARGS ?=
lock: install
	$(BIN)/python -m pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command 'make lock' --quiet -o requirements.lock $(LOCK_ARGS)
	bash scripts/install.sh
	@touch $(VENV)/.installed

clean:
	-$(CLI) db down
	rm -rf $(VENV) .data

# The performance benchmark (bench/README.md); not part of `make test`.
bench: install
	bash bench/run.sh
