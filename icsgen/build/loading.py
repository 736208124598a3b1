"""Loading the site for every command: settings, content and themes, checked as a whole, and the plan of
the HTML files it needs."""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from icsgen.cache import CodeRecorder
from icsgen.config import SiteConfig, load_config
from icsgen.content import (
    BROKEN,
    LoadOptions,
    Page,
    Site,
    check_libraries,
    check_required,
    check_share_images,
    describe_documents,
    find_redirects,
    load_publications,
    load_site,
    slugify,
    suggest_link,
    update_site,
)
from icsgen.files import CONTENT_DIR, THEME_OVERRIDES
from icsgen.problems import BuildFailed, Problems, nearest
from icsgen.render import (
    Job,
    ThemeChain,
    nav_target,
    publication_pages,
    special_page,
    synthetic_page,
    theme_chain,
    theme_environment,
)

from .options import BuildOptions
from .output import unwritable


@dataclass
class Loaded:
    """A loaded site ready to render, shared by build, check and serve."""

    site: Site
    chains: dict[str | None, ThemeChain]
    problems: Problems


def load(root: Path, options: BuildOptions) -> Loaded:
    """Read settings, content and themes; raise `BuildFailed` only if nothing can be built.

    A file the file system refuses where no reader expected it (see `problems.explain`) stops the load
    with that one problem, named plainly: never a traceback.
    """
    problems = Problems(root)
    try:
        config = load_config(root, problems)
        if config is None:
            raise BuildFailed(problems.errors)
        _check_region_choice(config, options.regions, problems)
        site = load_site(config, root, LoadOptions(options.regions, options.drafts, options.future, options.today,
                                                   options.memo, options.pages, options.trees), problems)
        chains = theme_chains(root, config, site.chosen, problems)
    except OSError as exc:
        problems.add_os_error(exc.filename or root, exc)
        raise BuildFailed(problems.errors) from None
    if site.stop_before_rendering or not all(chain.complete for chain in chains.values()):
        raise BuildFailed(problems.errors)  # a link out of the project, a stray folder: rendering adds only noise
    check_navigation(site, problems)
    check_required(site, problems)  # a region's check.required fields
    check_share_images(site, problems)
    _check_static_files(site, problems)
    return Loaded(_described(site, options, problems), chains, problems)


def _described(site: Site, options: BuildOptions, problems: Problems) -> Site:
    """The site with its documents described (type, size, pages, title: see content/documents.py) and its
    regions' publications read (content/publications.py); then the checks of addresses the build makes
    from them (libraries' pages) or must keep clear of them (old addresses)."""
    documents = describe_documents(site.statics.values(), site.chosen, problems, options.documents) \
        if site.statics else site.documents
    publications = load_publications(site.regions, site.statics, site.chosen, problems)
    if documents or publications:
        site = replace(site, documents=documents, publications=publications)
    # with the publications read: a library's category and year pages are addresses too
    check_libraries(site, problems)
    find_redirects(site, problems)  # aliases and redirects: collisions, targets, chains, loops
    return site


def _check_static_files(site: Site, problems: Problems) -> None:
    """Files to be copied that the build could not copy: a name the site cannot have (`output.unwritable`),
    a file that cannot be read. `check` says so as `build` does, and before anything is written (an open
    and close per file: ~5 us)."""
    for static in site.statics.values():
        if static.key.split("/", 1)[0] not in site.chosen:
            continue
        path = static.source_path
        reason = unwritable(static.url)
        if reason:
            problems.add(path, 0, f"the file name '{path.name}' {reason}",
                         f"rename the file, for example to '{slugify(path.stem) or 'file'}{path.suffix}'")
            continue
        try:
            os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
        except OSError as exc:
            problems.add_os_error(path, exc)


def theme_chains(root: Path, config: SiteConfig, regions: Iterable[str],
                  problems: Problems) -> dict[str | None, ThemeChain]:
    """The hub's theme chain and each of `regions`' (with its own `_theme` overrides first)."""
    chains = {None: theme_chain(root, config.theme, None, problems, config.path, 1)}
    wanted = set(regions)
    for rc in config.regions:
        if rc.id in wanted:
            chains[rc.id] = theme_chain(root, rc.theme, root / CONTENT_DIR / rc.id / THEME_OVERRIDES, problems,
                                        config.path, rc.line if rc.theme != config.theme else 1)  # the site's: once
    return chains


def compile_themes(root: Path) -> dict:
    """Every template of every theme chain, compiled, by Jinja's cache key (see templatecache.PrecompiledCode).

    Run in a second process while the pages load, when no compiled templates are kept: compiling a
    theme takes a quarter of a second, much of a cold build of a small site.
    """
    problems = Problems(root)
    config = load_config(root, problems)
    if config is None:
        return {}
    recorder = CodeRecorder()
    done = set()
    for chain in theme_chains(root, config, [rc.id for rc in config.regions], problems).values():
        if chain.template_dirs in done:
            continue
        done.add(chain.template_dirs)
        env = theme_environment(chain, recorder)
        for name in env.list_templates():
            with contextlib.suppress(Exception):  # a broken template is reported by the render that uses it
                env.get_template(name)
    return recorder.codes


def reload(previous: Loaded, options: BuildOptions, changed: set[Path]) -> Loaded | None:
    """`previous` with only the changed pages read again; None when a full `load` is needed."""
    problems = Problems(previous.site.root)
    site = update_site(previous.site, changed, LoadOptions(options.regions, options.drafts, options.future,
                                                           options.today, options.memo, options.pages), problems)
    if site is None:
        return None
    check_navigation(site, problems)
    check_required(site, problems)
    check_share_images(site, problems)
    return Loaded(_described(site, options, problems), previous.chains, problems)


def plan(site: Site) -> list[Job]:
    """Every HTML file the site needs: pages, generated section pages, news pages, hub and 404s."""
    jobs = [Job("", special_page(site, "hub", site.config.title, "", None), None),
            Job("404.html", special_page(site, "404", "Page not found", "404.html", None), None)]
    for region in (site.regions[r] for r in site.chosen):
        jobs.append(Job(f"{region.id}/404.html",
                        special_page(site, "404", "Page not found", f"{region.id}/404.html", region.id),
                        region.id))
    jobs += search_pages(site)
    chosen, make = frozenset(site.chosen), tuple.__new__  # `Job(...)` runs a Python `__new__`: twice the time
    jobs += [make(Job, (page.url, page, page.region, 1, 1)) for page in site.pages.values()
             if page.region in chosen and page.kind != "news-list" and page.kind != BROKEN]
    for section in site.sections.values():
        if section.region not in site.chosen:
            continue
        is_news = section.key.endswith("/news") and section.key.count("/") == 1
        if is_news:
            page = section.index or synthetic_page(site, section.key, "news-list")
            total = max(1, math.ceil(len(section.pages) / site.config.news_per_page))
            for n in range(1, total + 1):
                url = section.url if n == 1 else f"{section.url}page/{n}/"
                numbered = page if n == 1 else _numbered(page, url, n, total)
                jobs.append(Job(url, numbered, section.region, n, total))
        elif section.index is None and "/" in section.key:
            jobs.append(Job(section.url, synthetic_page(site, section.key, "section"), section.region))
    jobs += [Job(page.url, page, page.region) for page in publication_pages(site)]  # libraries' category, year
    return jobs


def search_pages(site: Site) -> list[Job]:
    """Each region's search page and A to Z of pages, and the hub's search page; a page of the editor's
    own at one of those addresses is left to be that page (see docs/reference.md, "Search")."""
    wanted = [("search/", "search", "Search", None)]
    for region_id in site.chosen:
        wanted += [(f"{region_id}/search/", "search", "Search", region_id),
                   (f"{region_id}/a-z/", "a-z", "A to Z of pages", region_id)]
    return [Job(url, special_page(site, kind, title, url, region), region)
            for url, kind, title, region in wanted if url not in site.by_url]


def _check_region_choice(config: SiteConfig, chosen: tuple[str, ...], problems: Problems) -> None:
    known = [r.id for r in config.regions]
    for region_id in chosen:
        if region_id not in known:
            problems.add(config.path, 0, f"unknown region '{region_id}'",
                         nearest(region_id, known) or f"regions: {', '.join(known)}")


def check_navigation(site: Site, problems: Problems) -> None:
    for region in (site.regions[r] for r in site.chosen):
        if not region.has_folder:  # reported once, not once more for each navigation item
            continue
        # paths in regions.yaml start from the region's folder, as links on its home page do: the hint for
        # 'partnrs.md' or '/partners/' is the one such a link gets ("did you mean 'partners.md'?")
        home = f"{region.id}/index.md"
        for item in region.config.nav:
            if nav_target(site, region.id, item.page) is None:
                problems.add(site.config.path, item.line,
                             f"navigation item '{item.title}' points to '{item.page}', which is not a page of "
                             f"region '{region.id}'",
                             suggest_link(site, home, item.page)
                             or "give a path inside the region, e.g. about/index.md")
        for notice in region.config.notices:  # a notice's link to a page of the region
            if notice.link and ":" not in notice.link and nav_target(site, region.id, notice.link) is None:
                problems.add(notice.path, notice.line, f"the notice's link '{notice.link}' is not a page of region "
                             f"'{region.id}'", suggest_link(site, home, notice.link) or "give a path inside the "
                             "region, e.g. news/heatwave.md, or an https:// address")


def _numbered(page: Page, url: str, number: int, total: int) -> Page:
    """Page N of a news listing: its own address and a title that says which page it is."""
    meta = replace(page.meta, title=f"{page.meta.title} (page {number} of {total})")
    return replace(page, url=url, meta=meta, body="")
