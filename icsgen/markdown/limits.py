"""How much inline markup one paragraph may hold.

Python-Markdown's inline patterns start a scan at every character that may open one: from each `*`,
`_` or backtick they look for its partner to the end of the paragraph (40 KB of `*a`: 20 s; 200 runs
of backticks of growing length: 4 s), and every `[` (a link, image or reference) and every `<` that
starts no tag (an autolink, a comment) has each of the link and HTML patterns tried at it (40 KB of
`[`: 0.3 s on an idle machine, ~5 s at the load of a shared one; 160 KB of `<!--`: 2.7 s, growing
as the square). No page an editor writes comes near the limit, which bounds the work per paragraph
whatever the run; a hostile or broken file gets a `file:line` error instead of a build that seems to
hang. A tag (`<td>`, `</a>`) is not counted: a pasted HTML table may hold thousands, and the block
reader passes them through without trying the inline patterns at each.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

MAX_MARKS = 5_000  # of one character below, in one paragraph (text between blank lines)
MARKS = "*_`\\[<"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TAG = re.compile(r"<[A-Za-z/]")  # a `<` opening a tag, not counted


def _count(text: str, mark: str, start: int, end: int) -> int:
    count = text.count(mark, start, end)
    if mark == "<" and count > MAX_MARKS:
        count -= sum(1 for _ in _TAG.finditer(text, start, end))
    return count


def _named(mark: str) -> str:
    return "'<' characters that open no tag" if mark == "<" else f"'{mark}' characters"


def too_much_markup(text: str, line_at: Callable[[int], int]) -> list[tuple[int, str, str]]:
    """(line, message, hint) for each paragraph of `text` with more than `MAX_MARKS` of one of `MARKS`."""
    if len(text) <= MAX_MARKS or all(_count(text, mark, 0, len(text)) <= MAX_MARKS for mark in MARKS):
        return []  # every page an editor writes: a count of each mark over the text
    found = []
    start = 0
    for end in [m.start() for m in _BLANK_LINE.finditer(text)] + [len(text)]:
        for mark in MARKS:
            count = _count(text, mark, start, end)
            if count > MAX_MARKS:
                found.append((line_at(start + (len(text[start:end]) - len(text[start:end].lstrip("\n")))),
                              f"this paragraph has {count:,} {_named(mark)}, more than the {MAX_MARKS:,} "
                              "icsgen converts in one paragraph", "split it into paragraphs with blank lines"))
        start = end + 1
    return found


_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)


def unclosed_comment(text: str, line_at: Callable[[int], int]) -> list[tuple[int, str, str]]:
    """(line, message, hint) for an HTML comment `<!--` never closed with `-->`, or [].

    Python-Markdown shows such a comment as text: a note the editor meant to hide (`<!-- check the
    date with Sam`) is published, and every later `<!--` is tried again to the end of the page (160 KB
    of them: seconds, growing as the square). One in a code span or a fenced block is shown as code,
    as the editor meant, and is left alone.
    """
    start = text.find("<!--")
    fences: list[int] | None = None  # where fenced blocks open and close, found once if needed
    last_close = text.rfind("-->")
    while start != -1:
        end = text.find("-->", start + 4) if start + 4 <= last_close else -1  # no search to the end each time
        if end != -1:
            start = text.find("<!--", end + 3)
            continue
        if fences is None:
            fences = [match.start() for match in _FENCE.finditer(text)]
        line_start = text.rfind("\n", 0, start) + 1
        in_code = text.count("`", line_start, start) % 2 == 1 or bisect.bisect(fences, start) % 2 == 1
        if not in_code:
            return [(line_at(start), "an HTML comment '<!--' that is never closed with '-->': its text would be "
                     "shown on the page", "end the comment with '-->', or delete the '<!--'")]
        start = text.find("<!--", start + 4)
    return []
