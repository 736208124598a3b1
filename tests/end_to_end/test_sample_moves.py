"""The issue's proof on the project's own sample site: rename a page and add its alias, and the old
address leads to it in a real browser (with its #fragment); `_redirects` holds the rule; the same
rename without the alias is reported; the sample's made-up old CCG addresses work."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.servers import StartServer
from tests.support.sitemaker import PROJECT, run

if TYPE_CHECKING:
    from playwright.sync_api import Page

OLD = "content/leeds/about/health-and-social-care-hub.md"
NEW = "content/leeds/about/the-hub.md"


def sample_copy(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    shutil.copytree(PROJECT / "content", root / "content")
    shutil.copy(PROJECT / "regions.yaml", root / "regions.yaml")
    return root


def rename(root: Path, alias: bool) -> None:
    """Rename the hub page as an editor would: move the file and fix the links to it."""
    text = (root / OLD).read_text()
    if alias:
        text = text.replace("aliases:\n", "aliases:\n  - /about/health-and-social-care-hub/\n", 1)
    (root / OLD).unlink()
    (root / NEW).write_text(text)
    for page in (root / "content").rglob("*.md"):
        words = page.read_text()
        if "health-and-social-care-hub.md" in words:
            page.write_text(words.replace("health-and-social-care-hub.md", "the-hub.md"))
    config = root / "regions.yaml"
    config.write_text(config.read_text().replace("health-and-social-care-hub.md", "the-hub.md"))


def test_a_renamed_sample_page_without_its_alias_is_reported(tmp_path: Path) -> None:
    root = sample_copy(tmp_path)
    assert run(root, "build", "--quiet").exit_code == 0
    rename(root, alias=False)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert f"{NEW}:2: /leeds/about/health-and-social-care-hub/ was published by the last build, and the new " \
           "build would not publish it (if this page replaces it, add 'aliases: " \
           "[/about/health-and-social-care-hub/]' to its front matter" in result.output
    assert run(root, "build", "--strict").exit_code == 0  # published now: the old address is gone for good


@pytest.mark.browser
def test_a_renamed_sample_page_with_its_alias_keeps_its_old_address(tmp_path: Path, page: Page,
                                                                     static_server: StartServer) -> None:
    root = sample_copy(tmp_path)
    assert run(root, "build", "--quiet").exit_code == 0
    rename(root, alias=True)
    result = run(root, "build", "--strict")
    assert result.exit_code == 0, result.output
    build = root / "build"
    assert "/leeds/about/health-and-social-care-hub/  /leeds/about/the-hub/  301!" in \
        (build / "_redirects").read_text().splitlines()
    base = static_server(build)
    page.goto(base + "leeds/about/health-and-social-care-hub/#the-three-key-areas")
    page.wait_for_url("**/leeds/about/the-hub/**")
    assert page.url == base + "leeds/about/the-hub/index.html#the-three-key-areas"
    assert page.locator("h1").inner_text() == "Leeds Health and Social Care Hub"
    for old, new in (("leeds/hub/", "leeds/about/the-hub/index.html"),  # the page's older aliases still work
                     ("leeds/ccg/our-plans/?utm_source=leaflet", "leeds/priorities/index.html?utm_source=leaflet"),
                     ("leeds/ccg/partnerships/the-hub.html", "leeds/about/the-hub/index.html")):
        page.goto(base + old)
        page.wait_for_url(base + new)
