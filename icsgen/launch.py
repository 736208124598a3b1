"""The `icsgen` command's entry point: a build's walk of its input files starts in a second process
first, while this one imports the rest of icsgen.

Importing icsgen and its libraries takes ~0.2 s with the machine's second core idle, and a rebuild's
first need is that walk (see walk.py). Only a plain `icsgen build` is recognised here, by a look at
its arguments; anything else, or anything this look does not understand, simply starts nothing,
and the build walks the files itself as it always could.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    root = build_root(sys.argv[1:])
    if root is not None:
        from . import walk

        walk.start_early(root)
    from .cli import run as run_command  # the rest of icsgen

    run_command()


def build_root(args: list[str]) -> str | None:
    """The folder `icsgen ARGS` would build, resolved as the command resolves it; None if ARGS are not
    a build, or ask for one process (`--jobs 1`) or no cache (`--no-cache`), or are not understood."""
    while args and args[0] == "--verbose":
        args = args[1:]
    if not args or args[0] != "build":
        return None
    root = "."
    rest = iter(args[1:])
    for arg in rest:
        name, equals, value = arg.partition("=")
        if name in ("--root", "--out", "--region", "--jobs", "-j") and not equals:
            value = next(rest, "")
        if name == "--root":
            root = value
        elif (name in ("--jobs", "-j") and value.strip() == "1") or name in ("--no-cache", "-h", "--help"):
            return None
        elif name not in ("--out", "--region", "--jobs", "-j", "--drafts", "--future", "--quiet", "-q"):
            return None  # an option this look does not know: leave it all to the command
    return os.path.realpath(root) if root else None
