# Two commands on a fresh machine: `make demo` (the main job) and `make test` (the test suite).
# Each creates or updates the virtual environment itself.
PYTHON ?= python3
VENV ?= .venv
# CPU build of torch from this machine's disk; set TORCH_SPEC=torch for a CUDA build.
TORCH_SPEC ?= torch==2.13.0
PY := $(VENV)/bin/python
STAMP := $(VENV)/.hardneg-installed

export HF_HUB_OFFLINE ?= 1
export HAYSTACK_TELEMETRY_ENABLED ?= False
export TOKENIZERS_PARALLELISM ?= false

.PHONY: demo test lint env

env: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "$(TORCH_SPEC)"
	$(PY) -m pip install -q -e ".[dev,offline,serve,onnx,bench]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/hardneg demo --work-dir runs/demo

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check hardneg_haystack tests benchmarks
