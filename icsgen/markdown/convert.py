"""The Markdown setup and icsgen's own processing of the converted page.

`Markdown` instances are reused (`reset()` between pages): building one costs far more than
converting a typical page. After conversion a tree processor, running last, does three jobs:

* turns admonitions (`!!! inset`, `!!! warning`, `!!! details`) into NHS design system components,
  and wraps tables so they scroll on small screens;
* gives headings their ids and lists the h2/h3 headings for the contents list;
* rewrites links to `.md` files and content files into relative links to their output, and records
  each link (with its line in the source) so missing pages and `#anchors` become build errors.
"""

from __future__ import annotations

import functools
import html
import importlib
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

import markdown
from markdown import util
from markdown.blockparser import BlockParser
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.extensions.toc import AMP_SUBSTITUTE, slugify
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE as _placeholder

from icsgen.problems import Problem, nearest

from . import _fast, video
from .limits import too_much_markup, unclosed_comment
from .rawhtml import control_problems, duplicate_ids, may_hold_controls, structure_problems
from .words import english

EXTERNAL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//)")
# A start tag `<a ...>` or `<img ...>` in raw HTML, and one attribute of it. A quoted value stops at a
# `<`, so no tag is looked for past the next one (a line of thousands of `<a` stays linear).
RAW_TAG = re.compile(r"<(a|img)(?=[\s/>])((?:[^<>\"']++|\"[^\"<]*+\"|'[^'<]*+')*+)>", re.IGNORECASE)
COMMENT = re.compile(r"(<!--.*?(?:-->|$))", re.DOTALL)
RAW_ATTRIBUTE = re.compile(r"([^\s=/>\"']++)(?:\s*+=\s*+(\"[^\"]*+\"|'[^']*+'|[^\s>\"']++))?")
COMPONENTS = ("inset", "warning", "important", "details", "expander", "video")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# ids the theme uses itself; a heading with the same text gets a suffix instead
RESERVED_IDS = frozenset({"top", "maincontent", "contents", "header", "footer", "navigation"})
DEPTH_HINT = "lists, quotes and '!!!' components can sit inside one another up to 20 levels deep"
# A component's first line, `!!! warning "Title"`, wherever it is (in a list or a quote too)
COMPONENT_LINE = re.compile(r"^[ \t>]*!!! ?([\w\-]+)[^\n]*", re.MULTILINE)


@dataclass(frozen=True)
class LinkRef:
    """A link to another page's anchor, checked once every page's anchors are known."""

    target: str  # page key
    fragment: str
    line: int


# Files a page may link but not show as an image: browsers show none of these (BMP they show, at its
# full uncompressed size: a phone's 12-megapixel shot is 36 MB).
NOT_SHOWN = {".tif": "a TIFF file", ".tiff": "a TIFF file", ".heic": "a HEIC photo (from an iPhone)",
             ".heif": "a HEIF photo", ".bmp": "an uncompressed bitmap (BMP)", ".psd": "a Photoshop file",
             ".dng": "a camera's raw photo", ".cr2": "a camera's raw photo", ".nef": "a camera's raw photo",
             ".pdf": "a PDF document", ".doc": "a Word document", ".docx": "a Word document",
             ".eps": "an EPS drawing", ".ai": "an Illustrator drawing"}
NOT_SHOWN_WHY = "web browsers cannot show as an image (or only at a size that stalls the page)"


def _has_name(link: ET.Element) -> bool:
    """Whether a link has words for a screen reader: its text, or an image's alt text inside it."""
    if "".join(link.itertext()).strip() or link.get("aria-label", "").strip() or link.get("title", "").strip():
        return True
    return any((image.get("alt") or "").strip() for image in link.iter("img"))


@dataclass(frozen=True)
class LinkTarget:
    """What a link resolves to: the output site path (e.g. 'leeds/about/') and, for pages, the key."""

    url: str
    page_key: str | None = None
    # a document (PDF, Word...): (what it is, e.g. 'PDF, 1.2 MB, 34 pages'; its own title, or ''; its
    # language when not the site's, or ''; for a PDF its number of pages, '0' if not known, else ''): a link
    # to it says what it is (see `_describe_document`), and may name a page of a PDF (`pdf_page_problem`)
    document: tuple[str, ...] = ()


@dataclass
class PageLinks:
    """What one conversion needs to resolve links, and what it found."""

    resolve: Callable[[str], LinkTarget | str]  # target path -> target, or a message why not
    relative: Callable[[str], str]  # site path -> href from this page
    source: str  # the Markdown as written, for line numbers
    first_line: int
    suggest: Callable[[str], str] | None = None  # target path that resolves to nothing -> a hint, or ''
    # the theme's words the converter writes (WORDS), in the page's language: words('video_play', title=...)
    words: Callable[..., Any] = english
    problems: list[Problem] = field(default_factory=list)  # path left empty: the renderer knows the file
    refs: list[LinkRef] = field(default_factory=list)
    _cursor: dict[str, int] = field(default_factory=dict)
    _counted: tuple[int, int] = (0, 0)  # an offset and the number of newlines before it
    _components: list[tuple[str, int, int]] | None = None
    _by_kind: dict[str, list[tuple[int, int]]] | None = None

    def line_of(self, needle: str) -> int:
        """The line where `needle` next appears in the source (successive calls move on)."""
        start = self._cursor.get(needle, 0)
        index = self.source.find(needle, start)
        if index < 0:
            index = self.source.find(needle)
        if index < 0:
            return self.first_line
        self._cursor[needle] = index + 1
        return self.line_at(index)

    def line_at(self, offset: int) -> int:
        """The file line of character `offset` of the source.

        Counts on from the last offset asked for when this one is after it, as links are asked for in
        the order they are written: counting from the start each time made a page with thousands of
        links (or problems) quadratic. Out of order, it counts from the start.
        """
        known, line = self._counted
        if offset < known:
            known, line = 0, 0
        line += self.source.count("\n", known, offset)
        self._counted = (offset, line)
        return self.first_line + line

    def components(self) -> list[tuple[str, int, int]]:
        """Every `!!! kind` line of the source in order: (kind, offset of the line's start, of its end)."""
        if self._components is None:
            self._components = [(m.group(1).lower(), m.start(), m.end()) for m in COMPONENT_LINE.finditer(self.source)]
        return self._components

    def component_at(self, kind: str, nth: int) -> tuple[int, int] | None:
        """Where the `nth` (0-based) `!!! kind` line of the source is: (start, end offset), or None."""
        if self._by_kind is None:
            self._by_kind = {}
            for found, start, end in self.components():
                self._by_kind.setdefault(found, []).append((start, end))
        same = self._by_kind.get(kind, [])
        return same[nth] if nth < len(same) else None


@dataclass(frozen=True)
class Converted:
    html: str
    toc: tuple[dict[str, Any], ...]  # h2 entries with h3 children: {id, title, children}
    h2_count: int


@functools.lru_cache(maxsize=4096)
def _slug(name: str) -> str:
    """A heading's id before it is made unique; headings such as 'Contact us' recur on many pages.

    Text in the Latin alphabet gets Python-Markdown's id (`Café` is `cafe`); text in any other script
    (Bengali, Urdu), or with a letter that has no ASCII form (Polish `Ł`), keeps its letters, vowel
    signs and digits, which the ASCII id would drop, leaving every heading of a Bengali page `#section`."""
    if name.isascii() or all(not c.isalpha() or unicodedata.normalize("NFKD", c)[0].isascii() for c in name):
        return slugify(name, "-")
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" or c in "-_" else " "
                   for c in unicodedata.normalize("NFC", name))
    return "-".join(kept.lower().split())


_NUMBERED = re.compile(r"^(.*)_([0-9]+)$")


def unique(ident: str, used: set[str], counters: dict[str, int]) -> str:
    """`ident`, or `ident_1`, `ident_2`... if taken, exactly as Python-Markdown 3.11.3's toc numbers ids.

    Our own copy: the toc's `unique` took two arguments before Markdown 3.11.3 and three since.
    `counters` maps a base to the highest n for which base_1 ... base_n are known to be taken, so a
    heading repeated a thousand times on one page is not a quadratic search.
    """
    if ident in used or not ident:
        match = _NUMBERED.match(ident)
        base, count = (match.group(1), int(match.group(2))) if match else (ident, 0)
        known = counters.get(base, 0)
        skip = count <= known or ident == f"{base}_{known + 1}"
        if skip:
            count = max(count, known)
        count += 1
        while f"{base}_{count}" in used:
            count += 1
        ident = f"{base}_{count}"
        if skip:
            counters[base] = count
    used.add(ident)
    return ident

def _describe_document(element: ET.Element, document: tuple[str, ...], href: str) -> None:
    """A link to a document says what the reader will get: 'Board papers (PDF, 1.2 MB, 34 pages)'.

    A link with no words of its own (`[](papers.pdf)`, `<papers.pdf>`) takes the document's own title,
    else its file name. Words that already say what it is, such as '(PDF' for a PDF, are left alone: the
    editor wrote it. A document in another language than the site's is marked so (`hreflang`, and `lang`
    on a title taken from the document).
    """
    note, title, language = (*document, "", "")[:3]
    text = "".join(element.itertext()).strip()
    named = False
    if not text or text == href or text == html.unescape(href):
        for child in list(element):
            element.remove(child)
        named = bool(title)
        element.text = title or href.rsplit("/", 1)[-1].split("?", 1)[0]
        text = element.text
    if language:
        element.set("hreflang", language)
        if named:
            element.set("lang", language)
    kind = note.split(",", 1)[0]
    if f"({kind}".lower() in text.lower():
        return
    addition = f" ({note})"
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + addition
    else:
        element.text = (element.text or "") + addition


class _PageProcessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.links: PageLinks | None = None
        self.toc: list[dict[str, Any]] = []
        self.admonition: _Admonition | None = None  # the block processor, which notes lines outside components
        self._videos = 0
        self.given_ids: list[str] = []  # ids the text gives its elements ({: #id }), in order
        self._nth: tuple[list[ET.Element], dict[int, int]] | None = None  # (in_order, id -> nth of its kind)

    def run(self, root: ET.Element) -> None:
        assert self.links is not None
        if self.admonition is not None and self.admonition.fallen:
            self._outside_components(self.admonition.fallen)
        self._videos = 0  # the `!!! video` components met so far, to find each one's lines in the source
        self._nth = None
        self._components(root)
        stash = self.md.htmlStash.rawHtmlBlocks
        for number, raw in enumerate(stash):
            if isinstance(raw, str) and ("<a" in raw or "<img" in raw or "<A" in raw or "<I" in raw):
                # raw HTML as written: a link or image in it is checked as one in Markdown (not in a comment)
                parts = COMMENT.split(raw) if "<!--" in raw else [raw]
                stash[number] = "".join(part if part.startswith("<!--") else RAW_TAG.sub(self._raw_tag, part)
                                        for part in parts)
        # one pass to find the ids already taken, the headings, and the links and images
        used = set(RESERVED_IDS)
        headings: list[ET.Element] = []
        linked: list[ET.Element] = []
        self.given_ids = []
        for element in root.iter():
            ident = element.get("id")
            if ident:
                used.add(ident)
                self.given_ids.append(ident)
            tag = element.tag
            if tag in HEADINGS:
                headings.append(element)
            elif tag == "a" or tag == "img":
                linked.append(element)
        self._heading_ids(headings, used)
        for element in linked:
            if element.tag == "a":
                if element.get("href") is not None:
                    href = element.get("href", "")
                    # found here once (each look moves on): an email autolink's encoded address is found by `_link`
                    line = None if AMP_SUBSTITUTE in href else self.links.line_of(href)
                    self._link(element, "href", line)  # a document's link with no words takes its title (or name)
                    if not _has_name(element):
                        self.links.problems.append(Problem("", self.links.first_line if line is None else line,
                            f"a link to '{href}' with no text: a screen reader can only read out its address",
                            f"write what the link is for between the brackets: [Contact us]({href})"))
                continue
            if not (element.get("alt") or "").strip():
                src = element.get("src", "")
                self.links.problems.append(Problem("",
                    self.links.line_of(src), f"image '{src}' has no alt text",
                    "describe what it shows: ![A map of the region](map.png)",
                ))
            self._link(element, "src")

    def _components(self, root: ET.Element) -> None:
        """Admonitions become NHS components; tables get a wrapper that scrolls.

        Each is found in the tree as it was before any was replaced (a component keeps the elements
        inside it, and those still count as the children of the admonition it replaced).
        """
        if next(root.iter("table"), None) is None and not any("admonition" in div.get("class", "")
                                                              for div in root.iter("div")):
            return  # most pages: nothing to do, and no need to look at every element's children
        found = [(parent, index, child) for parent in root.iter() for index, child in enumerate(parent)
                 if child.tag == "table" or (child.tag == "div" and "admonition" in child.get("class", "").split())]
        in_order: list[ET.Element] = []  # every admonition in the order written, when one is empty
        if any(child.tag == "div" and all(c.get("class") == "admonition-title" for c in child)
               for _, _, child in found):
            in_order = [div for div in root.iter("div") if "admonition" in div.get("class", "").split()]
        for parent, index, child in found:
            if child.tag == "div":
                parent[index] = self._component(child, in_order)
            else:
                # A wide table scrolls inside its wrapper; a keyboard user can only scroll what
                # can take focus, and a focusable region needs a name.
                headers = ["".join(th.itertext()).strip() for th in child.iter("th")][:4]
                label = self._word("table_of", headings=self._word("list_separator").join(h for h in headers if h)) \
                    if any(headers) else self._word("table")
                wrapper = ET.Element("div", {"class": "nhsuk-table-responsive", "role": "region",
                                             "tabindex": "0", "aria-label": label})
                child.set("class", (child.get("class", "") + " nhsuk-table").strip())
                wrapper.append(child)
                parent[index] = wrapper

    def _raw_tag(self, tag: re.Match[str]) -> str:
        """A raw HTML `<a>` or `<img>` checked and rewritten as a Markdown link or image would be.

        Editors paste HTML from elsewhere, and some of it has no Markdown form (an image's width, a
        link inside an HTML table): it gets the same checks (the page or file exists, an image has alt
        text) and its `.md` links become the page's address, rather than being refused.
        """
        name = tag.group(1).lower()
        wanted = "href" if name == "a" else "src"
        attributes = {found.group(1).lower(): found for found in RAW_ATTRIBUTE.finditer(tag.group(2))}
        links = self.links
        assert links is not None
        whole = tag.group(0)
        line = links.line_of(whole)  # the tag as written: raw HTML is kept as it is in the source
        if name == "img":
            alt = attributes.get("alt")
            if alt is None or not html.unescape((alt.group(2) or "").strip("\"'")).strip():
                shown = attributes[wanted].group(2) if wanted in attributes else ""
                src = html.unescape((shown or "").strip("\"'"))
                links.problems.append(Problem("",
                    line, f"image '{src}' has no alt text",
                    f'describe what it shows: <img src="{src or "map.png"}" alt="A map of the region">',
                ))
        value = attributes.get(wanted)
        if value is None or value.group(2) is None:
            return tag.group(0)
        target = html.unescape(value.group(2).strip("\"'")).strip()  # as a browser reads it
        element = ET.Element(name, {wanted: target})
        start, end = value.start(2) + tag.start(2) - tag.start(0), value.end(2) + tag.start(2) - tag.start(0)
        self._link(element, wanted, line + whole.count("\n", 0, start))
        rewritten = element.get(wanted, "")
        if rewritten == target:
            return whole
        return f'{whole[:start]}"{html.escape(rewritten, quote=True)}"{whole[end:]}'

    def _heading_ids(self, headings: list[ET.Element], used: set[str]) -> None:
        """Give every heading an id from its text (`## Our aims` -> `our-aims`) and list h2/h3.

        Does the job of Python-Markdown's toc extension without rendering each heading and a
        contents list to HTML, which cost more than the rest of the page processing. `used` holds
        the ids already taken.
        """
        counters: dict[str, int] = {}
        self.toc = []
        for element in headings:
            name = "".join(element.itertext())
            if util.STX in name:
                name = _placeholder.sub("", name)
            name = name.strip().replace(AMP_SUBSTITUTE, "&")
            ident = element.get("id")
            if not ident:
                ident = _slug(html.unescape(name)) or "section"
                ident = unique(f"{ident}-section" if ident in RESERVED_IDS else ident, used, counters)
            element.set("id", ident)
            level = int(element.tag[1])
            if level == 2:
                self.toc.append({"id": ident, "title": name, "children": []})
            elif level == 3 and self.toc:
                self.toc[-1]["children"].append({"id": ident, "title": name, "children": ()})

    def _link(self, element: ET.Element, attr: str, line: int | None = None) -> None:
        """Check a link or image target and rewrite it to the address of what it names; `line`: where it
        is, when known (else the next place its target is written)."""
        links = self.links
        assert links is not None
        href = element.get(attr, "")
        if AMP_SUBSTITUTE in href:  # an email autolink <a@b.example> arrives as encoded entities
            href = html.unescape(href.replace(AMP_SUBSTITUTE, "&"))
        if not href:
            links.problems.append(Problem("", links.first_line, f"a link with an empty {attr}", ""))
            return
        if EXTERNAL.match(href):
            return
        path, _, fragment = href.partition("#")
        if line is None:
            line = links.line_of(href)
        if not path:
            links.refs.append(LinkRef("", fragment, line))
            return
        path = path.split("?", 1)[0]
        target = links.resolve(path)
        if isinstance(target, str):
            hint = links.suggest(path) if links.suggest else ""
            links.problems.append(Problem("", line, f"link to '{href}': {target}", hint))
            return
        if element.tag == "img":
            kind = NOT_SHOWN.get(posixpath.splitext(path)[1].lower())
            if kind:
                links.problems.append(Problem("", line, f"image '{href}' is {kind}, which {NOT_SHOWN_WHY}",
                                              "save it as JPEG (a photo) or PNG (a chart, a scan, a diagram) and "
                                              "show that file; link the original with [text](file) if people "
                                              "need it"))
        if fragment:
            if target.page_key is None:
                wrong, hint = pdf_page_problem(fragment, target.document)
                if wrong:
                    links.problems.append(Problem("", line, f"link to '{href}': {wrong}", hint))
            else:
                links.refs.append(LinkRef(target.page_key, fragment, line))
        element.set(attr, links.relative(target.url + (f"#{fragment}" if fragment else "")))
        if target.document and element.tag == "a":
            _describe_document(element, target.document, href)

    def _outside_components(self, fallen: list[tuple[str, int, str]]) -> None:
        """Report each line that follows a component's text with no blank line but is not indented.

        Python-Markdown ends the component there and shows the line after it, where the editor may
        well have meant it to be inside: either way a blank line or four spaces says which.
        """
        links = self.links
        assert links is not None
        for kind, nth, line in fallen:
            where = links.component_at(kind, nth)
            offset = links.source.find(line, where[1]) if where else -1
            indent = len(line) - len(line.lstrip(" "))
            how = f"indented only {indent} space{'s' if indent > 1 else ''}" if indent else "not indented"
            links.problems.append(Problem("",
                links.line_at(offset) if offset >= 0 else links.first_line,
                f"this line follows the text of the '!!! {kind}' component but is {how}, so it is shown "
                "after the component, not in it",
                "indent it by four spaces to keep it in the component, or leave a blank line before it",
            ))
        fallen.clear()

    def _empty_component(self, kind: str, div: ET.Element, in_order: list[ET.Element]) -> None:
        """Report a component with nothing in it, saying how its text should have been indented."""
        links = self.links
        assert links is not None
        if self._nth is None or self._nth[0] is not in_order:  # once a page: a loop per component was quadratic
            counts: dict[str, int] = {}
            nth_of: dict[int, int] = {}
            for other in in_order:
                other_kind = _kind(other)
                nth_of[id(other)] = counts.get(other_kind, 0)  # components of its kind before it
                counts[other_kind] = nth_of[id(other)] + 1
            self._nth = (in_order, nth_of)
        where = links.component_at(kind, self._nth[1].get(id(div), 0))
        if where is None:
            links.problems.append(Problem("", links.first_line, f"the '!!! {kind}' component has nothing in it",
                                   "indent the text that belongs in it by four spaces"))
            return
        start, end = where
        header = links.source[start:end]
        mark = header.lstrip(" \t>")
        after = links.source[end + 1:].split("\n", 1)[0]
        text = after.lstrip(" \t>")
        depth = len(after) - len(after.lstrip(" ")) - (len(header) - len(header.lstrip(" ")))
        if not text.strip():
            why = "nothing is indented under it"
        elif depth <= 0:
            why = "the text under it is not indented, so it is shown after the component"
        else:
            why = f"the text under it is indented {depth} space{'s' if depth > 1 else ''}, not four, so it is " \
                  "shown after the component"
        example = text if len(text) <= 40 else text[:37].rstrip() + "..."
        links.problems.append(Problem("",
            links.line_at(start), f"the '{mark.strip()}' component is empty: {why}",
            f"indent each line of its text by four spaces: '{mark.strip()}' then '    {example or 'Your text.'}'",
        ))

    def _component(self, div: ET.Element, in_order: list[ET.Element]) -> ET.Element:
        kind = _kind(div)
        title_el = next((c for c in div if c.get("class") == "admonition-title"), None)
        title = "".join(title_el.itertext()).strip() if title_el is not None else ""
        body = [c for c in div if c is not title_el]
        if not body and kind in COMPONENTS:
            self._empty_component(kind, div, in_order)
        if kind == "inset":
            out = ET.Element("div", {"class": "nhsuk-inset-text"})
            hidden = ET.SubElement(out, "span", {"class": "nhsuk-u-visually-hidden"})
            hidden.text = self._word("information") + " "
            out.extend(body)
        elif kind in ("warning", "important"):
            out = ET.Element("div", {"class": "nhsuk-warning-callout"})
            label = ET.SubElement(out, "p", {"class": "nhsuk-warning-callout__label"})
            important = self._word("notice_important")
            label_text = title if title and title.lower() != kind else important
            if label_text != important:
                hidden = ET.SubElement(label, "span", {"class": "nhsuk-u-visually-hidden"})
                hidden.text = self._word("important") + " "
                hidden.tail = label_text
            else:
                label.text = label_text
            out.extend(body)
        elif kind == "video":
            out = self._video(title if title.lower() != kind else "", div)
        elif kind in ("details", "expander"):
            classes = "nhsuk-details" + (" nhsuk-expander" if kind == "expander" else "")
            out = ET.Element("details", {"class": classes})
            summary = ET.SubElement(out, "summary", {"class": "nhsuk-details__summary"})
            text = ET.SubElement(summary, "span", {"class": "nhsuk-details__summary-text"})
            text.text = title if title and title.lower() != kind else self._word("more_information")
            inner = ET.SubElement(out, "div", {"class": "nhsuk-details__text"})
            inner.extend(body)
        else:
            assert self.links is not None
            self.links.problems.append(Problem("",
                self.links.line_of(f"!!! {kind}"), f"unknown component '{kind}'",
                nearest(kind, COMPONENTS) or f"use one of: {', '.join(COMPONENTS)}",
            ))
            out = div
        out.tail = div.tail
        return out


    def _word(self, name: str, /, count: int | None = None, **values: Any) -> str:
        """One of the theme's words the converter writes (WORDS), in the page's language."""
        words = self.links.words if self.links is not None else english
        return str(words(name, count, **values))

    def _video(self, title: str, div: ET.Element) -> ET.Element:
        """A `!!! video` component: its settings read from its lines as written (see markdown/video.py)."""
        links = self.links
        assert links is not None
        where = links.component_at("video", self._videos)
        self._videos += 1
        if where is None:
            return div
        found, problems = video.read(title, video.settings(links.source, where[1]))
        for offset, message, hint in problems:
            links.problems.append(Problem("", links.line_at(offset if offset >= 0 else where[0]), message, hint))
        if found is None:
            return ET.Element("div")
        return video.element(found, self._word)


def _kind(div: ET.Element) -> str:
    """The component an admonition is (`!!! warning "Title"` -> 'warning')."""
    kinds = [c for c in div.get("class", "").split() if c != "admonition"]
    return kinds[0] if kinds else ""


# A line right after a component's text that starts one of these is the next block (another component,
# a heading, HTML, code), not text that fell out of the component.
NOT_FALLEN = ("!!!", "#", "<", "```", "~~~")


class _Admonition(AdmonitionProcessor):
    """Python-Markdown's admonition processor, noting the lines that fell out of a component.

    A line that follows a component's indented text with no blank line between, but is not indented
    itself, ends the component and is shown after it (`fallen`: the component's kind, how many of that
    kind came before it, and the line). The page processor reports them.
    """

    def __init__(self, parser: BlockParser) -> None:
        super().__init__(parser)
        self.fallen: list[tuple[str, int, str]] = []
        self.seen: dict[str, int] = {}  # components of each kind so far on this page

    def detab(self, text: str, length: int | None = None) -> tuple[str, str]:
        """The library's `detab` (the indented lines of `text` without their indent, and the rest), reading
        only the lines it takes: it split the whole rest of the block each time, so thousands of
        components with no blank line between them were quadratic (2,500: seconds)."""
        width = self.tab_length if length is None else length
        indent = " " * width
        taken: list[str] = []
        start = 0
        while True:
            end = text.find("\n", start)
            line = text[start:] if end < 0 else text[start:end]
            if line.startswith(indent):
                taken.append(line[width:])
            elif not line.strip():
                taken.append("")
            else:
                return "\n".join(taken), text[start:]
            if end < 0:
                return "\n".join(taken), ""
            start = end + 1

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        block = blocks[0]
        found = self.RE.search(block) if "!!!" in block else None
        count = len(blocks)
        super().run(parent, blocks)
        if found is None:
            return
        kind = self.get_class_and_title(found)[0].split(" ", 1)[0]
        nth = self.seen.get(kind, 0)
        self.seen[kind] = nth + 1
        body = block[found.end():]
        rest = blocks[0].lstrip(" ") if len(blocks) == count else ""
        if rest and body[:4] == "    " and not rest.startswith(NOT_FALLEN):  # text was inside; plain text fell out
            self.fallen.append((kind, nth, blocks[0].split("\n", 1)[0]))


class _IcsgenExtension(Extension):
    attr_list: Any = None  # the shortcut's attribute-list processor, told each text (see _fast.install)
    admonition: _Admonition | None = None

    def __init__(self, off: Collection[str] = ()) -> None:
        super().__init__()
        self.off = off

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        self.attr_list = _fast.install(md, self.off)  # the shortcuts: the same output with less work
        self.admonition = None
        if "admonition" in md.parser.blockprocessors:
            self.admonition = _Admonition(md.parser)
            md.parser.blockprocessors.register(self.admonition, "admonition", 105)
        self.processor = _PageProcessor(md)
        self.processor.admonition = self.admonition
        md.treeprocessors.register(self.processor, "icsgen", 1)  # after inline (20) and attr_list (8)
        md.treeprocessors.deregister("prettify")  # newlines between elements: a cost, no use


ALWAYS = ("attr_list", "admonition", "sane_lists")  # the rest are added when a page needs them (_fast.OPTIONAL)


def _standard(name: str) -> Extension:
    """One of Python-Markdown's own extensions, made from its module.

    Given just the name, Markdown looks it up among every installed package's entry points first,
    which reads the metadata of the whole environment: ~60 ms, a tenth of a one-page rebuild.
    """
    return importlib.import_module(f"markdown.extensions.{name}").makeExtension()


_PDF_PAGE = re.compile(r"page=([0-9]{1,9})")


def pdf_page_problem(fragment: str, document: tuple[str, ...]) -> tuple[str, str]:
    """What is wrong with `#fragment` on a link to a file, and a hint; ('', '') for a PDF's `#page=N`
    within its pages.

    PDF readers and browsers open a PDF at the page `#page=N` names: the way to point readers at one paper
    in a board pack. Any other file has no place a link can name."""
    pages = document[3] if len(document) > 3 else ""
    if not pages:
        return "only pages have #anchors", ""
    number = _PDF_PAGE.fullmatch(fragment)
    if number is None:
        return "only pages have #anchors (a PDF can be opened at one of its pages: #page=2)", ""
    count = int(pages)
    if int(number.group(1)) < 1 or (count and int(number.group(1)) > count):
        return (f"the document has {count} page{'' if count == 1 else 's'}" if count else "pages are counted from 1",
                "link to a page it has, or to the document without #page=")
    return "", ""


class MarkdownConverter:
    """Converts page bodies, reusing one Markdown instance per set of extensions a page needs.

    Not thread-safe: one per process or thread. `off` names shortcuts (`_fast.SHORTCUTS`) to leave out,
    running Python-Markdown's own code instead: for the tests that compare the two, not for use.
    """

    def __init__(self, off: Collection[str] = ()) -> None:
        self.off = frozenset(off)
        self._variants: dict[tuple[str, ...], tuple[markdown.Markdown, _IcsgenExtension]] = {}

    @property
    def _md(self) -> markdown.Markdown:
        """The instance with every extension, for tests that look inside; made on first use, as each
        instance costs milliseconds to set up and most rebuilds convert no page at all."""
        return self._variant(_fast.needed_extensions("", {"extensions"}))[0]

    @property
    def _ext(self) -> _IcsgenExtension:
        return self._variant(_fast.needed_extensions("", {"extensions"}))[1]

    def _variant(self, optional: tuple[str, ...]) -> tuple[markdown.Markdown, _IcsgenExtension]:
        found = self._variants.get(optional)
        if found is None:
            extension = _IcsgenExtension(self.off)
            md = markdown.Markdown(extensions=[*map(_standard, (*ALWAYS, *optional)), extension],
                                   output_format="html")
            found = self._variants[optional] = (md, extension)
        return found

    def convert(self, text: str, links: PageLinks) -> Converted:
        def line_at(offset: int) -> int:
            return links.first_line + text.count("\n", 0, offset)

        hostile = too_much_markup(text, line_at) or (unclosed_comment(text, line_at) if "<!--" in text else [])
        if hostile:  # a paragraph that would take minutes to convert, or a note that would be shown: not converted
            links.problems += [Problem("", line, message, hint) for line, message, hint in hostile]
            return Converted("", (), 0)
        md, extension = self._variant(_fast.needed_extensions(text, self.off))
        md.reset()
        extension.processor.toc = []  # Python-Markdown skips the tree processors for a blank body
        extension.processor.given_ids = []
        extension.processor.links = links
        if extension.admonition is not None:
            extension.admonition.fallen, extension.admonition.seen = [], {}
        if extension.attr_list is not None:
            extension.attr_list.text = text
        try:
            html = md.convert(text)
        except (_fast.TooDeep, RecursionError) as exc:
            # the parser's state is left half-way: this instance is not used again
            self._variants = {key: value for key, value in self._variants.items() if value[0] is not md}
            top = exc.top.split("\n", 1)[0].strip() if isinstance(exc, _fast.TooDeep) else ""
            line = links.line_of(top) if top else links.first_line
            links.problems.append(Problem("", line, "the lists, quotes or components that start here are nested "
                                          "too deeply to convert", DEPTH_HINT))
            return Converted("", (), 0)
        finally:
            extension.processor.links = None
            if extension.attr_list is not None:
                extension.attr_list.text = None
        links.problems += self._written_wrong(text, html, md, extension, links)
        toc = tuple({**entry, "children": tuple(entry["children"])} for entry in extension.processor.toc)
        return Converted(html, toc, len(toc))

    @staticmethod
    def _written_wrong(text: str, html: str, md: markdown.Markdown, extension: _IcsgenExtension,
                       links: PageLinks) -> list[Problem]:
        """What the page's text puts into its HTML that no page may hold (see rawhtml.py): characters
        that are not text, ids given twice and, where there is raw HTML, what would break the page."""
        found = control_problems(text, lambda offset: links.first_line + text.count("\n", 0, offset)) \
            if may_hold_controls(text) else []
        if md.htmlStash.html_counter:  # raw HTML (or an entity) was passed through
            structure, ids = structure_problems(html, text, links.line_of)
            found += structure
        else:
            ids = [(ident, links.line_of(f"#{ident}")) for ident in extension.processor.given_ids]
        if ids:
            found += duplicate_ids(ids)
        return [Problem("", line, message, hint) for line, message, hint in found]
