"""`icsgen check`: everything wrong with the content, found without writing anything.

Errors are exactly the ones `icsgen build` stops on: the site is loaded with the build's `load()`
(settings, front matter, data, themes, `check.required`), every page the build would write is
rendered in memory with the build's `Renderer`, and links and `#anchors` are checked the build's
way. Warnings come from the NHS content style guide (`icsgen.style`), one page at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from icsgen.build import BuildOptions, check_rendered_links, load, plan
from icsgen.problems import ERROR, WARNING, BuildFailed, Problem, Problems
from icsgen.render import Renderer

from .style import expired_notices, placeholders, style_warnings


@dataclass(frozen=True)
class CheckOptions:
    regions: tuple[str, ...] = ()
    drafts: bool = False
    future: bool = False
    today: dt.date | None = None


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
        loaded = load(root, BuildOptions(regions=options.regions, drafts=options.drafts,
                                         future=options.future, today=options.today))
    except BuildFailed as exc:  # regions.yaml unusable: nothing else can be checked
        return CheckReport(list(exc.problems), 0)
    site, problems = loaded.site, loaded.problems
    jobs = plan(site)
    render_problems(Renderer(site, loaded.chains), jobs, problems)
    chosen = getattr(site, "chosen", tuple(site.regions))
    for page in site.pages.values():
        if page.region not in chosen:
            continue
        settings = site.regions[page.region].config.check
        for line, message, hint in style_warnings(page, settings, site.today):
            problems.add(page.source_path, line, message, hint, WARNING)
    for path, line, message, hint in expired_notices(site.config, site.today, chosen):
        problems.add(path, line, message, hint, WARNING)
    for path, line, message, hint in placeholders(site):
        problems.add(path, line, message, hint, WARNING)
    pages = sum(1 for j in jobs if j.region and "404" not in j.url)
    return CheckReport(list(problems), pages)


def render_problems(renderer: Renderer, jobs: list, problems: Problems) -> None:
    """Render each job in memory and record what the build would stop on: the build's own checks."""
    rendered = []
    for job in jobs:
        result = renderer.render(job)
        for path, line, message, hint in result.problems:
            problems.add(path, line, message, hint)
        # as the build: a page that failed offers no anchors to check against
        rendered.append((job, None if result.problems else result.anchors, result.refs))
    check_rendered_links(renderer.site, rendered, problems)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
