"""The build pipeline, top to bottom: settings, content, plan, render, check links, write, swap.

Nothing is written to the output folder until every page has rendered and every link resolved;
the new site is made in a staging folder and swapped in whole. Rendering is a pure function of the
loaded site and a job, so jobs run in worker processes when there are many.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import functools
import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from icsgen.build import prefill as precreate
from icsgen.cache import (
    CACHE_DIR,
    BuildCache,
    DocumentStore,
    InputStates,
    MarkdownCache,
    OutputTable,
    PageStore,
    PrecompiledCode,
    TemplateCodeCache,
    code_fingerprint,
    locked,
    site_fingerprint,
    site_structure,
    stale_outputs,
)
from icsgen.content import SHARED, Site
from icsgen.files import CONTENT_DIR, Tree, scan_content, scan_inputs, unpack_scan
from icsgen.problems import ERROR, WARNING, BuildFailed, Problem, Problems
from icsgen.render import Job, Output, Renderer

from . import moved
from .background import Background, run_detached
from .early import take_early
from .images import Images, make_images
from .links import check_anchors_from_records
from .loading import compile_themes, load, plan
from .options import BuildOptions, Progress
from .output import (
    MARKER,
    Interrupted,
    UnsafeOutput,
    check_output_dir,
    clear_leftovers,
    discard,
    discard_later,
    pause,
    publish_whole,
    remove_later,
    staging_dir,
)
from .rendering import PARALLEL_THRESHOLD, collector, render_all
from .search import IndexerFailed, SearchIndexing
from .search import problem as search_problem
from .writing import apply_changes, make_twin_quietly, output_stats, standing_feeds, write_the_rest

_outlive: list[object] | None = None  # see leave_for_exit


RACY_NS = 2_000_000_000  # input files newer than this are not trusted to the no-change test


@dataclass
class BuildReport:
    out: Path
    pages_by_region: dict[str, int] = field(default_factory=dict)
    files: int = 0
    rendered: int = 0  # pages rendered this time (the rest were unchanged)
    seconds: float = 0.0
    warnings: list = field(default_factory=list)
    jobs: int = 0  # HTML files the site has
    held_back: dict = field(default_factory=dict)  # {"drafts": n, "future": [first date, n]}: see _held_back

    def summary(self) -> str:
        parts = ", ".join(f"{r} {n}" for r, n in self.pages_by_region.items())
        total = sum(self.pages_by_region.values())
        fresh = "" if self.rendered >= self.jobs else f"; {self.rendered} re-rendered, the rest unchanged"
        return f"Built {total} pages ({parts}) into {self.out} in {self.seconds:.2f} s{fresh}" + self._held_back()

    def _held_back(self) -> str:
        """Pages an editor may expect to see published and will not: said, so a mistyped date is noticed."""
        said = []
        drafts = self.held_back.get("drafts", 0)
        if drafts:
            said.append(f"{_count(drafts, 'draft')} (--drafts builds {'it' if drafts == 1 else 'them'})")
        first, later = self.held_back.get("future") or ("", 0)
        if later:
            said.append(f"{_count(later, 'page')} dated after the build's date, the first on {first} (published by "
                        f"the first build on or after it; --future builds {'it' if later == 1 else 'them'} now)")
        return f"\nNot published: {'; '.join(said)}." if said else ""


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


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
    with collector(False), locked(root) if options.cache else contextlib.nullcontext():
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


def _build(root: Path, options: BuildOptions, progress: Progress | None) -> BuildReport:
    """The steps of a build, in order; `_Run` holds what each step leaves for the next."""
    run = _Run(root, options, progress)
    run.prepare_output()
    if run.cache is not None and run.nothing_changed():
        return run.report()
    try:
        run.load()
        run.render()
        run.index_for_search()  # in the background, while links are checked and the other files written
        run.check_links()
        run.write_the_rest()
        run.finish_search()
        run.publish()
    except BaseException as exc:
        run.abandon(exc)
        if isinstance(exc, KeyboardInterrupt) and not isinstance(exc, Interrupted):
            raise Interrupted(published=False) from None
        raise
    run.save_cache()
    if _outlive is not None:
        _outlive.append(run)
    return run.report()


class _Run:
    """One build as it goes: each step below reads what the steps before it left in these attributes.

    With a cache, a rebuild renders only the pages whose inputs changed (the records in `table`) and
    publishes only the files that differ; without one, or on a first build, it renders everything
    into the staging folder and publishes it whole. Either way nothing reaches `out` before every
    page rendered and every link resolved.
    """

    def __init__(self, root: Path, options: BuildOptions, progress: Progress | None) -> None:
        self.start = time.perf_counter()
        self.root, self.options, self.progress = root, options, progress
        self.out = (options.out or root / "build").resolve()
        self.cache = BuildCache(root) if options.cache else None
        self.quick = _options_key(options)  # the no-change test's key: code, options and the day
        self.summary: dict = {}
        self.rendered = 0
        self.warnings: list = []
        # what the file system says (`nothing_changed`)
        self.built = False  # out holds a site a build finished
        self.output_stats: dict[str, list[int]] = {}
        self.inputs: dict[str, list[int]] = {}
        self.trees: dict[str, Tree] | None = None
        self.stale: set[str] = set()  # outputs no longer as the last build wrote them
        self.store: PageStore | None = None
        self.documents: DocumentStore | None = None  # documents' descriptions (cache/documents.py)
        # what rendering left (`render`)
        self.staging = Path()
        self.ahead: list[str] = []
        self.made_ahead = False
        self.making: Background | None = None
        self.converted: MarkdownCache | None = None
        self.images: Images | None = None  # content images' sizes and made files (build/images.py)
        self.previous: OutputTable | None = None
        self.same_addresses = False  # the site publishes the very addresses the last build did (`render`)
        self.standing: list[str] = []
        self.pages_written: list[str] = []
        self.restat: set[str] = set()
        self.rest: list[str] = []
        self.files: list[str] = []
        self.replaced: Path | None = None
        self.searching = SearchIndexing(root, options.cache)  # the search index (`index_for_search`)

    # -- the steps

    def prepare_output(self) -> None:
        """Refuse an output folder that is not ours to replace; put back a site a stopped build left aside."""
        try:
            check_output_dir(self.out, self.root)
        except UnsafeOutput as exc:
            raise BuildFailed([Problem("--out", 0, str(exc), "")]) from None
        clear_leftovers(self.out)
        self.built = (self.out / MARKER).is_file()
        self.output_stats = self.cache.output_stats(self.out) if self.cache and self.built else {}

    def nothing_changed(self) -> bool:
        """Scan inputs and outputs; True when not one file the last build read or wrote has changed."""
        assert self.cache is not None
        self.inputs, self.trees, self.stale, self.store = _scan(self.root, self.out, self.cache, self.output_stats,
                                                                self.options)
        if self.built:
            summary = self.cache.unchanged_since(self.quick, self.out, self.inputs, self.stale)
            if summary is not None:
                self.summary = summary
                return True
        if self.store is None:
            self.store = PageStore(self.cache.folder / "pages.bin", code_fingerprint())
        self.store.stats = self.inputs
        return False

    def load(self) -> None:
        """Load the site, compiling the theme on the other core meanwhile (unless compiled templates are kept)
        and, before a first build, making the output's folders and files ahead (build/prefill.py)."""
        cache, options = self.cache, self.options
        keeps_templates = cache is not None and (cache.folder / "templates").is_dir()
        self.staging = staging_dir(self.out)
        precompiling = Background(functools.partial(compile_themes, self.root),
                                  allowed=options.jobs != 1 and not keeps_templates)
        if not self.output_stats and options.jobs != 1:  # all will be rendered: make its files while pages load
            if self.trees is None:  # the walk load would make
                self.trees = options.trees if options.trees is not None else scan_content(self.root / CONTENT_DIR)
            chosen = options.regions or [name for name in self.trees if name != SHARED]
            self.ahead = precreate.likely_outputs(chosen, self.trees)
        self.making = Background(functools.partial(precreate.make, self.staging, self.ahead),
                                 allowed=len(self.ahead) >= PARALLEL_THRESHOLD)
        try:
            pages = self.store if self.store is not None else options.pages
            trees = self.trees if self.trees is not None else options.trees
            self.documents = self.cache.document_store() if self.cache is not None else None
            documents = self.documents if self.documents is not None else options.documents
            self.loaded = load(self.root, replace(options, pages=pages, trees=trees, documents=documents))
            codes = precompiling.result() if precompiling.running else {}
        finally:
            precompiling.cancel()
            self.made_ahead = self.making.running
            self.making.cancel()  # loaded: the render workers need the cores now, and make any missing file themselves
        pause("loaded")
        self.converted = cache.converted_markdown() if cache else None
        if self.converted is not None:
            self.converted.remember = False  # a build converts each page once: what it keeps is for the next one
        compiled: jinja2.BytecodeCache | None = TemplateCodeCache(cache.folder / "templates", code_fingerprint()) \
            if cache else None
        if codes:
            compiled = PrecompiledCode(codes, compiled)
        self.renderer = Renderer(self.loaded.site, self.loaded.chains, self.converted, compiled)
        # content images: made (or found made) before rendering, whose <picture> needs their sizes
        self.images = make_images(self.loaded.site, cache.folder / "images" if cache else None, self.options.jobs,
                                  self.loaded.problems)
        self.renderer.images = self.images.info

    def render(self) -> None:
        """Render the pages whose inputs changed (all of them on a first build) into the staging folder."""
        site, cache, store = self.loaded.site, self.cache, self.store
        self.jobs = plan(site)
        self.fingerprint = site_fingerprint(site, self.renderer, self.options)
        self.states = InputStates(site, self.renderer, self.jobs)
        self.previous = cache.load_outputs(self.fingerprint, self.out) if cache and self.built else None
        self.table = table = self.previous or OutputTable.empty()
        # The records' page states may be trusted for pages restored from the very store they were made with.
        trusted = (self.previous is not None and store is not None and store.token_read is not None
                   and self.previous.pages_token == store.token_read)
        structure = site_structure(site) if cache else ""  # only compared with the records'
        # every address the last build published is published again (see `check_links`)
        self.same_addresses = self.previous is not None and bool(self.output_stats) and structure == table.structure
        if trusted and structure == table.structure:
            assert store is not None
            self.standing = standing_feeds(site, store, self.output_stats, self.stale)
        changed = table.refresh(self.states, structure, store.restored if trusted and store else None)
        self.kept = table.kept(self.jobs, changed, self.output_stats, self.stale) if self.previous else set()
        self.fresh = _render_changed([j for j in self.jobs if j.url not in self.kept], self.renderer, self.staging,
                                     self.options, self.loaded.problems, self.progress,
                                     self.out if self.previous else None, table, self.states if cache else None)
        self.rendered = len(self.fresh)
        self.pages_written = [result.job.output_path for result in self.fresh.values() if result.written]
        # a page as it was (say, after a template edit that changes no output) is not written again, but a
        # file that was touched by hand, even back to the same bytes, gets its new size and time recorded
        self.restat = {result.job.output_path for result in self.fresh.values() if result.unchanged} & self.stale
        if self.made_ahead:
            precreate.tidy(self.staging, self.ahead, self.pages_written)
        table.keep_only(self.states.jobs)

    def check_links(self) -> None:
        """`#anchor` links (all on a first build, those that may have broken on a rebuild); stop on any error."""
        problems = self.loaded.problems
        check_anchors_from_records(self.loaded.site, self.jobs, self.table,
                                   None if self.previous is None else set(self.fresh), problems)
        # Pages the last build published that this one would not: moved-page protection. None when the site's
        # addresses, redirects included, are those the last build's records were made with (`same_addresses`):
        # that build published what its files hold, and finding their addresses took ~80 ms at 10,000 pages.
        if self.built and not self.same_addresses:
            site = self.loaded.site
            last = list(self.output_stats) if self.output_stats else moved.files_in(self.out)
            moved.report_moved(site, moved.addresses_of_files(last, site.chosen), moved.published_now(site, self.jobs),
                               problems, ERROR if self.options.strict else WARNING)
        if self.options.strict and problems.warnings:
            raise BuildFailed([replace(p, level=ERROR) for p in problems])
        if problems.errors:
            raise BuildFailed(problems.errors)
        self.warnings = problems.warnings

    def index_for_search(self) -> None:
        """Start indexing the search shards whose pages changed, into the staging folder (build/search.py):
        Pagefind's processes work while this one checks links and writes the other files (`finish_search`
        waits). With `--no-search`, none (and the kept search records go: they would be out of date)."""
        if not self.options.search:
            if self.cache is not None:
                self.searching.forget()
            return
        live = self.out if self.previous else None
        self.searching.start(self.loaded.site, self.jobs, self.fresh, self.staging, live,
                             self.output_stats if live else (), self.stale)

    def finish_search(self) -> None:
        """Wait for the search shards `index_for_search` started; a failure to index fails the build."""
        try:
            self.searching.finish()
        except IndexerFailed as exc:
            raise BuildFailed([search_problem(exc)]) from None
        self.summary["files"] += len(self.searching.written)

    def write_the_rest(self) -> None:
        """Theme and static files, feeds, sitemaps and robots.txt, into the staging folder."""
        self.rest = write_the_rest(self.renderer, self.loaded.site, self.staging,
                                   skip={rel.split("/", 1)[0] for rel in self.standing}, images=self.images)
        if self.images is not None:
            self.images.close()  # without a cache, the made images were in a folder of their own
        counted = collections.Counter(j.region for j in self.jobs  # pages of content: not 404s, search pages, A to Zs
                                      if not j.url.endswith("404.html") and j.page.kind not in ("search", "a-z"))
        search = self.searching
        self.summary = {"pages_by_region": {region: counted[region] for region in self.loaded.site.chosen},
                        "files": len(self.jobs) + len(self.rest) + len(self.standing) + len(search.standing),
                        "jobs": len(self.jobs),  # the search files written are added by `finish_search`
                        "held_back": _held_back(self.loaded.site)}

    def publish(self) -> None:
        """Publish in one step: a rebuild's changed files, or (first build, no cache) the whole staging folder."""
        self.fresh_files = {MARKER, *self.rest, *self.pages_written, *self.searching.written}
        written = sorted(self.fresh_files)  # what is in the staging folder: listing it took ~0.5 s at 10,000 pages
        if self.previous:
            self.files = apply_changes(self.staging, self.out, written,
                                       list(self.output_stats) + self.searching.replaced,
                                       [j.output_path for j in self.jobs] + self.standing + self.searching.standing,
                                       differ=set(self.pages_written))
        else:
            self.replaced = publish_whole(self.staging, self.out)
            self.files = written

    def abandon(self, exc: BaseException) -> None:
        """After a failed step: the staging folder goes, `out` stays as it was."""
        self.searching.cancel()  # Pagefind's processes, if still indexing into the staging folder
        if self.making is not None:
            self.making.cancel()  # before the staging folder goes: the child would make it again
        if self.staging != Path():
            if isinstance(exc, KeyboardInterrupt):
                discard_later(self.staging)  # Ctrl-C: the editor wants the prompt back now
            else:
                discard(self.staging)
        if self.store is not None:
            _save_later([self.store.save])  # whatever went wrong: the models of readable pages are right

    def save_cache(self) -> None:
        """Write the records the next build compares with, after `out` is complete (see `_save_later`)."""
        cache, store = self.cache, self.store
        if cache is None:
            if self.replaced is not None:
                remove_later(self.replaced)  # without the cache there are no rebuilds, and no twin
            return
        new_stats = output_stats(self.out, self.files, self.output_stats, self.fresh_files | self.restat)
        inputs = self.inputs
        if max((stat[1] for stat in inputs.values()), default=0) > time.time_ns() - RACY_NS:
            inputs = {}  # edited a moment ago: a same-size edit in the same clock tick could pass unseen
        table, converted, out, summary = self.table, self.converted, self.out, self.summary

        def save_records() -> None:  # after the page store's save: the records name the version it wrote
            table.pages_token = store.token if store else None
            cache.save_outputs(self.fingerprint, out, table)
            cache.save_state(self.quick, out, inputs, new_stats, summary)
            if converted is not None:  # converted pages no output uses any more go, now and then
                converted.compact({record[3] for record in table.outputs.values() if record[3]})

        # A full build's twin, for the next rebuild to publish by exchange (see build/output.py): made from the
        # replaced site, most of whose folders it needs, after the cache (the next build waits for both)
        twin = [functools.partial(make_twin_quietly, out, self.replaced)] if not self.previous else []
        documents = [self.documents.save] if self.documents is not None else []
        _save_later([*([store.save] if store else []), *documents, save_records, *self.searching.saves, *twin])

    def report(self) -> BuildReport:
        report = BuildReport(self.out, pages_by_region=dict(self.summary["pages_by_region"]),
                             files=self.summary["files"], rendered=self.rendered, warnings=self.warnings,
                             jobs=self.summary.get("jobs", 0), held_back=self.summary.get("held_back", {}))
        report.seconds = time.perf_counter() - self.start
        return report


def _held_back(site: Site) -> dict:
    """How many of the chosen regions' pages are drafts, or dated after the build's date, left out."""
    later = sorted(date for date in site.held_back.values() if date is not None)
    return {"drafts": len(site.held_back) - len(later),
            "future": [later[0].isoformat(), len(later)] if later else ["", 0]}


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


def _save_later(saves: list[Callable[[], None]]) -> None:
    """Write the cache files: in a detached child when this process is about to end (the command line),
    here otherwise. `build/` is complete before they are written, and the cache's lock, which the child
    holds until it is done, makes the next build wait for them (see `cache.locked`)."""
    run_detached(lambda: [save() for save in saves], allowed=_outlive is not None)


def _options_key(options: BuildOptions) -> str:
    today = options.today or dt.date.today()  # a scheduled post goes live when the date comes
    return repr((code_fingerprint(), options.drafts, options.future, sorted(options.regions), today.isoformat(),
                 options.search))


def _render_changed(jobs: list[Job], renderer: Renderer, staging: Path, options: BuildOptions, problems: Problems,
                    progress: Progress | None, live: Path | None, table: OutputTable,
                    states: InputStates | None) -> dict[str, Output]:
    """Render `jobs`, recording each result in `table` as it comes (its inputs' keys only with `states`,
    that is with a cache; without one, the records serve only the anchor check) and keeping the rest.

    Recorded at once, and its inputs, anchors and links let go: kept until every page had rendered, they
    took ~5 KB a page in this process (150 MB at 30,000 pages) while the workers ran.
    """
    results = {}
    for result in render_all(renderer, jobs, staging, options.jobs, progress, keep_deps=options.cache, live=live,
                             search=options.search, let_go=_outlive is not None):
        problems.adopt(result.problems)
        job = result.job
        table.add(job.url, InputStates.keys(job, result.deps) if states is not None else [], states, result.anchors,
                  [(r.target, r.fragment, r.line) for r in result.refs], result.markdown_key)
        result.deps, result.anchors, result.refs = {}, frozenset(), []
        results[job.url] = result
    return results
