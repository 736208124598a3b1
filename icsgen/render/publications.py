"""The publications library and the FOI publication scheme: pages made from `data/publications.yaml`.

An editor makes the library by writing a page with `template: publications` (its title and text are the
library's introduction): the build writes that page with every publication grouped by category, and
beneath it one page per category (`<library>/<category>/`, grouped by year) and one per year
(`<library>/<year>/`, grouped by category), linked from each other as plain links, so they work
without JavaScript. A page with `template: publication-scheme` lists, under each of the seven classes
of the Information Commissioner's model publication scheme, what the region publishes in it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from icsgen.content import LIBRARY, SCHEME_CLASSES, Page, Publication, Site, libraries, slugify, sub_addresses

from .context import DocumentView, RenderScope

# the template names that ask for the views below (LIBRARY: content/publications.py checks its addresses)
SCHEME = "publication-scheme"
TEMPLATES = frozenset({LIBRARY, SCHEME})


def sub_pages(site: Site, library: Page) -> list[Page]:
    """The library's category and year pages: the library page at their own addresses and titles (where
    content/publications.py checked that no other page is)."""
    return [_at(library, url, f"{category} - {library.title}" if category else f"{library.title} from {year}")
            for url, category, year in sub_addresses(library, site.publications.get(library.region, ()))]


def publication_pages(site: Site) -> list[Page]:
    """Every library's category and year pages (the build plans them; the sitemaps list them)."""
    return [page for library in libraries(site) for page in sub_pages(site, library)] if site.publications else []


def in_language(site: Site, page: Page, words: Callable[..., Any]) -> Page:
    """A library's category or year page titled in its language's words ('Board papers - Publications',
    'Publications from 2026': `publications_category_title`, `publications_year_title`); any other page
    as it is. The build plans them with English titles, before the theme's words are at hand."""
    library = site.pages.get(page.key)
    if page.meta.template != LIBRARY or library is None or page.url == library.url:
        return page
    rest = page.url[len(library.url):].strip("/")
    if rest.isdigit():
        title = words("publications_year_title", title=library.title, year=rest)
    else:
        by_slug = {slugify(r.category): r.category for r in site.publications.get(page.region, ())}
        if rest not in by_slug:
            return page
        title = words("publications_category_title", category=by_slug[rest], title=library.title)
    return replace(page, meta=replace(page.meta, title=str(title)))


def _at(page: Page, url: str, title: str) -> Page:
    return replace(page, url=url, meta=replace(page.meta, title=title, toc=False))


def publications_view(site: Site, page: Page, url: str, scope: RenderScope) -> dict[str, Any] | None:
    """What `publications.html` or `publication-scheme.html` shows on the page written at `url`."""
    region = page.region
    if page.meta.template not in TEMPLATES or region not in site.regions:
        return None
    scope.deps.data.add(f"{region}/publications")  # the records (data/publications.yaml)
    records = site.publications.get(region, ())
    if page.meta.template == SCHEME:
        return _scheme(site, region, records, scope)
    base = site.pages[page.key].url if page.key in site.pages else page.url
    rest = url[len(base):].strip("/") if url.startswith(base) else ""
    categories = sorted({r.category for r in records}, key=str.lower)
    years = sorted({r.date.year for r in records}, reverse=True)
    by_category = {slugify(c): c for c in categories}
    view, heading, chosen = "all", "", list(records)
    if rest.isdigit() and int(rest) in years:
        view, heading = "year", rest
        chosen = [r for r in records if r.date.year == int(rest)]
        groups = _grouped(chosen, lambda r: r.category, sorted_keys=categories)
    elif rest in by_category:
        view, heading = "category", by_category[rest]
        chosen = [r for r in records if r.category == heading]
        groups = _grouped(chosen, lambda r: str(r.date.year), sorted_keys=[str(y) for y in years])
    else:
        groups = _grouped(chosen, lambda r: r.category, sorted_keys=categories)
    return {
        "view": view,
        "heading": heading,
        "all_url": scope.link(base),
        "count": len(chosen),
        "groups": [{"title": title, "id": f"group-{slugify(title)}", "entries": [_item(site, r, scope) for r in items]}
                   for title, items in groups],
        "categories": [{"title": c, "url": scope.link(f"{base}{slugify(c)}/"),
                        "count": sum(1 for r in records if r.category == c),
                        "current": view == "category" and heading == c} for c in categories],
        "years": [{"title": str(y), "url": scope.link(f"{base}{y}/"),
                   "count": sum(1 for r in records if r.date.year == y),
                   "current": view == "year" and heading == str(y)} for y in years],
        "classes": [],
        "library_url": scope.link(base),
    }


def _scheme(site: Site, region: str, records: tuple[Publication, ...], scope: RenderScope) -> dict[str, Any]:
    libraries = [p for p in site.pages.values() if p.region == region and p.meta.template == LIBRARY]
    library_url = ""
    if libraries:
        scope.deps.pages.add(libraries[0].key)
        library_url = scope.link(libraries[0].url)
    classes = []
    for key, (title, description) in SCHEME_CLASSES.items():
        items = [_item(site, r, scope) for r in records if r.scheme_class == key]
        if scope.word is not None:  # the class's name and what it covers, in the page's language
            word = "scheme_" + key.replace("-", "_")
            title, description = str(scope.word(word)), str(scope.word(word + "_about"))
        classes.append({"id": key, "title": title, "description": description, "entries": items})
    return {"view": "scheme", "heading": "", "all_url": library_url, "count": len(records), "groups": [],
            "categories": [], "years": [], "classes": classes, "library_url": library_url}


def _grouped(records: list[Publication], key: Any, sorted_keys: list[str]) -> list[tuple[str, list[Publication]]]:
    """`records` (newest first) in groups by `key`, the groups in the order of `sorted_keys`."""
    table = {name: list(items) for name, items in itertools.groupby(sorted(records, key=key), key=key)}
    return [(name, sorted(table[name], key=lambda r: (r.date, r.title.lower()), reverse=True))
            for name in sorted_keys if name in table]


def _item(site: Site, record: Publication, scope: RenderScope) -> dict[str, Any]:
    """One publication as a template shows it: its link says what the document is, as every link does."""
    document = None
    if record.file:
        static = site.statics.get(record.file)
        described = site.documents.get(record.file)
        if static is not None and described is not None:
            document = DocumentView(record.file, described, static.url, scope)
    title_class = SCHEME_CLASSES[record.scheme_class][0] if scope.word is None else \
        str(scope.word("scheme_" + record.scheme_class.replace("-", "_")))
    language = document.language if document is not None else ""
    if language and language.split("-")[0].lower() == site.config.language.split("-")[0].lower():
        language = ""
    return {
        "title": record.title,
        "url": document.url if document is not None else record.url,
        "note": document.note if document is not None else "",
        "hreflang": language,
        "external": document is None,
        "date": record.date,
        "category": record.category,
        "scheme_class": title_class,
        "summary": record.summary,
        "document": document,
    }
