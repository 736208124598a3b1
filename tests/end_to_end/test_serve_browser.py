"""The preview in real Chromium: saved edits appear in the open tab without anyone touching it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.serve import Running, serving, wait_until
from tests.support.sitemaker import basic_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

OVERLAY = "#icsgen-overlay"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Running]:
    root = basic_site(tmp_path / "site")
    with serving(root) as running:
        yield running


def open_page(page: Page, live: Running, path: str) -> None:
    """Open `path`, mark the window (a reload would lose the mark), and wait for the event stream."""
    clients = live.session.server.clients  # type: ignore[union-attr]
    page.goto(live.url + path)
    page.evaluate("window.__marker = 'still here'")
    wait_until(lambda: live.session.server.clients > clients,  # type: ignore[union-attr]
               what="the page to connect to the event stream")


def not_reloaded(page: Page) -> bool:
    return page.evaluate("window.__marker") == "still here"


def test_edit_appears_in_the_same_tab(page: Page, live: Running) -> None:
    open_page(page, live, "alpha/about/")
    source = live.root / "content/alpha/about/index.md"
    source.write_text("---\ntitle: About us\n---\n## Who we are\n\nWe are Alpha, freshly edited.\n")
    page.locator("main").get_by_text("freshly edited").wait_for()
    assert not_reloaded(page)


def test_broken_yaml_shows_an_overlay_until_fixed(page: Page, live: Running) -> None:
    open_page(page, live, "alpha/about/")
    source = live.root / "content/alpha/about/index.md"
    source.write_text("---\ntitle: [About us\n---\nBroken.\n")
    overlay = page.locator(OVERLAY)
    overlay.wait_for()
    assert "content/alpha/about/index.md:2: " in overlay.inner_text()
    status = live.get("/alpha/about/")  # the server is alive and still serves the last good page
    assert status[0] == 200 and b"We are Alpha." in status[2]
    source.write_text("---\ntitle: About us\n---\nMended and updated.\n")
    page.get_by_text("Mended and updated.").wait_for()
    assert page.locator(OVERLAY).count() == 0
    assert not_reloaded(page)


# The overlay's message as an editor sees it: its colours as drawn (backgrounds composited from the root
# down, the colour the glyphs are filled with), WCAG's contrast ratio, its size, and whether it is the
# element actually drawn at the place of its text (not covered, clipped away or hidden).
LEGIBILITY = """element => {
  const rgba = text => {
    const parts = text.match(/rgba?\\(([^)]*)\\)/)[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const parentOf = node => node.parentElement || (node.getRootNode().host || null);
  const chain = [];
  for (let node = element; node; node = parentOf(node)) chain.unshift(node);
  let background = [255, 255, 255, 1], opacity = 1, shown = true;
  for (const node of chain) {
    const style = getComputedStyle(node);
    background = over(rgba(style.backgroundColor), background);
    opacity *= Number(style.opacity);
    shown = shown && style.display !== 'none';
  }
  const style = getComputedStyle(element);
  const text = over(rgba(style.webkitTextFillColor || style.color), background);
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  const range = document.createRange();
  range.selectNodeContents(element);
  const box = range.getBoundingClientRect();
  const x = box.left + Math.min(box.width / 2, 20), y = box.top + Math.min(box.height / 2, 8);
  const hit = element.getRootNode().elementFromPoint(x, y);
  return {
    contrast: (light + 0.05) / (dark + 0.05), opacity, shown, visibility: style.visibility,
    fontSize: parseFloat(style.fontSize), width: box.width, height: box.height,
    inView: box.top >= 0 && box.left >= 0 && box.top < innerHeight && box.left < innerWidth,
    onTop: hit === element || element.contains(hit), text: element.textContent,
  };
}"""

HOSTILE_CSS = """
/* a theme at its worst: every rule that could hide or blank out an overlay's text */
pre, div, h2, p, [role="alert"], #icsgen-overlay, icsgen-overlay, html > * {
  color: #fff !important; background: #fff !important; -webkit-text-fill-color: #fff !important;
  font-size: 0 !important; opacity: 0.05 !important; visibility: hidden !important;
  clip-path: inset(50%) !important; transform: scale(0) !important; display: none !important;
}
"""


def assert_legible(page: Page, selector: str, wanted: str) -> None:
    seen = page.locator(selector).evaluate(LEGIBILITY)
    assert wanted in seen["text"]
    assert seen["contrast"] >= 4.5, seen  # WCAG AA for text under 18pt
    assert seen["shown"] and seen["visibility"] == "visible" and seen["opacity"] == 1, seen
    assert seen["fontSize"] >= 12 and seen["width"] > 0 and seen["height"] > 0, seen
    assert seen["inView"] and seen["onTop"], seen


@pytest.mark.parametrize("theme_css", ["", HOSTILE_CSS], ids=["nhs-theme", "hostile-theme"])
def test_the_overlay_is_legible_whatever_the_theme_does(page: Page, tmp_path: Path, theme_css: str) -> None:
    root = basic_site(tmp_path / "site")
    css = root / "themes/nhs/static/css/nhs.css"
    css.write_text(css.read_text(encoding="utf-8") + theme_css, encoding="utf-8")
    with serving(root) as live:
        open_page(page, live, "alpha/about/")
        (live.root / "content/alpha/about/index.md").write_text("---\ntitle: [About us\n---\nBroken.\n")
        page.locator(OVERLAY).wait_for()
        assert_legible(page, f"{OVERLAY} pre", "content/alpha/about/index.md:2: ")
        assert_legible(page, f"{OVERLAY} h2", "The preview could not be updated")
        page.screenshot(path=str(tmp_path / "overlay.png"))


def test_stylesheet_edit_applies_without_navigation(page: Page, live: Running) -> None:
    navigations: list[str] = []
    open_page(page, live, "alpha/about/")
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    css = live.root / "themes/nhs/static/css/nhs.css"
    css.write_text(css.read_text() + "\nbody { background-color: rgb(1, 2, 3) !important; }\n")
    page.wait_for_function("getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'")
    assert navigations == []
    assert not_reloaded(page)
    assert page.locator('link[rel="stylesheet"]').count() == 1


def test_news_listing_follows_added_and_deleted_posts(page: Page, live: Running) -> None:
    open_page(page, live, "alpha/news/")
    post = live.root / "content/alpha/news/2024-03-01-third.md"
    post.write_text("---\ntitle: Third post arrives\ndate: 2024-03-01\nsummary: The third.\n---\nHi.\n")
    page.locator("main").get_by_text("Third post arrives").wait_for()
    assert live.get("/alpha/news/third/")[0] == 200
    post.unlink()
    page.locator("main").get_by_text("Third post arrives").wait_for(state="detached")
    assert page.locator("main").get_by_text("Second post").count() == 1
    assert live.get("/alpha/news/third/")[0] == 404
    assert not_reloaded(page)


def test_tabs_reconnect_after_the_server_restarts(page: Page, tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    second = page.context.new_page()
    with serving(root) as first:
        port = first.session.server.port  # type: ignore[union-attr]
        open_page(page, first, "alpha/")
        open_page(second, first, "beta/")
    # the server is gone; an edit is made meanwhile; the server comes back on the same port
    (root / "content/beta/index.md").write_text("---\ntitle: Welcome to Beta\n---\nBack again.\n")
    with serving(root, port=port) as again:
        second.get_by_text("Back again.").first.wait_for()
        wait_until(lambda: again.session.server.clients >= 2,  # type: ignore[union-attr]
                   what="both tabs to reconnect")
        (root / "content/alpha/index.md").write_text("---\ntitle: Welcome to Alpha\n---\nAlpha anew.\n")
        page.get_by_text("Alpha anew.").first.wait_for()
