# reseau-api: `make run` serves the API (and runs the worker), `make test` runs the whole suite. Both install what is missing.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
CLI := $(BIN)/reseau-api
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install db-up db-down migrate seed openapi lint clean bench

$(VENV)/.installed: pyproject.toml scripts/install.sh
	bash scripts/install.sh
	@touch $@

install: $(VENV)/.installed

run: install
	$(CLI) db up
	$(CLI) migrate
	$(CLI) seed --if-empty
	# The worker (feed numbering, webhooks) runs beside the server and stops with it.
	$(CLI) worker & worker=$$!; trap 'kill $$worker' EXIT; $(CLI) serve --host $(HOST) --port $(PORT)

test: install
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
	$(BIN)/ruff check src tests

clean:
	-$(CLI) db down
	rm -rf $(VENV) .data

# The performance benchmark (bench/README.md); not part of `make test`.
bench: install
	bash bench/run.sh
