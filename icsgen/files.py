"""Walking the input files: the content files of each top folder, and what the change tests need to
know of every input (size, times, inode), from one pass over `content/`, `themes/` and the built-in themes.

Kept apart and light (only `os` and `re`), because it is the first thing a build needs and the
last thing that needs the rest of icsgen: `launch` starts the walk in a child process before the
rest is imported (~0.2 s of a rebuild; see build/early.py), and the build collects the answer when
it wants it. Paths are kept as text: at 10,000 pages Path objects alone cost more than the walk.
"""

from __future__ import annotations

import os
import re
import stat

CONTENT_DIR = "content"
THEMES_DIR = "themes"  # a site's own themes, which override or extend the built-in ones
BUILTIN_THEMES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "themes")  # shipped in the package
DATA = "data"
THEME_OVERRIDES = "_theme"
IGNORED_NAMES = re.compile(
    r"(^\.|~$|^#.*#$|\.sw[a-p]$|^4913$|___jb_(tmp|old)___$|\.kate-swp$|\.bck$|\.tmp$)"
)


def is_ignored(name: str) -> bool:
    """Editors' temporary, backup and hidden files: never content."""
    if name.endswith(".md"):  # of the patterns only a leading dot can match a page: no regex for most names
        return name.startswith(".")
    return bool(IGNORED_NAMES.search(name))


class Tree:
    """The content files of one top folder (`_shared` or a region) by path relative to it."""

    __slots__ = ("files", "outside_links")

    def __init__(self, files: dict[str, str] | None = None, outside_links: list[str] | None = None) -> None:
        self.files: dict[str, str] = files if files is not None else {}  # relative path -> path
        self.outside_links: list[str] = outside_links if outside_links is not None else []  # not followed

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tree) and (self.files, self.outside_links) == (other.files, other.outside_links)

    def __repr__(self) -> str:
        return f"Tree({len(self.files)} files, outside_links={self.outside_links!r})"


def identity(info: os.stat_result) -> list[int]:
    """What tells a file's versions apart without reading it: size, modification and change times, inode."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def record_stat(entry: os.DirEntry, stats: dict[str, list[int]]) -> None:
    """[size, modification time, change time, inode] of a file; a folder counts too, as [-1, 0, 0, 0]."""
    if entry.is_dir(follow_symlinks=False):
        stats[entry.path] = [-1, 0, 0, 0]  # an empty folder added or removed matters too
        return
    try:
        info = entry.stat()
    except OSError:
        return
    stats[entry.path] = identity(info)


def scan_content(content: str | os.PathLike, stats: dict[str, list[int]] | None = None) -> dict[str, Tree]:
    """Every top folder's content files, from one walk of `content/`.

    With `stats`, also records the size, times and inode of every file and folder there, for the
    build's change test: one walk serves both, so both see the same files.
    """
    trees: dict[str, Tree] = {}
    try:
        entries = list(os.scandir(content))
    except OSError:
        return trees
    for entry in entries:
        if is_ignored(entry.name):
            continue
        if entry.is_dir():  # a region's folder may be a link; links further down are not followed
            trees[entry.name] = _walk(entry.path, stats)
        elif stats is not None:
            record_stat(entry, stats)
    return trees


def _walk(top: str, stats: dict[str, list[int]] | None) -> Tree:
    """The content files under `top`, skipping editors' temporary files and the data and theme folders.

    Links to folders are not followed (a looping link would never end); a link to a file outside
    `content/` is listed apart.
    """
    tree = Tree()
    outside = os.path.dirname(os.path.realpath(top))
    if stats is not None:
        stats[top] = [-1, 0, 0, 0]
    pending = [(top, "", True)]
    while pending:
        folder, prefix, content = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if is_ignored(entry.name):
                continue
            if stats is not None:
                record_stat(entry, stats)
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                keep = content and not (not prefix and entry.name in (DATA, THEME_OVERRIDES))
                if keep or stats is not None:  # data and theme folders: only their times
                    pending.append((entry.path, rel + "/", keep))
            elif content and entry.is_file():
                if entry.is_symlink() and not _inside(os.path.realpath(entry.path), outside):
                    tree.outside_links.append(entry.path)
                    continue
                tree.files[rel] = entry.path
    tree.files = dict(sorted(tree.files.items()))
    return tree


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def input_files(root: str | os.PathLike) -> tuple[dict[str, list[int]], dict[str, Tree]]:
    """Size, modification and change times and inode of every file a build reads, and the content files.

    The no-change test needs no parsing, the page store reuses these instead of a second stat, and
    loading reuses the walk. Folders are listed too (an empty one added or removed matters); links to
    folders are not followed below a region's own folder.
    """
    root = os.fspath(root)
    found: dict[str, list[int]] = {}
    try:
        info = os.stat(os.path.join(root, "regions.yaml"))
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode):
        found["regions.yaml"] = identity(info)
    trees = scan_content(os.path.join(root, CONTENT_DIR), found)
    pending = [os.path.join(root, THEMES_DIR), BUILTIN_THEMES]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            record_stat(entry, found)
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
    return found, trees


def scan_inputs(root: str | os.PathLike) -> tuple[dict, dict]:
    """`input_files`, as plain values (see build/background.py)."""
    inputs, trees = input_files(root)
    return inputs, {name: [tree.files, tree.outside_links] for name, tree in trees.items()}


def unpack_scan(found: tuple[dict, dict]) -> tuple[dict[str, list[int]], dict[str, Tree]]:
    inputs, trees = found
    return inputs, {name: Tree(files, links) for name, (files, links) in trees.items()}
