"""What a page's own text may not put into the HTML: characters no page can hold, and raw HTML that would
break the page around it.

Markdown passes raw HTML through as written. A `<body>` or `<title>` in a page's text, a `<b>` never
closed, a stray `</div>`, `<priorities.markdown>` (an address in angle brackets without `https://`,
which a browser reads as an unknown element that swallows the rest of the page) or an id given twice
all published a page that is not valid HTML, and some broke the page's layout or the theme's skip link.
Each is a `file:line` error here. The structure is checked only for a page with raw HTML in it (most
have none): Markdown's own output is always balanced.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser

# Characters that are not text in HTML or XML: C0 and C1 controls (not tab, newline, carriage return),
# lone surrogates and the noncharacters. Written as characters or as numeric character references.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
CONTROL_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,8})|0*([0-9]{1,10}));?")

VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"))
# What the theme writes for every page: in a page's text it would make a second head or body
DOCUMENT = frozenset(("html", "head", "body", "title", "meta", "link", "base", "frameset", "frame", "noframes"))
CLOSES_P = frozenset(("address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption",
                      "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main",
                      "menu", "nav", "ol", "p", "pre", "section", "table", "ul", "search"))
OPTIONAL_END = frozenset(("p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
                          "rt", "rp", "colgroup", "caption"))
# The elements of the HTML standard that can appear in a page's body
_ELEMENT_NAMES = """a abbr address area article aside audio b bdi bdo blockquote br button canvas caption cite
code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form
h1 h2 h3 h4 h5 h6 header hgroup hr i iframe img input ins kbd label legend li main map mark math menu meter nav
noscript object ol optgroup option output p picture pre progress q rp rt ruby s samp script search section select
slot small source span strong style sub summary sup svg table tbody td template textarea tfoot th thead time tr
track u ul var video wbr"""
ELEMENTS = frozenset(_ELEMENT_NAMES.split())
FOREIGN = frozenset(("svg", "math"))  # inside these, names and self-closing tags follow XML's rules
CUSTOM = re.compile(r"^[a-z][a-z0-9._\u00b7\u00c0-\uffff]*-[a-z0-9._\-\u00b7\u00c0-\uffff]*$")  # <my-element>
RESERVED_IDS = frozenset({"top", "maincontent", "contents", "header", "footer", "navigation"})  # the theme's

Problem = tuple[int, str, str]  # (line, message, hint)


_ASCII_CONTROLS = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])


def may_hold_controls(text: str) -> bool:
    """Whether `text` may hold a character `control_problems` reports: for the ASCII text of most pages,
    deleting the controls from its bytes in C (~4 us a page) instead of the pattern's search (~22 us)."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_CONTROLS)) != len(raw) or "&#" in text
    return CONTROL.search(text) is not None or "&#" in text


def control_problems(source: str, line_at: Callable[[int], int]) -> list[Problem]:
    """Each character of `source` no page can hold (as itself, or as a `&#...;` reference), at its line."""
    found: list[Problem] = []
    for match in CONTROL.finditer(source):
        found.append((line_at(match.start()), f"a control character (U+{ord(match.group()):04X}) that cannot be "
                      "shown", "delete it: it is invisible in most editors; retype the words around it"))
        if len(found) >= 5:
            return found
    if "&#" in source:
        for match in CONTROL_REFERENCE.finditer(source):
            hexa, decimal = match.groups()
            code = int(hexa, 16) if hexa else int(decimal)
            if code == 0 or code > 0x10FFFF or CONTROL.match(chr(code)):
                found.append((line_at(match.start()), f"'{match.group()}' stands for a character that cannot be "
                              "shown", "delete it"))
    return found


def structure_problems(fragment: str, source: str,
                       line_of: Callable[[str], int]) -> tuple[list[Problem], list[tuple[str, int]]]:
    """What in `fragment` (a page's text as HTML, with raw HTML in it) would not be well-formed in the page
    (an element of the document's head or body, an unknown element, one never closed, a stray end tag),
    and every id in it with its line."""
    parser = _Structure(source, line_of)
    parser.feed(fragment)
    parser.close()
    return parser.problems, parser.ids


def duplicate_ids(ids: Iterable[tuple[str, int]]) -> list[Problem]:
    """(line, message, hint) for each id given twice on the page, or one the theme gives (`maincontent`)."""
    first: dict[str, int] = {}
    found: list[Problem] = []
    for ident, line in ids:
        if ident in RESERVED_IDS:
            found.append((line, f"the id '{ident}' is one the page's template gives: an id is used once a page",
                          "choose another id"))
        elif ident in first:
            found.append((line, f"the id '{ident}' is given twice (first on line {first[ident]}): an id is used "
                          "once a page", "choose another id, or take this one out"))
        else:
            first[ident] = line
    return found


def _ends(open_tag: str, tag: str) -> bool:
    """Whether start tag `tag` ends the open element `open_tag` (`<li>` an open `<li>`, `<td>` a `<th>`)."""
    if open_tag == tag:
        return tag in ("li", "dt", "dd", "tr", "td", "th", "option")
    return (tag in ("dt", "dd") and open_tag in ("dt", "dd")) or (tag in ("td", "th") and open_tag in ("td", "th"))


class _Structure(HTMLParser):
    """Follows open elements as a browser would (optional end tags, a block closing a paragraph)."""

    def __init__(self, source: str, line_of: Callable[[str], int]) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source  # the Markdown as written: where an id's line is looked for
        self.line_of = line_of
        self.stack: list[tuple[str, str]] = []  # (name, the start tag as written)
        self.problems: list[Problem] = []
        self.foreign = 0  # depth inside <svg> or <math>
        self.ended_p = 0  # paragraphs a block element closed early: their </p> is not stray
        self.ids: list[tuple[str, int]] = []

    def _add(self, written: str, message: str, hint: str) -> None:
        if len(self.problems) < 20:
            self.problems.append((self.line_of(written), message, hint))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = self.get_starttag_text() or f"<{tag}"
        for name, value in attrs:
            if name == "id" and value:  # given in raw HTML, or by an attribute list ({: #id }), or made
                written_as = (f'id="{value}"', f"id='{value}'", f"#{value}", f"id={value}", written)
                self.ids.append((value, self.line_of(next((w for w in written_as if w in self.source), written))))
        if self.foreign:
            if tag in FOREIGN:
                self.foreign += 1
            self.stack.append((tag, written))
            return
        if tag in DOCUMENT:
            self._add(written, f"<{tag}> cannot be used in a page's text: the theme writes the page's <html>, <head> "
                      "and <body>", f"take out {written[:40]}")
            return
        if tag not in ELEMENTS and not CUSTOM.match(tag):
            looks_like = "." in tag or "/" in tag or ":" in tag or "@" in tag
            self._add(written, f"'{written[:60]}' is not an HTML tag",
                      "a link to a page is written [text](page.md), a web address in <> starts https://"
                      if looks_like else f"to show it as text, write \\{written[:40]}")
            return
        if tag in VOID:
            return
        if self.stack and self.stack[-1][0] == "p" and tag in CLOSES_P:
            self.stack.pop()
            self.ended_p += 1
            self._add(written, f"{written[:40]} cannot be inside a paragraph",
                      "start it on a line of its own, with a blank line before it")
        if self.stack and _ends(self.stack[-1][0], tag):
            self.stack.pop()
        if tag in FOREIGN:
            self.foreign = 1
        self.stack.append((tag, written))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        foreign = self.foreign
        self.handle_starttag(tag, attrs)
        if foreign or tag in VOID:
            if foreign and self.stack and self.stack[-1][0] == tag:
                self.stack.pop()
                if tag in FOREIGN:
                    self.foreign -= 1
            return
        if self.stack and self.stack[-1][0] == tag:
            written = self.stack.pop()[1]
            self._add(written, f"{written[:40]} does not close itself in HTML", f"write <{tag}></{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID and not self.foreign:
            if tag != "br":
                self._add(f"</{tag}", f"</{tag}> closes nothing: <{tag}> has no end tag", f"take out </{tag}>")
            return
        if all(name != tag for name, _ in self.stack):
            if tag == "p" and self.ended_p:
                self.ended_p -= 1  # reported at the block that ended the paragraph
            elif tag not in DOCUMENT or self.foreign:
                self._add(f"</{tag}", f"</{tag}> closes nothing: no <{tag}> is open here",
                          f"take out </{tag}>, or add the <{tag}> it belongs to")
            else:
                self._add(f"</{tag}", f"</{tag}> cannot be used in a page's text", f"take out </{tag}>")
            return
        while self.stack:
            name, written = self.stack.pop()
            if name in FOREIGN and self.foreign:
                self.foreign -= 1
            if name == tag:
                return
            if name not in OPTIONAL_END:
                self._add(written, f"{written[:40]} is never closed", f"add </{name}> where it ends")

    def close(self) -> None:
        super().close()
        for name, written in self.stack:
            if name not in OPTIONAL_END:
                self._add(written, f"{written[:40]} is never closed", f"add </{name}> where it ends")
        self.stack = []
