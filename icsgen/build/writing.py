"""Everything the build writes that is not a rendered page, and publishing a rebuild's changes."""

from __future__ import annotations

import contextlib
import filecmp
import os
from collections.abc import Collection
from pathlib import Path

from icsgen.cache import PageStore, file_stat
from icsgen.content import Site
from icsgen.render import Renderer, calendar_files, feeds

from .images import Images
from .output import (
    MARKER,
    UnsafeOutput,
    copy_file,
    discard,
    discard_later,
    make_twin,
    publish_changes,
    write_text,
)
from .rendering import PARALLEL_THRESHOLD


def standing_feeds(site: Site, store: PageStore, output_stats: dict[str, list[int]], stale: set[str]) -> list[str]:
    """The feeds and sitemaps of regions none of whose pages was read again, when the site's structure
    is unchanged and the records trusted: exactly as the last build wrote them, so they stay as they are.
    """
    touched = {site.pages[key].region for key in site.pages.keys() - store.restored}
    files = []
    for region_id in site.chosen:
        own = feeds.region_files(region_id)
        if region_id not in touched and all(rel in output_stats and rel not in stale for rel in own):
            files += own
    return files


def write_the_rest(renderer: Renderer, site: Site, folder: Path, skip: Collection[str] = (),
                   images: Images | None = None) -> list[str]:
    """Theme files, static files (an image as its made files: `images`), feeds, sitemaps, robots.txt and
    calendar files; regions in `skip` keep their feed and sitemap (see `standing_feeds`). Returns the files
    written."""
    written = []
    for region_key, assets in renderer.assets.items():
        for asset in assets.values():
            written.append(f"{region_key + '/' if region_key else ''}assets/{asset.output}")
            copy_file(folder, written[-1], asset.source_path)
    for static in site.statics.values():
        if static.key.split("/", 1)[0] in site.chosen:
            for url, source in images.files(static) if images is not None else [(static.url, static.source_path)]:
                written.append(url)
                copy_file(folder, url, source)
    for rel, text in feeds.site_files(site, renderer.linker, [r for r in site.chosen if r not in skip],
                                      renderer.site_words).items():
        written.append(rel)
        write_text(folder, rel, text)
    for rel, text in calendar_files(site, renderer.linker, site.chosen).items():  # meetings and events (.ics)
        written.append(rel)
        write_text(folder, rel, text)
    return written


def apply_changes(staging: Path, out: Path, written: list[str], old_files: list[str],
                   page_files: list[str], differ: Collection[str] = ()) -> list[str]:
    """Publish what changed, and delete what the site no longer has, in one step (`publish_changes`).

    Runs only after every check passed. Files in `differ` are known to differ from the live ones (the
    render workers compared them), the rest are compared here; nothing is published if nothing changed.
    """
    moves = []
    for rel in written:
        target = out / rel
        if rel == MARKER or (rel not in differ and target.is_file()
                             and filecmp.cmp(staging / rel, target, shallow=False)):
            continue
        moves.append(rel)
    files = list(set(written).union(page_files))  # in no order: it only becomes the keys of a dict
    removals = set(old_files) - set(files)
    if moves or removals:
        publish_changes(staging, out, moves, removals)
    if len(written) >= PARALLEL_THRESHOLD:
        discard_later(staging)
    else:
        discard(staging)  # a few folders: quicker than starting `rm`
    return files


def output_stats(out: Path, files: list[str], old: dict[str, list[int]], written: set[str]) -> dict[str, list[int]]:
    """Size and time of every output file; files this run did not touch keep their recorded stat."""
    folder = str(out) + os.sep
    return {rel: old[rel] if rel in old and rel not in written else file_stat(folder + rel) for rel in files}


def make_twin_quietly(out: Path, replaced: Path | None) -> None:
    """`make_twin`, in the background: if it cannot be made now, the next rebuild makes it, or says why not."""
    with contextlib.suppress(OSError, UnsafeOutput):
        make_twin(out, replaced)
