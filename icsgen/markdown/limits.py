"""How much inline markup one paragraph may hold: Python-Markdown's inline patterns look, from each
`*`, `_` or backtick, for its partner to the end of the paragraph, so a paragraph of thousands of them
is quadratic (40 KB of `*a`: 20 s; 200 runs of backticks of growing length: 4 s). No page an editor
writes comes near the limit; a hostile or broken file gets a `file:line` error instead of a build
that seems to hang.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_MARKS = 5_000  # of one character below, in one paragraph (text between blank lines)
MARKS = "*_`\\"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def too_much_markup(text: str, line_at: Callable[[int], int]) -> list[tuple[int, str, str]]:
    """(line, message, hint) for each paragraph of `text` with more than `MAX_MARKS` of one of `MARKS`."""
    if len(text) <= MAX_MARKS or all(text.count(mark) <= MAX_MARKS for mark in MARKS):
        return []  # every page an editor writes: four counts over the text
    found = []
    start = 0
    for end in [m.start() for m in _BLANK_LINE.finditer(text)] + [len(text)]:
        for mark in MARKS:
            count = text.count(mark, start, end)
            if count > MAX_MARKS:
                found.append((line_at(start + (len(text[start:end]) - len(text[start:end].lstrip("\n")))),
                              f"this paragraph has {count:,} '{mark}' characters, more than the {MAX_MARKS:,} "
                              "icsgen converts in one paragraph", "split it into paragraphs with blank lines"))
        start = end + 1
    return found
