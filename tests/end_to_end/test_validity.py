"""Independent proof that every page icsgen makes from the sample content is valid and accessible.

The real `content/` and `regions.yaml` (all five regions) are built once through the command line,
then checked by tools that know nothing of icsgen: the Nu Html Checker (vnu.jar), axe-core in real
headless Chromium with the WCAG 2.0, 2.1 and 2.2 A and AA rules, and an offline link checker.
Missing tools skip these tests on a developer's machine and fail them under CI=true.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from icsgen.build import BuildOptions, load
from tests.support import links
from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_CONTEXT_OPTIONS
from tests.support.servers import serve_static
from tests.support.sitemaker import PROJECT, run
from tests.support.vnu import format_vnu, run_vnu


@pytest.fixture(scope="module")
def sample() -> Iterator[tuple[Path, object]]:
    """The sample site built into a temporary folder, and the loaded settings it came from."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="icsgen-validity-") as folder:
        out = Path(folder) / "site"
        result = run(PROJECT, "build", "--out", str(out), "--quiet")
        assert result.exit_code == 0, result.output
        yield out, load(PROJECT, BuildOptions()).site.config


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def own_domains(config) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Absolute address prefix -> folder of the build it stands for ('' for the whole build)."""
    domains = {config.base_url: ""}
    for region in config.regions:
        if region.base_url:
            domains[region.base_url] = region.id + "/"
    return domains


def test_the_sample_builds_every_region(sample) -> None:  # type: ignore[no-untyped-def]
    out, config = sample
    assert len(config.regions) == 5
    for region in config.regions:
        assert (out / region.id / "index.html").is_file()
        assert (out / region.id / "accessibility" / "index.html").is_file()
    assert len(html_pages(out)) >= 60


def test_every_page_is_valid_html(sample) -> None:  # type: ignore[no-untyped-def]
    out, _ = sample
    pages = html_pages(out)
    messages = run_vnu(pages)  # one Java process for every page
    assert messages == [], f"{len(messages)} Nu Html Checker errors in {len(pages)} pages:\n{format_vnu(messages)}"


class _DomainChecker(links._Checker):
    """The link checker, with each region's own domain standing for that region's folder."""

    def __init__(self, build_dir: Path, domains: dict[str, str]) -> None:
        # a region on its own domain is published at its root: its 404 page's links start there
        super().__init__(build_dir, (), {folder: "/" + prefix.split("/", 3)[3] for prefix, folder in domains.items()})
        self.domains = sorted(domains.items(), key=lambda item: -len(item[0]))

    def check(self, url: str, page: Path) -> str | None:
        for prefix, folder in self.domains:
            if url.startswith(prefix):
                return self.check_path("/" + folder + url[len(prefix):], page)
        return super().check(url, page)


def test_no_link_or_fragment_is_broken(sample) -> None:  # type: ignore[no-untyped-def]
    out, config = sample
    broken = _DomainChecker(out, own_domains(config)).run()
    assert broken == [], "\n".join(broken)


def test_the_link_checker_sees_a_broken_own_domain_link(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    _, config = sample
    nel = next(r for r in config.regions if r.base_url)
    page = tmp_path / nel.id / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f'<a href="{nel.base_url}no-such-page/">x</a><a href="{config.base_url}{nel.id}/">y</a>')
    broken = _DomainChecker(tmp_path, own_domains(config)).run()
    assert broken == [f"{nel.id}/index.html:1: {nel.base_url}no-such-page/ -> "
                      f"no such file: {nel.id}/no-such-page/index.html"]


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_passes_axe_wcag_22_aa(sample, browser) -> None:  # type: ignore[no-untyped-def]
    """Every page, served over HTTP under /ics/, in one reused browser page."""
    out, config = sample
    failures = []
    with serve_static(out, "/ics/") as base:
        context = browser.new_context(**DEFAULT_CONTEXT_OPTIONS)
        context.set_default_timeout(10_000)
        # any other site (a redirect page sending the reader to another website): answered with "no content",
        # which leaves the page where it is; registered first, so it is tried last
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.fulfill(status=204))
        # links to the site's or a region's own address (canonical, a region on its own domain): answer
        # those from the build
        for prefix, folder in own_domains(config).items():
            context.route(re.compile("^" + re.escape(prefix)), _from_build(out, prefix, folder))
        page = context.new_page()
        try:
            for path in html_pages(out):
                rel = path.relative_to(out).as_posix()
                text = path.read_text(encoding="utf-8")
                if '<meta http-equiv="refresh"' in text:  # a redirect page (an old address) leaves at once:
                    # its own text, at about:blank, where its relative link leads nowhere (and another
                    # site's address answers "no content", which leaves the page as it is)
                    page.set_content(text, wait_until="commit")
                    page.wait_for_timeout(300)
                    violations = run_axe(page, None)
                else:
                    violations = run_axe(page, base + rel)
                if violations:
                    failures.append(f"{rel}:\n{format_violations(violations)}")
        finally:
            context.close()
    assert not failures, "\n\n".join(failures)


def _from_build(out: Path, prefix: str, folder: str):  # type: ignore[no-untyped-def]
    """A Playwright route handler answering `prefix...` requests with files of the build."""

    def handle(route) -> None:  # type: ignore[no-untyped-def]
        rest = route.request.url[len(prefix):].split("#", 1)[0].split("?", 1)[0]
        path = out / (folder + rest)
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="not in the build")

    return handle


# -- the accessibility statement ------------------------------------------------------------------


class _Text(HTMLParser):
    """The text of <main>, and its headings."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.headings: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:  # type: ignore[no-untyped-def]
        if tag == "main":
            self.depth += 1
        elif re.fullmatch(r"h[1-6]", tag) and self.depth:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth -= 1
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append(" ".join("".join(self._heading).split()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)
            if self._heading is not None:
                self._heading.append(data)


def statement(out: Path, region_id: str) -> tuple[list[str], str]:
    parser = _Text()
    parser.feed((out / region_id / "accessibility" / "index.html").read_text(encoding="utf-8"))
    return parser.headings, " ".join("".join(parser.text).split())


REQUIRED_SECTIONS = (
    "Accessibility statement",
    "Feedback and contact information",
    "Reporting accessibility problems with this website",
    "Enforcement procedure",
    "Compliance status",
    "Non-accessible content",
    "Preparation of this accessibility statement",
)


def long_date(value) -> str:  # type: ignore[no-untyped-def]
    return f"{value.day} {value:%B %Y}"


def test_accessibility_statement_has_the_required_sections_filled_in_for_each_region(sample) -> None:  # type: ignore[no-untyped-def]
    out, config = sample
    for region in config.regions:
        headings, text = statement(out, region.id)
        for section in REQUIRED_SECTIONS:
            assert section in headings, f"{region.id}: no '{section}' heading in {headings}"
        a11y = region.accessibility
        assert f"This website is {a11y.status} with the Web Content Accessibility Guidelines" in text, region.id
        assert f"applies to the {region.name} website" in text
        assert region.owner and f"{region.owner} runs this website" in text
        assert region.contact.email in text
        assert f"within {a11y.response_days} working days" in text, region.id
        assert f"prepared on {long_date(a11y.prepared)}" in text, region.id
        assert f"last reviewed on {long_date(a11y.reviewed)}" in text, region.id
        assert "Equality Advisory and Support Service" in text
        for issue in a11y.known_issues:
            assert issue in text, f"{region.id}: known issue not listed: {issue}"
        if not a11y.known_issues:
            assert "not aware of any content on this website that is not accessible" in text
