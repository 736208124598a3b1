"""The NHS theme in real Chromium: what readers see and use, with JavaScript off (the theme has none).

Checked through computed styles, layout boxes and Chromium's own accessibility tree, at phone widths
(320 and 390 px) and on a desktop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_CONTEXT_OPTIONS
from tests.support.servers import StartServer
from tests.support.sitemaker import basic_site, run

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ABOUT = """---
title: About us
---
## Who we are

We are Alpha.

!!! expander "Who can apply for an apprenticeship?"
    Apprenticeships are open to people aged 16 and over.

!!! details "What is an apprenticeship?"
    A job with training.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = basic_site(tmp_path_factory.mktemp("theme") / "site", {"content/alpha/about/index.md": ABOUT})
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    return root / "build"


@pytest.fixture
def open_at(browser: Browser, static_server: StartServer, site: Path) -> Iterator:
    """`open_at(path, width)`: the page in a fresh tab `width` px wide, JavaScript off."""
    base = static_server(site, prefix="/ics/")
    contexts = []

    def open_page(path: str, width: int) -> Page:
        context = browser.new_context(**{**DEFAULT_CONTEXT_OPTIONS, "viewport": {"width": width, "height": 800}},
                                      java_script_enabled=False)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(base + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def accessible(page: Page, name: str) -> list[dict]:
    """The nodes of Chromium's accessibility tree called `name`, with their role and states."""
    nodes = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    found = []
    for node in nodes:
        if node.get("ignored") or node.get("name", {}).get("value") != name:
            continue
        if node["role"]["value"] in ("StaticText", "InlineTextBox"):
            continue
        states = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        found.append({"role": node["role"]["value"], **{k: states[k] for k in ("expanded",) if k in states}})
    return found


def style(page: Page, selector: str, *properties: str, pseudo: str | None = None) -> dict[str, str]:
    return page.evaluate(
        "([selector, pseudo, properties]) => { const s = getComputedStyle(document.querySelector(selector), pseudo);"
        " return Object.fromEntries(properties.map(p => [p, s.getPropertyValue(p)])); }",
        [selector, pseudo, list(properties)])


# -- the main navigation ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_the_menu_folds_into_a_menu_button(open_at, width: int) -> None:  # type: ignore[no-untyped-def]
    page = open_at("alpha/news/index.html", width)
    menu = page.locator(".nhsuk-navigation__toggle")
    header = page.locator(".nhsuk-header").bounding_box()
    assert menu.is_visible() and menu.inner_text() == "Menu"
    assert not page.locator(".nhsuk-navigation__link").first.is_visible()
    assert accessible(page, "Menu") == [{"role": "DisclosureTriangle", "expanded": False}]
    assert {"role": "link"} not in accessible(page, "News")  # nor read out while folded
    assert header is not None and header["height"] < 130  # the logo row and one row for the button

    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the logo
    page.keyboard.press("Tab")  # the search link (a phone has no room for the search form)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Menu"
    page.keyboard.press("Enter")  # opens without JavaScript
    links = page.locator(".nhsuk-navigation__link")
    assert [links.nth(i).is_visible() for i in range(links.count())] == [True, True]
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert boxes[0]["x"] == boxes[1]["x"] and boxes[1]["y"] > boxes[0]["y"]  # one link a row
    assert all(box["height"] >= 44 and box["x"] + box["width"] <= width for box in boxes)  # big enough, no overflow
    assert accessible(page, "Menu") == [{"role": "DisclosureTriangle", "expanded": True}]
    assert {"role": "link"} in accessible(page, "News")
    assert page.get_by_role("link", name="News", exact=True).get_attribute("aria-current") == "page"
    menu.click()
    assert not links.first.is_visible()


@pytest.mark.browser
def test_on_a_wider_screen_the_menu_is_one_row_of_links_without_a_button(open_at) -> None:  # type: ignore[no-untyped-def]
    page = open_at("alpha/about/index.html", 1280)
    assert not page.locator(".nhsuk-navigation__toggle").is_visible()
    assert accessible(page, "Menu") == []
    links = page.locator(".nhsuk-navigation__link")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert len(boxes) == 2 and boxes[0]["y"] == boxes[1]["y"] and boxes[1]["x"] > boxes[0]["x"]
    assert accessible(page, "News") == [{"role": "link"}]
    current = page.get_by_role("link", name="About us", exact=True).first
    assert style(page, '.nhsuk-navigation__link[aria-current]', "border-bottom-width")["border-bottom-width"] == "4px"
    assert current.get_attribute("aria-current") == "page"
    for _ in range(5):  # skip link, logo, search field and button, then straight to the first link: no menu button
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "About us"


# -- the expander ---------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_an_expander_is_a_white_box_with_a_plus_that_opens_without_javascript(open_at, width: int) -> None:  # type: ignore[no-untyped-def]
    page = open_at("alpha/about/index.html", width)
    box = "details.nhsuk-expander"
    icon = f"{box} .nhsuk-details__summary-text"
    closed = style(page, box, "background-color", "border-top-width", "border-bottom-width")
    assert closed == {"background-color": "rgb(255, 255, 255)", "border-top-width": "1px", "border-bottom-width": "4px"}
    drawn = style(page, icon, "background-color", "border-top-left-radius", "width", "height", pseudo="::before")
    assert drawn == {"background-color": "rgb(0, 94, 184)", "border-top-left-radius": "50%", "width": "32px",
                     "height": "32px"}
    plus = style(page, icon, "background-image", pseudo="::before")["background-image"]
    assert plus.count("linear-gradient") == 2  # the two bars of a plus
    assert style(page, icon, "font-weight")["font-weight"] == "700"
    text = page.get_by_text("open to people aged 16")
    assert not text.is_visible()
    assert accessible(page, "Who can apply for an apprenticeship?") == [{"role": "DisclosureTriangle",
                                                                        "expanded": False}]

    page.get_by_text("Who can apply for an apprenticeship?").click()
    assert text.is_visible()
    assert style(page, box, "border-bottom-width")["border-bottom-width"] == "1px"
    minus = style(page, icon, "background-image", pseudo="::before")["background-image"]
    assert minus.count("linear-gradient") == 1  # one bar: a minus
    assert accessible(page, "Who can apply for an apprenticeship?") == [{"role": "DisclosureTriangle",
                                                                        "expanded": True}]
    # the plain details component keeps its own look: a link with an arrow, no box
    assert style(page, "details.nhsuk-details:not(.nhsuk-expander)", "border-top-width", "background-color") \
        == {"border-top-width": "0px", "background-color": "rgba(0, 0, 0, 0)"}


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 1280])
def test_open_menu_and_expander_pass_axe(browser: Browser, static_server: StartServer, site: Path,
                                         width: int) -> None:
    """axe-core (WCAG 2.2 AA) with the menu and both components open: what is hidden is not checked."""
    context = browser.new_context(**{**DEFAULT_CONTEXT_OPTIONS, "viewport": {"width": width, "height": 800}})
    try:
        page = context.new_page()
        page.goto(static_server(site, prefix="/ics/") + "alpha/about/index.html")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert page.get_by_text("open to people aged 16").is_visible()
        violations = run_axe(page, None)
        assert violations == [], format_violations(violations)
    finally:
        context.close()


# -- the way back to the hub ------------------------------------------------------------------------------


@pytest.mark.browser
def test_region_pages_lead_back_to_the_hub(open_at) -> None:  # type: ignore[no-untyped-def]
    page = open_at("alpha/about/index.html", 390)
    footer = page.locator("footer")
    footer.get_by_role("link", name="All regions").click()
    assert page.title() == "Test ICS sites"
    assert page.get_by_role("link", name="Beta Partnership").is_visible()


def _footer_hub_link(html: str) -> str | None:
    found = re.search(r'<a class="nhsuk-footer__list-item-link" href="([^"]*)">All regions</a>', html)
    return found.group(1) if found else None


def test_the_way_back_to_the_hub_is_only_where_there_is_a_hub(tmp_path: Path) -> None:
    """Each region's pages link to the hub; a region on its own domain by the hub's full address. Not
    in a site of one region, nor for a region published at the site's own address: no hub there."""
    root = basic_site(tmp_path / "two")
    config = root / "regions.yaml"
    config.write_text(config.read_text().replace(
        "    name: Beta Partnership\n", "    name: Beta Partnership\n    base_url: https://beta.example.net/\n"))
    assert run(root, "build", "--quiet").exit_code == 0
    out = root / "build"
    assert _footer_hub_link((out / "alpha/about/partners/index.html").read_text()) == "../../../index.html"
    assert _footer_hub_link((out / "beta/index.html").read_text()) == "https://test.example.org/"
    assert _footer_hub_link((out / "alpha/404.html").read_text()) == "/"  # shown at any address

    config.write_text(config.read_text().replace("https://beta.example.net/", "https://test.example.org/"))
    assert run(root, "build", "--quiet").exit_code == 0
    assert _footer_hub_link((out / "beta/index.html").read_text()) is None  # its home is where the hub would be
    assert _footer_hub_link((out / "alpha/index.html").read_text()) == "../index.html"

    partners = "---\ntitle: Partners\n---\n## NHS trusts\n"  # without its link to beta
    alone = basic_site(tmp_path / "one", {"content/beta/index.md": None, "content/beta/images/share.gif": None,
                                          "content/alpha/about/partners.md": partners})
    config = alone / "regions.yaml"
    config.write_text(config.read_text().split("  beta:\n")[0])
    result = run(alone, "build", "--quiet")
    assert result.exit_code == 0, result.output
    assert _footer_hub_link((alone / "build/alpha/index.html").read_text()) is None
