"""Writing the site safely: into a fresh staging folder, swapped in only when the build succeeded.

An editor's mistake must never cost them the last good site, and icsgen must never delete a folder
it did not make. Every output folder carries a marker file; a non-empty folder without one (say
`--out content` by accident) is refused, not replaced.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from icsgen.cache import remove_later

MARKER = ".icsgen-build"


class UnsafeOutput(Exception):
    """The chosen output folder is not one icsgen may replace."""


def check_output_dir(out: Path, root: Path) -> None:
    out, root = out.resolve(), root.resolve()
    protected = [root, root / "content", root / "themes", root / "icsgen", root / "tests", root / ".git"]
    if out in protected or any(p.is_relative_to(out) for p in protected if p != root) or any(
        out.is_relative_to(p) for p in protected[1:]
    ):
        raise UnsafeOutput(f"{out} holds the project's own files; choose another --out folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise UnsafeOutput(
            f"{out} already exists and was not made by icsgen, so it will not be replaced; "
            "choose an empty or new --out folder"
        )


def staging_dir(out: Path) -> Path:
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / MARKER).write_text("This folder is made by icsgen build and replaced by the next build.\n")
    return staging


def _inside(folder: Path, rel: str) -> str:
    """The file's path, refusing any `rel` that could leave the output folder.

    Checked on the text (no `..`, not absolute, no backslashes): the output folder is made fresh by
    icsgen and holds no links, and resolving every path cost more than writing the file.
    """
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or any(part in ("", ".", "..") for part in parts):
        raise UnsafeOutput(f"refusing to write outside the output folder: {rel}")
    return os.path.join(folder, rel)


_WRITE = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)


def write_text(folder: Path, rel: str, text: str) -> None:
    write_bytes(folder, rel, text.encode("utf-8"))


def write_bytes(folder: Path, rel: str, data: bytes) -> None:
    """Write `data`, opening the file without `O_TRUNC` and cutting any longer old content after.

    A cold build's files exist already, empty (see build/prefill.py), and on ext4 truncating a file to
    nothing, even an empty one, makes its `close` start writing it to disk (the `auto_da_alloc`
    safeguard for programs that rewrite a file in place): at 10,000 pages that cost a tenth of a
    cold build, and made the files made ahead cost more than they saved.
    """
    path = _inside(folder, rel)
    try:
        fd = os.open(path, _WRITE, 0o666)
    except FileNotFoundError:  # its folder is new: make it (cheaper than checking every time)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, _WRITE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if os.fstat(fd).st_size > len(data):
            os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


def holds(folder: Path, rel: str, data: bytes) -> bool:
    """Whether the file `rel` under `folder` holds exactly `data`."""
    try:
        with open(_inside(folder, rel), "rb") as handle:
            return os.fstat(handle.fileno()).st_size == len(data) and handle.read() == data
    except OSError:
        return False


def copy_file(folder: Path, rel: str, source: Path) -> None:
    path = _inside(folder, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.copyfile(source, path)


def swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with two renames, so the old site stays whole until the last moment."""
    # unique even within one process: the last replaced site may still be being deleted
    old = out.parent / f".{out.name}.old-{os.getpid()}-{time.time_ns()}"
    if out.exists():
        out.rename(old)
    staging.rename(out)
    if old.exists():
        remove_later(old)



def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def discard_later(staging: Path) -> None:
    """`discard`, after the command has returned (see `remove_later`): a rebuild that moved thousands of
    pages out of the staging folder leaves as many empty folders, and deleting them took 0.8 s at
    10,000 pages. Renamed first, so a build that makes a staging folder of the same name meanwhile
    (serve rebuilds in one process) cannot lose it to the deletion."""
    aside = staging.with_name(f"{staging.name}.done-{time.time_ns()}")
    try:
        staging.rename(aside)
    except OSError:
        discard(staging)
        return
    remove_later(aside)
