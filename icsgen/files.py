"""Walking the input files: the content files of each top folder, and what the change tests need to
know of every input (size, times, inode), from one pass over `content/`, `themes/` and the built-in themes.

Kept apart and light (only `os` and `re`), because it is the first thing a build needs and the
last thing that needs the rest of icsgen: `launch` starts the walk in a child process before the
rest is imported (~0.2 s of a rebuild; see build/early.py), and the build collects the answer when
it wants it. Paths are kept as text: at 10,000 pages Path objects alone cost more than the walk.
"""

from __future__ import annotations

import errno
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
    """The content files of one top folder (`_shared` or a region) by path relative to it.

    Links (symbolic links) are followed only where they stay inside the project folder: a link that
    leads out of it, or nowhere (a loop, a missing target), is listed apart for the load to report.
    `refused` says the top folder itself is such a link, so nothing of it was read.
    """

    __slots__ = ("broken_links", "files", "outside_links", "refused")

    def __init__(self, files: dict[str, str] | None = None, outside_links: list[str] | None = None,
                 broken_links: list[str] | None = None, refused: bool = False) -> None:
        self.files: dict[str, str] = files if files is not None else {}  # relative path -> path
        self.outside_links: list[str] = outside_links if outside_links is not None else []  # not followed
        self.broken_links: list[str] = broken_links if broken_links is not None else []  # loops, missing targets
        self.refused = refused

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tree) and self.plain() == other.plain()

    def plain(self) -> list:
        """As plain values, for the pipe from the walk's child (see background.py)."""
        return [self.files, self.outside_links, self.broken_links, self.refused]

    def __repr__(self) -> str:
        return (f"Tree({len(self.files)} files, outside_links={self.outside_links!r}, "
                f"broken_links={self.broken_links!r}, refused={self.refused})")


def project_of(content: str | os.PathLike) -> str:
    """The real path of the project folder that holds `content` (the folder `content/` is in)."""
    return os.path.realpath(os.path.dirname(os.path.abspath(content)))


def inside(path: str | os.PathLike, folder: str) -> bool:
    """Whether the real path `path` is `folder` or below it (`folder` a real path too)."""
    path = os.fspath(path)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def hidden_part(real: str, project: str) -> str:
    """The hidden file or folder of the project (`.git`, `.env`) that the real path `real` is in, or ''."""
    rel = os.path.relpath(real, project)
    return next((part for part in rel.split(os.sep) if part.startswith(".") and part not in (".", "..")), "")


def link_state(path: str | os.PathLike, project: str) -> str:
    """Where the link `path` leads: 'inside' the project folder (real path `project`), 'outside' it,
    or 'broken' (round in a loop, or to nothing).

    A link into a hidden file or folder of the project (`.git/config`, `.env`) counts as outside: they
    hold the project's settings and passwords (a CI checkout keeps its token in .git/config), never a
    page or a file to publish, and a pull request must not be able to publish them."""
    try:
        real = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):  # ELOOP, ENOENT; RuntimeError: a loop, in Pythons before 3.13
        return "broken"
    return "inside" if inside(real, project) and not hidden_part(real, project) else "outside"


def link_problem(path: str | os.PathLike, project: str) -> tuple[str, str]:
    """The message and hint for the link `path` that `link_state` did not find 'inside' the project:
    icsgen reads nothing outside the project folder (a pull request's build must not publish the
    machine's files), and a link that leads nowhere is reported rather than skipped without a word."""
    try:
        target = os.readlink(path)
    except OSError:  # a link further up the path: name where it leads
        target = os.path.realpath(path)
    state = link_state(path, project)
    real = os.path.realpath(path)
    if state == "outside" and inside(real, project):
        return (f"a link to '{target}', which leads to '{os.path.relpath(real, project)}', a hidden file of the "
                f"project: icsgen reads none of them ('{hidden_part(real, project)}' holds settings or passwords)",
                "copy the file you mean into content/, or replace the link with the file itself")
    if state == "outside":
        return (f"a link to '{target}', which is outside the project folder: icsgen reads nothing outside it",
                "copy what it links to into the project folder, or replace the link with the file itself")
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return (f"a link to '{target}' that leads round in a loop",
                    "delete the link, or point it at the file itself")
    return f"a link to '{target}', which does not exist", "delete the link, or point it at a file that exists"


def first_link_out(path: str | os.PathLike, project: str, top: str) -> str | None:
    """The first link at or below the folder `top` on the way to `path` that does not stay inside the
    project folder (real path `project`), or None if the path stays inside."""
    path = os.path.abspath(path)
    top = os.path.abspath(top)
    current = top
    parts = os.path.relpath(path, top).split(os.sep) if path != top else []
    for part in ["", *parts]:
        current = os.path.join(current, part) if part else current
        if os.path.islink(current) and link_state(current, project) != "inside":
            return current
    return None


def identity(info: os.stat_result) -> list[int]:
    """What tells a file's versions apart without reading it: size, modification and change times, inode."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def record_stat(entry: os.DirEntry, stats: dict[str, list[int]]) -> None:
    """[size, modification time, change time, inode] of a file; a folder counts too, as [-1, 0, 0, 0], and a
    link to nothing as [-2, its own times and inode]."""
    if entry.is_dir(follow_symlinks=False):
        stats[entry.path] = [-1, 0, 0, 0]  # an empty folder added or removed matters too
        return
    try:
        info = entry.stat()
    except OSError:  # a link that loops or leads nowhere: its own times, so that adding one is a change
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            return
        stats[entry.path] = [-2, *identity(info)[1:]]
        return
    stats[entry.path] = identity(info)


def scan_content(content: str | os.PathLike, stats: dict[str, list[int]] | None = None) -> dict[str, Tree]:
    """Every top folder's content files, from one walk of `content/`.

    With `stats`, also records the size, times and inode of every file and folder there, for the
    build's change test: one walk serves both, so both see the same files. Nothing is read of a
    `content/` that is a link out of the project folder (`load_site` reports it).
    """
    trees: dict[str, Tree] = {}
    project = project_of(content)
    if os.path.islink(content) and link_state(content, project) != "inside":
        return trees
    try:
        entries = list(os.scandir(content))
    except OSError:
        return trees
    for entry in entries:
        if is_ignored(entry.name):
            continue
        if entry.is_symlink():  # a region's folder may be a link, if it stays inside the project
            state = link_state(entry.path, project)
            if state != "inside":
                trees[entry.name] = Tree(outside_links=[entry.path] if state == "outside" else [],
                                         broken_links=[entry.path] if state == "broken" else [], refused=True)
                continue
        if entry.is_dir():  # links further down are followed only to files
            trees[entry.name] = _walk(entry.path, stats, project)
        elif stats is not None:
            record_stat(entry, stats)
    return trees


def _walk(top: str, stats: dict[str, list[int]] | None, project: str) -> Tree:
    """The content files under `top`, skipping editors' temporary files and the data and theme folders.

    Links to folders are not followed (a looping link would never end), nor links to files outside
    the project folder (real path `project`): those, and links that lead nowhere, are listed apart.
    """
    tree = Tree()
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
            elif content and entry.is_symlink():
                state = link_state(entry.path, project)
                if state == "outside":
                    tree.outside_links.append(entry.path)
                elif state == "broken":
                    tree.broken_links.append(entry.path)
                elif entry.is_file():
                    tree.files[rel] = entry.path
            elif content and entry.is_file():
                tree.files[rel] = entry.path
    tree.files = dict(sorted(tree.files.items()))
    return tree


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
    return inputs, {name: tree.plain() for name, tree in trees.items()}


def unpack_scan(found: tuple[dict, dict]) -> tuple[dict[str, list[int]], dict[str, Tree]]:
    inputs, trees = found
    return inputs, {name: Tree(*plain) for name, plain in trees.items()}
