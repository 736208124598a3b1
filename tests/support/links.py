"""Offline link checker for a built site.

Why: icsgen writes only relative links so a site works wherever it is hosted (under ``/ics/``,
from a file share, on a region's own domain). A wrong ``../`` count or a renamed heading anchor
breaks a link silently; this walks every page of a build and proves each relative link and
``#fragment`` lands somewhere, without a server or a browser (so it is fast enough for every test).

Rules:

* every relative URL in ``href``, ``src``, ``srcset`` and ``poster`` is resolved against the page's
  folder, after dropping the query and percent-decoding the path;
* a link to a folder (``news/`` or ``news``) means that folder's ``index.html``;
* a link may not leave the build folder;
* a root-relative URL (``/leeds/about/``, written by 404 pages, which are shown at any address) is
  resolved from the folder the page is published from: the build folder at ``/`` unless
  ``served_at`` says otherwise (``{"north-east-london/": "/"}`` for a region on its own domain,
  ``{"": "/ics/"}`` for a site published under a folder);
* a ``#fragment`` must match an ``id`` (or ``<a name>``) in the target page, whether the target is
  the same page or another; ``#`` alone and ``#top`` (which the HTML spec scrolls to the top) are
  allowed; fragments into non-HTML files (``.pdf#page=2``) are not checked;
* ``mailto:``, ``tel:``, ``data:`` and absolute ``http(s)://`` or ``//`` URLs are not checked,
  except absolute URLs that start with one of ``site_urls`` (e.g. the site's ``base_url``), which
  are checked as paths inside the build; any other scheme (``javascript:``, ``ftp:`` ...) is
  reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

IGNORED_SCHEMES = frozenset({"mailto", "tel", "data", "http", "https"})
URL_ATTRIBUTES = frozenset({"href", "src", "poster"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


@dataclass
class _Link:
    line: int
    attribute: str
    url: str


@dataclass
class _PageInfo:
    ids: set[str] = field(default_factory=set)
    links: list[_Link] = field(default_factory=list)


class _PageParser(HTMLParser):
    """Collects element ids / anchor names and every URL-valued attribute, with line numbers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.info = _PageInfo()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.info.ids.add(value)
            elif name in URL_ATTRIBUTES and tag != "base":
                self.info.links.append(_Link(line, name, value.strip()))
            elif name == "srcset" and not value.lstrip().startswith("data:"):
                # "a.png 1x, b.png 2x" (a data: URL's own commas would split wrongly; skip it)
                for candidate in value.split(","):
                    url = candidate.strip().split(maxsplit=1)
                    if url:
                        self.info.links.append(_Link(line, name, url[0]))

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _PageInfo:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.info


def _is_html(path: Path) -> bool:
    return path.suffix.lower() in {".html", ".htm"}


def find_broken_links(build_dir: Path, *, site_urls: Iterable[str] = (),
                      served_at: Mapping[str, str] | None = None) -> list[str]:
    """Check every .html file under ``build_dir``; return one message per broken link.

    Messages read ``page.html:LINE: URL -> reason`` with paths relative to ``build_dir``; an empty
    list means every link is good. ``site_urls``: absolute URL prefixes that stand for
    ``build_dir`` itself (e.g. ``https://example.org/``), so canonical and feed links to the
    site's own host are checked too. ``served_at``: the address path each folder of the build is
    published at, for root-relative links (default: the build folder at ``/``).
    """
    return _Checker(Path(build_dir), site_urls, served_at).run()


class _Checker:
    def __init__(self, build_dir: Path, site_urls: Iterable[str],
                 served_at: Mapping[str, str] | None = None) -> None:
        self.root = build_dir.resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"find_broken_links: {self.root} is not a folder")
        self.bases = [u if u.endswith("/") else u + "/" for u in site_urls]
        # longest folder first: the one a page is in decides where its root-relative links start
        self.served_at = sorted({"": "/", **(served_at or {})}.items(), key=lambda item: -len(item[0]))
        self.cache: dict[Path, _PageInfo] = {}

    def info(self, path: Path) -> _PageInfo:
        if path not in self.cache:
            self.cache[path] = _parse(path)
        return self.cache[path]

    def run(self) -> list[str]:
        pages = sorted(p for p in self.root.rglob("*") if p.is_file() and _is_html(p))
        problems: list[str] = []
        for page in pages:
            name = page.relative_to(self.root).as_posix()
            for link in self.info(page).links:
                reason = self.check(link.url, page)
                if reason:
                    problems.append(f"{name}:{link.line}: {link.url} -> {reason}")
        return problems

    def check(self, url: str, page: Path) -> str | None:
        """Why ``url`` (found on ``page``) is broken, or None if it is fine or not checked."""
        for base in self.bases:
            if url.startswith(base):
                # An absolute link to our own site: a path from the build root.
                return self.check_path("/" + url[len(base) :], page)
        if url.startswith("//"):
            return None  # protocol-relative: another host
        scheme = _SCHEME.match(url)
        if scheme:
            if scheme.group(1).lower() in IGNORED_SCHEMES:
                return None
            return f"unexpected URL scheme {scheme.group(1)!r}"
        if url.startswith("/"):  # from the root of the host the page's folder is published at
            name = page.relative_to(self.root).as_posix()
            folder, served = next((f, at) for f, at in self.served_at if name.startswith(f))
            if not url.startswith(served):
                return f"outside the site, which is published at {served}"
            return self.check_path("/" + folder + url[len(served):], page)
        return self.check_path(url, page)

    def check_path(self, url: str, page: Path) -> str | None:
        """Why `url` is broken: a path relative to `page`, or (starting with /) to the build folder."""
        parts = urlsplit(url)
        path_text = unquote(parts.path)
        fragment = unquote(parts.fragment)

        if not path_text:
            target = page  # "#id" or "?query": this page
        else:
            base = self.root if path_text.startswith("/") else page.parent
            target = Path(os.path.normpath(base / path_text.lstrip("/")))
            if target != self.root and self.root not in target.parents:
                return "points outside the build folder"
            if path_text.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                return f"no such file: {target.relative_to(self.root).as_posix()}"

        if not fragment or fragment.lower() == "top" or not _is_html(target):
            return None
        if fragment not in self.info(target).ids:
            where = "this page" if target == page else target.relative_to(self.root).as_posix()
            return f"no id={fragment!r} in {where}"
        return None
