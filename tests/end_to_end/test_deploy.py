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
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

import pytest

from tests.support.links import find_broken_links
from tests.support.serve import serving
from tests.support.servers import StartServer
from tests.support.sitemaker import PROJECT, basic_site, run

if TYPE_CHECKING:
    from playwright.sync_api import Page

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
    """Every page a visitor can reach (all HTML but the 404 pages and the redirect pages at old addresses,
    which nothing links to), relative to `folder`."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")
            if p.name != "404.html" and p.relative_to(folder).as_posix() not in _redirect_pages(folder)}


def _redirect_pages(folder: Path) -> set[str]:
    """The pages at old addresses (aliases and redirects: icsgen/render/hostrules.py)."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")
            if '<meta http-equiv="refresh"' in p.read_text(encoding="utf-8")}


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
    moved = _redirect_pages(built)
    assert moved  # the sample's old addresses: their links must work under /ics/ too
    for rel in sorted(moved):
        more, more_referrers = crawl(base + rel)
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
    # north-east-london has its own domain: its 404 page's links start from the root of that domain
    assert find_broken_links(built, served_at={"north-east-london/": "/"}) == []
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
    """A host serves 404.html at whatever address was asked for, so its links cannot be relative: they
    start from the host's root (or name another host), and it needs no stylesheet file."""
    for page in (built / "404.html", built / "leeds/404.html", built / "north-east-london/404.html"):
        html = page.read_text(encoding="utf-8")
        parser = _Links()
        parser.feed(html)
        relative = [u for u in parser.urls if not u.startswith(("#", "/")) and not SKIPPED_SCHEMES.match(u)]
        assert relative == [], page
        assert '<link rel="stylesheet"' not in html and "<style>" in html
    assert 'href="/leeds/about/"' in (built / "leeds/404.html").read_text(encoding="utf-8")
    # a region on its own domain is published at that domain's root
    assert 'href="/about/"' in (built / "north-east-london/404.html").read_text(encoding="utf-8")


# -- 404 pages wherever the site is served ------------------------------------------------------------

SUBFOLDER_SITE = "https://test.example.org/ics/"


@pytest.fixture(scope="module")
def in_a_subfolder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The basic site, built to be published under a folder (base_url .../ics/)."""
    root = basic_site(tmp_path_factory.mktemp("subfolder") / "site")
    config = root / "regions.yaml"
    config.write_text(config.read_text().replace("https://test.example.org/", SUBFOLDER_SITE))
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    return root / "build"


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _broken_links_of(url: str) -> tuple[bytes, list[str]]:
    """Fetch the page at `url` (a 404 page is fine) and every local address it links to; the page and
    the links that do not answer 200."""
    _, body = _fetch(url)
    broken = []
    for ref in _references(url, body, "text/html"):
        code, _ = _fetch(ref)
        if code != 200:
            broken.append(f"{ref} -> {code}")
    return body, broken


def _is_styled(page: Page) -> dict[str, str]:
    """What the theme's styles do to a page, read from the browser: unstyled, the header has no
    background, the text is the browser's serif and the heading is 32 px."""
    return page.evaluate("""() => {
        const css = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
        return {header: css('.nhsuk-header', 'backgroundColor'), font: css('body', 'fontFamily'),
                h1: css('h1', 'fontSize'), footer: css('.nhsuk-footer-container', 'backgroundColor')};
    }""")


STYLED = {"header": "rgb(0, 94, 184)", "font": '"Frutiger W01", Arial, sans-serif', "h1": "48px",
          "footer": "rgb(216, 221, 224)"}


@pytest.mark.browser
@pytest.mark.parametrize("served_at", ["/ics/", "/somewhere/else/"])
def test_not_found_page_is_styled_under_a_subfolder_and_at_another_path(
        in_a_subfolder: Path, static_server: StartServer, page: Page, served_at: str) -> None:
    """At its configured folder its links work too; at another folder (a staging copy) it still looks right."""
    base = static_server(in_a_subfolder, prefix=served_at)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto(base + "no/such/page/")
    assert response is not None and response.status == 404
    assert page.title() == "Page not found - Test ICS sites"
    assert _is_styled(page) == STYLED
    assert not [u for u in requests if u.endswith(".css")]  # its styles are in the page
    if served_at == "/ics/":
        body, broken = _broken_links_of(base + "no/such/page/")
        assert b'href="/ics/alpha/"' in body and broken == []


@pytest.mark.browser
def test_each_region_gets_its_own_not_found_page_under_a_subfolder(
        in_a_subfolder: Path, static_server: StartServer, page: Page) -> None:
    """With the host rules of the guide (a 404 page per region folder), a missing page of a region
    shows that region's 404 page, styled in the region's colours, its links working."""
    base = static_server(in_a_subfolder, prefix="/ics/", not_found="nearest")
    response = page.goto(base + "alpha/about/no-such-page")
    assert response is not None and response.status == 404
    assert page.title() == "Page not found - Alpha Health and Care"
    assert _is_styled(page) == STYLED
    assert page.get_by_role("link", name="go to the Alpha Health and Care homepage").get_attribute("href") \
        == "/ics/alpha/"
    body, broken = _broken_links_of(base + "alpha/about/no-such-page")
    assert b'href="/ics/alpha/about/"' in body and broken == []
    page.get_by_role("link", name="go to the Alpha Health and Care homepage").click()
    assert page.title() == "Welcome to Alpha - Alpha Health and Care"


def test_the_site_wide_not_found_page_leads_to_every_region(in_a_subfolder: Path,
                                                            static_server: StartServer) -> None:
    """Hosts with one error page for the whole site (GitHub Pages, S3) show the hub's for a region's
    missing page: it links to every region's home page."""
    base = static_server(in_a_subfolder, prefix="/ics/")
    body, broken = _broken_links_of(base + "beta/no-such-page/")
    assert b"<title>Page not found - Test ICS sites</title>" in body
    assert b'<a href="/ics/alpha/">Alpha Health and Care</a>' in body
    assert b'<a href="/ics/beta/">Beta Partnership</a>' in body
    assert broken == []


@pytest.mark.browser
def test_not_found_page_is_styled_in_the_preview(tmp_path: Path, page: Page) -> None:
    root = basic_site(tmp_path / "site")
    with serving(root) as live:
        response = page.goto(live.url + "alpha/no-such-page/")  # the region's own 404 page, as on a host
        assert response is not None and response.status == 404
        assert _is_styled(page) == STYLED
        page.get_by_role("link", name="go to the Alpha Health and Care homepage").click()
        assert page.title() == "Welcome to Alpha - Alpha Health and Care"
        response = page.goto(live.url + "no-such-page/")  # outside every region: the site's own
        assert response is not None and response.status == 404
        assert _is_styled(page) == STYLED
        page.get_by_role("link", name="go to the Test ICS sites homepage").click()
        assert page.title() == "Test ICS sites"


def test_not_found_page_inlines_a_regions_own_stylesheet_with_its_images(tmp_path: Path,
                                                                          static_server: StartServer) -> None:
    """A region's own stylesheet (content/<id>/_theme/) is inlined in its 404 page; the images it names
    relative to itself are linked from the host's root, so they load wherever the 404 page is shown."""
    css = (PROJECT / "icsgen/themes/nhs/static/css/nhs.css").read_text(encoding="utf-8") + (
        '\n/* not the end: </style> */\n.nhsuk-header { background-image: url("../img/stripe.svg"); }\n'
        ".nhsuk-logo { background-image: url(data:image/svg+xml,%3Csvg%3E%3C/svg%3E); }\n")
    root = basic_site(tmp_path / "site", {
        "content/alpha/_theme/static/css/nhs.css": css,
        "content/alpha/_theme/static/img/stripe.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
    })
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    html = (root / "build/alpha/404.html").read_text(encoding="utf-8")
    assert 'url("/alpha/assets/img/stripe.svg")' in html
    assert "url(data:image/svg+xml,%3Csvg%3E%3C/svg%3E)" in html
    assert html.count("</style>") == 1 and "<\\/style>" in html
    base = static_server(root / "build")
    assert _fetch(base + "alpha/assets/img/stripe.svg")[0] == 200


# -- what search engines are given, for each way of publishing -------------------------------------

SITEMAPS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locs(path: Path) -> list[str]:
    """The addresses a sitemap or sitemap index lists (parsing it proves it is well-formed XML)."""
    return [loc.text or "" for loc in ElementTree.parse(path).getroot().iter(f"{SITEMAPS}loc")]


def _page_exists(folder: Path, path: str) -> bool:
    return (folder / path / "index.html").is_file() if path.endswith("/") or not path else (folder / path).is_file()


def test_search_engines_find_every_page_of_one_host_and_of_a_region_on_its_own_domain(built: Path) -> None:
    """The sample: four regions with the hub at https://ics.example.org/, north-east-london on
    https://nel.example.org/ (its folder published alone at that domain's root)."""
    site = "https://ics.example.org/"
    assert (built / "robots.txt").read_text(encoding="utf-8").splitlines()[-1] == f"Sitemap: {site}sitemap.xml"
    index = _locs(built / "sitemap.xml")
    regions = ["north-east-north-cumbria", "humber-north-yorkshire", "lancashire-south-cumbria", "leeds"]
    # the hub page's sitemap, then the regions' (sitemaps on other hosts would be ignored)
    assert index == [f"{site}sitemap-hub.xml"] + [f"{site}{r}/sitemap.xml" for r in regions]
    assert _locs(built / "sitemap-hub.xml") == [site] and (built / "index.html").is_file()  # the hub is in one
    for region in regions:  # a sitemap lists addresses in its own folder only, and each is a page
        locs = _locs(built / region / "sitemap.xml")
        assert locs and all(loc.startswith(f"{site}{region}/") for loc in locs)
        assert [loc for loc in locs if not _page_exists(built, loc.removeprefix(site))] == []
        assert not (built / region / "robots.txt").exists()
    nel, own = built / "north-east-london", "https://nel.example.org/"
    assert (nel / "robots.txt").read_text(encoding="utf-8") == f"User-agent: *\nAllow: /\n\nSitemap: {own}sitemap.xml\n"
    locs = _locs(nel / "sitemap.xml")
    assert own in locs and all(loc.startswith(own) for loc in locs)
    assert [loc for loc in locs if not _page_exists(nel, loc.removeprefix(own))] == []


def test_under_a_folder_no_robots_txt_is_written(in_a_subfolder: Path) -> None:
    """Crawlers read robots.txt only at the root of a host: under /ics/ it would be ignored."""
    assert not (in_a_subfolder / "robots.txt").exists()
    assert _locs(in_a_subfolder / "sitemap.xml") == [f"{SUBFOLDER_SITE}sitemap-hub.xml",
                                                     f"{SUBFOLDER_SITE}alpha/sitemap.xml",
                                                     f"{SUBFOLDER_SITE}beta/sitemap.xml"]
    assert _locs(in_a_subfolder / "sitemap-hub.xml") == [SUBFOLDER_SITE]
    assert all(loc.startswith(f"{SUBFOLDER_SITE}alpha/") for loc in _locs(in_a_subfolder / "alpha/sitemap.xml"))


def test_every_region_on_a_host_of_its_own(tmp_path: Path) -> None:
    """No region left on the site's host: the sitemap index lists the hub page's sitemap alone, and a
    region at a folder of another host gets no robots.txt."""
    root = basic_site(tmp_path / "site")
    config = root / "regions.yaml"
    config.write_text(config.read_text()
                      .replace("    name: Alpha Health and Care\n",
                               "    name: Alpha Health and Care\n    base_url: https://alpha.example.net/\n")
                      .replace("    name: Beta Partnership\n",
                               "    name: Beta Partnership\n    base_url: https://example.com/beta/\n"))
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    out = root / "build"
    assert _locs(out / "sitemap.xml") == ["https://test.example.org/sitemap-hub.xml"]
    assert _locs(out / "sitemap-hub.xml") == ["https://test.example.org/"]
    assert (out / "robots.txt").read_text(encoding="utf-8") == \
        "User-agent: *\nAllow: /\n\nSitemap: https://test.example.org/sitemap.xml\n"
    assert "Sitemap: https://alpha.example.net/sitemap.xml" in (out / "alpha/robots.txt").read_text(encoding="utf-8")
    assert not (out / "beta/robots.txt").exists()
    assert all(loc.startswith("https://example.com/beta/") for loc in _locs(out / "beta/sitemap.xml"))
