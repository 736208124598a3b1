"""Old addresses that must keep working: a page's `aliases:` and a region's `redirects:`.

An old address is written as it was on the region's site, from the region's home: `/old-page/`,
`services/leaflets.html`, `/Pages/contact.aspx`. It becomes a site path inside the region
(`leeds/old-page/`). Where it goes is the page that lists it (an alias), or for a region's
`redirects:` a page of the region (its content path, `about/index.md`, or its address, `/about/`),
another old address (a chain, collapsed to its end), or an http(s) address on another site.

The problems an editor can make are found here, each with its file and line: an old address that is
a page's own address, or one where icsgen writes a page or file of its own (search, A to Z, sitemap,
feeds, theme files, search index: a redirect there would replace it), or is claimed twice, a redirect to
nothing, and a loop. A chain is a warning: it works (every old address goes straight to the end) but the
editor should say what they mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from icsgen.problems import WARNING, Problems

from .model import Page, Site, made_in_region, suggest_link
from .publications import library_addresses

# Letters, digits and what a URL path may hold unescaped, less the quote characters and `\`: the address
# is written into host rule files and HTML attributes.
_PATH = re.compile(r"[A-Za-z0-9\-._~!$&()*+,;=:@%/]+")
_EXTERNAL = re.compile(r"https?://[^\s\"'<>`{}|\\^]+\Z", re.IGNORECASE)
_ESCAPES = re.compile(r"(?:[^%]|%[0-9A-Fa-f]{2})*")  # every '%' starts an escape
_NOT_IN_ANCHOR = re.compile(r"[\s\x00-\x1f\x7f\"'\\<>`#]")  # no heading's anchor holds these: a mistake
_NOT_IN_NAME = re.compile(r"[\x00-\x1f\x7f\"'\\<>`#?]")  # decoded, these would break the host rule files and HTML


@dataclass(frozen=True)
class Redirect:
    """One old address and where it now goes: a site path (`leeds/about/`, maybe with a `#fragment`) or,
    when `external`, an http(s) address."""

    source: str  # site path of the old address, e.g. "leeds/old-page/" or "leeds/Pages/a.aspx"
    target: str
    region: str
    path: Path  # the file that declared it, for messages
    line: int
    external: bool = False

    @property
    def page_file(self) -> str | None:
        """The file to write at the old address: `index.html` in its folder, or the `.html` file it names;
        None for another kind of file (`.aspx`, `.php`), which a static host would not serve as a page:
        those work only with the host's rules (`_redirects`, nginx, `.htaccess`)."""
        if self.source.endswith("/"):
            return self.source + "index.html"
        if self.source.lower().endswith((".html", ".htm")):
            return self.source
        return None


def old_address(region_id: str, written: str) -> tuple[str | None, str]:
    """The site path of an old address as written, or (None, why it cannot be one)."""
    text = written.strip()
    if _EXTERNAL.match(text):
        return None, "is a full address: write the path on this region's site, e.g. /old-page/"
    if any(mark in text for mark in "?#"):
        return None, "has a '?' or '#' part: write only the path (query strings and #fragments are kept anyway)"
    if text.startswith("//"):
        return None, "starts with '//', which is another site's address: write the path on this region's site"
    path = text.strip("/")
    if not path:
        return None, "is the region's home page"
    if not _PATH.fullmatch(path) or "//" in path or any(part in (".", "..") for part in path.split("/")):
        return None, ("is not a plain address: use letters, digits and - . _ ~ / "
                      "(write spaces and other characters as %-escapes, e.g. %20)")
    if "%" in path:  # as a browser shows it (`Our%20Board.aspx`): the site path is the name a host looks for
        from urllib.parse import unquote

        try:
            decoded = unquote(path, errors="strict") if _ESCAPES.fullmatch(path) else ""
        except UnicodeDecodeError:  # %E9: a Latin-1 é, not UTF-8
            decoded = ""
        if not decoded or _NOT_IN_NAME.search(decoded) or \
                any(part in ("", ".", "..") for part in decoded.split("/")) or decoded.count("/") != path.count("/"):
            return None, ("has a %-escape that is not a character a page address can hold (a quote, a "
                          "backslash, a control character, '#', '?', '/', '.' or '..', or not UTF-8)")
        path = decoded
    last = path.rsplit("/", 1)[-1]
    return (f"{region_id}/{path}" if "." in last and not text.endswith("/") else f"{region_id}/{path}/"), ""


def find_redirects(site: Site, problems: Problems | None = None) -> tuple[Redirect, ...]:
    """Every old address of the chosen regions and where it goes, chains collapsed, in a stable order.

    With `problems`, records what is wrong (see the module's docstring); without, the same redirects
    are returned quietly (the writers of output files call it again after the load reported them).
    A broken entry is left out, so what is written is always consistent.
    """
    report = problems if problems is not None else Problems(site.root)
    claimed: dict[str, Redirect] = {}
    library = _Known(library_addresses(site), {url.lower(): key for url, key in site.by_url.items()}, {})
    chosen = set(site.chosen)
    for page in sorted((p for p in site.pages.values() if p.region in chosen and p.aliases), key=lambda p: p.key):
        for written in page.aliases:
            _claim(site, page.region, written, page.url, page.source_path, _alias_line(page), page, claimed, report,
                   library)
    pending: list[tuple[Redirect, str]] = []
    for region_id in site.chosen:
        config = site.regions[region_id].config
        for rule in config.redirects:
            redirect = _claim(site, region_id, rule.source, "", site.config.path, rule.line, None, claimed, report,
                              library)
            if redirect is not None:
                pending.append((redirect, rule.target))
    for redirect, target in pending:
        resolved = _target(site, redirect, target, report)
        if resolved is None:
            del claimed[redirect.source]
        else:
            claimed[redirect.source] = resolved
    done = _collapse(site, claimed, report)
    return tuple(done[key] for key in sorted(done))


def _alias_line(page: Page) -> int:
    return page.meta.lines.get("aliases", 1)


@dataclass
class _Known:
    """What an old address may not be, each by its address in lower case as well: macOS and Windows do not
    tell capitals apart in file names, so a redirect page at `About/` is written over the page at `about/`
    (a page sending readers to itself), and Netlify matches its rules without capitals."""

    library: dict[str, str]  # a library's category and year pages: address -> what they are
    pages: dict[str, str]  # every page's, folder's and file's address, in lower case -> its key
    claimed: dict[str, str]  # each old address claimed so far, in lower case -> as claimed


_CAPITALS_HINT = ("computers that do not tell capital letters apart (macOS, Windows) and hosts such as Netlify "
                  "would send it to itself: remove it")


def _claim(site: Site, region_id: str, written: str, target: str, path: Path, line: int, page: Page | None,
           claimed: dict[str, Redirect], problems: Problems, known: _Known) -> Redirect | None:
    what = "alias" if page is not None else "redirect"
    source, why = old_address(region_id, written)
    if source is None:
        problems.add(path, line, f"{what} '{written}' {why}", "e.g. /old-ccg/our-services/")
        return None
    owner = site.by_url.get(source) or site.by_url.get(source.removesuffix("index.html"))
    if owner is not None:
        problems.add(path, line, f"{what} '{written}' is the address of '{owner.rstrip('/')}', which exists",
                     "an old address must be one the site no longer has: remove it, or move that page")
        return None
    folded = source.lower()
    owner = known.pages.get(folded) or known.pages.get(folded.removesuffix("index.html"))
    if owner is not None:
        problems.add(path, line, f"{what} '{written}' is the address of '{owner.rstrip('/')}' but for capital "
                     "letters", _CAPITALS_HINT)
        return None
    made = (made_in_region(folded.partition("/")[2], pages=True) or known.library.get(folded)
            or known.library.get(folded.removesuffix("index.html")))
    if made is not None:
        problems.add(path, line, f"{what} '{written}' is where icsgen writes {made} (/{source})",
                     "an old address must be one the site no longer has: remove it")
        return None
    twin_source = next((known.claimed[k] for k in (folded, folded + "/", folded.rstrip("/")) if k in known.claimed), "")
    twin = claimed.get(twin_source)
    if twin is not None:
        where = f"{Problems(site.root).display(twin.path)}:{twin.line}"
        capitals = ", but for capital letters" if twin_source.rstrip("/") != source.rstrip("/") else ""
        problems.add(path, line, f"{what} '{written}' is already an old address of '{_shown(twin)}' ({where})"
                     f"{capitals}", "an old address can go to one place only: remove one of them")
        return None
    redirect = Redirect(source, target, region_id, path, line)
    claimed[source] = redirect
    known.claimed[folded] = source
    return redirect


def _shown(redirect: Redirect) -> str:
    return redirect.target if redirect.external else "/" + redirect.target if redirect.target else "?"


def _as_written(redirect: Redirect) -> str:
    """Where a redirect goes, as an editor writes it in the region's `redirects:` (from the region's home)."""
    if redirect.external:
        return redirect.target
    return "/" + redirect.target.removeprefix(f"{redirect.region}/")


def _target(site: Site, redirect: Redirect, written: str, problems: Problems) -> Redirect | None:
    """`redirect` with its target (a region's `redirects:` entry) found, or None (reported) if it is nowhere."""
    text = written.strip()
    if _EXTERNAL.match(text):
        return Redirect(redirect.source, text, redirect.region, redirect.path, redirect.line, external=True)
    if text.lower().startswith(("http:", "https:", "//")) or ":" in text.split("/", 1)[0]:
        problems.add(redirect.path, redirect.line, f"redirect to '{written}': only http(s) addresses can be "
                     "reached on other sites", "e.g. https://www.england.nhs.uk/")
        return None
    path, hash_, fragment = text.partition("#")
    if _NOT_IN_ANCHOR.search(fragment):
        problems.add(redirect.path, redirect.line, f"redirect to '{written}': the part after '#' is not an anchor",
                     "write the heading's anchor as a page's link would, e.g. about/index.md#our-board")
        return None
    region = redirect.region
    if path.endswith(".md"):
        page = site.pages.get(f"{region}/{path.lstrip('/')}")
        if page is None:
            problems.add(redirect.path, redirect.line, f"redirect to '{written}': region '{region}' has no page "
                         f"{path.lstrip('/')}", _nearest(site, region, path.lstrip("/"))
                         or "write the page's file inside the region, e.g. about/index.md")
            return None
        target = page.url
    else:
        target, why = old_address(region, path) if path.strip("/") else (f"{region}/", "")
        if target is None:
            problems.add(redirect.path, redirect.line, f"redirect to '{written}' {why}", "e.g. about/index.md")
            return None
        if target not in site.by_url and target.removesuffix("index.html") in site.by_url:
            target = target.removesuffix("index.html")
        if target not in site.by_url and target + "/" in site.by_url:
            target += "/"
    return Redirect(redirect.source, target + hash_ + fragment, region, redirect.path, redirect.line)


def _nearest(site: Site, region: str, target: str) -> str:
    """'did you mean' for a redirect's target that is no page ('contact.mdd', 'about/partner.md'), as a link
    with the same slip on the region's home page gets it: targets are written from the region's folder."""
    return suggest_link(site, f"{region}/index.md", target.removeprefix(f"{region}/"))


def _collapse(site: Site, claimed: dict[str, Redirect], problems: Problems) -> dict[str, Redirect]:
    """Each redirect pointing straight at the end of its chain. A loop, and a chain that ends at no page,
    are reported and left out."""
    done: dict[str, Redirect] = {}
    for key in sorted(claimed):
        redirect = claimed[key]
        seen = [key]
        current = redirect
        while not current.external:
            nxt = claimed.get(current.target.partition("#")[0])
            if nxt is None:
                break
            if nxt.source in seen:
                loop = " -> ".join(f"/{s}" for s in [*seen, nxt.source])
                problems.add(redirect.path, redirect.line, f"redirects go round in a loop: {loop}",
                             "point one of them at a page")
                break
            seen.append(nxt.source)
            current = nxt
        else:
            current = current  # external: the end
        if not current.external and current.target.partition("#")[0] in claimed:
            continue  # the loop, reported above
        if not current.external and current.target.partition("#")[0] not in site.by_url:
            problems.add(redirect.path, redirect.line, f"redirect to '/{current.target}', which is not a page "
                         "of the site", _nearest(site, current.region, current.target.partition("#")[0])
                         or "point it at a page's file, e.g. about/index.md")
            continue
        if len(seen) > 1:
            problems.add(redirect.path, redirect.line,
                         f"/{key} redirects to /{seen[1]}, which is itself an old address: it now goes straight "
                         f"to {_shown(current)}", f"write {_as_written(current)} as its target", WARNING)
        done[key] = Redirect(redirect.source, current.target, redirect.region, redirect.path, redirect.line,
                             current.external)
    return done
