"""Test-support helpers for icsgen's test suite.

Modules:

* ``browser`` - ``browser`` / ``page`` fixtures driving Debian's headless Chromium via Playwright.
* ``servers`` - ``static_server`` fixture: serve a build folder over real HTTP under a URL prefix.
* ``vnu``     - ``run_vnu``: the Nu Html Checker over many files in one JVM.
* ``axe``     - ``run_axe``: axe-core accessibility checks in a Playwright page.
* ``links``   - ``find_broken_links``: offline check of relative links and #fragments in a build.

The external tools (Chromium, Java + vnu.jar, axe-core) are installed by ``scripts/setup.sh``.
When one is missing, :func:`missing_tool` skips the test on a developer's machine but *fails* it
when ``CI=true``: in CI a skipped browser or validator test would silently hide that the project's
own install scripts are broken, so a green run must mean the checks really ran.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT: Path = Path(__file__).resolve().parents[2]
"""The checkout's root folder (the one holding pyproject.toml)."""

TOOLS_DIR: Path = REPO_ROOT / "tools" / "node_modules"
"""Where ``npm ci --prefix tools`` puts vnu-jar and axe-core."""

SETUP_HINT = "run `bash scripts/setup.sh` to install it"


def in_ci() -> bool:
    """True when running under CI (``CI=true``, as .ci/run and most CI systems set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing_tool(message: str) -> NoReturn:
    """Stop the current test because a required external tool is missing.

    Fails under CI (so broken install scripts can't pass as skips); skips elsewhere, so a
    developer without Chromium can still run the rest of the suite.
    """
    text = f"{message}; {SETUP_HINT}"
    if in_ci():
        pytest.fail(f"{text} (CI=true: missing tools are a failure, not a skip)", pytrace=False)
    pytest.skip(text)
