"""Rendering pages, in this process or in forked workers (see workers.py), writing each as it is made."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from icsgen.cache import CACHE_DIR, PrecompiledCode, kept_for_reading
from icsgen.content import Site, let_go_of_bodies
from icsgen.problems import BuildFailed, Problem, Problems
from icsgen.render import Job, Output, Renderer

from .background import Background
from .images import read_images
from .loading import Loaded, compile_themes, load, plan
from .options import BuildOptions, Progress
from .output import holds, write_bytes
from .search import pack_record, worker_record
from .workers import STALL, WorkerFailed, can_fork, forked_map, give_back_freed_memory

PARALLEL_THRESHOLD = 60  # below this many pages, starting workers costs more than it saves
# A worker hands back the memory it freed every this many pages: what a render allocates and frees (~5 MB
# of Python objects held at any time) left it holding ~280 MB at the end of a 30,000-page build
TRIM_EVERY = 64


Inspection = Callable[[Job], list]  # findings about a job's page, made beside its render (check's style)


@contextlib.contextmanager
def collector(running: bool) -> Iterator[None]:
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
    with collector(False):
        markdown, templates = kept_for_reading(root) if options.cache else (None, None)
        precompiling = Background(functools.partial(compile_themes, root),
                                  allowed=options.jobs != 1 and templates is None)
        try:
            loaded = load(root, options)
            codes = precompiling.result() if precompiling.running else {}
        finally:
            precompiling.cancel()
        # as the build warns about an image it cannot make (it publishes it as it is), without making any
        read_images(loaded.site, root / CACHE_DIR / "images" if options.cache else None, options.jobs,
                    loaded.problems)
        compiled: jinja2.BytecodeCache | None = PrecompiledCode(codes, templates) if codes else templates
        renderer = Renderer(loaded.site, loaded.chains, markdown, compiled)
        jobs = plan(loaded.site)
        look = functools.partial(inspect, loaded.site) if inspect is not None else None
        results = list(render_all(renderer, jobs, None, options.jobs, keep_deps=False, inspect=look))
    return Rendered(loaded, jobs, results)


_worker_renderer: Renderer | None = None


_worker_folder: Path | None = None


_worker_jobs: list[Job] = []


_worker_keeps_deps = True


_worker_live: Path | None = None


_worker_inspect: Inspection | None = None


_worker_search = False  # make each written page's search record (build/search.py)


_worker_let_go = False  # pages let go of their bodies (`render_all`'s `let_go`): again once rendered


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
            if _worker_search:
                result.search = pack_record(worker_record(job, _worker_renderer.site, result.html))
    result.html = ""  # written: don't send it back between processes
    if _worker_let_go:  # read from its file for this render; kept, a worker came to hold half the site's bodies
        let_go_of_bodies((job.page,))
        if index % TRIM_EVERY == 0:
            give_back_freed_memory()
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
               stall: float = STALL, inspect: Inspection | None = None, search: bool = False,
               let_go: bool = False) -> Iterator[Output]:
    """Render and write every job, yielding results (without their HTML, and without their dependencies
    unless `keep_deps`: a build without a cache records none) in job order.

    With no `folder` nothing is written (`render_in_memory`). `inspect(job)` runs beside each render, in the
    same worker, and its findings come back in `result.findings`: check's style warnings share the cores.

    With `live` (the output folder a rebuild updates), a page whose file there holds exactly its HTML is
    not written into `folder`: after a template edit that changes few pages' output, the workers compare
    the pages while they have them, and the build has nothing to compare or move for the rest. With `search`,
    each page written gets its search record (`result.search`), made from the HTML the worker has.

    Many jobs are shared among forked workers (build/workers.py), but only from a process with no other thread
    running (a fork there could inherit a lock held by another thread); otherwise they are rendered here.
    A worker that dies, or works on `stall` seconds without an answer, is a `BuildFailed` naming its page.

    With `let_go` (a build whose process ends after it), the pages drop their Markdown before the workers are
    forked (`let_go_of_bodies`): each worker reads the pages it renders from their files, and neither this
    process nor (in its resident size) each worker holds every page's body for the rest of the build.
    """
    global _worker_renderer, _worker_folder, _worker_jobs, _worker_keeps_deps, _worker_live, _worker_inspect
    global _worker_search, _worker_let_go
    _worker_renderer, _worker_folder, _worker_jobs, _worker_keeps_deps = renderer, folder, jobs, keep_deps
    _worker_live, _worker_inspect, _worker_search = live, inspect, search
    workers = workers or os.cpu_count() or 1
    try:
        if workers == 1 or len(jobs) < PARALLEL_THRESHOLD or not can_fork():
            with collector(len(jobs) >= PARALLEL_THRESHOLD):
                yield from _counted(map(_render_and_write, range(len(jobs))), jobs, progress)
            return
        renderer.prepare()  # compile the templates once, for the forked workers to inherit
        if let_go and let_go_of_bodies(job.page for job in jobs):
            give_back_freed_memory()  # or the workers count what the bodies took as theirs too
        _worker_let_go = let_go
        chunk = max(1, min(64, len(jobs) // (workers * 32)))  # small enough that no worker waits long at the end
        try:
            results = forked_map(_render_and_write, len(jobs), workers, chunk, start=_worker_start, stall=stall)
            yield from _counted(results, jobs, progress)
        except WorkerFailed as exc:
            raise BuildFailed([_worker_problem(renderer.site.root, jobs, exc)]) from None
    finally:
        _worker_renderer, _worker_folder, _worker_jobs, _worker_keeps_deps, _worker_live = None, None, [], True, None
        _worker_inspect, _worker_search, _worker_let_go = None, False, False


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
