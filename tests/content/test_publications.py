"""A publications library's own addresses (icsgen/content/publications.py): the category and year pages
the build writes beneath the library page must not land on an editor's page, on each other or on an old
address."""

from __future__ import annotations

from pathlib import Path

from tests.support.pdfs import pdf_bytes
from tests.support.sitemaker import BASIC_CONFIG, BASIC_PAGES, run, tree_digest, write_site

DATA = "content/alpha/data/publications.yaml"


def record(title: str, category: str, date: str) -> str:
    return f"- title: {title}\n  file: publications/report.pdf\n  date: {date}\n  category: '{category}'\n" \
           "  class: priorities\n"


def test_a_library_page_where_another_page_or_old_address_is_an_error(tmp_path: Path) -> None:
    """Found by probing: each of these built without a word, and the category page took the place of the
    editor's page of the same address, the year page that of the category '2025' (or the other way round),
    one of two categories spelt alike that of the other, and an alias's redirect that of the year page."""
    files = {**BASIC_PAGES,
             "content/alpha/publications/report.pdf": pdf_bytes("Report", ["Text."]),
             "content/alpha/publications/index.md": "---\ntitle: Publications\ntemplate: publications\n"
             "summary: What we publish.\n---\nEverything we publish.\n",
             DATA: record("Annual report", "Annual reports", "2026-07-02")}
    root = write_site(tmp_path / "site", files, BASIC_CONFIG)
    assert run(root, "build", "--no-search").exit_code == 0
    before = tree_digest(root / "build")
    mine = "---\ntitle: Our annual reports\nsummary: Mine.\n---\nMINE.\n"
    write_site(root, {
        "content/alpha/publications/annual-reports.md": mine,
        DATA: record("Annual report", "Annual reports", "2026-07-02")    # line 1: an editor's page is there
        + record("Plan", "2025", "2025-03-01")                          # line 6: the year page of 2025
        + record("Minutes", "Board papers", "2025-01-10")               # line 11
        + record("Agenda", "Board Papers!", "2025-01-09"),              # line 16: the same address as line 11
        "content/alpha/about/index.md": "---\ntitle: About us\nsummary: Who.\naliases:\n  - /publications/2026/\n"
        "---\nWe are Alpha.\n",
    }, config=None)
    result = run(root, "build", "--no-search")
    assert result.exit_code == 1
    out = result.output
    assert f"{DATA}:1: the category 'Annual reports' would be published at /alpha/publications/annual-reports/, " \
           "the address of 'alpha/publications/annual-reports.md'" in out
    assert f"{DATA}:6: the category '2025' would be published at /alpha/publications/2025/, where the library " \
           "lists what was published in 2025" in out
    assert f"{DATA}:16: the categories 'Board Papers!' and 'Board papers' (line 11) would both be published at " \
           "/alpha/publications/board-papers/" in out
    assert "content/alpha/about/index.md:4: alias '/publications/2026/' is where icsgen writes the library's " \
           "page of 2026 (/alpha/publications/2026/)" in out
    assert "Traceback" not in out
    assert tree_digest(root / "build") == before
    assert (root / "content/alpha/publications/annual-reports.md").read_text() == mine
