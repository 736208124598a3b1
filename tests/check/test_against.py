"""`icsgen check --against SITEMAP`: the live site's addresses that the new build would no longer publish,
from a sitemap file or fetched from a real HTTP server on 127.0.0.1 (icsgen/check/against.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.servers import StartServer
from tests.support.sitemaker import basic_site, run

NEW = "content/alpha/about/our-partners.md"


def published_then_renamed(tmp_path: Path) -> tuple[Path, Path]:
    """The basic site built and its build/ copied as 'the live site'; then Partners renamed, build/ removed."""
    root = basic_site(tmp_path / "site")
    assert run(root, "build").exit_code == 0
    live = tmp_path / "live"
    shutil.copytree(root / "build", live)
    shutil.rmtree(root / "build")
    old = root / "content/alpha/about/partners.md"
    (root / NEW).write_text(old.read_text())
    old.unlink()
    home = root / "content/alpha/index.md"
    home.write_text(home.read_text().replace("about/partners.md", "about/our-partners.md"))
    return root, live


def loc_line(sitemap: Path, address: str) -> int:
    return next(n for n, line in enumerate(sitemap.read_text().splitlines(), 1) if address in line)


def test_a_sitemap_file_lists_the_addresses_that_must_keep_working(tmp_path: Path) -> None:
    root, live = published_then_renamed(tmp_path)
    sitemap = live / "alpha/sitemap.xml"
    result = run(root, "check", "--against", str(sitemap))
    line = loc_line(sitemap, "https://test.example.org/alpha/about/partners/")
    assert f"{sitemap}:{line}: warning: /alpha/about/partners/ is in the published sitemap, and the new build " \
           "would not publish it (if this page replaces it, add 'aliases: [/about/partners/]'" in result.output
    assert result.output.count("is in the published sitemap") == 1  # the other pages are all still there
    assert run(root, "check", "--strict", "--against", str(sitemap)).exit_code == 1


def test_a_sitemap_index_over_http_is_followed_to_its_sitemaps(tmp_path: Path, static_server: StartServer) -> None:
    root, live = published_then_renamed(tmp_path)
    base = static_server(live)
    for sitemap in (live / "sitemap.xml", live / "alpha/sitemap.xml", live / "beta/sitemap.xml"):
        # the live site's addresses, pointing at this test's server
        sitemap.write_text(sitemap.read_text().replace("https://test.example.org/", base))
    (root / "regions.yaml").write_text((root / "regions.yaml").read_text().replace("https://test.example.org/", base))
    result = run(root, "check", "--against", base + "sitemap.xml")
    line = loc_line(live / "alpha/sitemap.xml", "alpha/about/partners/")
    assert f"{base}alpha/sitemap.xml:{line}: warning: /alpha/about/partners/ is in the published sitemap" \
        in result.output
    assert result.output.count("is in the published sitemap") == 1


def test_with_the_alias_the_sitemap_finds_nothing_missing(tmp_path: Path) -> None:
    root, live = published_then_renamed(tmp_path)
    page = root / NEW
    page.write_text(page.read_text().replace("weight: 2\n", "weight: 2\naliases: [/about/partners/]\n"))
    result = run(root, "check", "--strict", "--against", str(live / "alpha/sitemap.xml"))
    assert result.exit_code == 0, result.output


def test_a_sitemap_that_cannot_be_had_is_one_plain_error(tmp_path: Path, static_server: StartServer) -> None:
    root, live = published_then_renamed(tmp_path)
    base = static_server(live)
    (tmp_path / "page.html").write_text("<!doctype html><title>x</title>")
    (tmp_path / "evil.xml").write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><urlset></urlset>')
    for source, message in (
        (str(tmp_path / "missing.xml"), "cannot read the sitemap: No such file or directory"),
        (str(tmp_path / "page.html"), "this is not a sitemap (no <urlset> or <sitemapindex>)"),
        (str(tmp_path / "evil.xml"), "the sitemap declares a DOCTYPE or entities"),
        (base + "no-such-sitemap.xml", "cannot fetch the sitemap: the server answered 404"),
    ):
        result = run(root, "check", "--against", source)
        assert result.exit_code == 1
        assert f"error: {message}" in result.output, result.output
        assert "Traceback" not in result.output
