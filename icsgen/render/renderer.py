"""Rendering one output page: region variables in the body, Markdown, then the theme's template.

`Renderer.render(job)` is a pure function of the loaded site and the job: it touches no shared
state and writes no files, so the build can run jobs in any order, in several processes, and the
preview server can re-run just the jobs a change affects.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import json
import math
import os
import posixpath
import re
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

import jinja2
from jinja2 import nodes
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from icsgen.content import (
    ADDRESS_HINT,
    EASY_READ,
    FrontMatter,
    Page,
    Section,
    Site,
    StaticFile,
    refused_links,
    refused_message,
    refused_scheme,
    resolve_link,
    suggest_link,
    suspect,
    where_written,
)
from icsgen.files import BUILTIN_THEMES
from icsgen.markdown import WORDS as CONVERTER_WORDS
from icsgen.markdown import Converted, LinkRef, LinkTarget, MarkdownConverter, PageLinks
from icsgen.problems import Problem, explain

from . import calendar, feeds
from .context import DataView, Deps, DocumentView, PageView, RegionView, RenderScope, SiteView
from .datashapes import SHAPE_TEMPLATES, shape_problems
from .images import rewrite_images
from .lists import SITE_LINK, ListScope, finish, place_lists
from .pagetext import CONTROLS, Chosen, PageTextEnvironment, PageTextError, default, describe
from .publications import TEMPLATES as PUBLICATION_TEMPLATES
from .publications import in_language, publications_view
from .strings import Strings, document_note, fill, long_date
from .themes import Asset, ThemeChain, ThemeLoader, collect_assets
from .urls import Linker

_EMPTY: MappingProxyType = MappingProxyType({})
DEFAULT_TEMPLATES = {
    "home": "home.html",
    "page": "page.html",
    "section": "section.html",
    "news": "news-article.html",
    "news-list": "news-list.html",
    "hub": "hub.html",
    "404": "404.html",
    "search": "search.html",
    "a-z": "a-z.html",
}
NOT_PAGE_TEMPLATES = {"base", "hub", "404", "search", "a-z"}
EASY_READ_TEMPLATE = "easy-read.html"  # an Easy Read version's, unless it names another
# A {{ }} or {% %} in a page's text that cannot be read at all: Jinja's own words say what it expected
# ("Jinja was looking for the following tags: 'endfor'"), the hint what an editor writes instead.
SYNTAX_HINT = ("each {% if ... %} ends with {% endif %} and each {% for ... %} with {% endfor %}; {{ }} holds one "
               "value, such as {{ region.name }}; to show {{ or {% as it is, write {{ '{{' }} or {{ '{%' }}")
_ID_VALUE = re.compile(r'id="([^"]+)"')
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""")
_NOT_RELATIVE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")  # data:, https:, root-relative, #fragment



class ConvertedBodies(Protocol):
    """Where converted page bodies are kept between renders (the build's cache; None keeps nothing)."""

    def get(self, key: str) -> dict | None: ...

    def put(self, key: str, entry: dict) -> None: ...


def entry_key(page_key: str, url: str, body_line: int, source: str, text: str, *words: str) -> str:
    """The key of a converted body: everything its conversion read (address, body line, source, text,
    and the theme's words it writes, which a translation of the theme changes)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (page_key, url, str(body_line), source, text, *words):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def page_ids(html: str) -> frozenset[str]:
    """The values of a page's id attributes: the same set as the regex `\\sid="([^"]+)"`, in a quarter of the time.

    That regex, starting with a character class, is tried at every position of the page; this one
    starts with literal text, which the regex engine finds quickly, and the whitespace before it is
    checked here. When that is not whitespace (`data-id="..."`), the search goes on from the next
    character rather than from the end of the match: the regex could find an id inside that match.
    """
    found = set()
    search = _ID_VALUE.search
    match = search(html)
    while match is not None:
        start = match.start()
        if start and html[start - 1].isspace():
            found.add(match.group(1))
            match = search(html, match.end())
        else:
            match = search(html, start + 1)
    return frozenset(found)


class Job(NamedTuple):
    """One HTML file to write. `page` is a real page or one made up for a generated listing.

    A named tuple, not a frozen dataclass: a build plans one per page, and at 10,000 pages making
    frozen dataclasses (a guarded `__setattr__` per field) cost several times as much.
    """

    url: str  # site path of the output: 'leeds/about/' or '404.html'
    page: Page
    region: str | None
    number: int = 1  # for paginated news listings
    total: int = 1

    @property
    def output_path(self) -> str:
        return self.url if self.url.endswith(".html") else self.url + "index.html"


@dataclass
class Output:
    """What rendering one job produced, and what it found wrong."""

    job: Job
    html: str = ""
    anchors: frozenset[str] = frozenset()
    refs: list[LinkRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # paths absolute: see Problems.adopt
    deps: dict[str, tuple[str, ...]] = field(default_factory=dict)
    markdown_key: str = ""  # its converted body's key in the converted bodies store, so the build knows which to keep
    written: bool = False  # its HTML is in the output folder (an empty page, or one with problems, is not)
    unchanged: bool = False  # not written: the live folder already holds exactly its HTML
    findings: list = field(default_factory=list)  # what `icsgen check` found beside the render (build.render_all)
    search: tuple | None = None  # its search record, made where the HTML is (see searchtext.py)
    timed_out: bool = False  # its render ran past its CPU time (Renderer.render)


def _problem(path: Path | str, line: int | None, message: str, hint: str) -> Problem:
    """A problem found while rendering, at the file's absolute path (the build shows it relative: `Problems.adopt`)."""
    return Problem(os.fspath(path), int(line or 0), message, hint)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@jinja2.pass_context
def date_long(context: Any, value: dt.date | None) -> str:
    """'7 December 2026', with the month named in the page's language (the theme's `months` words)."""
    if not value:
        return ""
    words = context.get("t")
    return long_date(value, words) if words is not None else f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def date_iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


@jinja2.pass_environment
def theme_value(env: _TrackingEnvironment, value: Any) -> Any:
    """What a theme template's `{{ }}` shows: text, a number or a date, never a Python repr or "None".

    The theme environment's `finalize`, so it runs for every value every page shows: the common
    kinds are tested first by exact type. Control characters, which HTML does not allow, are left out.
    Text that would be a refused address in a link (`javascript:...`) marks the page for a look at
    its links once rendered (looking at every page's links costs more than the rest of its checks).
    """
    kind = type(value)
    if kind is str:
        if ":" in value and suspect(value):
            env.suspect = True
        return value if value.isprintable() else CONTROLS.sub("", value)
    if kind is Markup or kind is int or kind is dt.date or kind is Chosen:
        return value
    if isinstance(value, jinja2.Undefined):
        return value  # raises its own error, naming what is missing, when it is shown
    if isinstance(value, bool) or value is None or not isinstance(value, str | int | float | Decimal | dt.date):
        raise PageTextError(f"a {{{{ }}}} value is {describe(value)}: show text, a number or a date "
                            "(test a value that may be empty with {% if %}, or use | default(''))")
    if isinstance(value, str):
        return theme_value(env, str(value))
    return value


PAGE_SECONDS = 10.0  # CPU seconds one page's render may take (a page takes milliseconds)
PAGE_SECONDS_AFTER = 1.0  # for each later page once one ran out, so a broken theme fails in minutes, not hours
_STEP = "icsgen-step"  # the check added to every loop round and macro call, as a filter no template can name
_STEP_EVERY = 16  # rounds between two looks at the clock (one look: ~0.3 us)
TIMEOUT_MESSAGE = (f"the page took too long to render and was stopped here ({PAGE_SECONDS:g} seconds of CPU time for a "
                   f"page, {PAGE_SECONDS_AFTER:g} for each page after one has run out): a loop that does not end, "
                   "or loops inside loops?")


class RenderTimeout(Exception):
    """A page's render ran past its CPU time: raised from inside the theme template that was running."""


class _Clock(threading.local):
    """The render in progress in this thread: its CPU deadline (`time.thread_time`) and its steps."""

    deadline = float("inf")
    steps = 0


_clock = _Clock()


@jinja2.pass_context  # never worked out when the template is compiled, as a filter of a constant would be
def _step(context: jinja2.runtime.Context, value: Any) -> str:
    """Every loop round and macro call of a theme template: past the page's deadline, stop the render."""
    clock = _clock
    clock.steps += 1
    if not clock.steps % _STEP_EVERY and time.thread_time() > clock.deadline:
        raise RenderTimeout(TIMEOUT_MESSAGE)
    return ""


class _ThemeGuard(NodeTransformer):
    """Puts a `_step` at the start of every loop body, macro and call block of a theme template: each
    loop under range()'s cap can still nest in another, and only the clock bounds that."""

    def _count(self, node: nodes.For | nodes.Macro | nodes.CallBlock) -> nodes.Node:
        self.generic_visit(node)
        check = nodes.Filter(nodes.Const(0), _STEP, [], [], None, None, lineno=node.lineno)
        node.body.insert(0, nodes.ExprStmt(check, lineno=node.lineno))
        return node

    visit_For = visit_Macro = visit_CallBlock = _count


class _TrackingEnvironment(jinja2.Environment):
    """Records every template a render loads, including through extends, include and import; each
    template is compiled with `_ThemeGuard`'s checks (the cached code is icsgen's: see cache/templates.py)."""

    deps: Deps | None = None
    suspect = False  # a value shown in the render in progress could be a refused address

    def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:
        if self.deps is not None and isinstance(name, str):
            self.deps.templates.add(name)
        return super().get_template(name, parent, globals)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _ThemeGuard().visit(super()._parse(source, name, filename))


def theme_environment(chain: ThemeChain, compiled: jinja2.BytecodeCache | None) -> _TrackingEnvironment:
    """The Jinja environment of a theme chain: the one place its settings are made, as compiled code
    depends on them and is cached by template name and text alone (see cache/templates.py)."""
    env = _TrackingEnvironment(
        loader=ThemeLoader(chain),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled,
        auto_reload=False,
        finalize=theme_value,
    )
    env.filters["default"] = env.filters["d"] = default
    env.filters["date_long"] = date_long
    env.filters["date_iso"] = date_iso
    env.filters[_STEP] = _step
    env.globals["range"] = _theme_range
    env.globals.pop("lipsum", None)  # placeholder text has no place in a published page
    return env


THEME_RANGE = 1_000_000  # the most numbers a theme's range() makes: no page needs more, and 10**10 never ends


def _theme_range(*args: int) -> range:
    """Jinja's range() for theme templates, refusing a loop too long to finish in a build."""
    made = range(*args)
    if len(made) > THEME_RANGE:
        raise PageTextError(f"range() of {len(made):,} numbers: more than the {THEME_RANGE:,} a template may loop over")
    return made


class Renderer:
    """Holds one Jinja environment per theme chain, the asset lists, and a Markdown converter."""

    def __init__(self, site: Site, chains: dict[str | None, ThemeChain],
                 converted: ConvertedBodies | None = None, compiled: jinja2.BytecodeCache | None = None) -> None:
        self.site = site
        self.compiled = compiled  # compiled templates from earlier runs, if kept
        self.converted = converted  # converted page bodies from earlier renders, if kept
        self.linker = Linker(site.config, site.chosen)
        self.chains = chains
        self.assets: dict[str | None, dict[str, Asset]] = {k: collect_assets(c) for k, c in chains.items()}
        shared: dict[tuple[Path, ...], _TrackingEnvironment] = {}  # regions without overrides share one
        self.envs = {k: shared.get(c.template_dirs) or shared.setdefault(c.template_dirs,
                                                                         theme_environment(c, compiled))
                     for k, c in chains.items()}
        self.markdown = MarkdownConverter()
        self.body_env = PageTextEnvironment()
        self.strings = {k: Strings(c) for k, c in chains.items()}
        self._converted_words: dict[tuple[str | None, str], str] = {}
        self.images: dict[str, dict[str, Any]] = {}  # content images' sizes and made files (build/images.py)
        self.page_seconds = PAGE_SECONDS  # PAGE_SECONDS_AFTER once a page ran out of time here

    def prepare(self) -> None:
        """Compile every theme template now, so that forked workers inherit them compiled.

        Each worker would otherwise compile the same templates again. Nothing is recorded as a
        dependency (no render is under way), and a template that fails to compile is left alone:
        the render of a page that uses it reports the error, as it would without this.
        """
        for env in {id(env): env for env in self.envs.values()}.values():
            for name in env.list_templates():
                try:
                    env.get_template(name)
                except Exception:
                    continue  # reported by the render of a page that uses it, if one does

    def word(self, region: str | None, name: str, lang: str) -> Any:
        """The theme's word `name` in `lang` (English where the theme has no translation of it)."""
        try:
            return self.strings[region].get(name, lang)
        except KeyError:
            raise jinja2.TemplateRuntimeError(f"t('{name}'): the theme has no word '{name}' in strings/en.yaml") \
                from None

    def words(self, region: str | None, lang: str) -> Callable[..., Any]:
        """The theme's words in `lang` as templates ask for them: `t('part_of', name=...)` fills in the
        places, `t('document_pages', count=3)` chooses the plural form (render/strings.py)."""

        strings = self.strings[region]

        def t(word: str, /, count: int | None = None, **values: Any) -> Any:
            try:
                value = strings.get(word, lang)
            except KeyError:
                value = self.word(region, word, lang)  # raises the template error that names it
            # most words are shown as they are: a page asks for about thirty
            return value if count is None and not values else fill(value, lang, count, values)

        return t

    def _page_words(self, page: Page) -> Callable[..., Any]:
        """The theme's words in `page`'s language, from its region's theme (`words`)."""
        region = page.region if page.region in self.strings else next(iter(self.strings))
        return self.words(region, page.lang or self.site.config.language)

    def site_words(self, region: str) -> Callable[..., Any]:
        """The theme's words of `region` ('' for the hub) in the site's language: for the files made
        beside the pages (a redirect page at an old address)."""
        return self.words(region if region in self.strings else next(iter(self.strings)), self.site.config.language)

    def _converter_words(self, page: Page) -> str:
        """The theme's words the Markdown converter writes (markdown.WORDS) in `page`'s language, as
        one text: part of the key of a converted body, which a translation of the theme changes."""
        region = page.region if page.region in self.strings else next(iter(self.strings))
        lang = page.lang or self.site.config.language
        found = self._converted_words.get((region, lang))
        if found is None:
            found = self._converted_words[region, lang] = json.dumps(
                [self.word(region, name, lang) for name in CONVERTER_WORDS], ensure_ascii=False, sort_keys=True)
        return found

    def asset_url(self, region: str | None, logical: str, deps: Deps | None = None) -> str:
        """The site path of a static theme file in the folder of `region` (or the hub's)."""
        if deps is not None:
            deps.assets.add(logical)
        asset = self.assets[region].get(logical)
        if asset is None:
            raise jinja2.TemplateRuntimeError(f"no static file '{logical}' in the theme")
        prefix = f"{region}/" if region else ""
        return f"{prefix}assets/{asset.output}"

    def inline_css(self, region: str | None, logical: str, scope: RenderScope, deps: Deps) -> Markup:
        """A theme stylesheet's text, for a `<style>` element of a page that cannot link to it.

        A 404 page is shown at whatever address was asked for: a relative link to the stylesheet
        would point somewhere else each time, and a link from the host's root works only where the
        site is published at its configured path. Inline, it is styled wherever it is served (the
        preview, a staging host, under any folder). The stylesheet's own relative `url(...)`s are
        rewritten to work from the page, and `</` is escaped so the text cannot end the element.
        """
        site_path = self.asset_url(region, logical, deps)  # the dependency: the name carries the content hash
        folder = posixpath.dirname(site_path)
        text = self.assets[region][logical].source_path.read_text(encoding="utf-8")

        def rewrite(match: re.Match[str]) -> str:
            written = match.group(2).strip()
            if not written or _NOT_RELATIVE.match(written):
                return match.group(0)
            cut = min((i for i in (written.find("?"), written.find("#")) if i >= 0), default=len(written))
            target = posixpath.normpath(f"{folder}/{written[:cut]}")
            if target.startswith(".."):
                return match.group(0)  # above the site: nothing the page could link to
            return f'url("{scope.link(target)}{written[cut:]}")'

        return Markup(_CSS_URL.sub(rewrite, text).replace("</", "<\\/"))

    # -- rendering ---------------------------------------------------------------------------

    def render(self, job: Job) -> Output:
        """The page of `job`, or its problems; at most `PAGE_SECONDS` of CPU time (in any process or thread)."""
        clock = _clock
        clock.deadline = time.thread_time() + self.page_seconds
        try:
            out = self._render(job)
        finally:
            clock.deadline = float("inf")
        if out.timed_out:
            self.page_seconds = min(self.page_seconds, PAGE_SECONDS_AFTER)
        return out

    def _render(self, job: Job) -> Output:
        out = Output(job)
        page = job.page
        deps = Deps()
        scope = RenderScope(self.site, self.linker, job.url, deps)
        if page.kind == "404":  # served at any address: links start from the host's root
            scope = _NotFoundScope(self.site, self.linker, job.url, deps)
        language = page.lang or self.site.config.language
        scope.word = self.words(job.region, language)
        page = in_language(self.site, page, scope.word)  # a library's category or year page: its title
        if page.kind in SPECIAL_TITLES and page.key.startswith("<"):  # a page icsgen makes: its title too
            page = replace(page, meta=replace(page.meta, title=str(scope.word(SPECIAL_TITLES[page.kind]))))
        body = page.body
        self.body_env.budget.suspect = False
        region_view = RegionView(job.region, scope, job.url) if job.region else None
        data_view = DataView(job.region, self.site.regions[job.region].data, deps) if job.region else {}
        site_view = SiteView(scope)
        if "{{" in body or "{%" in body:
            body = self._render_body(page, body, site_view, region_view, data_view, out)
            if body is None:
                return out
        if job.region and ("!!! list" in body or "!!!list" in body):
            # `!!! list NAME`: a data file's list, made before the Markdown
            lists = ListScope(self.site, job.region, page.source_path, page.body_line, deps,
                              lambda target: self._resolve(page, target, deps),
                              self.site.regions[job.region].config.owner, scope.word)
            body = place_lists(body, lists)
            out.problems.extend(_problem(*found) for found in lists.problems)
        links = _BodyLinks(
            resolve=lambda target: self._resolve(page, target, deps),
            relative=scope.link,
            source=page.body,
            first_line=page.body_line,
            suggest=lambda target: suggest_link(self.site, page.key, html.unescape(target)),
            words=scope.word,
        )
        links.elsewhere = lambda text: self._written_in(text, job.region, deps)
        converted = self._convert(page, body, links, deps, out) if job.number == 1 else None
        for problem in links.problems:
            line, message, hint = problem.line, problem.message, problem.hint
            if isinstance(line, _Place):  # a link filled in from a data file: its line there
                out.problems.append(_problem(line.path, int(line), html.unescape(message),
                                     f"{html.unescape(hint)}; used on {page.key}" if hint else f"used on {page.key}"))
            else:
                out.problems.append(_problem(page.source_path, line, message, hint))
        out.refs = [r if r.target and type(r.line) is int else replace(
            r, target=r.target or page.key,
            line=page.body_line if isinstance(r.line, _Place) else r.line,  # anchors are checked at the page
        ) for r in links.refs]
        if converted is not None and SITE_LINK in converted.html:
            converted = replace(converted, html=finish(converted.html, scope.link))
        content = converted.html if converted else ""
        if "<img" in content or "<IMG" in content:
            content = rewrite_images(content, job.url, self.images, scope.link)
        view = PageView(page, scope, content,
                        converted.toc if converted else (), current=True)
        context: dict[str, Any] = {
            "site": site_view,
            "region": region_view,
            "data": data_view,
            "page": view,
            "url": lambda target: scope.link(self._checked(target, deps, job.region)),
            "exists": lambda target: self._exists(target, deps),
            "asset": lambda logical: scope.link(self.asset_url(job.region, logical, deps)),
            "inline_css": lambda logical: self.inline_css(job.region, logical, scope, deps),
            "t": scope.word,
        }
        publications = publications_view(self.site, page, job.url, scope) \
            if page.meta.template in PUBLICATION_TEMPLATES else None  # before `documents`: it lists some
        context["publications"] = publications
        context["documents"] = _LinkedDocuments(self, deps, scope)
        context["document"] = lambda target: self._document(page, target, deps, scope)
        if job.region:
            context["feed_url"] = scope.link(f"{job.region}/news/feed.xml")
        if page.kind == "news-list":
            context["paginator"] = self._paginator(job, scope)
        env = self.envs[job.region]
        name = page.meta.template + ".html" if page.meta.template else \
            EASY_READ_TEMPLATE if page.variant == EASY_READ else DEFAULT_TEMPLATES[page.kind]
        env.deps = deps
        env.suspect = self.body_env.budget.suspect
        try:
            out.html = env.get_template(name).render(context)
        except jinja2.TemplateNotFound as exc:
            if exc.name == name and page.meta.template:
                line = page.meta.lines.get("template", 1)
                out.problems.append(_problem(page.source_path, line, f"unknown template '{page.meta.template}'",
                                     f"available: {', '.join(self.template_names(job.region))}"))
            elif page.kind in ("search", "a-z"):  # a theme copied before icsgen made these pages
                out.problems.append((page.source_path, 1, f"template '{exc.name}' not found: the theme has no "
                                     f"{'search page' if page.kind == 'search' else 'A to Z of pages'}",
                                     "copy search.html, a-z.html, partials/search-words.html and "
                                     "static/js/search.js from icsgen's built-in theme (icsgen/themes/nhs), "
                                     "or use the built-in theme"))
            else:
                out.problems.append(_problem(page.source_path, 1, f"template '{exc.name}' not found", ""))
        except jinja2.TemplateSyntaxError as exc:
            out.problems.append(_problem(Path(exc.filename or name), exc.lineno, f"template error: {exc.message}", ""))
        except OSError as exc:  # a template file the file system refused: said plainly (see errors.explain)
            message, hint = explain(exc)
            out.problems.append(_problem(Path(exc.filename or name), 0, f"cannot read: {message}", hint))
        except Exception as exc:  # a template failed while rendering: point at its line
            out.problems += [_problem(*found) for found in self._template_problems(exc, job, name, deps)]
            out.timed_out = isinstance(exc, RenderTimeout)
        finally:
            env.deps = None
        if out.html and env.suspect:
            self._check_addresses(page, out)
        # a page its template failed on still offers its text's headings: links to them are not broken too
        out.anchors = page_ids(out.html or (converted.html if converted else ""))
        out.deps = deps.frozen()
        return out

    def _template_problems(self, exc: Exception, job: Job, name: str, deps: Deps) -> list[tuple[Path, int, str, str]]:
        """Where a template that failed while rendering went wrong, as a file the editor can open.

        Data the theme's template for it cannot show (a partner that is a line of text) is reported at
        the data file's lines. Otherwise the innermost frame in a template of the project (a region's
        `_theme/` or `themes/`) is named, even when the error was raised deeper, in a built-in template
        it called; a failure inside the built-in templates alone (in the installed package, which no
        editor can open) is reported at the page, naming the built-in template in the message.
        """
        page = job.page
        own, own_line, inner, inner_line = _template_position(exc, self.chains[job.region])
        message = f"template error: {_describe(exc)}"
        place = getattr(exc, "place", None)
        if place is not None:  # a link from a data file or a setting: reported where it is written
            used = own or inner
            return [(place.path, int(place), message,
                     f"used by {used.name if used else name} line {own_line if own else inner_line} on {page.key}")]
        region = self.site.regions.get(job.region or "")
        read = [(n, region.data_files[n]) for n in (d.partition("/")[2] for d in sorted(deps.data))
                if region is not None and n in region.data_files]
        failed = own or inner
        used = failed.name if failed is not None else name
        shaped = [(n, path) for n, path in read if own is None or own.name == SHAPE_TEMPLATES.get(n)]
        found = [(path, line, text, f"{hint}; the template {used} could not show {page.key}")
                 for path, line, text, hint in shape_problems(shaped)]
        if found:  # data the theme's own template for it cannot show: the data is at fault, at its line
            return found
        if own is not None:
            hint = f"first seen on {page.key}"
            if inner is not None:
                hint += f"; raised in the built-in template {inner.name} line {inner_line}"
            return [(own, own_line, message, hint)]
        where = f"the built-in template {used}" + (f" line {inner_line}" if inner is not None else "")
        return [(page.source_path, page.meta.lines.get("template", 1) or 1, f"{where}: {_describe(exc)}",
                 "a value this page or its data files give it is missing or of the wrong kind"
                 + (f" (data files read: {', '.join(n + '.yaml' for n, _ in read)})" if read else ""))]

    def _check_addresses(self, page: Page, out: Output) -> None:
        """No link of the page may run code (`javascript:`, `data:`...), whatever its address came from.

        An address the page's own Markdown holds is the editor's, reported with the Markdown checks; any
        other came from a data file, a setting or the template: reported where it is written if found.
        """
        for address in refused_links(out.html):
            if address in page.body:
                continue
            region = self.site.regions.get(out.job.region or "")
            files = [*(region.data_files.values() if region else ()), self.site.config.path]
            found = where_written(address, files)
            path, line = found if found else (page.source_path, 1)
            out.problems.append(_problem(path, line, refused_message(address, refused_scheme(address) or ""),
                                 f"{ADDRESS_HINT}; first seen on {page.key}"))

    def _convert(self, page: Page, body: str, links: PageLinks, deps: Deps, out: Output) -> Converted:
        """Markdown to HTML, or the kept result when the page and all its links are as they were.

        The key is noted in `out`, hit or miss, so the build can tell the cache which entries are in use."""
        if self.converted is None:
            return self.markdown.convert(body, links)
        key = out.markdown_key = entry_key(page.key, page.url, page.body_line, page.body, body,
                                           self._converter_words(page))  # the theme's words it writes
        entry = self.converted.get(key)
        if entry is not None and all(self._resolve(page, path, deps) == LinkTarget(url, target, tuple(document))
                                     for path, url, target, *document in entry["links"]):
            links.refs = [LinkRef(*ref) for ref in entry["refs"]]
            toc = tuple({"id": t["id"], "title": t["title"], "children": tuple(t["children"])}
                        for t in entry["toc"])
            return Converted(entry["html"], toc, len(toc))
        seen: list[tuple[str, LinkTarget | str]] = []
        resolve = links.resolve

        def recording(path: str) -> LinkTarget | str:
            found = resolve(path)
            seen.append((path, found))
            return found

        links.resolve = recording
        converted = self.markdown.convert(body, links)
        if not links.problems and all(isinstance(found, LinkTarget) for _, found in seen):
            self.converted.put(key, {
                "html": converted.html,
                "toc": [{**t, "children": list(t["children"])} for t in converted.toc],
                "refs": [[r.target, r.fragment, r.line if type(r.line) is int else page.body_line]
                         for r in links.refs],  # as render() keeps them: a data file's line is not the page's
                "links": [[path, found.url, found.page_key, *found.document] for path, found in seen
                          if isinstance(found, LinkTarget)],
            })
        return converted

    def reuse(self, old: Renderer, templates: bool, addresses: bool) -> None:
        """Keep what `old`, the renderer of the site before an edit, worked out and that still holds:
        its compiled templates (no template or theme file changed) and its list of every address
        the build writes (no page or static file came or went). The preview's rebuilds use it."""
        if templates:
            self.envs = old.envs
        if addresses:
            self.__dict__["known_urls"] = old.known_urls

    @functools.cached_property
    def asset_files(self) -> dict[tuple[str | None, str], tuple[Path, str]]:
        """Every theme file by (region, logical path): its source and the site path it is written to."""
        table = {}
        for region, assets in self.assets.items():
            prefix = f"{region}/" if region else ""
            for logical, asset in assets.items():
                table[region, logical] = (asset.source_path, f"{prefix}assets/{asset.output}")
        return table

    @functools.cached_property
    def known_urls(self) -> frozenset[str]:
        """Every site path this build writes or links to elsewhere, for checking theme links."""
        site = self.site
        urls = {"", "404.html", *feeds.crawler_files(site.config, self.linker, site.chosen)}
        urls.update(p.url for p in site.pages.values())
        urls.update(s.url for s in site.sections.values())
        urls.update(s.url for s in site.statics.values())
        for region in site.regions:
            urls.update((f"{region}/news/feed.xml", f"{region}/sitemap.xml", f"{region}/404.html",
                         f"{region}/search/", f"{region}/a-z/"))
        urls.add("search/")
        urls.update(calendar.site_files_paths(site, site.chosen))
        for key, section in site.sections.items():
            pages = math.ceil(len(section.pages) / site.config.news_per_page)
            urls.update(f"{section.url}page/{n}/" for n in range(2, pages + 1) if key.endswith("/news"))
        return frozenset(urls)

    @staticmethod
    def _site_path(target: Any) -> str:
        return target if isinstance(target, str) else target._page.url

    def _exists(self, target: Any, deps: Deps) -> bool:
        path = self._site_path(target).partition("#")[0]
        deps.urls.add(path)
        return path in self.known_urls

    def _checked(self, target: Any, deps: Deps, region_id: str | None = None) -> str:
        """A template's link target, refused when the build writes nothing there."""
        path = self._site_path(target)
        if not self._exists(path, deps):
            error = jinja2.TemplateRuntimeError(
                f"url('{path}') links to a page this build does not write; "
                "test it first with {% if exists('" + path + "') %}"
            )
            error.place = self._written_in(path, region_id, deps)  # type: ignore[attr-defined]
            raise error
        return path

    def _written_in(self, text: str, region_id: str | None, deps: Deps) -> _Place | None:
        """Where `text` (a link) is written among the data files this page read, or in regions.yaml:
        a link that comes from there is reported there, not at the page that shows it."""
        if "&" in text:
            text = html.unescape(text)
        region = self.site.regions.get(region_id or "")
        files = [region.data_files[name.partition("/")[2]] for name in sorted(deps.data)
                 if region is not None and name.partition("/")[2] in region.data_files]
        found = where_written(text, [*files, self.site.config.path])
        return _Place(found[1], found[0]) if found else None

    def template_names(self, region: str | None) -> list[str]:
        names = set()
        for folder in self.chains[region].template_dirs:
            names.update(p.stem for p in folder.glob("*.html"))
        return sorted(names - NOT_PAGE_TEMPLATES)

    def _render_body(self, page: Page, body: str, site: SiteView, region: RegionView | None,
                     data: Any, out: Output) -> str | None:
        """Fill in region variables such as {{ region.name }}; an error points at the page's line."""
        try:
            return self.body_env.fill_in(body, site=site, region=region, data=data, page=page.meta)
        except jinja2.TemplateSyntaxError as exc:
            out.problems.append(_problem(page.source_path, page.body_line + exc.lineno - 1,
                                 f"error in a {{{{ }}}} variable: {exc.message}", SYNTAX_HINT))
        except Exception as exc:  # RecursionError and MemoryError too: one page's mistake, reported as such
            line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                         if f.filename == "<template>"), getattr(exc, "line", 0) or 1)
            hint = "" if isinstance(exc, PageTextError | RecursionError | MemoryError) else \
                "they look like {{ region.name }} or {{ region.contact.email }}"
            out.problems.append(_problem(page.source_path, page.body_line + (line or 1) - 1,
                                 f"error in a {{{{ }}}} variable: {_describe(exc)}", hint))
        return None

    def _resolve(self, page: Page, target: str, deps: Deps) -> LinkTarget | str:
        if "&" in target:  # a link filled in by {{ }}, its characters written as references
            target = html.unescape(target)
        written, found = resolve_link(self.site, page.key, target)
        deps.urls.add("content:" + written)  # whether it exists, and what it is, may change
        if isinstance(found, Page):
            deps.pages.add(found.key)
        if found is None:
            if written.endswith(".md"):
                return f"no page '{written}' (from content/)"
            return f"no page or file '{written}' in content/"
        if isinstance(found, Page):
            return LinkTarget(found.url, found.key)
        if isinstance(found, StaticFile):
            document = self.site.documents.get(found.key)
            if document is None:
                return LinkTarget(found.url, None)
            deps.documents.add(found.key)  # a replaced document changes what the link says
            note = document_note(document, self._page_words(page))
            pdf_pages = str(document.pages or 0) if document.kind == "PDF" else ""  # for #page=N (0: not known)
            return LinkTarget(found.url, None, (note, document.title, self._other_language(document), pdf_pages))
        if isinstance(found, Section):
            return LinkTarget(found.url, None)
        return "cannot link to this"

    def _document_view(self, key: str, scope: RenderScope) -> DocumentView:
        return DocumentView(key, self.site.documents[key], self.site.statics[key].url, scope)

    def _document(self, page: Page, target: Any, deps: Deps, scope: RenderScope) -> DocumentView | None:
        """`document('papers/agenda.pdf')` in a template: the document a link of this page would reach
        (the path as a Markdown link writes it), or None when it is no document of the site."""
        if not isinstance(target, str) or not target:
            return None
        written, found = resolve_link(self.site, page.key, html.unescape(target).partition("#")[0])
        deps.urls.add("content:" + written)
        if isinstance(found, StaticFile) and found.key in self.site.documents:
            return self._document_view(found.key, scope)
        return None

    def _other_language(self, document: Any) -> str:
        """A document's language when it is not the site's (compared by primary language: en-US is English)."""
        language = document.language
        site = self.site.config.language
        if not language or language.split("-")[0].lower() == site.split("-")[0].lower():
            return ""
        return language

    def _paginator(self, job: Job, scope: RenderScope) -> Paginator:
        section_key = job.page.section
        site = self.site
        all_posts = site.section_pages(section_key)
        scope.deps.sections.add(section_key)
        size = site.config.news_per_page
        chunk = all_posts[(job.number - 1) * size : job.number * size]
        base = site.sections[section_key].url

        def page_url(n: int) -> str:
            return scope.link(base if n == 1 else f"{base}page/{n}/")

        return Paginator(
            items=[PageView(p, scope) for p in chunk],
            number=job.number,
            total=job.total,
            prev_url=page_url(job.number - 1) if job.number > 1 else None,
            next_url=page_url(job.number + 1) if job.number < job.total else None,
            pages=[{"number": n, "url": page_url(n), "current": n == job.number}
                   for n in range(1, job.total + 1)],
        )


class _LinkedDocuments(Sequence):
    """The documents a page links to (its text, its lists, `document()` in its template): read when a
    template asks, so the notice at the foot of the page (partials/document-formats.html) counts those
    the template itself linked further up."""

    def __init__(self, renderer: Renderer, deps: Deps, scope: RenderScope) -> None:
        self._renderer, self._deps, self._scope = renderer, deps, scope

    def _views(self) -> list[DocumentView]:
        return [self._renderer._document_view(key, self._scope) for key in sorted(self._deps.documents)]

    def __getitem__(self, index: Any) -> Any:
        return self._views()[index]

    def __len__(self) -> int:
        return len(self._deps.documents)

    def __repr__(self) -> str:
        return f"<documents {sorted(self._deps.documents)}>"


class _Place(int):
    """A line number in another file than the page: the data file or settings a link came from."""

    path: Path

    def __new__(cls, line: int, path: Path) -> _Place:
        place = super().__new__(cls, line)
        place.path = path
        return place


@dataclass
class _BodyLinks(PageLinks):
    """The page's links, where a link not written in the page itself (filled in by `{{ }}`) is placed
    at the line of the data file or setting that holds it, when it can be found there."""

    elsewhere: Callable[[str], _Place | None] | None = None

    def line_of(self, needle: str) -> int:
        if self.elsewhere is not None and needle and needle not in self.source:
            place = self.elsewhere(needle)
            if place is not None:
                return place
        return super().line_of(needle)


@dataclass(frozen=True)
class Paginator:
    """One page of a news listing (an object, not a dict: `paginator.items` must be the posts)."""

    items: list[PageView]
    number: int
    total: int
    prev_url: str | None
    next_url: str | None
    pages: list[dict[str, Any]]


class _NotFoundScope(RenderScope):
    """Links of a 404 page, which a host shows at any address and depth: from the root of the host
    the site is published on (see `Linker.from_root`), never relative to the page."""

    def link(self, to_url: str) -> str:
        path, hash_, fragment = to_url.partition("#")
        if not path and fragment:
            return hash_ + fragment
        return self.linker.from_root(self.url, path) + hash_ + fragment


def _template_position(exc: BaseException, chain: ThemeChain) -> tuple[Path | None, int, Path | None, int]:
    """The innermost frame of a traceback in a template of the project, and the innermost one in a
    built-in template below it, if any (Jinja rewrites frames to template lines)."""
    dirs = [d + os.sep for d in map(str, chain.template_dirs)]
    builtin = str(Path(BUILTIN_THEMES)) + os.sep
    inner: Path | None = None
    inner_line = 1
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if not frame.filename.endswith(".html") or not any(frame.filename.startswith(d) for d in dirs):
            continue
        if not frame.filename.startswith(builtin):
            return Path(frame.filename), frame.lineno or 1, inner, inner_line
        if inner is None:
            inner, inner_line = Path(frame.filename), frame.lineno or 1
    return None, 1, inner, inner_line


_VIEW_NAMES = {"PageView": "page", "RegionView": "region", "SiteView": "site", "DataView": "data",
               "SectionView": "section"}
_VIEW_OBJECT = re.compile(r"'icsgen\.[\w.]+\.(\w+) object'")


def _describe(exc: BaseException) -> str:
    """The error in an editor's terms: `'region' has no attribute 'nam'`, not internal class names."""
    if isinstance(exc, jinja2.UndefinedError):
        message = _VIEW_OBJECT.sub(lambda m: f"'{_VIEW_NAMES.get(m.group(1), m.group(1))}'", exc.message or "")
        return f"{message}: a misspelt name, or a value missing from the data?"
    if isinstance(exc, PageTextError | RenderTimeout):
        return str(exc)
    if isinstance(exc, RecursionError):
        return "macros or loops call themselves too deeply"
    if isinstance(exc, MemoryError):
        return "needs more memory than the computer has"
    return f"{type(exc).__name__}: {exc}"


def synthetic_page(site: Site, section_key: str, kind: str) -> Page:
    """A stand-in page for a folder that has no index.md: its listing still needs a page."""
    section = site.sections[section_key]
    folder = site.content_dir / section_key
    meta = FrontMatter(
        title=section.title,
        summary="", date=None, updated=None, author="", tags=(), draft=False, template=None,
        weight=0, nav_title="", reviewed=None, review_due=None, toc=None, slug=None,
        aliases=(), image="", image_alt="", extra=_EMPTY, lines=_EMPTY,
    )
    return Page(key=f"{section_key}/", region=section.region, source_path=folder, url=section.url,
                kind=kind, section=section_key, meta=meta, body="", body_line=1, digest="")


# the theme's word for the title of each page icsgen makes itself, shown in the page's language
SPECIAL_TITLES = {"search": "search_heading", "a-z": "a_z_title", "404": "not_found_title"}


def special_page(site: Site, kind: str, title: str, url: str, region: str | None) -> Page:
    meta = FrontMatter(
        title=title, summary=site.config.description if kind == "hub" else "", date=None,
        updated=None, author="", tags=(), draft=False, template=None, weight=0, nav_title="",
        reviewed=None, review_due=None, toc=None, slug=None, aliases=(), image="", image_alt="",
        extra=_EMPTY, lines=_EMPTY,
    )
    return Page(key=f"<{kind}:{region or ''}>", region=region or "", source_path=site.config.path,
                url=url, kind=kind, section="", meta=meta, body="", body_line=1, digest="")


