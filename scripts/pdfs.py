"""Small, real PDF files written by hand: pages of plain text, a title and a language in the metadata.

Used by scripts/make_sample_pdfs.py (the sample content's board papers and publications) and by the
tests (tests/support/pdfs.py), so neither needs a network, a word processor or a PDF library to make
one. The files follow the PDF 1.4 structure every reader accepts: a catalogue (with `/Lang`), a page
tree, one content stream per page in the standard Helvetica font, a document information dictionary
(`/Title`, `/Author`, `/Subject`) and a cross-reference table with exact byte offsets.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN, LEADING, FONT_SIZE = 56, 16, 11
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LEADING


def _text(value: str) -> bytes:
    """A PDF literal string: Latin-1 text with its backslashes and brackets escaped."""
    raw = value.encode("latin-1", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _page_stream(lines: Sequence[str], heading: str) -> bytes:
    out = [b"BT", f"/F2 16 Tf {MARGIN} {PAGE_HEIGHT - MARGIN} Td".encode(), _text(heading) + b" Tj",
           f"/F1 {FONT_SIZE} Tf 0 -{2 * LEADING} Td {LEADING} TL".encode()]
    for line in lines:
        out.append(_text(line) + b" '")
    out.append(b"ET")
    return b"\n".join(out)


def pdf_bytes(title: str, paragraphs: Sequence[str], *, pages: int = 1, language: str = "en-GB",
              author: str = "", subject: str = "") -> bytes:
    """A PDF of at least `pages` pages holding `paragraphs` (wrapped to the page), each page headed by
    `title`; `title`, `author` and `subject` go in its document information ('' leaves one out)."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += [*textwrap.wrap(paragraph, 88), ""]
    chunks = [lines[i:i + LINES_PER_PAGE - 3] for i in range(0, max(len(lines), 1), LINES_PER_PAGE - 3)]
    while len(chunks) < pages:
        chunks.append(["This page is intentionally left blank."])
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalogue = add(b"")  # filled in once the page tree's number is known
    tree = add(b"")
    regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for number, chunk in enumerate(chunks, 1):
        stream = _page_stream(chunk, f"{title} - page {number} of {len(chunks)}" if title else f"Page {number}")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                        % (tree, PAGE_WIDTH, PAGE_HEIGHT, content, regular, bold)))
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    lang = b" /Lang " + _text(language) if language else b""
    objects[catalogue - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (tree, lang)
    info_parts = [b"/Producer (icsgen scripts/pdfs.py)"]
    for key, value in (("Title", title), ("Author", author), ("Subject", subject)):
        if value:
            info_parts.append(b"/" + key.encode() + b" " + _text(value))
    info = add(b"<< " + b" ".join(info_parts) + b" >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalogue, info, xref)
    return bytes(out)


def write_pdf(path: Path, title: str, paragraphs: Sequence[str], **options: object) -> Path:
    """Write `pdf_bytes(...)` to `path` (its folder made if need be); returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf_bytes(title, paragraphs, **options))  # type: ignore[arg-type]
    return path
