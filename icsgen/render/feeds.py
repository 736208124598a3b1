"""Machine-readable outputs: Atom feeds, sitemaps and robots.txt. All addresses are absolute.

What search engines need depends on where each part of the site is published (its `base_url`):

* each region has its sitemap in its folder, listing its pages at their public addresses;
* the site's `sitemap.xml` is an index of the hub page's sitemap (`sitemap-hub.xml`) and the region
  sitemaps on the site's own host: a search engine ignores the sitemaps an index names on other hosts,
  so a region on its own domain is left out;
* a crawler reads `robots.txt` only at the root of a host, so one is written for the site and for
  each region on its own domain whose address is the root of a host, pointing to its sitemap;
  under a folder it would be ignored, so the guide says which line to add to the host's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from icsgen.config import SiteConfig
from icsgen.content import EASY_READ, Site, find_redirects

from . import hostrules
from .pagetext import CONTROLS
from .publications import publication_pages
from .urls import Linker, host_and_path


def escape(text: str) -> str:
    """Text for XML content or a double-quoted attribute, whatever it holds.

    As xml.sax.saxutils escapes, plus quotes (a `"` in base_url broke four feeds) and less the
    characters XML does not allow at all (a title with `\\x0b` made a feed no reader could parse).
    Not saxutils itself: importing it pulls in urllib and http (~20 ms).
    """
    if not text.isprintable():
        text = CONTROLS.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


FEED_ENTRIES = 20


def _stamp(day: dt.date | None) -> str:
    return f"{(day or dt.date(2000, 1, 1)).isoformat()}T00:00:00Z"


def atom_feed(site: Site, linker: Linker, region_id: str) -> str:
    region = site.regions[region_id].config
    section = f"{region_id}/news"
    posts = site.section_pages(section)[:FEED_ENTRIES] if section in site.sections else []
    feed_url = linker.absolute(f"{region_id}/news/feed.xml")
    news_url = linker.absolute(f"{region_id}/news/")
    updated = max((p.meta.updated or p.meta.date or dt.date.min for p in posts), default=None)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(site.config.language)}">',
        f"  <title>{escape(region.name)}: news</title>",
        f'  <link rel="self" href="{escape(feed_url)}"/>',
        f'  <link rel="alternate" type="text/html" href="{escape(news_url)}"/>',
        f"  <id>{escape(feed_url)}</id>",
        f"  <updated>{_stamp(updated)}</updated>",
        f"  <author><name>{escape(region.owner or region.name)}</name></author>",
    ]
    for post in posts:
        url = escape(linker.absolute(post.url))
        lines += [
            "  <entry>",
            f"    <title>{escape(post.title)}</title>",
            f'    <link rel="alternate" type="text/html" href="{url}"/>',
            f"    <id>{url}</id>",
            f"    <published>{_stamp(post.meta.date)}</published>",
            f"    <updated>{_stamp(post.meta.updated or post.meta.date)}</updated>",
        ]
        if post.meta.author:
            lines.append(f"    <author><name>{escape(post.meta.author)}</name></author>")
        if post.meta.summary:
            lines.append(f"    <summary>{escape(post.meta.summary)}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def region_files(region_id: str) -> tuple[str, str]:
    """The output paths of a region's own feed and sitemap (`site_files` makes them)."""
    return f"{region_id}/news/feed.xml", f"{region_id}/sitemap.xml"


def site_files(site: Site, linker: Linker, regions: Iterable[str],
               words: Callable[[str], Callable[..., Any]] | None = None) -> dict[str, str]:
    """The feed and sitemap of each of `regions`, the sitemap index and robots.txt, by output path.

    Shared by build and serve. One pass over the pages for all regions: a pass per region was a
    twentieth of a one-page rebuild at 10,000 pages.
    """
    entries: dict[str, list[tuple[str, dt.date | None]]] = {region_id: [] for region_id in regions}
    for page in site.pages.values() if entries else ():
        listed = entries.get(page.region)
        if listed is not None:
            listed.append((page.url, page.last_modified()))
    for section in site.sections.values() if entries else ():
        if section.index is None and "/" in section.key and section.region in entries:
            entries[section.region].append((section.url, None))
    for page in publication_pages(site) if entries else ():  # a library's category and year pages
        if page.region in entries:
            entries[page.region].append((page.url, None))
    files = {}
    alternates = language_alternates(site, linker)
    for region_id, pages in entries.items():
        feed, map_file = region_files(region_id)
        files[feed] = atom_feed(site, linker, region_id)
        files[map_file] = sitemap(linker, pages, region_id, alternates)
    files.update(crawler_files(site.config, linker, site.chosen))
    redirects = find_redirects(site)  # old addresses: pages that send the reader on, and the host's rules
    files.update(hostrules.redirect_pages(site, linker, redirects, words))  # in the theme's words
    files.update(hostrules.host_files(site.config, linker, site.chosen, redirects))  # headers and redirects
    return files


def crawler_files(config: SiteConfig, linker: Linker, chosen: Iterable[str]) -> dict[str, str]:
    """The sitemap index and the robots.txt files that the site's shape calls for (see the module's
    docstring), by output path. Made from the settings alone, for every region of `chosen`."""
    files = {HUB_SITEMAP: hub_sitemap(linker)}
    host, path = host_and_path(config.base_url)
    indexed = [r for r in chosen if host_and_path(linker.absolute(f"{r}/sitemap.xml"))[0] == host]
    files["sitemap.xml"] = sitemap_index(linker, indexed)
    if path == "/":
        files["robots.txt"] = robots(linker.absolute("sitemap.xml"))
    own = {r.id: r.base_url for r in config.regions if r.base_url}
    for region_id in chosen:
        if region_id in own and host_and_path(own[region_id])[1] == "/":
            files[f"{region_id}/robots.txt"] = robots(linker.absolute(f"{region_id}/sitemap.xml"))
    return files


def language_alternates(site: Site, linker: Linker) -> dict[str, list[tuple[str, str]]]:
    """(hreflang, address) of every language version of each page that has translations, by site path:
    the same list as the pages' own `<link rel="alternate">` (render/context.py), x-default last."""
    found: dict[str, list[tuple[str, str]]] = {}
    for original_key, keys in site.versions.items():
        original = site.pages.get(original_key)
        pages = [original, *(site.pages[k] for k in keys if site.pages[k].variant != EASY_READ)] if original else []
        if len(pages) < 2:
            continue
        language = site.config.language
        links = [(p.lang or language, linker.absolute(p.url)) for p in pages]
        links.append(("x-default", linker.absolute(original.url)))
        for page in pages:
            found[page.url] = links
    return found


def sitemap(linker: Linker, pages: list[tuple[str, dt.date | None]], region_id: str,
            alternates: dict[str, list[tuple[str, str]]] | None = None) -> str:
    """The sitemap of one region's `pages` (site paths inside the region, with their last change), and
    each translated page's language versions as `xhtml:link` alternates (as search engines read them)."""
    alternates = alternates or {}
    with_versions = any(url in alternates for url, _ in pages)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        + (' xmlns:xhtml="http://www.w3.org/1999/xhtml">' if with_versions else ">"),
    ]
    home = escape(linker.absolute(f"{region_id}/"))  # every address of the region starts so
    inside = len(region_id) + 1
    for url, modified in sorted(pages):
        versions = "".join(f'<xhtml:link rel="alternate" hreflang="{escape(tag)}" href="{escape(href)}"/>'
                           for tag, href in alternates.get(url, ()))
        lines.append(f"  <url><loc>{home}{escape(url[inside:])}</loc>"
                     + (f"<lastmod>{modified.isoformat()}</lastmod>" if modified else "") + versions + "</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


HUB_SITEMAP = "sitemap-hub.xml"  # the hub page's sitemap: a sitemap index may list sitemaps, not pages


def hub_sitemap(linker: Linker) -> str:
    """The sitemap of the hub page, the site's home: in no region's sitemap, it would be in none."""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"  <url><loc>{escape(linker.absolute(''))}</loc></url>\n</urlset>\n")


def sitemap_index(linker: Linker, region_ids: list[str]) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        f"  <sitemap><loc>{escape(linker.absolute(HUB_SITEMAP))}</loc></sitemap>",
    ]
    lines += [f"  <sitemap><loc>{escape(linker.absolute(f'{r}/sitemap.xml'))}</loc></sitemap>"
              for r in region_ids]
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def robots(sitemap_url: str | None) -> str:
    """A robots.txt that lets every crawler in and names the host's sitemap, if it has one."""
    return "User-agent: *\nAllow: /\n" + (f"\nSitemap: {sitemap_url}\n" if sitemap_url else "")
