#!/usr/bin/env bash
# Install everything icsgen's build and test suite need. Idempotent, non-interactive, and quick
# when everything is already there, so scripts/test.sh and .ci/run can call it every time.
#
#   1. apt: Debian's chromium (headless browser tests; Playwright never downloads a browser here),
#      fonts-liberation (Arial-compatible metrics so layouts match), a Java runtime for vnu.jar,
#      nginx and Apache (tests serve a build with the headers files icsgen writes), and node/npm if missing. Skipped when /usr/bin/chromium, java, the Liberation fonts and
#      npm are all present.
#   2. pip: `pip install -e '.[test]'` into the active virtualenv if there is one, else into the
#      current python3. Skipped when scripts/python_deps_ok.py says nothing changed.
#   3. npm: `npm ci --prefix tools` (vnu-jar, axe-core, pinned by tools/package-lock.json), with
#      install scripts off: vnu-jar's postinstall would try to download a JDK. Skipped when
#      tools/node_modules was installed from the current lock file.
#
# Environment: PYTHON=/path/to/python overrides the interpreter; SETUP_VERBOSE=1 shows tool output;
# SETUP_FORCE_APT=1 runs the apt step even when everything looks installed.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LOG="$(mktemp -t icsgen-setup.XXXXXX)"
trap 'rm -f "$LOG"' EXIT

say() { printf 'setup: %s\n' "$*"; }

# run DESCRIPTION CMD...: run quietly; on failure show the tail of the output and stop.
run() {
    local what="$1" rc=0
    shift
    if [[ "${SETUP_VERBOSE:-}" == 1 ]]; then
        "$@" || rc=$?
    else
        "$@" >"$LOG" 2>&1 || rc=$?
    fi
    ((rc == 0)) && return 0
    say "FAILED: $what (exit $rc); last output:" >&2
    tail -n 40 "$LOG" >&2 || true
    exit "$rc"
}

# --- interpreter: $PYTHON, then an active virtualenv, then python3 on PATH ----------------------
source "$(dirname "${BASH_SOURCE[0]}")/python.sh"

# --- 1. system packages ----------------------------------------------------------------------
FONT=/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf
apt_pkgs=()
if [[ "${SETUP_FORCE_APT:-}" == 1 ]]; then
    apt_pkgs+=(chromium fonts-liberation) # re-run the apt step (a no-op if up to date)
else
    [[ -x /usr/bin/chromium ]] || apt_pkgs+=(chromium)
    [[ -f "$FONT" ]] || apt_pkgs+=(fonts-liberation)
fi
command -v java >/dev/null 2>&1 || apt_pkgs+=(default-jre-headless)
# real nginx and Apache serve a build in tests/render/test_hostrules.py (the security headers files)
[[ -x /usr/sbin/nginx ]] || apt_pkgs+=(nginx-light)
[[ -x /usr/sbin/apache2 ]] || apt_pkgs+=(apache2)
command -v npm >/dev/null 2>&1 || apt_pkgs+=(nodejs npm)
if ((${#apt_pkgs[@]} == 0)); then
    say "apt: chromium, fonts-liberation, java, npm already present (skipped)"
else
    SUDO=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || { say "apt: need root or sudo to install ${apt_pkgs[*]}" >&2; exit 1; }
        SUDO=(sudo -n)
    fi
    say "apt: installing ${apt_pkgs[*]}"
    APT_OPTS=(-q -y -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
    run "apt-get update" "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update
    run "apt-get install ${apt_pkgs[*]}" "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install \
        "${apt_pkgs[@]}"
    [[ -x /usr/bin/chromium ]] || { say "apt: /usr/bin/chromium still missing" >&2; exit 1; }
fi

# --- 2. Python packages ----------------------------------------------------------------------
if "$PY" scripts/python_deps_ok.py "$ROOT" 2>/dev/null; then
    say "pip: icsgen[test] already installed editable in $PY (skipped)"
else
    pip_opts=(-q --disable-pip-version-check --no-input)
    # A distro python outside a virtualenv refuses pip (PEP 668); we were told to use it anyway.
    if [[ -z "${VIRTUAL_ENV:-}" ]] && "$PY" -c 'import sys, sysconfig, pathlib; sys.exit(not (sys.prefix == sys.base_prefix and pathlib.Path(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED").exists()))'; then
        pip_opts+=(--break-system-packages)
    fi
    say "pip: installing -e '.[test]' into $PY"
    run "pip install -e .[test]" "$PY" -m pip install "${pip_opts[@]}" -e ".[test]"
    "$PY" scripts/python_deps_ok.py "$ROOT" -v || { say "pip: install did not satisfy pyproject.toml" >&2; exit 1; }
fi
# pyenv makes a shim for a new command only when told to: without it `icsgen` is not on PATH.
if command -v pyenv >/dev/null 2>&1; then
    pyenv rehash 2>/dev/null || true
fi

# --- 3. npm tools (vnu.jar, axe-core) --------------------------------------------------------
STAMP=tools/node_modules/.icsgen-lock.sha256
lock_sum="$(sha256sum tools/package-lock.json | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$lock_sum" \
      && -f tools/node_modules/vnu-jar/build/dist/vnu.jar \
      && -f tools/node_modules/axe-core/axe.min.js ]]; then
    say "npm: tools/node_modules matches tools/package-lock.json (skipped)"
else
    say "npm: npm ci --prefix tools (vnu-jar, axe-core)"
    run "npm ci --prefix tools" npm ci --prefix tools --ignore-scripts --no-audit --no-fund \
        --loglevel=error
    for f in tools/node_modules/vnu-jar/build/dist/vnu.jar tools/node_modules/axe-core/axe.min.js; do
        [[ -f "$f" ]] || { say "npm: $f missing after npm ci" >&2; exit 1; }
    done
    printf '%s\n' "$lock_sum" >"$STAMP"
fi

say "done"
