"""Open Graph, Twitter cards and schema.org JSON-LD on every page, checked the way a link preview or a
search engine reads them: parsed from the built HTML, with the properties Google's structured data
guidelines require or recommend (icsgen/render/social.py)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support.sitemaker import PROJECT, basic_site, png, run, write_site

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class Head(HTMLParser):
    """The meta tags, canonical link and JSON-LD scripts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta[values.get("property") or values["name"]] = values.get("content", "")
        elif tag == "link" and values.get("rel") == "canonical":
            self.canonical = values["href"]
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


def read_head(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def graph_of(head: Head) -> list[dict]:
    """The page's own JSON-LD graph (one script with an `@graph`; lists of events add scripts of their own)."""
    graphs = [data for data in map(json.loads, head.json_ld) if isinstance(data, dict) and "@graph" in data]
    assert len(graphs) == 1, head.json_ld
    assert graphs[0]["@context"] == "https://schema.org"
    return graphs[0]["@graph"]


def of_type(graph: list[dict], kind: str) -> list[dict]:
    return [node for node in graph if node["@type"] == kind]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own sample site, built."""
    out = tmp_path_factory.mktemp("sample") / "build"
    result = run(PROJECT, "build", "--no-cache", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def pages_of(build: Path) -> list[Path]:
    """Every page a reader can share: the HTML files but for 404 pages and redirect pages."""
    return [p for p in sorted(build.rglob("*.html")) if p.name != "404.html"
            and "This page has moved" not in p.read_text(encoding="utf-8")]


def test_every_page_has_complete_open_graph_and_twitter_tags(sample: Path) -> None:
    pages = pages_of(sample)
    assert len(pages) > 50
    for page in pages:
        head = read_head(page)
        meta = head.meta
        where = page.relative_to(sample).as_posix()
        for name in ("og:type", "og:title", "og:url", "og:site_name", "og:locale", "twitter:card", "twitter:title"):
            assert meta.get(name), (where, name)
        assert meta["og:url"] == head.canonical and meta["og:url"].startswith("https://"), where
        assert meta["og:locale"] == "en_GB"
        assert meta.get("og:description") == meta.get("description"), where
        if meta.get("og:image"):
            assert meta["og:image"].startswith("https://") and meta["og:image:alt"], where
            assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
        else:
            assert meta["twitter:card"] == "summary", where
        if "/news/" in where and "/page/" not in where and not where.endswith("news/index.html"):
            assert meta["og:type"] == "article"
            assert ISO_DATE.match(meta["article:published_time"]), where
    leeds = read_head(sample / "leeds/index.html").meta
    assert leeds["og:image"] == "https://ics.example.org/leeds/images/share.png"
    assert (sample / "leeds/images/share.png").is_file()


def test_every_page_has_json_ld_with_what_search_engines_require(sample: Path) -> None:
    for page in pages_of(sample):
        where = page.relative_to(sample).as_posix()
        graph = graph_of(read_head(page))
        if where == "index.html" or not (sample / where.split("/")[0] / "sitemap.xml").is_file():  # the hub's pages
            assert of_type(graph, "WebSite")[0]["url"] == "https://ics.example.org/"
            continue
        region = where.split("/")[0]
        home = read_head(sample / region / "index.html").canonical  # on the region's own domain, if it has one
        organisation = of_type(graph, "GovernmentOrganization")[0]
        assert organisation["url"] == home
        assert organisation["name"] and organisation["@id"].endswith("#organization")
        crumbs = of_type(graph, "BreadcrumbList")
        if where == f"{region}/index.html":
            assert not crumbs
        else:
            items = crumbs[0]["itemListElement"]
            assert [item["position"] for item in items] == list(range(1, len(items) + 1)), where
            assert items[0]["item"] == home
            for item in items:
                assert item["@type"] == "ListItem" and item["name"] and item["item"].startswith("https://"), where
            assert items[-1]["item"] == read_head(page).canonical
        articles = of_type(graph, "NewsArticle")
        is_post = "/news/" in where and "/page/" not in where and not where.endswith("news/index.html")
        assert bool(articles) == is_post, where
        if is_post:
            article = articles[0]
            assert 0 < len(article["headline"]) <= 110
            assert ISO_DATE.match(article["datePublished"]) and ISO_DATE.match(article["dateModified"])
            assert article["dateModified"] >= article["datePublished"]
            for author in article["author"]:
                assert author["@type"] in ("Person", "Organization") and author["name"], where
            assert article["publisher"] == {"@id": organisation["@id"]}
            assert article["mainEntityOfPage"] == read_head(page).canonical
            if region == "leeds":
                assert article["image"] == ["https://ics.example.org/leeds/images/share.png"]


def test_leeds_is_a_place_within_west_yorkshire(sample: Path) -> None:
    organisation = of_type(graph_of(read_head(sample / "leeds/about/index.html")), "GovernmentOrganization")[0]
    assert organisation["parentOrganization"] == {"@type": "GovernmentOrganization",
                                                  "name": "West Yorkshire Integrated Care System"}
    assert organisation["areaServed"]["name"] == "Leeds"


def test_404_and_redirect_pages_offer_nothing_to_share(sample: Path) -> None:
    for page in (sample / "404.html", sample / "leeds/404.html", sample / "leeds/hub/index.html"):
        head = read_head(page)
        assert not head.json_ld and "og:title" not in head.meta, page


def test_a_pages_own_image_and_hostile_text_stay_inside_their_tags(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/partners.md": '---\ntitle: "Partners </script><script>alert(1)</script> & co"\n'
        'summary: "Who we work with \\"closely\\" <b>"\nimage: map.png\nimage_alt: A map of the area\n---\n'
        "## NHS trusts\n\nText.\n",
    })
    png(root / "content/alpha/about/map.png", 1200, 630)
    result = run(root, "build", "--quiet")
    assert result.exit_code == 0, result.output
    page = root / "build/alpha/about/partners/index.html"
    head = read_head(page)
    assert head.meta["og:title"] == "Partners </script><script>alert(1)</script> & co"
    assert head.meta["og:image"] == "https://test.example.org/alpha/about/map.png"
    assert head.meta["og:image:alt"] == "A map of the area"
    assert "<script>alert(1)</script>" not in page.read_text()
    crumbs = of_type(graph_of(head), "BreadcrumbList")[0]["itemListElement"]
    assert crumbs[-1]["name"] == "Partners </script><script>alert(1)</script> & co"


def test_a_region_on_its_own_domain_shares_its_own_addresses(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site")
    config = (root / "regions.yaml").read_text().replace(
        "    name: Alpha Health and Care\n", "    name: Alpha Health and Care\n    base_url: https://alpha.example.org/\n")
    write_site(root, {"regions.yaml": config}, config=None, theme=False)
    assert run(root, "build", "--quiet").exit_code == 0
    head = read_head(root / "build/alpha/about/index.html")
    assert head.meta["og:url"] == "https://alpha.example.org/about/"
    items = of_type(graph_of(head), "BreadcrumbList")[0]["itemListElement"]
    assert [item["item"] for item in items] == ["https://alpha.example.org/", "https://alpha.example.org/about/"]


def test_an_image_that_is_not_there_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {
        "content/alpha/about/index.md": "---\ntitle: About us\nimage: missing.png\n---\nText.\n",
        "content/alpha/about/partners.md": "---\ntitle: Partners\nimage: notes.txt\n---\nText.\n",
    })
    config = (root / "regions.yaml").read_text().replace("    name: Beta Partnership\n    image: images/share.gif\n",
                                                          "    name: Beta Partnership\n    image: share.png\n")
    write_site(root, {"regions.yaml": config}, config=None, theme=False)
    result = run(root, "build")
    assert result.exit_code == 1
    assert "content/alpha/about/index.md:3: image 'missing.png' not found (looked for " \
           "content/alpha/about/missing.png, content/alpha/missing.png)" in result.output
    assert "content/alpha/about/partners.md:3: image 'notes.txt' is not a picture file" in result.output
    assert "regions.yaml:15: image 'share.png' not found (looked for content/beta/share.png)" in result.output
