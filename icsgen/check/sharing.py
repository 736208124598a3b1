"""`icsgen check` warnings for link previews: a summary missing or too long, a share image missing,
too small or without alt text (see docs/reference.md, "Sharing and structured data").

What an editor wrote is always checked (a summary too long, an image too small or without alt text).
What is missing (a page with no summary, a region with no share image) is reported too, unless the
region turns it off with `check: previews: false`: a link shared without them shows a bare address
or the page's first words, and editors only find out when someone shares it. `icsgen init`, `icsgen
new` and the sample content give every page a summary and every region a share image, so a new
site passes with no warnings.

The size of an image is read from its header (PNG, JPEG, GIF, WebP): a few bytes, no image library.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from icsgen.content import Site, share_image

SUMMARY_LIMIT = 160  # what search results and most previews show before cutting the text
BEST_SIZE = (1200, 630)  # the size Facebook, LinkedIn and X show large
LEAST_SIZE = (200, 200)  # smaller, and Facebook shows no image at all

Warning = tuple[Path | str, int, str, str]


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from a PNG, JPEG, GIF or WebP file's header, or None if it is none of those."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(32)
            if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
                return struct.unpack(">II", head[16:24])
            if head[:6] in (b"GIF87a", b"GIF89a"):
                return struct.unpack("<HH", head[6:10])
            if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                return _webp_size(head, handle)
            if head[:2] == b"\xff\xd8":
                handle.seek(2)
                return _jpeg_size(handle)
    except (OSError, struct.error):
        return None
    return None


def _webp_size(head: bytes, handle) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    data = head + handle.read(8)
    kind = data[12:16]
    if kind == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if kind == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if kind == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(handle) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    """Walk the JPEG's segments to its frame header (SOFn), which holds the size."""
    for _ in range(1000):
        marker = handle.read(2)
        while marker[:1] == b"\xff" and marker[1:2] == b"\xff":  # padding
            marker = marker[1:] + handle.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        code = marker[1]
        if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:
            continue
        length = struct.unpack(">H", handle.read(2))[0]
        if 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">xHH", handle.read(5))
            return width, height
        handle.seek(length - 2, 1)
    return None


def sharing_warnings(site: Site) -> Iterator[Warning]:
    """Every warning about link previews, for the chosen regions' pages and settings."""
    sizes: dict[str, tuple[int, int] | None] = {}
    for region_id in site.chosen:
        config = site.regions[region_id].config
        if not config.image and config.check.previews:
            yield (site.config.path, config.line, f"region '{region_id}' has no share image: a link to one of its "
                   "pages shared in Teams, WhatsApp, an email or on social media shows no picture (unless the "
                   "page sets its own 'image:')",
                   "add 'image: images/share.png' (a picture in the region's folder, 1200 x 630 pixels) and "
                   "'image_alt:' saying what it shows to the region; 'check: previews: false' turns this off")
        elif config.image and not config.image_alt:
            yield (site.config.path, config.line, f"the share image of region '{region_id}' has no 'image_alt'",
                   "add 'image_alt:' saying what the picture shows")
    for page in site.pages.values():
        if page.region not in site.chosen:
            continue
        lines = page.meta.lines
        summary = page.meta.summary
        previews = site.regions[page.region].config.check.previews
        if not summary and page.kind != "news" and previews:  # news: the style checks say so already
            yield (page.source_path, lines.get("title", 1), "page has no summary: a link to it shared in Teams, "
                   "WhatsApp, an email or on social media, and search results, show its first words instead",
                   f"add 'summary:' to the front matter, a sentence of up to {SUMMARY_LIMIT} characters saying "
                   "what the page is for; 'check: previews: false' for the region turns this off")
        elif len(summary) > SUMMARY_LIMIT:
            yield (page.source_path, lines.get("summary", 1),
                   f"summary is {len(summary)} characters: previews and search results cut it at about "
                   f"{SUMMARY_LIMIT}", "shorten it to a sentence or two")
        if not page.meta.image:
            continue
        line = lines.get("image", 1)
        if not page.meta.image_alt:
            yield (page.source_path, line, "share image has no 'image_alt'",
                   "add 'image_alt:' saying what the picture shows")
    for region_id in site.chosen:  # the sizes of the images in use, once each
        for page in (p for p in site.pages.values() if p.region == region_id):
            image = share_image(site, page)
            if image is None or image.absolute or image.key in sizes:
                continue
            static = site.statics.get(image.key)
            size = sizes[image.key] = image_size(static.source_path) if static is not None else None
            if image.source == "page":
                where: tuple[Path | str, int] = (page.source_path, page.meta.lines.get("image", 1))
            else:
                where = (site.config.path, site.regions[region_id].config.line)
            if size is None:
                yield (*where, f"share image {image.key} is not a PNG, JPEG, GIF or WebP picture that can be read",
                       "save it as .png or .jpg")
            elif size[0] < LEAST_SIZE[0] or size[1] < LEAST_SIZE[1]:
                yield (*where, f"share image {image.key} is {size[0]} x {size[1]} pixels: too small to be shown "
                       f"(at least {LEAST_SIZE[0]} x {LEAST_SIZE[1]})",
                       f"use a picture of {BEST_SIZE[0]} x {BEST_SIZE[1]} pixels")
            elif size[0] < BEST_SIZE[0] or size[1] < BEST_SIZE[1]:
                yield (*where, f"share image {image.key} is {size[0]} x {size[1]} pixels: it is shown small",
                       f"use a picture of at least {BEST_SIZE[0]} x {BEST_SIZE[1]} pixels to be shown large")
