#!/usr/bin/env bash
# Installs the package the way a user would and loads every shipped pipeline YAML with the installed package:
# a fresh venv with the pip that Python ships (no upgrade), the CPU torch first (as `make env` does; set
# TORCH_SPEC=torch for PyPI's build), then `pip install .` from a copy of this tree. Fails when a dependency
# the code imports is not declared (issue 16: lxml_html_clean, which pip 23.2 left out).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
tar -C . --exclude=./.venv --exclude=./runs --exclude=./.git --exclude='*.egg-info' --exclude=./build -cf - . |
  tar -C "$tmp/src" -xf -
"$PYTHON" -m venv "$tmp/venv"
echo "plain install with $("$tmp/venv/bin/pip" --version)"
"$tmp/venv/bin/pip" install -q "$TORCH_SPEC"
"$tmp/venv/bin/pip" install -q "$tmp/src"
cd "$tmp"  # import the installed package, not the source tree
HF_HUB_OFFLINE=1 HAYSTACK_TELEMETRY_ENABLED=False "$tmp/venv/bin/python" "$tmp/src/.ci/load_pipelines.py" "$tmp/src"
"$tmp/venv/bin/hardneg" --help >/dev/null
echo "plain install: ok"
