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
* a news post with no summary;
* raw HTML that runs or embeds something: `<script>`, `<iframe>`, `<object>`, `<embed>`, an event
  handler (`onclick=`) or a `javascript:` address;
* placeholder text that `icsgen new` wrote and marked (`<!-- placeholder -->` in a page, `# placeholder`
  in YAML) and nobody has replaced yet (`placeholders` does data files and regions.yaml).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from icsgen.config import CheckSettings, SiteConfig
from icsgen.content import Page, is_english
from icsgen.markdown import FENCE, Block, blocks, video_settings

from .readability import analyse, grade

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

# Raw HTML in a page that runs or embeds something the site does not control
ACTIVE_TAG = re.compile(r"<(script|iframe|object|embed|frame|frameset)(?=[\s/>])", re.IGNORECASE)
HANDLER = re.compile(r"<[a-zA-Z][^<>]*?[\s\"'/](on[a-zA-Z]+)\s*=", re.IGNORECASE)
# a `javascript:` (or `vbscript:`) address in an attribute, a Markdown link target or an autolink;
# prose such as "JavaScript: the basics" is not one
SCRIPT_URL = re.compile(r"(?:=\s*[\"']?|\]\(\s*<?|<)\s*((?:java|vb)script\s*:)", re.IGNORECASE)
# Where a script or frame comes from, and the services icsgen has a setting or a component for
SOURCE_HOST = re.compile(r"""\bsrc\s*=\s*["']?\s*(?:https?:)?//([^/"'\s>:]+)""", re.IGNORECASE)
VIDEO_SITES = ("youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com")
ANALYTICS_SITES = ("googletagmanager.com", "google-analytics.com", "plausible.io", "matomo.cloud", "hotjar.com",
                   "clarity.ms")
TOOLBAR_SITES = ("reciteme.com", "browsealoud.com", "texthelp.com")
# An image or other file fetched from another website: raw HTML `src=`/`href=`/`poster=` on a tag that
# loads it at once, or a Markdown image `![...](https://...)`
THIRD_PARTY = re.compile(r"""(!\[[^\]]*\]\(\s*<?)?(?(1)|<(img|audio|video|source|track|link|input)\b[^<>]*?"""
                         r"""\s(?:src|href|poster|srcset)\s*=\s*["']?)\s*(?:https?:)?//([^/"'\s>):]+)""",
                         re.IGNORECASE)
VIDEO_LINE = re.compile(r"""^[ \t>]*!!! ?video(?:\s+"([^"]*)")?""", re.IGNORECASE)
CODE_SPAN = re.compile(r"(`+)[^`].*?\1")
PLACEHOLDER_MD = re.compile(r"<!--\s*placeholder\b.*?-->", re.IGNORECASE)
PLACEHOLDER_YAML = re.compile(r"(?:^|\s)#\s*placeholder\b", re.IGNORECASE)
PLACEHOLDER = "placeholder text from 'icsgen new' is still here"


def style_warnings(page: Page, settings: CheckSettings, today: dt.date, language: str = "en-GB",
                   found: list[Block] | None = None) -> list[Finding]:
    """Every style warning for one page, as (line, message, hint).

    The rules about words (vague link text, abbreviations, sentence length, reading grade) are rules
    of English, counted in Latin letters: a page in another language (its `lang`, else the site's
    `language`) gets only the rest, never a false warning. `found`: the page's blocks, when the caller
    has them (reading them is a third of this function's time)."""
    if found is None:
        found = blocks(page.body, page.body_line)
    out: list[Finding] = []
    out += headings(found)
    if is_english(page.lang or language):
        out += link_text(found)
        out += abbreviations(page.meta.title, found, settings)
        out += lengths(found, settings)
        out += reading_level(found, settings)
    out += review_dates(page, settings, today)
    out += active_html(page.body, page.body_line)
    out += video_transcripts(page.body, page.body_line)
    out += page_placeholders(page)
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
    everything = "\n".join(b.text for b in text_blocks)
    for short, long in known.items():
        if short in WELL_KNOWN or not long or short not in everything:
            continue  # not used on the page: nothing to say (and most pages use none)
        spelled, used = _abbreviation_patterns(short, long)
        if spelled.search(title):
            continue
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


@functools.lru_cache(maxsize=256)
def _abbreviation_patterns(short: str, long: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The spelled-out form of an abbreviation (any spacing, commas or hyphens between its words) and
    the abbreviation itself as a word (or plural): made once per site, not once per page."""
    spelled = re.compile(r"[\s,\-]+".join(re.escape(w) for w in re.split(r"[\s,\-]+", long.strip()) if w),
                         re.IGNORECASE)
    return spelled, re.compile(rf"(?<![A-Za-z0-9]){re.escape(short)}s?(?![A-Za-z0-9])")


def lengths(found: list[Block], settings: CheckSettings) -> Iterator[Finding]:
    for block in found:
        if block.kind not in PROSE:
            continue
        prose = analyse(block.text)  # measured once, for these limits and then the reading grade
        count = prose.words
        if block.kind != "item" and count > settings.max_paragraph_words:
            yield (block.line, f"paragraph of {count} words (the limit is {settings.max_paragraph_words})",
                   "split it into shorter paragraphs")
        for offset, end, count in prose.sentences:
            if count > settings.max_sentence_words:
                sentence = block.text[offset:end]
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


def _prose_lines(body: str, first_line: int) -> Iterator[tuple[int, str]]:
    """(file line, line) for each line of a page body outside fenced code, code spans blanked."""
    fence = ""
    for number, line in enumerate(body.split("\n"), first_line):
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            continue
        opened = FENCE.match(line.lstrip())
        if opened:
            fence = opened.group(1)
            continue
        yield number, CODE_SPAN.sub("code", line) if "`" in line else line


def active_html(body: str, first_line: int) -> Iterator[Finding]:
    """Raw HTML that runs or embeds something: valid, but rarely what a page of text needs. Where icsgen
    has a safer way to the same end (a video, analytics, an accessibility toolbar), the hint names it."""
    if "<" not in body and "script" not in body.lower():
        return
    for number, line in _prose_lines(body, first_line):
        if "<" not in line and ":" not in line:
            continue
        text = html.unescape(line) if "&" in line else line
        for found in ACTIVE_TAG.finditer(text):
            tag = found.group(1).lower()
            end = text.find(">", found.end())
            host = _host(text[found.end(): end if end >= 0 else len(text)])
            yield (number, *_active(tag, host))
        for found in HANDLER.finditer(text):
            yield (number, f"an event handler ({found.group(1).lower()}=) in the page text runs a script",
                   "remove it: pages hold text, and scripts belong in the theme")
        for found in SCRIPT_URL.finditer(text):
            yield (number, f"a '{found.group(1).lower().replace(' ', '')}' address in the page text runs a script",
                   "link to a page or a web address (https://...) instead")
        for found in THIRD_PARTY.finditer(text):
            what = "an image" if found.group(1) or found.group(2).lower() == "img" else f"a <{found.group(2).lower()}>"
            host = found.group(3).lower()
            yield (number, f"{what} from another website ({host}) loads before readers agree to anything, and "
                           "tells that website who reads the page",
                   "save the file in the region's folder and link to it there; for a video use the video "
                   "component (!!! video)")


def _host(attributes: str) -> str:
    found = SOURCE_HOST.search(attributes)
    return found.group(1).lower() if found else ""


def _active(tag: str, host: str) -> tuple[str, str]:
    """The message and hint for a <script>, <iframe>... from `host` ('' for none or this site)."""
    where = f" from {host}" if host else ""
    if tag == "iframe" and any(host == h or host.endswith("." + h) for h in VIDEO_SITES):
        return (f"a <iframe>{where} in the page text loads the video, and its cookies, before readers agree",
                'use the video component: !!! video "Title" with url:, duration: and transcript: lines '
                "(see the guide); it loads the video only when the reader asks")
    if tag == "script" and any(host == h or host.endswith("." + h) for h in ANALYTICS_SITES):
        return (f"a <script>{where} in the page text measures readers without asking them",
                "delete it and set 'analytics:' in regions.yaml: it asks readers first and lists the cookies")
    if tag == "script" and any(host == h or host.endswith("." + h) for h in TOOLBAR_SITES):
        return (f"a <script>{where} in the page text loads an accessibility toolbar without asking readers",
                "delete it and set 'toolbar:' in regions.yaml: the toolbar then loads when a reader turns it on")
    return (f"a <{tag}>{where} in the page text runs or embeds content from elsewhere",
            "link to it instead, or ask whoever looks after the theme to add it there"
            if tag != "script" else "pages hold text: ask whoever looks after the theme to add scripts")


def video_transcripts(body: str, first_line: int) -> Iterator[Finding]:
    """A `!!! video` component with no transcript: people who cannot hear or see it need the words."""
    if "!!! video" not in body:
        return
    for number, line in _prose_lines(body, first_line):
        found = VIDEO_LINE.match(line)
        if found is None:
            continue
        before = body.split("\n")[: number - first_line + 1]
        start = sum(len(part) + 1 for part in before) - 1  # the end of the component's first line
        if not any(key == "transcript" for _, key, _ in video_settings(body, start)):
            title = found.group(1) or "video"
            yield (number, f"the video '{title}' has no transcript",
                   "add a line 'transcript: page.md' naming a page (or file) with its words: people who cannot "
                   "hear or see a video need them (WCAG 2.2, 1.2.1 and 1.2.3)")


def stale_cookie_pages(site: object) -> Iterator[tuple[Path, int, str, str]]:
    """(file, line, message, hint) for the cookies page of each region checked that uses a service but
    does not list `region.cookies`: a page written by hand goes stale when the settings change."""
    pages = getattr(site, "pages", {})
    for region_id in getattr(site, "chosen", ()):
        config = site.regions[region_id].config  # type: ignore[attr-defined]
        page = pages.get(f"{region_id}/cookies.md")
        if page is None or not config.cookies or "region.cookies" in page.body:
            continue
        yield (page.source_path, page.body_line, f"the cookies page of '{region_id}' does not list the cookies its "
               "settings cause (analytics or toolbar)", "list them with {% for cookie in region.cookies %}, as the "
               "shared cookies page does (see the guide, 'Shared pages')")


def expired_notices(config: SiteConfig, today: dt.date, chosen: Iterable[str]) -> Iterator[tuple[Path, int, str, str]]:
    """(file, line, message, hint) for each notice whose end date has passed: no page shows it now."""
    notices = {(n.line, n.message): n for n in config.notices}
    for region in config.regions:
        if region.id in chosen:
            notices.update(((n.line, n.message), n) for n in region.notices)
    for notice in sorted(notices.values(), key=lambda n: n.line):
        if notice.end < today:
            yield (notice.path, notice.line, f"the notice '{_shorten(notice.message)}' ended on "
                   f"{notice.end.isoformat()}: no page shows it now", "delete it from regions.yaml")


def page_placeholders(page: Page) -> Iterator[Finding]:
    """Placeholder text `icsgen new` marked in a page (front matter or body) that is still there."""
    body = page.body
    if "placeholder" in body:
        lines = body.split("\n")
        for number, line in _prose_lines(body, page.body_line):
            found = PLACEHOLDER_MD.search(line)
            if found is None:
                continue
            index = number - page.body_line
            first = index
            while first > 0 and lines[first - 1].strip() and not lines[first - 1].lstrip().startswith(("!!!", "#")):
                first -= 1  # the paragraph the mark ends
            text = PLACEHOLDER_MD.sub("", " ".join(part.strip() for part in lines[first : index + 1])).strip()
            if not text:  # a mark on a line of its own: the paragraph after it
                following = next((part.strip() for part in lines[index + 1 :] if part.strip()), "")
                text, first = following, index + 1
            yield (page.body_line + first, f"{PLACEHOLDER}: '{_shorten(text)}'",
                   "write your own text, then delete the mark <!-- placeholder --> at its end")
    if page.body_line > 1:
        yield from _front_matter_placeholders(page)


def _front_matter_placeholders(page: Page) -> Iterator[Finding]:
    try:
        with page.source_path.open("rb") as handle:  # the front matter, not the whole page
            start = handle.read(8192).decode("utf-8", "replace")
    except OSError:
        return
    if "placeholder" not in start:
        return
    head = start.split("\n", page.body_line - 1)[: page.body_line - 1]
    yield from yaml_placeholders(head, 1)


def yaml_placeholders(lines: Iterable[str], first_line: int) -> Iterator[Finding]:
    """Lines of YAML marked `# placeholder` by `icsgen new` (a value still to replace)."""
    for number, line in enumerate(lines, first_line):
        if "placeholder" not in line:
            continue
        found = PLACEHOLDER_YAML.search(line)
        if found is None or line[: found.start()].count('"') % 2 or line[: found.start()].count("'") % 2:
            continue  # not a mark, or inside a quoted value
        text = line[: found.start()].strip().lstrip("- ").strip()
        yield (number, f"{PLACEHOLDER}: '{_shorten(text)}'",
               "replace the example, then delete '# placeholder' at the end of the line")


def placeholders(site: object) -> Iterator[tuple[Path, int, str, str]]:
    """(file, line, message, hint) for each placeholder left in the data files and regions.yaml of the
    regions checked (settings before the first region belong to every region)."""
    chosen = set(getattr(site, "chosen", ()))
    regions = getattr(site, "regions", {})
    config_path: Path = site.config.path  # type: ignore[attr-defined]
    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    if "placeholder" in text:
        starts = sorted((region.config.line, region.id) for region in regions.values())
        for line, message, hint in yaml_placeholders(text.split("\n"), 1):
            owner = next((rid for start, rid in reversed(starts) if start <= line), None)
            if owner is None or owner in chosen:
                yield config_path, line, message, hint
    for region_id in chosen:
        for path in regions[region_id].data_files.values():
            try:
                data = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "placeholder" in data:
                for line, message, hint in yaml_placeholders(data.split("\n"), 1):
                    yield path, line, message, hint


def _shorten(text: str, most: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 3].rstrip() + "..."


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
