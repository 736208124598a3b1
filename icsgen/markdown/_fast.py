"""Shortcuts around Python-Markdown: the same output, found with less work. Private to icsgen.markdown.

Read `convert.py` first: it is the plain code. This module holds what makes it fast, and what
keeps hostile text from making the library quadratic or recurse without end, each piece a stand-in
for one of the library's processors or patterns:

* `blocks`: the block parser's loop, skipping processors whose sign (`BLOCK_SIGNS`) a block lacks;
  also where lists, quotes and components nested deeper than `MAX_DEPTH` stop (`TooDeep`);
* `inline`: the inline processor, skipping patterns whose trigger characters (`INLINE_TRIGGERS`)
  are absent;
* `brackets`: the link patterns' scans of `[text]` and `(target)`, in C and never quadratic;
* `normalize`, `html_block`, `unescape`, `attr_list`: processors run only when their text can
  hold what they look for (raw HTML with many unclosed tags is shown as text; attribute lists
  are searched for only at the end of a text);
* `extensions`: extensions left out of the converter for a page whose text cannot use them.

`install(md, off)` puts them in; each name in `off` keeps the library's own code instead. That is
the off switch tests/markdown/test_fast.py uses to show that each shortcut changes nothing.

Python-Markdown has no public API for most of this: every use of a private one is marked
"private API" where it is made, and the declared Markdown range (pyproject.toml) is the range
tests/markdown/test_fast.py and the min-versions run (scripts/min_versions.sh) pass on.
"""

from __future__ import annotations

import bisect
import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

import markdown
from markdown import util
from markdown.blockparser import BlockParser
from markdown.blockprocessors import ParagraphProcessor
from markdown.inlinepatterns import ReferenceInlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import NormalizeWhitespace, Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor, UnescapeTreeprocessor

SHORTCUTS = ("blocks", "inline", "brackets", "normalize", "html_block", "unescape", "attr_list", "extensions")
# How deep lists, quotes and components may sit inside one another, counted in the block parser's
# levels (a list level is two of them, a quote or component one). Python-Markdown recurses at each
# level, so without a limit a line of 300 '>' exhausts the stack; real pages use fewer than ten.
MAX_DEPTH = 48


def install(md: markdown.Markdown, off: Collection[str] = ()) -> _QuickAttrList | None:
    """Replace the library's processors in `md` with the shortcuts, except those named in `off`.

    Returns the attribute-list processor, which must be told each text it converts (`.text`), or None.
    """
    unknown = set(off) - set(SHORTCUTS)
    if unknown:
        raise ValueError(f"no such shortcut: {sorted(unknown)}")
    if "normalize" not in off:
        md.preprocessors.register(_QuickNormalize(md), "normalize_whitespace", 30)
    if "html_block" not in off:
        md.preprocessors.register(_QuickHtmlBlock(md, md.preprocessors["html_block"]), "html_block", 20)
    md.postprocessors.register(_RestoreLt(md), "icsgen_lt", 0)
    if "inline" not in off:
        md.treeprocessors.register(_QuickInline(md), "inline", 20)
    if "brackets" not in off:
        _quicken_brackets(md.inlinePatterns)
    if "unescape" not in off:
        md.treeprocessors.register(_QuickUnescape(md), "unescape", 0)
    attr_list = None
    if "attr_list" not in off and "attr_list" in md.treeprocessors:
        attr_list = _QuickAttrList(md, md.treeprocessors["attr_list"])
        md.treeprocessors.register(attr_list, "attr_list", 8)
    if "blocks" not in off:
        # private API: BlockParser.parseBlocks is replaced on the instance (the library calls it to recurse)
        md.parser.parseBlocks = _QuickBlocks(md.parser)  # type: ignore[method-assign]
    return attr_list


def needed_extensions(text: str, off: Collection[str] = ()) -> tuple[str, ...]:
    """The optional extensions a text can use (all of them with `extensions` off)."""
    if "extensions" in off:
        return tuple(OPTIONAL)
    return tuple(name for name, needed in OPTIONAL.items() if needed(text))


class TooDeep(Exception):
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
        # private API: the name-mangled InlineProcessor.__handleInline and __processPlaceholders (3.x)
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

    # private API: overrides the name-mangled InlineProcessor.__handleInline, which calls __applyPattern
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
            # private API: Registry._priority, the registered items with their priorities
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
    for item in patterns._priority:  # private API: Registry._priority
        pattern = patterns[item.name]
        kind = type(pattern)
        if hasattr(kind, "getText") and not issubclass(kind, _QuickBrackets):
            pattern.__class__ = _quick_kind(kind)  # the pattern object keeps its state; getText/getLink change


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
        ordered = sorted(registry._priority, key=lambda item: item.priority, reverse=True)  # private API
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
            raise TooDeep()
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
        except TooDeep as exc:
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
        # private API: attr_list's HEADER_RE and BLOCK_RE patterns
        self.quick.HEADER_RE = _AtTheEnd(standard.HEADER_RE, newline=False)  # type: ignore[attr-defined]
        self.quick.BLOCK_RE = _AtTheEnd(standard.BLOCK_RE, newline=True)  # type: ignore[attr-defined]
        self.text: str | None = None  # what is being converted; None: not known, so always run

    def run(self, root: ET.Element) -> ET.Element | None:
        if self.text is None or "{" in self.text:
            return self.quick.run(root)
        return None


def _starts_a_line_with_colon(text: str) -> bool:
    """Whether a line starts with ':' after spaces, tabs and quote marks only: a definition can.

    Not only after at most three spaces: inside a component, a list item or a quote the block parser
    removes the indentation (or the `>`) and parses the rest again, so `    : Definition` under a
    `!!! warning` is a definition (the equivalence test found that). The same test as the regex
    `(?:^|\n)[ \t>]*:`, which tries every position of the text and cost about 90 us a page; this
    looks only at the colons.
    """
    colon = text.find(":")
    while colon >= 0:
        start = colon
        while start > 0 and text[start - 1] in " \t>":
            start -= 1
        if start == 0 or text[start - 1] == "\n":
            return True
        colon = text.find(":", colon + 1)
    return False


# Extensions that cost time on every page but only do anything when their syntax is present:
# each is left out of the converter for a page whose text cannot contain that syntax. (Tables
# alone were a fifth of the Markdown time of a typical page.) The rest are always on (convert.ALWAYS).
OPTIONAL: dict[str, Callable[[str], bool]] = {
    "tables": lambda text: "|" in text,
    "def_list": _starts_a_line_with_colon,
    "fenced_code": lambda text: "```" in text or "~~~" in text,
    "abbr": lambda text: "*[" in text,
    "md_in_html": lambda text: "<" in text,
}
