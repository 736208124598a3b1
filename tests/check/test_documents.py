"""`icsgen check` warnings about documents: too big, a PDF without a title, and a link to another site's
document that does not say what it is."""

from __future__ import annotations

from pathlib import Path

from tests.support.pdfs import write_pdf
from tests.support.sitemaker import BASIC_CONFIG, basic_site, run, write_site

PAGE = """---
title: Reports
---
Our [annual report](https://www.england.nhs.uk/wp-content/uploads/2025/07/annual-report.pdf) is out.

The [spending data](https://data.example.org/spending.xlsx?v=2) too.

The [strategy (PDF, 2 MB)](https://www.england.nhs.uk/strategy.pdf), the [plan (docx, 40 KB)](https://example.org/plan.docx),
the [NHS website](https://www.nhs.uk/) and [our own](papers/titled.pdf).
"""


def test_check_warns_about_documents_and_links_to_them(tmp_path: Path) -> None:
    config = BASIC_CONFIG.replace("    nav:\n", "    documents:\n      size_limit_mb: 1\n    nav:\n", 1)
    root = write_site(basic_site(tmp_path / "site", {"content/alpha/reports.md": PAGE}), {}, config=config)
    write_pdf(root / "content/alpha/papers/titled.pdf", "Annual report", ["Text."])
    write_pdf(root / "content/alpha/papers/untitled.pdf", "", ["Text."])
    big = root / "content/alpha/papers/big.csv"
    big.write_bytes(b"a,b\n" + b"1,2\n" * (300 * 1024))  # 1.2 MB
    result = run(root, "check")
    assert result.exit_code == 0, result.output  # warnings only
    lines = [line for line in result.output.splitlines() if "PDF" in line or "document" in line
             or "Excel" in line or "Word" in line]
    assert "content/alpha/reports.md:4: warning: the link 'annual report' is to a PDF file on another site, but its " \
        "text does not say so" in result.output
    assert "content/alpha/reports.md:6: warning: the link 'spending data' is to an Excel file" in result.output
    assert "content/alpha/papers/untitled.pdf: warning: this PDF has no title in its document properties" \
        in result.output
    assert "content/alpha/papers/big.csv: warning: this document is 1.2 MB, over the size limit of 1 MB" \
        in result.output
    assert not any("strategy" in line or "plan" in line or "/titled.pdf:" in line or "NHS website" in line
                   for line in lines), lines
    assert len(lines) == 4, lines
    assert run(root, "check", "--strict").exit_code == 1


def test_a_link_to_an_address_that_is_not_one_is_a_message_not_a_crash(tmp_path: Path) -> None:
    """Found by the fuzz test: `https://[::1` (an unbalanced bracket in the host) made check stop with
    'ValueError: Invalid IPv6 URL' while it looked for documents on other sites."""
    root = basic_site(tmp_path / "site", {"content/alpha/reports.md": "---\ntitle: Reports\n---\n"
                                          "See [the events](https://[::1) and [a paper](https://[x/a.pdf).\n"})
    result = run(root, "check")
    assert "Traceback" not in result.output and "unexpected" not in result.output, result.output
    assert result.exit_code in (0, 1), result.output
    assert "errors" in result.output.splitlines()[-1] or "warning" in result.output, result.output
