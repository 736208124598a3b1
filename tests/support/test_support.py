"""Tests of the test-support helpers themselves (tests/support/).

The site's tests trust these helpers to find broken links, invalid HTML and accessibility
failures; a helper that silently finds nothing would make every such test pass. So each helper is
shown here both catching a planted fault and passing a clean case.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.axe import format_violations, run_axe
from tests.support.links import find_broken_links
from tests.support.vnu import format_vnu, run_vnu

VALID_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body>
<header><a href="#main">Skip to main content</a></header>
<main id="main">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


def html_page(title: str, body: str = "<p>Hello.</p>") -> str:
    return VALID_PAGE.format(title=title, body=body)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --- links ------------------------------------------------------------------------------------


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write(
        site / "index.html",
        html_page(
            "Home",
            """
<p><a href="about/">About (folder)</a> <a href="about">About (no slash)</a>
<a href="about/index.html#team">Team</a> <a href="#main">Top of main</a>
<a href="news/first%20post.html?utm=x#intro">News</a> <a href="#top">Top</a>
<a href="mailto:a@example.org">Mail</a> <a href="tel:+441234">Phone</a>
<a href="https://www.nhs.uk/">NHS</a> <a href="//cdn.example.org/x.js">CDN</a>
<img src="img/a.png" srcset="img/a.png 1x, img/b.png 2x" alt="A">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
<a href="https://example.org/about/#team">Canonical-style</a></p>""",
        ),
    )
    write(
        site / "about" / "index.html",
        html_page("About", '<h2 id="team">Team</h2><a name="old">x</a>'),
    )
    write(site / "news" / "first post.html", html_page("News", '<p id="intro">Intro</p>'))
    (site / "img").mkdir()
    (site / "img" / "a.png").write_bytes(b"png")
    (site / "img" / "b.png").write_bytes(b"png")
    write(site / "404.html", html_page("Page not found"))
    return site


def test_links_accepts_a_good_site(tiny_site: Path) -> None:
    assert find_broken_links(tiny_site, site_urls=["https://example.org/"]) == []


def test_links_reports_broken_href_fragment_and_srcset(tiny_site: Path) -> None:
    write(
        tiny_site / "news" / "bad.html",
        html_page(
            "Bad",
            """<p><a href="../missing/">Missing folder</a>
<a href="../about/#nobody">Bad fragment elsewhere</a>
<a href="#nowhere">Bad fragment here</a>
<a href="../about/#old">Old-style anchor is fine</a>
<a href="../../outside.html">Outside</a>
<a href="javascript:void(0)">JS</a>
<img src="../img/a.png" srcset="../img/a.png 1x, ../img/c.png 2x" alt="C"></p>""",
        ),
    )
    problems = find_broken_links(tiny_site)
    joined = "\n".join(problems)
    assert len(problems) == 6, joined
    assert "news/bad.html:12: ../missing/ -> no such file: missing/index.html" in problems
    assert "../about/#nobody -> no id='nobody' in about/index.html" in joined
    assert "#nowhere -> no id='nowhere' in this page" in joined
    assert "../../outside.html -> points outside the build folder" in joined
    assert "javascript:void(0) -> unexpected URL scheme 'javascript'" in joined
    assert "../img/c.png -> no such file: img/c.png" in joined
    assert "#old" not in joined


def test_links_checks_own_absolute_urls_only_when_asked(tiny_site: Path) -> None:
    write(tiny_site / "x.html", html_page("X", '<a href="https://example.org/gone/">Gone</a>'))
    assert find_broken_links(tiny_site) == []
    assert find_broken_links(tiny_site, site_urls=["https://example.org"]) == [
        "x.html:12: https://example.org/gone/ -> no such file: gone/index.html"
    ]


# --- static server ------------------------------------------------------------------------------


def test_static_server_serves_under_prefix_only(static_server, tiny_site: Path) -> None:
    base = static_server(tiny_site, prefix="/ics/")
    assert base.startswith("http://127.0.0.1:") and base.endswith("/ics/")

    status, body = fetch(base)
    assert status == 200 and b"<h1>Home</h1>" in body
    status, body = fetch(base + "about/")
    assert status == 200 and b"<h1>About</h1>" in body
    status, body = fetch(base + "news/first%20post.html?x=1")
    assert status == 200 and b"<h1>News</h1>" in body

    root = base.removesuffix("ics/")
    for outside in (root, root + "index.html", root + "about/", base + "../index.html"):
        status, body = fetch(outside)
        assert status == 404, outside
        assert b"Page not found" in body  # the build's own 404.html
    status, _ = fetch(base + "no-such-page/")
    assert status == 404

    # A folder without its trailing slash redirects (urllib follows it).
    assert fetch(base + "about")[0] == 200
    assert fetch(base.rstrip("/"))[0] == 200


def test_static_server_stops_after_test(static_server, tmp_path: Path) -> None:
    from tests.support.servers import serve_static

    write(tmp_path / "index.html", html_page("Home"))
    with serve_static(tmp_path) as base:
        assert fetch(base)[0] == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base, timeout=2)


# --- vnu ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_vnu_reports_invalid_html_and_passes_valid(tmp_path: Path) -> None:
    good = write(tmp_path / "good.html", html_page("Good"))
    bad = write(
        tmp_path / "sub" / "bad page.html",
        html_page("Bad", "<div><span>unclosed</div>\n<p><blink>old</blink></p>\n<img src=x.png>"),
    )
    # One JVM run per call (about 2 s each), so this test makes only two.
    messages = run_vnu([good, bad])
    text = format_vnu(messages)
    assert messages, "vnu found no errors in an invalid file"
    assert all(m["file"].endswith("sub/bad page.html") for m in messages), text  # good.html: none
    assert all(m["type"] == "error" for m in messages), text
    assert any("blink" in m["message"] for m in messages), text
    assert any("alt" in m["message"] for m in messages), text
    assert {m["line"] for m in messages} >= {12, 13, 14}, text

    # A folder is searched for HTML files; `ignore` drops matching messages.
    filtered = run_vnu([tmp_path], ignore=["blink"])
    assert filtered == [m for m in messages if "blink" not in m["message"]]
    assert len(filtered) < len(messages)


def test_vnu_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        run_vnu([tmp_path / "nope.html"])


# --- axe in real Chromium -----------------------------------------------------------------------


@pytest.mark.browser
def test_axe_reports_violations_and_passes_clean_page(page, static_server, tmp_path: Path) -> None:
    write(tmp_path / "clean.html", html_page("Clean"))
    write(
        tmp_path / "broken.html",
        html_page(
            "Broken",
            '<img src="x.png">\n<form><input type="text" name="q"></form>'
            '\n<p style="color:#bbb;background:#fff">Low contrast text</p>',
        ),
    )
    base = static_server(tmp_path, prefix="/ics/")

    assert run_axe(page, base + "clean.html") == []

    violations = run_axe(page, base + "broken.html")
    ids = {v["id"] for v in violations}
    assert {"image-alt", "label", "color-contrast"} <= ids, format_violations(violations)
    image_alt = next(v for v in violations if v["id"] == "image-alt")
    assert image_alt["impact"] == "critical"
    assert image_alt["targets"] == ["img"]

    # Rules can be switched off, and a 404 is refused unless allowed.
    assert "image-alt" not in {
        v["id"] for v in run_axe(page, base + "broken.html", disable_rules=["image-alt"])
    }
    with pytest.raises(AssertionError, match="HTTP 404"):
        run_axe(page, base + "missing.html")


@pytest.mark.browser
def test_browser_renders_served_page(page, static_server, tiny_site: Path) -> None:
    base = static_server(tiny_site, prefix="/ics/")
    page.goto(base)
    assert page.title() == "Home"
    page.get_by_role("link", name="About (folder)").click()
    page.wait_for_url(base + "about/")
    assert page.locator("h1").inner_text() == "About"
