"""The built site works wherever it is published: under a subpath, one region on its own, from disk.

These are the promises the guide's publishing recipes rest on (docs/guide.md, "Publishing"): every
link icsgen writes is relative, so the same build folder works at https://example.org/ics/ (a GitHub
Pages project site, a folder on a web server), a region's folder works alone at the root of its own
domain, and the files work opened straight from disk.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.sitemaker import PROJECT, run
from tests.support.links import find_broken_links
from tests.support.servers import StartServer

SKIPPED_SCHEMES = re.compile(r"^(mailto|tel|data|https?):|^//", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None or tag == "base":
                continue
            if name in ("href", "src", "poster"):
                self.urls.append(value.strip())
            elif name == "srcset":
                self.urls.extend(c.strip().split()[0] for c in value.split(",") if c.strip())


def _references(url: str, body: bytes, content_type: str) -> Iterator[str]:
    """Every local URL a fetched HTML or CSS file refers to, made absolute against `url`."""
    text = body.decode("utf-8", errors="replace")
    if "text/html" in content_type:
        parser = _Links()
        parser.feed(text)
        found = parser.urls
    elif "text/css" in content_type:
        found = CSS_URL.findall(text)
    else:
        return
    for ref in found:
        if not ref or ref.startswith("#") or SKIPPED_SCHEMES.match(ref):
            continue
        yield urldefrag(urljoin(url, ref)).url


def crawl(start: str) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Fetch `start` and everything reachable from it by relative links: (status by URL, referrers)."""
    status: dict[str, int] = {}
    referrers: dict[str, set[str]] = {start: {"(start)"}}
    queue = [start]
    while queue:
        url = queue.pop()
        if url in status:
            continue
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status[url] = response.status
                body, content_type = response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as exc:
            status[url] = exc.code
            continue
        for ref in _references(url, body, content_type):
            referrers.setdefault(ref, set()).add(url)
            if ref not in status:
                queue.append(ref)
    return status, referrers


def _failures(status: dict[str, int], referrers: dict[str, set[str]]) -> list[str]:
    return [f"{url} -> {code} (linked from {sorted(referrers.get(url, ()))[:3]})"
            for url, code in sorted(status.items()) if code != 200]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real sample content, built once for this module."""
    out = tmp_path_factory.mktemp("deploy") / "site"
    result = run(PROJECT, "build", "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    return out


def _pages(folder: Path) -> set[str]:
    """Every page a visitor can reach (all HTML but the 404 pages), relative to `folder`."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.html") if p.name != "404.html"}


def test_whole_site_works_under_a_subpath(built: Path, static_server: StartServer) -> None:
    base = static_server(built, prefix="/ics/")
    assert base.endswith("/ics/")
    status, referrers = crawl(base + "index.html")
    # Links to a region with its own base_url go to its domain (https://nel.example.org/), so its copy
    # in the build is not reached from the hub: crawl it from its own home page, under /ics/ too.
    assert "north-east-london/index.html" not in {urlsplit(u).path.removeprefix("/ics/") for u in status}
    more, more_referrers = crawl(base + "north-east-london/index.html")
    status.update(more)
    referrers.update(more_referrers)

    assert _failures(status, referrers) == []
    reached = {urlsplit(u).path.removeprefix("/ics/") for u in status}
    assert _pages(built) - reached == set()  # every page is reachable by following links
    assert any(u.endswith(".css") for u in status)  # the hashed stylesheets were fetched
    assert any(u.endswith("feed.xml") for u in status)
    assert all(urlsplit(u).path.startswith("/ics/") for u in status)  # nothing assumed the domain root


def test_folder_links_work_without_index_html(built: Path, static_server: StartServer) -> None:
    """Hosts that hide index.html (pretty URLs) serve the same files at folder addresses."""
    base = static_server(built, prefix="/ics/")
    for path in ("", "leeds/", "leeds/about/", "leeds/news/"):
        with urllib.request.urlopen(base + path, timeout=10) as response:
            assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(base + "leeds/no-such-page/", timeout=10)
    assert missing.value.code == 404


def test_one_region_served_alone_at_its_own_domain(built: Path, static_server: StartServer) -> None:
    region = built / "north-east-london"
    base = static_server(region, prefix="/")
    status, referrers = crawl(base + "index.html")

    assert _failures(status, referrers) == []
    reached = {urlsplit(u).path.removeprefix("/") for u in status}
    assert _pages(region) - reached == set()
    home = (region / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://nel.example.org/">' in home  # the region's base_url


def test_every_link_resolves_as_a_file_on_disk(built: Path) -> None:
    """Opened from disk (file://), folder links need index.html: every href is a real file."""
    assert find_broken_links(built) == []
    assert find_broken_links(built / "north-east-london") == []
    # A browser shows a folder listing for file:///.../leeds/about/, so local links name index.html.
    folder_links = []
    for page in sorted(p for p in built.rglob("*.html") if p.name != "404.html"):  # 404s: served only
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        folder_links += [f"{page.relative_to(built)}: {u}" for u in parser.urls
                         if not SKIPPED_SCHEMES.match(u) and urldefrag(u).url.split("?")[0].endswith("/")]
    assert folder_links == []


def test_not_found_page_links_work_at_any_address(built: Path) -> None:
    """A host serves 404.html at whatever address was asked for, so its links cannot be relative."""
    for page in (built / "404.html", built / "leeds/404.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        relative = [u for u in parser.urls if not u.startswith("#") and not SKIPPED_SCHEMES.match(u)]
        assert relative == [], page
