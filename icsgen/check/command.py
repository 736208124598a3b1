"""`icsgen check`: everything wrong with the content, found without writing anything.

Errors are exactly the ones `icsgen build` stops on: the build's `render_in_memory` loads the site
with the build's `load()` (settings, front matter, data, themes, `check.required`) and renders every
page the build would write with the build's `Renderer`, and links and `#anchors` are checked the
build's way. Warnings come from the NHS content style guide (`icsgen.style`), one page at a time,
each found by the build's worker that renders the page: a check takes about as long as a build.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from icsgen.build import (
    MARKER,
    BuildOptions,
    addresses_of_files,
    check_rendered_links,
    files_in,
    published_now,
    render_in_memory,
    report_moved,
)
from icsgen.content import Page, Site
from icsgen.markdown import blocks
from icsgen.problems import ERROR, WARNING, BuildFailed, Problem, Problems
from icsgen.render import Job, Linker, missing_strings

from .against import check_against
from .documents import document_warnings, external_document_links
from .images import image_warnings
from .sharing import sharing_warnings
from .style import Finding, expired_notices, placeholders, stale_cookie_pages, style_warnings


@dataclass(frozen=True)
class CheckOptions:
    regions: tuple[str, ...] = ()
    drafts: bool = False
    future: bool = False
    today: dt.date | None = None
    jobs: int = 0  # 0: one worker per core, as `icsgen build`
    cache: bool = True  # False: --no-cache, don't read what the last build kept (check never writes it)
    against: tuple[str, ...] = ()  # sitemaps of the live site (files or http(s) addresses)


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    def summary(self) -> str:
        return (f"{_count(len(self.errors), 'error')}, {_count(len(self.warnings), 'warning')} "
                f"in {_count(self.pages, 'page')}")

    def text(self) -> str:
        return "\n".join([*(p.text(level=True) for p in self.problems), self.summary()])

    def json(self) -> str:
        return json.dumps({
            "problems": [p.as_dict() for p in self.problems],
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings), "pages": self.pages,
                        "text": self.summary()},
        }, indent=2)


def check(root: Path, options: CheckOptions = CheckOptions()) -> CheckReport:
    """Load and render the site in memory; return every error and style warning found."""
    try:
        rendered = render_in_memory(root, BuildOptions(regions=options.regions, drafts=options.drafts,
                                                       future=options.future, today=options.today,
                                                       jobs=options.jobs, cache=options.cache), _style_of)
    except BuildFailed as exc:  # regions.yaml unusable: nothing else can be checked
        return CheckReport(list(exc.problems), 0)
    site, problems, jobs = rendered.loaded.site, rendered.loaded.problems, rendered.jobs
    inspected: dict[str, list[Finding]] = {}
    links = []
    for job, result in zip(jobs, rendered.results, strict=True):
        problems.adopt(result.problems)
        if job.number == 1 and site.pages.get(job.page.key) is job.page:
            inspected[job.page.key] = result.findings
        # as the build, which records the anchors of every page it rendered, with problems or not: a link
        # to a heading that is not there is an error even if the page with the heading has another one
        links.append((job, result.anchors, result.refs))
    check_rendered_links(site, links, problems)
    chosen = getattr(site, "chosen", tuple(site.regions))
    for page in site.pages.values():
        if page.region not in chosen:
            continue
        found = inspected.get(page.key)
        if found is None:  # a page no job renders as itself
            found = _page_warnings(site, page)
        for line, message, hint in found:
            problems.add(page.source_path, line, message, hint, WARNING)
    for path, line, message, hint in document_warnings(site):
        problems.add(path, line, message, hint, WARNING)
    for path, line, message, hint in [*expired_notices(site.config, site.today, chosen), *stale_cookie_pages(site)]:
        problems.add(path, line, message, hint, WARNING)
    theme_words(rendered.loaded.chains, site, chosen, problems)
    for path, line, message, hint in image_warnings(site, chosen):
        problems.add(path, line, message, hint, WARNING)
    for path, line, message, hint in placeholders(site):
        problems.add(path, line, message, hint, WARNING)
    for path, line, message, hint in sharing_warnings(site):
        problems.add(path, line, message, hint, WARNING)
    out = root / "build"
    if (out / MARKER).is_file():  # as the build would say: pages it published that would be missing
        report_moved(site, addresses_of_files(files_in(out), site.chosen), published_now(site, jobs), problems)
    linker = Linker(site.config, site.chosen)
    for source in options.against:
        check_against(site, linker, jobs, source, problems)
    pages = sum(1 for j in jobs if j.region and "404" not in j.url and j.page.kind not in ("search", "a-z"))
    return CheckReport(list(problems), pages)


def _style_of(site: Site, job: Job) -> list[Finding]:
    """The style warnings of the page `job` renders as itself (not a numbered news listing, nor a made-up
    page): found in the worker that renders it."""
    page = job.page
    if job.number != 1 or site.pages.get(page.key) is not page:
        return []
    return _page_warnings(site, page)


def _page_warnings(site: Site, page: Page) -> list[Finding]:
    """A page's style warnings and its links to other sites' documents that do not say what they are."""
    read = blocks(page.body, page.body_line)  # read once for both
    found = style_warnings(page, site.regions[page.region].config.check, site.today, site.config.language, read)
    return found + list(external_document_links(read))


def theme_words(chains: dict, site: Site, chosen: tuple[str, ...], problems: Problems) -> None:
    """Warn about each theme word a language the pages use has no translation of (shown in English),
    once per theme chain."""
    used: dict[object, set[str]] = {}
    by_chain: dict[object, object] = {}
    for page in site.pages.values():
        if page.region in chosen and page.lang and page.region in chains:
            chain = chains[page.region]
            by_chain[chain.template_dirs] = chain
            used.setdefault(chain.template_dirs, set()).add(page.lang)
    for dirs, languages in used.items():
        missing_strings(by_chain[dirs], languages, problems)  # type: ignore[arg-type]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
