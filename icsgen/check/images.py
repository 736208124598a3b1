"""`icsgen check` warnings about content images: alt text that says nothing about the image, and an
image uploaded far larger than it can ever be shown.

Alt text is what a screen reader says instead of the image, so "image", "photo", a file name
(`IMG_2041.jpg`) or a start such as "Picture of" tells its listener nothing (or what the screen reader
already said). A photo uploaded at 4,000 pixels is never shown wider than the content column (620 CSS
pixels, 1,860 on the sharpest screens) or the `width` written on it: icsgen publishes it at most 1,920
pixels wide, but the upload still weighs on the project and on every build that must make it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from icsgen.content import Page, Site, StaticFile, is_english, resolve_link

COLUMN = 620  # CSS pixels: the widest a content image is shown (render/images.py SIZES)
DENSEST = 3  # device pixels per CSS pixel on the sharpest common screens
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".gif")

_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""\b(src|alt|width)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_EMPTY_WORDS = frozenset({
    "image", "images", "img", "picture", "pic", "photo", "photograph", "graphic", "icon", "screenshot",
    "untitled", "alt", "alt text", "placeholder", "banner", "figure", "thumbnail", "image here", "insert image",
})
_SAYS_IMAGE = re.compile(r"^(?:an? |the )?(?:image|picture|photo|photograph|graphic|screenshot|pic) (?:of|showing)\b",
                         re.IGNORECASE)
_FILE_NAME = re.compile(r"^[\w\-. ]+\.(?:jpe?g|png|webp|gif|svg|avif|heic)$|^(?:img|dsc|dscn|dcim|pxl|image|photo|"
                        r"screenshot|whatsapp image)[\s_\-]*[\d_\- :.]{3,}", re.IGNORECASE)


def image_uses(page: Page) -> Iterator[tuple[int, str, str, int | None]]:
    """(line, alt text, address as written, width written on it or None) for each image of the page."""
    body = page.body
    for match in _MARKDOWN_IMAGE.finditer(body):
        yield page.body_line + body.count("\n", 0, match.start()), match.group(1), match.group(2), None
    for match in _HTML_IMAGE.finditer(body):
        found = {m.group(1).lower(): html.unescape(next(v for v in m.group(2, 3, 4) if v is not None))
                 for m in _ATTRIBUTE.finditer(match.group(0))}
        width = found.get("width", "")
        yield (page.body_line + body.count("\n", 0, match.start()), found.get("alt", ""), found.get("src", ""),
               int(width) if width.isdigit() else None)


def alt_problem(alt: str, src: str, english: bool) -> tuple[str, str] | None:
    """What is wrong with `alt` for the image at `src` (message, hint), or None. An empty alt is the
    build's own error; the word rules are English ones, the file-name rule holds in any language."""
    text = " ".join(alt.split())
    if not text:
        return None
    name = src.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    hint = "describe what it shows and why it is there, e.g. ![Two nurses at the opening of the Leeds hub](...)"
    if text.lower() == name.lower() or (len(stem) >= 3 and text.lower() == stem.lower()) or _FILE_NAME.match(text):
        return f"alt text '{text}' is a file name, which says nothing about the image", hint
    if english and text.lower().strip(" .:") in _EMPTY_WORDS:
        return f"alt text '{text}' does not say what the image shows", hint
    if english and _SAYS_IMAGE.match(text):
        rest = _SAYS_IMAGE.sub("", text).strip(" :,-")
        better = f"'{rest[:1].upper() + rest[1:]}'" if rest else "what it shows"
        return (f"alt text starts with '{_SAYS_IMAGE.match(text).group(0)}': screen readers already say it is an image",
                f"start with what it shows: {better}")
    return None


def image_width(path: Path) -> int | None:
    """An image's width as shown (turned by its EXIF orientation), from its header only."""
    try:
        from PIL import Image

        with Image.open(path) as image:
            width, height = image.size
            turned = image.getexif().get(0x0112) in (5, 6, 7, 8)
            return height if turned else width
    except Exception:  # not an image: the build says so
        return None


def image_warnings(site: Site, chosen: tuple[str, ...]) -> Iterator[tuple[Path, int, str, str]]:
    """(file, line, message, hint) for each image warning of the chosen regions' pages."""
    widths: dict[Path, int | None] = {}
    largest_shown: dict[str, tuple[int, Page, int]] = {}  # image key -> widest shown, where first used
    for page in site.pages.values():
        if page.region not in chosen:
            continue
        english = is_english(page.lang or site.config.language)
        for line, alt, src, width in image_uses(page):
            problem = alt_problem(alt, src, english)
            if problem is not None:
                yield page.source_path, line, *problem
            if not src or "://" in src or src.startswith(("data:", "#")):
                continue
            _, found = resolve_link(site, page.key, src.split("#")[0])
            if not isinstance(found, StaticFile) or found.source_path.suffix.lower() not in IMAGE_TYPES:
                continue
            shown = min(width, COLUMN) if width else COLUMN
            before = largest_shown.get(found.key)
            if before is None or shown > before[0]:
                largest_shown[found.key] = (shown, page, line)
    for key, (shown, page, _line) in sorted(largest_shown.items()):
        static = site.statics[key]
        if static.source_path not in widths:
            widths[static.source_path] = image_width(static.source_path)
        actual = widths[static.source_path]
        enough = shown * DENSEST
        if actual is not None and actual > 2 * enough:
            yield (static.source_path, 0,
                   f"image is {actual:,} pixels wide, far more than it is ever shown ({shown} pixels wide on "
                   f"{page.key.split('/', 1)[1]}, {shown * DENSEST:,} on the sharpest screens)",
                   f"resize it to about {enough:,} pixels wide before adding it: the site keeps the upload")
