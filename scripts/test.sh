#!/usr/bin/env bash
# The project's one test command (README): install what is missing, lint, run the test suite.
#   bash scripts/test.sh [pytest args...]     e.g. bash scripts/test.sh -m "not browser" -x
# Fails if setup, ruff or pytest fails. Extra arguments go to pytest only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

# Same interpreter as scripts/setup.sh.
source "$(dirname "${BASH_SOURCE[0]}")/python.sh"

echo "test: ruff check ."
"$PY" -m ruff check .

echo "test: pytest $*"
"$PY" -m pytest -q "$@"
