"""What the search index holds for one rendered page: its words, title, section, date and kind.

The build's indexer (build/search.py) gives these records to Pagefind as custom records rather than
the page's HTML, so that a rebuild can index a region again from the records it kept, reading only
the pages that changed (Pagefind has no incremental mode). A record is made where the HTML already
is: in the render worker, from the `<main>` element the theme wrote, so words a template adds (a
partners list from a data file) are found as well as the Markdown's.

A template marks what a page is with `data-pagefind-filter="kind:meeting"` (any of `SEARCH_KINDS`)
and leaves parts out with `data-pagefind-ignore` on an element whose closing tag is unambiguous
(a `<div>`, `<nav>` or `<aside>` that holds no element of its own name).
"""

from __future__ import annotations

import html
import re

from icsgen.content import Page

from .urls import encode_path

SEARCH_KINDS = ("page", "news", "document", "meeting", "event")  # the search page's filters, in this order
NOT_INDEXED = frozenset({"404", "hub", "search", "a-z", "news-list"})  # listings and special pages
# a folder's page is indexed when an editor wrote it (`about/index.md`), its list of the folder's pages left
# out by the theme (data-pagefind-ignore); a folder without one has only the list, and is not

_MAIN = re.compile(r"<main\b[^>]*>")
_KIND = re.compile(r'data-pagefind-filter="kind:([a-z-]+)"')
_IGNORED = re.compile(r"<(div|nav|aside|form)\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</\1>", re.DOTALL)
_DROPPED_NAMES = ("script", "style", "svg", "template")
_DROPPED = re.compile(rf"<({'|'.join(_DROPPED_NAMES)})\b.*?</\1>", re.DOTALL)
_BACK_TO_TOP = '<div class="nhsuk-back-to-top">'
# Phrasing elements (Pagefind's own list, and a few more): their tags part no words, so a link's last word
# keeps its full stop ("see our plans." rather than "see our plans .", as a result's excerpt would show it)
_INLINE_TAG = re.compile(r"</?(?:a|abbr|acronym|b|bdi|bdo|big|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp"
                         r"|small|span|strong|sub|sup|time|tt|u|var)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
# in a document's title and text: control characters, bidirectional embeddings, overrides and isolates (the
# marks U+200E and U+200F, which right-to-left text uses, stay), and the noncharacters
_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]")

Record = tuple[str, str, dict[str, str], dict[str, list[str]]]  # url, content, meta, filters


def page_record(page: Page, url: str, section_title: str, page_html: str) -> Record | None:
    """The search record of a rendered page, or None for a page that is not searched for itself
    (listings, a folder's list without a page of its own, the search page, the A to Z, 404 pages, drafts).
    `url` is the page's address relative to its region's folder: the index is the region's, wherever the
    region is published."""
    if page.kind in NOT_INDEXED or page.meta.draft or (page.kind == "section" and not page.key.endswith(".md")):
        return None
    # found with `find` rather than one `<main>(.*?)</main>` pattern, and spaces joined by `split`, not `\s+`:
    # each was ~0.2 ms a page, and a render worker makes a record of every page it renders
    opened = _MAIN.search(page_html)
    end = page_html.find("</main>", opened.end()) if opened else -1
    body = page_html[opened.end():end] if opened and end >= 0 else page_html
    cut = body.rfind(_BACK_TO_TOP)
    if cut >= 0:
        body = body[:cut]
    marked = _KIND.search(body)
    kind = marked.group(1) if marked and marked.group(1) in SEARCH_KINDS else (
        "news" if page.kind == "news" else "page")
    body = _IGNORED.sub(" ", body) if "data-pagefind-ignore" in body else body
    body = _DROPPED.sub(" ", body) if any(f"<{name}" in body for name in _DROPPED_NAMES) else body
    text = " ".join(html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", body))).split())
    meta = {"title": page.meta.title, "region": page.region, "kind": kind}
    if section_title and page.section != page.region and kind != "news":  # a section of its own, not the home
        meta["section"] = section_title
    if page.meta.date and kind != "page":
        meta["date"] = page.meta.date.isoformat()
    return (url, text, meta, {"kind": [kind]})


def document_record(url: str, region: str, title: str, text: str, file_type: str, size: int,
                    pages: int = 0) -> Record:
    """The search record of a document (a PDF) by its text: found like a page, shown with its type
    and size so that nobody opens a large file by surprise. A document with no text to read (a scan, a
    damaged file) is found by its title: Pagefind leaves a record without words out of the index.

    The title and words come from the file as whoever made it saved them: control characters and the
    characters that turn text round (U+202E...) are taken out, as they are from a link's text on a page,
    so a result shows what the document says and cannot be made to read as another."""
    title = " ".join(_UNSHOWABLE.sub(" ", title).split())
    meta = {"title": title, "region": region, "kind": "document", "type": file_type, "size": str(size)}
    if pages:
        meta["pages"] = str(pages)
    words = " ".join(_UNSHOWABLE.sub(" ", text).split()) or title
    return (encode_path(url), words, meta, {"kind": ["document"]})  # a result's link
