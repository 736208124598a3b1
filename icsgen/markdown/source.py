"""The prose of a page's Markdown source, block by block, with the file line of every part.

The style checks (`icsgen.style`) need what a reader reads, sentence by sentence, and where it is in
the file an editor edits. Python-Markdown keeps no line numbers, so this is a small line-based
reader of the Markdown icsgen accepts: headings (ATX and setext), paragraphs, list items, block
quotes, tables, admonitions (`!!! inset`, whose indented body is prose), fenced code (skipped), HTML
blocks (skipped) and `{{ }}` / `{% %}` region variables (a variable reads as one word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(.*)$")
DEFINITION = re.compile(r"^\s{0,3}:\s+(.*)$")
QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
ADMONITION = re.compile(r"^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+")
REFERENCE = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*(\S+)")
ABBR_DEFINITION = re.compile(r"^\s{0,3}\*\[[^\]]+\]:")
HTML_BLOCK = re.compile(r"^\s{0,3}<(?:[a-zA-Z][\w-]*|/[a-zA-Z]|!--)")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
# No pattern here may scan far from each of many starting points: a line of thousands of `[`, `<`
# or `{` made them quadratic (a 40 KB line took minutes), so none has a leading `\s*`, and each
# repeated part stops at the next opening character.
ATTR_LIST = re.compile(r"\{:?[ \t]*[#.][^{}\n]*\}")
VARIABLES = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))

# inline Markdown
IMAGE = re.compile(r"!\[([^\[\]]*)\]\(([^()]*)\)")
LINK = re.compile(r"\[((?:[^\[\]]++|\[[^\[\]]*+\])*+)\]\([ \t\n]*+<?((?:[^()\s<>]++|\([^()\s<>]*+\))*+)>?"
                  r"(?:[ \t\n]+[\"'][^\"'\n]*+[\"'])?\s*\)")
REF_LINK = re.compile(r"\[([^\[\]]+)\]\[([^\[\]]*)\]")
AUTOLINK = re.compile(r"<((?:https?|mailto|tel):[^<>\s]+|[^<>\s@]+@[^<>\s]+)>")
CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# a web or email address written out in the text: not words a reader reads as prose (an 'ICB' in one is
# not an abbreviation to spell out)
ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>]+|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
EMPHASIS = re.compile(r"\*{1,3}|(?<![A-Za-z0-9])_{1,3}|_{1,3}(?![A-Za-z0-9])|~~|==")
INLINE_MARK = re.compile(r"[{`!\[<*_~=\\]")  # a character one of the inline patterns needs
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


@dataclass(frozen=True)
class Link:
    text: str  # the link text, Markdown removed
    url: str
    line: int
    autolink: bool = False


@dataclass
class Block:
    """One block of prose. `kind`: heading, paragraph, item, quote or table (one row)."""

    kind: str
    line: int  # file line of the block's first line
    source: str = ""  # Markdown as written, lines joined with '\n'
    level: int = 0  # headings: 1 to 6
    text: str = ""  # plain text: what a reader reads; has the same line breaks as `source`
    links: list[Link] = field(default_factory=list)

    def line_at(self, offset: int, text: str | None = None) -> int:
        """The file line of character `offset` of `text` (default: the block's plain text)."""
        return self.line + (self.text if text is None else text).count("\n", 0, offset)


def blocks(body: str, first_line: int, quick: bool = True) -> list[Block]:
    """The prose blocks of a Markdown body whose first line is file line `first_line`.

    `quick` tells the commonest lines and blocks apart without trying every pattern on them: most of
    a page is plain prose, and trying them all was half of what `icsgen check` spent on a page's style
    (tests/markdown/test_fast.py compares the result with and without).
    """
    body = _without_variables(body)
    lines = body.split("\n")
    references = {m.group(1).lower(): m.group(2) for m in map(REFERENCE.match, lines) if m} \
        if not quick or "]:" in body else {}
    out: list[Block] = []
    current: Block | None = None
    fence = ""

    def flush() -> None:
        nonlocal current
        if current is not None and current.source.strip():
            out.append(current)
        current = None

    def start(kind: str, number: int, text: str, level: int = 0) -> None:
        nonlocal current
        flush()
        current = Block(kind, number, text, level)

    for index, raw in enumerate(lines):
        if fence:
            if raw.strip().startswith(fence):
                fence = ""
            continue
        stripped = raw.strip()
        if quick:  # each of the commonest lines told apart by its first character (no other mark starts so)
            first = stripped[:1]
            if first == "|":  # a table row
                flush()
                if not TABLE_SEPARATOR.match(stripped):
                    for cell in stripped.strip("|").split("|"):
                        out.append(Block("table", first_line + index, cell.strip()))
                continue
            if "|" not in stripped:
                if first.isalpha():  # prose
                    if current is None:
                        start("paragraph", first_line + index, stripped)
                    else:
                        current.source += "\n" + stripped
                    continue
                if not first:
                    flush()
                    continue
                if first == "#":
                    atx = ATX.match(raw.rstrip())
                    if atx:
                        start("heading", first_line + index, ATTR_LIST.sub("", atx.group(2) or ""), len(atx.group(1)))
                        flush()
                        continue
                elif first == "!" and ADMONITION.match(raw):
                    flush()
                    continue
                elif stripped[:2] in ("- ", "* ", "+ ") and not RULE.match(line := raw.rstrip()):  # not '- - -'
                    start("item", first_line + index, ITEM.match(line).group(1))  # type: ignore[union-attr]
                    continue
        number = first_line + index
        line = raw.rstrip()
        fenced = FENCE.match(line.lstrip())
        if fenced:
            flush()
            fence = fenced.group(1)
            continue
        if not stripped or ADMONITION.match(line) or REFERENCE.match(line) or ABBR_DEFINITION.match(line):
            flush()
            continue
        if HTML_BLOCK.match(stripped) and not AUTOLINK.match(stripped):
            flush()
            continue
        setext = SETEXT.match(line)
        if setext and current is not None and current.kind == "paragraph" and "\n" not in current.source:
            current.kind, current.level = "heading", 1 if setext.group(1)[0] == "=" else 2
            flush()
            continue
        if RULE.match(line):
            flush()
            continue
        atx = ATX.match(line)
        if atx:
            start("heading", number, ATTR_LIST.sub("", atx.group(2) or ""), len(atx.group(1)))
            flush()
            continue
        if "|" in stripped and (stripped.startswith("|") or _next_is_separator(lines, index)):
            flush()
            if not TABLE_SEPARATOR.match(stripped):
                for cell in stripped.strip("|").split("|"):
                    out.append(Block("table", number, cell.strip()))
            continue
        item = ITEM.match(line) or DEFINITION.match(line)
        if item:
            start("item", number, item.group(1))
            continue
        quote = QUOTE.match(line)
        if quote:
            if current is None or current.kind != "quote":
                start("quote", number, quote.group(1))
            else:
                current.source += "\n" + quote.group(1)
            continue
        if current is None:
            start("paragraph", number, stripped)
        else:
            current.source += "\n" + stripped
    flush()
    for block in out:
        _inline(block, references, quick)
    return out


def _without_variables(body: str) -> str:
    """`body` with each `{{ variable }}` as the word 'Variable', and `{% %}` and `{# #}` removed (keeping
    their newlines, so lines stay where they are).

    A loop over `str.find` rather than a regular expression: an unclosed `{{` would make the expression
    scan to the end of the text from every `{{` after it.
    """
    if "{" not in body:
        return body
    out: list[str] = []
    done = 0
    closed = {opening: True for opening, _ in VARIABLES}  # False once one has no closing: later ones cannot
    while True:
        found = [(body.find(opening, done), opening, closing) for opening, closing in VARIABLES if closed[opening]]
        found = [item for item in found if item[0] >= 0]
        if not found:
            break
        start, opening, closing = min(found)
        end = body.find(closing, start + 2)
        if end < 0:
            closed[opening] = False
            continue
        end += 2
        out.append(body[done:start])
        out.append(("Variable" if opening == "{{" else "") + "\n" * body.count("\n", start, end))
        done = end
    out.append(body[done:])
    return "".join(out)


def _without_comments(text: str) -> str:
    """`text` without its HTML comments (keeping their newlines): a loop over `str.find`, as a regular
    expression would scan to the end of the text from each `<!--` that is never closed."""
    out: list[str] = []
    done = 0
    while True:
        start = text.find("<!--", done)
        end = text.find("-->", start + 4) if start >= 0 else -1
        if end < 0:
            break
        out += [text[done:start], "\n" * text.count("\n", start, end)]
        done = end + 3
    out.append(text[done:])
    return "".join(out)


def _next_is_separator(lines: list[str], index: int) -> bool:
    return index + 1 < len(lines) and "-" in lines[index + 1] and bool(TABLE_SEPARATOR.match(lines[index + 1]))


def _inline(block: Block, references: dict[str, str], quick: bool = True) -> None:
    """Fill in `block.text` and `block.links`, keeping line breaks so offsets map to lines.

    With `quick`, a pattern is tried only if the text holds what it needs (most blocks are plain prose).
    """
    source = block.source
    if quick and not INLINE_MARK.search(source) and "://" not in source and "www." not in source \
            and "@" not in source:
        block.text = source  # no link, address, code, image, tag, emphasis or escape: read as it is
        return
    if not quick or "{" in source:
        source = ATTR_LIST.sub("", source)

    def keep_lines(match: re.Match[str], text: str) -> str:
        return text + "\n" * (match.group(0).count("\n") - text.count("\n"))

    if not quick or "`" in source:
        source = CODE.sub(lambda m: keep_lines(m, "code"), source)
    if not quick or "![" in source:
        source = IMAGE.sub(lambda m: keep_lines(m, ""), source)

    def link(match: re.Match[str]) -> str:
        return link_with(match, match.group(2))

    def ref_link(match: re.Match[str]) -> str:
        key = (match.group(2) or match.group(1)).lower()
        if key not in references:
            return match.group(0)
        return link_with(match, references[key])

    def link_with(match: re.Match[str], url: str) -> str:
        text = _plain(match.group(1), quick)
        block.links.append(Link(" ".join(text.split()), url, block.line_at(match.start(), source)))
        return keep_lines(match, text)

    def autolink(match: re.Match[str]) -> str:
        block.links.append(Link(match.group(1), match.group(1), block.line_at(match.start(), source), True))
        return "link"

    if not quick or "](" in source:
        source = LINK.sub(link, source)
    if not quick or "][" in source:
        source = REF_LINK.sub(ref_link, source)
    if not quick or "<" in source:
        source = AUTOLINK.sub(autolink, source)
    if "://" in source or "www." in source or "@" in source:
        source = ADDRESS.sub("address", source)
    block.text = _plain(source, quick)


def _plain(text: str, quick: bool = True) -> str:
    if "<!--" in text:
        text = _without_comments(text)
    if not quick or "<" in text:
        text = TAG.sub("", text)
    if not quick or "*" in text or "_" in text or "~~" in text or "==" in text:
        text = EMPHASIS.sub("", text)
    return ESCAPE.sub(r"\1", text) if not quick or "\\" in text else text
