"""Turning site paths into the links written in pages.

A site path has no leading slash: `leeds/about/` is a page (a folder holding index.html),
`leeds/assets/css/nhs.css` a file, `` the hub. Every internal link is made relative, so the output
works from any folder of any host and from `file://`. That last needs explicit `index.html`
(a browser does not look for it on disk), so links end in `index.html` unless `pretty_links` is set.

A region with its own `base_url` is deployed on its own, so links between it and any other region
are absolute addresses.

A 404 page is the exception: a host shows it at whatever address was asked for, at any depth, so a
relative link from it would point somewhere else each time. Its links start from the root of the
host the site (or the region) is published on: `from_root`.
"""

from __future__ import annotations

import functools
import posixpath
import re

from icsgen.config import SiteConfig


class Linker:
    def __init__(self, config: SiteConfig, written: tuple[str, ...] | None = None) -> None:
        self.config = config
        self._own_domain = {r.id: r.base_url for r in config.regions if r.base_url}
        self._ids = frozenset(r.id for r in config.regions)
        # regions not written by this run (--region) are reached by their public address
        self._elsewhere = {r.id for r in config.regions if written is not None and r.id not in written}

    def region_of(self, url: str) -> str:
        first = url.split("/", 1)[0]
        return first if "/" in url and first in self._ids else ""

    def absolute(self, url: str) -> str:
        """The public address of a site path, on the region's own domain where it has one."""
        region = self.region_of(url)
        if region in self._own_domain:
            return self._own_domain[region] + encode_path(url[len(region) + 1 :])
        return self.config.base_url + encode_path(url)

    def from_root(self, from_url: str, to_url: str) -> str:
        """A link from the page at `from_url` that works from any address of its host: the path of
        `to_url` from the host's root (`/ics/leeds/about/` when base_url is https://example.org/ics/),
        or its full address when `to_url` is published on another host (a region on its own domain).

        Such a link works on the live site, on a staging host that serves the site at the same path,
        and in the preview when the site is published at the root of its host.
        """
        target = self.absolute(to_url)
        host, path = host_and_path(target)
        return path if host == host_and_path(self.absolute(from_url))[0] else target

    def link(self, from_url: str, to_url: str) -> str:
        """The href to write in the file at `from_url` to reach `to_url` (either may end in '/')."""
        to_path, hash_, fragment = to_url.partition("#")
        suffix = hash_ + fragment
        from_region, to_region = self.region_of(from_url), self.region_of(to_path)
        if from_region != to_region and (
            from_region in self._own_domain or to_region in self._own_domain or to_region in self._elsewhere
        ):
            return self.absolute(to_path) + suffix
        base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url)
        rel = _relative(to_path.rstrip("/"), base.rstrip("/"))
        if to_path.endswith("/") or to_path == "":
            if self.config.pretty_links:
                rel = "./" if rel == "." else rel + "/"
            else:
                rel = "index.html" if rel == "." else rel + "/index.html"
        if to_path == from_url and suffix:
            return suffix
        return encode_path(rel) + suffix


# What a path may not hold as it is in an address: a space ends an address in srcset and is invalid
# in href, `%` starts an escape. Letters of any script stay as they are. `#` and `?` are left alone:
# they start a link's fragment or query, and no file or page of a site is named with them (refused).
_UNSAFE_IN_PATH = re.compile(r'[\x00-\x20"%<>\\^`{|}\x7f]')


def encode_path(path: str) -> str:
    """A site path as it is written in an address: the file `board paper.pdf` is `board%20paper.pdf`,
    `50%.pdf` is `50%25.pdf`. Site paths are always the names on disk, never already encoded."""
    if _UNSAFE_IN_PATH.search(path) is None:  # nearly every path: no work
        return path
    return _UNSAFE_IN_PATH.sub(lambda match: "".join(f"%{byte:02X}" for byte in match[0].encode()), path)


def host_and_path(url: str) -> tuple[str, str]:
    """'https://example.org/ics/x' -> ('https://example.org', '/ics/x'), without urllib (its import is slow)."""
    slash = url.find("/", url.find("//") + 2)
    return (url, "/") if slash < 0 else (url[:slash], url[slash:])


@functools.lru_cache(maxsize=8192)
def _relative(target: str, base: str) -> str:
    """posixpath.relpath for site paths, without its call to os.getcwd() (a hot path: every link).

    Kept for the last 8,192 pairs: pages render folder by folder, so the pairs that repeat (a folder's
    links to the navigation's pages) repeat close together; 65,536 pairs took ~27 MB in each worker of a
    large build, for no more hits (6,241 in the first 2,500 pages of 10,000, either way).
    """
    target_parts = target.split("/") if target else []
    base_parts = base.split("/") if base else []
    common = 0
    for a, b in zip(target_parts, base_parts, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(base_parts) - common) + target_parts[common:]
    return "/".join(parts) or "."
