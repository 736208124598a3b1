"""Read-only views of the site model for templates, which also record what each page depends on.

Templates never see the internal `Page`, `Section` or `Region` objects. A view exposes what a theme
needs, computes links relative to the page being rendered, and notes every other page, section or
data file it was asked about in `Deps`, so a later rebuild knows which outputs a change affects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from icsgen.config import services
from icsgen.content import EASY_READ, Page, Section, Site, direction, endonym

from .social import share_card, structured_data
from .strings import document_note
from .urls import Linker


@dataclass
class Deps:
    """What one output read, so a later build can tell whether the output could have changed.

    pages: keys of other pages whose details it used (front matter such as titles and summaries, addresses),
    but not their Markdown: a page's body edited changes only the outputs that show something of it;
    texts: keys of other pages whose Markdown it showed something of (the first paragraph of a page that
    has no `summary:`, in a listing);
    sections: folders whose list of pages it used; data: "region/name" data files ("region/": which
    data files the region has, read by `{% if data %}` or a loop over them);
    templates: template names; urls: site paths it linked to or asked about with exists();
    assets: static theme files it linked to (their names carry a content hash);
    dates: "today" if it read the build's date (`site.today`, or a list whose status depends on it),
    so a build on another day renders again only the outputs that asked what day it is.
    documents: content paths of documents it linked to (a link says their type, size and pages).
    """

    pages: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)
    data: set[str] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    assets: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)

    KINDS = ("pages", "texts", "sections", "data", "templates", "urls", "assets", "dates", "documents")

    def frozen(self) -> dict[str, tuple[str, ...]]:
        return {k: tuple(sorted(getattr(self, k))) for k in self.KINDS}


@dataclass
class RenderScope:
    """Everything a view needs to know about the page being rendered."""

    site: Site
    linker: Linker
    url: str  # the site path being written
    deps: Deps
    word: Any = None  # the theme's words in the page's language (`Renderer.word`), where it has them

    def link(self, to_url: str) -> str:
        return self.linker.link(self.url, to_url)


# A link or image (its text kept), Markdown marks, and `{{ }}` / `{% %}` / `{# #}`, which an excerpt of
# the text as written cannot fill in (it showed `}` in listings and the meta description)
_MD_NOISE = re.compile(r"(!?\[([^\]]*)\]\([^)]*\))|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|[*_`#>]|\{[^}]*\}", re.DOTALL)


def excerpt(body: str, limit: int = 200) -> str:
    """A plain-text first paragraph, for listings of pages that have no summary."""
    for block in body.split("\n\n"):
        block = block.strip()
        if not block or block[0] in "#!|<-{" or block.startswith(("    ", "```")):
            continue
        text = _MD_NOISE.sub(lambda m: m.group(2) or "", block)
        text = " ".join(text.split())
        if len(text) > limit:
            text = text[:limit].rsplit(" ", 1)[0] + "…"
        return text
    return ""


class PageView:
    """A page as a template sees it. Full content and contents list only for the page being rendered."""

    def __init__(self, page: Page, scope: RenderScope, content: str = "",
                 toc: tuple[dict[str, Any], ...] = (), current: bool = False) -> None:
        self._page = page
        self._scope = scope
        self._content = content
        self._toc = toc
        self._current = current
        if not current:
            scope.deps.pages.add(page.key)

    def __repr__(self) -> str:
        return f"<page {self._page.key}>"

    @property
    def key(self) -> str:
        return self._page.key

    @property
    def title(self) -> str:
        return self._page.meta.title

    @property
    def nav_title(self) -> str:
        return self._page.meta.nav_title or self._page.meta.title

    @functools.cached_property
    def summary(self) -> str:
        """The page's summary, else its first paragraph (worked out once: themes ask twice)."""
        if self._page.meta.summary:
            return self._page.meta.summary
        if not self._current:  # its Markdown's first paragraph: an edit to it changes this output
            self._scope.deps.texts.add(self._page.key)
        return excerpt(self._page.body)

    @property
    def date(self) -> dt.date | None:
        return self._page.meta.date

    @property
    def updated(self) -> dt.date | None:
        return self._page.meta.updated

    @property
    def author(self) -> str:
        return self._page.meta.author

    @property
    def tags(self) -> tuple[str, ...]:
        return self._page.meta.tags

    @property
    def reviewed(self) -> dt.date | None:
        return self._page.meta.reviewed

    @property
    def review_due(self) -> dt.date | None:
        return self._page.meta.review_due

    @property
    def draft(self) -> bool:
        return self._page.meta.draft

    @property
    def extra(self) -> Mapping[str, Any]:
        return self._page.meta.extra

    @property
    def kind(self) -> str:
        return self._page.kind

    @functools.cached_property
    def share(self) -> dict[str, str] | None:
        """Open Graph and Twitter card values, with absolute addresses (render/social.py); None on 404 pages."""
        scope = self._scope
        return share_card(self._page, scope.site, scope.linker, scope.deps.urls, self.summary)

    @functools.cached_property
    def structured_data(self) -> Markup:
        """The page's schema.org JSON-LD, safe inside `<script type="application/ld+json">`; '' if none."""
        scope = self._scope
        return Markup(structured_data(self._page, scope.site, scope.linker, self.share, self.breadcrumbs))

    @property
    def content(self) -> Markup:
        return Markup(self._content)

    @property
    def toc(self) -> tuple[dict[str, Any], ...]:
        return self._toc

    @property
    def show_toc(self) -> bool:
        chosen = self._page.meta.toc
        return bool(self._toc) and (chosen if chosen is not None else len(self._toc) >= 3)

    @property
    def url(self) -> str:
        return self._scope.link(self._page.url)

    @property
    def canonical(self) -> str:
        return self._scope.linker.absolute(self._page.url)

    @property
    def lang(self) -> str:
        """The page's language tag: its own (a translation's, or `lang:`), else the site's."""
        return self._page.lang or self._scope.site.config.language

    @property
    def dir(self) -> str:
        """'rtl' for a language written right to left (Urdu, Arabic...), else 'ltr'."""
        return direction(self.lang)

    @property
    def variant(self) -> str:
        """'easyread' for an Easy Read version, else ''."""
        return self._page.variant

    @functools.cached_property
    def _versions(self) -> list[Page]:
        """The page this is a version of (or itself), then its translations and Easy Read version.

        What the switcher and the alternates list depends on is recorded: the versions' titles and
        addresses, and, for a version not yet written in a language the site uses, its absence."""
        site, page = self._scope.site, self._page
        first = site.pages.get(page.original) if page.original else page
        if first is None:
            return [page]
        keys = site.versions.get(first.key, ())
        deps = self._scope.deps
        deps.pages.update(keys)
        deps.pages.add(first.key)
        if site.versions:  # a translation added later changes this page: its would-be key is a dependency
            stem = first.key[: -len(".md")]
            deps.pages.update(f"{stem}.{suffix}.md" for suffix in _version_suffixes(site))
        return [first, *(site.pages[key] for key in keys)]

    @functools.cached_property
    def translations(self) -> list[dict[str, Any]]:
        """The language switcher: this page in every language it is published in, each language named
        in its own script ([{lang, name, url, current, dir}]); empty when there is only one, and on an
        Easy Read version (it links to its full page, which has the switcher)."""
        if self._page.variant == EASY_READ:
            return []
        pages = [p for p in self._versions if p.variant != EASY_READ]
        if len(pages) < 2:
            return []
        language = self._scope.site.config.language
        return [{"lang": p.lang or language, "name": endonym(p.lang or language), "dir": direction(p.lang or language),
                 "url": self._scope.link(p.url), "current": p.key == self._page.key} for p in pages]

    @functools.cached_property
    def alternates(self) -> list[dict[str, str]]:
        """`<link rel="alternate" hreflang>` entries: the page in each language, then `x-default`, the
        page itself in the site's language. The same list on every version, so each links the others
        both ways. Empty for a page with no translation; an Easy Read version has none (same language)."""
        if self._page.variant == EASY_READ:
            return []
        pages = [p for p in self._versions if p.variant != EASY_READ]
        if len(pages) < 2:
            return []
        language, linker = self._scope.site.config.language, self._scope.linker
        found = [{"hreflang": p.lang or language, "href": linker.absolute(p.url)} for p in pages]
        return [*found, {"hreflang": "x-default", "href": linker.absolute(pages[0].url)}]

    @functools.cached_property
    def easy_read(self) -> dict[str, str] | None:
        """The Easy Read version of this page ({title, url}), or None: linked from the page."""
        if self._page.variant == EASY_READ:
            return None
        found = next((p for p in self._versions if p.variant == EASY_READ), None)
        return {"title": found.meta.title, "url": self._scope.link(found.url)} if found is not None else None

    @functools.cached_property
    def original(self) -> dict[str, str] | None:
        """On a translation or Easy Read version, the page it is a version of ({title, url}), else None."""
        if not self._page.original:
            return None
        first = self._versions[0]
        if first is self._page:
            return None
        return {"title": first.meta.title, "url": self._scope.link(first.url)}

    @property
    def section(self) -> SectionView | None:
        section = self._scope.site.sections.get(self._page.section)
        return SectionView(section, self._scope) if section is not None else None

    @functools.cached_property
    def breadcrumbs(self) -> list[dict[str, str]]:
        """Links to the ancestors: the region's home, then each enclosing folder.

        Worked out once per page (the theme asks three times); what it read is recorded then.
        """
        site, page = self._scope.site, self._page
        region = site.regions.get(page.region)
        if region is None or page.kind == "home":
            return []
        home = self._scope.word("home") if self._scope.word is not None else "Home"
        crumbs = [{"title": home, "url": self._scope.link(f"{page.region}/")}]
        parts = page.section.split("/")
        own = page.kind in ("section", "news-list")  # a folder's own page: stop before itself
        last = len(parts) - 1 if own else len(parts)
        for i in range(2, last + 1):
            key = "/".join(parts[:i])
            section = site.sections.get(key)
            if section is None:
                continue
            self._scope.deps.sections.add(key)
            if section.index:
                self._scope.deps.pages.add(section.index.key)
            title = section.index.meta.nav_title or section.title if section.index else section.title
            crumbs.append({"title": title, "url": self._scope.link(section.url)})
        return crumbs


def _version_suffixes(site: Site) -> frozenset[str]:
    """Every version suffix the site's pages use (`bn`, `ur`, `easyread`), worked out once per site."""
    found = _SUFFIXES.get(id(site))
    if found is None or found[0] is not site:
        suffixes = frozenset(
            EASY_READ if site.pages[key].variant == EASY_READ else site.pages[key].key[:-3].rsplit(".", 1)[-1]
            for keys in site.versions.values() for key in keys)
        found = _SUFFIXES[id(site)] = (site, suffixes)
        if len(_SUFFIXES) > 4:
            _SUFFIXES.pop(next(iter(_SUFFIXES)))
    return found[1]


_SUFFIXES: dict[int, tuple[Site, frozenset[str]]] = {}


class SectionView:
    def __init__(self, section: Section, scope: RenderScope) -> None:
        self._section = section
        self._scope = scope

    def __repr__(self) -> str:
        return f"<section {self._section.key}>"

    @property
    def title(self) -> str:
        if self._section.index:
            self._scope.deps.pages.add(self._section.index.key)
        return self._section.title

    @property
    def url(self) -> str:
        return self._scope.link(self._section.url)

    @property
    def pages(self) -> list[PageView]:
        self._scope.deps.sections.add(self._section.key)
        return [PageView(p, self._scope) for p in self._scope.site.section_pages(self._section.key)]

    @property
    def sections(self) -> list[SectionView]:
        self._scope.deps.sections.add(self._section.key)
        return [SectionView(s, self._scope) for s in self._scope.site.child_sections(self._section.key)]


class DataView(Mapping[str, Any]):
    """A region's data files; reading one records the dependency."""

    def __init__(self, region_id: str, data: Mapping[str, Any], deps: Deps) -> None:
        self._region = region_id
        self._data = data
        self._deps = deps

    def __getitem__(self, name: str) -> Any:
        self._deps.data.add(f"{self._region}/{name}")
        return self._data[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._deps.data.add(f"{self._region}/")  # the names of the region's data files (see cache.InputStates)
        return iter(self._data)

    def __len__(self) -> int:  # also `{% if data %}`: reads which data files there are
        self._deps.data.add(f"{self._region}/")
        return len(self._data)


class DocumentView:
    """A document (PDF, Word, Excel...) as a template sees it: its link and what it is.

    `note` is what follows its link, 'PDF, 1.2 MB, 34 pages'; `title` and `language` come from the file's
    own metadata ('' when it has none).
    """

    def __init__(self, key: str, document: Any, site_path: str, scope: RenderScope) -> None:
        self._key, self._document, self._site_path, self._scope = key, document, site_path, scope
        scope.deps.documents.add(key)

    def __repr__(self) -> str:
        return f"<document {self._key}>"

    @property
    def url(self) -> str:
        return self._scope.link(self._site_path)

    @property
    def name(self) -> str:
        """The file's name, e.g. 'board-papers-2026-01.pdf'."""
        return self._key.rsplit("/", 1)[-1]

    @property
    def kind(self) -> str:
        return self._document.kind

    @property
    def size(self) -> int:
        return self._document.size

    @property
    def pages(self) -> int | None:
        return self._document.pages

    @property
    def title(self) -> str:
        return self._document.title

    @property
    def language(self) -> str:
        return self._document.language

    @property
    def note(self) -> str:
        if self._scope.word is None:
            return self._document.note
        return document_note(self._document, self._scope.word)  # in the page's language


_ADDRESS = re.compile(r"^(?:https?|mailto|tel):", re.IGNORECASE)

# what icsgen says a known service's cookie is for (config/services.py) -> the theme's word for it
_COOKIE_WORDS = {
    "Remembers whether you accepted or rejected optional cookies (and the accessibility toolbar), so we do not "
    "ask again": "cookie_consent",
    "Tells one visitor from another, so we can count how many people use the site": "cookie_visitor",
    "Remembers which pages you have seen during your visit": "cookie_pages_seen",
    "Groups the pages you see in one visit": "cookie_visit",
    "Remembers that you turned the toolbar on, and your settings in it": "cookie_toolbar",
}
# who runs a service, where icsgen says it in words rather than by a company's name -> the theme's word
_RUNNER_WORDS = {"the organisation that runs the Matomo server": "analytics_runner_matomo"}


class _ServiceView:
    """A service of the region's settings with its `facts.company` in the page's language."""

    def __init__(self, service: Any, company: str) -> None:
        self._service, self._company = service, company

    def __getattr__(self, name: str) -> Any:
        return getattr(self._service, name)

    @property
    def facts(self) -> Any:
        return dataclasses.replace(self._service.facts, company=self._company)


_LASTS = re.compile(r"^(\d+) (year|month|minute)s?$")


def _lasts(expires: str, words: Any) -> str:
    """'2 years' in the page's language (`duration_years`, with its plural forms)."""
    found = _LASTS.match(expires)
    return str(words(f"duration_{found.group(2)}s", count=int(found.group(1)))) if found else expires


class RegionView:
    """A region's settings with links made relative to the page being rendered."""

    INTERNAL = frozenset({"line", "check", "redirects"})  # settings for icsgen itself, not for templates

    def __init__(self, region_id: str, scope: RenderScope, current_url: str = "") -> None:
        self._scope = scope
        self._region = scope.site.regions[region_id]
        self._config = self._region.config
        self._current_url = current_url

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in self.INTERNAL:
            raise AttributeError(name)
        # id, name, short_name, description, part_of, colour, owner, contact, accessibility, extra
        return getattr(self._config, name)

    @property
    def logo_text(self) -> str:
        return self._config.logo_text or self._config.name  # the header names the region in full

    @property
    def home_url(self) -> str:
        return self._scope.link(f"{self._config.id}/")

    @property
    def url(self) -> str:
        return self.home_url

    @property
    def hub_url(self) -> str:
        """A link to the hub page that lists every region, or '' where there is none to go back to: a
        site of one region, or a region published at the site's own address (where its home page is).

        A region on its own domain links to the hub's full address: the guide has the rest of the site
        published at `base_url`, which is what it means.
        """
        config = self._scope.site.config
        if len(config.regions) < 2 or self._config.base_url == config.base_url:
            return ""
        return self._scope.link("")

    @property
    def search_url(self) -> str:
        """The region's search page, where the header's search form sends its query (`?q=`)."""
        return self._scope.link(f"{self._config.id}/search/")

    @property
    def a_z_url(self) -> str:
        """The region's A to Z of pages: what the search page offers when search cannot run."""
        return self._scope.link(f"{self._config.id}/a-z/")

    @property
    def a_z(self) -> list[dict[str, Any]]:
        """Every page of the region by title, in groups by first letter: [{letter, id, pages}]; titles
        that start with no letter come first, under "0-9". Depends on every page (titles, and which exist)."""
        site = self._scope.site
        region_id = self._config.id
        deps = self._scope.deps
        deps.sections.update(key for key, section in site.sections.items() if section.region == region_id)
        pages = [page for page in site.pages.values() if page.region == region_id and page.kind != "news-list"]
        deps.pages.update(page.key for page in pages)
        pages.sort(key=lambda page: (page.meta.title.casefold(), page.url))
        groups: dict[str, list[PageView]] = {}
        for page in pages:
            first = page.meta.title[:1].upper()
            letter = first if first.isalpha() else "0-9"
            groups.setdefault(letter, []).append(PageView(page, self._scope))
        ordered = sorted(groups, key=lambda letter: (letter != "0-9", letter))
        return [{"letter": letter, "id": "letter-" + ("0-9" if letter == "0-9" else str(ord(letter))
                                                       if not letter.isascii() else letter.lower()),
                 "pages": groups[letter]} for letter in ordered]

    @functools.cached_property
    def notices(self) -> list[dict[str, str]]:
        """The region's urgent notices shown on the build's date (`site.today`), its own after the site's.

        A link to a page of the region (`news/heatwave.md`) becomes a link from this page; an
        http(s), mailto or tel address is kept as written. A link to no page is reported by the build.
        """
        shown = []
        if self._config.notices:  # whether each shows depends on the day: rendered again on another day
            self._scope.deps.dates.add("today")
        for notice in self._config.notices:
            if not notice.shown_on(self._scope.site.today):
                continue
            link = notice.link
            if link and not _ADDRESS.match(link):
                target = nav_target(self._scope.site, self._config.id, link)
                link = self._scope.link(target) if target is not None else ""
            shown.append({"message": notice.message, "severity": notice.severity, "link": link,
                          "link_text": notice.link_text if link else ""})
        return shown

    @property
    def analytics(self) -> Any:
        """The region's analytics service, the words icsgen gives of who runs it (`facts.company`, the
        privacy page's 'run by ...') in the page's language where they are words, not a company's name."""
        found = self._config.analytics
        words = self._scope.word
        if found is None or words is None or found.facts.company not in _RUNNER_WORDS:
            return found
        return _ServiceView(found, str(words(_RUNNER_WORDS[found.facts.company])))

    @property
    def cookies(self) -> tuple[Any, ...]:
        """Every cookie the region's pages can set (`name`, `purpose`, `expires`, `provider`): none
        without analytics or a toolbar; else the consent cookie, then each service's. What icsgen says
        of each (its purpose, how long it lasts) is in the theme's words, in the page's language."""
        words = self._scope.word
        if words is None:
            return self._config.cookies
        return tuple(dataclasses.replace(cookie, purpose=str(words(_COOKIE_WORDS[cookie.purpose]))
                                         if cookie.purpose in _COOKIE_WORDS else cookie.purpose,
                                         expires=_lasts(cookie.expires, words),
                                         provider=str(words("cookie_this_website"))
                                         if cookie.provider == "this website" else cookie.provider)
                     for cookie in self._config.cookies)

    @functools.cached_property
    def consent(self) -> dict[str, Any] | None:
        """What the cookie banner, the accessibility toolbar and the cookie settings form need, or None
        when the region uses no third-party service: then no banner, no script and no cookie at all."""
        config = self._config
        if config.analytics is None and config.toolbar is None:
            return None
        cookies_page = nav_target(self._scope.site, config.id, "cookies.md")
        return {
            "analytics": config.analytics,
            "toolbar": config.toolbar,
            "cookie": services.CONSENT_COOKIE,
            "days": services.CONSENT_DAYS,
            "cookies_url": self._scope.link(cookies_page) if cookies_page is not None else "",
            "on_cookies_page": cookies_page is not None and cookies_page == self._current_url,
        }

    @functools.cached_property
    def nav(self) -> list[dict[str, Any]]:
        """The main navigation, with the entries for this page or its ancestors marked current.

        Worked out once per page: the theme asks whether there is any, then lists it.
        """
        items = []
        for item in self._config.nav:
            target = nav_target(self._scope.site, self._config.id, item.page)
            if target is None:
                continue  # reported once by the build's navigation check
            current = self._current_url == target or (
                target != f"{self._config.id}/" and self._current_url.startswith(target)
            )
            items.append({"title": item.title, "url": self._scope.link(target), "current": current})
        return items


def nav_target(site: Site, region_id: str, page: str) -> str | None:
    """The site path a navigation entry names (`about/index.md`, `news/`), or None if none."""
    from icsgen.content import resolve_link

    _, found = resolve_link(site, f"{region_id}/index.md", page)
    if isinstance(found, Page | Section):
        return found.url
    return None


class SiteView:
    """The site's settings; `regions` as region views."""

    INTERNAL = frozenset({"path"})  # where regions.yaml is: icsgen's business, not the templates'

    def __init__(self, scope: RenderScope) -> None:
        self._scope = scope
        self._config = scope.site.config

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in self.INTERNAL:
            raise AttributeError(name)
        return getattr(self._config, name)

    @property
    def regions(self) -> list[RegionView]:
        return [RegionView(rid, self._scope) for rid in self._scope.site.regions]

    @property
    def today(self) -> dt.date:
        """The build's date (`--today`, else the computer's): what "upcoming" and "closed" are measured
        against. Reading it is recorded, so a build on another day renders this page again."""
        self._scope.deps.dates.add("today")
        return self._scope.site.today

    @property
    def search_url(self) -> str:
        """The hub's search page, which searches every region's index."""
        return self._scope.link("search/")

    @property
    def search_indexes(self) -> list[dict[str, str]]:
        """The search indexes a search page loads: the region's own, or (on the hub) every region's
        built this time, as {id, name, shards (its pagefind/shards.json, see build/search.py), base}. The
        hub loads each region's index from its own copy beside it (relative: no other host is asked), and
        a region published on its own domain gets `base`, that address, so its results link there."""
        site = self._scope.site
        current = self._scope.url.split("/", 1)[0] if self._scope.url != "search/" else ""
        if current in site.regions:
            return [{"id": current, "name": site.regions[current].config.name,
                     "shards": self._scope.link(f"{current}/pagefind/shards.json"), "base": ""}]
        up = "../" * self._scope.url.count("/")
        indexes = []
        for rid in site.chosen:
            home = self._scope.link(f"{rid}/")
            indexes.append({"id": rid, "name": site.regions[rid].config.name,
                            "shards": f"{up}{rid}/pagefind/shards.json",
                            "base": home if home.startswith(("https://", "http://")) else ""})
        return indexes
