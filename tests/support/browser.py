"""Headless Chromium for tests, driven by Playwright's sync API.

Why Debian's ``/usr/bin/chromium`` and not Playwright's own browser: this project's machines can
reach only PyPI, npm and Debian's archive, so ``playwright install`` (a download from a CDN) can
never work. The Playwright Python wheel carries its own Node driver, which is all we need from
it; we point it at the system browser with ``executable_path``.

Launch flags, and why:

* ``--no-sandbox``: the tests run as root, where Chromium's sandbox refuses to start.
* ``--disable-gpu``: there is no GPU or display; software rendering is used.
* ``--disable-quic --disable-background-networking --disable-component-update --disable-sync
  --no-first-run``: stop Chromium phoning home. The network is closed, and without these flags
  it makes (and logs) many refused connections at every start.

Use as pytest fixtures (registered by ``pytest_plugins`` in tests/conftest.py)::

    @pytest.mark.browser
    def test_home(page, static_server, built_site):
        base = static_server(built_site, prefix="/ics/")
        page.goto(base + "leeds/")

or outside pytest with :func:`launch_browser`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.support import missing_tool

if TYPE_CHECKING:  # Playwright is imported lazily so collection works without it.
    from playwright.sync_api import Browser, Page

CHROMIUM_PATH = Path(os.environ.get("ICSGEN_CHROMIUM", "/usr/bin/chromium"))
"""The browser binary; ``ICSGEN_CHROMIUM`` overrides it (e.g. for a local Chrome)."""

CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

DEFAULT_CONTEXT_OPTIONS: dict[str, Any] = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "en-GB",
    "timezone_id": "Europe/London",
}
"""A desktop-sized page with a British locale, so dates and layouts are predictable."""


def require_chromium() -> Path:
    """Return the Chromium path; fail (CI) or skip (elsewhere) if it or Playwright is missing."""
    if not CHROMIUM_PATH.is_file() or not os.access(CHROMIUM_PATH, os.X_OK):
        missing_tool(f"Chromium not found at {CHROMIUM_PATH}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing_tool("the Python package `playwright` is not installed")
    return CHROMIUM_PATH


@contextmanager
def launch_browser(**launch_options: Any) -> Iterator[Browser]:
    """Start Playwright and headless Chromium; close both on exit.

    Extra keyword arguments go to ``chromium.launch`` (e.g. ``slow_mo=100``); ``args`` are added
    to :data:`CHROMIUM_ARGS`, not substituted for them.
    """
    from playwright.sync_api import sync_playwright

    executable = require_chromium()
    extra_args = list(launch_options.pop("args", []))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable),
            headless=True,
            args=[*CHROMIUM_ARGS, *extra_args],
            **launch_options,
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (starting it costs about a second)."""
    with launch_browser() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own browser context: no cookies, storage or cache shared between tests.

    Timeouts are 10 s (Playwright's default is 30 s) so a broken page fails fast.
    """
    context = browser.new_context(**DEFAULT_CONTEXT_OPTIONS)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
