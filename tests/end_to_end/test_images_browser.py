"""Content images as a reader's browser gets them: over HTTP from the built site, in real Chromium."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from tests.build.test_images import GPS_MARK, no_metadata, phone_photo
from tests.support.axe import format_violations, run_axe
from tests.support.servers import serve_static
from tests.support.sitemaker import basic_site, run


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": "---\ntitle: About us\n---\n## Who we are\n\n"
        "![Our team at the opening of the Alpha hub](../images/team.jpg)\n\n"
        + "".join(f"Paragraph {n} about the work of the team in Alpha.\n\n" for n in range(30))
        + "![A nurse giving a flu vaccination](../images/vaccination.jpg)\n",
    })
    phone_photo(root / "content/alpha/images/team.jpg", size=(2400, 1800), orientation=1)
    phone_photo(root / "content/alpha/images/vaccination.jpg", size=(1800, 2400), orientation=1)
    out = tmp_path / "out"
    result = run(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_a_served_image_carries_no_gps_tag(built: Path) -> None:
    with serve_static(built, "/") as base:
        html = urllib.request.urlopen(base + "alpha/about/").read().decode()
        addresses = set(re.findall(r'(?:src|srcset)="([^"]+)"', html))
        files = {part.strip().split(" ")[0] for value in addresses for part in value.split(",") if "images/" in part}
        assert len(files) >= 10
        for address in sorted(files):
            data = urllib.request.urlopen(base + "alpha/about/" + address).read()
            assert GPS_MARK not in data
            no_metadata(data)


@pytest.mark.browser
def test_a_phone_sized_screen_gets_a_small_image(built: Path, browser) -> None:  # type: ignore[no-untyped-def]
    with serve_static(built, "/ics/") as base:
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="en-GB")
        try:
            page = phone.new_page()
            page.goto(base + "alpha/about/")
            image = page.locator("main picture img").first
            image.wait_for()
            page.wait_for_function("document.querySelector('main picture img').complete")
            chosen = image.evaluate("img => img.currentSrc")
            assert re.search(r"/images/team-(320|640)w\.(avif|webp|jpg)$", chosen), chosen
            assert image.evaluate("img => img.naturalWidth") <= 640
            # width and height are set: the box has its height before the image arrives
            # never published wider than 1,920 pixels
            assert (image.get_attribute("width"), image.get_attribute("height")) == ("1920", "1440")
            box = image.bounding_box()
            assert box is not None and box["width"] <= 390 and abs(box["height"] / box["width"] - 0.75) < 0.02
            later = page.locator("main picture img").nth(1)
            assert later.get_attribute("loading") == "lazy" and image.get_attribute("loading") is None
            violations = run_axe(page, None)
            assert violations == [], format_violations(violations)
        finally:
            phone.close()
        desktop = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=2)
        try:
            page = desktop.new_page()
            page.goto(base + "alpha/about/")
            page.wait_for_function("document.querySelector('main picture img').complete")
            chosen = page.locator("main picture img").first.evaluate("img => img.currentSrc")
            assert re.search(r"/images/team-1280w\.(avif|webp|jpg)$", chosen), chosen  # 620 CSS px at 2x
        finally:
            desktop.close()
