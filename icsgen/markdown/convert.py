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

import bisect
import functools
import html
import importlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import markdown
from markdown import util
from markdown.blockparser import BlockParser
from markdown.blockprocessors import ParagraphProcessor
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.extensions.toc import AMP_SUBSTITUTE, slugify
from markdown.inlinepatterns import ReferenceInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor, UnescapeTreeprocessor
from markdown.util import HTML_PLACEHOLDER_RE as _placeholder

from icsgen.problems import Problem, nearest

from . import video

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
# How deep lists, quotes and components may sit inside one another, counted in the block parser's
# levels (a list level is two of them, a quote or component one). Python-Markdown recurses at each
# level, so without a limit a line of 300 '>' exhausts the stack; real pages use fewer than ten.
MAX_DEPTH = 48
DEPTH_HINT = "lists, quotes and '!!!' components can sit inside one another up to 20 levels deep"
# A component's first line, `!!! warning "Title"`, wherever it is (in a list or a quote too)
COMPONENT_LINE = re.compile(r"^[ \t>]*!!! ?([\w\-]+)[^\n]*", re.MULTILINE)


@dataclass(frozen=True)
class LinkRef:
    """A link to another page's anchor, checked once every page's anchors are known."""

    target: str  # page key
    fragment: str
    line: int


@dataclass(frozen=True)
class LinkTarget:
    """What a link resolves to: the output site path (e.g. 'leeds/about/') and, for pages, the key."""

    url: str
    page_key: str | None = None


@dataclass
class PageLinks:
    """What one conversion needs to resolve links, and what it found."""

    resolve: Callable[[str], LinkTarget | str]  # target path -> target, or a message why not
    relative: Callable[[str], str]  # site path -> href from this page
    source: str  # the Markdown as written, for line numbers
    first_line: int
    suggest: Callable[[str], str] | None = None  # target path that resolves to nothing -> a hint, or ''
    problems: list[Problem] = field(default_factory=list)  # path left empty: the renderer knows the file
    refs: list[LinkRef] = field(default_factory=list)
    _cursor: dict[str, int] = field(default_factory=dict)
    _counted: tuple[int, int] = (0, 0)  # an offset and the number of newlines before it
    _components: list[tuple[str, int, int]] | None = None

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
        same = [(start, end) for found, start, end in self.components() if found == kind]
        return same[nth] if nth < len(same) else None


@dataclass(frozen=True)
class Converted:
    html: str
    toc: tuple[dict[str, Any], ...]  # h2 entries with h3 children: {id, title, children}
    h2_count: int


@functools.lru_cache(maxsize=4096)
def _slug(name: str) -> str:
    """A heading's id before it is made unique; headings such as 'Contact us' recur on many pages."""
    return slugify(name, "-")



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

class _PageProcessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.links: PageLinks | None = None
        self.toc: list[dict[str, Any]] = []
        self.admonition: _Admonition | None = None  # the block processor, which notes lines outside components
        self._videos = 0

    def run(self, root: ET.Element) -> None:
        assert self.links is not None
        if self.admonition is not None and self.admonition.fallen:
            self._outside_components(self.admonition.fallen)
        self._videos = 0  # the `!!! video` components met so far, to find each one's lines in the source
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
        for element in root.iter():
            ident = element.get("id")
            if ident:
                used.add(ident)
            tag = element.tag
            if tag in HEADINGS:
                headings.append(element)
            elif tag == "a" or tag == "img":
                linked.append(element)
        self._heading_ids(headings, used)
        for element in linked:
            if element.tag == "a":
                if element.get("href") is not None:
                    self._link(element, "href")
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
                label = f"Table: {', '.join(h for h in headers if h)}" if any(headers) else "Table"
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
        if fragment:
            if target.page_key is None:
                links.problems.append(Problem("", line, f"link to '{href}': only pages have #anchors", ""))
            else:
                links.refs.append(LinkRef(target.page_key, fragment, line))
        element.set(attr, links.relative(target.url + (f"#{fragment}" if fragment else "")))

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
        before = next((i for i, other in enumerate(in_order) if other is div), 0)
        nth = sum(1 for other in in_order[:before] if _kind(other) == kind)  # components of its kind before it
        where = links.component_at(kind, nth)
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
            hidden.text = "Information: "
            out.extend(body)
        elif kind in ("warning", "important"):
            out = ET.Element("div", {"class": "nhsuk-warning-callout"})
            label = ET.SubElement(out, "p", {"class": "nhsuk-warning-callout__label"})
            label_text = title if title and title.lower() != kind else "Important"
            if label_text != "Important":
                hidden = ET.SubElement(label, "span", {"class": "nhsuk-u-visually-hidden"})
                hidden.text = "Important: "
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
            text.text = title if title and title.lower() != kind else "More information"
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
            links.problems.append((links.line_at(offset if offset >= 0 else where[0]), message, hint))
        if found is None:
            return ET.Element("div")
        return video.element(found)


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


class _TooDeep(Exception):
    """Raised by the block parser at `MAX_DEPTH`; `top` is the outermost block of what was too deep."""

    top = ""


# Characters without which an inline pattern cannot match: a pattern is skipped for text that has
# none of them. Python-Markdown otherwise runs every pattern's regex over every piece of text, and
# that loop was the largest single cost of a build. A pattern not listed here always runs.
INLINE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("[",),
    "image_reference": ("[",), "short_reference": ("[",), "short_image_ref": ("[",), "autolink": ("<",),
    "automail": ("<",), "linebreak": ("  \n",), "html": ("<",), "entity": ("&",), "em_strong": ("*", "_"),
    "em_strong2": ("_",), "not_strong": ("*", "_"),
}


class _QuickInline(InlineProcessor):
    """Python-Markdown's inline processor, skipping patterns whose trigger characters are absent."""

    _any_trigger: re.Pattern[str] | None = None
    _trigger_list: list[tuple[str, ...] | None]
    _without_references: list[tuple[str, ...] | None]  # `()`: never tried
    _active_triggers: list[tuple[str, ...] | None]

    def run(self, tree: ET.Element, ancestors: list[str] | None = None) -> ET.Element:
        """Python-Markdown's `InlineProcessor.run`, leaving alone text in which no pattern can match.

        For such text the standard loop takes it off its element, finds nothing in it and puts it
        back, and for a tail it also makes a scratch element and looks for the element among its
        siblings. This is a copy of the library's method but for the two `quiet` tests, which skip
        that, and the map of every element's parent, which it builds and keeps up to date but reads
        only to list the ancestors of the root, which has none; the tests in
        test_render_speed_equivalence.py compare the two.
        """
        self._triggers()  # once per page, not for each piece of text
        quiet = self._any_trigger
        if quiet is None:
            return super().run(tree, ancestors)
        handle_inline = self._InlineProcessor__handleInline
        process_placeholders = self._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {}
        stack = [(tree, tree_parents)]
        tree_parents.append(tree.tag.lower())  # as `__build_ancestors` would: the root's parent is not in the tree
        while stack:
            element, parents = stack.pop(0)
            self.ancestors = parents
            if element is not tree:
                self.ancestors.append(element.tag.lower())
            insert_queue = []
            for child in element:
                text = child.text
                if text and not isinstance(text, util.AtomicString) and quiet.search(text) is not None:
                    self.ancestors.append(child.tag.lower())
                    child.text = None
                    found = process_placeholders(handle_inline(text), child)
                    stack += found
                    insert_queue.append((child, found))
                    self.ancestors.pop()
                tail = child.tail
                if tail and quiet.search(tail) is not None:
                    tail = handle_inline(tail)
                    scratch = ET.Element("d")
                    child.tail = None
                    tail_result = process_placeholders(tail, scratch, False)
                    if scratch.tail:
                        child.tail = scratch.tail
                    position = list(element).index(child) + 1
                    tail_result.reverse()
                    for new_child in tail_result:
                        element.insert(position, new_child[0])
                if len(child):
                    stack.append((child, self.ancestors[:]))
            for parent, found in insert_queue:
                for index, item in enumerate(found):
                    parent.insert(index, item[0])
        return tree

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        triggers = self._active_triggers
        if self._any_trigger is not None and self._any_trigger.search(data) is None:
            return data  # no pattern can match: most list items, headings and plain sentences
        patterns = self.inlinePatterns
        count = len(triggers)
        start = 0
        while patternIndex < count:
            needed = triggers[patternIndex]
            if needed is not None and not (needed and (needed[0] in data or needed[-1] in data)):  # at most 2
                patternIndex += 1
                start = 0  # as after a pattern that did not match
                continue
            data, matched, start = self._InlineProcessor__applyPattern(  # type: ignore[attr-defined]
                patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data

    def _triggers(self) -> list[tuple[str, ...] | None]:
        """Each pattern's triggers, in the order patterns run; `_any_trigger` finds any of them all.

        Sets the triggers for the page being converted (`_active_triggers`): a page that defines no
        references (`[id]: url`, read by the block parser before this runs) skips the reference patterns,
        which then can only look at each `[` and leave the text as it was.
        """
        cached: list[tuple[str, ...] | None] | None = getattr(self, "_trigger_list", None)
        if cached is None or len(cached) != len(self.inlinePatterns):
            ordered = sorted(self.inlinePatterns._priority, key=lambda item: item.priority, reverse=True)
            cached = self._trigger_list = [INLINE_TRIGGERS.get(item.name) for item in ordered]
            self._without_references = [() if isinstance(self.inlinePatterns[item.name], ReferenceInlineProcessor)
                                        else needed for item, needed in zip(ordered, cached, strict=True)]
            needles = sorted({needle for needed in cached if needed is not None for needle in needed})
            everything_triggered = all(needed is not None for needed in cached)
            self._any_trigger = re.compile("|".join(map(re.escape, needles))) if everything_triggered else None
        self._active_triggers = cached if self.md.references else self._without_references
        return cached


_BRACKET = re.compile(r"[\[\]]")
NEAR_BRACKETS = 8  # brackets a link's text is scanned for before the index of the whole text is used
LONGEST_TARGET = 2048  # characters a link's `(target "title")` is scanned for when it has `(` or a quote


class _BracketIndex:
    """Where each `[` of one text is closed, for link texts too long to scan bracket by bracket.

    Scanning from each `[` to its `]` is quadratic in a line of thousands of `[` (40 KB of them took
    161 s). This records, for every depth, where a `]` brings the text down to it; the `]` closing the
    `[` before `index` is then the first one after `index` that brings the depth one below the depth at
    `index`, found by bisection. Made once per text (the inline processor tries every pattern on the
    same text until one matches).
    """

    def __init__(self, data: str) -> None:
        self.data = data
        self.positions: list[int] = []  # of every bracket
        self.depths: list[int] = []  # the depth after each
        self.closes: dict[int, list[int]] = {}  # depth -> positions of the `]` after which the depth is that
        depth = 0
        for bracket in _BRACKET.finditer(data):
            position = bracket.start()
            if bracket.group() == "[":
                depth += 1
            else:
                depth -= 1
                self.closes.setdefault(depth, []).append(position)
            self.positions.append(position)
            self.depths.append(depth)

    def closing(self, index: int) -> int:
        """The position of the `]` closing a `[` just before `index`, or -1."""
        before = bisect.bisect_left(self.positions, index)
        depth = self.depths[before - 1] if before else 0
        closes = self.closes.get(depth - 1, ())
        found = bisect.bisect_left(closes, index)
        return closes[found] if found < len(closes) else -1


_last_index: list[_BracketIndex] = []  # the index of the last text that needed one


class _QuickBrackets:
    """Python-Markdown's scans of a link's `[text]` and `(target)`, with the loop over every character
    done by a regular expression and `str.find` (the link patterns were most of the inline time).

    Mixed into the library's link, image and reference patterns (see `_quicken_brackets`); a target
    with a nested bracket or a quote (a title) goes to the library's own scan. Neither scan is
    quadratic on a line of thousands of brackets: a long text is looked up in a `_BracketIndex`, and
    a target is looked for only within `LONGEST_TARGET` characters (the library would scan to the end
    of the text from each `(`).
    """

    RE_LINK: re.Pattern[str]
    unescape: Callable[[str], str]

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        depth = 1
        for seen, bracket in enumerate(_BRACKET.finditer(data, index), 1):
            depth += 1 if bracket.group() == "[" else -1
            if depth == 0:
                return data[index:bracket.start()], bracket.end(), True
            if seen == NEAR_BRACKETS:
                break
        else:  # no closing `]`: the text is not used (copying the rest of the line each time was quadratic)
            return "", max(index, len(data)), False
        found = _last_index[0] if _last_index and _last_index[0].data is data else None
        if found is None:
            found = _BracketIndex(data)
            _last_index[:] = [found]
        close = found.closing(index)
        if close < 0:
            return "", max(index, len(data)), False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        found = self.RE_LINK.match(data, pos=index)
        if found and not found.group(1):
            start = found.end()
            close = data.find(")", start, start + LONGEST_TARGET)
            if close < 0:
                return "", None, index, False  # not a link (the library scans on to the end of the text)
            target = data[start:close]
            if "(" not in target and '"' not in target and "'" not in target:
                return self.unescape(target).strip(), None, close + 1, True
            end = start + LONGEST_TARGET
            if end < len(data):  # the library's scan, on the part of the text a target can be in
                href, title, stop, handled = super().getLink(data[index:end], 0)  # type: ignore[misc]
                if not handled or stop <= 0:
                    return "", None, index, False
                return href, title, index + stop, True
        return super().getLink(data, index)  # type: ignore[misc]


def _quicken_brackets(patterns: util.Registry) -> None:
    """Give each pattern that scans brackets (links, images, references) `_QuickBrackets`' scans."""
    for item in patterns._priority:
        pattern = patterns[item.name]
        kind = type(pattern)
        if hasattr(kind, "getText") and not issubclass(kind, _QuickBrackets):
            pattern.__class__ = _quick_kind(kind)


@functools.cache
def _quick_kind(kind: type) -> type:
    return type(f"_Quick{kind.__name__}", (_QuickBrackets, kind), {})


class Sign(NamedTuple):
    """What a block must show for a block processor to act on it: any one of these."""

    start: str = ""  # a regular expression matching at the start of the block
    has: tuple[str, ...] = ()  # text found anywhere in it
    line: str = ""  # a character that starts one of its lines, after at most three spaces


# Each block processor's sign, implied by its own test (or, for those whose test is always true, by
# what `run` looks for). Python-Markdown tries every processor on every block, most with a regular
# expression over the whole block: that was over half the time spent parsing blocks. A processor is
# skipped for a block without its sign, and a block with none of them goes straight to the paragraph
# processor, which takes any block: most blocks are plain paragraphs and list items. A parser with a
# processor not listed here tries that one on every block and never takes the paragraph shortcut.
BLOCK_SIGNS: dict[str, Sign] = {
    "admonition": Sign(start=" {4}", has=("!!!",)),  # `!!! kind`, or an indented block continuing one
    "markdown_block": Sign(start=util.STX),  # md_in_html: a stashed element
    "empty": Sign(start=r"\n|\Z"),
    "indent": Sign(start=" {4}"),
    "defindent": Sign(start=" {4}"),
    "code": Sign(start=" {4}"),
    "table": Sign(has=("|",)),
    "hashheader": Sign(line="#"),  # not a `#` in a link to an anchor
    "setextheader": Sign(has=("\n=", "\n-")),
    "hr": Sign(line="-_*"),  # a line of three or more of one of them
    "olist": Sign(start=r" {0,3}\d"),
    "ulist": Sign(start=r" {0,3}[*+-]"),
    "deflist": Sign(line=":"),
    "quote": Sign(line=">"),
    "abbr": Sign(has=("*[",)),
    "reference": Sign(has=("]:",)),
}


def _shows_any(signs: Collection[Sign]) -> Callable[[str], bool]:
    """A test for a block showing any of `signs`: one anchored match, a few substring searches, and one
    search for line starts (each a scan in C; one regular expression of all of them was slower than
    the processors' own tests)."""
    line_chars = "".join(sorted({char for sign in signs for char in sign.line}))
    starts = [sign.start for sign in signs if sign.start]
    if line_chars:
        starts.append(f" {{0,3}}[{re.escape(line_chars)}]")
    at_start = re.compile("|".join(f"(?:{pattern})" for pattern in dict.fromkeys(starts))).match if starts else None
    texts = tuple(dict.fromkeys(text for sign in signs for text in sign.has))
    at_line = re.compile(f"\\n {{0,3}}[{re.escape(line_chars)}]").search if line_chars else None

    def shows(block: str) -> bool:
        if at_start is not None and at_start(block) is not None:
            return True
        for text in texts:
            if text in block:
                return True
        return at_line is not None and at_line(block) is not None

    return shows


class _QuickBlocks:
    """Python-Markdown's `BlockParser.parseBlocks`, skipping processors whose `BLOCK_SIGNS` a block lacks.

    Also lists the processors once per call rather than once per block, as the registry does.
    """

    def __init__(self, parser: BlockParser) -> None:
        self.parser = parser
        self.depth = 0  # how many calls deep: each list, quote and component parses its content with one
        self.top = ""  # the outermost block being parsed
        self._chain: list[tuple[Any, Callable[[str], bool] | None]] = []
        self._special: Callable[[str], bool] | None = None  # shows the sign of any processor but the paragraph's
        self._paragraph: Any = None

    def _prepare(self) -> None:
        registry = self.parser.blockprocessors
        ordered = sorted(registry._priority, key=lambda item: item.priority, reverse=True)
        self._chain = [(registry[item.name], _shows_any([BLOCK_SIGNS[item.name]]) if item.name in BLOCK_SIGNS
                        else None) for item in ordered]
        *others, last = [item.name for item in ordered] or [""]
        if last == "paragraph" and type(registry[last]) is ParagraphProcessor and all(n in BLOCK_SIGNS for n in others):
            self._special = _shows_any([BLOCK_SIGNS[name] for name in others])
            self._paragraph = registry[last]
        else:
            self._special = self._paragraph = None

    def __call__(self, parent: ET.Element, blocks: list[str]) -> None:
        depth = self.depth
        if depth >= MAX_DEPTH:
            raise _TooDeep()
        if len(self._chain) != len(self.parser.blockprocessors):
            self._prepare()
        chain, special, paragraph = self._chain, self._special, self._paragraph
        self.depth = depth + 1
        try:
            while blocks:
                if special is not None and not special(blocks[0]):
                    paragraph.run(parent, blocks)  # its test is always true, and it always takes the block
                    continue
                for processor, could_act in chain:
                    block = blocks[0]
                    if (could_act is None or could_act(block)) and processor.test(parent, block):
                        if depth == 0:
                            self.top = block  # for a message, should what it holds be nested too deeply
                        if processor.run(parent, blocks) is not False:
                            break  # run returns True or None when it took the block
        except _TooDeep as exc:
            if depth == 0:
                exc.top = self.top
            raise
        finally:
            self.depth = depth


_SPACES_LINE = re.compile(r"(?<=\n) +\n")


class _QuickNormalize(NormalizeWhitespace):
    """Python-Markdown's whitespace clean-up, doing only the steps the text needs.

    Its search for lines of spaces alone, over the whole text, cost more than the rest of it: it runs
    only when a space comes before a newline, and tabs are expanded only when there is one.
    """

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if " \n" in source:
            source = _SPACES_LINE.sub("\n", source)
        return source.split("\n")


TAG_START = re.compile(r"<[A-Za-z/!?]")
UNCLOSED_TAGS = 64  # more tags than this that never close, and they are written as text before parsing
CLOSINGS = (("<!--", "-->"), ("<![CDATA[", "]]>"))


LT = "\ue000"  # stands for a `<` shown as text (a private-use character no pattern matches)


def _escape_unclosed(text: str) -> str:
    """`text` with each `<` that starts a tag, comment or CDATA section never closed as `LT`, when there
    are more than `UNCLOSED_TAGS` of them; otherwise `text` itself.

    Python's HTML parser looks for the end of each such tag from its start to the end of the text, so
    a line of thousands of `<a` (or `<![CDATA[`) took minutes. It shows them as text, as this does
    (`_RestoreLt` writes `&lt;` for each in the HTML). A tag is closed by a `>` before the next tag
    starts. Not as `&lt;`: the inline processor would then match thousands of entities, each match
    costing a pass over the text.
    """
    if LT in text:
        return text
    unclosed: list[int] = []
    done = 0
    for found in TAG_START.finditer(text):
        start = found.start()
        if start < done:
            continue  # inside a comment or CDATA section
        for opening, closing in CLOSINGS:
            if text.startswith(opening, start):
                end = text.find(closing, start + len(opening))
                if end < 0:
                    unclosed.append(start)
                    done = start + len(opening)
                else:
                    done = end + len(closing)
                break
        else:
            following = TAG_START.search(text, start + 1)
            if text.find(">", start, following.start() if following else len(text)) < 0:
                unclosed.append(start)
    if len(unclosed) <= UNCLOSED_TAGS:
        return text
    parts, last = [], 0
    for start in unclosed:
        parts += [text[last:start], LT]
        last = start + 1
    parts.append(text[last:])
    return "".join(parts)


class _QuickHtmlBlock(Preprocessor):
    """The raw HTML preprocessor, run only on a text with a tag or an entity (`<` or `&`) in it.

    Without either, its HTML parser hands back every line as it was, after a pass over the text. A text
    with many tags that never close has them written as text first (`_escape_unclosed`).
    """

    def __init__(self, md: markdown.Markdown, standard: Preprocessor) -> None:
        super().__init__(md)
        self.standard = standard

    def run(self, lines: list[str]) -> list[str]:
        if any("<" in line or "&" in line for line in lines):
            if sum(line.count("<") for line in lines) > UNCLOSED_TAGS:
                lines = _escape_unclosed("\n".join(lines)).split("\n")
            return self.standard.run(lines)
        return lines


class _RestoreLt(Postprocessor):
    """Writes each `LT` left by `_escape_unclosed` as `&lt;`."""

    def run(self, text: str) -> str:
        return text.replace(LT, "&lt;") if LT in text else text


class _QuickUnescape(UnescapeTreeprocessor):
    """Restores backslash-escaped characters, skipping the search in text that has none."""

    def unescape(self, text: str) -> str:
        return super().unescape(text) if util.STX in text else text


class _AtTheEnd:
    """One of attr_list's patterns for a list at the end of an element's text, searched only where it
    can match: in the text's last line, when that ends with `}`.

    The library's search tries every ` {` of the text and scans each to the end of its line, so a
    heading of thousands of ` {:` took seconds; a match of these patterns holds no newline but the
    one before the last line (`newline`) and ends at the end of the text.
    """

    def __init__(self, pattern: re.Pattern[str], newline: bool) -> None:
        self.pattern = pattern
        self.newline = newline

    def search(self, text: str) -> re.Match[str] | None:
        body = text[:-1] if text.endswith("\n") else text
        if not body.rstrip(" ").endswith("}"):
            return None
        last = body.rfind("\n")
        return self.pattern.search(text, max(last, 0) if self.newline else last + 1)


class _QuickAttrList(Treeprocessor):
    """attr_list's tree processor, run only when the text being converted has a `{` in it.

    Every attribute list (`{: .class }`, `{#id}`) has one, and without it the standard processor
    still looks at the text of every element. The extension itself stays registered: fenced code
    asks whether it is. Runs its own copy of the processor, whose end-of-text patterns are `_AtTheEnd`.
    """

    def __init__(self, md: markdown.Markdown, standard: Treeprocessor) -> None:
        super().__init__(md)
        self.standard = standard
        self.quick = type(standard)(md)
        self.quick.HEADER_RE = _AtTheEnd(standard.HEADER_RE, newline=False)  # type: ignore[attr-defined]
        self.quick.BLOCK_RE = _AtTheEnd(standard.BLOCK_RE, newline=True)  # type: ignore[attr-defined]
        self.text: str | None = None  # what is being converted; None: not known, so always run

    def run(self, root: ET.Element) -> ET.Element | None:
        if self.text is None or "{" in self.text:
            return self.quick.run(root)
        return None


class _IcsgenExtension(Extension):
    attr_list: _QuickAttrList | None = None
    admonition: _Admonition | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Python-Markdown's processors, replaced by ones that skip work with nothing to do
        md.preprocessors.register(_QuickNormalize(md), "normalize_whitespace", 30)
        md.preprocessors.register(_QuickHtmlBlock(md, md.preprocessors["html_block"]), "html_block", 20)
        md.postprocessors.register(_RestoreLt(md), "icsgen_lt", 0)
        md.treeprocessors.register(_QuickInline(md), "inline", 20)
        _quicken_brackets(md.inlinePatterns)
        md.treeprocessors.register(_QuickUnescape(md), "unescape", 0)
        if "attr_list" in md.treeprocessors:
            self.attr_list = _QuickAttrList(md, md.treeprocessors["attr_list"])
            md.treeprocessors.register(self.attr_list, "attr_list", 8)
        md.parser.parseBlocks = _QuickBlocks(md.parser)  # type: ignore[method-assign]
        self.admonition = None
        if "admonition" in md.parser.blockprocessors:
            self.admonition = _Admonition(md.parser)
            md.parser.blockprocessors.register(self.admonition, "admonition", 105)
        self.processor = _PageProcessor(md)
        self.processor.admonition = self.admonition
        md.treeprocessors.register(self.processor, "icsgen", 1)  # after inline (20) and attr_list (8)
        md.treeprocessors.deregister("prettify")  # newlines between elements: a cost, no use


def _starts_a_line_with_colon(text: str) -> bool:
    """Whether a line starts with ':' after at most three spaces, as a definition does.

    The same test as the regex `(?:^|\n)[ ]{0,3}:`, which tries every position of the text and cost
    about 90 us a page; this looks only at the colons.
    """
    colon = text.find(":")
    while colon >= 0:
        start = colon
        while start > 0 and text[start - 1] == " " and colon - start < 3:
            start -= 1
        if start == 0 or text[start - 1] == "\n":
            return True
        colon = text.find(":", colon + 1)
    return False


# Extensions that cost time on every page but only do anything when their syntax is present:
# each is left out of the converter for a page whose text cannot contain that syntax. (Tables
# alone were a fifth of the Markdown time of a typical page.) The rest are always on.
ALWAYS = ("attr_list", "admonition", "sane_lists")
OPTIONAL: dict[str, Callable[[str], bool]] = {
    "tables": lambda text: "|" in text,
    "def_list": _starts_a_line_with_colon,
    "fenced_code": lambda text: "```" in text or "~~~" in text,
    "abbr": lambda text: "*[" in text,
    "md_in_html": lambda text: "<" in text,
}


def _standard(name: str) -> Extension:
    """One of Python-Markdown's own extensions, made from its module.

    Given just the name, Markdown looks it up among every installed package's entry points first,
    which reads the metadata of the whole environment: ~60 ms, a tenth of a one-page rebuild.
    """
    return importlib.import_module(f"markdown.extensions.{name}").makeExtension()


class MarkdownConverter:
    """Converts page bodies, reusing one Markdown instance per set of extensions a page needs.

    Not thread-safe: one per process or thread.
    """

    def __init__(self) -> None:
        self._variants: dict[tuple[str, ...], tuple[markdown.Markdown, _IcsgenExtension]] = {}

    @property
    def _md(self) -> markdown.Markdown:
        """The instance with every extension, for tests that look inside; made on first use, as each
        instance costs milliseconds to set up and most rebuilds convert no page at all."""
        return self._variant(tuple(OPTIONAL))[0]

    @property
    def _ext(self) -> _IcsgenExtension:
        return self._variant(tuple(OPTIONAL))[1]

    def _variant(self, optional: tuple[str, ...]) -> tuple[markdown.Markdown, _IcsgenExtension]:
        found = self._variants.get(optional)
        if found is None:
            extension = _IcsgenExtension()
            md = markdown.Markdown(extensions=[*map(_standard, (*ALWAYS, *optional)), extension], output_format="html")
            found = self._variants[optional] = (md, extension)
        return found

    def convert(self, text: str, links: PageLinks) -> Converted:
        md, extension = self._variant(tuple(name for name, needed in OPTIONAL.items() if needed(text)))
        md.reset()
        extension.processor.toc = []  # Python-Markdown skips the tree processors for a blank body
        extension.processor.links = links
        if extension.admonition is not None:
            extension.admonition.fallen, extension.admonition.seen = [], {}
        if extension.attr_list is not None:
            extension.attr_list.text = text
        try:
            html = md.convert(text)
        except (_TooDeep, RecursionError) as exc:
            # the parser's state is left half-way: this instance is not used again
            self._variants = {key: value for key, value in self._variants.items() if value[0] is not md}
            top = exc.top.split("\n", 1)[0].strip() if isinstance(exc, _TooDeep) else ""
            line = links.line_of(top) if top else links.first_line
            links.problems.append(Problem("", line, "the lists, quotes or components that start here are nested "
                                          "too deeply to convert", DEPTH_HINT))
            return Converted("", (), 0)
        finally:
            extension.processor.links = None
            if extension.attr_list is not None:
                extension.attr_list.text = None
        toc = tuple({**entry, "children": tuple(entry["children"])} for entry in extension.processor.toc)
        return Converted(html, toc, len(toc))
