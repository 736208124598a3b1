#!/usr/bin/env bash
# Install the peer static site generators that bench/run.py --peers compares icsgen with.
#   Hugo and Jekyll from Debian, Eleventy from npm (into bench/peers/node_modules),
#   Pelican and MkDocs from PyPI (into their own venv, bench/.venv-peers).
# Each step may fail on its own (no root, no network); the benchmark skips what is missing.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
status=0

if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq hugo jekyll || { echo "hugo/jekyll: apt-get failed" >&2; status=1; }
else
    echo "no apt-get: install Hugo and Jekyll another way" >&2
fi

if command -v npm >/dev/null 2>&1; then
    mkdir -p "$here/peers"
    [ -f "$here/peers/package.json" ] || echo '{"name": "icsgen-bench-peers", "private": true}' > "$here/peers/package.json"
    npm install --prefix "$here/peers" --no-audit --no-fund @11ty/eleventy || { echo "eleventy: npm install failed" >&2; status=1; }
else
    echo "no npm: Eleventy skipped" >&2
fi

python3 -m venv "$here/.venv-peers" \
    && "$here/.venv-peers/bin/pip" install -q pelican mkdocs markdown \
    || { echo "pelican/mkdocs: pip install failed" >&2; status=1; }

echo "installed:"
command -v hugo >/dev/null && echo "  hugo     $(hugo version 2>/dev/null | head -1)"
command -v jekyll >/dev/null && echo "  jekyll   $(jekyll --version 2>/dev/null | head -1)"
[ -x "$here/peers/node_modules/.bin/eleventy" ] && echo "  eleventy $("$here/peers/node_modules/.bin/eleventy" --version 2>/dev/null)"
[ -x "$here/.venv-peers/bin/pelican" ] && echo "  pelican  $("$here/.venv-peers/bin/pelican" --version 2>/dev/null)"
[ -x "$here/.venv-peers/bin/mkdocs" ] && echo "  mkdocs   $("$here/.venv-peers/bin/mkdocs" --version 2>/dev/null)"
exit $status
