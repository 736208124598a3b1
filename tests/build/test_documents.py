"""Documents in a built site: every link to one says what it is (type, size, pages), computed by the
build; a page linking documents says how to ask for another format; the cache re-reads a document only
when it changed, and a changed document updates every page that links it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from icsgen.content import format_size
from tests.support.pdfs import write_pdf
from tests.support.sitemaker import BASIC_CONFIG, basic_site, run, write_site

LINKS = """---
title: Board papers
---
Read the [board papers](papers/board.pdf) before the meeting.

The [spending figures](papers/spending.csv) are updated monthly.

[](papers/board.pdf)

Or the [agenda (PDF, 3 pages)](papers/board.pdf) and the [Welsh summary](papers/crynodeb.pdf).
"""


CSV = "month,amount\nJanuary,120000\n"


def _site(tmp_path: Path, config: str = BASIC_CONFIG) -> Path:
    root = basic_site(tmp_path / "site", {"content/alpha/board.md": LINKS})
    write_site(root, {"content/alpha/papers/spending.csv": CSV}, config=config)
    write_pdf(root / "content/alpha/papers/board.pdf", "Board papers, 14 January 2026",
              ["The board met in public. " * 200], pages=3)
    write_pdf(root / "content/alpha/papers/crynodeb.pdf", "Crynodeb o bapurau'r bwrdd", ["Cyfarfod. " * 20],
              language="cy")
    return root


def _links(html: str) -> dict[str, str]:
    """Each link's text (tags removed) by the order it appears, keyed 'href #n'."""
    found: dict[str, str] = {}
    for n, (attrs, text) in enumerate(re.findall(r"<a ([^>]*)>(.*?)</a>", html, re.DOTALL)):
        href = re.search(r'href="([^"]*)"', attrs)
        found[f"{href.group(1) if href else ''} #{n}"] = re.sub(r"<[^>]+>", "", text)
    return found


def test_every_link_to_a_document_says_its_type_size_and_pages(tmp_path: Path) -> None:
    root = _site(tmp_path)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    html = (root / "build/alpha/board/index.html").read_text()
    size = format_size((root / "content/alpha/papers/board.pdf").stat().st_size)
    texts = [text for key, text in _links(html).items() if "papers/" in key]
    assert texts == [
        f"board papers (PDF, {size}, 3 pages)",
        f"spending figures (CSV, {format_size(len(CSV))})",
        f"Board papers, 14 January 2026 (PDF, {size}, 3 pages)",  # no words of its own: the PDF's title
        "agenda (PDF, 3 pages)",  # the editor said what it is: left as written
        f"Welsh summary (PDF, {format_size((root / 'content/alpha/papers/crynodeb.pdf').stat().st_size)}, 1 page)",
    ]
    assert re.search(r'<a href="\.\./papers/crynodeb\.pdf" hreflang="cy">', html)  # not the site's language
    published, written = root / "build/alpha/papers/board.pdf", root / "content/alpha/papers/board.pdf"
    assert published.read_bytes() == written.read_bytes()


def test_a_page_linking_documents_says_how_to_ask_for_another_format(tmp_path: Path) -> None:
    root = _site(tmp_path)
    assert run(root, "build").exit_code == 0
    board = (root / "build/alpha/board/index.html").read_text()
    assert "Ask for a document in another format" in board
    assert 'email <a href="mailto:hello@alpha.example.org">hello@alpha.example.org</a>' in board  # the contact's
    assert "another format" not in (root / "build/alpha/about/index.html").read_text()  # links no document
    config = BASIC_CONFIG.replace("    nav:\n", "    documents:\n      accessible_formats:\n"
                                  "        email: formats@alpha.example.org\n        phone: 0113 496 0000\n"
                                  "    nav:\n", 1)
    write_site(root, {}, config=config)
    assert run(root, "build").exit_code == 0
    board = (root / "build/alpha/board/index.html").read_text()
    assert "formats@alpha.example.org</a> or call 0113 496 0000." in board


def test_a_region_without_contact_details_shows_no_request_notice(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/beta/report.md": "---\ntitle: Report\n---\n[Report](r.pdf)\n"})
    write_pdf(root / "content/beta/r.pdf", "Report", ["Text."])
    assert run(root, "build").exit_code == 0
    html = (root / "build/beta/report/index.html").read_text()
    assert "(PDF, " in html and "another format" not in html


def test_a_wrong_accessible_formats_setting_is_an_error_at_its_line(tmp_path: Path) -> None:
    config = BASIC_CONFIG.replace("    nav:\n", "    documents:\n      accessible_formats:\n"
                                  "        email: not-an-address\n      size_limit: 3\n    nav:\n", 1)
    root = write_site(basic_site(tmp_path / "site"), {}, config=config)
    result = run(root, "build")
    assert result.exit_code == 1
    lines = config.splitlines()
    email_line = next(n for n, line in enumerate(lines, 1) if "not-an-address" in line)
    limit_line = next(n for n, line in enumerate(lines, 1) if "size_limit: 3" in line)
    assert f"regions.yaml:{email_line}: 'email'" in result.output
    assert f"regions.yaml:{limit_line}: unknown key 'size_limit' in documents (did you mean 'size_limit_mb'?)" \
        in result.output
    assert not (root / "build").exists()


def test_a_broken_pdf_is_a_warning_naming_the_file_and_the_site_still_builds(tmp_path: Path) -> None:
    root = basic_site(tmp_path / "site", {"content/alpha/old.md": "---\ntitle: Old\n---\n[Old papers](old.pdf)\n"})
    (root / "content/alpha/old.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catal")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "content/alpha/old.pdf: this PDF looks damaged and cannot be read" in result.output
    assert "Traceback" not in result.output
    assert ">Old papers (PDF, 32 bytes)</a>" in (root / "build/alpha/old/index.html").read_text()


def _build(root: Path) -> str:
    """A build in its own process, as an editor runs it: only the cache on disk carries anything over."""
    done = subprocess.run([sys.executable, "-m", "icsgen", "build", "--root", str(root)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    lock = root / ".icsgen-cache/lock"
    subprocess.run(["flock", str(lock), "true"], check=True)  # the cache is written after the command returns
    return done.stdout + done.stderr


def test_a_changed_document_updates_every_page_linking_it(tmp_path: Path) -> None:
    root = _site(tmp_path)
    write_site(root, {"content/alpha/minutes.md": "---\ntitle: Minutes\n---\nSee the [papers](papers/board.pdf).\n"})
    _build(root)
    write_pdf(root / "content/alpha/papers/board.pdf", "Board papers, 14 January 2026 (revised)",
              ["The board met in public. " * 400], pages=5)
    output = _build(root)
    size = format_size((root / "content/alpha/papers/board.pdf").stat().st_size)
    assert f"papers (PDF, {size}, 5 pages)</a>" in (root / "build/alpha/minutes/index.html").read_text()
    board = (root / "build/alpha/board/index.html").read_text()
    assert f"board papers (PDF, {size}, 5 pages)</a>" in board
    assert f"Board papers, 14 January 2026 (revised) (PDF, {size}, 5 pages)</a>" in board
    assert re.search(r"; 2 re-rendered, the rest unchanged", output), output  # the two pages that link it


def test_an_unchanged_document_is_not_read_again(tmp_path: Path) -> None:
    """The description is kept by path, size and modification time: a file with the same three is taken
    as the same document. Its bytes are swapped for another PDF's of the same size and time, and a new page
    linking it shows the title the first build read: the build did not open it again."""
    root = _site(tmp_path)
    path = root / "content/alpha/papers/board.pdf"
    _build(root)
    assert (root / ".icsgen-cache/documents.bin").is_file()
    before = path.stat()
    swapped = path.read_bytes().replace(b"Board papers, 14 January 2026", b"Something else entirely, 2026")
    assert len(swapped) == before.st_size
    path.write_bytes(swapped)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    write_site(root, {"content/alpha/new.md": "---\ntitle: New\n---\n[](papers/board.pdf)\n"})
    _build(root)
    assert ">Board papers, 14 January 2026 (PDF, " in (root / "build/alpha/new/index.html").read_text()


def test_a_template_describes_a_document_named_in_a_data_file(tmp_path: Path) -> None:
    """Lists a theme makes from data use `document(path)`: the same words a Markdown link gets. (The data
    file is not meetings.yaml: that is a record type of its own, checked field by field.)"""
    root = _site(tmp_path)
    write_site(root, {
        "content/alpha/data/reports.yaml": "- title: Board meeting, 14 January 2026\n  file: papers/board.pdf\n"
                                          "- title: Board meeting, 11 March 2026\n  file: papers/missing.pdf\n",
        "content/alpha/meetings.md": "---\ntitle: Meetings\ntemplate: meetings\n---\nOur meetings.\n",
        "themes/nhs/templates/meetings.html": '{% extends "page.html" %}{% block after_body %}<ul>'
        "{% for m in data.reports %}{% set d = document(m.file) %}<li>{% if d %}"
        '<a href="{{ d.url }}">{{ m.title }} ({{ d.note }})</a> {{ d.title }} {{ d.kind }} {{ d.pages }}'
        "{% else %}{{ m.title }}: no papers yet{% endif %}</li>{% endfor %}</ul>{% endblock %}",
    })
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    html = (root / "build/alpha/meetings/index.html").read_text()
    size = format_size((root / "content/alpha/papers/board.pdf").stat().st_size)
    assert (f'<a href="../papers/board.pdf">Board meeting, 14 January 2026 (PDF, {size}, 3 pages)</a> '
            "Board papers, 14 January 2026 PDF 3") in html
    assert "Board meeting, 11 March 2026: no papers yet" in html
    assert "Ask for this document in another format" in html  # it lists a document
