"""`icsgen check --against SITEMAP`: the live site's addresses that the new build must keep working.

The sitemap (a file, or an http(s) address to fetch) lists what search engines and readers know; a
sitemap index is followed to its sitemaps. Each address of this site's chosen regions that the build
would no longer publish, and no alias or redirect covers, is reported at the sitemap's line.
"""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from pathlib import Path

from icsgen.build import published_now, report_moved
from icsgen.content import Site
from icsgen.problems import ERROR, WARNING, Problem, Problems
from icsgen.render import Job, Linker

LIMIT = 50 * 1024 * 1024  # the sitemap protocol's largest file, uncompressed
TIMEOUT = 30
_LOC = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?loc>\s*([^<]*?)\s*</(?:[A-Za-z_][\w.-]*:)?loc>")


class SitemapError(Exception):
    """A sitemap that could not be read: the message says why, for the editor."""


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_source(source: str) -> str:
    """The text of a sitemap file or address; `SitemapError` if it cannot be had."""
    try:
        if _is_url(source):
            request = urllib.request.Request(source, headers={"User-Agent": "icsgen check"})
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # an http(s) address only
                data = response.read(LIMIT + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(LIMIT + 1)
    except urllib.error.HTTPError as exc:
        raise SitemapError(f"cannot fetch the sitemap: the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise SitemapError(f"cannot fetch the sitemap: {exc.reason}") from None
    except (OSError, ValueError) as exc:
        raise SitemapError(f"cannot read the sitemap: {getattr(exc, 'strerror', None) or exc}") from None
    if len(data) > LIMIT:
        raise SitemapError("the sitemap is larger than 50 MB, the most a sitemap may be")
    text = data.decode("utf-8", errors="replace")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise SitemapError("the sitemap declares a DOCTYPE or entities, which sitemaps never need")
    if "<urlset" not in text and "<sitemapindex" not in text:
        raise SitemapError("this is not a sitemap (no <urlset> or <sitemapindex>)")
    return text


def locations(text: str) -> list[tuple[str, int]]:
    """Every `<loc>` of a sitemap, with its line."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        found += [(html.unescape(m.group(1)), number) for m in _LOC.finditer(line)]
    return found


def _child_source(source: str, loc: str, bases: list[tuple[str, str]]) -> str:
    """Where to read a sitemap an index names: its address, or for an index read from a file, the file
    at the same place under the index's folder when there is one (a build folder's own sitemaps)."""
    if _is_url(source):
        return loc
    for base, site_path in bases:
        if loc.startswith(base):
            local = Path(source).parent / (site_path + loc[len(base):])
            if local.is_file():
                return str(local)
    return loc


def site_path(loc: str, bases: list[tuple[str, str]]) -> str | None:
    """The site path of a public address (`https://leeds.example.org/about/` -> `leeds/about/`), or None
    when it is not on this site."""
    address = loc.split("#", 1)[0].split("?", 1)[0]
    for base, prefix in bases:
        if address.startswith(base):
            path = prefix + address[len(base):]
            return path[: -len("index.html")] if path.endswith("/index.html") or path == "index.html" else path
    return None


def check_against(site: Site, linker: Linker, jobs: list[Job], source: str, problems: Problems,
                  level: str = WARNING) -> None:
    """Report each address of the sitemap at `source` that the build would stop publishing."""
    # the longest base first: a region's own address before the site's, which may hold it
    bases = sorted([(linker.absolute(f"{r}/"), f"{r}/") for r in site.chosen] + [(site.config.base_url, "")],
                   key=lambda pair: -len(pair[0]))
    places: dict[str, tuple[str, int]] = {}
    queue, seen = [source], set()
    while queue:
        current = queue.pop(0)
        if current in seen or len(seen) > 1000:
            continue
        seen.add(current)
        shown = current if _is_url(current) else problems.display(current)
        try:
            text = read_source(current)
        except SitemapError as exc:
            problems.extend([Problem(shown, 0, str(exc), "give a sitemap file or its address, e.g. "
                                     "https://leeds.example.org/sitemap.xml", ERROR)])
            continue
        is_index = "<sitemapindex" in text
        for loc, line in locations(text):
            if is_index:
                queue.append(_child_source(current, loc, bases))
                continue
            path = site_path(loc, bases)
            if path and "/" in path and path.split("/", 1)[0] in site.chosen:
                places.setdefault(path, (shown, line))
    if places:
        report_moved(site, places, published_now(site, jobs), problems, level, "is in the published sitemap", places)
