#!/usr/bin/env bash
# The test suite against the LOWEST version of every dependency pyproject.toml declares (as MkDocs'
# "min-versions" environment does), so a floor that no longer works is caught, not claimed; with
# --newest, against the NEWEST version each range allows (what a new user's `pip install .` gets:
# PyYAML 6.0.4 changed a message the suite relied on while the machine's own copy was 6.0.3).
#   bash scripts/min_versions.sh [--newest] [pytest args...]
# Makes .venv-min/ (ignored by git) with each `name>=floor` pinned to `name==floor`, installs icsgen
# from this checkout without its dependencies, and runs the tests that do not drive a browser or
# the HTML checkers (those exercise Chromium and vnu.jar, not our Python dependencies).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/python.sh
MODE=min
if [[ "${1:-}" == "--newest" ]]; then
    MODE=newest
    shift
fi
VENV="$ROOT/.venv-$MODE"
mapfile -t PINS < <(MODE="$MODE" "$PY" - <<'PY'
import os, re, tomllib
newest = os.environ["MODE"] == "newest"
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for req in project["dependencies"] + project["optional-dependencies"]["test"]:
    m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][^,;\s]*)", req)
    if not m:
        raise SystemExit(f"min_versions: no lower bound in {req!r}")
    name, floor = m.groups()
    # the test tools themselves are not what this checks: take their newest allowed versions
    print(req if newest or name.split("[")[0].lower() in {"pytest", "ruff", "playwright", "hypothesis"}
          else f"{name}=={floor}")
PY
)
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PY" -m venv "$VENV"
fi
echo "$MODE-versions: installing ${PINS[*]}"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input --upgrade "${PINS[@]}"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input --no-deps --no-build-isolation -e . \
    2>/dev/null || "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input --no-deps -e .
"$VENV/bin/python" -m pip list --disable-pip-version-check 2>/dev/null \
    | grep -iE '^(jinja2|markdown|pyyaml|click|watchdog|markupsafe|pillow|pypdf|pagefind) ' | tr -s ' ' \
    | sed "s/^/$MODE-versions: /"
echo "$MODE-versions: pytest -m 'not browser' $*"
# browser and validity tests need Chromium/vnu, not our dependencies; they run in the main suite
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -m "not browser" \
    --ignore=tests/end_to_end/test_validity.py --ignore=tests/test_validity.py "$@"
