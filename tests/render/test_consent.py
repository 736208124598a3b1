"""What the build writes for services, notices and videos: the banner and its script only where a
service is set, the cookies page listing exactly the region's cookies, notices between their dates,
and, with nothing set, the pages exactly as before (no banner, no script, no cookie)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.support.sitemaker import BASIC_PAGES, run, write_site

TODAY = dt.date.today()  # the build's date: notices are dated around it


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


CONFIG = f"""\
site:
  title: Test ICS sites
  base_url: https://test.example.org/
  notices:
    - message: An old site-wide notice.
      start: {day(-30)}
      end: {day(-1)}
regions:
  alpha:
    name: Alpha Health and Care
    owner: NHS Alpha ICB
    contact:
      email: hello@alpha.example.org
    analytics: {{provider: google-analytics, id: G-AB12CD34}}
    toolbar: {{provider: recite-me, key: abcdef123456}}
    notices:
      - message: Heat-health alert <b>amber</b> for the region.
        severity: urgent
        link: about/index.md
        link_text: What to do in hot weather
        start: {day(-1)}
        end: {day(1)}
      - message: Not yet.
        start: {day(1)}
        end: {day(5)}
  beta:
    name: Beta Partnership
    owner: NHS Beta ICB
    contact:
      email: hello@beta.example.org
  gamma:
    name: Gamma
    owner: NHS Gamma ICB
    contact:
      email: hello@gamma.example.org
    analytics: {{provider: plausible, id: gamma.example.org}}
"""
SHARED = Path(__file__).resolve().parents[2] / "icsgen" / "starter"
FILES = {
    **BASIC_PAGES,
    **{f"content/_shared/{p.name}": p.read_text() for p in SHARED.glob("*.md")},
    "content/gamma/index.md": "---\ntitle: Gamma\n---\nHello.\n",
    "content/alpha/about/video.md": '---\ntitle: Our video\n---\n!!! video "Our year"\n'
    "    url: https://vimeo.com/76979871\n    duration: 3:05\n    transcript: index.md\n",
}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(tmp_path_factory.mktemp("consent"), FILES, CONFIG)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    return root / "build"


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_nothing_set_means_no_banner_no_script_and_a_page_saying_no_cookies(out: Path) -> None:
    for page in ("beta/index.html", "beta/cookies/index.html", "index.html", "404.html"):
        html = text(out / page)
        # no script but the page's schema.org data (render/social.py), which no browser runs
        assert not re.search(r'<script(?! type="application/ld\+json">)', html) and 'id="ics-consent"' not in html, page
        assert 'class="ics-notification-banner' not in html, page
    cookies = text(out / "beta/cookies/index.html")
    assert "This website does not set any cookies." in cookies and "<table" not in cookies
    assert "Change your cookie settings" not in cookies
    assert "It does not use cookies or tracking tools." in text(out / "beta/privacy/index.html")


def test_a_region_with_services_gets_the_hidden_banner_and_the_script_from_its_own_folder(out: Path) -> None:
    html = text(out / "alpha/about/index.html")
    assert re.search(r'<script src="\.\./assets/js/consent\.[0-9a-f]+\.js" defer></script>', html)
    assert '<div id="ics-consent" class="ics-consent" hidden' in html  # nothing shows without JavaScript
    assert 'data-analytics-script="https://www.googletagmanager.com/gtag/js?id=G-AB12CD34"' in html
    assert re.findall(r'<button type="button" class="ics-button" data-ics-choice="(yes|no)">', html) == ["yes", "no"]
    assert "googletagmanager.com/gtag" not in html.replace('data-analytics-script="https://www.googletagmanager', "")
    assert 'id="ics-consent"' not in text(out / "alpha/404.html")  # shown at any address: no banner there


def test_the_cookies_page_lists_exactly_the_regions_cookies_and_the_privacy_page_its_providers(out: Path) -> None:
    html = text(out / "alpha/cookies/index.html")
    rows = re.findall(r"<tr><td>([^<]+)</td><td>[^<]+</td><td>([^<]+)</td><td>([^<]+)</td></tr>", html)
    assert rows == [("ics-consent", "1 year", "NHS Alpha ICB"), ("&lowbar;ga", "2 years", "Google Analytics"),
                    ("&lowbar;ga&lowbar;AB12CD34", "2 years", "Google Analytics"),
                    ("Recite.Persist", "1 year", "Recite Me")]
    assert '<form class="ics-cookie-settings" data-ics-settings hidden>' in html
    assert 'class="ics-no-js-only">JavaScript is turned off' in html
    privacy = text(out / "alpha/privacy/index.html")
    assert "Google Analytics, run by Google" in privacy and "Recite Me, run by Recite Me" in privacy
    assert '<a href="../cookies/index.html">cookies page</a>' in privacy


def test_a_notice_shows_on_every_page_of_its_region_between_its_dates(out: Path) -> None:
    for page, link in (("alpha/index.html", "about/index.html"), ("alpha/about/video/index.html", "../index.html"),
                       ("alpha/cookies/index.html", "../about/index.html")):
        html = text(out / page)
        assert html.count('class="ics-notification-banner ') == 1, page  # not the old one, not the future one
        assert ('<p class="ics-notification-banner__heading">Heat-health alert &lt;b&gt;amber&lt;/b&gt; for the '
                f'region. <a class="ics-notification-banner__link" href="{link}">What to do in hot weather</a></p>'
                in html), page
        assert '<h2 class="ics-notification-banner__title" id="ics-notice-1">Urgent</h2>' in html


def test_a_video_page_has_the_placeholder_and_the_script_that_plays_it(out: Path) -> None:
    html = text(out / "alpha/about/video/index.html")
    assert 'data-ics-video="https://player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1"' in html
    assert "<iframe" not in html
    assert "(video, 3 minutes 5 seconds)" in html
    assert '<a href="../index.html">Read the transcript of \'Our year\'</a>' in html


def test_check_warns_about_the_expired_notice_and_a_link_to_no_page_is_an_error(tmp_path: Path) -> None:
    root = write_site(tmp_path, FILES, CONFIG.replace("link: about/index.md", "link: about/nothing.md"))
    result = run(root, "check")
    lines = result.output.splitlines()
    said = " ".join(result.output.split())
    assert "regions.yaml:5: warning: the notice 'An old site-wide notice.' ended on " \
        f"{day(-1)}: no page shows it now (delete it from regions.yaml)" in lines
    assert ("regions.yaml:17: error: the notice's link 'about/nothing.md' is not a page of region 'alpha' "
            "(give a path inside the region, e.g. news/heatwave.md, or an https:// address)") in said


def test_a_cached_rebuild_on_the_day_after_a_notice_ends_takes_it_off_every_page(tmp_path: Path) -> None:
    root = write_site(tmp_path, FILES, CONFIG)
    for when, shown in ((day(1), 1), (day(2), 0)):  # the alert ends on day(1)
        result = run(root, "build", "--today", when)
        assert result.exit_code == 0, result.output
        for page in ("alpha/index.html", "alpha/about/index.html", "alpha/cookies/index.html"):
            assert text(root / "build" / page).count("Heat-health alert") == shown, (when, page)


def test_cookieless_analytics_still_asks_first_but_does_not_speak_of_cookies(out: Path) -> None:
    html = text(out / "gamma/index.html")
    assert 'data-ics-choice="yes">Accept analytics</button>' in html
    assert 'data-analytics-script="https://plausible.io/js/script.js"' in html
    cookies = text(out / "gamma/cookies/index.html")
    assert re.findall(r"<tr><td>([^<]+)</td>", cookies) == ["ics-consent"]  # Plausible sets none
    assert "It does not set cookies, but we still only use it if you agree." in cookies


def test_check_warns_about_a_cookies_page_written_by_hand_for_a_region_with_services(tmp_path: Path) -> None:
    own = "---\ntitle: Cookies\nsummary: The cookies this website sets.\n---\nThis website does not set any cookies.\n"
    root = write_site(tmp_path, {**FILES, "content/alpha/cookies.md": own, "content/beta/cookies.md": own}, CONFIG)
    said = " ".join(run(root, "check").output.split())
    assert ("content/alpha/cookies.md:5: warning: the cookies page of 'alpha' does not list the cookies its "
            "settings cause (analytics or toolbar)") in said
    assert "content/beta/cookies.md" not in said  # beta sets no cookie: the page is right
