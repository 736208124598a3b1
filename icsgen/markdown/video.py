"""The `!!! video` component: a YouTube or Vimeo video that loads only when the reader asks for it.

    !!! video "How to use the NHS App"
        url: https://www.youtube.com/watch?v=a1B2c3D4e5F
        duration: 2:30
        transcript: nhs-app-transcript.md

Until the reader presses "Play video", the page shows a placeholder: the title, the duration, a link
to watch it on YouTube (or Vimeo) and a link to the transcript. Nothing is fetched from the video
site: an embedded player sets cookies and tells the video site who is reading. Pressing the button
(js/consent.js) puts in the privacy-enhanced player: youtube-nocookie.com, or Vimeo with `dnt=1`.
Without JavaScript the links still work.

The settings are read from the component's lines as written, not from the converted Markdown, so an
address's `_` or `*` is never taken for emphasis.
"""

from __future__ import annotations

import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from icsgen.problems import nearest

from .words import english

KEYS = ("url", "duration", "transcript")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_CLOCK = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})")
_EXAMPLE = ('!!! video "Title"\n    url: https://www.youtube.com/watch?v=...\n    duration: 2:30\n'
            "    transcript: transcript.md")


@dataclass(frozen=True)
class Video:
    title: str
    site: str  # "YouTube" or "Vimeo"
    embed: str  # the privacy-enhanced player's address
    watch: str  # the video's page on its site
    duration: str  # as written: "2:30", or in words
    transcript: str  # as written: a page, a file or an address ('' for none)


def settings(source: str, start: int) -> list[tuple[int, str, str]]:
    """The `key: value` lines of the component whose `!!! video` line ends at offset `start`:
    (offset of the line, key, value), for the lines indented under it."""
    header_start = source.rfind("\n", 0, start) + 1
    header = source[header_start:start]
    indent = len(header) - len(header.lstrip(" \t>"))
    found = []
    offset = start + 1
    for line in source[start + 1:].split("\n"):
        here = offset
        offset += len(line) + 1
        text = line[indent:] if line[:indent].strip(" \t>") == "" else line
        if not text.strip():
            continue
        if len(text) - len(text.lstrip(" ")) < 4:
            break
        key, colon, value = text.strip().partition(":")
        found.append((here, key.strip().lower() if colon else "", value.strip() if colon else text.strip()))
    return found


def duration_words(value: str, word: Callable[..., str] | None = None) -> str:
    """`2:30` -> '2 minutes 30 seconds', in the theme's words (`word`: `duration_minutes`... with their
    plural forms; English without it); words written as words are kept."""
    clock = _CLOCK.fullmatch(value)
    if not clock:
        return value
    if word is None:
        word = english
    hours, minutes, seconds = (int(part or 0) for part in clock.groups())
    parts = [(hours, "duration_hours"), (minutes, "duration_minutes"), (seconds, "duration_seconds")]
    return " ".join(str(word(unit, n)) for n, unit in parts if n) or str(word("duration_seconds", 0))


def read(title: str, lines: list[tuple[int, str, str]]) -> tuple[Video | None, list[tuple[int, str, str]]]:
    """The video the component describes, and its problems: (offset in the source, message, hint)."""
    problems = []
    values: dict[str, str] = {}
    for offset, key, value in lines:
        if key not in KEYS:
            shown = key or value
            problems.append((offset, f"'{shown}' is not a setting of the video component",
                             nearest(key, KEYS) or "write each line as 'key: value' with key url, duration or "
                             "transcript"))
        elif not value:
            problems.append((offset, f"the video's '{key}' is empty", _EXAMPLE))
        else:
            values[key] = value
    first = lines[0][0] if lines else -1
    if not title:
        problems.append((-1, "the video component needs a title in quotes", "the title says what the video is "
                         f"about, for people who cannot see it: {_EXAMPLE.splitlines()[0]}"))
    url = values.get("url", "")
    if not url and not any(k == "url" for _, k, _ in lines):
        problems.append((first, "the video component needs its 'url'", _EXAMPLE))
    if "duration" not in values and not any(k == "duration" for _, k, _ in lines):
        problems.append((first, "the video component needs its 'duration' (for example 2:30)",
                         "readers decide whether to watch from how long it is"))
    found = where(url) if url else None
    if url and found is None:
        problems.append((next((o for o, k, _ in lines if k == "url"), first),
                         f"'{url}' is not the address of a YouTube or Vimeo video",
                         "copy the address from the video's page, e.g. https://www.youtube.com/watch?v=..."))
    if problems or found is None:
        return None, problems
    site, embed, watch = found
    return Video(title, site, embed, watch, values["duration"], values.get("transcript", "")), []


def where(url: str) -> tuple[str, str, str] | None:
    """(site, privacy-enhanced player address, watch page) for a YouTube or Vimeo address, or None."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    path = [p for p in parts.path.split("/") if p]
    query = urllib.parse.parse_qs(parts.query)
    ident = ""
    if host in ("youtube.com", "youtube-nocookie.com"):
        if path[:1] == ["watch"]:
            ident = (query.get("v") or [""])[0]
        elif len(path) >= 2 and path[0] in ("embed", "shorts", "live", "v"):
            ident = path[1]
    elif host == "youtu.be" and path:
        ident = path[0]
    if ident:
        if not _YOUTUBE_ID.fullmatch(ident):
            return None
        return ("YouTube", f"https://www.youtube-nocookie.com/embed/{ident}?autoplay=1",
                f"https://www.youtube.com/watch?v={ident}")
    if host in ("vimeo.com", "player.vimeo.com"):
        numbers = [p for p in path if p != "video"]
        if not numbers or not numbers[0].isdigit():
            return None
        secret = numbers[1] if len(numbers) > 1 and re.fullmatch(r"[0-9a-f]{6,20}", numbers[1]) else \
            (query.get("h") or [""])[0]
        if secret and not re.fullmatch(r"[0-9a-f]{6,20}", secret):
            return None
        hashed = f"&h={secret}" if secret else ""
        return ("Vimeo", f"https://player.vimeo.com/video/{numbers[0]}?dnt=1&autoplay=1{hashed}",
                f"https://vimeo.com/{numbers[0]}" + (f"/{secret}" if secret else ""))
    return None


def element(video: Video, word: Callable[..., str]) -> ET.Element:
    """The placeholder's markup; js/consent.js reads `data-ics-video` when the reader presses play.
    Its words are the theme's (`word('video_play', title=...)`), in the page's language."""

    def say(name: str, **values: str) -> str:
        return str(word(name, **values))

    figure = ET.Element("figure", {"class": "ics-video", "data-ics-video": video.embed,
                                   "data-ics-video-title": say("video_frame", title=video.title)})
    screen = ET.SubElement(figure, "div", {"class": "ics-video__screen", "hidden": "hidden"})  # shown by script
    button = ET.SubElement(screen, "button", {"type": "button", "class": "ics-button", "data-ics-video-play": ""})
    button.text = say("video_play", title=video.title)
    caption = ET.SubElement(figure, "figcaption")
    heading = ET.SubElement(caption, "p", {"class": "ics-video__title"})
    strong = ET.SubElement(heading, "strong")
    strong.text = video.title
    strong.tail = " " + say("video_duration", duration=duration_words(video.duration, word))
    note = ET.SubElement(caption, "p")
    note.text = say("video_consent", site=video.site)
    links = ET.SubElement(caption, "ul", {"class": "ics-video__links"})
    watch = ET.SubElement(ET.SubElement(links, "li"), "a", {"href": video.watch})
    watch.text = say("video_watch", title=video.title, site=video.site)
    if video.transcript:
        transcript = ET.SubElement(ET.SubElement(links, "li"), "a", {"href": video.transcript})
        transcript.text = say("video_transcript", title=video.title)
    return figure
