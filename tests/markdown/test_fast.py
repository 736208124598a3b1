"""The shortcuts taken for speed give exactly what the plain code would.

Each test converts many small documents, made at random from awkward Markdown fragments, once with a
shortcut and once without it, and compares the results.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
from markdown.preprocessors import NormalizeWhitespace
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor

from icsgen.markdown._fast import SHORTCUTS, _QuickBrackets, _starts_a_line_with_colon
from icsgen.markdown.convert import LinkTarget, MarkdownConverter, PageLinks

FRAGMENTS = [
    "Plain text line with words.", "Another line, with a comma and long-term care.", "", "", "", "",
    "# Heading one", "## Heading two", "### Heading three ###", "#### H4 with `code`", "##No space",
    "## Heading {#custom-id}", "## Heading {: .cls }", "## Contents", "## Top", "## Our & aims",
    "Setext heading", "==========", "-------", "---", "***", "___", "- - -", "* * *", "  ---", "    ---",
    "- item one", "- item two", "* star item", "+ plus item", "1. first", "2. second", "3) paren",
    "    indented code or list continuation", "        deeper indent", "\tTabbed line", "   three spaces",
    "> quote line", "> > nested quote", ">no space quote", "   > indented quote", "text > not quote",
    "[ref]: http://example.com/ \"Title\"", "[ref2]: <http://example.org>", "  [ref3]: /path 'T'",
    "See [ref] and [text][ref2] and [missing][nope].", "*[NHS]: National Health Service", "The NHS and ICB.",
    "Term", ": Definition of term", ":   Another def", "  : indented colon def", "Colon: at end:",
    "!!! inset", "!!! warning \"Custom title\"", "!!! details \"Why this matters\"", "!!! note", "!!!inset",
    "    Admonition body text.", "    - nested list in admonition",
    "| a | b |", "|---|---|", "| 1 | 2 |", "a | b", "--- | ---", "| single |", "|:--|--:|", "x \\| y | z",
    "`code | pipe` | col", "Text with a | pipe in it.",
    "```", "```python", "~~~", "~~~ {.lang #id}", "code inside fence",
    "<div>", "</div>", "<div markdown=\"1\">", "<div class=\"admonition inset\" markdown>", "<p>raw para</p>",
    "<!-- comment -->", "inline <span>html</span> here", "Text &amp; entity &#169; & lone", "a < b > c",
    "Link [about](about.md) and [page](../news/post.md#section) and [ext](https://nhs.uk).",
    "Image ![A map](map.png) and ![](noalt.png).", "Auto <https://example.com> and <mail@example.com>.",
    "**bold** and *em* and __strong__ and _em_ and ***both***", "snake_case_word and 2*3*4",
    "Line with two trailing spaces  ", "Escapes \\* \\_ \\` \\# \\[", "{: .class-only }", "Curly {braces}",
    "Text with ## hashes inside", "C# and F# languages", " ", "   ", "  \t  ", "Ünïcödé — “quotes” …",
    "Numeric entity &#12 without a semicolon",
    "[a [nested] link](nested.md) and [two](one.md)[three](two.md)", "[t](url (with) parens.md) after",
    "[t](x.md \"A title\") and [u](y.md 'single') and [v](<z.md> \"t\")", "[unclosed text", "[t](unclosed",
    "[t](a.md\"notitle) x)", "![img](a.png \"T\") ![b](c(d).png)", "[e]( spaced.md ) [f]()", "[g] (not a link)",
    "A [link to an anchor](#top) and [another](page.md#part).", "  ## Indented heading", "   > three-space quote",
    " : one-space colon", "2024. A year, not a list", "   1. three-space item", "  *  spaced star", "_ _ _",
    "[brackets ] ] ]](x.md)", "[x\\]](esc.md) [y](z\\).md)", "[ref] [ref2][] [text] [ref]",
]


def documents(count: int, seed: int = 7) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        lines = []
        for _ in range(rng.randint(1, 30)):
            line = rng.choice(FRAGMENTS)
            if rng.random() < 0.1:
                line = " " * rng.choice((1, 2, 3, 4, 8)) + line
            lines.append(line)
        yield rng.choice(("\n", "\n", "\r\n")).join(lines) + rng.choice(("", "\n", "\n\n"))


def _links(source: str) -> PageLinks:
    return PageLinks(resolve=lambda path: LinkTarget(f"r/{path}/", f"r/{path}"), relative=lambda url: url,
                     source=source, first_line=1)


def same_results(quick: MarkdownConverter, plain: MarkdownConverter, count: int = 400) -> None:
    for text in documents(count):
        quick_links, plain_links = _links(text), _links(text)
        assert quick.convert(text, quick_links) == plain.convert(text, plain_links), text
        assert (quick_links.problems, quick_links.refs) == (plain_links.problems, plain_links.refs), text


@pytest.mark.parametrize("name", SHORTCUTS)
def test_each_shortcut_changes_nothing(name: str) -> None:
    """Each shortcut off (Python-Markdown's own code for that step), the rest on: the same results."""
    same_results(MarkdownConverter(), MarkdownConverter(off={name}))


def test_all_shortcuts_together_change_nothing() -> None:
    same_results(MarkdownConverter(), MarkdownConverter(off=SHORTCUTS))


def test_the_off_switch_really_puts_the_librarys_code_back() -> None:
    """Were `off` ignored, the comparisons above would compare the shortcuts with themselves."""
    plain = MarkdownConverter(off=SHORTCUTS)._md
    assert type(plain.treeprocessors["inline"]) is InlineProcessor
    assert type(plain.preprocessors["normalize_whitespace"]) is NormalizeWhitespace
    assert type(plain.treeprocessors["unescape"]) is UnescapeTreeprocessor
    assert "parseBlocks" not in vars(plain.parser)
    assert not any(isinstance(plain.inlinePatterns[item.name], _QuickBrackets)
                   for item in plain.inlinePatterns._priority)  # private API: Registry._priority
    quick = MarkdownConverter()._md
    assert type(quick.treeprocessors["inline"]) is not InlineProcessor and "parseBlocks" in vars(quick.parser)


def test_the_definition_list_trigger_is_the_regex_it_replaced() -> None:
    rng = random.Random(5)
    pattern = re.compile(r"(?:^|\n)[ \t>]*:")
    texts = ["".join(rng.choice(" :\nab\t>") for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    for text in [*texts, *documents(200)]:
        assert _starts_a_line_with_colon(text) == (pattern.search(text) is not None), repr(text)


def test_heading_ids_are_numbered_as_python_markdown_numbers_them() -> None:
    """icsgen's own `unique` gives the ids the toc extension's gives (3.11.3 and later, which take counters)."""
    import inspect

    from markdown.extensions import toc

    from icsgen.markdown.convert import unique

    if len(inspect.signature(toc.unique).parameters) < 3:
        pytest.skip("this Markdown's toc.unique has no counters to compare with (older than 3.11.3)")
    rng = random.Random(7)
    for _ in range(300):
        ours_used: set[str] = set()
        theirs_used: set[str] = set()
        ours_counts: dict[str, int] = {}
        theirs_counts: dict[str, int] = {}
        for _ in range(rng.randint(1, 30)):
            ident = rng.choice(["a", "a_1", "a_2", "a_7", "b", "", "b_1", "c_x", "a_10"])
            assert unique(ident, ours_used, ours_counts) == toc.unique(ident, theirs_used, theirs_counts)
        assert ours_used == theirs_used


def test_the_prose_readers_shortcuts_change_nothing() -> None:
    """The style checks read each page's prose with `blocks()`, which tells the commonest lines apart by their
    first character and tries an inline pattern only on text holding what it needs; with and without those
    shortcuts, every block, its text and its links are the same."""
    from icsgen.markdown import blocks

    rng = random.Random(11)
    prose = ["Plain words, then ICS care.", "x_y and a*b and a~~b and 1==1", "Ünïcödé line", "back\\slash",
             "a <b>tag</b> here <!-- note -->", "See `code` and {braces}", "Ref [t][r] text", "See [a](b.md).",
             "Mail me@example.org today", "See www.nhs.uk now", "Or https://x.org/a too", "- item: [a link](x.md)",
             "Ending here",
             "# Heading", "#hashtag", "    # indented", "!!! inset", "!!!", "| cell | cell |", "* * *", "+ plus"]
    for text in documents(1500):
        lines = text.split("\n")
        for _ in range(rng.randint(0, 6)):  # more everyday lines among the awkward fragments
            lines.insert(rng.randint(0, len(lines)), rng.choice(prose))
        text = "\n".join(lines)
        assert blocks(text, 3) == blocks(text, 3, quick=False), text
