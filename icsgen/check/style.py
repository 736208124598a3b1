"""Warnings from the NHS content style guide, found in a page's Markdown source.

Each rule reads the page as an editor wrote it (`icsgen.markdown_text` keeps file lines) and the
region's `check:` settings in `regions.yaml`:

* headings: no level 1 heading in the body (the title is the h1), no skipped levels;
* link text that does not say where the link goes ("click here", "read more") or is a web address;
* abbreviations (ICS, ICB, ICP, VCSE and the region's `check.abbreviations`) used before they are
  spelled out on the page; NHS is well known and never needs spelling out;
* sentences over `max_sentence_words`, paragraphs over `max_paragraph_words`;
* a Flesch-Kincaid grade over `reading_grade` (pages of at least `MIN_WORDS_FOR_GRADE` words);
* `reviewed` more than `review_months` ago, or `review_due` in the past;
* a news post with no summary.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from icsgen.config import CheckSettings
from icsgen.content import Page
from icsgen.markdown import Block, blocks

from .readability import grade, sentences, words

DEFAULT_ABBREVIATIONS = {
    "ICS": "integrated care system",
    "ICB": "integrated care board",
    "ICP": "integrated care partnership",
    "VCSE": "voluntary, community and social enterprise",
}
WELL_KNOWN = frozenset({"NHS"})
VAGUE_LINK_TEXT = frozenset({
    "click here", "click", "here", "read more", "more", "this page", "this link", "link", "find out more",
    "learn more", "more information", "more info", "go", "click this link",
})
WEB_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
MIN_WORDS_FOR_GRADE = 50  # fewer words than this give a grade too noisy to act on
PROSE = ("paragraph", "item", "quote")

Finding = tuple[int, str, str]  # (line, message, hint)


def style_warnings(page: Page, settings: CheckSettings, today: dt.date) -> list[Finding]:
    """Every style warning for one page, as (line, message, hint)."""
    found = blocks(page.body, page.body_line)
    out: list[Finding] = []
    out += headings(found)
    out += link_text(found)
    out += abbreviations(page.meta.title, found, settings)
    out += lengths(found, settings)
    out += reading_level(found, settings)
    out += review_dates(page, settings, today)
    if page.kind == "news" and not page.meta.summary:
        out.append((1, "news post has no summary",
                    "add 'summary:' with a sentence or two for the news list and the feed"))
    return out


def headings(found: list[Block]) -> Iterator[Finding]:
    previous = 1  # the template shows the page title as the h1
    for block in found:
        if block.kind != "heading":
            continue
        if block.level == 1:
            yield (block.line, "a level 1 heading in the page body: the page title is the only one",
                   "start body headings at level 2: '## '")
        elif block.level > previous + 1:
            yield (block.line, f"heading level skipped: level {block.level} after level {previous}",
                   f"use level {previous + 1} here: '{'#' * (previous + 1)} '")
        previous = block.level


def link_text(found: list[Block]) -> Iterator[Finding]:
    for block in found:
        for link in block.links:
            text = " ".join(link.text.lower().split()).strip(" .:;!,")
            if link.autolink or WEB_ADDRESS.match(link.text.strip()):
                if link.url.startswith(("mailto:", "tel:")) or ("@" in link.text and "://" not in link.text):
                    continue
                yield (link.line, f"a web address as link text: '{link.text}'",
                       "say where the link goes: [the NHS website](https://www.nhs.uk/)")
            elif text in VAGUE_LINK_TEXT:
                yield (link.line, f"link text '{link.text}' does not say where the link goes",
                       "describe the destination: [read our annual report](report.md)")


def abbreviations(title: str, found: list[Block], settings: CheckSettings) -> Iterator[Finding]:
    known = {**DEFAULT_ABBREVIATIONS, **dict(settings.abbreviations)}
    text_blocks = [b for b in found if b.text]
    for short, long in known.items():
        if short in WELL_KNOWN or not long:
            continue
        spelled = re.compile(r"[\s,\-]+".join(re.escape(w) for w in re.split(r"[\s,\-]+", long.strip()) if w),
                             re.IGNORECASE)
        if spelled.search(title):
            continue
        used = re.compile(rf"(?<![A-Za-z0-9]){re.escape(short)}s?(?![A-Za-z0-9])")
        for block in text_blocks:
            first_use = used.search(block.text)
            first_spelled = spelled.search(block.text)
            if first_spelled and (first_use is None or first_spelled.start() < first_use.start()):
                break
            if first_use is not None:
                after = block.text[first_use.end():]
                if re.match(r"\s*\(\s*" + spelled.pattern, after, re.IGNORECASE):
                    break  # 'ICS (integrated care system)'
                yield (block.line_at(first_use.start()), f"'{short}' is used before it is spelled out on this page",
                       f"write '{long} ({short})' the first time")
                break


def lengths(found: list[Block], settings: CheckSettings) -> Iterator[Finding]:
    for block in found:
        if block.kind not in PROSE:
            continue
        count = len(words(block.text))
        if block.kind != "item" and count > settings.max_paragraph_words:
            yield (block.line, f"paragraph of {count} words (the limit is {settings.max_paragraph_words})",
                   "split it into shorter paragraphs")
        for offset, sentence in sentences(block.text):
            count = len(words(sentence))
            if count > settings.max_sentence_words:
                where = offset + len(sentence) - len(sentence.lstrip())
                yield (block.line_at(where),
                       f"sentence of {count} words (the limit is {settings.max_sentence_words})",
                       "split it into shorter sentences")


def reading_level(found: list[Block], settings: CheckSettings) -> Iterator[Finding]:
    prose = [b for b in found if b.kind in PROSE]
    value, count = grade(b.text for b in prose)
    if count >= MIN_WORDS_FOR_GRADE and value > settings.reading_grade:
        yield (prose[0].line, f"reading grade {value:.1f} is above the target of {settings.reading_grade}"
                              " (Flesch-Kincaid)",
               "use shorter sentences and everyday words")


def review_dates(page: Page, settings: CheckSettings, today: dt.date) -> Iterator[Finding]:
    meta = page.meta
    if meta.reviewed is not None and add_months(meta.reviewed, settings.review_months) < today:
        yield (meta.lines.get("reviewed", 1),
               f"last reviewed on {meta.reviewed.isoformat()}, more than {settings.review_months} months ago",
               "check the page is still right, then update 'reviewed'")
    if meta.review_due is not None and meta.review_due < today:
        yield (meta.lines.get("review_due", 1), f"review was due on {meta.review_due.isoformat()}",
               "check the page is still right, then update 'reviewed' and 'review_due'")


def add_months(date: dt.date, months: int) -> dt.date:
    index = date.month - 1 + months
    year, month = date.year + index // 12, index % 12 + 1
    if year > dt.MAXYEAR:  # `reviewed: 9999-06-01`: never due within the calendar
        return dt.date.max
    for day in (date.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
