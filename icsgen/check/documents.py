"""`icsgen check` warnings about documents (PDF, Word, Excel...): the GOV.UK and NHS rules for linking them.

* a document over the region's `documents.size_limit_mb`: slow to download on a phone or a metered line;
* a PDF with no title in its document properties: screen readers announce the title when it opens
  (WCAG 2.4.2, technique PDF18), and a link with no words of its own shows it;
* a link to a document on another site whose text does not say what it is (for a URL ending `.pdf`,
  text without `(PDF`): the build describes the site's own documents, but cannot read another site's,
  so the editor writes it, e.g. `[Annual report (PDF, 2 MB)](https://example.org/report.pdf)`.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path

from icsgen.content import DOCUMENT_TYPES, Site, format_size
from icsgen.markdown import Block

Finding = tuple[int, str, str]  # (line, message, hint)


def document_warnings(site: Site) -> Iterator[tuple[Path, int, str, str]]:
    """Each of the chosen regions' documents that is too big or is a PDF without a title."""
    for key, document in site.documents.items():
        static = site.statics.get(key)
        region = site.regions.get(key.split("/", 1)[0])
        if static is None or region is None:
            continue
        limit = region.config.documents.size_limit_mb
        if document.size > limit * 1024 * 1024:
            yield (static.source_path, 0, f"this document is {format_size(document.size)}, over the size limit of "
                   f"{limit} MB", "large files are slow to download on a phone: reduce the images' resolution, "
                   "split it into parts, or publish the content as a web page (the limit is "
                   "documents.size_limit_mb in regions.yaml)")
        if document.kind == "PDF" and not document.problem and not document.title:
            yield (static.source_path, 0, "this PDF has no title in its document properties",
                   "set one in the program that made it (File > Properties > Title) and save it again: screen "
                   "readers announce it when the PDF opens")


def external_document_links(found: Iterable[Block]) -> Iterator[Finding]:
    """Links to a document on another site whose text does not say what it is."""
    for block in found:
        for link in block.links:
            kind, extension = _remote_document(link.url)
            if not kind:
                continue
            text = link.text.lower()
            if f"({kind.lower()}" in text or f"({extension}" in text:  # '(PDF, 2 MB)', '(docx, 40 KB)'
                continue
            article = "an" if kind[0] in "AEIOU" else "a"
            shown = _shorten(link.text)
            yield (link.line, f"the link '{shown}' is to {article} {kind} file on another site, but its text does "
                   "not say so", f"say what it is and how big, for example: [{shown or 'Annual report'} "
                   f"({kind}, 2 MB)]({_shorten(link.url, 50)})")


def _remote_document(url: str) -> tuple[str, str]:
    """The document type and extension an http(s) address ends in (('PDF', 'pdf') for '.../report.pdf?v=2'),
    or ('', '')."""
    if not url.lower().startswith(("http://", "https://", "//")):
        return "", ""
    try:
        path = urllib.parse.urlsplit(url).path
    except ValueError:  # 'https://[::1' and the like: not an address the build lets through, and no document
        return "", ""
    extension = posixpath.splitext(path)[1].lower()
    return DOCUMENT_TYPES.get(extension, ""), extension[1:]


def _shorten(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"
