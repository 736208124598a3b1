"""Content images in a page: each `<img>` of a published image becomes a `<picture>` offering every size
and format made of it (cache/images.py), with `width` and `height` so nothing moves as it loads, and
`loading="lazy"` on all but the first image of the page.

`sizes` says how wide the image is shown: the page's content column (two thirds of the 960-pixel
container, about 620 CSS pixels) on wide screens, the screen less its margins on narrow ones. A
browser then picks the smallest file that is sharp at that width and its screen's pixel density: a
640-pixel file on a 390-pixel phone, not the 1,920-pixel one.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping
from typing import Any

SIZES = "(min-width: 990px) 620px, calc(100vw - 32px)"
LARGEST_SHOWN = 620 * 3  # CSS pixels at the widest, times the densest common screens
MIME = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif"}
SOURCE_ORDER = ("avif", "webp")  # the lightest first: a browser takes the first type it knows

_IMG = re.compile(r"<img\s((?:[^<>\"']+|\"[^\"]*\"|'[^']*')*)/?>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def published_name(url: str, width: int, ext: str, info: Mapping[str, Any]) -> str:
    """The site path of one made file of the image at `url`: the image's own address for its largest size
    in its own format (so a link to the file still works), `photo-640w.webp` beside it for the others."""
    folder, _, name = url.rpartition("/")
    stem, dot, _ = name.rpartition(".")
    if not dot:
        stem = name
    if width == info["width"] and ext == _EXTENSIONS[info["format"]]:
        return url
    return f"{folder + '/' if folder else ''}{stem}-{width}w.{ext}"


_EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}


def published_files(url: str, info: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(site path, made file's name) of every file the image at `url` is published as."""
    files = []
    for fmt, variants in info.get("variants", {}).items():
        for width, _height, name, _size in variants:
            files.append((published_name(url, width, _EXTENSIONS[fmt], info), name))
    return files


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        name = match.group(1).lower()
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        found.setdefault(name, html.unescape(value))
    return found


def _attribute_text(attributes: Mapping[str, str]) -> str:
    return "".join(f' {k}="{html.escape(v, quote=True)}"' if v != "" or k in ("alt", "src") else f" {k}"
                   for k, v in attributes.items())


def rewrite_images(page_html: str, page_url: str, images: Mapping[str, Mapping[str, Any]],
                   link: Callable[[str], str]) -> str:
    """`page_html` with each `<img>` of a published image offered in every size and format.

    `page_url` is the page's site path (links in it are relative to it); `link(site_path)` makes a link
    from the page. Images icsgen did not make (another site's, an SVG) keep their `src` and get their
    `width` and `height` where they are known; the first image of the page is never lazy.
    """
    if "<img" not in page_html and "<IMG" not in page_html:
        return page_html
    base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
    first = [True]

    def replace(match: re.Match[str]) -> str:
        attributes = _attributes(match.group(1))
        src = attributes.get("src", "")
        target = src.split("#", 1)[0].split("?", 1)[0]
        info = None
        site_path = ""
        if target and "://" not in target and not target.startswith(("/", "data:", "mailto:")):
            target = html.unescape(target)
            if "%" in target:  # the link was written encoded (`x%20y.png`): images are known by their names
                from urllib.parse import unquote

                target = unquote(target)
            site_path = posixpath.normpath(base + target).lstrip("/")
            info = images.get(site_path)
        lazy = not first[0]
        first[0] = False
        if lazy:
            attributes.setdefault("loading", "lazy")
        if info is None:
            return f"<img{_attribute_text(attributes)}>"
        if "width" not in attributes and "height" not in attributes:
            attributes["width"] = str(info["width"])
            attributes["height"] = str(info["height"])
        attributes.setdefault("decoding", "async")
        variants = info.get("variants") or {}
        if not variants:  # an SVG or GIF, published as it is
            return f"<img{_attribute_text(attributes)}>"
        own = info["format"]

        def srcset(fmt: str) -> str:
            return ", ".join(f"{link(published_name(site_path, w, _EXTENSIONS[fmt], info))} {w}w"
                             for w, _h, _name, _size in variants[fmt])

        attributes["srcset"] = srcset(own)
        attributes["sizes"] = SIZES
        sources = "".join(f'<source type="{MIME[fmt]}" srcset="{html.escape(srcset(fmt))}" sizes="{SIZES}">'
                          for fmt in SOURCE_ORDER if fmt in variants and fmt != own)
        return f"<picture>{sources}<img{_attribute_text(attributes)}></picture>"

    return _IMG.sub(replace, page_html)
