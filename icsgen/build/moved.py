"""Moved-page protection: addresses that were published and would stop working.

People keep links to pages (in emails, leaflets, search results), so a page that is renamed, moved
or deleted should leave an alias or a redirect behind. The build compares what it would publish with
what the last build published (the cache's list of output files, or the output folder itself); `icsgen
check --against` compares it with a sitemap of the live site. Each address no longer published and
not covered is reported with the alias or redirect that would keep it working, at the page most likely
to replace it (the new page of the same region whose address is most like it), else at the region in
regions.yaml.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from icsgen.content import Page, Site, find_redirects
from icsgen.problems import WARNING, Problem, Problems
from icsgen.render import Job

_PAGE_FILE = re.compile(r"(?:index\.html|[^/]+\.html?)\Z")
_NUMBERED = re.compile(r"/page/[0-9]+/\Z")  # news listing pages come and go with the number of posts


def published_now(site: Site, jobs: Iterable[Job]) -> set[str]:
    """The site paths (`leeds/about/`, `leeds/a.html`) this build publishes: pages, redirects, files."""
    now = {job.url for job in jobs}
    now.update(redirect.source for redirect in find_redirects(site))
    now.update(static.url for static in site.statics.values())
    return now


def addresses_of_files(files: Iterable[str], regions: Iterable[str]) -> set[str]:
    """The page addresses among output files (`leeds/about/index.html` -> `leeds/about/`) of `regions`:
    what readers may have kept links to. 404 pages, theme files and numbered news pages are left out."""
    wanted = {f"{region}/" for region in regions}
    out = set()
    for rel in files:
        slash = rel.find("/")
        if slash < 0 or rel[: slash + 1] not in wanted or not _PAGE_FILE.search(rel) or rel.endswith("/404.html"):
            continue
        address = rel[: -len("index.html")] if rel.endswith("/index.html") else rel
        if "/assets/" in address or _NUMBERED.search(address):
            continue
        out.add(address)
    return out


def files_in(folder: Path) -> list[str]:
    """The files of a built site, as output paths: the previous build, when no cache remembers it."""
    found = []
    base = len(str(folder)) + 1
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != "assets"]
        found += [os.path.join(dirpath, name)[base:].replace(os.sep, "/") for name in filenames]
    return found


def report_moved(site: Site, before: Iterable[str], now: set[str], problems: Problems, level: str = WARNING,
                 where: str = "was published by the last build",
                 places: dict[str, tuple[str, int]] | None = None) -> int:
    """Report each address of `before` (site paths) that `now` lacks; return how many.

    `places` gives, for an address, where it came from as shown (a sitemap's file or address) and the line
    of its `<loc>`; without it,
    the problem is put at the page most likely to replace it, else at the region in regions.yaml.
    """
    gone = sorted(address for address in before if address not in now and address + "/" not in now
                  and address.rstrip("/") not in now)
    if not gone:
        return 0
    # each region's new pages by their address inside the region and without the final '/': the region's
    # name, shared by all, made any two addresses alike, and so did the '/' of every folder ('big/', 'gp/')
    new_by_region: dict[str, dict[str, Page]] = {}
    for page in site.pages.values():
        if page.region in site.chosen and page.url not in before:
            new_by_region.setdefault(page.region, {})[page.url.partition("/")[2].rstrip("/")] = page
    for address in gone:
        region, _, inside = address.partition("/")
        old = "/" + inside
        candidates = new_by_region.get(region, {})
        likely = difflib.get_close_matches(inside.rstrip("/"), list(candidates), n=1, cutoff=0.5)
        page = candidates[likely[0]] if likely else None
        message = f"/{address} {where}, and the new build would not publish it"
        if page is not None:
            hint = (f"if this page replaces it, add 'aliases: [{old}]' to its front matter; otherwise add "
                    f"'{old}: <the page that replaces it>' under 'redirects:' of region '{region}' in regions.yaml")
            path, line = page.source_path, page.meta.lines.get("title", 1)
        else:
            hint = (f"add 'aliases: [{old}]' to the page that replaces it, or '{old}: <a page>' under "
                    f"'redirects:' of region '{region}' in regions.yaml")
            config = site.regions[region].config if region in site.regions else None
            path, line = site.config.path, config.line if config else 0
        if places and address in places:
            shown, line = places[address]
            problems.extend([Problem(shown, line, message, hint, level)])
            continue
        problems.add(path, line, message, hint, level)
    return len(gone)
