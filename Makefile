# `make test` builds .venv from the pinned requirements and runs every check; `make demo` plays the product.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help venv test lint typecheck validate pytest demo bench fuzz clean

help:
	@echo "make demo   - play reminder calls end to end on this machine"
	@echo "make test   - lint, type-check, validate the template and run every test"

$(STAMP): requirements-dev.txt constraints.txt layers/aiflow/requirements.txt
	@python="$$(scripts/find-python)"; \
	  echo "creating $(VENV) with $$python"; \
	  "$$python" -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

validate: $(STAMP)
	$(BIN)/cfn-lint template.yaml

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck validate pytest

demo: $(STAMP)
	$(BIN)/python -m local.demo $(DEMO_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis .aws-sam
