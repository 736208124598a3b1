"""The same synthetic site as minimal Hugo, Jekyll, Eleventy, Pelican and MkDocs projects.

Every peer gets the same Markdown bodies as icsgen (front matter adapted to the peer), a minimal
layout (browser title, site title, the region's navigation, the page title and content) and a
listing of each region's news (title, date, summary, newest first). `content/_shared/` pages are
copied into every region with the region variables filled in, as icsgen does when it builds.

What the peers do NOT do that icsgen does (so the comparison flatters them): check every link and
`#anchor`, turn `!!! inset` components into NHS markup (Hugo, Jekyll and Eleventy leave them as
text and code blocks), table of contents, breadcrumbs, feeds, pagination and theme asset hashing.
Pelican and MkDocs use Python-Markdown with the same extensions as icsgen.

`PEERS` says how to find each peer and build its project; bench/run.py times those commands.

    python3 bench/peers.py --pages 1000 --out /tmp/site [--seed 1]

writes the icsgen project (as bench/generate.py does) and each peer's beside it, in OUT-hugo, ...
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generate import NAV, SynthPage, SynthSite, build_site, summary_of
from generate import main as generate_main

BENCH = Path(__file__).resolve().parent
NODE_BIN = BENCH / "peers" / "node_modules" / ".bin"
VENV_BIN = BENCH / ".venv-peers" / "bin"
SITE_TITLE = "NHS Integrated Care Systems (benchmark)"


@dataclass(frozen=True)
class PeerPage:
    region: str
    rel: str  # path inside the region, as in icsgen ("news/2024-01-01-x.md", "about/index.md")
    title: str
    summary: str
    date: str | None
    weight: int | None
    body: str
    is_news: bool

    @property
    def stem(self) -> str:
        return Path(self.rel).stem


def peer_pages(site: SynthSite) -> list[PeerPage]:
    regions = {r[0]: r for r in site.regions}
    shared = [p for p in site.pages if p.region == "_shared"]
    out: list[PeerPage] = []
    for page in site.pages:
        if page.region != "_shared":
            out.append(_peer_page(page, page.region, page.body))
    for rid, name, *_ in site.regions:
        for page in shared:
            body = page.body
            body = re.sub(r"\{\{\s*region\.name\s*\}\}", name, body)
            body = re.sub(r"\{\{\s*region\.owner\s*\}\}", f"NHS {name} Integrated Care Board", body)
            out.append(_peer_page(page, rid, body))
    assert set(regions) >= {p.region for p in out}
    return out


def _peer_page(page: SynthPage, region: str, body: str) -> PeerPage:
    return PeerPage(region, page.rel, page.title, summary_of(page), page.meta.get("date"), page.meta.get("weight"),
                    body, page.kind == "news")


def region_data(site: SynthSite) -> dict[str, dict]:
    """Name and navigation of each region; every peer puts these pages at the same addresses."""
    data = {}
    for rid, name, *_ in site.regions:
        nav = []
        for title, target in NAV:
            path = target.removesuffix("index.md").removesuffix(".md").rstrip("/")
            nav.append({"title": title, "url": f"/{rid}/{path}/"})
        data[rid] = {"name": name, "home": f"/{rid}/", "nav": nav}
    return data


def _yaml(value: str) -> str:
    return json.dumps(value)  # JSON strings are YAML strings


def _front(fields: dict) -> str:
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        lines.append(f"{key}: {_yaml(value) if isinstance(value, str) else value}")
    return "\n".join([*lines, "---", "", ""])


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _news_of(pages: list[PeerPage], region: str) -> list[PeerPage]:
    return sorted((p for p in pages if p.region == region and p.is_news), key=lambda p: p.date or "", reverse=True)


# -- Hugo ----------------------------------------------------------------------------------------

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body>
<header><a href="/">{{ .Site.Title }}</a>
{{- with .Params.region }}{{ with index $.Site.Data.regions . }}
<nav><a href="{{ .home }}">{{ .name }}</a>
<ul>{{ range .nav }}<li><a href="{{ .url }}">{{ .title }}</a></li>{{ end }}</ul></nav>
{{- end }}{{ end }}
</header>
<main><h1>{{ .Title }}</h1>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""
HUGO_SINGLE = """{{ define "main" }}{{ with .Params.author }}<p>{{ . }}</p>{{ end }}{{ .Content }}{{ end }}
"""
HUGO_LIST = """{{ define "main" }}{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{- if not .Date.IsZero }} {{ .Date.Format "2 January 2006" }}{{ end }} {{ .Params.description }}</li>{{ end }}</ul>
{{ end }}
"""


def write_hugo(site: SynthSite, pages: list[PeerPage], folder: Path) -> None:
    _fresh(folder)
    _write(folder / "config.toml", "\n".join([
        'baseURL = "https://bench.example.org/"', f"title = {_yaml(SITE_TITLE)}", 'languageCode = "en-GB"',
        'disableKinds = ["taxonomy", "term", "RSS"]', "[markup.goldmark.renderer]", "unsafe = true", ""]))
    _write(folder / "data" / "regions.json", json.dumps(region_data(site)))
    _write(folder / "layouts" / "_default" / "baseof.html", HUGO_BASEOF)
    _write(folder / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    _write(folder / "layouts" / "_default" / "list.html", HUGO_LIST)
    _write(folder / "content" / "_index.md", _front({"title": SITE_TITLE}))
    news_regions = set()
    for p in pages:
        rel = p.rel
        if p.stem == "index":  # Hugo: a folder's own page is _index.md (index.md would hide the pages beside it)
            rel = rel[: -len("index.md")] + "_index.md"
        if p.is_news:
            news_regions.add(p.region)
        _write(folder / "content" / p.region / rel,
               _front({"title": p.title, "description": p.summary, "date": p.date, "weight": p.weight,
                       "region": p.region}) + p.body)
    for rid in news_regions:
        _write(folder / "content" / rid / "news" / "_index.md", _front({"title": "News", "region": rid}))


# -- Jekyll --------------------------------------------------------------------------------------

JEKYLL_LAYOUT = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ page.title }} - {{ site.title }}</title></head>
<body>
<header><a href="/">{{ site.title }}</a>
{%- if page.region %}{% assign r = site.data.regions[page.region] %}
<nav><a href="{{ r.home }}">{{ r.name }}</a>
<ul>{% for item in r.nav %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav>
{%- endif %}
</header>
<main><h1>{{ page.title }}</h1>
{% if page.author %}<p>{{ page.author }}</p>{% endif %}
{{ content }}
</main>
</body>
</html>
"""
JEKYLL_NEWS = """<ul>{% for post in site.categories[page.region] %}<li><a href="{{ post.url }}">{{ post.title }}</a>
{{ post.date | date: "%-d %B %Y" }} {{ post.summary }}</li>{% endfor %}</ul>
"""


def write_jekyll(site: SynthSite, pages: list[PeerPage], folder: Path) -> None:
    _fresh(folder)
    _write(folder / "_config.yml", "\n".join([
        f"title: {_yaml(SITE_TITLE)}", "permalink: pretty", "markdown: kramdown", "future: false",
        "defaults:", '  - scope: {path: ""}', "    values: {layout: default}", ""]))
    _write(folder / "_data" / "regions.json", json.dumps(region_data(site)))
    _write(folder / "_layouts" / "default.html", JEKYLL_LAYOUT)
    _write(folder / "index.md", _front({"title": SITE_TITLE}))
    news_regions = set()
    for p in pages:
        if p.is_news:  # a post: <region>/_posts/YYYY-MM-DD-slug.md, so its category is the region
            news_regions.add(p.region)
            path = folder / p.region / "_posts" / Path(p.rel).name
        else:
            path = folder / p.region / p.rel
        _write(path, _front({"title": p.title, "summary": p.summary, "date": p.date, "region": p.region}) + p.body)
    for rid in news_regions:
        _write(folder / rid / "news" / "index.html", _front({"title": "News", "region": rid}) + JEKYLL_NEWS)


# -- Eleventy --------------------------------------------------------------------------------------

ELEVENTY_CONFIG = """module.exports = function () {
  return {
    dir: { input: "src", includes: "_includes", data: "_data", output: "_site" },
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
  };
};
"""
ELEVENTY_LAYOUT = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ title }} - {{ siteTitle }}</title></head>
<body>
<header><a href="/">{{ siteTitle }}</a>
{%- if region %}{% set r = regions[region] %}
<nav><a href="{{ r.home }}">{{ r.name }}</a>
<ul>{% for item in r.nav %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav>
{%- endif %}
</header>
<main><h1>{{ title }}</h1>
{% if author %}<p>{{ author }}</p>{% endif %}
{{ content | safe }}
</main>
</body>
</html>
"""
ELEVENTY_NEWS = """<ul>{% for post in collections["news-" + region] | reverse %}
<li><a href="{{ post.url }}">{{ post.data.title }}</a>
{{ post.date.toISOString().slice(0, 10) }} {{ post.data.summary }}</li>{% endfor %}</ul>
"""


def write_eleventy(site: SynthSite, pages: list[PeerPage], folder: Path) -> None:
    _fresh(folder)
    _write(folder / "eleventy.config.cjs", ELEVENTY_CONFIG)
    src = folder / "src"
    _write(src / "_data" / "regions.json", json.dumps(region_data(site)))
    _write(src / "_data" / "siteTitle.json", json.dumps(SITE_TITLE))
    _write(src / "_includes" / "base.njk", ELEVENTY_LAYOUT)
    _write(src / "index.md", _front({"title": SITE_TITLE, "layout": "base.njk"}))
    news_regions = set()
    for p in pages:
        fields = {"title": p.title, "summary": p.summary, "date": p.date, "region": p.region, "layout": "base.njk"}
        if p.is_news:
            news_regions.add(p.region)
            fields["tags"] = f"news-{p.region}"
        _write(src / p.region / p.rel, _front(fields) + p.body)
    for rid in news_regions:
        _write(src / rid / "news" / "index.njk",
               _front({"title": "News", "region": rid, "layout": "base.njk"}) + ELEVENTY_NEWS)


# -- Pelican ---------------------------------------------------------------------------------------

PELICAN_BASE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}{% endblock %} - {{ SITENAME }}</title></head>
<body>
<header><a href="/">{{ SITENAME }}</a>
{%- macro nav(rid) %}{% set r = REGIONS[rid] %}
<nav><a href="{{ r.home }}">{{ r.name }}</a>
<ul>{% for item in r.nav %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav>
{%- endmacro %}
{% block nav %}{% endblock %}
</header>
<main>{% block content %}{% endblock %}</main>
</body>
</html>
"""
PELICAN_TEMPLATES = {
    "base.html": PELICAN_BASE,
    "index.html": """{% extends "base.html" %}{% block content %}<h1>{{ SITENAME }}</h1>
<ul>{% for rid, r in REGIONS.items() %}<li><a href="{{ r.home }}">{{ r.name }}</a></li>{% endfor %}</ul>{% endblock %}
""",
    "page.html": """{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}
{% block nav %}{{ nav(page.region) }}{% endblock %}
{% block content %}<h1>{{ page.title }}</h1>{{ page.content }}{% endblock %}
""",
    "article.html": """{% extends "base.html" %}{% block title %}{{ article.title }}{% endblock %}
{% block nav %}{{ nav(article.region) }}{% endblock %}
{% block content %}<h1>{{ article.title }}</h1><p>{{ article.author }}</p>{{ article.content }}{% endblock %}
""",
    "category.html": """{% extends "base.html" %}{% block title %}News{% endblock %}
{% block nav %}{{ nav(category.name) }}{% endblock %}
{% block content %}<h1>News</h1><ul>{% for a in articles %}<li><a href="/{{ a.url }}">{{ a.title }}</a>
{{ a.locale_date }} {{ a.summary }}</li>{% endfor %}</ul>{% endblock %}
""",
}


def write_pelican(site: SynthSite, pages: list[PeerPage], folder: Path) -> None:
    _fresh(folder)
    settings = {
        "SITENAME": SITE_TITLE, "SITEURL": "", "PATH": "content", "PAGE_PATHS": ["pages"],
        "ARTICLE_PATHS": ["news"], "THEME": "theme", "TIMEZONE": "Europe/London", "DEFAULT_LANG": "en",
        "DEFAULT_DATE_FORMAT": "%d %B %Y", "SLUGIFY_SOURCE": "basename", "DEFAULT_PAGINATION": False,
        "USE_FOLDER_AS_CATEGORY": True, "LOAD_CONTENT_CACHE": False, "CACHE_CONTENT": False,
        "ARTICLE_URL": "{category}/news/{slug}/", "ARTICLE_SAVE_AS": "{category}/news/{slug}/index.html",
        "CATEGORY_URL": "{slug}/news/", "CATEGORY_SAVE_AS": "{slug}/news/index.html",
        "DIRECT_TEMPLATES": ["index"], "REGIONS": region_data(site),
        "MARKDOWN": {"extension_configs": {
            "markdown.extensions.tables": {}, "markdown.extensions.attr_list": {},
            "markdown.extensions.admonition": {}, "markdown.extensions.def_list": {},
            "markdown.extensions.fenced_code": {}, "markdown.extensions.abbr": {},
            "markdown.extensions.sane_lists": {}, "markdown.extensions.md_in_html": {},
            "markdown.extensions.toc": {}, "markdown.extensions.meta": {}}, "output_format": "html5"},
    }
    empty = ["FEED_ALL_ATOM", "CATEGORY_FEED_ATOM", "TRANSLATION_FEED_ATOM", "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS",
             "TAG_SAVE_AS", "TAGS_SAVE_AS", "AUTHOR_SAVE_AS", "AUTHORS_SAVE_AS", "CATEGORIES_SAVE_AS",
             "ARCHIVES_SAVE_AS", "YEAR_ARCHIVE_SAVE_AS", "MONTH_ARCHIVE_SAVE_AS", "DAY_ARCHIVE_SAVE_AS",
             "DRAFT_SAVE_AS", "DRAFT_PAGE_SAVE_AS"]
    lines = [f"{k} = {v!r}" for k, v in settings.items()] + [f"{k} = None" if "FEED" in k else f"{k} = ''"
                                                                for k in empty]
    _write(folder / "pelicanconf.py", "\n".join(lines) + "\n")
    for name, text in PELICAN_TEMPLATES.items():
        _write(folder / "theme" / "templates" / name, text)
    (folder / "theme" / "static").mkdir(parents=True)
    for p in pages:
        meta = {"Title": p.title, "Summary": p.summary, "Region": p.region}
        if p.is_news:
            meta["Date"] = p.date
            path = folder / "content" / "news" / p.region / Path(p.rel).name
        else:
            path = p.rel.removesuffix(".md")
            path = path.removesuffix("index") if p.stem == "index" else path
            url = f"{p.region}/{path}".rstrip("/") + "/"
            meta.update({"Url": url, "Save_as": url + "index.html"})
            path = folder / "content" / "pages" / p.region / p.rel
        head = "".join(f"{k}: {v}\n" for k, v in meta.items())
        _write(path, head + "\n" + p.body)


# -- MkDocs ----------------------------------------------------------------------------------------

MKDOCS_MAIN = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ page.title }} - {{ config.site_name }}</title></head>
<body>
<header><a href="{{ base_url }}/">{{ config.site_name }}</a>
{%- if page.meta.region %}{% set r = config.extra.regions[page.meta.region] %}
<nav><a href="{{ r.home }}">{{ r.name }}</a>
<ul>{% for item in r.nav %}<li><a href="{{ item.url }}">{{ item.title }}</a></li>{% endfor %}</ul></nav>
{%- endif %}
</header>
<main><h1>{{ page.title }}</h1>
{{ page.content }}
</main>
</body>
</html>
"""


def write_mkdocs(site: SynthSite, pages: list[PeerPage], folder: Path) -> None:
    _fresh(folder)
    config = {
        "site_name": SITE_TITLE, "docs_dir": "docs", "site_dir": "site", "use_directory_urls": True,
        "theme": {"name": None, "custom_dir": "theme"}, "plugins": [],
        "markdown_extensions": ["tables", "attr_list", "admonition", "def_list", "fenced_code", "abbr",
                                "sane_lists", "md_in_html", "toc"],
        "validation": {"links": {"absolute_links": "relative_to_docs"}},
        "extra": {"regions": region_data(site)},
    }
    _write(folder / "mkdocs.yml", json.dumps(config, indent=1))  # JSON is YAML
    _write(folder / "theme" / "main.html", MKDOCS_MAIN)
    docs = folder / "docs"
    _write(docs / "index.md", _front({"title": SITE_TITLE}))
    for p in pages:
        _write(docs / p.region / p.rel,
               _front({"title": p.title, "summary": p.summary, "date": p.date, "region": p.region}) + p.body)
    for rid, *_ in site.regions:  # MkDocs has no listings: the news list is a page of links, newest first
        items = [f"- [{p.title}]({Path(p.rel).name}) {p.date}: {p.summary}" for p in _news_of(pages, rid)]
        _write(docs / rid / "news" / "index.md", _front({"title": "News", "region": rid}) + "\n".join(items) + "\n")


# -- the peers: how to write, find and build each one ------------------------------------------------


@dataclass(frozen=True)
class Peer:
    name: str
    write: object  # (site, pages, folder) -> None
    output: str  # folder the build writes, relative to the project (removed before each cold build)
    command: tuple[str, ...]  # run in the project folder

    def executable(self) -> str | None:
        exe = self.command[0]
        if "/" in exe:
            return exe if Path(exe).exists() else None
        return shutil.which(exe)

    def version(self) -> str:
        exe = self.executable()
        if exe is None:
            return "not installed"
        flag = {"hugo": ["version"], "eleventy": ["--version"]}.get(self.name, ["--version"])
        try:
            out = subprocess.run([exe, *flag], capture_output=True, text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"
        found = re.search(r"\d+\.\d+(\.\d+)?", out)
        return found.group(0) if found else "?"


PEERS = [
    Peer("hugo", write_hugo, "public", ("hugo", "--quiet", "--destination", "public")),
    Peer("jekyll", write_jekyll, "_site", ("jekyll", "build", "--quiet", "--destination", "_site")),
    Peer("eleventy", write_eleventy, "_site", (str(NODE_BIN / "eleventy"), "--quiet", "--config=eleventy.config.cjs")),
    Peer("pelican", write_pelican, "output",
         (str(VENV_BIN / "pelican"), "--quiet", "-s", "pelicanconf.py", "-o", "output", "content")),
    Peer("mkdocs", write_mkdocs, "site", (str(VENV_BIN / "mkdocs"), "build", "--quiet", "--clean")),
]


def write_peers(site: SynthSite, parent: Path, stem: str, names: list[str] | None = None) -> dict[str, Path]:
    """Write each peer's project into parent/<stem>-<peer>; return where each went."""
    pages = peer_pages(site)
    written = {}
    for peer in PEERS:
        if names is None or peer.name in names:
            folder = parent / f"{stem}-{peer.name}"
            peer.write(site, pages, folder)  # type: ignore[operator]
            written[peer.name] = folder
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, required=True, help="pages in total (shared pages count per region)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the icsgen project into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    code = generate_main(["--pages", str(args.pages), "--out", str(args.out), "--seed", str(args.seed)])
    if code:
        return code
    site = build_site(args.pages, args.seed)
    for name, folder in write_peers(site, args.out.parent, args.out.name).items():
        print(f"wrote the {name} project into {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
