"""A cold build's output folders and files, made empty on the spare core while the pages load.

Writing a page into a new output folder costs two inodes, the folder's and the file's, and on
ext4 each costs far more than writing the bytes (on the benchmark machine ~0.3 ms and ~0.4 ms
against ~0.08 ms for the bytes): a quarter of the time a worker spends on a page. Loading the
site is one process's work, so a second core is idle meanwhile; a child uses it to make, from the
list of content files alone, the folders and empty files the pages will most likely be written to.
A worker then opens an existing file and only writes it.

Addresses are guessed from file names (a `slug` in the front matter, a draft or a failed page
can make a guess wrong), so whatever was made and not written is taken away again (`tidy`) before
anything else goes into the staging folder. The child is stopped once the pages are loaded, whatever
it has done: the render workers then need both cores, and a file it did not make, a worker makes as
it always would. (Cold builds of 10,000 pages, alternating, 4 each: 6.59 s with files made ahead,
7.03 s without; letting the child go on beside the workers changed nothing, 6.53 vs 6.54 s. This
pays only because workers open the files without truncating them: see `output.write_text`.)
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterable
from pathlib import Path

from icsgen.content import DATE_PREFIX, NEWS, SHARED, page_url
from icsgen.files import Tree


def likely_outputs(regions: Iterable[str], trees: dict[str, Tree]) -> list[str]:
    """The HTML files a build of `regions` will most likely write, in about the order it writes them."""
    found = ["index.html", "404.html"]
    shared = trees[SHARED].files if SHARED in trees else {}
    for region_id in regions:
        tree = trees.get(region_id)
        found.append(f"{region_id}/404.html")
        folders = set()
        for rel in sorted({**shared, **(tree.files if tree else {})}):
            if not rel.endswith(".md"):
                continue
            folder, _, name = rel.rpartition("/")
            stem = name[: -len(".md")]
            if folder == NEWS and stem != "index":
                dated = DATE_PREFIX.match(stem)
                stem = dated.group(2) if dated else stem
            found.append(page_url(region_id, folder, stem) + "index.html")
            while folder and folder not in folders:  # every folder is a section, with a page of its own
                folders.add(folder)
                found.append(page_url(region_id, folder, "index") + "index.html")
                folder = folder.rpartition("/")[0]
    return list(dict.fromkeys(found))


def make(folder: Path, rels: Iterable[str]) -> None:
    """Make each file of `rels` under `folder`, empty, with its folders; never touches an existing file."""
    made = {str(folder)}
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)  # no O_TRUNC: a worker may have written it
    for rel in rels:
        path = os.path.join(folder, rel)
        parent = os.path.dirname(path)
        with contextlib.suppress(OSError):
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            os.close(os.open(path, flags, 0o644))


def tidy(folder: Path, made: Collection[str], written: Collection[str]) -> None:
    """Take away the files of `made` that nothing was written to, and the folders that leaves empty."""
    kept = set(written)
    for rel in made:
        if rel in kept:
            continue
        path = os.path.join(folder, rel)
        with contextlib.suppress(OSError):
            if os.lstat(path).st_size == 0:
                os.unlink(path)
        remove_empty_folders(folder, rel)


def remove_empty_folders(folder: Path | str, rel: str) -> None:
    """Remove the folders of `rel` inside `folder` that are left empty, deepest first (the output's
    publisher uses it too, after deleting a file)."""
    parent = os.path.dirname(rel)
    while parent:
        try:
            os.rmdir(os.path.join(folder, parent))  # fails, as it should, on a folder with anything in it
        except OSError:
            break
        parent = os.path.dirname(parent)
