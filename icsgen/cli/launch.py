"""The `icsgen` command's entry point: a build's walk of its input files starts in a second process
first, while this one imports the rest of icsgen.

Importing icsgen and its libraries takes ~0.2 s with the machine's second core idle, and a rebuild's
first need is that walk (see build/early.py). Only a plain `icsgen build` is recognised here, by a look at
its arguments; anything else, or anything this look does not understand, simply starts nothing,
and the build walks the files itself as it always could.

Such a build is then run without click (cli/build.py): the options are already read, and
importing click cost ~25 ms more. Anything else goes to the command line in cli.py.
"""

from __future__ import annotations

import os
import sys


def run() -> None:
    request = build_request(sys.argv[1:])
    if request is None:
        from .commands import run as run_command  # anything but a plain build: click reads it

        run_command()
        return
    if request["early"]:
        from icsgen.build import start_early

        start_early(request["root"])
    _build(request)


def build_request(args: list[str]) -> dict | None:
    """The options of `icsgen ARGS` when ARGS are a plain build that this look fully understands, else None.

    Plain: only the build's own options, each spelt as in `icsgen build --help` (`--jobs 2` or
    `--jobs=2`), with a value the command would accept. Anything else (help, a mistake, an option
    written some other way) is None and goes to click, which reads it or explains what is wrong.
    `early` says whether the input walk may start at once: not when one process (`--jobs 1`) or no
    cache (`--no-cache`) is asked for.
    """
    verbose = False
    while args and args[0] == "--verbose":
        verbose, args = True, args[1:]
    if not args or args[0] != "build":
        return None
    found: dict = {"root": ".", "out": None, "regions": [], "drafts": False, "future": False, "jobs": 0,
                   "no_cache": False, "no_search": False, "quiet": False, "verbose": verbose}
    flags = {"--drafts": "drafts", "--future": "future", "--no-cache": "no_cache", "--no-search": "no_search",
             "--quiet": "quiet", "-q": "quiet"}
    rest = iter(args[1:])
    for arg in rest:
        name, equals, value = arg.partition("=")
        if name in flags and not equals:
            found[flags[name]] = True
            continue
        if name not in ("--root", "--out", "--region", "--jobs", "-j"):
            return None  # an option this look does not know: leave it all to the command
        if not equals:
            value = next(rest, None)
            if value is None:
                return None
        if name in ("--jobs", "-j"):
            if not (value.isascii() and value.isdigit()):
                return None
            found["jobs"] = int(value)
        elif not value or (name != "--region" and os.path.isfile(value)):
            return None  # click says what is wrong with it
        elif name == "--region":
            found["regions"].append(value)
        else:
            found[name[2:]] = value
    found["root"] = os.path.realpath(found["root"])
    found["early"] = found["jobs"] != 1 and not found["no_cache"]
    return found


def build_root(args: list[str]) -> str | None:
    """The folder `icsgen ARGS` would build if its input walk may start early (see `build_request`)."""
    request = build_request(args)
    return request["root"] if request is not None and request["early"] else None


def _build(request: dict) -> None:
    """`icsgen build`, as cli.py would run it, and the end of the process (see `cli.run`)."""
    from pathlib import Path

    from icsgen.build import BuildOptions, leave_for_exit

    from .build import INTERRUPTED, end_process, report_interrupt, run_build

    leave_for_exit()
    code = 1
    try:
        options = BuildOptions(out=Path(request["out"]) if request["out"] else None, regions=tuple(request["regions"]),
                               drafts=request["drafts"], future=request["future"], jobs=request["jobs"],
                               cache=not request["no_cache"], search=not request["no_search"])
        code = run_build(Path(request["root"]), options, request["quiet"], request["verbose"])
    except KeyboardInterrupt as exc:  # outside the build itself (run_build reports those): nothing was published
        report_interrupt(getattr(exc, "published", False))
        code = INTERRUPTED
    end_process(code)
