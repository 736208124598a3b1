"""The sample site's translated and Easy Read pages, as a reader's browser gets them: real Chromium over
HTTP, axe-core and the Nu Html Checker, and the hreflang alternates of every page of the build."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from icsgen.build.pipeline import BuildOptions, load
from tests.support.axe import format_violations, run_axe
from tests.support.servers import serve_static
from tests.support.sitemaker import PROJECT, run
from tests.support.vnu import format_vnu, run_vnu

VERSIONS = ("north-east-london/priorities/", "north-east-london/priorities/bn/",
            "north-east-london/priorities/ur/", "north-east-london/priorities/easy-read/")


@pytest.fixture(scope="module")
def sample() -> Iterator[tuple[Path, object]]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="icsgen-i18n-") as folder:
        out = Path(folder) / "site"
        result = run(PROJECT, "build", "--out", str(out), "--quiet")
        assert result.exit_code == 0, result.output
        yield out, load(PROJECT, BuildOptions()).site.config


def _alternates(html: str) -> set[tuple[str, str]]:
    return set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_hreflang_pairs_are_symmetric_on_every_page(sample) -> None:  # type: ignore[no-untyped-def]
    """Each page an alternate names lists the same alternates, itself among them, and x-default once."""
    out, config = sample
    domains = {config.base_url: ""} | {r.base_url: r.id + "/" for r in config.regions if r.base_url}
    own_address = {}
    for path in out.rglob("index.html"):
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', path.read_text(encoding="utf-8"))
        if canonical:
            own_address[canonical.group(1)] = path
    with_alternates = 0
    for address, path in own_address.items():
        found = _alternates(path.read_text(encoding="utf-8"))
        if not found:
            continue
        with_alternates += 1
        assert (next(t for t, h in found if h == address), address) in found, f"{path}: not among its alternates"
        assert [t for t, _ in found].count("x-default") == 1
        for tag, href in found:
            assert any(href.startswith(prefix) for prefix in domains), href
            other = own_address[href]  # every alternate is a page of this build
            assert _alternates(other.read_text(encoding="utf-8")) == found, f"{path} -> {other} ({tag})"
    assert with_alternates == 3  # the priorities page and its Bengali and Urdu translations


def test_translated_pages_have_no_nu_errors(sample) -> None:  # type: ignore[no-untyped-def]
    out, _ = sample
    pages = [out / rel / "index.html" for rel in VERSIONS]
    messages = run_vnu(pages)
    assert messages == [], format_vnu(messages)


@pytest.mark.browser
def test_language_direction_switcher_and_axe_in_chromium(sample, page) -> None:  # type: ignore[no-untyped-def]
    out, _ = sample
    with serve_static(out, "/ics/") as base:
        page.goto(base + "north-east-london/priorities/bn/")
        assert page.locator("html").get_attribute("lang") == "bn"
        assert page.locator("html").get_attribute("dir") == "ltr"
        assert page.locator("h1").inner_text() == "আমাদের অগ্রাধিকার"
        page.goto(base + "north-east-london/priorities/ur/")
        assert page.locator("html").get_attribute("lang") == "ur"
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.querySelector('main p')).direction") == "rtl"
        # nothing hidden off the side makes a right-to-left page scroll sideways (the skip link did)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.keyboard.press("Tab")  # the skip link comes into view on the right when focused
        skip = page.evaluate("document.activeElement.getBoundingClientRect().toJSON()")
        assert page.evaluate("document.activeElement.className") == "nhsuk-skip-link"
        assert skip["x"] >= 0 and skip["right"] <= page.viewport_size["width"]

        # from the English page, the keyboard alone reaches each translation through the switcher
        for tag, name in (("bn", "বাংলা"), ("ur", "اردو")):
            page.goto(base + "north-east-london/priorities/")
            for _ in range(60):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.textContent.trim()") == name:
                    break
            else:
                raise AssertionError(f"Tab never reached the {name} link")
            assert page.evaluate("document.activeElement.getAttribute('hreflang')") == tag
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(rf"/priorities/{tag}/(index\.html)?$"))
            assert page.locator("html").get_attribute("lang") == tag
            # and back to English from there
            assert page.locator(".icsgen-languages a[hreflang='en-GB']").inner_text() == "English"

        page.goto(base + "north-east-london/priorities/")
        page.get_by_role("link", name="Easy Read version of this page").click()
        page.wait_for_url(re.compile(r"/priorities/easy-read/"))
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.icsgen-easy-read p')).fontSize)")
        assert size >= 24  # large text
        picture = page.locator(".icsgen-easy-read p img").first.bounding_box()
        words = page.locator(".icsgen-easy-read p").first.bounding_box()
        assert picture is not None and words is not None and picture["x"] <= words["x"] + 1  # beside the point

        failures = []
        for rel in VERSIONS:
            violations = run_axe(page, base + rel)
            if violations:
                failures.append(f"{rel}:\n{format_violations(violations)}")
        assert failures == [], "\n".join(failures)
