"""The publications library and the FOI publication scheme, as an editor makes them: a data file,
a page with `template: publications` and one with `template: publication-scheme`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from icsgen.content import SCHEME_CLASSES
from tests.support.axe import format_violations, run_axe
from tests.support.browser import DEFAULT_CONTEXT_OPTIONS
from tests.support.pdfs import write_pdf
from tests.support.servers import serve_static
from tests.support.sitemaker import basic_site, run, write_site
from tests.support.vnu import format_vnu, run_vnu

RECORDS = """\
- title: Annual report 2025 to 2026
  file: publications/annual-report.pdf
  date: 2026-07-02
  category: Annual reports
  class: priorities
  summary: What we did and how we spent our budget.
- title: Annual report 2024 to 2025
  file: publications/annual-report-2025.pdf
  date: 2025-07-03
  category: Annual reports
  class: priorities
- title: "Spending over £25,000: October 2026"
  file: publications/spending.csv
  date: 2026-11-20
  category: Spending
  class: spending
- title: Register of interests
  url: https://register.example.org/alpha
  date: 2026-10-01
  category: Governance
  class: Lists and registers
"""

PAGES = {
    "content/alpha/data/publications.yaml": RECORDS,
    "content/alpha/publications/index.md": "---\ntitle: Publications\ntemplate: publications\n"
    "summary: Reports and plans we publish.\n---\n"
    "Everything we publish. See our [publication scheme](../scheme.md).\n",
    "content/alpha/scheme.md": "---\ntitle: Publication scheme\ntemplate: publication-scheme\n"
    "summary: What we publish and where.\n---\n"
    "What we publish under the Freedom of Information Act 2000.\n",
    "content/alpha/publications/spending.csv": "date,amount\n2026-10-03,182000\n",
}


def _site(tmp_path: Path, records: str = RECORDS) -> Path:
    root = basic_site(tmp_path / "site", {**PAGES, "content/alpha/data/publications.yaml": records})
    write_pdf(root / "content/alpha/publications/annual-report.pdf", "Annual report 2025 to 2026", ["Text. " * 300],
              pages=4)
    write_pdf(root / "content/alpha/publications/annual-report-2025.pdf", "Annual report 2024 to 2025", ["Text."])
    return root


def _text(html: str) -> str:
    main = html[html.index("<main"):html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_the_library_groups_by_category_with_a_page_per_category_and_per_year(tmp_path: Path) -> None:
    root = _site(tmp_path)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    out = root / "build/alpha/publications"
    library = _text((out / "index.html").read_text())
    assert "Everything we publish." in library
    # categories in order, newest first inside each, every document link saying what it is
    assert re.search(r"Annual reports Annual report 2025 to 2026 \(PDF, \d+ KB, 4 pages\) Published 2 July 2026 "
                     r"in Annual reports What we did and how we spent our budget\. Annual report 2024 to 2025 "
                     r"\(PDF, \d+ bytes, 1 page\) Published 3 July 2025", library), library
    assert "Register of interests Published 1 October 2026 in Governance" in library
    assert "Spending over £25,000: October 2026 (CSV, 30 bytes)" in library
    assert sorted(p.parent.name for p in out.glob("*/index.html")) == [
        "2025", "2026", "annual-reports", "governance", "spending"]
    year = (out / "2025/index.html").read_text()
    assert "<h1>Publications from 2025</h1>" in year and "Annual report 2024 to 2025" in year
    assert "Annual report 2025 to 2026" not in _text(year) and "Everything we publish." not in _text(year)
    assert '<strong aria-current="page">2025</strong>' in year
    category = (out / "annual-reports/index.html").read_text()
    assert "<h1>Annual reports - Publications</h1>" in category
    assert re.search(r'<h2 id="group-2026">2026</h2>.*<h2 id="group-2025">2025</h2>', category, re.DOTALL)
    assert 'href="../2026/index.html">2026</a> (3)' in category  # plain links between them: no script needed
    assert not re.search(r'<script(?! type="application/ld\+json">)', category)  # schema.org data runs nothing
    assert "Ask for a document in another format" in category  # it lists documents


def test_the_publication_scheme_lists_each_of_the_seven_classes(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert run(root, "build").exit_code == 0
    html = (root / "build/alpha/scheme/index.html").read_text()
    headings = re.findall(r'<h2 id="class-([a-z-]+)">([^<]+)</h2>', html)
    assert headings == [(key, name) for key, (name, _) in SCHEME_CLASSES.items()]
    assert [name for _, name in headings] == [
        "Who we are and what we do", "What we spend and how we spend it",
        "What our priorities are and how we are doing", "How we make decisions", "Our policies and procedures",
        "Lists and registers", "The services we offer"]
    text = _text(html)
    priorities = text[text.index("What our priorities are"):text.index("How we make decisions")]
    assert "Annual report 2025 to 2026 (PDF" in priorities and "Annual report 2024 to 2025 (PDF" in priorities
    lists = text[text.index("Lists and registers"):text.index("The services we offer")]
    assert "Register of interests , published 1 October 2026" in lists  # tags became spaces
    decisions = text[text.index("How we make decisions"):text.index("Our policies and procedures")]
    assert "We do not publish anything in this class on this website yet." in decisions
    assert 'href="../publications/index.html">publications library</a>' in html
    assert 'mailto:hello@alpha.example.org' in html


def test_every_mistake_in_the_data_file_is_an_error_at_its_line(tmp_path: Path) -> None:
    records = """\
- title: Report
  file: publications/annual-reprot.pdf
  date: 2026-07-02
  category: Annual reports
  class: priorites
- title: No date
  file: publications/annual-report.pdf
  category: Reports
  class: priorities
- title: Both
  file: publications/annual-report.pdf
  url: https://example.org/r.pdf
  date: 2026-01-01
  category: Reports
  class: priorities
  colour: red
- title: Not a document
  file: ../beta/index.md
  date: 2026-01-01
  category: Reports
  class: lists
"""
    root = _site(tmp_path, records)
    before = root / "build"
    result = run(root, "build")
    assert result.exit_code == 1
    output = result.output
    path = "content/alpha/data/publications.yaml"
    assert f"{path}:2: no document 'publications/annual-reprot.pdf' in content/alpha/ (did you mean " \
        "'publications/annual-report.pdf'?)" in output
    assert f"{path}:5: 'class' must be one of who-we-are, spending, priorities, decisions, policies, lists, " \
        "services (did you mean 'priorities'?)" in output
    assert f"{path}:6: 'date' is required in publication" in output
    assert f"{path}:16: unknown key 'colour' in publication" in output
    assert f"{path}:12: a publication has either 'file' or 'url', not both" in output
    assert f"{path}:18: no document '../beta/index.md' in content/alpha/" in output
    assert "Traceback" not in output and not before.exists()


def test_a_changed_record_rebuilds_the_library_pages(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert run(root, "build").exit_code == 0
    data = root / "content/alpha/data/publications.yaml"
    data.write_text(data.read_text().replace("category: Spending", "category: Finance"))
    assert run(root, "build").exit_code == 0
    out = root / "build/alpha/publications"
    assert (out / "finance/index.html").is_file() and not (out / "spending").exists()
    assert "Finance</a> (1)" in (out / "index.html").read_text()
    sitemap = (root / "build/alpha/sitemap.xml").read_text()  # the cached rebuild wrote it again
    assert "https://test.example.org/alpha/publications/finance/" in sitemap
    assert "https://test.example.org/alpha/publications/2025/" in sitemap and "/spending/" not in sitemap


def test_check_renders_the_library_pages_too(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert run(root, "build").exit_code == 0
    pages = [p for p in (root / "build").glob("*/**/*.html") if p.name != "404.html"
             and p.parent.name not in ("search", "a-z")]  # check counts pages of content (not search's own)
    result = run(root, "check")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(f"0 errors, 0 warnings in {len(pages)} pages")  # the library's pages too


@pytest.mark.browser
def test_library_pages_are_valid_and_pass_axe_without_javascript(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    root = _site(tmp_path)
    write_site(root, {})
    assert run(root, "build").exit_code == 0
    out = root / "build"
    pages = [*sorted((out / "alpha/publications").rglob("*.html")), out / "alpha/scheme/index.html"]
    messages = run_vnu(pages)
    assert not messages, format_vnu(messages)
    with serve_static(out, "/ics/") as base:
        context = browser.new_context(**{**DEFAULT_CONTEXT_OPTIONS, "java_script_enabled": False})
        page = context.new_page()
        try:
            page.goto(base + "alpha/publications/index.html")
            page.get_by_role("link", name="Annual reports", exact=True).click()  # browsing needs no script
            assert page.locator("h1").inner_text() == "Annual reports - Publications"
            page.get_by_role("link", name="2025", exact=True).click()
            assert page.locator("h1").inner_text() == "Publications from 2025"
        finally:
            context.close()
        context = browser.new_context(**DEFAULT_CONTEXT_OPTIONS)  # axe runs as a script in the page
        page = context.new_page()
        failures = []
        try:
            for path in pages:
                rel = path.relative_to(out).as_posix()
                violations = run_axe(page, base + rel)
                if violations:
                    failures.append(f"{rel}:\n{format_violations(violations)}")
        finally:
            context.close()
        assert not failures, "\n\n".join(failures)
