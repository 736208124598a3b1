"""`analytics:`, `toolbar:` and `notices:` in regions.yaml: read per region or site-wide, every mistake
named with its line, and nothing at all when nothing is set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icsgen.config import load_config, services
from icsgen.problems import Problems

HEAD = "site:\n  title: T\n  base_url: https://x.example/\n"


def load(tmp_path: Path, text: str) -> tuple[object, list[str]]:
    (tmp_path / "regions.yaml").write_text(text)
    problems = Problems(tmp_path)
    config = load_config(tmp_path, problems)
    return config, [str(p) for p in problems]


def test_nothing_set_means_no_service_no_cookie_and_no_notice(tmp_path: Path) -> None:
    config, problems = load(tmp_path, HEAD + "regions:\n  leeds:\n    name: Leeds\n")
    assert problems == []
    leeds = config.regions[0]
    assert (leeds.analytics, leeds.toolbar, leeds.notices, leeds.cookies) == (None, None, (), ())


def test_site_wide_services_apply_to_every_region_unless_one_says_none(tmp_path: Path) -> None:
    config, problems = load(tmp_path, HEAD + (
        "  analytics: {provider: plausible, id: ics.example.org}\n"
        "  toolbar: {provider: recite-me, key: abcdef123456}\n"
        "regions:\n"
        "  leeds:\n    name: Leeds\n"
        "  york:\n    name: York\n    analytics: none\n"
        "  hull:\n    name: Hull\n    analytics: {provider: matomo, id: '7', address: 'https://stats.example.org/'}\n"
    ))
    assert problems == []
    leeds, york, hull = config.regions
    assert leeds.analytics.provider == "plausible" and leeds.toolbar.key == "abcdef123456"
    assert york.analytics is None and york.toolbar is not None
    assert hull.analytics.script == "https://stats.example.org/matomo.js"
    assert hull.analytics.endpoint == "https://stats.example.org/matomo.php"
    assert [c.name for c in hull.cookies] == [services.CONSENT_COOKIE, "_pk_id.7.*", "_pk_ses.7.*", "Recite.Persist"]
    assert [c.name for c in leeds.cookies] == [services.CONSENT_COOKIE, "Recite.Persist"]  # Plausible: none


def test_google_analytics_cookies_are_named_from_the_measurement_id(tmp_path: Path) -> None:
    config, problems = load(tmp_path, HEAD + "regions:\n  leeds:\n    name: Leeds\n    owner: NHS Leeds\n"
                            "    analytics:\n      provider: google-analytics\n      id: G-AB12CD34\n")
    assert problems == []
    cookies = config.regions[0].cookies
    assert [(c.name, c.expires, c.provider) for c in cookies] == [
        ("ics-consent", "1 year", "NHS Leeds"), ("_ga", "2 years", "Google Analytics"),
        ("_ga_AB12CD34", "2 years", "Google Analytics")]
    assert config.regions[0].analytics.script == "https://www.googletagmanager.com/gtag/js?id=G-AB12CD34"


def test_every_mistake_is_named_with_its_line(tmp_path: Path) -> None:
    _, problems = load(tmp_path, HEAD + (
        "  analytics:\n"                                   # 4
        "    provider: google-analytic\n"                  # 5
        "    id: G-1\n"
        "regions:\n"
        "  leeds:\n"
        "    name: Leeds\n"
        "    analytics:\n"                                 # 10
        "      provider: google-analytics\n"
        "      id: UA-12345-1\n"                           # 12
        "    toolbar:\n"                                   # 13
        "      provider: recite-me\n"
        "  york:\n"
        "    name: York\n"
        "    analytics: {provider: matomo, id: x7}\n"       # 17
        "    toolbar: {provider: reachdeck, colour: red}\n"  # 18
        "  hull:\n"
        "    name: Hull\n"
        "    analytics: {provider: plausible, id: hull.example.org, address: 'http://stats.example.org/'}\n"  # 21
        "  selby:\n"
        "    name: Selby\n"
        "    analytics:\n"                                 # 24
        "      provider: matomo\n"
        "      id: 3\n"
        "      address: 'javascript:alert(1)'\n"          # 27: one message, not also 'needs the address'
    ))
    assert problems == [
        "regions.yaml:5: unknown analytics provider 'google-analytic' (did you mean 'google-analytics'?)",
        "regions.yaml:12: 'UA-12345-1' is not a Google Analytics measurement ID (it looks like G-A1B2C3D4E5)",
        "regions.yaml:13: Recite Me needs the 'key' it gave you (for example key: a1b2c3d4e5f6a7b8c9d0)",
        "regions.yaml:17: 'x7' is not a Matomo site ID (it looks like 3)",
        "regions.yaml:17: Matomo needs the 'address' of your Matomo server "
        "(for example address: https://analytics.example.org/)",
        "regions.yaml:18: unknown key 'colour' in toolbar (the keys are: provider, key)",
        "regions.yaml:21: the analytics 'address' must start https://, not 'http://stats.example.org/' "
        "(a page served over https cannot load a script over http)",
        "regions.yaml:27: 'address' must be an absolute address starting https://, such as https://leeds.example.org/, "
        "not 'javascript:alert(1)'",
    ]


def test_notices_are_checked_and_dated(tmp_path: Path) -> None:
    config, problems = load(tmp_path, HEAD + (
        "  notices:\n"
        "    - message: Everywhere.\n"                      # 5
        "      start: 2026-01-01\n"
        "      end: 2026-01-31\n"
        "regions:\n"
        "  leeds:\n"
        "    name: Leeds\n"
        "    notices:\n"
        "      - message: Heat alert.\n"                    # 12
        "        severity: urgent\n"
        "        link: https://example.org/heat\n"
        "        link_text: Heat advice\n"
        "        start: 2026-06-01\n"
        "        end: 2026-06-30\n"
    ))
    assert problems == []
    notices = config.regions[0].notices
    assert [(n.message, n.line) for n in notices] == [("Everywhere.", 5), ("Heat alert.", 12)]
    assert [n.shown_on(dt.date(2026, 6, 30)) for n in notices] == [False, True]
    assert [n.shown_on(dt.date(2026, 7, 1)) for n in notices] == [False, False]


def test_notice_mistakes_are_named_with_their_lines(tmp_path: Path) -> None:
    _, problems = load(tmp_path, HEAD + (
        "regions:\n"
        "  leeds:\n"
        "    name: Leeds\n"
        "    notices:\n"
        "      - message: One.\n"                           # 8
        "        severity: loud\n"                          # 9
        "        link: javascript:alert(1)\n"               # 10
        "        start: 2026-06-30\n"
        "        end: 2026-06-01\n"                         # 12
        "      - link_text: Two\n"                          # 13
        "        start: 2026-06-01\n"
        "        end: 2026-6-1\n"                           # 15
    ))
    assert problems == [
        "regions.yaml:8: a notice with a 'link' needs 'link_text' (the words of the link, such as: "
        "Read the heat-health advice)",
        "regions.yaml:9: 'severity' must be one of: information, warning, urgent",
        "regions.yaml:10: a notice's link cannot be a 'javascript:' address "
        "(use an https:// address or a page of the region, such as news/heatwave.md)",
        "regions.yaml:12: the notice ends (2026-06-01) before it starts (2026-06-30) "
        "(swap the dates, or correct the one that is wrong)",
        "regions.yaml:13: 'message' is required in notice (one or two sentences: what has happened and what to do)",
        "regions.yaml:13: a notice has 'link_text' but no 'link' (add the link, or delete link_text)",
        "regions.yaml:15: 'end' must be a date written as YYYY-MM-DD, not '2026-6-1'",
    ]
