"""What icsgen reads from a document (content/documents.py): type, size, pages, title, language, and
a plain warning for one it cannot read. Real files only: PDFs written by scripts/pdfs.py, Office and
OpenDocument files zipped here with their real metadata parts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from icsgen.content import format_size
from icsgen.content.documents import Document, read_document
from tests.support.pdfs import write_pdf


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 bytes"), (1, "1 byte"), (812, "812 bytes"), (1023, "1023 bytes"), (1024, "1 KB"),
    (45 * 1024 + 100, "45 KB"), (1024 * 1024 - 1, "1024 KB"), (1024 * 1024, "1 MB"),
    (int(1.24 * 1024 * 1024), "1.2 MB"), (int(34.56 * 1024 * 1024), "34.6 MB"), (3 * 1024 ** 3, "3 GB"),
])
def test_sizes_are_written_the_gov_uk_way(size: int, text: str) -> None:
    assert format_size(size) == text


def test_the_note_after_a_link_names_type_size_and_pages() -> None:
    assert Document("PDF", int(1.2 * 1024 * 1024), 34).note == "PDF, 1.2 MB, 34 pages"
    assert Document("PDF", 2048, 1).note == "PDF, 2 KB, 1 page"
    assert Document("Excel", 30 * 1024).note == "Excel, 30 KB"


def test_a_pdf_gives_its_pages_title_and_language(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "papers.pdf", "Board papers, 14 January 2026", ["Item one. " * 400], pages=3,
                     language="cy")
    document = read_document(path, path.stat().st_size)
    assert (document.kind, document.pages, document.title, document.language, document.problem) == (
        "PDF", 3, "Board papers, 14 January 2026", "cy", "")
    assert document.size == path.stat().st_size


def test_a_pdf_without_a_title_has_none(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "untitled.pdf", "", ["Text."], language="")
    document = read_document(path, path.stat().st_size)
    assert (document.pages, document.title, document.language, document.problem) == (1, "", "", "")


@pytest.mark.parametrize(("content", "says"), [
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "looks damaged"),
    (b"<html>not a pdf</html>", "not a PDF file"),
    (b"", "not a PDF file"),
])
def test_a_broken_pdf_is_described_by_type_and_size_with_a_problem(tmp_path: Path, content: bytes,
                                                                  says: str) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    document = read_document(path, len(content))
    assert document.pages is None and document.title == ""
    assert says in document.problem
    assert document.note == f"PDF, {format_size(len(content))}"


def test_an_encrypted_pdf_is_a_problem_and_one_that_opens_without_a_password_is_read(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    for password, problem in (("secret", "encrypted with a password"), ("", "")):
        writer = pypdf.PdfWriter()
        writer.add_blank_page(200, 200)
        writer.add_blank_page(200, 200)
        writer.encrypt(password, "owner-password")
        path = tmp_path / f"locked-{bool(password)}.pdf"
        with path.open("wb") as file:
            writer.write(file)
        document = read_document(path, path.stat().st_size)
        assert problem in document.problem and (document.pages == 2) == (not password)


def _zip(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Annual report 2025</dc:title>'
        '<dc:language>en-GB</dc:language></cp:coreProperties>')
META = ('<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><dc:title>Spending over 25,000 pounds</dc:title>'
        '<dc:language>fr</dc:language></office:meta></office:document-meta>')


def test_office_and_opendocument_files_give_their_title_and_language(tmp_path: Path) -> None:
    word = read_document(_zip(tmp_path / "report.docx", {"docProps/core.xml": CORE}), 100)
    sheet = read_document(_zip(tmp_path / "spending.ods", {"meta.xml": META}), 100)
    assert (word.kind, word.title, word.language, word.pages) == ("Word", "Annual report 2025", "en-GB", None)
    assert (sheet.kind, sheet.title, sheet.language) == ("OpenDocument spreadsheet", "Spending over 25,000 pounds",
                                                         "fr")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert "looks damaged" in read_document(broken, 20).problem


def test_csv_and_old_office_files_are_described_by_type_and_size(tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("a,b\n1,2\n")
    assert read_document(path, 8) == Document("CSV", 8)
    assert read_document(path.with_suffix(".DOC"), 8) == Document("Word", 8)  # never opened: no metadata to read
