"""Share images named in front matter (`image:`) and regions.yaml (`image:`): which file each names,
and an error at its line when it names none.

A page's image is looked for beside the page, then in its region's folder (a leading `/` means the
region's folder only); an http(s) address is taken as it is. See render/social.py for how it is used.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from icsgen.problems import Problems

from .model import Page, Site

IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
_ABSOLUTE = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class ShareImage:
    """The picture a share shows: `url` is a site path, or an address when `absolute`; `key` the content
    file it is, `alt` its text, `source` where it was set ('page' or 'region')."""

    url: str
    alt: str
    absolute: bool
    source: str
    key: str = ""


def image_candidates(page: Page | None, region_id: str, written: str) -> list[str]:
    """The content keys an `image:` may name, in the order they are tried."""
    name = written.strip().lstrip("/")
    keys = []
    if page is not None and not written.strip().startswith("/"):
        keys.append(posixpath.normpath(f"{page.key.rsplit('/', 1)[0]}/{name}"))
    keys.append(posixpath.normpath(f"{region_id}/{name}"))
    return [key for key in dict.fromkeys(keys) if key.startswith(f"{region_id}/")]


def find_image(site: Site, page: Page | None, region_id: str, written: str) -> ShareImage | None:
    """The share image `written` names, or None when there is no such file."""
    source = "page" if page is not None else "region"
    if _ABSOLUTE.match(written):
        return ShareImage(written, "", True, source)
    for key in image_candidates(page, region_id, written):
        static = site.statics.get(key)
        if static is not None:
            return ShareImage(static.url, "", False, source, key)
    return None


def share_image(site: Site, page: Page) -> ShareImage | None:
    """The page's own share image, else its region's; with its alt text."""
    if page.meta.image:
        found = find_image(site, page, page.region, page.meta.image)
        if found is not None:
            return ShareImage(found.url, page.meta.image_alt, found.absolute, "page", found.key)
    region = site.regions.get(page.region)
    if region is not None and region.config.image:
        found = find_image(site, None, page.region, region.config.image)
        if found is not None:
            return ShareImage(found.url, region.config.image_alt, found.absolute, "region", found.key)
    return None


def check_share_images(site: Site, problems: Problems) -> None:
    """An `image:` that names no image file of its region is an error at its line. A region with no folder
    is reported as that (model.py): its share image, not found either, would only say it again."""
    for region_id in site.chosen:
        config = site.regions[region_id].config
        if config.image and (site.content_dir / region_id).is_dir():
            _check(site, None, region_id, config.image, site.config.path, config.line, problems)
    for page in site.pages.values():
        if page.region in site.chosen and page.image:  # `Page.image`: no front matter decoded for the rest
            _check(site, page, page.region, page.image, page.source_path, page.meta.lines.get("image", 1), problems)


def _check(site: Site, page: Page | None, region_id: str, written: str, path: Path, line: int,
           problems: Problems) -> None:
    if _ABSOLUTE.match(written):
        if any(c.isspace() or c in "\"'<>`" for c in written):
            problems.add(path, line, f"image '{written}' is not a plain address", "write spaces as %20")
        return
    if not written.lower().endswith(IMAGE_TYPES):
        problems.add(path, line, f"image '{written}' is not a picture file ({', '.join(IMAGE_TYPES)})",
                     "share images are usually .png or .jpg, 1200 x 630 pixels")
        return
    if find_image(site, page, region_id, written) is None:
        tried = ", ".join(f"content/{key}" for key in image_candidates(page, region_id, written))
        problems.add(path, line, f"image '{written}' not found (looked for {tried})",
                     "put the picture beside the page or in the region's folder, or fix the name")
