"""The build pipeline, top to bottom: settings, content, plan, render, check links, write, swap.

Nothing is written to the output folder until every page has rendered and every link resolved;
the new site is made in a staging folder and swapped in whole. Rendering is a pure function of the
loaded site and a job, so jobs run in worker processes when there are many.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import filecmp
import functools
import gc
import math
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from icsgen.build import prefill as precreate
from .background import Background, run_detached
from icsgen.cache import (
    CACHE_DIR,
    BuildCache,
    InputStates,
    OutputTable,
    code_fingerprint,
    decode_refs,
    file_stat,
    kept_for_reading,
    locked,
    refers_to,
    site_fingerprint,
    site_structure,
    stale_outputs,
)
from icsgen.config import SiteConfig, load_config
from icsgen.content import SHARED, LoadOptions, Page, PageSource, Site, load_site, slugify, update_site
from icsgen.files import CONTENT_DIR, THEME_OVERRIDES, Tree, scan_content
from icsgen.problems import BuildFailed, Problem, Problems, nearest
from icsgen.content import FrontMatterMemo
from icsgen.markdown import LinkRef
from .output import (
    MARKER,
    Interrupted,
    UnsafeOutput,
    check_output_dir,
    clear_leftovers,
    copy_file,
    discard,
    discard_later,
    holds,
    make_twin,
    pause,
    publish_changes,
    publish_whole,
    remove_later,
    staging_dir,
    unwritable,
    write_bytes,
    write_text,
)
from icsgen.cache import PageStore
from icsgen.render import Job, Output, Renderer, feeds, special_page, synthetic_page, theme_environment
from icsgen.content import check_required
from icsgen.cache import CodeRecorder, PrecompiledCode, TemplateCodeCache
from icsgen.render import ThemeChain, theme_chain
from icsgen.render import nav_target
from .early import take_early
from icsgen.files import scan_inputs, unpack_scan
from icsgen.content import BROKEN
from .workers import STALL, WorkerFailed, can_fork, forked_map

_outlive: list[object] | None = None  # see leave_for_exit
RACY_NS = 2_000_000_000  # input files newer than this are not trusted to the no-change test
PARALLEL_THRESHOLD = 60  # below this many pages, starting workers costs more than it saves


@dataclass(frozen=True)
class BuildOptions:
    out: Path | None = None  # default: <root>/build
    regions: tuple[str, ...] = ()
    drafts: bool = False
    future: bool = False
    jobs: int = 0  # 0: one per core
    today: dt.date | None = None
    cache: bool = True  # False: --no-cache, render everything and leave the cache alone
    memo: FrontMatterMemo | None = None
    pages: PageSource | None = None  # pages kept between loads (serve's memory, build's store)
    trees: dict[str, Tree] | None = None  # content files from the build's own walk (`scan_content`)


@dataclass
class BuildReport:
    out: Path
    pages_by_region: dict[str, int] = field(default_factory=dict)
    files: int = 0
    rendered: int = 0  # pages rendered this time (the rest were unchanged)
    seconds: float = 0.0
    warnings: list = field(default_factory=list)
    jobs: int = 0  # HTML files the site has

    def summary(self) -> str:
        parts = ", ".join(f"{r} {n}" for r, n in self.pages_by_region.items())
        total = sum(self.pages_by_region.values())
        fresh = "" if self.rendered >= self.jobs else f"; {self.rendered} re-rendered, the rest unchanged"
        return f"Built {total} pages ({parts}) into {self.out} in {self.seconds:.2f} s{fresh}"


Progress = Callable[[int, int], None]
Inspection = Callable[[Job], list]  # findings about a job's page, made beside its render (check's style)


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
        chains = _theme_chains(root, config, site.chosen, problems)
    except OSError as exc:
        problems.add_os_error(exc.filename or root, exc)
        raise BuildFailed(problems.errors) from None
    if site.stop_before_rendering or not all(chain.complete for chain in chains.values()):
        raise BuildFailed(problems.errors)  # a link out of the project, a stray folder: rendering adds only noise
    _check_navigation(site, problems)
    check_required(site, problems)  # a region's check.required fields
    _check_static_files(site, problems)
    return Loaded(site, chains, problems)


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


def _theme_chains(root: Path, config: SiteConfig, regions: Iterable[str],
                  problems: Problems) -> dict[str | None, ThemeChain]:
    """The hub's theme chain and each of `regions`' (with its own `_theme` overrides first)."""
    chains = {None: theme_chain(root, config.theme, None, problems, config.path, 1)}
    wanted = set(regions)
    for rc in config.regions:
        if rc.id in wanted:
            chains[rc.id] = theme_chain(root, rc.theme, root / CONTENT_DIR / rc.id / THEME_OVERRIDES, problems,
                                        config.path, rc.line if rc.theme != config.theme else 1)  # the site's: once
    return chains


def _compile_themes(root: Path) -> dict:
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
    for chain in _theme_chains(root, config, [rc.id for rc in config.regions], problems).values():
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
    _check_navigation(site, problems)
    check_required(site, problems)
    return Loaded(site, previous.chains, problems)


def plan(site: Site) -> list[Job]:
    """Every HTML file the site needs: pages, generated section pages, news pages, hub and 404s."""
    jobs = [Job("", special_page(site, "hub", site.config.title, "", None), None),
            Job("404.html", special_page(site, "404", "Page not found", "404.html", None), None)]
    for region in (site.regions[r] for r in site.chosen):
        jobs.append(Job(f"{region.id}/404.html",
                        special_page(site, "404", "Page not found", f"{region.id}/404.html", region.id),
                        region.id))
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
    return jobs


@dataclass
class Rendered:
    """A site rendered in memory by `render_in_memory`: each job's result (its HTML let go), in job order."""

    loaded: Loaded
    jobs: list[Job]
    results: list[Output]


def render_in_memory(root: Path, options: BuildOptions,
                     inspect: Callable[[Site, Job], list] | None = None) -> Rendered:
    """Load the site and render every page as `build` does, writing nothing: `icsgen check`'s way.

    As a build: the cycle collector paused while the pages load, the theme compiled meanwhile on the other
    core unless compiled templates are kept, and the pages rendered by `options.jobs` workers, each running
    `inspect(site, job)` beside the render (it comes back in `result.findings`). Unless `options.cache` is
    False, what the last build kept (converted Markdown, compiled templates) is read, never written (see
    `kept_for_reading`). Raises `BuildFailed` when nothing can be rendered.
    """
    with _collector(False):
        markdown, templates = kept_for_reading(root) if options.cache else (None, None)
        precompiling = Background(functools.partial(_compile_themes, root),
                                  allowed=options.jobs != 1 and templates is None)
        try:
            loaded = load(root, options)
            codes = precompiling.result() if precompiling.running else {}
        finally:
            precompiling.cancel()
        compiled: jinja2.BytecodeCache | None = PrecompiledCode(codes, templates) if codes else templates
        renderer = Renderer(loaded.site, loaded.chains, markdown, compiled)
        jobs = plan(loaded.site)
        look = functools.partial(inspect, loaded.site) if inspect is not None else None
        results = list(render_all(renderer, jobs, None, options.jobs, keep_deps=False, inspect=look))
    return Rendered(loaded, jobs, results)


def leave_for_exit() -> None:
    """From now on, builds in this process leave their site model and records for the process's end.

    For the command line only, which then ends with `os._exit` (see cli.run): the objects are never
    freed one by one, which at 10,000 pages takes longer than most of what a rebuild does.
    """
    global _outlive
    _outlive = []


def build(root: Path, options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the site: only what changed since the last build when the cache allows, else everything.

    Whatever the file system refuses (a full disk, a read-only folder, a file that went away) fails the
    build with a plain problem naming the file, before the new site is published: never a traceback.
    """
    with _collector(False), locked(root) if options.cache else contextlib.nullcontext():
        try:
            report = _build(root, options, progress)
        except OSError as exc:
            raise BuildFailed([_file_problem(exc, root, (options.out or root / "build").resolve())]) from None
        except UnsafeOutput as exc:  # the twin's name is taken by a folder icsgen did not make
            raise BuildFailed([Problem("--out", 0, str(exc), "")]) from None
        if _outlive is not None:  # objects made while the collector was paused, left for the exit: never walk them
            gc.freeze()
        return report


def _file_problem(error: OSError, root: Path, out: Path) -> Problem:
    """The problem for a file-system error met while building: naming the input it was reading, or the
    file of `out` it was writing (where it is being made: a staging folder or the twin, beside `out`)."""
    problems = Problems(root)
    if not error.filename:  # out of something (open files, memory for a process) rather than a file's fault
        problems.add_os_error(out, error, "the build stopped")
        return problems.errors[0]
    path, doing = Path(os.path.abspath(error.filename)), "cannot read"
    if path.is_relative_to(out.parent) and path != out.parent:
        first, *rest = path.relative_to(out.parent).parts
        if first == out.name or first.startswith(f".{out.name}."):
            path, doing = out.joinpath(*rest), "cannot write the new site"
    if path.is_relative_to(root / CACHE_DIR):
        path, doing = root / CACHE_DIR, "cannot write the build cache"
    problems.add_os_error(path, error, doing)
    return problems.errors[0]


@contextlib.contextmanager
def _collector(running: bool) -> Iterator[None]:
    """Pause (or run) Python's cycle collector for a while, then put it back as it was.

    Loading makes hundreds of thousands of long-lived objects and no garbage cycles to speak of, yet
    each pass of the collector walks them all: ~0.3 s of a one-page rebuild at 10,000 pages. It runs
    again where garbage is made in bulk: rendering many pages in one process, and in every worker.
    """
    was = gc.isenabled()
    gc.enable() if running else gc.disable()
    try:
        yield
    finally:
        gc.enable() if was else gc.disable()


def _build(root: Path, options: BuildOptions, progress: Progress | None) -> BuildReport:
    start = time.perf_counter()
    out = (options.out or root / "build").resolve()
    try:
        check_output_dir(out, root)
    except UnsafeOutput as exc:
        raise BuildFailed([Problem("--out", 0, str(exc), "choose an empty or new folder")]) from None
    clear_leftovers(out)  # and puts back a site a stopped build left aside
    cache = BuildCache(root) if options.cache else None
    quick = _options_key(options)
    built = (out / MARKER).is_file()
    output_stats = cache.output_stats(out) if cache and built else {}
    inputs: dict[str, list[int]] = {}
    trees: dict[str, Tree] | None = None
    stale: set[str] = set()  # outputs no longer as the last build wrote them
    store: PageStore | None = None
    if cache is not None:
        inputs, trees, stale, store = _scan(root, out, cache, output_stats, options)
        if built:
            summary = cache.unchanged_since(quick, out, inputs, stale)
            if summary is not None:  # not one file read by the build, nor one it wrote, has changed
                return _report(out, summary, 0, [], start)
        if store is None:
            store = PageStore(cache.folder / "pages.bin", code_fingerprint())
        store.stats = inputs
    keeps_templates = cache is not None and (cache.folder / "templates").is_dir()
    staging = staging_dir(out)
    precompiling = Background(functools.partial(_compile_themes, root),
                              allowed=options.jobs != 1 and not keeps_templates)
    ahead: list[str] = []
    if not output_stats and options.jobs != 1:  # all will be rendered: make its files while the pages load
        if trees is None:  # the walk load would make
            trees = options.trees if options.trees is not None else scan_content(root / CONTENT_DIR)
        ahead = precreate.likely_outputs(options.regions or [name for name in trees if name != SHARED], trees)
    making = Background(functools.partial(precreate.make, staging, ahead), allowed=len(ahead) >= PARALLEL_THRESHOLD)
    try:
        try:
            loaded = load(root, replace(options, pages=store if store is not None else options.pages,
                                     trees=trees if trees is not None else options.trees))
            codes = precompiling.result() if precompiling.running else {}
        finally:
            precompiling.cancel()
            made_ahead = making.running
            making.cancel()  # loaded: the render workers need the cores now, and make any missing file themselves
        pause("loaded")
        site = loaded.site
        converted = cache.converted_markdown() if cache else None
        if converted is not None:
            converted.remember = False  # a build converts each page once: what it keeps is for the next one
        compiled: jinja2.BytecodeCache | None = TemplateCodeCache(cache.folder / "templates", code_fingerprint()) \
            if cache else None
        if codes:
            compiled = PrecompiledCode(codes, compiled)
        renderer = Renderer(site, loaded.chains, converted, compiled)
        jobs = plan(site)
        fingerprint = site_fingerprint(site, renderer, options)
        states = InputStates(site, renderer, jobs)
        previous = cache.load_outputs(fingerprint, out) if cache and built else None
        table = previous or OutputTable.empty()
        # The records' page states may be trusted for pages restored from the very store they were made with.
        trusted = (previous is not None and store is not None and store.token_read is not None
                   and previous.pages_token == store.token_read)
        structure = site_structure(site) if cache else ""  # only compared with the records'
        standing = _standing_feeds(site, store, output_stats, stale) if trusted and structure == table.structure \
            else []
        changed = table.refresh(states, structure, store.restored if trusted else None)
        kept = table.kept(jobs, changed, output_stats, stale) if previous else set()
        fresh = _render_changed([j for j in jobs if j.url not in kept], renderer, staging, options, loaded.problems,
                                progress, out if previous else None, table, states if cache else None)
        pages_written = [result.job.output_path for result in fresh.values() if result.written]
        # a page as it was (say, after a template edit that changes no output) is not written again, but a
        # file that was touched by hand, even back to the same bytes, gets its new size and time recorded
        restat = {result.job.output_path for result in fresh.values() if result.unchanged} & stale
        if made_ahead:
            precreate.tidy(staging, ahead, pages_written)
        table.keep_only(states.jobs)
        _check_anchors_from_records(site, jobs, table, None if previous is None else set(fresh), loaded.problems)
        if loaded.problems.errors:
            raise BuildFailed(loaded.problems.errors)
        rest = write_the_rest(renderer, site, staging, skip={rel.split("/", 1)[0] for rel in standing})
        fresh_files = {MARKER, *rest, *pages_written}
        written = sorted(fresh_files)  # what is in the staging folder: listing it took ~0.5 s at 10,000 pages
        replaced = None
        if previous:
            files = _apply_changes(staging, out, written, list(output_stats),
                                   [j.output_path for j in jobs] + standing, differ=set(pages_written))
        else:
            replaced = publish_whole(staging, out)
            files = written
    except BaseException as exc:
        making.cancel()  # before the staging folder goes: the child would make it again
        if isinstance(exc, KeyboardInterrupt):
            discard_later(staging)  # Ctrl-C: the editor wants the prompt back now
        else:
            discard(staging)
        if store is not None:
            _save_later([store.save])  # whatever went wrong: the models of readable pages are right
        if isinstance(exc, KeyboardInterrupt) and not isinstance(exc, Interrupted):
            raise Interrupted(published=False) from None
        raise
    counted = collections.Counter(j.region for j in jobs if not j.url.endswith("404.html"))
    pages_by_region = {region: counted[region] for region in site.chosen}
    summary = {"pages_by_region": pages_by_region, "files": len(jobs) + len(rest) + len(standing), "jobs": len(jobs)}
    if cache is not None:
        new_stats = _output_stats(out, files, output_stats, fresh_files | restat)
        if max((stat[1] for stat in inputs.values()), default=0) > time.time_ns() - RACY_NS:
            inputs = {}  # edited a moment ago: a same-size edit in the same clock tick could pass unseen

        def save_records() -> None:  # after the page store's save: the records name the version it wrote
            table.pages_token = store.token if store else None
            cache.save_outputs(fingerprint, out, table)
            cache.save_state(quick, out, inputs, new_stats, summary)
            if converted is not None:  # converted pages no output uses any more go, now and then
                converted.compact({record[3] for record in table.outputs.values() if record[3]})

        # A full build's twin, for the next rebuild to publish by exchange (see build/output.py): made from the
        # replaced site, most of whose folders it needs, after the cache (the next build waits for both)
        twin = [functools.partial(_make_twin_quietly, out, replaced)] if not previous else []
        _save_later([*([store.save] if store else []), save_records, *twin])
    elif replaced is not None:
        remove_later(replaced)  # without the cache there are no rebuilds, and no twin
    if _outlive is not None:
        _outlive.append((loaded, store, renderer, jobs, states, table, inputs, trees, output_stats, fresh, kept))
    return _report(out, summary, len(fresh), loaded.problems.warnings, start)


def _scan(root: Path, out: Path, cache: BuildCache, output_stats: dict[str, list[int]],
          options: BuildOptions) -> tuple[dict[str, list[int]], dict[str, Tree], set[str], PageStore | None]:
    """The file system's answers for the change tests (`scan_inputs`, `stale_outputs`), from the machine's other
    core while this one decodes the caches; the page store too, if it was read meanwhile.

    `--jobs 1` asks for one core, so then the scan runs here, and the caches are read only if
    something changed.
    """
    scan = take_early(root) or Background(functools.partial(scan_inputs, root), allowed=options.jobs != 1)
    # the outputs in a second child: with the inputs, it took longer than this process's own work
    outputs = Background(functools.partial(stale_outputs, out, output_stats), allowed=scan.running)
    store = None
    try:
        if scan.running:  # what the rest of the build needs, unless nothing changed
            store = PageStore(cache.folder / "pages.bin", code_fingerprint())
            store.prepare()
            cache.read_ahead()
        inputs, trees = unpack_scan(scan.result())
        stale = set(outputs.result())
    finally:
        scan.cancel()
        outputs.cancel()
    return inputs, trees, stale, store


def _make_twin_quietly(out: Path, replaced: Path | None) -> None:
    """`make_twin`, in the background: if it cannot be made now, the next rebuild makes it, or says why not."""
    with contextlib.suppress(OSError, UnsafeOutput):
        make_twin(out, replaced)


def _save_later(saves: list[Callable[[], None]]) -> None:
    """Write the cache files: in a detached child when this process is about to end (the command line),
    here otherwise. `build/` is complete before they are written, and the cache's lock, which the child
    holds until it is done, makes the next build wait for them (see `cache.locked`)."""
    run_detached(lambda: [save() for save in saves], allowed=_outlive is not None)


def _options_key(options: BuildOptions) -> str:
    today = options.today or dt.date.today()  # a scheduled post goes live when the date comes
    return repr((code_fingerprint(), options.drafts, options.future, sorted(options.regions), today.isoformat()))


def _report(out: Path, summary: dict, rendered: int, warnings: list, start: float) -> BuildReport:
    report = BuildReport(out, pages_by_region=dict(summary["pages_by_region"]), files=summary["files"],
                         rendered=rendered, warnings=warnings, jobs=summary.get("jobs", 0))
    report.seconds = time.perf_counter() - start
    return report


def _render_changed(jobs: list[Job], renderer: Renderer, staging: Path, options: BuildOptions, problems: Problems,
                    progress: Progress | None, live: Path | None, table: OutputTable,
                    states: InputStates | None) -> dict[str, Output]:
    """Render `jobs`, recording each result in `table` as it comes (its inputs' keys only with `states`,
    that is with a cache; without one, the records serve only the anchor check) and keeping the rest.

    Recorded at once, and its inputs, anchors and links let go: kept until every page had rendered, they
    took ~5 KB a page in this process (150 MB at 30,000 pages) while the workers ran.
    """
    results = {}
    for result in render_all(renderer, jobs, staging, options.jobs, progress, keep_deps=options.cache, live=live):
        for path, line, message, hint in result.problems:
            problems.add(path, line, message, hint)
        job = result.job
        table.add(job.url, InputStates.keys(job, result.deps) if states is not None else [], states, result.anchors,
                  [(r.target, r.fragment, r.line) for r in result.refs], result.markdown_key)
        result.deps, result.anchors, result.refs = {}, frozenset(), []
        results[job.url] = result
    return results


def check_rendered_links(site: Site, rendered: Iterable[tuple[Job, Iterable[str] | None, Iterable[LinkRef]]],
                         problems: Problems) -> None:
    """Check every `#anchor` link of the rendered pages: (job, its ids or None if it failed, its links).

    Shared by build (from cache records) and check (from fresh renders), so both report the same.
    """
    anchors = {}
    refs = []
    for job, ids, links in rendered:
        if ids is not None and job.number == 1:  # a link to a news listing means its first page
            anchors[job.page.key] = frozenset(ids)
        refs.extend((job.page, ref) for ref in links)
    check_anchors(site, anchors, refs, problems)


def _check_anchors_from_records(site: Site, jobs: list[Job], table: OutputTable, fresh: set[str] | None,
                                problems: Problems) -> None:
    """Check `#anchor` links from the records: all of them, or (`fresh` given) only those that may have broken.

    The last build passed this check, so a link can only break if its page or its target was
    rendered again: `fresh` names the outputs rendered this time.
    """
    outputs = table.outputs
    if fresh is None:
        selected = {job.url: decode_refs(outputs[job.url][2]) for job in jobs if job.url in outputs}
    else:
        redone = {job.page.key for job in jobs if job.url in fresh}
        few = refers_to(redone) if len(redone) <= 16 else None  # finds the few records that may link to them
        selected = {}
        for url, record in outputs.items() if redone else ():
            text = record[2]
            if not text:
                continue
            if url in fresh:
                selected[url] = decode_refs(text)
            elif few is None or few(text):
                refs = [ref for ref in decode_refs(text) if ref[0] in redone]
                if refs:
                    selected[url] = refs
    targets = {ref[0] for refs in selected.values() for ref in refs}
    rendered = ((job, table.anchors(job.url) if job.page.key in targets else None,
                 [LinkRef(*ref) for ref in selected.get(job.url, ())])
                for job in jobs  # failed pages have no record, and no links to check; the rest, nothing to check
                if job.url in outputs and (job.url in selected or job.page.key in targets))
    check_rendered_links(site, rendered, problems)


def _apply_changes(staging: Path, out: Path, written: list[str], old_files: list[str],
                   page_files: list[str], differ: Collection[str] = ()) -> list[str]:
    """Publish what changed, and delete what the site no longer has, in one step (`publish_changes`).

    Runs only after every check passed. Files in `differ` are known to differ from the live ones (the
    render workers compared them), the rest are compared here; nothing is published if nothing changed.
    """
    moves = []
    for rel in written:
        target = out / rel
        if rel == MARKER or (rel not in differ and target.is_file()
                             and filecmp.cmp(staging / rel, target, shallow=False)):
            continue
        moves.append(rel)
    files = list(set(written).union(page_files))  # in no order: it only becomes the keys of a dict
    removals = set(old_files) - set(files)
    if moves or removals:
        publish_changes(staging, out, moves, removals)
    if len(written) >= PARALLEL_THRESHOLD:
        discard_later(staging)
    else:
        discard(staging)  # a few folders: quicker than starting `rm`
    return files


def _output_stats(out: Path, files: list[str], old: dict[str, list[int]], written: set[str]) -> dict[str, list[int]]:
    """Size and time of every output file; files this run did not touch keep their recorded stat."""
    folder = str(out) + os.sep
    return {rel: old[rel] if rel in old and rel not in written else file_stat(folder + rel) for rel in files}


# -- rendering, in this process or in workers -----------------------------------------------------

_worker_renderer: Renderer | None = None
_worker_folder: Path | None = None
_worker_jobs: list[Job] = []
_worker_keeps_deps = True
_worker_live: Path | None = None
_worker_inspect: Inspection | None = None


def _render_and_write(index: int) -> tuple[int, Output]:
    """Render job `index` (workers inherit the job list) and write it, unless the live folder holds exactly
    that already (or there is no folder: `render_in_memory`); return it without its HTML."""
    assert _worker_renderer is not None
    job = _worker_jobs[index]
    result = _worker_renderer.render(job)
    if _worker_inspect is not None:
        result.findings = _worker_inspect(job)
    if _worker_folder is not None and result.html and not result.problems:
        data = result.html.encode("utf-8")  # once, for the comparison and the write
        if _worker_live is not None and holds(_worker_live, job.output_path, data):
            result.unchanged = True
        else:
            write_bytes(_worker_folder, job.output_path, data)
            result.written = True
    result.html = ""  # written: don't send it back between processes
    if not _worker_keeps_deps:
        result.deps = {}  # nothing will record them: not worth sending
    result.job = None  # type: ignore[assignment]  # the parent has it; pages don't pickle cheaply
    return index, result


def _worker_start() -> None:
    """A worker collects its own garbage (rendering makes some in bulk), but never walks the site model it
    inherited, which lives as long as it does: that walk was ~0.1 ms a page at 10,000 pages."""
    gc.freeze()
    gc.enable()


def render_all(renderer: Renderer, jobs: list[Job], folder: Path | None, workers: int,
               progress: Progress | None = None, keep_deps: bool = True, live: Path | None = None,
               stall: float = STALL, inspect: Inspection | None = None) -> Iterator[Output]:
    """Render and write every job, yielding results (without their HTML, and without their dependencies
    unless `keep_deps`: a build without a cache records none) in job order.

    With no `folder` nothing is written (`render_in_memory`). `inspect(job)` runs beside each render, in the
    same worker, and its findings come back in `result.findings`: check's style warnings share the cores.

    With `live` (the output folder a rebuild updates), a page whose file there holds exactly its HTML is
    not written into `folder`: after a template edit that changes few pages' output, the workers compare
    the pages while they have them, and the build has nothing to compare or move for the rest.

    Many jobs are shared among forked workers (build/workers.py), but only from a process with no other thread
    running (a fork there could inherit a lock held by another thread); otherwise they are rendered here.
    A worker that dies, or works on `stall` seconds without an answer, is a `BuildFailed` naming its page.
    """
    global _worker_renderer, _worker_folder, _worker_jobs, _worker_keeps_deps, _worker_live, _worker_inspect
    _worker_renderer, _worker_folder, _worker_jobs, _worker_keeps_deps = renderer, folder, jobs, keep_deps
    _worker_live, _worker_inspect = live, inspect
    workers = workers or os.cpu_count() or 1
    try:
        if workers == 1 or len(jobs) < PARALLEL_THRESHOLD or not can_fork():
            with _collector(len(jobs) >= PARALLEL_THRESHOLD):
                yield from _counted(map(_render_and_write, range(len(jobs))), jobs, progress)
            return
        renderer.prepare()  # compile the templates once, for the forked workers to inherit
        chunk = max(1, min(64, len(jobs) // (workers * 32)))  # small enough that no worker waits long at the end
        try:
            results = forked_map(_render_and_write, len(jobs), workers, chunk, start=_worker_start, stall=stall)
            yield from _counted(results, jobs, progress)
        except WorkerFailed as exc:
            raise BuildFailed([_worker_problem(renderer.site.root, jobs, exc)]) from None
    finally:
        _worker_renderer, _worker_folder, _worker_jobs, _worker_keeps_deps, _worker_live = None, None, [], True, None
        _worker_inspect = None


def _worker_problem(root: Path, jobs: list[Job], failure: WorkerFailed) -> Problem:
    """The page a failed worker was rendering, as a problem an editor can act on."""
    problems = Problems(root)
    job = jobs[failure.index] if 0 <= failure.index < len(jobs) else None
    where = job.page.source_path if job is not None else root
    page = f"/{job.url}" if job is not None else "a page"
    problems.add(where, 0, f"rendering {page} did not finish: {failure.reason}",
                 "nothing was changed; try again, and if it happens again, look for a loop in this page or "
                 "its template")
    return problems.errors[0]


def _counted(results: Iterable[tuple[int, Output]], jobs: list[Job],
             progress: Progress | None) -> Iterator[Output]:
    for done, (index, result) in enumerate(results, 1):
        result.job = jobs[index]
        if progress and (done % 50 == 0 or done == len(jobs)):
            progress(done, len(jobs))
        yield result


# -- checks that need the whole site ------------------------------------------------------------


def _check_region_choice(config: SiteConfig, chosen: tuple[str, ...], problems: Problems) -> None:
    known = [r.id for r in config.regions]
    for region_id in chosen:
        if region_id not in known:
            problems.add(config.path, 0, f"unknown region '{region_id}'",
                         nearest(region_id, known) or f"regions: {', '.join(known)}")


def _check_navigation(site: Site, problems: Problems) -> None:
    for region in (site.regions[r] for r in site.chosen):
        if not region.has_folder:  # reported once, not once more for each navigation item
            continue
        for item in region.config.nav:
            if nav_target(site, region.id, item.page) is None:
                problems.add(site.config.path, item.line,
                             f"navigation item '{item.title}' points to '{item.page}', which is not a page of "
                             f"region '{region.id}'", "give a path inside the region, e.g. about/index.md")
        for notice in region.config.notices:  # a notice's link to a page of the region
            if notice.link and ":" not in notice.link and nav_target(site, region.id, notice.link) is None:
                problems.add(notice.path, notice.line, f"the notice's link '{notice.link}' is not a page of region "
                             f"'{region.id}'", "give a path inside the region, e.g. news/heatwave.md, or an "
                             "https:// address")


def check_anchors(site: Site, anchors: dict[str, frozenset[str]], refs: list, problems: Problems) -> None:
    for page, ref in refs:
        target_anchors = anchors.get(ref.target)
        if target_anchors is None or ref.fragment in target_anchors:
            continue
        where = "on this page" if ref.target == page.key else f"on '{ref.target}'"
        problems.add(page.source_path, ref.line, f"no heading or anchor '#{ref.fragment}' {where}",
                     nearest(ref.fragment, target_anchors) or "anchors come from headings: '## Our aims' is #our-aims")


# -- everything that is not a rendered page -----------------------------------------------------


def _standing_feeds(site: Site, store: PageStore, output_stats: dict[str, list[int]], stale: set[str]) -> list[str]:
    """The feeds and sitemaps of regions none of whose pages was read again, when the site's structure
    is unchanged and the records trusted: exactly as the last build wrote them, so they stay as they are.
    """
    touched = {site.pages[key].region for key in site.pages.keys() - store.restored}
    files = []
    for region_id in site.chosen:
        own = [f"{region_id}/news/feed.xml", f"{region_id}/sitemap.xml"]
        if region_id not in touched and all(rel in output_stats and rel not in stale for rel in own):
            files += own
    return files


def write_the_rest(renderer: Renderer, site: Site, folder: Path, skip: Collection[str] = ()) -> list[str]:
    """Theme files, static files, feeds, sitemaps and robots.txt; regions in `skip` keep their feed
    and sitemap (see `_standing_feeds`). Returns the files written."""
    written = []
    for region_key, assets in renderer.assets.items():
        for asset in assets.values():
            written.append(f"{region_key + '/' if region_key else ''}assets/{asset.output}")
            copy_file(folder, written[-1], asset.source_path)
    for static in site.statics.values():
        if static.key.split("/", 1)[0] in site.chosen:
            written.append(static.url)
            copy_file(folder, static.url, static.source_path)
    for rel, text in feeds.site_files(site, renderer.linker, [r for r in site.chosen if r not in skip]).items():
        written.append(rel)
        write_text(folder, rel, text)
    return written


def _numbered(page: Page, url: str, number: int, total: int) -> Page:
    """Page N of a news listing: its own address and a title that says which page it is."""
    meta = replace(page.meta, title=f"{page.meta.title} (page {number} of {total})")
    return replace(page, url=url, meta=meta, body="")
