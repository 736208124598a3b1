"""The cookie banner, the accessibility toolbar and videos in real Chromium, with every request recorded.

A request to any host other than the test server on 127.0.0.1 is answered here by route interception
(an empty script or page) and never sent; each test says which of them may happen, and when. One
site, built once for the module and served under /ics/ (a folder of the host, as a subfolder
`base_url` would be): alpha uses Google Analytics and Recite Me, beta uses nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_CONTEXT_OPTIONS
from tests.support.servers import serve_static
from tests.support.sitemaker import BASIC_PAGES, run, write_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

CONFIG = """\
site:
  title: Test ICS sites
  base_url: https://test.example.org/ics/
regions:
  alpha:
    name: Alpha Health and Care
    owner: NHS Alpha ICB
    contact:
      email: hello@alpha.example.org
    analytics: {provider: google-analytics, id: G-AB12CD34}
    toolbar: {provider: recite-me, key: abcdef123456}
  beta:
    name: Beta Partnership
    owner: NHS Beta ICB
    contact:
      email: hello@beta.example.org
"""
STARTER = Path(__file__).resolve().parents[2] / "icsgen" / "starter"
GTAG = "https://www.googletagmanager.com/gtag/js?id=G-AB12CD34"
RECITE = "https://api.reciteme.com/asset/js?key=abcdef123456"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    files = {**BASIC_PAGES, **{f"content/_shared/{p.name}": p.read_text() for p in STARTER.glob("*.md")},
             "content/alpha/about/video.md": '---\ntitle: Our video\n---\n!!! video "Our year"\n'
             "    url: https://www.youtube.com/watch?v=a1B_c3D4e_F\n    duration: 3:05\n    transcript: index.md\n"}
    root = write_site(tmp_path_factory.mktemp("consent"), files, CONFIG)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    with serve_static(root / "build", "/ics/") as url:
        yield url


class Recorder:
    """Every request the pages of one browser context make; those to other hosts answered here."""

    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.requests: list[str] = []
        self.elsewhere: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route, request) -> None:  # type: ignore[no-untyped-def]
        self.requests.append(request.url)
        if request.url.startswith("http://127.0.0.1:"):
            route.continue_()
            return
        self.elsewhere.append(request.url)  # never sent: answered with an empty file of its kind
        kind = "text/html" if request.resource_type == "document" else "application/javascript"
        route.fulfill(status=200, content_type=kind, body="")

    def consent_cookie(self) -> str | None:
        found = [c for c in self.context.cookies() if c["name"] == "ics-consent"]
        assert len(found) <= 1
        return found[0]["value"] if found else None


@contextmanager
def browsing(browser: Browser, javascript: bool = True) -> Iterator[tuple[Page, Recorder]]:
    context = browser.new_context(**DEFAULT_CONTEXT_OPTIONS, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    try:
        recorder = Recorder(context)
        yield context.new_page(), recorder
    finally:
        context.close()


def settle(page: Page) -> None:
    page.wait_for_load_state("networkidle")


def test_before_any_choice_no_cookie_and_nothing_from_another_host(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, seen):
        for path in ("alpha/index.html", "alpha/about/index.html", "alpha/about/video/index.html"):
            page.goto(base + path)
            settle(page)
            assert page.get_by_role("region", name="Cookies on the Alpha Health and Care website").is_visible()
        assert seen.elsewhere == []
        assert seen.context.cookies() == []
        assert page.get_by_role("button", name="Accept analytics cookies").is_visible()
        assert page.get_by_role("button", name="Reject analytics cookies").is_visible()


def test_a_region_with_nothing_set_shows_nothing_and_runs_no_script(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, seen):
        for path in ("beta/index.html", "beta/cookies/index.html", "index.html"):
            page.goto(base + path)
            settle(page)
        assert page.locator("#ics-consent").count() == 0
        assert not [url for url in seen.requests if url.endswith(".js")]
        assert seen.elsewhere == [] and seen.context.cookies() == []


def test_reject_sets_only_the_choice_and_the_banner_stays_gone(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, seen):
        page.goto(base + "alpha/index.html")
        page.get_by_role("button", name="Reject analytics cookies").click()
        confirmation = page.get_by_text("You've rejected analytics cookies.")
        assert confirmation.is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-ics-confirmation-text')")
        assert seen.consent_cookie() == "analytics-no"
        cookie = seen.context.cookies()[0]
        assert cookie["path"] == "/ics/alpha/"  # the region's folder: each region asks for itself
        assert 364 * 86400 < cookie["expires"] - time.time() <= 365 * 86400  # kept a year
        for path in ("alpha/about/index.html", "alpha/about/index.html", "alpha/cookies/index.html"):
            page.goto(base + path)
            settle(page)
            assert not page.locator("[data-ics-banner]").is_visible()
        page.reload()
        settle(page)
        assert not page.locator("[data-ics-banner]").is_visible()
        assert seen.elsewhere == []
        assert page.locator("#ics-analytics-no").is_checked()  # the cookies page shows the choice


def test_accept_loads_the_analytics_script_now_and_on_later_pages(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, seen):
        page.goto(base + "alpha/index.html")
        settle(page)
        assert seen.elsewhere == []
        page.get_by_role("button", name="Accept analytics cookies").click()
        page.get_by_text("You've accepted analytics cookies.").wait_for()
        settle(page)
        assert seen.elsewhere == [GTAG]
        assert seen.consent_cookie() == "analytics-yes"
        page.goto(base + "alpha/about/index.html")
        settle(page)
        assert seen.elsewhere == [GTAG, GTAG] and not page.locator("[data-ics-banner]").is_visible()
        assert page.evaluate("window.dataLayer.length") == 2  # gtag('js'), gtag('config'): as Google's snippet


def test_the_cookies_page_form_changes_the_choice(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, seen):
        page.goto(base + "alpha/cookies/index.html")
        assert not page.locator(".ics-no-js-only").is_visible()
        page.get_by_label("Yes, use analytics cookies").check()
        page.get_by_label("Yes, turn on the toolbar").check()
        page.get_by_role("button", name="Save cookie settings").click()
        saved = page.get_by_text("Your cookie settings have been saved.")
        assert saved.is_visible()
        settle(page)
        assert seen.consent_cookie() == "analytics-yes.toolbar-yes"
        assert sorted(seen.elsewhere) == sorted([GTAG, RECITE])
        assert not page.locator("[data-ics-banner]").is_visible()
        page.get_by_label("No, do not use analytics cookies").check()
        page.get_by_role("button", name="Save cookie settings").click()
        assert seen.consent_cookie() == "analytics-no.toolbar-yes"


def test_the_toolbar_loads_only_when_the_reader_turns_it_on(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, seen):
        page.goto(base + "alpha/about/index.html")
        settle(page)
        assert seen.elsewhere == []
        page.get_by_role("button", name="Turn on Recite Me (accessibility and translation tools)").click()
        settle(page)
        assert seen.elsewhere == [RECITE]
        assert seen.consent_cookie() == "toolbar-yes"
        page.goto(base + "alpha/index.html")  # on later pages it loads by itself
        settle(page)
        assert seen.elsewhere == [RECITE, RECITE]


def test_keyboard_only(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, seen):
        page.goto(base + "alpha/index.html")
        focused = []
        for _ in range(6):
            page.keyboard.press("Tab")
            focused.append(page.evaluate("document.activeElement.textContent.trim()"))
            if focused[-1] == "Reject analytics cookies":
                break
        assert focused == ["Skip to main content", "read about the cookies we use", "Accept analytics cookies",
                           "Reject analytics cookies"]
        page.keyboard.press("Enter")
        assert seen.consent_cookie() == "analytics-no"
        assert page.evaluate("document.activeElement.hasAttribute('data-ics-confirmation-text')")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "change your cookie settings"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Hide this message"
        page.keyboard.press("Enter")
        assert not page.get_by_text("You've rejected analytics cookies.").is_visible()
        assert page.evaluate("document.activeElement.id") == "maincontent"
        assert seen.elsewhere == []


def test_no_axe_violations_with_the_banner_shown_and_hidden(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, _):
        page.goto(base + "alpha/cookies/index.html")
        settle(page)
        shown = run_axe(page, None)
        assert shown == [], format_violations(shown)
        page.get_by_role("button", name="Accept analytics cookies").click()
        confirmed = run_axe(page, None)
        assert confirmed == [], format_violations(confirmed)
        page.get_by_role("button", name="Hide this message").click()
        page.goto(base + "alpha/about/video/index.html")
        settle(page)
        assert not page.locator("[data-ics-banner]").is_visible()
        hidden = run_axe(page, None)
        assert hidden == [], format_violations(hidden)


def test_a_video_loads_from_youtube_only_when_the_reader_presses_play(browser: Browser, base: str) -> None:
    with browsing(browser) as (page, seen):
        page.set_viewport_size({"width": 320, "height": 640})  # a small phone
        page.goto(base + "alpha/about/video/index.html")
        settle(page)
        assert seen.elsewhere == []
        play = page.get_by_role("button", name="Play video: Our year")
        play.click()
        frame = page.locator("iframe[title='Video: Our year']")
        frame.wait_for()
        settle(page)
        assert seen.elsewhere == ["https://www.youtube-nocookie.com/embed/a1B_c3D4e_F?autoplay=1"]
        box = frame.bounding_box()
        assert box is not None and box["width"] <= 320 and abs(box["width"] * 9 / 16 - box["height"]) < 2
        assert page.evaluate("document.documentElement.scrollWidth") <= 320  # never wider than the phone
        assert seen.context.cookies() == []  # playing a video is not a cookie choice


def test_javascript_off_no_banner_no_request_and_the_cookies_page_explains(browser: Browser, base: str) -> None:
    with browsing(browser, javascript=False) as (page, seen):
        for path in ("alpha/index.html", "alpha/cookies/index.html", "alpha/about/video/index.html"):
            page.goto(base + path)
            settle(page)
            assert not page.locator("[data-ics-banner]").is_visible()
        assert seen.elsewhere == [] and seen.context.cookies() == []
        assert not [url for url in seen.requests if url.endswith(".js")]  # the script is never fetched
        assert page.get_by_role("link", name="Watch 'Our year' on YouTube").is_visible()
        assert not page.get_by_role("button", name="Play video: Our year").is_visible()
        page.goto(base + "alpha/cookies/index.html")
        assert page.locator(".ics-no-js-only").is_visible()
        assert not page.get_by_role("button", name="Save cookie settings").is_visible()
