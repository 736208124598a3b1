"""The preview's incremental builder: given the files that changed, re-render only what shows them.

`Preview` keeps the last good build in memory: the loaded site, the planned jobs, and what each
output read (its `deps`). A rebuild loads the site again (cheap: reading files is not rendering),
compares it with the last good one, and re-renders

* a changed page, and the outputs that list it when its front matter (title, date, summary...) or
  its address changed;
* the outputs that list a section when a page was added to it or removed from it;
* the outputs that read a changed data file, template or stylesheet;
* everything, when `regions.yaml` or a `theme.yaml` changed.

Files are written straight into the preview folder. After each rebuild the folder holds exactly the
files a full build of the same content writes (but the search index, written after the reply): the
preview keeps the list of the files it holds (`_files`), works out the list the site now has (its
pages, theme and static files, feeds, sitemaps, redirect pages, host rules and calendars), and removes
the difference: a deleted page's output, the redirect page of an alias taken away, a deleted meeting's
.ics. A page made from another (a publications library's category and year pages) is planned again
with it, so its title follows the library's. If the new site has any error, nothing is written: the
last good files stay served and the problems are returned, in the same `path:line: message` form the
command line prints, for the browser overlay.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from icsgen.build import (
    INDEX_DIR,
    MARKER,
    STALL,
    BuildOptions,
    Loaded,
    check_anchors,
    copy_file,
    discard,
    load,
    make_images,
    plan,
    reload,
    render_all,
    staging_dir,
    swap_in,
    unpack_record,
    write_the_rest,
)
from icsgen.cache import IMAGE_SUFFIXES, BuildCache, TemplateCodeCache, code_fingerprint
from icsgen.config import CONFIG_FILE
from icsgen.content import BROKEN, FrontMatterMemo, Page, PageCache, Site, version_of
from icsgen.files import CONTENT_DIR, THEMES_DIR
from icsgen.problems import BuildFailed, Problem, Problems
from icsgen.render import (
    Job,
    Output,
    Renderer,
    calendar_files,
    excerpt,
    feeds,
    nav_target,
    publication_pages,
    published_files,
)

from .searching import PreviewSearch

FULL_REBUILD_SHARE = 0.5  # re-render in workers, into a fresh folder, when this much changed
FULL_REBUILD_MIN = 200


def _asset_key(region: str | None, logical: str) -> str:
    return f"{region or ''}:{logical}"


@dataclass
class Rebuilt:
    """What one rebuild did, for the server and the tests."""

    problems: list[str] = field(default_factory=list)  # as the CLI prints them; empty: success
    rendered: list[str] = field(default_factory=list)  # site paths of re-rendered outputs
    removed: list[str] = field(default_factory=list)
    full: bool = False
    stylesheets: dict[str, str] = field(default_factory=dict)  # old -> new site path
    reload: bool = False  # pages changed: refresh them (False when only stylesheets changed)
    seconds: float = 0.0


@dataclass
class _State:
    """The last good build."""

    loaded: Loaded
    renderer: Renderer
    jobs: dict[str, Job]  # url -> job
    deps: dict[str, dict[str, tuple[str, ...]]]  # url -> what it read
    anchors: dict[str, frozenset[str]]  # url -> ids on the page
    refs: dict[str, list]  # url -> [(page, LinkRef)]
    users: DepIndex = field(default_factory=lambda: DepIndex())  # what read each input: deps inverted


class DepIndex:
    """Which outputs read each input (`("pages", key)` -> urls): the inverse of the outputs' deps.

    Finding the outputs a save affects is then a few look-ups instead of a pass over every output.
    Updated in place only once a rebuild has succeeded, so it always matches the last good build.
    """

    def __init__(self) -> None:
        self._users: dict[tuple[str, str], set[str]] = {}

    def add(self, url: str, deps: dict[str, tuple[str, ...]]) -> None:
        for kind, items in deps.items():
            for item in items:
                self._users.setdefault((kind, item), set()).add(url)

    def remove(self, url: str, deps: dict[str, tuple[str, ...]] | None) -> None:
        for kind, items in (deps or {}).items():
            for item in items:
                users = self._users.get((kind, item))
                if users is not None:
                    users.discard(url)

    def users(self, kind: str, items: set[str]) -> set[str]:
        found: set[str] = set()
        for item in items:
            found |= self._users.get((kind, item), set())
        return found


class Preview:
    """Builds the site into `folder` and keeps it up to date with `rebuild(changed_paths)`."""

    def __init__(self, root: Path, options: BuildOptions, folder: Path | None = None) -> None:
        self.root = root.resolve()
        self.options = options
        self.folder = (folder or Path(tempfile.mkdtemp(prefix="icsgen-preview-"))).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / MARKER).write_text("The icsgen serve preview; removed when it stops.\n")
        self.rebuilds = 0
        self.problems: list[str] = []
        self.last: Rebuilt | None = None
        self._state: _State | None = None
        self._pending: set[Path] = set()  # changes not yet in a good build
        self._written: dict[str, str] = {}  # feeds and sitemaps as last written
        self._files: set[str] = set()  # every file in the folder but the search index: what the last build wrote
        self._memo = FrontMatterMemo()  # parsed front matter, by its text
        self._pages = PageCache()  # pages read, by file, size and time of change
        # converted bodies, shared with `icsgen build` and with worker processes: a theme edit
        # redoes only the templates
        self._converted = BuildCache(self.root).converted_markdown()
        # compiled templates, shared with `icsgen build`: a theme edit compiles only what changed
        self._compiled = TemplateCodeCache(BuildCache(self.root).folder / "templates", code_fingerprint())
        self._lock = threading.Lock()
        # Hooks for the process that runs this preview beside a server (serve/builder.py): `writing()` surrounds
        # every change to the folder (the server holds page requests meanwhile), `progress(label)` is told
        # of each step (a page about to be rendered, some pages done), and `stall` bounds a render worker.
        self.writing: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext
        self.progress: Callable[[str], None] | None = None
        self.stall = STALL
        self.search = PreviewSearch(self.folder, options.search)  # indexed after each reply: `index_search`

    # -- the public steps ------------------------------------------------------------------------

    def build(self) -> Rebuilt:
        """Build everything (the first time, or to start over)."""
        with self._lock:
            return self._finish(self._full, time.perf_counter())

    def rebuild(self, changed: Iterable[Path] = ()) -> Rebuilt:
        """Bring the preview up to date after `changed` files changed (or were added or removed)."""
        with self._lock:
            self.rebuilds += 1
            start = time.perf_counter()
            self._pending.update(_resolved(Path(p)) if Path(p).is_absolute() else self.root / p
                                 for p in changed)
            if self._state is None or self._needs_full(self._pending):
                return self._finish(self._full, start)
            return self._finish(self._incremental, start)

    def index_search(self) -> None:
        """Bring the search index up to date with the last good build, in the background (see searching.py):
        called once the server has its answer, so the page reload never waits for it."""
        self.search.start()

    def close(self) -> None:
        self.search.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- deciding ----------------------------------------------------------------------------------

    def _needs_full(self, changed: set[Path]) -> bool:
        for path in changed:
            if path == self.root / CONFIG_FILE or path.name == "theme.yaml":
                return True
            if path == self.root / THEMES_DIR or path == self.root / CONTENT_DIR:
                return True  # a whole folder appeared or went
        return False

    def _finish(self, step, start: float) -> Rebuilt:  # type: ignore[no-untyped-def]
        try:
            result = step()
        except BuildFailed as exc:
            result = Rebuilt(problems=[str(p) for p in exc.problems])
        if not result.problems:
            self._pending.clear()
        self.problems = result.problems
        result.seconds = time.perf_counter() - start
        self.last = result
        return result

    def _load(self) -> Loaded:
        """The site read as `icsgen build` reads it. Its errors do not stop the rebuild here: as in a build,
        the pages are rendered and their links checked first, so the preview lists every problem the build
        would (a data file's wrong time once hid a missing paper in the same file until it was fixed);
        nothing is written while there are any. `load` itself stops when nothing can be rendered."""
        return load(self.root, replace(self.options, memo=self._memo, pages=self._pages))

    # -- everything, into a fresh folder swapped in whole ----------------------------------------

    def _full(self) -> Rebuilt:
        loaded = self._load()
        renderer = Renderer(loaded.site, loaded.chains, self._converted, self._compiled)
        images = make_images(loaded.site, BuildCache(self.root).folder / "images", self.options.jobs, loaded.problems)
        renderer.images = images.info
        jobs = plan(loaded.site)
        staging = staging_dir(self.folder)
        state = _State(loaded, renderer, {j.url: j for j in jobs}, {}, {}, {})
        records: dict[str, tuple | None] = {}
        try:
            problems = loaded.problems
            told = self.progress
            counted = (lambda done, total: told(f"{done} of {total} pages rendered")) if told else None
            for out in render_all(renderer, jobs, staging, self.options.jobs, counted, stall=self.stall,
                                  search=self.options.search):
                _add_render_problems(problems, out)
                self._remember(state, out)
                records[out.job.url] = unpack_record(out.search)
            self._check_links(state, problems)
            if problems.errors:
                raise BuildFailed(problems.errors)
            rest = write_the_rest(renderer, loaded.site, staging, images=images)
            images.close()
        except BaseException:
            discard(staging)
            raise
        if self.options.search:  # the last index, until the new one is written: its files are not the staging's
            for region in loaded.site.chosen:
                kept = self.folder / region / INDEX_DIR
                if kept.is_dir() and (staging / region).is_dir():
                    os.rename(kept, staging / region / INDEX_DIR)
        with self.writing():
            swap_in(staging, self.folder)
        self.search.reset(loaded.site, jobs, records)
        for url, deps in state.deps.items():
            state.users.add(url, deps)
        # The loaded site is tens of thousands of long-lived objects; left to the garbage collector,
        # each of its full passes would add a pause to some later save. Freeze what exists now.
        gc.collect()
        gc.freeze()
        self._written.clear()
        self._files = {MARKER, *(job.output_path for job in jobs), *rest}
        previous, self._state = self._state, state
        stylesheets: dict[str, str] = {}
        if previous is not None and self._pending and all(_is_css(p) for p in self._pending):
            before, after = _assets(previous.renderer), _assets(renderer)
            stylesheets = {before[k][1]: after[k][1] for k in before.keys() & after.keys()
                           if before[k][1] != after[k][1] and after[k][1].endswith(".css")}
        return Rebuilt(rendered=list(state.jobs), full=True, stylesheets=stylesheets,
                       reload=not stylesheets)

    # -- just what changed -------------------------------------------------------------------------

    def _incremental(self) -> Rebuilt:
        old = self._state
        assert old is not None
        changed = self._pending
        options = replace(self.options, memo=self._memo, pages=self._pages)
        loaded = reload(old.loaded, options, changed) or self._load()  # just the saved pages if it can
        if loaded.problems.errors and loaded.site.stop_before_rendering:  # as `load` stops (see `_load`)
            raise BuildFailed(loaded.problems.errors)
        new_site, old_site = loaded.site, old.loaded.site
        if new_site.config != old_site.config or _chain_names(loaded) != _chain_names(old.loaded):
            return self._full()
        theme_touched = any(self._is_theme_file(p, loaded) for p in changed)
        if any(p.suffix.lower() in IMAGE_SUFFIXES for p in changed):
            return self._full()  # its sizes and made files, and the pages showing it
        if _versions_came_or_went(changed, old_site):
            return self._full()  # every version of the page lists it: the switcher, the alternates
        renderer = Renderer(new_site, loaded.chains, self._converted, self._compiled)
        renderer.images = old.renderer.images
        renderer.reuse(old.renderer, templates=not theme_touched,
                       addresses=new_site.by_url is old_site.by_url and new_site.statics is old_site.statics)
        jobs = _replan(old, new_site)
        affected = self._affected(old, loaded, renderer, jobs, changed)
        if len(affected) >= FULL_REBUILD_MIN and len(affected) >= FULL_REBUILD_SHARE * len(jobs):
            return self._full()
        removed = [u for u in old.jobs if u not in jobs]
        deps, anchors, refs = dict(old.deps), dict(old.anchors), dict(old.refs)  # copies: old stays whole
        for url in removed:
            for table in (deps, anchors, refs):
                table.pop(url, None)
        state = _State(loaded, renderer, jobs, deps, anchors, refs,
                       old.users)  # shared, and changed below only once this rebuild has succeeded
        problems = loaded.problems
        html: dict[str, str] = {}
        told = self.progress
        for url in sorted(affected):
            if told is not None:
                told(str(jobs[url].page.source_path))
            out = renderer.render(jobs[url])
            _add_render_problems(problems, out)
            self._remember(state, out)
            html[url] = out.html
        if removed or any(state.anchors.get(u) != old.anchors.get(u) for u in html):
            self._check_links(state, problems)  # anchors others link to may have gone: check every link
        else:
            self._check_links(state, problems, only=html.keys())
        if problems.errors:
            raise BuildFailed(problems.errors)
        # Everything rendered: now write.
        with self.writing():
            for url, text in html.items():
                _write(self.folder / jobs[url].output_path, text)
            for url in removed:
                _remove(self.folder, old.jobs[url].output_path)
            stylesheets = self._write_assets(self.folder, renderer, old.renderer)
            self._sync_statics(old_site, new_site, changed)
            made = self._write_feeds(self.folder, new_site, renderer)
            self._remove_the_rest(jobs, renderer, new_site, made)
        self.search.update(new_site, jobs, html, [old.jobs[url] for url in removed],
                           statics_changed=new_site.statics is not old_site.statics)
        for url in list(html) + removed:
            state.users.remove(url, old.deps.get(url))
        for url in html:
            state.users.add(url, state.deps[url])
        self._state = state
        only_css = bool(stylesheets) and not removed and all(_is_css(p) for p in changed)
        return Rebuilt(rendered=sorted(affected), removed=removed, stylesheets=stylesheets,
                       reload=not only_css)

    def _affected(self, old: _State, loaded: Loaded, renderer: Renderer,
                  jobs: dict[str, Job], changed: set[Path]) -> set[str]:
        """The outputs to re-render: see the module's docstring."""
        new_site, old_site = loaded.site, old.loaded.site
        affected = {url for url, job in jobs.items() if old.jobs.get(url) != job}  # new or changed
        pages: set[str] = set()  # keys whose listing-visible details changed
        for key in old_site.pages.keys() | new_site.pages.keys() if new_site.reread is None else new_site.reread:
            before, after = old_site.pages.get(key), new_site.pages.get(key)
            if before is after:  # not read again: the same object
                continue
            if before is None or after is None or _listed(before) != _listed(after):
                pages.add(key)
        sections = {key for key in old_site.sections.keys() | new_site.sections.keys()
                    if old_site.sections.get(key) is not new_site.sections.get(key)
                    and _section_sig(old_site, key) != _section_sig(new_site, key)}
        urls = {"content:" + key for key in pages} | {"content:" + key + "/" for key in sections}
        for site in (old_site, new_site):
            urls.update(site.pages[key].url for key in pages if key in site.pages)
            urls.update(site.sections[key].url for key in sections if key in site.sections)
        data = {f"{rid}/{name}" for rid in new_site.regions
                for name in old_site.regions[rid].data.keys() | new_site.regions[rid].data.keys()
                if old_site.regions[rid].data.get(name) != new_site.regions[rid].data.get(name)}
        templates = self._template_names(changed, loaded)
        assets = {key.split(":", 1)[1] for key in _assets(renderer).keys() | _assets(old.renderer).keys()
                  if _assets(renderer).get(key) != _assets(old.renderer).get(key)}
        nav_regions = {rid for rid in new_site.regions
                       if _nav(old_site, rid) != _nav(new_site, rid)}
        documents = {key for key in old_site.documents.keys() | new_site.documents.keys()
                     if old_site.documents.get(key) != new_site.documents.get(key)}  # a replaced PDF's links
        index = old.users
        readers = (index.users("pages", pages) | index.users("sections", sections) | index.users("urls", urls)
                   | index.users("documents", documents) | index.users("data", data)
                   | index.users("templates", templates) | index.users("assets", assets))
        affected.update(url for url in readers if url in jobs)
        if nav_regions:
            affected.update(url for url, job in jobs.items() if job.region in nav_regions)
        return affected

    def _is_theme_file(self, path: Path, loaded: Loaded) -> bool:
        if path.is_relative_to(self.root / THEMES_DIR):
            return True
        return any(path.is_relative_to(r.override_dir) for r in loaded.site.regions.values())

    def _template_names(self, changed: set[Path], loaded: Loaded) -> set[str]:
        names = set()
        dirs = {d for chain in loaded.chains.values() for d in chain.template_dirs}
        dirs |= {self.root / THEMES_DIR / p.name / "templates" for p in (self.root / THEMES_DIR).glob("*")}
        dirs |= {r.override_dir / "templates" for r in loaded.site.regions.values()}
        for path in changed:
            for folder in dirs:
                if path.is_relative_to(folder) and path != folder:
                    names.add(path.relative_to(folder).as_posix())
                elif folder.is_relative_to(path):  # a whole templates folder came or went
                    names.update(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
        return names

    # -- bookkeeping and writing -------------------------------------------------------------------

    @staticmethod
    def _remember(state: _State, out: Output) -> None:
        url = out.job.url
        state.deps[url] = out.deps
        state.anchors[url] = out.anchors
        state.refs[url] = [(out.job.page, ref) for ref in out.refs]

    @staticmethod
    def _check_links(state: _State, problems: Problems, only: Iterable[str] | None = None) -> None:
        """Check `#anchor` links: every one, or (`only`) those in the given outputs."""
        site = state.loaded.site
        urls = list(state.jobs) if only is None else list(only)
        refs = [r for url in urls for r in state.refs.get(url, ())]
        anchors: dict[str, frozenset[str]] = {}
        for key in {ref.target for _, ref in refs}:
            page = site.pages.get(key)
            if page is not None and page.url in state.anchors:
                anchors[key] = state.anchors[page.url]
        check_anchors(site, anchors, refs, problems)

    def _write_assets(self, folder: Path, renderer: Renderer, old: Renderer | None) -> dict[str, str]:
        """Copy the theme files that are new or changed, remove replaced ones; return CSS renames."""
        renames: dict[str, str] = {}
        before = _assets(old) if old is not None else {}
        after = _assets(renderer)
        for key, (source, output) in after.items():
            if before.get(key) == (source, output) and not _newer(source, folder / output):
                continue
            copy_file(folder, output, source)
            old_output = before.get(key, (None, None))[1]
            if old_output and old_output != output and output.endswith(".css"):
                renames[old_output] = output
        in_use = {o for _, o in after.values()}
        for _, output in before.values():
            if output not in in_use:
                _remove(folder, output)
        return renames

    def _sync_statics(self, old: Site, new: Site, changed: set[Path]) -> None:
        for key, static in new.statics.items():
            if static.key.split("/", 1)[0] not in new.chosen:
                continue
            previous = old.statics.get(key)
            if previous is None or previous != static or static.source_path in changed:
                copy_file(self.folder, static.url, static.source_path)
        for key, static in old.statics.items():
            if key not in new.statics and static.url not in {s.url for s in new.statics.values()}:
                _remove(self.folder, static.url)

    def _remove_the_rest(self, jobs: dict[str, Job], renderer: Renderer, site: Site, made: set[str]) -> None:
        """Remove every file the site no longer has (`made`: the feeds and other files `_write_feeds` made).

        The files a full build writes are listed from what the rebuild already knows, a set of names: no
        walk over the folder, which at 10,000 pages would cost more than the rebuild. Removed files are
        forgotten by `_written`, so that one coming back is written again."""
        files = {MARKER, *made, *(job.output_path for job in jobs.values())}
        files.update(output for _, output in _assets(renderer).values())
        files.update(_static_files(site, renderer.images))
        for rel in self._files - files:
            _remove(self.folder, rel)
            self._written.pop(rel, None)
        self._files = files

    def _write_feeds(self, folder: Path, site: Site, renderer: Renderer) -> set[str]:
        """Feeds, sitemaps, redirect pages, host rules and calendars: cheap to make, so made every time,
        but written only when changed. Returns the names of all of them (the site has them all, written
        now or not)."""
        linker = renderer.linker
        previous = self._state.loaded.site if self._state is not None else None
        touched = _regions_touched(previous, site) if previous is not None and self._written else None
        # a region no page of which was read again keeps its feed and sitemap
        regions = [r for r in site.chosen if touched is None or r in touched]
        files = feeds.site_files(site, linker, regions, renderer.site_words)
        files.update(calendar_files(site, linker, site.chosen))  # from data files, which no page's reading tells of
        for rel, text in files.items():
            if self._written.get(rel) != text:
                _write(folder / rel, text)
                self._written[rel] = text
        return {*files, *(rel for region in site.chosen for rel in feeds.region_files(region))}


# -- helpers ------------------------------------------------------------------------------------------


def _replan(old: _State, site: Site) -> dict[str, Job]:
    """The jobs for `site`: the last ones with just the saved pages' swapped, when nothing else can differ.

    Planning builds a job for each of 10,000 pages on every save. When every page kept its address
    (`update_site` then keeps the address table itself), only the saved pages' jobs are new.
    """
    old_site = old.loaded.site
    if site.by_url is not old_site.by_url:
        return {j.url: j for j in plan(site)}
    jobs = dict(old.jobs)
    # Pages made from another (a library's category and year pages) take its title and text, and their
    # number follows the data: planned again every time (a pass over the pages' templates, no reading).
    for page in publication_pages(old_site):
        jobs.pop(page.url, None)
    jobs.update((page.url, Job(page.url, page, page.region)) for page in publication_pages(site))
    for key in site.pages if site.reread is None else site.reread & site.pages.keys():
        page = site.pages[key]
        if page is not old_site.pages.get(key) and page.region in site.chosen:
            if page.kind == BROKEN:  # a file that could not be read: its problem is reported, as in `plan`
                jobs.pop(page.url, None)
                continue
            if page.kind == "news-list" or jobs.get(page.url) is None:
                return {j.url: j for j in plan(site)}  # numbered listings: plan them properly
            jobs[page.url] = Job(page.url, page, page.region)
    return jobs


def _static_files(site: Site, images: dict) -> list[str]:
    """The site paths a build writes for the chosen regions' static files: an image as its made files
    (`images`: what the renderer knows of each, build/images.py), anything else as itself."""
    files = []
    for static in site.statics.values():
        if static.key.split("/", 1)[0] in site.chosen:
            info = images.get(static.url)
            made = published_files(static.url, info) if info else []
            files += [url for url, _ in made] or [static.url]
    return files


def _regions_touched(old: Site, new: Site) -> set[str]:
    """Regions whose feed or sitemap may differ: a page added or removed, or read again with another
    address or front matter (an unchanged page is the very same object; a saved body is no matter)."""
    touched = {key.split("/", 1)[0] for key in old.pages.keys() ^ new.pages.keys()}
    for key in new.pages if new.reread is None else new.reread & new.pages.keys():
        page, before = new.pages[key], old.pages.get(key)
        if before is not page and before is not None and (before.url, before.meta) != (page.url, page.meta):
            touched.add(page.region)
    return touched


def _resolved(path: Path) -> Path:
    """`path` with links followed, or as it is when a link on the way loops (the load reports it)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path


def _add_render_problems(problems: Problems, out: Output) -> None:
    problems.adopt(out.problems)


def _listed(page: Page) -> tuple:
    """What other pages can show of a page: its front matter, address, kind and summary."""
    return (page.meta, page.url, page.kind, page.section, page.meta.summary or excerpt(page.body))


def _section_sig(site: Site, key: str) -> tuple | None:
    section = site.sections.get(key)
    if section is None:
        return None
    index = section.index
    return (section.url, section.pages, section.sections, section.title,
            (index.key, index.meta, index.url) if index else None)


def _nav(site: Site, region_id: str) -> tuple:
    region = site.regions[region_id]
    return tuple((item.title, nav_target(site, region_id, item.page)) for item in region.config.nav)


def _chain_names(loaded: Loaded) -> dict:
    return {k: c.names for k, c in loaded.chains.items()}


def _assets(renderer: Renderer | None) -> dict[str, tuple[Path, str]]:
    """Theme files by (region, logical path): (source, output site path)."""
    if renderer is None:
        return {}
    return {_asset_key(region, logical): found for (region, logical), found in renderer.asset_files.items()}


def _newer(source: Path, target: Path) -> bool:
    try:
        return source.stat().st_mtime_ns > target.stat().st_mtime_ns
    except OSError:
        return True


def _is_css(path: Path) -> bool:
    return path.suffix == ".css"


def _write(path: Path, text: str) -> None:
    """Write in place: page requests wait while a rebuild runs, and in-place is the fastest write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _remove(folder: Path, rel: str) -> None:
    """Remove one output file, then any folders it leaves empty (never the preview folder)."""
    path = folder / rel
    if not path.resolve().is_relative_to(folder.resolve()):
        return
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != folder and parent.is_relative_to(folder):
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


__all__ = ["Preview", "Problem", "Rebuilt"]


def _versions_came_or_went(changed: set[Path], site: Site) -> bool:
    """Whether a translation or Easy Read version (`priorities.bn.md`) was added or deleted: every other
    version of its page lists it, which the pages' recorded dependencies cannot all say (a page records
    the would-be files of its versions only in the languages the site already uses)."""
    candidates = [p for p in changed if p.suffix == ".md" and "." in p.stem and any(version_of(p.stem)[1:])]
    if not candidates:
        return False
    known = {str(page.source_path) for page in site.pages.values() if page.original}
    return any(p.exists() != (str(p) in known) for p in candidates)
